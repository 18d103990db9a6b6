/**
 * e2e harness: the real Pulumi CLI and kubectl against a local control plane that the suite
 * starts (tools/e2e/cluster.sh with its own state dir and ports) and stops by PID.
 * Every command's output goes to `<work>/e2e.log`; failures quote the tail.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { declaredCapabilities, impliedNamespaces } from "../../../tools/e2e/preflight";
import { extractRevision } from "../../../tools/lib/revision";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const E2E_TOOLS = path.join(REPO_ROOT, "tools", "e2e");
export const POLICY_DIR = path.join(REPO_ROOT, "policy");
export const DEV_POLICY_CONFIG = path.join(POLICY_DIR, "config", "dev.json");

/** `out`: stdout and stderr interleaved; `stdout`: stdout only (JSON output). */
export interface Result {
    code: number;
    out: string;
    stdout: string;
    ms: number;
}

/** One e2e run: its work dir, cluster and Pulumi workspace, and the environment to reach them. */
export class Workspace {
    readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "agent-platform-e2e-"));
    readonly log = path.join(this.dir, "e2e.log");
    /** tools/e2e knobs: an own cluster state dir and ports, so no other cluster is touched. */
    readonly toolEnv: NodeJS.ProcessEnv = {
        ...process.env,
        // kwok's fake nodes unless a suite asks for real ones (real-nodes.e2e.ts); the global
        // AP_NODES only says whether that suite runs.
        AP_NODES: "kwok",
        AP_CLUSTER_STATE: path.join(this.dir, "cluster"),
        AP_APISERVER_PORT: process.env.E2E_APISERVER_PORT ?? "17443",
        AP_ETCD_PORT: process.env.E2E_ETCD_PORT ?? "17379",
        AP_STACK_STATE: path.join(this.dir, "stack"),
    };
    /** The env of `stack.sh env` (PATH, KUBECONFIG, PULUMI_*), filled by `prepare`. */
    env: NodeJS.ProcessEnv = {};
    clusterStarted = false;
    private removeExitGuard = () => {};

    note(line: string): void {
        fs.appendFileSync(this.log, `\n### ${new Date().toISOString()} ${line}\n`);
    }

    /** Runs a command to completion; never throws on a non-zero exit. */
    run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: Buffer } = {}): Promise<Result> {
        const t0 = Date.now();
        this.note(`$ ${cmd} ${args.join(" ")}`);
        return new Promise((resolve) => {
            const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? this.env, stdio: [opts.input ? "pipe" : "ignore", "pipe", "pipe"] });
            if (opts.input) child.stdin!.end(opts.input);
            let out = "";
            let stdout = "";
            const onData = (b: Buffer) => {
                out += b.toString();
                fs.appendFileSync(this.log, b);
            };
            child.stdout!.on("data", (b: Buffer) => {
                stdout += b.toString();
                onData(b);
            });
            child.stderr!.on("data", onData);
            const timer = setTimeout(() => {
                out += `\n[e2e] timeout after ${opts.timeoutMs} ms: SIGTERM\n`;
                child.kill("SIGTERM");
            }, opts.timeoutMs ?? 600_000);
            child.on("close", (code) => {
                clearTimeout(timer);
                const ms = Date.now() - t0;
                this.note(`exit ${code} in ${(ms / 1000).toFixed(1)} s`);
                resolve({ code: code ?? 1, out, stdout, ms });
            });
        });
    }

    /** Runs and requires exit 0. */
    async must(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: Buffer } = {}): Promise<Result> {
        const r = await this.run(cmd, args, opts);
        if (r.code !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(" ")} exit ${r.code}:\n${tail(r.out, 40)}\n(full log: ${this.log})`);
        return r;
    }

    /**
     * Creates the namespaces the stack's declared CRDs imply (Velero's, the Prometheus Operator's),
     * as those add-ons would on a real cluster; `kubectlArgs` selects another cluster.
     */
    async createImpliedNamespaces(stack: string, kubectlArgs: string[] = [], env?: NodeJS.ProcessEnv): Promise<void> {
        const declared = declaredCapabilities(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"));
        for (const ns of impliedNamespaces(declared)) await this.must("kubectl", [...kubectlArgs, "create", "namespace", ns], env ? { env } : {});
    }

    /**
     * Starts this workspace's own control plane. Until clusterDown (which cleanup calls), the
     * process stops it on exit, also on Ctrl-C or a kill.
     */
    async clusterUp(): Promise<void> {
        this.clusterStarted = true; // cluster.sh up stops what it started itself when it fails
        this.removeExitGuard = this.stopClusterOnExit();
        await this.must(path.join(E2E_TOOLS, "cluster.sh"), ["up"], { env: this.toolEnv, timeoutMs: 600_000 });
    }

    /**
     * Stops this run's cluster when the process ends, also on Ctrl-C or a kill: node's default
     * signal action skips `exit` listeners and would leave the control plane running. Returns the
     * function that removes the guard (clusterDown calls it).
     */
    private stopClusterOnExit(): () => void {
        const onExit = () => this.clusterDown();
        const onSignal = (signal: NodeJS.Signals) => {
            this.clusterDown();
            process.exit(signal === "SIGINT" ? 130 : 143);
        };
        process.on("exit", onExit);
        process.on("SIGINT", onSignal);
        process.on("SIGTERM", onSignal);
        return () => {
            process.removeListener("exit", onExit);
            process.removeListener("SIGINT", onSignal);
            process.removeListener("SIGTERM", onSignal);
        };
    }

    /** Stops exactly the PIDs this run's cluster.sh up recorded (synchronous: also usable on exit). */
    clusterDown(): void {
        if (!this.clusterStarted) return;
        this.note("cluster.sh down");
        const r = spawnSync(path.join(E2E_TOOLS, "cluster.sh"), ["down"], { env: this.toolEnv, encoding: "utf8", timeout: 120_000 });
        fs.appendFileSync(this.log, `${r.stdout ?? ""}${r.stderr ?? ""}`);
        this.clusterStarted = false;
        this.removeExitGuard();
        this.removeExitGuard = () => {};
    }

    /** `stack.sh prepare` for one stack: workspace, stack, config copy with generated secrets. Returns the config copy. */
    async prepare(stack: string, source?: string): Promise<string> {
        const env = { ...this.toolEnv, AP_STACK: stack, ...(source ? { AP_STACK_SOURCE: source } : {}) };
        await this.must(path.join(E2E_TOOLS, "stack.sh"), ["prepare"], { env, timeoutMs: 600_000 });
        const e = await this.must(path.join(E2E_TOOLS, "stack.sh"), ["env"], { env });
        this.env = { ...process.env, ...parseExports(e.stdout) };
        if (this.realNodes) await this.useLocalImages(this.env.AP_STACK_CONFIG!);
        return this.env.AP_STACK_CONFIG!;
    }

    /** AP_NODES=real: the cluster runs containers (tools/e2e/nodes.sh), kwok otherwise. */
    get realNodes(): boolean {
        return this.toolEnv.AP_NODES === "real";
    }

    /** The images real nodes hold (`nodes.sh image-map`), given to the stack as its `images` config map. */
    async imageMap(): Promise<Record<string, string>> {
        const r = await this.must(path.join(E2E_TOOLS, "nodes.sh"), ["image-map"], { env: this.toolEnv });
        return JSON.parse(r.stdout);
    }

    /** Adds the `images` override map to a config copy (only ever the copy, never the repo file). */
    async useLocalImages(config: string): Promise<void> {
        const map = await this.imageMap();
        editYaml(config, config, (doc) => {
            doc.setIn(["config", "agent-platform:images"], map);
        });
    }

    /**
     * The program as an earlier revision of this repository shipped it, built, in `<work>/baseline-<rev>`
     * (for upgrade scenarios: deploy with it, then run this revision against the same state), with
     * this checkout's dependencies (see extractRevision).
     */
    async baselineProgram(rev: string): Promise<string> {
        const dir = path.join(this.dir, `baseline-${rev.slice(0, 7)}`);
        extractRevision(REPO_ROOT, rev, dir);
        await this.must(process.execPath, [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"], {
            cwd: dir,
            env: process.env,
            timeoutMs: 600_000,
        });
        return dir;
    }

    pulumi(args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<Result> {
        return this.run("pulumi", [...args, "--non-interactive"], { cwd: opts.cwd, timeoutMs: opts.timeoutMs ?? 900_000 });
    }

    kubectl(args: string[]): Promise<Result> {
        return this.run("kubectl", args, { timeoutMs: 300_000 });
    }

    async kubectlJson<T = any>(args: string[]): Promise<T> {
        const r = await this.must("kubectl", [...args, "-o", "json"], { timeoutMs: 120_000 });
        return JSON.parse(r.stdout);
    }

    cleanup(): void {
        this.clusterDown();
        if (process.env.E2E_KEEP !== "1") fs.rmSync(this.dir, { recursive: true, force: true });
    }
}

/** Wall times of a suite's steps, printed in its `after` (the figures CI logs show per step). */
export class Timings {
    private readonly steps: [string, number][] = [];

    /** Runs `f`, recording its wall time under `what` (also when it throws). */
    readonly timed = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
        const t0 = Date.now();
        try {
            return await f();
        } finally {
            this.steps.push([what, (Date.now() - t0) / 1000]);
        }
    };

    print(title: string): void {
        console.log(`\n    ${title}:`);
        for (const [what, s] of this.steps) console.log(`      ${s.toFixed(1).padStart(6)} s  ${what}`);
    }
}

/** `export A="x" B=y` lines -> env entries. */
export function parseExports(text: string): Record<string, string> {
    const env: Record<string, string> = {};
    for (const line of text.split("\n").filter((l) => l.startsWith("export "))) {
        for (const m of line.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|(\S+))/g)) env[m[1]] = m[2] ?? m[3];
    }
    return env;
}

export function tail(s: string, lines: number): string {
    return s.trimEnd().split("\n").slice(-lines).join("\n");
}

/** Writes `file` edited: `edit` gets the parsed YAML document (secure values and the salt are kept). */
/**
 * What a failed CLI run says about why: its error and policy-violation lines first (pulumi prints
 * them before a long outputs section), then the output's tail.
 */
export function failureText(out: string, tailChars = 3000): string {
    const reasons = out
        .split("\n")
        .filter((l) => /\berror\b|\[mandatory\]|violation/i.test(l))
        .slice(0, 60);
    return `${reasons.length ? `${reasons.join("\n")}\n--- output tail ---\n` : ""}${out.slice(-tailChars)}`;
}

export function editYaml(from: string, to: string, edit: (doc: YAML.Document) => void): string {
    const doc = YAML.parseDocument(fs.readFileSync(from, "utf8"));
    edit(doc);
    fs.writeFileSync(to, doc.toString());
    return to;
}

/** `Resources:` summary of a pulumi up/preview/destroy: { created: 3, unchanged: 200, ... }. */
export function summary(out: string): Record<string, number> {
    const at = out.lastIndexOf("\nResources:");
    const counts: Record<string, number> = {};
    if (at < 0) return counts;
    for (const line of out.slice(at).split("\n").slice(1)) {
        const m = /^\s+(?:[+~-]+|\+-)?\s*(\d+) (to create|created|to update|updated|to delete|deleted|to replace|replaced|unchanged|errored|changes)/.exec(
            line,
        );
        if (!m) {
            if (line.trim() === "" && Object.keys(counts).length) break;
            continue;
        }
        counts[m[2].replace(/^to /, "")] = Number(m[1]);
    }
    return counts;
}

/** Every workload Ready: Deployments Available with all replicas updated, StatefulSets fully rolled out. */
export function notReady(items: any[]): string[] {
    const bad: string[] = [];
    for (const w of items) {
        const id = `${w.kind} ${w.metadata.namespace}/${w.metadata.name}`;
        const want = w.spec.replicas ?? 1;
        const s = w.status ?? {};
        if ((s.observedGeneration ?? 0) < w.metadata.generation) bad.push(`${id}: generation ${w.metadata.generation} not observed`);
        if (w.kind === "Deployment") {
            const available = (s.conditions ?? []).find((c: any) => c.type === "Available")?.status === "True";
            if (!available || (s.availableReplicas ?? 0) < want || (s.updatedReplicas ?? 0) < want)
                bad.push(`${id}: ${s.availableReplicas ?? 0}/${want} available, ${s.updatedReplicas ?? 0} updated`);
        } else if ((s.readyReplicas ?? 0) < want || s.currentRevision !== s.updateRevision) {
            bad.push(`${id}: ${s.readyReplicas ?? 0}/${want} ready, revision ${s.currentRevision} -> ${s.updateRevision}`);
        }
    }
    return bad;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries `probe` until it returns true (eventually consistent controllers) or the deadline passes. */
export async function eventually(what: string, probe: () => Promise<boolean | string>, timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: boolean | string = false;
    while (Date.now() < deadline) {
        last = await probe();
        if (last === true) return;
        await sleep(2000);
    }
    throw new Error(`${what}: not true after ${timeoutMs / 1000} s${typeof last === "string" ? `: ${last}` : ""}`);
}
