/**
 * Child: registers N AgentServices in one program under the mock runtime and reports the time
 * of that run alone (modules are loaded first, outside the timing). `growth-child.ts <n> [--plain-stacks]`
 *
 * `--plain-stacks` removes ts-node's source-mapped stack formatting (Error.prepareStackTrace from
 * source-map-support) before the run: every Pulumi resource constructor captures a full stack
 * trace (`Resource.callsites()`, Error.stackTraceLimit = Infinity), and under ts-node each one is
 * mapped through source maps. The experiment measures what that costs.
 */
import { performance } from "perf_hooks";
import { AgentService, AgentServiceArgs } from "agent-platform";
import { runUnderMocks } from "../../tools/lib/mock-runtime";

/** A typical service: HPA, PDB, NetworkPolicy, probes, ports (like production-agents' agent). */
export function serviceArgs(i: number): AgentServiceArgs {
    return {
        namespace: "bench",
        name: `agent-${i}`,
        image: "ghcr.io/acme/agent:1.0.0",
        partOf: "bench",
        ports: [
            { name: "http", containerPort: 8080 },
            { name: "metrics", containerPort: 9090 },
        ],
        probes: { liveness: { path: "/health" }, readiness: { path: "/ready" }, startup: { path: "/health" } },
        resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
        hpa: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 },
        pdb: { maxUnavailable: 1 },
        env: { LOG_LEVEL: "info", SERVICE_INDEX: String(i) },
        network: { ingress: [{ peers: [{ workload: "gateway" }], ports: [8080] }] },
    };
}

async function main(): Promise<void> {
    const n = Number(process.argv[2]);
    if (process.argv[3] === "--plain-stacks") (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
    if (!Number.isInteger(n) || n < 1) throw new Error(`usage: growth-child.ts <n >= 1>, got ${process.argv[2]}`);
    const t = performance.now();
    const run = await runUnderMocks(() => {
        for (let i = 0; i < n; i++) new AgentService(`agent-${i}`, serviceArgs(i));
    });
    const runMs = performance.now() - t;
    const custom = run.resources.filter((r) => r.custom).length;
    process.stdout.write(JSON.stringify({ n, runMs, resources: run.resources.length, custom, peakRssKiB: process.resourceUsage().maxRSS }) + "\n");
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
});
