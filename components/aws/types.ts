/**
 * Public argument types of the EKS components. Structural fields (VPC plan, node-group sizes,
 * endpoint access) are plain values, not `pulumi.Input`, because they are validated
 * synchronously before any resource is registered.
 */
export const NAT_STRATEGIES = ["single", "onePerAz"] as const;
/** `onePerAz`: one NAT gateway per AZ (no cross-AZ egress dependency); `single`: one shared NAT (cost option). */
export type NatGatewayStrategy = (typeof NAT_STRATEGIES)[number];
export const CAPACITY_TYPES = ["ON_DEMAND", "SPOT"] as const;
/** EKS managed node group capacity type. */
export type CapacityType = (typeof CAPACITY_TYPES)[number];
export const TAINT_EFFECTS = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"] as const;
/** EKS node-group taint effects (the EKS API spelling, not the Kubernetes one). */
export type TaintEffect = (typeof TAINT_EFFECTS)[number];
/** Environment profile: `prod` turns on the high-availability and exposure rules. */
export type EksEnvironment = "dev" | "prod";
export const RECLAIM_POLICIES = ["Retain", "Delete"] as const;
/** StorageClass `reclaimPolicy`: `Retain` keeps the volume (and its data) when the claim is deleted. */
export type ReclaimPolicy = (typeof RECLAIM_POLICIES)[number];
export const EFS_PERFORMANCE_MODES = ["generalPurpose", "maxIO"] as const;
/** EFS performance mode (`maxIO` is legacy and incompatible with `elastic` throughput). */
export type EfsPerformanceMode = (typeof EFS_PERFORMANCE_MODES)[number];
export const EFS_THROUGHPUT_MODES = ["elastic", "bursting", "provisioned"] as const;
/** EFS throughput mode. */
export type EfsThroughputMode = (typeof EFS_THROUGHPUT_MODES)[number];
export const EFS_KMS_KEYS = ["cluster", "aws-managed"] as const;
/** EFS encryption key: the cluster's customer-managed KMS key, or the AWS-managed `aws/elasticfilesystem` key. */
export type EfsKmsKey = (typeof EFS_KMS_KEYS)[number];
export const EFS_TRANSITIONS_TO_IA = [
    "AFTER_1_DAY",
    "AFTER_7_DAYS",
    "AFTER_14_DAYS",
    "AFTER_30_DAYS",
    "AFTER_60_DAYS",
    "AFTER_90_DAYS",
    "AFTER_180_DAYS",
    "AFTER_270_DAYS",
    "AFTER_365_DAYS",
] as const;
/** EFS lifecycle transition of files to Infrequent Access (EFS API spelling). */
export type EfsTransitionToIa = (typeof EFS_TRANSITIONS_TO_IA)[number];
export const EXPANDERS = ["least-waste", "random", "most-pods", "price", "priority"] as const;
/** cluster-autoscaler `--expander` strategies supported here. */
export type AutoscalerExpander = (typeof EXPANDERS)[number];

/** A VPC created by the component. */
export interface VpcCreateArgs {
    /** IPv4 CIDR of the VPC, /16../24. @default "10.0.0.0/16" */
    cidr?: string;
    /** Number of availability zones to span (2..6). Ignored when `availabilityZones` is set. @default 3 */
    azCount?: number;
    /** Explicit AZ names; @default the first `azCount` available zones of the region. */
    availabilityZones?: string[];
    /** NAT gateway strategy. @default "onePerAz" in prod, "single" in dev */
    natGateways?: NatGatewayStrategy;
}

/** A VPC that already exists (bring your own). Private subnets must be in distinct AZs. */
export interface VpcExistingArgs {
    /** VPC id. */
    vpcId: string;
    /** Private subnet ids (nodes and the control-plane ENIs go here), one per AZ. */
    privateSubnetIds: string[];
    /** Public subnet ids (internet-facing load balancers). @default [] */
    publicSubnetIds?: string[];
    /**
     * The VPC's IPv4 CIDR: the range the API server's ENIs (and the nodes) live in, used to scope
     * NetworkPolicy egress to the API server. @default looked up from the VPC
     */
    cidr?: string;
}

/** Network choice: exactly one of `create` / `existing`. @default { create: {} } */
export interface VpcArgs {
    create?: VpcCreateArgs;
    existing?: VpcExistingArgs;
}

/** API server endpoint exposure. */
export interface EndpointArgs {
    /** Private endpoint inside the VPC. @default true */
    privateAccess?: boolean;
    /** Public endpoint. @default false */
    publicAccess?: boolean;
    /** CIDRs allowed on the public endpoint; required when `publicAccess` (EKS would default to 0.0.0.0/0). @default [] */
    publicAccessCidrs?: string[];
}

export interface NodeTaint {
    key: string;
    value?: string;
    effect: TaintEffect;
}

/** One EKS managed node group. */
export interface NodeGroupArgs {
    /** Instance types, at least one; more than one diversifies SPOT capacity. */
    instanceTypes: string[];
    /** @default "ON_DEMAND" */
    capacityType?: CapacityType;
    /** Minimum nodes (the autoscaler never goes below). */
    minSize: number;
    /** Maximum nodes (the autoscaler never goes above). */
    maxSize: number;
    /** Initial node count; later changes are owned by the autoscaler. @default minSize */
    desiredSize?: number;
    /** Kubernetes node labels. `node-group=<name>` is always added. @default {} */
    labels?: Record<string, string>;
    /** Kubernetes node taints. @default [] */
    taints?: NodeTaint[];
    /** Encrypted gp3 root volume size in GiB. @default 50 */
    diskSizeGiB?: number;
    /** EKS AMI type. @default "AL2023_x86_64_STANDARD" */
    amiType?: string;
    /** Restrict the group to these subnet ids; @default every private subnet (every AZ). */
    subnetIds?: string[];
}

export interface AutoscalerArgs {
    /** Deploy cluster-autoscaler. @default true */
    enabled?: boolean;
    /** Overall minimum nodes; node-group minimums must add up to at least this. @default 3 */
    minNodes?: number;
    /** Overall maximum nodes (`--max-nodes-total`). @default 100 */
    maxNodes?: number;
    /** Container image; @default the release matching the Kubernetes minor. */
    image?: string;
    /** @default "least-waste" */
    expander?: AutoscalerExpander;
    /** `--scale-down-unneeded-time`. @default "10m" */
    scaleDownUnneededTime?: string;
}

export interface MetricsServerArgs {
    /** Deploy metrics-server (every HPA needs it). @default true */
    enabled?: boolean;
    /** @default registry.k8s.io/metrics-server/metrics-server:v0.7.2 */
    image?: string;
}

/** EKS add-on versions; unset means the default version AWS picks for the cluster version. */
export interface AddonVersions {
    vpcCni?: string;
    coredns?: string;
    kubeProxy?: string;
    awsEbsCsiDriver?: string;
    /** Only with `efs.enabled`. */
    awsEfsCsiDriver?: string;
}

/** The EBS-backed default StorageClass (`gp3`). */
export interface StorageArgs {
    /** `reclaimPolicy` of the gp3 default class. @default "Retain" in prod, "Delete" in dev */
    defaultReclaimPolicy?: ReclaimPolicy;
}

/**
 * Opt-in EFS for ReadWriteMany claims (e.g. seed 003's `agent-data-pvc`, shared by 3..10 pods
 * across nodes): encrypted file system, NFS security group, one mount target per private subnet,
 * the `aws-efs-csi-driver` add-on with its IRSA role and a StorageClass provisioning access points.
 */
export interface EfsArgs {
    /** Create the file system, driver and StorageClass. @default false */
    enabled?: boolean;
    /** Name of the EFS StorageClass. @default "efs-sc" */
    storageClassName?: string;
    /** @default "generalPurpose" */
    performanceMode?: EfsPerformanceMode;
    /** @default "elastic" */
    throughputMode?: EfsThroughputMode;
    /** MiB/s; required with (and only allowed with) `throughputMode: provisioned`. */
    provisionedThroughputMibps?: number;
    /** Encryption key of the file system (always encrypted). @default "cluster" */
    kmsKey?: EfsKmsKey;
    /** Move files not accessed for this long to Infrequent Access. @default none (no lifecycle policy) */
    transitionToIa?: EfsTransitionToIa;
    /** `reclaimPolicy` of the EFS StorageClass. @default "Retain" in prod, "Delete" in dev */
    reclaimPolicy?: ReclaimPolicy;
}

/** An extra IRSA role bound to one namespace/service account. */
export interface IrsaRoleSpec {
    namespace: string;
    serviceAccount: string;
    /** Managed policy ARNs to attach. */
    policyArns?: string[];
    /** S3 access for the role (e.g. the Postgres backup job). */
    s3Access?: { bucket: string; prefix?: string; readOnly?: boolean };
}

/**
 * How a cluster add-on is provided: `install` (this component installs and owns it) or
 * `external` (someone else manages it on this cluster; nothing is installed, and the systems
 * may still rely on it). An add-on without an entry is neither: the systems must not rely on it.
 */
export type AddonMode = "install" | "external";

/** An add-on installed as a pinned Helm release. */
export interface HelmAddonArgs {
    /** @default "install" */
    mode?: AddonMode;
    /** Chart version; @default the pinned version in defaults.ts (ADDON_CHARTS). */
    version?: string;
}

/** Velero: S3 backup storage location (bucket created here), EBS snapshot location, IRSA role, node agent. */
export interface VeleroAddonArgs extends HelmAddonArgs {
    /** S3 bucket for backups; created versioned, encrypted, private, with a lifecycle rule. Required with `install`. */
    bucket?: string;
    /** Days a replaced or deleted backup object version is kept. @default 30 */
    noncurrentVersionDays?: number;
    /**
     * Back up every pod volume with the node agent (file-system backup, Kopia) unless a Schedule or
     * volume opts out. EFS volumes cannot be snapshotted, so they need this or a per-volume opt-in. @default false
     */
    defaultVolumesToFsBackup?: boolean;
}

/** cert-manager (the EKS community add-on `cert-manager`) and the ACME ClusterIssuer the Ingresses name. */
export interface CertManagerAddonArgs {
    /** @default "install" */
    mode?: AddonMode;
    /** EKS add-on version; @default AWS's default for the cluster version. */
    version?: string;
    /** ACME account e-mail (expiry notices). Required with `install`. */
    acmeEmail?: string;
    /** ClusterIssuer name. @default "letsencrypt-prod" */
    issuerName?: string;
    /** ACME directory. @default Let's Encrypt production */
    acmeServer?: string;
}

/** Istio (base, CNI node agent, istiod) for meshed namespaces. */
export interface IstioAddonArgs extends HelmAddonArgs {
    /**
     * With `external`: whether that Istio runs its CNI node agent. Without it every injected pod
     * carries `istio-init` (NET_ADMIN, NET_RAW), which Pod Security `restricted` rejects.
     * Installed here, Istio always runs with its CNI node agent.
     */
    cni?: boolean;
}

/** Load balancer scheme of the ingress controller's NLB. */
export type LoadBalancerScheme = "internet-facing" | "internal";

/** ingress-nginx (class `nginx`) behind an AWS Network Load Balancer. */
export interface IngressNginxAddonArgs extends HelmAddonArgs {
    /** @default "internet-facing" */
    scheme?: LoadBalancerScheme;
}

/** External Secrets Operator reading AWS Secrets Manager, with a ClusterSecretStore for the systems. */
export interface ExternalSecretsAddonArgs extends HelmAddonArgs {
    /**
     * The Secrets Manager name prefix the stack's secrets live under (e.g. `agent-platform/prod/`);
     * the operator's IRSA role may read those secrets only. Required with `install`.
     */
    secretsPrefix?: string;
}

/** The cluster add-ons the systems rely on (CRDs, controllers, the Ingress path). */
export interface PlatformAddonsArgs {
    /** Prometheus Operator with its CRDs (ServiceMonitor, PrometheusRule) and a Prometheus selecting every ServiceMonitor. */
    prometheusOperator?: HelmAddonArgs;
    /** Vertical Pod Autoscaler (recommender, updater, admission controller) and its CRD. */
    vpa?: HelmAddonArgs;
    velero?: VeleroAddonArgs;
    certManager?: CertManagerAddonArgs;
    istio?: IstioAddonArgs;
    ingressNginx?: IngressNginxAddonArgs;
    /** External Secrets Operator + ClusterSecretStore `aws-secrets-manager` (issue 19). */
    externalSecrets?: ExternalSecretsAddonArgs;
}

/**
 * Container logs and metrics through the `amazon-cloudwatch-observability` EKS add-on (CloudWatch
 * agent + Fluent Bit), its IRSA role, and the Container Insights log groups with our retention.
 */
export interface CloudWatchObservabilityArgs {
    /** @default false */
    enabled?: boolean;
    /** Retention of the Container Insights log groups. @default 30 */
    logRetentionDays?: number;
    /** EKS add-on version; @default AWS's default for the cluster version. */
    version?: string;
}

/** Public registries ECR caches without credentials, by cache prefix. */
export type PullThroughCachePrefix = "ecr-public" | "k8s" | "quay";

/** ECR repositories for the project's own images (scan on push, immutable tags, lifecycle). */
export interface EcrArgs {
    /** Repository names, e.g. `agent-platform/production-agent`. @default [] */
    repositories?: string[];
    /** Untagged images expire after this many days. @default 14 */
    untaggedDays?: number;
    /** At most this many images are kept per repository. @default 100 */
    keepImages?: number;
    /** Pull-through cache rules for public registries. @default [] */
    pullThroughCache?: PullThroughCachePrefix[];
}

/** An S3 bucket the stack owns (e.g. the Postgres dump target an IRSA role writes to). */
export interface BucketArgs {
    /** Days after which current objects expire; @default never (only old versions expire). */
    expirationDays?: number;
    /** Days a replaced or deleted object version is kept. @default 30 */
    noncurrentVersionDays?: number;
}

export interface EksClusterArgs {
    /** EKS cluster name (also the autoscaler discovery tag suffix). @default the component name */
    clusterName?: string;
    /** Environment profile for defaults and HA/exposure rules. @default "prod" */
    environment?: EksEnvironment;
    /** AWS region every regional resource is pinned to (per-resource `region`, @pulumi/aws v7). @default the AWS provider's region */
    region?: string;
    /** Kubernetes minor version, e.g. "1.33". @default "1.33" */
    kubernetesVersion?: string;
    /** Network: create a VPC or use an existing one. @default { create: {} } */
    vpc?: VpcArgs;
    /** API endpoint exposure. @default private only */
    endpoint?: EndpointArgs;
    /** IAM role/user ARNs granted AmazonEKSClusterAdminPolicy via access entries. @default [] */
    adminPrincipals?: string[];
    /** Grant the identity running `pulumi up` cluster-admin at creation (needed to deploy workloads). @default true */
    bootstrapCreatorAdmin?: boolean;
    /** Managed node groups by name (the name becomes the `node-group` label). */
    nodeGroups: Record<string, NodeGroupArgs>;
    /** Ignore `scalingConfig.desiredSize` diffs so the autoscaler owns it. @default true */
    ignoreDesiredSizeChanges?: boolean;
    /** cluster-autoscaler settings. */
    autoscaler?: AutoscalerArgs;
    /** metrics-server settings. */
    metricsServer?: MetricsServerArgs;
    /** EKS add-on versions. */
    addons?: AddonVersions;
    /** The gp3 default StorageClass. @default { defaultReclaimPolicy: "Retain" in prod, "Delete" in dev } */
    storage?: StorageArgs;
    /** EFS for ReadWriteMany volumes. @default { enabled: false } */
    efs?: EfsArgs;
    /** CloudWatch retention of control-plane logs. @default 90 */
    logRetentionDays?: number;
    /** IMDSv2 hop limit on nodes. @default 2 */
    imdsHopLimit?: number;
    /** Extra IRSA roles by name (e.g. `postgres-backup`). @default {} */
    irsaRoles?: Record<string, IrsaRoleSpec>;
    /** Cluster add-ons the systems rely on; an add-on without an entry is not installed. @default {} */
    platformAddons?: PlatformAddonsArgs;
    /** S3 buckets to create, by bucket name (versioned, SSE, public access blocked, TLS only). @default {} */
    buckets?: Record<string, BucketArgs>;
    /** Container logs and metrics in CloudWatch. @default { enabled: false } */
    cloudwatchObservability?: CloudWatchObservabilityArgs;
    /** ECR repositories and pull-through cache rules. @default none */
    ecr?: EcrArgs;
    /** Tags added to every taggable AWS resource. @default {} */
    tags?: Record<string, string>;
}
