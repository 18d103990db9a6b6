/**
 * `npm run cost -- --stack prod`: the monthly cost of a stack, estimated from its offline render
 * and the committed price table (tools/cost/prices.json). Pricing rules: tools/lib/cost.ts.
 * Conventions (help, exit codes): tools/lib/cli.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { ConfigError } from "agent-platform/config";
import { PROJECT_ROOT } from "../stacks/project-root";
import { Args, CliIo, defineCli, processIo, runCli, runMain, UsageError, UserError } from "./lib/cli";
import { estimateCost, formatCostMarkdown, formatCostText, parsePriceTable, PLATFORM } from "./lib/cost";

export const DEFAULT_PRICES = path.join(PROJECT_ROOT, "tools", "cost", "prices.json");
export const DEFAULT_LOG_GB = 10;

export const CLI = defineCli({
    name: "cost",
    usage: "npm run cost -- --stack NAME [--config FILE] [--prices FILE] [--log-gb N] [--markdown | --json]",
    summary: `Estimates the monthly cost of a stack from its offline render (no cloud access): the EKS
control plane, each node group at its minimum and maximum size (and its root volumes), NAT
gateways and public IPv4, EBS volumes (PVC and claim-template sizes x the gp3 price, plus IOPS
and throughput above the free baseline), EFS, CloudWatch log retention and KMS keys. Prints a
table by system and the total as a min–max range on stdout.`,
    flags: {
        stack: { value: "NAME", required: true, help: "the stack to estimate (reads Pulumi.NAME.yaml)" },
        config: { value: "FILE", help: "read the stack config from FILE instead of Pulumi.NAME.yaml" },
        prices: { value: "FILE", help: "the price table (default tools/cost/prices.json: its date and region are printed)" },
        logGb: { value: "N", help: `GB ingested per month into each CloudWatch log group (default ${DEFAULT_LOG_GB})` },
        markdown: { help: "print Markdown tables (e.g. >> $GITHUB_STEP_SUMMARY)" },
        json: { help: "print the estimate as JSON" },
    },
    userErrors: [ConfigError],
});

function readJson(file: string, what: string): unknown {
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new UserError(`cannot read ${what} ${path.relative(process.cwd(), file)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
}

/** The stack's AWS region, from `agent-platform:cluster.region` or `aws:region`. */
function stackRegion(values: Record<string, string>): string | undefined {
    try {
        const cluster = JSON.parse(values["agent-platform:cluster"] ?? "{}") as { region?: string };
        if (cluster.region) return cluster.region;
    } catch {
        // not JSON: the program's own validation reports it
    }
    return values["aws:region"];
}

async function cost(args: Args<typeof CLI>, io: CliIo): Promise<number> {
    if (args.markdown && args.json) throw new UsageError("--markdown and --json exclude each other");
    const logGb = args.logGb === undefined ? DEFAULT_LOG_GB : Number(args.logGb);
    if (!Number.isFinite(logGb) || logGb < 0) throw new UsageError(`--log-gb must be a number >= 0, got ${args.logGb}`);
    const pricesFile = path.resolve(args.prices ?? DEFAULT_PRICES);
    const prices = parsePriceTable(readJson(pricesFile, "price table"), path.relative(process.cwd(), pricesFile));
    const { REPO_ROOT, readStackConfig, renderProgram, resolveSummary } = await import("./lib/render");
    const config = readStackConfig(path.resolve(args.config ?? path.join(REPO_ROOT, `Pulumi.${args.stack}.yaml`)));
    io.stderr(`cost: rendering stack ${args.stack} offline\n`);
    const result = await renderProgram(config, args.stack);
    const summary = await resolveSummary(result);
    const systemByNamespace = new Map(Object.entries(summary).map(([key, s]) => [(s as { namespace?: string }).namespace, key]));
    const estimate = estimateCost(result, prices, { logGbPerMonth: logGb }, (ns) => (ns && systemByNamespace.get(ns)) || PLATFORM);
    const region = stackRegion(config.values);
    const regionNote =
        region && region !== prices.region
            ? `The stack runs in ${region}; these are ${prices.region} prices (other regions differ by a few to ~20 %).`
            : undefined;
    if (args.json)
        io.stdout(
            JSON.stringify(
                {
                    stack: args.stack,
                    prices: { date: prices.date, region: prices.region, currency: prices.currency },
                    assumptions: { logGbPerMonth: logGb },
                    ...estimate,
                },
                null,
                2,
            ) + "\n",
        );
    else io.stdout((args.markdown ? formatCostMarkdown : formatCostText)(args.stack, estimate, prices, regionNote));
    return 0;
}

/** Runs the CLI; resolves to the exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
    return runCli(CLI, argv, cost, io);
}

if (require.main === module) void runMain(CLI, cost);
