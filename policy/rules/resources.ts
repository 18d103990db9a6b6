/** Resource requests and limits (seed checklists: "resource limits are configured"). */
import { allContainers, isKind, k8sNamespaceOf, parseQuantity, SYSTEM_NAMESPACES } from "../lib/k8s";
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
        description: "Containers bound their scratch disk with an ephemeral-storage request and limit.",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Set resources.requests/limits ephemeral-storage, or size emptyDir volumes with sizeLimit.",
        check: (pod) => requestsAndLimits("ephemeral-storage", true)(pod),
    }),
    podRule({
        name: "res-qos-guaranteed",
        area: "resources",
        description: "Memory requests equal limits so the pod is not the first OOM victim (EKS best practices: QoS).",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Set resources.requests.memory equal to resources.limits.memory.",
        check: (pod) => allContainers(pod.spec)
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
            for (const i of k) if (isKind(i.type, ["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "Pod", "ReplicaSet"])) {
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
