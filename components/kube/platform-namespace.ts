import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { dns1123Problem } from "./names";
import { assertNoProblems, check } from "./problems";
import { defaultDenySpec, dnsEgressSpec } from "./network";
import { MANAGED_BY_LABEL, PART_OF_LABEL } from "./labels";
import { ISTIO_PROXY_RESOURCES } from "./mesh-proxy";
import { WorkloadFootprint, atLeast, quotaFor, withMeshSidecars } from "./quota";
import { CpuMemory } from "./pod";
import { componentType, withOldTypeAlias } from "./type-token";

/** A Pod Security Standards profile (Pod Security Admission). */
export const PodSecurityLevel = {
    /** Unrestricted (node agents, log collectors). */
    Privileged: "privileged",
    /** Prevents known privilege escalations. */
    Baseline: "baseline",
    /** Hardened: non-root, no capabilities, seccomp. */
    Restricted: "restricted",
} as const;
/** A Pod Security Standards profile: `privileged`, `baseline` or `restricted`. */
export type PodSecurityLevel = (typeof PodSecurityLevel)[keyof typeof PodSecurityLevel];

/** Pod Security Admission for a namespace. */
export interface PodSecuritySpec {
    /** The profile pods are held to. */
    level: PodSecurityLevel;
    /** Reject violating pods (`enforce` label); otherwise only `warn` and `audit`. */
    enforce: boolean;
}

/** The namespace's ResourceQuota. */
export interface QuotaSpec {
    /**
     * e.g. `{ "requests.cpu": "100", "limits.memory": "400Gi", "persistentvolumeclaims": "10" }`. With
     * `footprints` it is a floor: each key is the larger of this value and what the footprints need.
     */
    hard?: Record<string, string>;
    /**
     * What the namespace's workloads can run at their maximum scale (each component reports its own:
     * `agentServiceFootprint`, `redisFootprint`, ...); the quota covers them with headroom, proxies included
     * when the namespace is meshed. @default none: `hard` as given
     */
    footprints?: WorkloadFootprint[];
    /** Object name; seed 002 uses `claude-code-quota`, seed 003 `agent-quota`. @default `<namespace>-quota` */
    name?: string;
}

/** The quota's `hard`: as given, or the footprints' need (mesh proxies included) raised to the given floor. */
export function quotaHard(q: QuotaSpec, meshed: boolean): Record<string, string> {
    if (!q.footprints) return q.hard ?? {};
    return atLeast(q.hard ?? {}, quotaFor(meshed ? withMeshSidecars(q.footprints, ISTIO_PROXY_RESOURCES) : q.footprints));
}

/** The Kubernetes form of a CpuMemory. */
const cpuMemory = (q: CpuMemory): Record<string, string> => ({ cpu: q.cpu, memory: q.memory });

/** The namespace's LimitRange for containers. */
export interface LimitRangeSpec {
    /** Object name. @default `<namespace>-limits` */
    name?: string;
    /** Limits of a container that sets none. */
    defaultLimit: CpuMemory;
    /** Requests of a container that sets none. */
    defaultRequest: CpuMemory;
    /** Largest limits a container may set. @default no maximum */
    max?: CpuMemory;
    /** Smallest requests a container may set. @default no minimum */
    min?: CpuMemory;
}

export interface PlatformNamespaceArgs {
    /** Namespace name (the seed's name; other systems address services through it). */
    name: string;
    /** Pod Security Admission: `enforce` is applied in prod, `warn`+`audit` only in dev. */
    podSecurity: PodSecuritySpec;
    /** A ResourceQuota for the namespace. @default none */
    quota?: QuotaSpec;
    /** A LimitRange with container defaults. @default none */
    limits?: LimitRangeSpec;
    /** Label the namespace for Istio sidecar injection (seed 002 service mesh). @default false */
    istioInjection?: boolean;
    /**
     * Keep the Namespace when the stack is destroyed, so the retained PVCs in it (and the data on
     * them) survive `pulumi destroy`; deleting a namespace would delete every claim inside it.
     * @default false
     */
    retainOnDelete?: boolean;
    /** System this namespace belongs to (`app.kubernetes.io/part-of`). @default none */
    partOf?: string;
    /** Extra namespace labels (the Pod Security, mesh and managed-by labels win). @default none */
    labels?: Record<string, string>;
    /** Namespace annotations (e.g. a policy exemption with its reason). @default none */
    annotations?: Record<string, string>;
}

// `latest` evaluates pods against the profile of the cluster's own Kubernetes version.
const PSA_VERSION = "latest";

/** Namespace labels for Pod Security Admission. Dev warns and audits; prod also enforces. */
export function podSecurityLabels(level: PodSecurityLevel, enforce: boolean): Record<string, string> {
    const labels: Record<string, string> = {
        "pod-security.kubernetes.io/warn": level,
        "pod-security.kubernetes.io/warn-version": PSA_VERSION,
        "pod-security.kubernetes.io/audit": level,
        "pod-security.kubernetes.io/audit-version": PSA_VERSION,
    };
    if (enforce) {
        labels["pod-security.kubernetes.io/enforce"] = level;
        labels["pod-security.kubernetes.io/enforce-version"] = PSA_VERSION;
    }
    return labels;
}

/**
 * A namespace ready for workloads: Pod Security Admission labels, quota, default limits,
 * and a default-deny NetworkPolicy with DNS egress so every workload must declare its traffic.
 */
export class PlatformNamespace extends pulumi.ComponentResource {
    /** The namespace name, resolved once the Namespace exists (use it to order children after it). */
    public readonly name: pulumi.Output<string>;
    /** The namespace name as given (`args.name`), known while the program runs. */
    public readonly namespaceName: string;
    public readonly namespace: k8s.core.v1.Namespace;

    constructor(name: string, args: PlatformNamespaceArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("PlatformNamespace", name, [
            ...dns1123Problem("name", args.name),
            ...check(!args.quota || args.quota.hard !== undefined || args.quota.footprints !== undefined, "quota", "needs hard, footprints or both"),
        ]);
        super(componentType("PlatformNamespace"), name, {}, withOldTypeAlias("agent-platform:kube:PlatformNamespace", opts));
        const ns = args.name;
        this.namespaceName = ns;
        const childOpts = { parent: this };
        this.namespace = new k8s.core.v1.Namespace(
            `${name}-ns`,
            {
                metadata: {
                    name: ns,
                    ...(args.annotations ? { annotations: args.annotations } : {}),
                    labels: {
                        ...(args.labels ?? {}),
                        ...podSecurityLabels(args.podSecurity.level, args.podSecurity.enforce),
                        ...(args.istioInjection ? { "istio-injection": "enabled" } : {}),
                        ...(args.partOf ? { [PART_OF_LABEL]: args.partOf } : {}),
                        [MANAGED_BY_LABEL]: "pulumi",
                    },
                },
            },
            { ...childOpts, retainOnDelete: args.retainOnDelete ?? false },
        );
        this.name = this.namespace.metadata.name;
        const inNs = { parent: this, dependsOn: [this.namespace] };
        if (args.quota) {
            new k8s.core.v1.ResourceQuota(
                `${name}-quota`,
                {
                    metadata: { name: args.quota.name ?? `${ns}-quota`, namespace: ns },
                    spec: { hard: quotaHard(args.quota, args.istioInjection ?? false) },
                },
                inNs,
            );
        }
        if (args.limits) {
            const l = args.limits;
            new k8s.core.v1.LimitRange(
                `${name}-limits`,
                {
                    metadata: { name: l.name ?? `${ns}-limits`, namespace: ns },
                    spec: {
                        limits: [
                            {
                                type: "Container",
                                default: cpuMemory(l.defaultLimit),
                                defaultRequest: cpuMemory(l.defaultRequest),
                                ...(l.max ? { max: cpuMemory(l.max) } : {}),
                                ...(l.min ? { min: cpuMemory(l.min) } : {}),
                            },
                        ],
                    },
                },
                inNs,
            );
        }
        new k8s.networking.v1.NetworkPolicy(
            `${name}-default-deny`,
            {
                metadata: { name: "default-deny-all", namespace: ns },
                spec: defaultDenySpec(),
            },
            inNs,
        );
        new k8s.networking.v1.NetworkPolicy(
            `${name}-allow-dns`,
            {
                metadata: { name: "allow-dns-egress", namespace: ns },
                spec: dnsEgressSpec(),
            },
            inNs,
        );
        this.registerOutputs({ name: this.name });
    }
}
