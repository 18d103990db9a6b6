/**
 * Runs a benchmark child in a fresh node process: the tsc build's JavaScript (build/bench/lib/*.js,
 * what `npm run render` and `pulumi up` run since issue 20), or the TypeScript source under
 * ts-node (`node -r ts-node/register/transpile-only`, the set-up before it) for the "before" rows.
 */
import { spawn } from "child_process";
import * as path from "path";
import { BUILD_DIR, PROJECT_ROOT } from "../../stacks/project-root";

export const REPO_ROOT = PROJECT_ROOT;

/** How a child runs: compiled JavaScript (build/), or TypeScript through ts-node. */
export type Runtime = "compiled" | "ts-node";

export interface ChildResult<T> {
    /** Spawn to exit, as seen by the parent (node start-up, ts-node, module loading, work). */
    wallMs: number;
    /** The JSON object the child printed as its last stdout line. */
    report: T;
}

/**
 * Runs `bench/lib/<script>` (named by its .ts source) in a fresh node process, compiled by
 * default; `runtime: "ts-node"` runs the source of `root` (default this tree) under ts-node, with
 * `preload` modules required after it. Rejects with its stderr tail on failure.
 */
export function runChild<T>(
    script: string,
    args: string[],
    nodeArgs: string[] = [],
    opts: { preload?: string[]; env?: NodeJS.ProcessEnv; runtime?: Runtime; root?: string } = {},
): Promise<ChildResult<T>> {
    return new Promise((resolve, reject) => {
        const root = opts.root ?? REPO_ROOT;
        const tsNode = opts.runtime === "ts-node";
        const file = tsNode ? path.join(root, "bench", "lib", script) : path.join(BUILD_DIR, "bench", "lib", script.replace(/\.ts$/, ".js"));
        const t0 = process.hrtime.bigint();
        const child = spawn(
            process.execPath,
            [...nodeArgs, ...(tsNode ? ["-r", "ts-node/register/transpile-only"] : []), ...(opts.preload ?? []).flatMap((p) => ["-r", p]), file, ...args],
            {
                cwd: root,
                stdio: ["ignore", "pipe", "pipe"],
                env: { ...process.env, TS_NODE_TRANSPILE_ONLY: "true", ...opts.env },
            },
        );
        let out = "",
            err = "";
        child.stdout.on("data", (d) => (out += d));
        child.stderr.on("data", (d) => (err += d));
        child.on("error", reject);
        child.on("close", (code) => {
            const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
            const last = out.trim().split("\n").pop() ?? "";
            if (code !== 0) return reject(new Error(`${script} ${args.join(" ")} exited ${code}: ${(err || out).trim().split("\n").slice(-6).join("\n")}`));
            try {
                resolve({ wallMs, report: JSON.parse(last) as T });
            } catch {
                reject(new Error(`${script}: no JSON report on stdout: ${last.slice(0, 200)}`));
            }
        });
    });
}

/** Runs a shell command, timing it; never rejects. */
export function runCommand(
    cmd: string,
    args: string[],
    opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<{ code: number | null; wallMs: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
        const t0 = process.hrtime.bigint();
        const child = spawn(cmd, args, { cwd: opts.cwd ?? REPO_ROOT, env: opts.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "",
            stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = opts.timeoutMs ? setTimeout(() => child.kill("SIGTERM"), opts.timeoutMs) : undefined;
        const done = (code: number | null) => {
            if (timer) clearTimeout(timer);
            resolve({ code, wallMs: Number(process.hrtime.bigint() - t0) / 1e6, stdout, stderr });
        };
        child.on("error", (e) => {
            stderr += String(e);
            done(127);
        });
        child.on("close", done);
    });
}
