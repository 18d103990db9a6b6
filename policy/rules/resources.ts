/** Resource requests and limits (seed checklists: "resource limits are configured"). */
import { allContainers, effectiveSecurityContext, isKind, Json, k8sNamespaceOf, parseQuantity, SYSTEM_NAMESPACES } from "../lib/k8s";
import { knobChecks } from "../lib/config";
import { podRule } from "../lib/pod";
import { k8sItems, PlatformRule, stackRule, StackViolation } from "../lib/rule";

function requestsAndLimits(resource: "cpu" | "memory" | "ephemeral-storage", requireLimit: boolean) {
    return (pod: { spec: unknown }): string[] => {
        const out: string[] = [];
        for (const r of allContainers(pod.spec)) {
            if (r.kind === "ephemeralContainer") continue; // ephemeral containers cannot set resources
            const req = r.container.resources?.requests?.[resource];
            const lim = r.container.resources?.limits?.[resource];
            if (req === undefined) out.push(`${r.label} has no ${resource} request`);
            if (requireLimit && lim === undefined) out.push(`${r.label} has no ${resource} limit`);
            const rq = parseQuantity(req);
            const lm = parseQuantity(lim);
            if (req !== undefined && rq === undefined) out.push(`${r.label} ${resource} request "${req}" is not a quantity`);
            if (lim !== undefined && lm === undefined) out.push(`${r.label} ${resource} limit "${lim}" is not a quantity`);
            if (rq !== undefined && lm !== undefined && rq > lm) out.push(`${r.label} ${resource} request ${req} exceeds its limit ${lim}`);
        }
        return out;
    };
}

/** Human quantity for messages (binary units). */
function formatBytes(n: number): string {
    for (const [u, f] of [
        ["Ti", 2 ** 40],
        ["Gi", 2 ** 30],
        ["Mi", 2 ** 20],
        ["Ki", 2 ** 10],
    ] as const)
        if (n >= f) return `${Math.round((n / f) * 100) / 100}${u}`;
    return String(n);
}

/**
 * Disk use that is real: disk-backed emptyDirs (bounded by sizeLimit) and writable root
 * filesystems. Containers with read-only roots and a small /tmp need no ephemeral-storage (the
 * kubelet rotates their logs); the others must tell the scheduler and the evictor.
 */
function ephemeralStorage(podSpec: Json, threshold: number): string[] {
    const out: string[] = [];
    const scratch = new Map<string, number>();
    for (const v of podSpec?.volumes ?? []) {
        if (!v?.emptyDir || v.emptyDir.medium === "Memory") continue;
        const size = parseQuantity(v.emptyDir.sizeLimit);
        if (v.emptyDir.sizeLimit === undefined) out.push(`emptyDir "${v.name}" has no sizeLimit; it can fill the node's disk`);
        scratch.set(v.name, size ?? Infinity);
    }
    for (const r of allContainers(podSpec)) {
        if (r.kind === "ephemeralContainer") continue;
        const mounted = (r.container.volumeMounts ?? []).map((m: Json) => m?.name).filter((n: string) => scratch.has(n));
        const total = [...new Set<string>(mounted)].reduce((t, n) => t + scratch.get(n)!, 0);
        const writableRoot = effectiveSecurityContext(podSpec, r.container).readOnlyRootFilesystem !== true;
        const big = total > threshold;
        if (!writableRoot && !big) continue;
        const why = writableRoot ? "has a writable root filesystem" : `mounts ${Number.isFinite(total) ? formatBytes(total) : "unbounded"} of emptyDir scratch`;
        const req = r.container.resources?.requests?.["ephemeral-storage"];
        const lim = r.container.resources?.limits?.["ephemeral-storage"];
        if (req === undefined) out.push(`${r.label} ${why} but no ephemeral-storage request`);
        if (lim === undefined) out.push(`${r.label} ${why} but no ephemeral-storage limit`);
        const lm = parseQuantity(lim);
        const rq = parseQuantity(req);
        if (rq !== undefined && lm !== undefined && rq > lm) out.push(`${r.label} ephemeral-storage request ${req} exceeds its limit ${lim}`);
        if (lm !== undefined && Number.isFinite(total) && total > 0 && lm < total)
            out.push(
                `${r.label} ephemeral-storage limit ${lim} is below the ${formatBytes(total)} of emptyDir scratch it mounts; the pod is evicted before the volume fills`,
            );
    }
    return out;
}

export const resourceRules: PlatformRule[] = [
    podRule({
        name: "res-cpu",
        area: "resources",
        description: "Every container sets a CPU request (and a limit unless disabled); request <= limit.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Set resources.requests.cpu and resources.limits.cpu (components default to 100m/500m, seed 004).",
        defaults: { requireLimit: true },
        knobs: { requireLimit: "also require resources.limits.cpu" },
        check: (pod, _o, cfg) => requestsAndLimits("cpu", cfg.requireLimit)(pod),
    }),
    podRule({
        name: "res-memory",
        area: "resources",
        description: "Every container sets a memory request and limit; request <= limit.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Set resources.requests.memory and resources.limits.memory (components default to 128Mi/512Mi, seed 004).",
        check: (pod) => requestsAndLimits("memory", true)(pod),
    }),
    podRule({
        name: "res-ephemeral-storage",
        area: "resources",
        description:
            "Where disk use is real, it is bounded: every disk-backed emptyDir has a sizeLimit, and a container with a writable root filesystem or more than scratchThreshold of emptyDir scratch sets an ephemeral-storage request and a limit that covers its scratch.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps:
            "Give every emptyDir a sizeLimit; on containers with a writable root filesystem or large scratch volumes set resources.requests/limits ephemeral-storage (the limit at least the scratch it mounts, or the kubelet evicts the pod before the volume fills).",
        defaults: { scratchThreshold: "1Gi" },
        knobs: { scratchThreshold: "emptyDir scratch (sum of the sizeLimits a container mounts) above which the container must declare ephemeral-storage" },
        checks: { scratchThreshold: knobChecks.quantity },
        check: (pod, _o, cfg) => ephemeralStorage(pod.spec, parseQuantity(cfg.scratchThreshold) ?? 2 ** 30),
    }),
    podRule({
        name: "res-qos-guaranteed",
        area: "resources",
        description: "Memory requests equal limits so the pod is not the first OOM victim (EKS best practices: QoS).",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Set resources.requests.memory equal to resources.limits.memory.",
        check: (pod) =>
            allContainers(pod.spec)
                .filter((r) => r.kind !== "ephemeralContainer")
                .filter((r) => {
                    const q = parseQuantity(r.container.resources?.requests?.memory);
                    const l = parseQuantity(r.container.resources?.limits?.memory);
                    return q !== undefined && l !== undefined && q !== l;
                })
                .map((r) => `${r.label} memory request ${r.container.resources.requests.memory} differs from its limit ${r.container.resources.limits.memory}`),
    }),
    stackRule({
        name: "res-namespace-quota",
        area: "resources",
        description: "Every namespace the stack deploys workloads into has a ResourceQuota and a LimitRange.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Create the namespace with PlatformNamespace (it adds a ResourceQuota and LimitRange).",
        defaults: { systemNamespaces: SYSTEM_NAMESPACES },
        knobs: { systemNamespaces: "namespaces of cluster add-ons, not judged" },
        check: (items, cfg) => {
            const k = k8sItems(items);
            const workloadNs = new Map<string, string>();
            for (const i of k)
                if (isKind(i.type, ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"])) {
                    const ns = k8sNamespaceOf(i.obj);
                    if (!workloadNs.has(ns) && !cfg.systemNamespaces.includes(ns)) workloadNs.set(ns, i.urn);
                }
            if (workloadNs.size === 0) return undefined;
            const out: StackViolation[] = [];
            for (const [ns, urn] of [...workloadNs.entries()].sort()) {
                const hasQuota = k.some((i) => i.obj.kind === "ResourceQuota" && k8sNamespaceOf(i.obj) === ns);
                const hasLimits = k.some((i) => i.obj.kind === "LimitRange" && k8sNamespaceOf(i.obj) === ns);
                const nsUrn = k.find((i) => i.obj.kind === "Namespace" && i.obj.metadata?.name === ns)?.urn ?? urn;
                if (!hasQuota) out.push({ message: `Namespace ${ns}: has workloads but no ResourceQuota`, urn: nsUrn });
                if (!hasLimits) out.push({ message: `Namespace ${ns}: has workloads but no LimitRange`, urn: nsUrn });
            }
            return out;
        },
    }),
];
