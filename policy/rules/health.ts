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
    return (pod: { spec: Json }): string[] =>
        allContainers(pod.spec)
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
        description:
            "Liveness and readiness do not ask the same HTTP or gRPC endpoint: readiness reflects dependencies (an overloaded or cut-off pod leaves the Service), liveness only whether the process must restart.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps:
            "Point readiness at an endpoint that checks the pod's dependencies (e.g. /ready) and keep liveness on /health, or make liveness a plain TCP check on the port. Different timings on the same endpoint are not enough: both fail together.",
        kinds: LONG_RUNNING_KINDS,
        check: (pod) =>
            allContainers(pod.spec)
                .filter((r) => r.longRunning)
                .flatMap((r) => {
                    const l = r.container.livenessProbe;
                    const rd = r.container.readinessProbe;
                    if (!l || !rd) return [];
                    if (jsonEqual(l, rd)) return [`${r.label} livenessProbe is identical to its readinessProbe`];
                    // exec and TCP handlers carry one signal only; HTTP and gRPC can answer liveness and readiness apart.
                    for (const action of ["httpGet", "grpc"]) {
                        if (l[action] && rd[action] && jsonEqual(l[action], rd[action])) {
                            const what =
                                action === "httpGet"
                                    ? `GET ${l.httpGet.path ?? "/"} on port ${l.httpGet.port}`
                                    : `gRPC ${l.grpc.service ?? "(default service)"} on port ${l.grpc.port}`;
                            return [
                                `${r.label} livenessProbe and readinessProbe use the same handler (${what}); only their timings differ, so they fail together`,
                            ];
                        }
                    }
                    return [];
                }),
    }),
    podRule({
        name: "health-probe-port",
        area: "health",
        description:
            "Probe ports name or number a TCP port the container declares (httpGet, tcpSocket and grpc probes connect over TCP; a UDP port never answers).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Point the probe at a declared TCP containerPort (by name or number), or probe a UDP service with an exec command.",
        kinds: LONG_RUNNING_KINDS,
        check: (pod) => {
            const out: string[] = [];
            for (const r of allContainers(pod.spec)) {
                const ports: Json[] = r.container.ports ?? [];
                for (const kind of ["livenessProbe", "readinessProbe", "startupProbe"]) {
                    const p = r.container[kind];
                    const port = p?.httpGet?.port ?? p?.tcpSocket?.port ?? p?.grpc?.port;
                    if (port === undefined) continue;
                    const byNumber = typeof port === "number" || /^\d+$/.test(String(port));
                    const declared = byNumber ? ports.filter((d) => Number(d.containerPort) === Number(port)) : ports.filter((d) => d.name === port);
                    // An undeclared number is fine while the container declares no ports at all (nothing to compare with).
                    if (declared.length === 0 && !(byNumber && ports.length === 0)) {
                        out.push(`${r.label} ${kind} uses port ${port}, which the container does not declare`);
                    } else if (declared.length > 0 && !declared.some((d) => (d.protocol ?? "TCP") === "TCP")) {
                        // httpGet, tcpSocket and grpc probes all connect over TCP.
                        out.push(`${r.label} ${kind} uses port ${port}, which is declared ${declared[0].protocol}; the kubelet probes over TCP`);
                    }
                }
            }
            return out;
        },
    }),
];
