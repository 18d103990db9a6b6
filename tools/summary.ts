/**
 * `npm run summary -- --stack NAME [--live]`: what each system runs and how to reach it, from the
 * `summary` stack output (stacks/summary.ts). Conventions (help, exit codes): tools/lib/cli.ts.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { ConfigError } from "agent-platform/config";
import { PROJECT_ROOT } from "../stacks/project-root";
import { CliIo, defineCli, processIo, runCli, runMain, UsageError, UserError, Args } from "./lib/cli";
import { formatSummary, LiveWorkload, parseSummary, Readiness, readiness, StackSummary } from "./lib/summary";

export const CLI = defineCli({
    name: "summary",
    usage: "npm run summary -- (--stack NAME [--offline] | --file FILE|-) [--live [--kube-context CTX]] [--json]",
    summary: `Prints, per system, what the stack runs and how to reach it: the namespace, the workloads
(Ready out of total with --live), the in-cluster URLs and ingress hosts, the secret keys it
reads, the objects skipped because a CRD is absent, and the port-forward to its main UI.
The data is the stack output "summary" (pulumi stack output summary --json); the text goes to
stdout.`,
    flags: {
        stack: { value: "NAME", help: "read the summary with `pulumi stack output summary --json --stack NAME` (run from the repository)" },
        offline: { help: "with --stack: render the stack offline (mock runtime) instead of asking pulumi: what it would run" },
        file: { value: "FILE", help: "read that JSON from FILE, or from stdin with -" },
        live: { help: "ask the cluster (kubectl get deployments,statefulsets,daemonsets) how many workloads are Ready; exit 1 if any is not" },
        kubeContext: { value: "CTX", help: "with --live: the kubectl context (default: the current one)" },
        json: { help: "print the summary (and, with --live, the readiness) as JSON instead of text" },
    },
    userErrors: [ConfigError],
    exitCodes: { 1: "invalid input, pulumi or kubectl failed, or (--live) a workload is not Ready" },
    epilog: `Examples:
  npm run summary -- --stack dev --offline
  pulumi stack output summary --json --stack dev | npm run --silent summary -- --file - --live`,
});

const REPO_ROOT = PROJECT_ROOT;

function fromPulumi(stack: string): string {
    const args = ["stack", "output", "summary", "--json", "--stack", stack];
    const r = spawnSync("pulumi", args, { cwd: REPO_ROOT, encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.error) throw new UserError(`cannot run pulumi: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message} (use --offline or --file)`);
    if (r.status !== 0) throw new UserError(`pulumi ${args.join(" ")} failed: ${(r.stderr || r.stdout).trim().split("\n").pop()}`);
    return r.stdout;
}

/** The summary the stack would export, from an offline render (mock runtime). */
export async function offlineSummary(stack: string): Promise<StackSummary> {
    const { renderStack, resolveSummary } = await import("./lib/render");
    return parseSummary(JSON.stringify(await resolveSummary(await renderStack(stack))), `offline render of ${stack}`);
}

function liveReadiness(summary: StackSummary, context: string | undefined): Record<string, Readiness> {
    const out: Record<string, Readiness> = {};
    for (const [key, s] of Object.entries(summary)) {
        const args = [...(context ? ["--context", context] : []), "get", "deployments,statefulsets,daemonsets", "-n", s.namespace, "-o", "json"];
        const r = spawnSync("kubectl", args, { encoding: "utf8", maxBuffer: 64 << 20 });
        if (r.error) throw new UserError(`cannot run kubectl: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`);
        if (r.status !== 0) throw new UserError(`kubectl ${args.join(" ")} failed: ${r.stderr.trim().split("\n").pop()}`);
        out[key] = readiness(s.workloads, (JSON.parse(r.stdout) as { items: LiveWorkload[] }).items);
    }
    return out;
}

async function printSummary(args: Args<typeof CLI>, io: CliIo): Promise<number> {
    if (!!args.stack === !!args.file) throw new UsageError("give exactly one of --stack NAME and --file FILE|-");
    if (args.offline && !args.stack) throw new UsageError("--offline goes with --stack");
    if (args.kubeContext && !args.live) throw new UsageError("--kube-context goes with --live");
    let summary: StackSummary;
    if (args.file) {
        const source = args.file === "-" ? "stdin" : args.file;
        let text: string;
        try {
            text = fs.readFileSync(args.file === "-" ? 0 : args.file, "utf8");
        } catch (e) {
            throw new UserError(`cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
        summary = parseSummary(text, source);
    } else if (args.offline) {
        summary = await offlineSummary(args.stack!);
    } else {
        summary = parseSummary(fromPulumi(args.stack!), `stack ${args.stack}`);
    }
    const live = args.live ? liveReadiness(summary, args.kubeContext) : undefined;
    io.stdout(args.json ? JSON.stringify(live ? { summary, readiness: live } : summary, null, 2) + "\n" : formatSummary(summary, live));
    return live && Object.values(live).some((r) => r.notReady.length) ? 1 : 0;
}

/** Runs the CLI; resolves to the exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
    return runCli(CLI, argv, printSummary, io);
}

if (require.main === module) void runMain(CLI, printSummary);
