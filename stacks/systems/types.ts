import * as pulumi from "@pulumi/pulumi";
import { Backups, ClusterCapabilities, PlatformNamespaceArgs } from "../../components/kube";
import { Environment, PlatformConfig } from "../../components/config";
import { apiServerScope } from "../../components/config/cluster";

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

/**
 * Where a system's pods reach the API server (its egress rules on 443/6443): the system's own
 * `kubeApiCidrs`, else the cluster's scope (`cluster.apiServerCidrs`; the VPC CIDR on EKS).
 */
export function kubeApiCidrs(own: readonly string[] | undefined, config: Pick<PlatformConfig, "cluster">): string[] {
    return [...(own ?? apiServerScope(config.cluster))];
}

/** The API server's ports: 443 behind the `kubernetes` Service and on EKS's endpoint, 6443 where a control plane serves itself. */
export const KUBE_API_PORTS = [443, 6443];

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
