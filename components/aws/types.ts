/**
 * Public argument types of the EKS components. Structural fields (VPC plan, node-group sizes,
 * endpoint access) are plain values, not `pulumi.Input`, because they are validated
 * synchronously before any resource is registered. Values other resources usually produce (the
 * ids of an existing VPC and its subnets, role and policy ARNs) accept Outputs.
 *
 * Shapes follow what Pulumi's schema inference accepts (named interfaces, enums as `as const`
 * objects, explicit `enabled` flags, string-keyed maps only), so `pulumi package add` can offer
 * them to Python, Go, .NET and YAML programs.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    NatGatewayStrategy,
    CapacityType,
    TaintEffect,
    EksEnvironment,
    ReclaimPolicy,
    EfsPerformanceMode,
    EfsThroughputMode,
    EfsKmsKey,
    EfsTransitionToIa,
    AutoscalerExpander,
    AddonMode,
    LoadBalancerScheme,
    PullThroughCachePrefix,
} from "./enums";

/** The closed value sets (enums.ts), part of the args API. */
export {
    NatGatewayStrategy,
    CapacityType,
    TaintEffect,
    EksEnvironment,
    ReclaimPolicy,
    EfsPerformanceMode,
    EfsThroughputMode,
    EfsKmsKey,
    EfsTransitionToIa,
    AutoscalerExpander,
    AddonMode,
    LoadBalancerScheme,
    PullThroughCachePrefix,
    NAT_STRATEGIES,
    CAPACITY_TYPES,
    TAINT_EFFECTS,
    EKS_ENVIRONMENTS,
    RECLAIM_POLICIES,
    EFS_PERFORMANCE_MODES,
    EFS_THROUGHPUT_MODES,
    EFS_KMS_KEYS,
    EFS_TRANSITIONS_TO_IA,
    EXPANDERS,
    ADDON_MODES,
    LOAD_BALANCER_SCHEMES,
    PULL_THROUGH_PREFIXES,
} from "./enums";

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
    /** VPC id (may be another resource's Output). */
    vpcId: pulumi.Input<string>;
    /**
     * Private subnet ids (nodes and the control-plane ENIs go here), one per AZ, at least 2. Each id
     * may be an Output; the list itself must be known when the program runs.
     */
    privateSubnetIds: pulumi.Input<string>[];
    /** Public subnet ids (internet-facing load balancers); each may be an Output. @default [] */
    publicSubnetIds?: pulumi.Input<string>[];
    /**
     * The VPC's IPv4 CIDR: the range the API server's ENIs (and the nodes) live in, used to scope
     * NetworkPolicy egress to the API server. @default looked up from the VPC
     */
    cidr?: string;
}

/** Network choice: exactly one of `create` / `existing`. @default { create: {} } */
export interface VpcArgs {
    /** Create a VPC (public and private subnets per AZ, NAT). @default {} when `existing` is not set */
    create?: VpcCreateArgs;
    /** Use an existing VPC and its subnets; mutually exclusive with `create`. @default none */
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

/** A Kubernetes taint on every node of a group. */
export interface NodeTaint {
    /** Taint key. */
    key: string;
    /** Taint value. @default "" */
    value?: string;
    /** Taint effect (EKS spelling). */
    effect: TaintEffect;
}

/** One EKS managed node group. */
export interface NodeGroupArgs {
    /** Instance types, at least one; more than one diversifies SPOT capacity. */
    instanceTypes: string[];
    /** On-demand or spot capacity. @default "ON_DEMAND" */
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
    /**
     * Restrict the group to these subnet ids (only with `vpc.existing`); each may be an Output.
     * @default every private subnet (every AZ)
     */
    subnetIds?: pulumi.Input<string>[];
}

/** cluster-autoscaler (IRSA role, RBAC, Deployment and NetworkPolicy in kube-system). */
export interface AutoscalerArgs {
    /** Deploy cluster-autoscaler. @default true */
    enabled?: boolean;
    /** Overall minimum nodes; node-group minimums must add up to at least this. @default 3 */
    minNodes?: number;
    /** Overall maximum nodes (`--max-nodes-total`). @default 100 */
    maxNodes?: number;
    /** Container image; @default the release matching the Kubernetes minor. */
    image?: string;
    /** How the autoscaler picks the group to grow. @default "least-waste" */
    expander?: AutoscalerExpander;
    /** `--scale-down-unneeded-time`. @default "10m" */
    scaleDownUnneededTime?: string;
}

/** metrics-server in kube-system (resource metrics for HPAs and `kubectl top`). */
export interface MetricsServerArgs {
    /** Deploy metrics-server (every HPA needs it). @default true */
    enabled?: boolean;
    /** Container image. @default registry.k8s.io/metrics-server/metrics-server:v0.7.2 */
    image?: string;
}

/** EKS add-on versions; unset means the default version AWS picks for the cluster version. */
export interface AddonVersions {
    /** `vpc-cni` add-on version. @default AWS's default for the cluster version */
    vpcCni?: string;
    /** `coredns` add-on version. @default AWS's default for the cluster version */
    coredns?: string;
    /** `kube-proxy` add-on version. @default AWS's default for the cluster version */
    kubeProxy?: string;
    /** `aws-ebs-csi-driver` add-on version. @default AWS's default for the cluster version */
    awsEbsCsiDriver?: string;
    /** `aws-efs-csi-driver` add-on version; only with `efs.enabled`. @default AWS's default for the cluster version */
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
    /** Performance mode. @default "generalPurpose" */
    performanceMode?: EfsPerformanceMode;
    /** Throughput mode. @default "elastic" */
    throughputMode?: EfsThroughputMode;
    /** MiB/s; required with (and only allowed with) `throughputMode: provisioned`. @default none */
    provisionedThroughputMibps?: number;
    /** Encryption key of the file system (always encrypted). @default "cluster" */
    kmsKey?: EfsKmsKey;
    /** Move files not accessed for this long to Infrequent Access. @default none (no lifecycle policy) */
    transitionToIa?: EfsTransitionToIa;
    /** `reclaimPolicy` of the EFS StorageClass. @default "Retain" in prod, "Delete" in dev */
    reclaimPolicy?: ReclaimPolicy;
}

/** An extra IRSA role bound to one namespace/service account. */
/** S3 access granted to an IRSA role: one bucket, optionally one key prefix. */
export interface S3AccessArgs {
    /** Bucket name. */
    bucket: string;
    /** Key prefix the role is limited to (e.g. `postgres/`). @default the whole bucket */
    prefix?: string;
    /** Read (get/list) only. @default false */
    readOnly?: boolean;
}

/** An extra IRSA role bound to one namespace/service account. */
export interface IrsaRoleSpec {
    /** Namespace of the service account. */
    namespace: string;
    /** Name of the service account. */
    serviceAccount: string;
    /** Managed policy ARNs to attach; each may be an Output. @default [] */
    policyArns?: pulumi.Input<string>[];
    /** S3 access for the role (e.g. the Postgres backup job). @default none */
    s3Access?: S3AccessArgs;
}

/** An add-on installed as a pinned Helm release. */
export interface HelmAddonArgs {
    /** Installed here or run by someone else. @default "install" */
    mode?: AddonMode;
    /** Chart version; @default the pinned version in defaults.ts (ADDON_CHARTS). */
    version?: string;
}

/** Velero: S3 backup storage location (bucket created here), EBS snapshot location, IRSA role, node agent. */
export interface VeleroAddonArgs extends HelmAddonArgs {
    /** S3 bucket for backups; created versioned, encrypted, private, with a lifecycle rule. Required with `install`. @default none */
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
    /** Installed here or run by someone else. @default "install" */
    mode?: AddonMode;
    /** EKS add-on version; @default AWS's default for the cluster version. */
    version?: string;
    /** ACME account e-mail (expiry notices). Required with `install`. @default none */
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
     * Installed here, Istio always runs with its CNI node agent. @default false
     */
    cni?: boolean;
}

/** ingress-nginx (class `nginx`) behind an AWS Network Load Balancer. */
export interface IngressNginxAddonArgs extends HelmAddonArgs {
    /** Internet-facing or internal NLB. @default "internet-facing" */
    scheme?: LoadBalancerScheme;
}

/** External Secrets Operator reading AWS Secrets Manager, with a ClusterSecretStore for the systems. */
export interface ExternalSecretsAddonArgs extends HelmAddonArgs {
    /**
     * The Secrets Manager name prefix the stack's secrets live under (e.g. `agent-platform/prod/`);
     * the operator's IRSA role may read those secrets only. Required with `install`. @default none
     */
    secretsPrefix?: string;
}

/** The cluster add-ons the systems rely on (CRDs, controllers, the Ingress path). */
export interface PlatformAddonsArgs {
    /** Prometheus Operator with its CRDs (ServiceMonitor, PrometheusRule) and a Prometheus selecting every ServiceMonitor. @default not provided */
    prometheusOperator?: HelmAddonArgs;
    /** Vertical Pod Autoscaler (recommender, updater, admission controller) and its CRD. @default not provided */
    vpa?: HelmAddonArgs;
    /** Velero backups (Schedules). @default not provided */
    velero?: VeleroAddonArgs;
    /** cert-manager and the ACME ClusterIssuer (TLS of the Ingresses). @default not provided */
    certManager?: CertManagerAddonArgs;
    /** Istio service mesh. @default not provided */
    istio?: IstioAddonArgs;
    /** ingress-nginx behind an NLB (the Ingresses' class `nginx`). @default not provided */
    ingressNginx?: IngressNginxAddonArgs;
    /** External Secrets Operator + ClusterSecretStore `aws-secrets-manager` (issue 19). @default not provided */
    externalSecrets?: ExternalSecretsAddonArgs;
}

/**
 * Container logs and metrics through the `amazon-cloudwatch-observability` EKS add-on (CloudWatch
 * agent + Fluent Bit), its IRSA role, and the Container Insights log groups with our retention.
 */
export interface CloudWatchObservabilityArgs {
    /** Create the log groups, the IRSA role and the add-on. @default false */
    enabled?: boolean;
    /** Retention of the Container Insights log groups. @default 30 */
    logRetentionDays?: number;
    /** EKS add-on version; @default AWS's default for the cluster version. */
    version?: string;
}

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

/** Arguments of `EksCluster`. */
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
    /**
     * IAM role/user ARNs granted AmazonEKSClusterAdminPolicy via access entries; each may be an
     * Output (a role created in the same program). @default []
     */
    adminPrincipals?: pulumi.Input<string>[];
    /** Grant the identity running `pulumi up` cluster-admin at creation (needed to deploy workloads). @default true */
    bootstrapCreatorAdmin?: boolean;
    /** Managed node groups by name (the name becomes the `node-group` label); at least one. */
    nodeGroups: Record<string, NodeGroupArgs>;
    /** Ignore `scalingConfig.desiredSize` diffs so the autoscaler owns it. @default true */
    ignoreDesiredSizeChanges?: boolean;
    /** cluster-autoscaler settings. @default { enabled: true } */
    autoscaler?: AutoscalerArgs;
    /** metrics-server settings. @default { enabled: true } */
    metricsServer?: MetricsServerArgs;
    /** EKS add-on versions. @default AWS's defaults for the cluster version */
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
