/**
 * Health checks (seed checklists: "health checks are working"; seed 003: liveness, readiness,
 * startup). Only long-running containers (regular containers and native sidecars) of
 * long-running workloads need probes; Jobs and CronJobs run to completion.
 */
import { allContainers, ContainerRef, Json, jsonEqual, LONG_RUNNING_KINDS } from "../lib/k8s";
import { podRule } from "../lib/pod";
import { PlatformRule } from "../lib/rule";

const PROBE_ACTIONS = ["httpGet", "tcpSocket", "grpc", "exec"];

function probed(kind: "livenessProbe" | "readinessProbe" | "startupProbe", servingOnly: boolean) {
    return (pod: { spec: Json }): string[] => allContainers(pod.spec)
        .filter((r) => r.longRunning)
        .filter((r) => !servingOnly || (r.container.ports ?? []).length > 0)
        .flatMap((r: ContainerRef) => {
            const p = r.container[kind];
            if (!p) return [`${r.label} has no ${kind}`];
            if (!PROBE_ACTIONS.some((a) => p[a])) return [`${r.label} ${kind} has no action (httpGet, tcpSocket, grpc or exec)`];
            return [];
        });
}

export const healthRules: PlatformRule[] = [
    podRule({
        name: "health-liveness",
        area: "health",
        description: "Every long-running container has a livenessProbe.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Add a livenessProbe (AgentService builds one from `probes.health`).",
        kinds: LONG_RUNNING_KINDS,
        check: (pod) => probed("livenessProbe", false)(pod),
    }),
    podRule({
        name: "health-readiness",
        area: "health",
        description: "Every long-running container that serves a port has a readinessProbe (all of them when servingOnly is false).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Add a readinessProbe so Services only route to ready pods.",
        kinds: LONG_RUNNING_KINDS,
        defaults: { servingOnly: true },
        knobs: { servingOnly: "only require readiness on containers that declare ports" },
        check: (pod, _o, cfg) => probed("readinessProbe", cfg.servingOnly)(pod),
    }),
    podRule({
        name: "health-startup",
        area: "health",
        description: "Every long-running container has a startupProbe, so slow starts are not killed by liveness (seed 003 checklist).",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Add a startupProbe (components default to 30 x 10s).",
        kinds: LONG_RUNNING_KINDS,
        check: (pod) => probed("startupProbe", false)(pod),
    }),
    podRule({
        name: "health-probes-distinct",
        area: "health",
        description: "Liveness and readiness probes are not identical (an overloaded pod should stop receiving traffic, not restart).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Give liveness a longer period/threshold than readiness, or a different endpoint.",
        kinds: LONG_RUNNING_KINDS,
        check: (pod) => allContainers(pod.spec)
            .filter((r) => r.container.livenessProbe && r.container.readinessProbe && jsonEqual(r.container.livenessProbe, r.container.readinessProbe))
            .map((r) => `${r.label} livenessProbe is identical to its readinessProbe`),
    }),
    podRule({
        name: "health-probe-port",
        area: "health",
        description: "Probe ports name or number a port the container declares.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Point the probe at a declared containerPort (by name or number).",
        kinds: LONG_RUNNING_KINDS,
        check: (pod) => {
            const out: string[] = [];
            for (const r of allContainers(pod.spec)) {
                const ports: Json[] = r.container.ports ?? [];
                for (const kind of ["livenessProbe", "readinessProbe", "startupProbe"]) {
                    const p = r.container[kind];
                    const port = p?.httpGet?.port ?? p?.tcpSocket?.port ?? p?.grpc?.port;
                    if (port === undefined) continue;
                    const ok = typeof port === "number" || /^\d+$/.test(String(port))
                        ? ports.length === 0 || ports.some((d) => Number(d.containerPort) === Number(port))
                        : ports.some((d) => d.name === port);
                    if (!ok) out.push(`${r.label} ${kind} uses port ${port}, which the container does not declare`);
                }
            }
            return out;
        },
    }),
];
