import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { Backups, ClusterCapabilities, PlatformNamespaceArgs, TrafficRule, AppMetric } from "agent-platform";
import { ConfigIssue, Environment, PlatformBase, apiServerScope } from "agent-platform/config";
import type { PlatformConfig } from "../config";

/** What every system module gets: the environment, the cluster's CRDs, secrets and its parent. */
export interface SystemContext {
    environment: Environment;
    capabilities: ClusterCapabilities;
    /** The whole config, for cross-system facts (e.g. the EKS node groups for placement). */
    config: PlatformConfig;
    /** Reads a secure config key as a secret Output (`config.requireSecret`). */
    secret(key: string): pulumi.Output<string>;
    /** ARN of an IRSA role the stack's EKS cluster created (`cluster.irsaRoles.<name>`), if any. */
    irsaRoleArn(name: string): pulumi.Output<string> | undefined;
    /** Parent for every component the system creates (carries the Kubernetes provider). */
    parent: pulumi.Resource;
}

/** What a system reports as stack outputs. */
export interface SystemOutputs {
    namespace: string;
    /** In-cluster URLs by service name. */
    services: Record<string, string>;
    /** Public hosts served through Ingresses. */
    ingressHosts?: string[];
}

export type SystemModule<C> = (config: C, ctx: SystemContext) => SystemOutputs;

/** What a system's checks see of the stack (the program calls them before anything registers). */
export type CheckContext = Pick<SystemContext, "capabilities" | "environment">;

/**
 * One system, as its folder registers it (`stacks/systems/registry.ts`): the config section
 * `agent-platform:<key>` and everything derived from it. Paths in `issues` and `clusterIssuers`
 * are relative to the section.
 */
export interface SystemDefinition<S extends z.ZodType<{ enabled: boolean }>> {
    /** The section's schema: one zod object, `.strict()`, every default named with its provenance. */
    schema: S;
    /** The secure keys the section may read (`pulumi config set --secret`). */
    secrets: readonly string[];
    /** Which of `secrets` an enabled section needs, when not all of them. */
    requiredSecrets?: (config: z.output<S>) => readonly string[];
    /** Composes the system's components (never a raw resource, never a config read). */
    deploy: SystemModule<z.output<S>>;
    /** The system's main UI (or API, for a system without one): a key of its `services` output, port-forwarded by the summary. */
    mainService: string;
    /** The application metrics its pods serve, as its seed names them (its Grafana dashboard plots them). */
    appMetrics?: AppMetric[];
    /** Rules between the section and the platform-wide ones (the cluster, the CRDs). */
    issues?: (config: z.output<S>, platform: PlatformBase) => ConfigIssue[];
    /** ClusterIssuers the section names (checked against an installed cert-manager on EKS). */
    clusterIssuers?: (config: z.output<S>) => { path: string[]; name: string }[];
    /** Whether the section turns the Istio mesh on. */
    serviceMesh?: (config: z.output<S>) => boolean;
    /** Checks beyond the schema (files the config names); `agent-platform:<key>: rule` problems, registering nothing. */
    check?: (config: z.output<S>, ctx: CheckContext) => string[];
    /** Which keys of which Secret hold secure config values (none: the system reads only generated secrets). */
    configSecrets?: (config: z.output<S>, ctx: CheckContext) => ConfigSecretKeys[];
}

/** A system definition with its schema's types kept (what each folder's index.ts exports). */
export function defineSystem<S extends z.ZodType<{ enabled: boolean }>>(definition: SystemDefinition<S>): SystemDefinition<S> {
    return definition;
}

/**
 * Where a system's pods reach the API server (its egress rules on 443/6443): the system's own
 * `kubeApiCidrs`, else the cluster's scope (`cluster.apiServerCidrs`; the VPC CIDR on EKS).
 */
export function kubeApiCidrs(own: readonly string[] | undefined, config: Pick<PlatformConfig, "cluster">): string[] {
    return [...(own ?? apiServerScope(config.cluster))];
}

/** The API server's ports: 443 behind the `kubernetes` Service and on EKS's endpoint, 6443 where a control plane serves itself. */
export const KUBE_API_PORTS = [443, 6443];

/** An egress rule to the API server: address blocks on TCP ports. */
export type KubeApiRule = Required<Pick<TrafficRule, "peers" | "ports">>;

/** The egress rule to the API server: `kubeApiCidrs` on KUBE_API_PORTS. */
export function kubeApiRule(own: readonly string[] | undefined, config: Pick<PlatformConfig, "cluster">): KubeApiRule {
    return { peers: kubeApiCidrs(own, config).map((cidr) => ({ cidr })), ports: KUBE_API_PORTS };
}

/** A system's `quota` section (`namespaceQuota`) as its ResourceQuota's `hard`. */
export function quotaHard(q: { requestsCpu: string; requestsMemory: string; persistentVolumeClaims: number }): Record<string, string> {
    return { "requests.cpu": q.requestsCpu, "requests.memory": q.requestsMemory, persistentvolumeclaims: String(q.persistentVolumeClaims) };
}

/** A volume section (`storage`) as a claim's size and class. */
export const storageOf = (s: { size: string; storageClassName?: string }) => ({
    size: s.size,
    ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}),
});

/** Facts that differ between dev and prod, derived in one place. */
export function environmentDefaults(env: Environment) {
    const prod = env === "prod";
    return {
        /** Keep data volumes when the stack is destroyed or scaled down. */
        retainVolumes: prod,
        /** Spread replicas across zones as well as nodes. */
        spreadAcrossZones: prod,
        /** Enforce Pod Security `restricted` (dev only warns and audits). */
        enforcePodSecurity: prod,
    };
}

/**
 * Keys of one of a system's Secrets that hold secure config values: Secret data key -> secure
 * config key. With `secrets.source: externalSecrets` those keys come from AWS Secrets Manager.
 */
export interface ConfigSecretKeys {
    namespace: string;
    secret: string;
    keys: Record<string, string>;
    partOf?: string;
}

/** The declared keys' values as the system reads them (`ctx.secret`), for the Secret's data. */
export function configSecretValues(ctx: Pick<SystemContext, "secret">, declared: readonly ConfigSecretKeys[]): Record<string, pulumi.Output<string>> {
    return Object.fromEntries(declared.flatMap((d) => Object.entries(d.keys)).map(([dataKey, configKey]) => [dataKey, ctx.secret(configKey)]));
}

/** A system's `backup` section: a Velero schedule of its namespace. */
export interface NamespaceBackup {
    enabled: boolean;
    schedule: string;
    ttl: string;
    /** Back volumes up with the file-system backup (kopia) instead of snapshots. */
    fsBackup?: boolean;
}

/** The namespace's Velero `Schedule` (CRD-gated by `capabilities.velero`), when its `backup` section enables it. */
export function backupNamespace(
    resourceName: string,
    target: { scheduleName: string; namespace: string; partOf: string; backup: NamespaceBackup },
    ctx: Pick<SystemContext, "capabilities">,
    opts: pulumi.ComponentResourceOptions,
): void {
    const { backup } = target;
    if (!backup.enabled) return;
    new Backups(
        resourceName,
        {
            scheduleName: target.scheduleName,
            includedNamespaces: [target.namespace],
            schedule: backup.schedule,
            ttl: backup.ttl,
            ...(backup.fsBackup !== undefined ? { defaultVolumesToFsBackup: backup.fsBackup } : {}),
            capabilities: ctx.capabilities,
            partOf: target.partOf,
        },
        opts,
    );
}

/** LimitRange values for pods nobody sized, and the largest pod a namespace admits. */
export const DEFAULT_POD_LIMITS = {
    defaultRequest: { cpu: "100m", memory: "128Mi" },
    defaultLimit: { cpu: "500m", memory: "512Mi" },
    max: { cpu: "4", memory: "8Gi" },
};

/**
 * A system's namespace: Pod Security `restricted` (enforced where the environment says so) and
 * kept on `pulumi destroy` where volumes are retained, with the system's own quota and limits.
 */
export function systemNamespaceArgs(environment: Environment, args: Omit<PlatformNamespaceArgs, "podSecurity" | "retainOnDelete">): PlatformNamespaceArgs {
    const env = environmentDefaults(environment);
    return { ...args, podSecurity: { level: "restricted", enforce: env.enforcePodSecurity }, retainOnDelete: env.retainVolumes };
}
