/**
 * `npm run netmatrix -- [--stack dev|prod]... [--json FILE] [--all] [--cyclonus BIN]`
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
import { ConfigError } from "../components/config/schema";
import { FLOWS, KNOWN_VIOLATIONS, STACKS, StackName, flowsFor } from "../tests/flows";
import { REPO_ROOT, renderStack, toManifestYaml } from "./lib/render";
import { CYCLONUS_VERSION, cyclonusPath, ensureCyclonus, queryTraffic } from "./netmatrix/cyclonus";
import { MatrixRow, formatSummary, formatTable, judge, summarize } from "./netmatrix/report";
import { indexRender, matrixProblems } from "./netmatrix/resolve";
import { AddressBook, STACK_NETWORKS, toTraffic } from "./netmatrix/traffic";

interface Args {
    stacks: StackName[];
    json: string;
    all: boolean;
    cyclonus?: string;
}

function usage(msg: string): never {
    console.error(`${msg}\nusage: npm run netmatrix -- [--stack dev|prod]... [--json FILE] [--all] [--cyclonus BIN]
  --stack     evaluate this stack's render (repeatable; default: ${STACKS.join(" and ")})
  --json      write every verdict here (default: rendered/netmatrix.json)
  --all       print every flow, not only the ones whose verdict is not the intended one
  --cyclonus  use this cyclonus binary instead of building ${cyclonusPath()}`);
    process.exit(2);
}

function parseArgs(argv: string[]): Args {
    const stacks: StackName[] = [];
    let json = path.join(REPO_ROOT, "rendered", "netmatrix.json");
    let all = false;
    let cyclonus: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => argv[++i] ?? usage(`${a} needs a value`);
        if (a === "--stack") {
            const s = value();
            if (!(STACKS as readonly string[]).includes(s)) usage(`--stack must be one of ${STACKS.join(", ")}, got ${s}`);
            stacks.push(s as StackName);
        } else if (a === "--json") json = path.resolve(value());
        else if (a === "--all") all = true;
        else if (a === "--cyclonus") cyclonus = path.resolve(value());
        else usage(`unknown argument ${a}`);
    }
    return { stacks: stacks.length ? [...new Set(stacks)] : [...STACKS], json, all, cyclonus };
}

async function evaluate(stack: StackName, bin: string, work: string): Promise<MatrixRow[]> {
    const rendered = await renderStack(stack);
    const idx = indexRender(rendered.objects);
    const problems = matrixProblems(FLOWS, KNOWN_VIOLATIONS, stack, idx);
    if (problems.length) throw new FlowListError(stack, problems);
    const flows = flowsFor(stack);
    const dir = path.join(work, stack);
    const policies = path.join(dir, "policies");
    fs.mkdirSync(policies, { recursive: true });
    for (const o of rendered.objects.filter((x) => x.kind === "NetworkPolicy")) {
        fs.writeFileSync(path.join(policies, `${o.metadata.namespace}--${o.metadata.name}.yaml`), toManifestYaml(o));
    }
    const book = new AddressBook(STACK_NETWORKS[stack]);
    const traffic = path.join(dir, "traffic.json");
    fs.writeFileSync(traffic, JSON.stringify(flows.map((f) => toTraffic(f, stack, idx, book)), null, 1));
    return judge(stack, flows, queryTraffic(bin, policies, traffic, flows.length), KNOWN_VIOLATIONS);
}

class FlowListError extends Error {
    constructor(stack: StackName, problems: string[]) {
        super(`tests/flows does not match the ${stack} render (${problems.length} problems):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    }
}

async function main(): Promise<number> {
    const args = parseArgs(process.argv.slice(2));
    const bin = args.cyclonus ?? cyclonusPath();
    if (!args.cyclonus) ensureCyclonus(bin, (m) => console.log(m));
    else if (!fs.existsSync(bin)) usage(`--cyclonus ${bin} does not exist`);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), "netmatrix-"));
    try {
        const rows: MatrixRow[] = [];
        for (const stack of args.stacks) rows.push(...await evaluate(stack, bin, work));
        const summaries = args.stacks.map((s) => summarize(s, rows));
        console.log(formatTable(rows, args.all));
        console.log("");
        for (const s of summaries) console.log(formatSummary(s));
        fs.mkdirSync(path.dirname(args.json), { recursive: true });
        fs.writeFileSync(args.json, JSON.stringify({ engine: { name: "cyclonus", version: CYCLONUS_VERSION, binary: bin }, summaries, rows }, null, 2) + "\n");
        console.log(`verdicts of ${rows.length} flows written to ${path.relative(process.cwd(), args.json) || args.json}`);
        const bad = rows.filter((r) => r.status === "regression" || r.status === "stale");
        if (!bad.length) return 0;
        console.error(`\nnetmatrix FAILED:`);
        for (const r of bad) {
            console.error(r.status === "stale"
                ? `  - stale known violation [${r.stack}] ${r.flow}: it now evaluates as intended (${r.expect}); delete its entry from tests/flows/known-violations.ts`
                : `  - regression [${r.stack}] ${r.flow}: expected ${r.expect}, the policies ${r.actual} it (blocked by ${r.blockedBy.join("+") || "nothing"}; seed ${r.seed}: ${r.why})`);
        }
        return 1;
    } finally {
        fs.rmSync(work, { recursive: true, force: true });
    }
}

main().then((code) => process.exit(code), (err: unknown) => {
    console.error(err instanceof ConfigError || err instanceof FlowListError ? err.message : `netmatrix failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
});
