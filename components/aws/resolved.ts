/**
 * The shapes `resolveEksClusterArgs` returns: `EksClusterArgs` validated, with every default
 * filled, keys and lists sorted. The resources are built from these, never from the raw args.
 */
import * as pulumi from "@pulumi/pulumi";
import { SubnetPlan } from "./subnets";
import {
    AddonVersions,
    AutoscalerExpander,
    CapacityType,
    EfsKmsKey,
    EfsPerformanceMode,
    EfsThroughputMode,
    EfsTransitionToIa,
    EksEnvironment,
    IrsaRoleSpec,
    LoadBalancerScheme,
    NatGatewayStrategy,
    NodeTaint,
    PullThroughCachePrefix,
    ReclaimPolicy,
} from "./types";

export interface ResolvedNodeGroup {
    name: string;
    instanceTypes: string[];
    capacityType: CapacityType;
    minSize: number;
    maxSize: number;
    desiredSize: number;
    /** Includes `node-group=<name>`. Keys sorted. */
    labels: Record<string, string>;
    taints: NodeTaint[];
    diskSizeGiB: number;
    amiType: string;
    /** Explicit subnets; undefined means every private subnet. */
    subnetIds?: pulumi.Input<string>[];
}

export type ResolvedVpc =
    | { kind: "create"; cidr: string; azCount: number; availabilityZones?: string[]; natGateways: NatGatewayStrategy; subnets: SubnetPlan }
    | {
          kind: "existing";
          vpcId: pulumi.Input<string>;
          privateSubnetIds: pulumi.Input<string>[];
          publicSubnetIds: pulumi.Input<string>[];
          cidr?: string;
      };

/** A Helm-installed add-on with its chart version resolved (`external`: nothing is installed). */
export type ResolvedHelmAddon = { mode: "install"; version: string } | { mode: "external" };

/** Every add-on entry with its defaults filled; an absent key means "not provided on this cluster". */
export interface ResolvedPlatformAddons {
    prometheusOperator?: ResolvedHelmAddon;
    vpa?: ResolvedHelmAddon;
    velero?: { mode: "install"; version: string; bucket: string; noncurrentVersionDays: number; defaultVolumesToFsBackup: boolean } | { mode: "external" };
    certManager?: { mode: "install"; version?: string; acmeEmail: string; issuerName: string; acmeServer: string } | { mode: "external" };
    istio?: { mode: "install"; version: string } | { mode: "external"; cni: boolean };
    ingressNginx?: { mode: "install"; version: string; scheme: LoadBalancerScheme } | { mode: "external" };
    externalSecrets?: { mode: "install"; version: string; secretsPrefix: string } | { mode: "external" };
}

/** A bucket with its lifecycle defaults filled. */
export interface ResolvedBucket {
    name: string;
    expirationDays?: number;
    noncurrentVersionDays: number;
}

/** EFS settings with every default filled (present only when `efs.enabled`). */
export interface ResolvedEfs {
    storageClassName: string;
    performanceMode: EfsPerformanceMode;
    throughputMode: EfsThroughputMode;
    provisionedThroughputMibps?: number;
    kmsKey: EfsKmsKey;
    transitionToIa?: EfsTransitionToIa;
    reclaimPolicy: ReclaimPolicy;
}

export interface ResolvedEksCluster {
    clusterName: string;
    environment: EksEnvironment;
    region?: string;
    kubernetesVersion: string;
    vpc: ResolvedVpc;
    endpoint: { privateAccess: boolean; publicAccess: boolean; publicAccessCidrs: string[] };
    /** The known ARNs sorted, then the Outputs in their order. */
    adminPrincipals: pulumi.Input<string>[];
    bootstrapCreatorAdmin: boolean;
    /** Sorted by name. */
    nodeGroups: ResolvedNodeGroup[];
    ignoreDesiredSizeChanges: boolean;
    autoscaler: {
        enabled: boolean;
        minNodes: number;
        maxNodes: number;
        image: string;
        expander: AutoscalerExpander;
        scaleDownUnneededTime: string;
    };
    metricsServer: { enabled: boolean; image: string };
    addons: AddonVersions;
    storage: { defaultReclaimPolicy: ReclaimPolicy };
    /** Undefined when `efs.enabled` is not true: nothing EFS-related is created. */
    efs?: ResolvedEfs;
    logRetentionDays: number;
    imdsHopLimit: number;
    irsaRoles: Record<string, IrsaRoleSpec>;
    platformAddons: ResolvedPlatformAddons;
    /** Sorted by name. */
    buckets: ResolvedBucket[];
    /** Undefined unless `cloudwatchObservability.enabled`. */
    cloudwatchObservability?: { logRetentionDays: number; version?: string };
    /** Undefined when no repository and no cache rule is asked for. */
    ecr?: { repositories: string[]; untaggedDays: number; keepImages: number; pullThroughCache: PullThroughCachePrefix[] };
    tags: Record<string, string>;
}
