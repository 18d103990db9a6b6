/**
 * npm run bench -- [--only eval,growth,policy,scale,deploy,tests,profile] [--reps N] [--out DIR]
 * (help, exit codes and error conventions: tools/lib/cli.ts; `--help` lists every flag)
 *
 * Measures program evaluation (prod/dev stacks, growth with AgentService count), policy
 * evaluation, the real deploy against plain kubectl (when the e2e toolchain is cached) and the
 * test suites, in one run, and writes `<out>/results.md` and `<out>/results.json` (default
 * `bench/`). Every timed unit runs in a fresh child process unless the row says otherwise.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchDeploy } from "./lib/deploy";
import { REPO_ROOT, runChild, runCommand, Runtime } from "./lib/child";
import { selfTimeByOrigin } from "./lib/profile";
import { gitState, machine, mergeEarlier, Results, Row, writeResults } from "./lib/report";
import { judgeGrowth, linearFit, median } from "./lib/stats";
import { writeSyntheticManifests } from "./lib/synthetic";
import { Args, CliIo, defineCli, processIo, runCli, runMain, UsageError } from "../tools/lib/cli";
import { extractRevision } from "../tools/lib/revision";

const SECTIONS = ["eval", "growth", "policy", "scale", "deploy", "tests", "profile"] as const;
type Section = (typeof SECTIONS)[number];

interface Options {
    only: Set<Section>;
    reps: number;
    out: string;
    /** The tests section also runs `npm run e2e` (the lead's local cluster: never by default). */
    e2e: boolean;
    /** The commit whose policy:check code gives the "before" rows. */
    baseline: string;
    /** Keep the sections this run does not measure from the results already in `out`. */
    merge: boolean;
}

/** main when issue 20 began: the policy:check code before its speed-up, run under ts-node as it was. */
const BASELINE = "9c3fbbd";

export const CLI = defineCli({
    name: "bench",
    usage: `npm run bench -- [--only ${SECTIONS.join(",")}] [--reps N] [--out DIR] [--e2e] [--baseline REV] [--merge]`,
    summary: `Measures program evaluation, growth with AgentService count, policy evaluation, the real
deploy against plain kubectl (when the e2e toolchain is cached), the test suites and a CPU
profile, and writes DIR/results.md and DIR/results.json. Progress goes to stderr, one line per
figure to stdout.`,
    flags: {
        only: { value: "LIST", help: `comma-separated sections to run (default all: ${SECTIONS.join(",")})` },
        reps: { value: "N", help: "repetitions per timed unit (default 5)" },
        out: { value: "DIR", help: "where results.md and results.json go (default bench/)" },
        e2e: { help: "the tests section also runs `npm run e2e` (starts a local cluster; off by default)" },
        baseline: { value: "REV", help: `commit whose policy:check gives the "before" rows (default ${BASELINE})` },
        merge: { help: "keep the sections this run does not measure from DIR/results.json, each labelled with its own run" },
    },
});

export function toOptions(a: Args<typeof CLI>): Options {
    const o: Options = {
        only: new Set(SECTIONS),
        reps: 5,
        out: path.join(REPO_ROOT, "bench"),
        e2e: a.e2e === true,
        baseline: a.baseline ?? BASELINE,
        merge: a.merge === true,
    };
    if (a.only !== undefined) {
        const bad = a.only.split(",").filter((s) => !(SECTIONS as readonly string[]).includes(s));
        if (bad.length) throw new UsageError(`--only: unknown sections ${bad.join(", ")} (known: ${SECTIONS.join(", ")})`);
        o.only = new Set(a.only.split(",") as Section[]);
    }
    if (a.reps !== undefined) o.reps = Number(a.reps);
    if (a.out !== undefined) o.out = path.resolve(a.out);
    if (!Number.isInteger(o.reps) || o.reps < 1) throw new UsageError(`--reps must be an integer >= 1, got ${a.reps}`);
    return o;
}

const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
const mib = (kib: number) => kib / 1024;

interface RenderReport {
    stack: string;
    bootMs: number;
    pulumiMs: number;
    k8sMs: number;
    awsMs: number;
    randomMs: number;
    toolsMs: number;
    programMs: number;
    totalMs: number;
    objects: number;
    cloudResources: number;
    resources: number;
    baseRssKiB: number;
    peakRssKiB: number;
}

const RUNTIMES: { runtime: Runtime; label: string }[] = [
    { runtime: "ts-node", label: "before (ts-node)" },
    { runtime: "compiled", label: "after (tsc build)" },
];

async function benchEval(o: Options, rows: Row[], details: Record<string, unknown>, tmp: string): Promise<void> {
    const S = "Program evaluation (mock runtime, the `npm run render` path)";
    const phaseRows: (string | number)[][] = [];
    for (const stack of ["dev", "prod"]) {
        // Interleaved (ts-node, compiled, ts-node, ...) so a load swing hits both alike.
        const runs = new Map<Runtime, { wallMs: number; report: RenderReport }[]>(RUNTIMES.map((r) => [r.runtime, []]));
        try {
            for (let i = 0; i < o.reps; i++)
                for (const { runtime } of RUNTIMES) runs.get(runtime)!.push(await runChild<RenderReport>("render-child.ts", [stack], [], { runtime }));
        } catch (e) {
            rows.push({
                section: S,
                figure: `${stack} stack evaluation`,
                value: "failed",
                unit: "",
                how: (e as Error).message.split("\n").slice(0, 3).join(" "),
            });
            continue;
        }
        for (const { runtime, label } of RUNTIMES) {
            const rs = runs.get(runtime)!;
            const med = (f: (r: RenderReport) => number) => median(rs.map((r) => f(r.report)));
            const r0 = rs[0].report;
            const wall = median(rs.map((r) => r.wallMs));
            log(`${stack} ${runtime}: wall ${wall.toFixed(0)} ms, program ${med((r) => r.programMs).toFixed(0)} ms`);
            rows.push(
                {
                    section: S,
                    figure: `${stack}: evaluate the stack, fresh process, ${label}`,
                    value: wall / 1000,
                    unit: "s",
                    goal: stack === "prod" && runtime === "compiled" ? "≤ 1.5 s" : "",
                    how: `median of ${o.reps} child processes, spawn to exit: node start-up${runtime === "ts-node" ? " + ts-node, TS transpile" : ""}, module loading, program under mocks (${r0.resources} resources, ${r0.objects} Kubernetes objects, ${r0.cloudResources} AWS)`,
                },
                {
                    section: S,
                    figure: `${stack}: program alone (renderStack), ${label}`,
                    value: med((r) => r.programMs) / 1000,
                    unit: "s",
                    how: `median, in the child: renderStack() after @pulumi/* were loaded (${runtime === "ts-node" ? "transpile + " : ""}evaluation of stacks/ and components/ + mock registration)`,
                },
                {
                    section: S,
                    figure: `${stack}: peak memory, ${label}`,
                    value: mib(med((r) => r.peakRssKiB)),
                    unit: "MiB",
                    how: `median getrusage maxRSS of the child (whole process); ${mib(med((r) => r.baseRssKiB)).toFixed(0)} MiB of it is node${runtime === "ts-node" ? " + ts-node" : ""} before any import`,
                },
            );
            phaseRows.push([
                `${stack}, ${label}`,
                med((r) => r.bootMs),
                med((r) => r.pulumiMs),
                med((r) => r.k8sMs),
                med((r) => r.awsMs),
                med((r) => r.randomMs),
                med((r) => r.toolsMs),
                med((r) => r.programMs),
                med((r) => r.totalMs),
            ]);
        }
        const [before, after] = RUNTIMES.map(({ runtime }) => median(runs.get(runtime)!.map((r) => r.wallMs)));
        rows.push({ section: S, figure: `${stack}: fresh-process evaluation, before / after`, value: before / after, unit: "×", how: "same run, interleaved" });
    }
    details.evalPhases = {
        section: S,
        title: "Where a fresh-process evaluation spends its time (median ms, in the child)",
        headers: [
            "stack, runtime",
            "node (+ ts-node) boot",
            "require @pulumi/pulumi",
            "@pulumi/kubernetes",
            "@pulumi/aws (when the program loads it)",
            "@pulumi/random",
            "tools/lib/render",
            "program (renderStack)",
            "total in child",
        ],
        rows: phaseRows,
    };
    await benchRenderCli(o, rows, tmp);
}

/** `render --stack prod` as a user runs it: the whole CLI process, start-up and writing the files included. */
async function benchRenderCli(o: Options, rows: Row[], tmp: string): Promise<void> {
    const S = "Program evaluation (mock runtime, the `npm run render` path)";
    const out = path.join(tmp, "render-cli");
    const variants: { label: string; cmd: string; args: string[]; goal: string; how: string }[] = [
        {
            label: "before: ts-node --transpile-only tools/render.ts",
            cmd: process.execPath,
            args: [path.join(REPO_ROOT, "node_modules", "ts-node", "dist", "bin.js"), "--transpile-only", "tools/render.ts"],
            goal: "",
            how: "what `npm run render` ran before issue 20 (without npm's own start-up)",
        },
        {
            label: "after: node build/tools/render.js",
            cmd: process.execPath,
            args: ["build/tools/render.js"],
            goal: "≤ 3 s",
            how: "what `npm run render` runs now (without npm's own start-up)",
        },
        {
            label: "after: npm run render, npm's start-up included",
            cmd: "npm",
            args: ["run", "--silent", "render", "--"],
            goal: "≤ 3 s",
            how: "the npm script as typed",
        },
    ];
    const times = new Map<string, number[]>(variants.map((v) => [v.label, []]));
    for (let i = 0; i < o.reps; i++) {
        for (const v of variants) {
            const r = await runCommand(v.cmd, [...v.args, "--stack", "prod", "--out", out]);
            if (r.code !== 0) {
                rows.push({ section: S, figure: `render --stack prod, ${v.label}`, value: "failed", unit: "", how: (r.stderr || r.stdout).split("\n")[0] });
                return;
            }
            times.get(v.label)!.push(r.wallMs);
        }
    }
    for (const v of variants) {
        const t = median(times.get(v.label)!);
        log(`render --stack prod, ${v.label}: ${t.toFixed(0)} ms`);
        rows.push({
            section: S,
            figure: `\`render --stack prod\` wall, CLI start included, ${v.label}`,
            value: t / 1000,
            unit: "s",
            goal: v.goal,
            how: `median of ${o.reps} processes, interleaved; ${v.how}; writes the 248 files of the prod render`,
        });
    }
}

interface GrowthReport {
    n: number;
    runMs: number;
    resources: number;
    custom: number;
    peakRssKiB: number;
}

async function benchGrowth(o: Options, rows: Row[], details: Record<string, unknown>): Promise<void> {
    const S = "Growth: N AgentServices in one program (mock runtime)";
    const ns = [1, 10, 100, 500];
    const reps = Math.max(1, Math.min(o.reps, 3));
    const byN = new Map<string, GrowthReport[]>();
    const key = (runtime: Runtime, n: number) => `${runtime}:${n}`;
    // Interleaved (1, 10, 100, 500 under each runtime, then again) so load swings hit every point alike.
    for (let i = 0; i < reps; i++) {
        for (const n of ns) {
            for (const { runtime } of RUNTIMES) {
                const r = await runChild<GrowthReport>("growth-child.ts", [String(n)], [], { runtime });
                byN.set(key(runtime, n), [...(byN.get(key(runtime, n)) ?? []), r.report]);
                log(`growth ${runtime} n=${n}: ${r.report.runMs.toFixed(0)} ms`);
            }
        }
    }
    const points: (string | number)[][] = [];
    const perResource: number[] = [];
    for (const { runtime, label } of RUNTIMES) {
        const at = (n: number) => byN.get(key(runtime, n))!;
        const t = ns.map((n) => median(at(n).map((r) => r.runMs)));
        const perService = at(1)[0].resources;
        const fit = linearFit(ns, t);
        const ratio = t[3] / t[2];
        const judged = judgeGrowth(ratio, fit.r2);
        perResource.push(fit.b / perService);
        const after = runtime === "compiled";
        const how = `median of ${reps} fresh processes per N; time of runUnderMocks alone (modules loaded first); each AgentService registers ${perService} resources (Deployment, Service, ServiceAccount, HPA, PDB, NetworkPolicy + component)`;
        rows.push(
            {
                section: S,
                figure: `per-AgentService cost b (fit t = a + b·N), ${label}`,
                value: fit.b,
                unit: "ms",
                how: `least squares over N = ${ns.join(", ")}; ${how}`,
            },
            {
                section: S,
                figure: `per-resource cost, ${label}`,
                value: fit.b / perService,
                unit: "ms",
                goal: after ? "≤ 2 ms" : "",
                how: `b / ${perService} resources per AgentService`,
            },
            {
                section: S,
                figure: `R² of the linear fit, ${label}`,
                value: fit.r2,
                unit: "",
                how: `1 = the line explains every point; fixed cost a = ${fit.a.toFixed(0)} ms`,
            },
            { section: S, figure: `t(500) / t(100), ${label}`, value: ratio, unit: "×", how: "≈ 5 linear, ≈ 25 quadratic" },
            {
                section: S,
                figure: `growth verdict up to 500 AgentServices, ${label}`,
                value: judged.linear ? "linear" : "NOT linear",
                unit: "",
                goal: after ? "linear" : "",
                how: judged.verdict,
            },
            {
                section: S,
                figure: `peak memory at N = 500, ${label}`,
                value: mib(median(at(500).map((r) => r.peakRssKiB))),
                unit: "MiB",
                how: `getrusage maxRSS of the child (median); at N = 100: ${mib(median(at(100).map((r) => r.peakRssKiB))).toFixed(0)} MiB`,
            },
        );
        ns.forEach((n, i) => points.push([label, n, at(n)[0].resources, t[i], t[i] / n, fit.a + fit.b * n, mib(median(at(n).map((r) => r.peakRssKiB)))]));
    }
    rows.push({ section: S, figure: "per-resource cost, before / after", value: perResource[0] / perResource[1], unit: "×", how: "same run, interleaved" });
    details.growth = {
        section: S,
        title: "Growth points (median of the fresh processes)",
        headers: ["runtime", "N AgentServices", "resources", "time (ms)", "ms per AgentService", "fit a + b·N (ms)", "peak RSS (MiB)"],
        rows: points,
    };
}

interface PolicyReport {
    resources: number;
    rules: number;
    violations: number;
    mandatory: number;
    loadMs: number;
    evalMs: number;
    firstLoadMs: number;
    firstEvalMs: number;
}

async function benchPolicy(o: Options, rows: Row[], details: Record<string, unknown>, tmp: string): Promise<void> {
    const S = "Policy evaluation (the `npm run policy:check` code path: loadResources + evaluate, every rule of the pack)";
    const reps = Math.max(2, Math.min(o.reps, 3));
    const prodDir = path.join(tmp, "render-prod");
    const sets: { name: string; dir: string; prep: () => Promise<string> }[] = [
        {
            name: "prod render",
            dir: prodDir,
            prep: async () => {
                await runChild("render-child.ts", ["prod", "--out", prodDir]);
                return "rendered first with `render` (objects + cloud-resources.json)";
            },
        },
        {
            name: "synthetic 5,000 objects",
            dir: path.join(tmp, "synthetic"),
            prep: async () => {
                const n = writeSyntheticManifests(path.join(tmp, "synthetic"), 5000);
                return `${n} files generated by bench/lib/synthetic.ts: 1,000 each of hardened Deployments, Services, HPAs, PDBs, NetworkPolicies in 10 namespaces`;
            },
        },
        {
            name: "synthetic 2,500 objects",
            dir: path.join(tmp, "synthetic-half"),
            prep: async () => {
                const n = writeSyntheticManifests(path.join(tmp, "synthetic-half"), 2500);
                return `${n} files, the same generator at half the size (for the linearity row)`;
            },
        },
    ];
    const detailRows: (string | number)[][] = [];
    let baseline: string | undefined;
    try {
        baseline = path.join(tmp, "baseline");
        extractRevision(REPO_ROOT, o.baseline, baseline);
    } catch (e) {
        rows.push({ section: S, figure: "before rows (baseline commit)", value: "unavailable", unit: "", how: (e as Error).message.split("\n")[0] });
    }
    const totals = new Map<string, number>();
    for (const set of sets) {
        let origin: string;
        let r: PolicyReport;
        let before: PolicyReport | undefined;
        const config = (root: string) => path.join(root, "policy/config/prod.json");
        try {
            origin = await set.prep();
            // before: the baseline commit's code under ts-node, as policy:check ran it; after: this build.
            if (baseline && !set.name.includes("2,500"))
                before = (
                    await runChild<PolicyReport>("policy-child.ts", [set.dir, config(baseline), String(reps)], [], { runtime: "ts-node", root: baseline })
                ).report;
            r = (await runChild<PolicyReport>("policy-child.ts", [set.dir, config(REPO_ROOT), String(reps)])).report;
        } catch (e) {
            rows.push({
                section: S,
                figure: `${set.name}: resources checked per second`,
                value: "failed",
                unit: "",
                how: (e as Error).message.split("\n").slice(0, 3).join(" "),
            });
            continue;
        }
        log(`policy ${set.name}: ${r.resources} resources, load ${r.loadMs.toFixed(0)} ms, evaluate ${r.evalMs.toFixed(0)} ms`);
        totals.set(set.name, r.loadMs + r.evalMs);
        const how = `${r.resources} resources × ${r.rules} policies with policy/config/prod.json; (parse YAML + evaluate) median of ${reps} passes in one process; ${origin}`;
        for (const [label, x] of [
            [`before (${o.baseline}, ts-node)`, before],
            ["after (tsc build)", r],
        ] as const) {
            if (!x) continue;
            if (x.violations !== r.violations) log(`policy ${set.name}: before found ${x.violations} violations, after ${r.violations}`);
            rows.push(
                {
                    section: S,
                    figure: `${set.name}: resources checked per second, ${label}`,
                    value: x.resources / ((x.loadMs + x.evalMs) / 1000),
                    unit: "resources/s",
                    goal: set.name.startsWith("synthetic 5") && x === r ? "≥ 10,000 resources/s" : "",
                    how: `${how}; ${x.violations} violations`,
                },
                {
                    section: S,
                    figure: `${set.name}: parsing alone, ${label}`,
                    value: x.resources / (x.loadMs / 1000),
                    unit: "resources/s",
                    how: "loadResources() only: read, parse YAML, index",
                },
                {
                    section: S,
                    figure: `${set.name}: rule evaluation alone, ${label}`,
                    value: x.resources / (x.evalMs / 1000),
                    unit: "resources/s",
                    how: "evaluate() only, YAML already parsed",
                },
            );
            detailRows.push([`${set.name}, ${label}`, x.resources, x.violations, x.mandatory, x.firstLoadMs, x.loadMs, x.firstEvalMs, x.evalMs]);
        }
        if (before)
            rows.push({
                section: S,
                figure: `${set.name}: before / after`,
                value: (before.loadMs + before.evalMs) / (r.loadMs + r.evalMs),
                unit: "×",
                how: "same run; the same input and config, every rule",
            });
    }
    const [half, full] = [totals.get("synthetic 2,500 objects"), totals.get("synthetic 5,000 objects")];
    if (half && full)
        rows.push({
            section: S,
            figure: "synthetic objects: t(5,000) / t(2,500), after",
            value: full / half,
            unit: "×",
            goal: "≈ 2 (linear)",
            how: `parse + evaluate, ${half.toFixed(0)} ms and ${full.toFixed(0)} ms; ≈ 2 linear, ≈ 4 quadratic: **${full / half < 2.8 ? "linear" : "NOT linear"}**`,
        });
    details.policy = {
        section: S,
        title: "Policy check phases (ms)",
        headers: ["input", "resources", "violations", "mandatory", "parse (1st pass)", "parse (median)", "evaluate (1st pass)", "evaluate (median)"],
        rows: detailRows,
    };
}

interface ScaleReport {
    outcome: string;
    ms: number;
    peakRssKiB: number;
}

/** Hostile-input scaling (issue 22 item 4): each scenario at n and 2n in fresh processes, interleaved; t(2n)/t(n) ≈ 2 is linear, ≈ 4 quadratic. */
async function benchScale(o: Options, rows: Row[], details: Record<string, unknown>, tmp: string): Promise<void> {
    const S = "Scaling on hostile input (policy:check and compose:convert)";
    const reps = Math.max(1, Math.min(o.reps, 3));
    const scenarios: { id: string; n: number; label: (n: number) => string; what: string }[] = [
        {
            id: "policy-files",
            n: 8000,
            label: (n) => `${n / 1000}k files repeating one object name`,
            what: "policy:check load of n files that all define ConfigMap bench/dup (ends in one duplicate-object error listing n - 1 duplicates)",
        },
        { id: "policy-distinct", n: 8000, label: (n) => `${n / 1000}k files, distinct objects`, what: "policy:check load of n files, one ConfigMap each" },
        {
            id: "policy-value",
            n: 512 * 1024,
            label: (n) => `${n / 1048576} MiB ConfigMap value`,
            what: "load + sec-no-secret-in-configmap on one ConfigMap whose value is a URL with an unterminated n-byte password (the pattern that backtracked quadratically)",
        },
        {
            id: "policy-check",
            n: 2500,
            label: (n) => `${n / 1000}k synthetic objects, every rule`,
            what: "policy:check (load + every rule, prod config) of the synthetic set (bench/lib/synthetic.ts), first pass in a fresh process",
        },
        {
            id: "compose-vars",
            n: 25000,
            label: (n) => `${n / 1000}k variables in one compose service`,
            what: "compose:convert of one service with n environment variables (parse, interpolate, split, render under mocks, print)",
        },
    ];
    const times = new Map<string, ScaleReport[]>();
    for (let i = 0; i < reps; i++) {
        for (const sc of scenarios) {
            for (const n of [sc.n, 2 * sc.n]) {
                const key = `${sc.id}:${n}`;
                try {
                    const r = (await runChild<ScaleReport>("scale-child.ts", [sc.id, String(n), path.join(tmp, "scale")])).report;
                    times.set(key, [...(times.get(key) ?? []), r]);
                    log(`scale ${sc.id} n=${n}: ${r.ms.toFixed(0)} ms (${r.outcome})`);
                } catch (e) {
                    log(`scale ${sc.id} n=${n} failed: ${(e as Error).message.split("\n")[0]}`);
                }
            }
        }
    }
    const detailRows: (string | number)[][] = [];
    for (const sc of scenarios) {
        const a = times.get(`${sc.id}:${sc.n}`),
            b = times.get(`${sc.id}:${2 * sc.n}`);
        if (!a?.length || !b?.length) {
            rows.push({ section: S, figure: sc.label(2 * sc.n), value: "failed", unit: "", how: sc.what });
            continue;
        }
        const [ta, tb] = [median(a.map((r) => r.ms)), median(b.map((r) => r.ms))];
        const ratio = tb / ta;
        rows.push(
            {
                section: S,
                figure: `${sc.label(2 * sc.n)}: time`,
                value: tb / 1000,
                unit: "s",
                how: `median of ${reps} fresh processes, timed in-process after the input was written; ${sc.what}; outcome: ${b[0].outcome}`,
            },
            {
                section: S,
                figure: `${sc.label(2 * sc.n)}: t(2n) / t(n)`,
                value: ratio,
                unit: "×",
                goal: "≈ 2 (linear)",
                how: `n = ${sc.n}: ${ta.toFixed(0)} ms, 2n: ${tb.toFixed(0)} ms; ≈ 2 linear, ≈ 4 quadratic: **${ratio < 2.8 ? "linear" : "NOT linear"}**`,
            },
        );
        detailRows.push([sc.id, sc.n, ta, 2 * sc.n, tb, ratio, b[0].outcome]);
    }
    details.scale = {
        section: S,
        title: "Scaling points (median ms)",
        headers: ["scenario", "n", "t(n)", "2n", "t(2n)", "ratio", "outcome at 2n"],
        rows: detailRows,
    };
}

interface FileTiming {
    file: string;
    loadMs: number;
    runMs: number;
    totalMs: number;
}

/** Why the tests section does not run `npm run e2e` (undefined: it runs it): only with --e2e, a script and a cached toolchain. */
export function e2eSkipped(
    o: Pick<Options, "e2e">,
    hasScript: boolean,
    toolchain: { ok: boolean; reason: string },
): { value: string; how: string } | undefined {
    if (!hasScript) return { value: "unavailable", how: "package.json has no `e2e` script yet (issue 8)" };
    if (!o.e2e) return { value: "not run", how: "pass --e2e to run it (it starts a local cluster)" };
    if (!toolchain.ok) return { value: "unavailable", how: toolchain.reason };
    return undefined;
}

async function benchTests(o: Options, rows: Row[], details: Record<string, unknown>, tmp: string, toolchainOk: { ok: boolean; reason: string }): Promise<void> {
    const S = "Test suites";
    const count = (out: string) => {
        const passing = /(\d+) passing/.exec(out)?.[1];
        const failing = /(\d+) failing/.exec(out)?.[1];
        return `${passing ?? "?"} passing${failing ? `, ${failing} failing` : ""}`;
    };
    // Before/after in one run: the former set-up (ts-node transpiling every file with the TypeScript
    // compiler, stacks source-mapped, one process) against .mocharc.js (SWC, 2 workers).
    const spec = ["--extension", "ts", "--timeout", "20000", "--reporter", "dot", "tests/unit/**/*.test.ts"];
    const timing = path.join(REPO_ROOT, "bench", "lib", "test-timing.js");
    const serial = async (label: string, loader: string) => {
        const out = path.join(tmp, `timing-${label}.json`);
        log(`unit tier, ${label} (serial, per-file timing)...`);
        const r = await runCommand("npx", ["mocha", "--no-config", "--require", loader, "--require", timing, ...spec], {
            env: { ...process.env, TIMING_OUT: out },
        });
        const files: FileTiming[] = fs.existsSync(out) ? JSON.parse(fs.readFileSync(out, "utf8")) : [];
        return { r, files };
    };
    const before = await serial("ts-node", "ts-node/register/transpile-only");
    rows.push({
        section: S,
        figure: "unit tier before: ts-node, one process",
        value: before.r.wallMs / 1000,
        unit: "s",
        goal: "",
        how: `\`mocha --no-config -r ts-node/register/transpile-only\` (the set-up before issue 20), wall time; exit ${before.r.code}, ${count(before.r.stdout + before.r.stderr)}`,
    });
    const afterSerial = await serial("swc", path.join(REPO_ROOT, "tests/helpers/register.js"));
    rows.push({
        section: S,
        figure: "unit tier: SWC loader, one process",
        value: afterSerial.r.wallMs / 1000,
        unit: "s",
        goal: "",
        how: `\`mocha --no-config -r tests/helpers/register.js\`, wall time (the per-file table below); exit ${afterSerial.r.code}, ${count(afterSerial.r.stdout + afterSerial.r.stderr)}`,
    });
    log("npm test (unit tier, once)...");
    const r = await runCommand("npm", ["test", "--silent"]);
    rows.push({
        section: S,
        figure: "`npm test` (unit tier): SWC loader, 2 workers",
        value: r.wallMs / 1000,
        unit: "s",
        goal: "≤ 30 s on 2 cores",
        how: `one run, wall time of the npm process (.mocharc.js: tests/helpers/register.js, parallel, 2 jobs, child-process-heavy files first); exit ${r.code}, ${count(r.stdout + r.stderr)}; ${(before.r.wallMs / r.wallMs).toFixed(1)}× faster than the ts-node run above`,
    });
    const top = (f: FileTiming[]) => f.slice(0, 10);
    const [b, a] = [top(before.files), top(afterSerial.files)];
    details.slowestTests = {
        section: S,
        title: "Slowest ten test files, serial runs above (ms: load + run; a file pays for the modules it is first to load)",
        headers: ["#", "before (ts-node)", "ms", "after (SWC)", "ms"],
        rows: Array.from({ length: Math.max(b.length, a.length) }, (_, i) => [
            i + 1,
            b[i]?.file ?? "",
            b[i]?.totalMs ?? "",
            a[i]?.file ?? "",
            a[i]?.totalMs ?? "",
        ]),
    };
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));
    const skip = e2eSkipped(o, !!pkg.scripts?.e2e, toolchainOk);
    if (skip) {
        rows.push({ section: S, figure: "`npm run e2e`", value: skip.value, unit: "", how: skip.how });
    } else {
        log("npm run e2e (once)...");
        const e = await runCommand("npm", ["run", "e2e", "--silent"]);
        const passing = /(\d+) passing/.exec(e.stdout + e.stderr)?.[1];
        if (e.code === 0 || Number(passing) > 0) {
            rows.push({
                section: S,
                figure: "`npm run e2e`",
                value: e.wallMs / 1000,
                unit: "s",
                how: `one run, wall time; exit ${e.code}, ${passing ?? "?"} passing`,
            });
        } else {
            const why = (e.stderr || e.stdout)
                .trim()
                .split("\n")
                .filter((l) => /^\w*Error:|ENOENT|cannot find|not found/.test(l))
                .slice(0, 2)
                .join(" / ");
            rows.push({
                section: S,
                figure: "`npm run e2e`",
                value: "failed",
                unit: "",
                how: `exit ${e.code} after ${(e.wallMs / 1000).toFixed(1)} s with no test run: ${why || "see npm run e2e"}`,
            });
        }
    }
}

async function benchProfile(rows: Row[], details: Record<string, unknown>, tmp: string): Promise<void> {
    const S = "Profile of a prod evaluation (`node --cpu-prof`)";
    const dir = path.join(tmp, "cpuprof");
    try {
        await runChild("render-child.ts", ["prod"], ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
    } catch (e) {
        rows.push({ section: S, figure: "CPU profile", value: "failed", unit: "", how: (e as Error).message.split("\n")[0] });
        return;
    }
    const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
    if (!file) return;
    const by = selfTimeByOrigin(path.join(dir, file), REPO_ROOT);
    const total = by.reduce((s, x) => s + x.ms, 0);
    const top = by[0];
    rows.push({
        section: S,
        figure: `largest self-time origin: ${top.origin}`,
        value: (100 * top.ms) / total,
        unit: "% of samples",
        how: `one prod render in a fresh process under --cpu-prof; self time grouped by package / project directory (${(total / 1000).toFixed(1)} s sampled)`,
    });
    // Experiment: the cost of source-mapped stack traces (one per resource) at N = 100.
    const on: number[] = [],
        off: number[] = [];
    try {
        for (let i = 0; i < 3; i++) {
            on.push((await runChild<GrowthReport>("growth-child.ts", ["100"], [], { runtime: "ts-node" })).report.runMs);
            off.push((await runChild<GrowthReport>("growth-child.ts", ["100", "--plain-stacks"], [], { runtime: "ts-node" })).report.runMs);
        }
        const [mOn, mOff] = [median(on), median(off)];
        log(`profile: N=100 with source-mapped stacks ${mOn.toFixed(0)} ms, plain ${mOff.toFixed(0)} ms`);
        rows.push(
            {
                section: S,
                figure: "100 AgentServices, ts-node source-mapped stack traces (as `render` runs)",
                value: mOn,
                unit: "ms",
                how: "median of 3 fresh processes, interleaved with the next row",
            },
            {
                section: S,
                figure: "100 AgentServices, plain V8 stack traces",
                value: mOff,
                unit: "ms",
                how: "same, with Error.prepareStackTrace (source-map-support) removed before the run",
            },
            {
                section: S,
                figure: "share of the per-resource cost spent source-mapping stack traces",
                value: (100 * (mOn - mOff)) / mOn,
                unit: "%",
                how: "(on - off) / on: every Pulumi resource constructor captures an unbounded stack trace (Resource.callsites) that ts-node maps through source maps",
            },
        );
    } catch (e) {
        rows.push({ section: S, figure: "source-mapped stack trace experiment", value: "failed", unit: "", how: (e as Error).message.split("\n")[0] });
    }
    // Under `pulumi up` the SDK's cmd/run registers source-map-support whatever the program: with the
    // build's JavaScript (no source maps emitted) it finds no map, and each captured stack stays plain.
    try {
        const withSms: number[] = [],
            without: number[] = [];
        const preload = [require.resolve("source-map-support/register", { paths: [REPO_ROOT] })];
        for (let i = 0; i < 3; i++) {
            without.push((await runChild<GrowthReport>("growth-child.ts", ["100"])).report.runMs);
            withSms.push((await runChild<GrowthReport>("growth-child.ts", ["100"], [], { preload })).report.runMs);
        }
        const [mWith, mWithout] = [median(withSms), median(without)];
        log(`profile: compiled N=100 with source-map-support ${mWith.toFixed(0)} ms, without ${mWithout.toFixed(0)} ms`);
        rows.push(
            {
                section: S,
                figure: "100 AgentServices, tsc build, source-map-support registered (as `pulumi up` runs it)",
                value: mWith,
                unit: "ms",
                how: "median of 3 fresh processes, interleaved with the next row; the build emits no source maps, so each stack frame is left as it is",
            },
            { section: S, figure: "100 AgentServices, tsc build, plain V8 stack traces", value: mWithout, unit: "ms", how: "same, without it" },
        );
    } catch (e) {
        rows.push({ section: S, figure: "source-map-support experiment (tsc build)", value: "failed", unit: "", how: (e as Error).message.split("\n")[0] });
    }
    // Experiment: the same prod evaluation with transpiled JavaScript served from a warm on-disk cache.
    try {
        const env = { BENCH_TS_CACHE: path.join(tmp, "ts-cache") };
        const preload = [path.join(REPO_ROOT, "bench", "lib", "ts-cache.ts")];
        await runChild<RenderReport>("render-child.ts", ["prod"], [], { preload, env, runtime: "ts-node" }); // warms the cache
        const plain: RenderReport[] = [],
            cached: RenderReport[] = [];
        for (let i = 0; i < 3; i++) {
            plain.push((await runChild<RenderReport>("render-child.ts", ["prod"], [], { runtime: "ts-node" })).report);
            cached.push((await runChild<RenderReport>("render-child.ts", ["prod"], [], { preload, env, runtime: "ts-node" })).report);
        }
        const work = (r: RenderReport) => r.toolsMs + r.programMs;
        const [mp, mc] = [median(plain.map(work)), median(cached.map(work))];
        log(`profile: prod tools+program ${mp.toFixed(0)} ms with ts-node, ${mc.toFixed(0)} ms with a warm transpile cache`);
        rows.push(
            {
                section: S,
                figure: "prod: load tools + evaluate program, ts-node transpiling (as `render` runs)",
                value: mp / 1000,
                unit: "s",
                how: "median of 3 fresh processes (tools/lib/render require + renderStack), interleaved with the next row",
            },
            {
                section: S,
                figure: "prod: the same with transpiled JS from a warm disk cache",
                value: mc / 1000,
                unit: "s",
                how: "bench/lib/ts-cache.ts replaces the .ts require hook: ts.transpileModule output cached by content hash",
            },
            {
                section: S,
                figure: "share of that time spent transpiling TypeScript",
                value: (100 * (mp - mc)) / mp,
                unit: "%",
                how: "(ts-node - cached) / ts-node",
            },
        );
    } catch (e) {
        rows.push({ section: S, figure: "transpile cache experiment", value: "failed", unit: "", how: (e as Error).message.split("\n")[0] });
    }
    details.profile = {
        section: S,
        title: "Self time by origin, one prod evaluation (node --cpu-prof)",
        headers: ["origin", "self ms", "%"],
        rows: by.slice(0, 12).map((x) => [x.origin, x.ms, (100 * x.ms) / total]),
    };
}

async function bench(args: Args<typeof CLI>): Promise<void> {
    const o = toOptions(args);
    const t0 = Date.now();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "agent-platform-bench-"));
    const results: Results = {
        date: new Date().toISOString(),
        command: `npm run bench${process.argv.length > 2 ? " -- " + process.argv.slice(2).join(" ") : ""}`,
        git: gitState(REPO_ROOT),
        machine: machine(),
        rows: [],
        details: {},
        notes: [
            "Times are wall-clock (`process.hrtime`/`performance.now`); memory is getrusage maxRSS of the measuring child process, i.e. its high-water mark including node and ts-node.",
            "Medians of repeated fresh processes; runs of different sizes are interleaved so a load spike hits all of them alike.",
        ],
    };
    log(`load average at start: ${results.machine.loadAvgStart.join(" ")}; scratch dir ${tmp}`);
    try {
        let toolchain = { ok: false, reason: "not checked" };
        if (o.only.has("eval")) await benchEval(o, results.rows, results.details, tmp);
        if (o.only.has("growth")) await benchGrowth(o, results.rows, results.details);
        if (o.only.has("policy")) await benchPolicy(o, results.rows, results.details, tmp);
        if (o.only.has("scale")) await benchScale(o, results.rows, results.details, tmp);
        if (o.only.has("profile")) await benchProfile(results.rows, results.details, tmp);
        if (o.only.has("deploy") || o.only.has("tests")) {
            const d = await benchDeploy({ tmp, log, run: o.only.has("deploy") });
            toolchain = d.toolchain;
            if (o.only.has("deploy")) {
                results.rows.push(...d.rows);
                Object.assign(results.details, d.details);
                results.notes.push(...d.notes);
            }
        }
        if (o.only.has("tests")) await benchTests(o, results.rows, results.details, tmp, toolchain);
    } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
    }
    results.machine.loadAvgEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
    results.durationS = Math.round((Date.now() - t0) / 1000);
    const earlier = path.join(o.out, "results.json");
    writeResults(o.merge && fs.existsSync(earlier) ? mergeEarlier(results, JSON.parse(fs.readFileSync(earlier, "utf8")) as Results) : results, o.out);
    log(
        `load average at end: ${results.machine.loadAvgEnd.join(" ")}; wrote ${path.relative(process.cwd(), o.out)}/results.{md,json} in ${results.durationS} s`,
    );
    for (const r of results.rows)
        process.stdout.write(`${r.section.split(" (")[0]} | ${r.figure}: ${typeof r.value === "number" ? r.value.toPrecision(4) : r.value} ${r.unit}\n`);
}

/** Runs the CLI (conventions: tools/lib/cli.ts); resolves to the exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
    return runCli(CLI, argv, bench, io);
}

if (require.main === module) void runMain(CLI, bench);
