/**
 * The closed value sets of the EKS components' arguments. Each is an `as const` object (member
 * name -> value) with a type of the same name for its values: TypeScript callers pass the plain
 * strings (`"onePerAz"`), and Pulumi's schema inference turns each into an enum for the other
 * languages. The upper-case lists are the same values as non-empty lists (validation and zod).
 */

/** `onePerAz`: one NAT gateway per AZ (no cross-AZ egress dependency); `single`: one shared NAT (cost option). */
export const NatGatewayStrategy = {
    /** One NAT gateway shared by every AZ (cheaper; an AZ-wide egress dependency). */
    Single: "single",
    /** One NAT gateway per AZ. */
    OnePerAz: "onePerAz",
} as const;
export type NatGatewayStrategy = (typeof NatGatewayStrategy)[keyof typeof NatGatewayStrategy];

/** EKS managed node group capacity type. */
export const CapacityType = {
    OnDemand: "ON_DEMAND",
    Spot: "SPOT",
} as const;
export type CapacityType = (typeof CapacityType)[keyof typeof CapacityType];

/** EKS node-group taint effects (the EKS API spelling, not the Kubernetes one). */
export const TaintEffect = {
    NoSchedule: "NO_SCHEDULE",
    NoExecute: "NO_EXECUTE",
    PreferNoSchedule: "PREFER_NO_SCHEDULE",
} as const;
export type TaintEffect = (typeof TaintEffect)[keyof typeof TaintEffect];

/** Environment profile: `prod` turns on the high-availability and exposure rules. */
export const EksEnvironment = {
    Dev: "dev",
    Prod: "prod",
} as const;
export type EksEnvironment = (typeof EksEnvironment)[keyof typeof EksEnvironment];

/** StorageClass `reclaimPolicy`: `Retain` keeps the volume (and its data) when the claim is deleted. */
export const ReclaimPolicy = {
    Retain: "Retain",
    Delete: "Delete",
} as const;
export type ReclaimPolicy = (typeof ReclaimPolicy)[keyof typeof ReclaimPolicy];

/** EFS performance mode (`maxIO` is legacy and incompatible with `elastic` throughput). */
export const EfsPerformanceMode = {
    GeneralPurpose: "generalPurpose",
    MaxIo: "maxIO",
} as const;
export type EfsPerformanceMode = (typeof EfsPerformanceMode)[keyof typeof EfsPerformanceMode];

/** EFS throughput mode. */
export const EfsThroughputMode = {
    Elastic: "elastic",
    Bursting: "bursting",
    Provisioned: "provisioned",
} as const;
export type EfsThroughputMode = (typeof EfsThroughputMode)[keyof typeof EfsThroughputMode];

/** EFS encryption key: the cluster's customer-managed KMS key, or the AWS-managed `aws/elasticfilesystem` key. */
export const EfsKmsKey = {
    Cluster: "cluster",
    AwsManaged: "aws-managed",
} as const;
export type EfsKmsKey = (typeof EfsKmsKey)[keyof typeof EfsKmsKey];

/** EFS lifecycle transition of files to Infrequent Access (EFS API spelling). */
export const EfsTransitionToIa = {
    After1Day: "AFTER_1_DAY",
    After7Days: "AFTER_7_DAYS",
    After14Days: "AFTER_14_DAYS",
    After30Days: "AFTER_30_DAYS",
    After60Days: "AFTER_60_DAYS",
    After90Days: "AFTER_90_DAYS",
    After180Days: "AFTER_180_DAYS",
    After270Days: "AFTER_270_DAYS",
    After365Days: "AFTER_365_DAYS",
} as const;
export type EfsTransitionToIa = (typeof EfsTransitionToIa)[keyof typeof EfsTransitionToIa];

/** cluster-autoscaler `--expander` strategies supported here. */
export const AutoscalerExpander = {
    LeastWaste: "least-waste",
    Random: "random",
    MostPods: "most-pods",
    Price: "price",
    Priority: "priority",
} as const;
export type AutoscalerExpander = (typeof AutoscalerExpander)[keyof typeof AutoscalerExpander];

/**
 * How a cluster add-on is provided: `install` (this component installs and owns it) or
 * `external` (someone else manages it on this cluster; nothing is installed, and the systems
 * may still rely on it). An add-on without an entry is neither: the systems must not rely on it.
 */
export const AddonMode = {
    Install: "install",
    External: "external",
} as const;
export type AddonMode = (typeof AddonMode)[keyof typeof AddonMode];

/** Load balancer scheme of the ingress controller's NLB. */
export const LoadBalancerScheme = {
    InternetFacing: "internet-facing",
    Internal: "internal",
} as const;
export type LoadBalancerScheme = (typeof LoadBalancerScheme)[keyof typeof LoadBalancerScheme];

/** Public registries ECR caches without credentials, by cache prefix. */
export const PullThroughCachePrefix = {
    EcrPublic: "ecr-public",
    K8s: "k8s",
    Quay: "quay",
} as const;
export type PullThroughCachePrefix = (typeof PullThroughCachePrefix)[keyof typeof PullThroughCachePrefix];

/** The values of an `as const` enum object, as a non-empty list (zod's `z.enum` takes it). */
function valuesOf<T extends Record<string, string>>(o: T): readonly [T[keyof T], ...T[keyof T][]] {
    return Object.values(o) as [T[keyof T], ...T[keyof T][]];
}

export const NAT_STRATEGIES = valuesOf(NatGatewayStrategy);
export const CAPACITY_TYPES = valuesOf(CapacityType);
export const TAINT_EFFECTS = valuesOf(TaintEffect);
export const EKS_ENVIRONMENTS = valuesOf(EksEnvironment);
export const RECLAIM_POLICIES = valuesOf(ReclaimPolicy);
export const EFS_PERFORMANCE_MODES = valuesOf(EfsPerformanceMode);
export const EFS_THROUGHPUT_MODES = valuesOf(EfsThroughputMode);
export const EFS_KMS_KEYS = valuesOf(EfsKmsKey);
export const EFS_TRANSITIONS_TO_IA = valuesOf(EfsTransitionToIa);
export const EXPANDERS = valuesOf(AutoscalerExpander);
export const ADDON_MODES = valuesOf(AddonMode);
export const LOAD_BALANCER_SCHEMES = valuesOf(LoadBalancerScheme);
export const PULL_THROUGH_PREFIXES = valuesOf(PullThroughCachePrefix);
