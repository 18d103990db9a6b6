/**
 * `npm run netmatrix -- [--stack dev|prod]... [--json FILE] [--all] [--cyclonus BIN]`
 * (help, exit codes and error conventions: tools/lib/cli.ts; `--help` lists every flag)
 *
 * The static connectivity matrix: renders each stack offline, checks that every flow of
 * tests/flows names pods the render has, and evaluates every flow against the rendered
 * NetworkPolicies with cyclonus. Prints the flows whose verdict is not the intended one (all
 * flows with --all), writes every verdict as JSON, and exits 1 on a regression (a wrong verdict
 * not listed in tests/flows/known-violations.ts) or a stale known entry (listed, now right).
 * Needs no cluster; builds cyclonus with Go on first use.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "agent-platform/config";
import { FLOWS, KNOWN_VIOLATIONS, STACKS, StackName, flowsFor } from "../tests/flows";
import { Args, CliIo, UsageError, UserError, defineCli, processIo, runCli, runMain } from "./lib/cli";
import { REPO_ROOT, renderStack, toManifestYaml } from "./lib/render";
import { CYCLONUS_VERSION, cyclonusPath, ensureCyclonus, queryTraffic } from "./netmatrix/cyclonus";
import { MatrixRow, formatSummary, formatTable, judge, summarize } from "./netmatrix/report";
import { indexRender, matrixProblems } from "./netmatrix/resolve";
import { AddressBook, STACK_NETWORKS, toTraffic } from "./netmatrix/traffic";

export const CLI = defineCli({
    name: "netmatrix",
    usage: "npm run netmatrix -- [--stack dev|prod]... [--json FILE] [--all] [--cyclonus BIN]",
    summary: `The static connectivity matrix: renders each stack offline, checks that every flow of
tests/flows names pods the render has, and evaluates every flow against the rendered
NetworkPolicies with cyclonus ${CYCLONUS_VERSION} (analyze --mode query-traffic). Prints the flows whose
verdict is not the intended one on stdout (every flow with --all), the counts on stderr, and
writes every verdict as JSON. Needs no cluster; builds cyclonus with Go on first use.`,
    flags: {
        stack: { value: "NAME", repeat: true, help: `evaluate this stack's render (default: ${STACKS.join(" and ")})` },
        json: { value: "FILE", help: "write every verdict here (default rendered/netmatrix.json; an existing file must be an earlier report)" },
        all: { help: "print every flow, not only the ones whose verdict is not the intended one" },
        cyclonus: { value: "BIN", help: `use this cyclonus binary instead of building ${cyclonusPath()}` },
    },
    exitCodes: { 1: "a regression (a wrong verdict not in tests/flows/known-violations.ts), a stale known entry, or a flow list that does not match a render" },
    userErrors: [ConfigError],
});

const REPORT_KIND = "agent-platform/netmatrix";

async function evaluate(stack: StackName, bin: string, work: string): Promise<MatrixRow[]> {
    const rendered = await renderStack(stack);
    const idx = indexRender(rendered.objects);
    const problems = matrixProblems(FLOWS, KNOWN_VIOLATIONS, stack, idx);
    if (problems.length)
        throw new UserError(`tests/flows does not match the ${stack} render (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    const flows = flowsFor(stack);
    const dir = path.join(work, stack);
    const policies = path.join(dir, "policies");
    fs.mkdirSync(policies, { recursive: true });
    for (const o of rendered.objects.filter((x) => x.kind === "NetworkPolicy")) {
        fs.writeFileSync(path.join(policies, `${o.metadata.namespace}--${o.metadata.name}.yaml`), toManifestYaml(o));
    }
    const book = new AddressBook(STACK_NETWORKS[stack]);
    const traffic = path.join(dir, "traffic.json");
    fs.writeFileSync(
        traffic,
        JSON.stringify(
            flows.map((f) => toTraffic(f, stack, idx, book)),
            null,
            1,
        ),
    );
    return judge(stack, flows, queryTraffic(bin, policies, traffic, flows.length), KNOWN_VIOLATIONS);
}

/** Refuses to overwrite a file that is not an earlier report (exit 2): --json must not clobber anything else. */
function assertReportPath(file: string): void {
    if (!fs.existsSync(file)) return;
    let kind: unknown;
    try {
        kind = JSON.parse(fs.readFileSync(file, "utf8")).kind;
    } catch {
        kind = undefined;
    }
    if (kind !== REPORT_KIND) throw new UserError(`--json ${file} exists and is not a netmatrix report; choose another file`, 2);
}

export async function netmatrix(args: Args<typeof CLI>, io: CliIo): Promise<number> {
    const bad = args.stack.filter((s) => !(STACKS as readonly string[]).includes(s));
    if (bad.length) throw new UsageError(`--stack must be one of ${STACKS.join(", ")}, got ${bad.join(", ")}`);
    const stacks = args.stack.length ? [...new Set(args.stack as StackName[])] : [...STACKS];
    const json = path.resolve(args.json ?? path.join(REPO_ROOT, "rendered", "netmatrix.json"));
    assertReportPath(json);
    const bin = args.cyclonus ? path.resolve(args.cyclonus) : cyclonusPath();
    if (args.cyclonus && !fs.existsSync(bin)) throw new UsageError(`--cyclonus ${bin} does not exist`);
    if (!args.cyclonus) ensureCyclonus(bin, (m) => io.stderr(`netmatrix: ${m}\n`));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "netmatrix-"));
    try {
        const rows: MatrixRow[] = [];
        for (const stack of stacks) rows.push(...(await evaluate(stack, bin, work)));
        const summaries = stacks.map((s) => summarize(s, rows));
        io.stdout(formatTable(rows, args.all) + "\n");
        for (const s of summaries) io.stderr(`netmatrix: ${formatSummary(s)}\n`);
        fs.mkdirSync(path.dirname(json), { recursive: true });
        fs.writeFileSync(json, JSON.stringify({ kind: REPORT_KIND, engine: { name: "cyclonus", version: CYCLONUS_VERSION }, summaries, rows }, null, 2) + "\n");
        io.stderr(`netmatrix: verdicts of ${rows.length} flows -> ${path.relative(process.cwd(), json) || json}\n`);
        const failed = rows.filter((r) => r.status === "regression" || r.status === "stale");
        for (const r of failed) {
            io.stderr(
                r.status === "stale"
                    ? `netmatrix: stale known violation [${r.stack}] ${r.flow}: it now evaluates as intended (${r.expect}); delete its entry from tests/flows/known-violations.ts\n`
                    : `netmatrix: regression [${r.stack}] ${r.flow}: expected ${r.expect}, the policies ${r.actual} it (blocked by ${r.blockedBy.join("+") || "nothing"}; seed ${r.seed}: ${r.why})\n`,
            );
        }
        return failed.length ? 1 : 0;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

/** Runs the CLI; resolves to the exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
    return runCli(CLI, argv, netmatrix, io);
}

if (require.main === module) void runMain(CLI, netmatrix);
