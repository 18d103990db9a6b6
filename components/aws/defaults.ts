/** Named defaults of the EKS components, each with where it comes from. */
import type { PlatformAddonsArgs } from "./types";

/** EKS standard-support version at the time of writing (AWS EKS Kubernetes version calendar). */
export const DEFAULT_KUBERNETES_VERSION = "1.33";
/** A /16 leaves room for VPC-CNI pod IPs (one VPC IP per pod) across 3 AZs. */
export const DEFAULT_VPC_CIDR = "10.0.0.0/16";
/** Seed 002: "multi-AZ deployment"; three AZs survive the loss of one with quorum-based workloads. */
export const DEFAULT_AZ_COUNT = 3;
/** EKS requires control-plane subnets in at least two AZs (EKS user guide, VPC requirements). */
export const MIN_AZ_COUNT = 2;
/** Most AWS regions expose at most six AZs (us-east-1). */
export const MAX_AZ_COUNT = 6;
/** AWS VPC CIDR limits are /16../28; we keep /24 as the smallest useful cluster VPC. */
export const MIN_VPC_PREFIX = 16;
export const MAX_VPC_PREFIX = 24;
/** AWS subnet minimum size. */
export const MAX_SUBNET_PREFIX = 28;
/** Public subnets only hold NAT gateways and load balancers: 8x smaller than private ones. */
export const PUBLIC_SUBNET_EXTRA_BITS = 3;

/** Seed 002 clusterAutoscaler: minNodes 3, maxNodes 100. */
export const DEFAULT_AUTOSCALER_MIN_NODES = 3;
export const DEFAULT_AUTOSCALER_MAX_NODES = 100;
/** cluster-autoscaler FAQ: least-waste picks the group leaving the least idle CPU/memory. */
export const DEFAULT_AUTOSCALER_EXPANDER = "least-waste" as const;
/** cluster-autoscaler default `--scale-down-unneeded-time`. */
export const DEFAULT_SCALE_DOWN_UNNEEDED_TIME = "10m";
/**
 * cluster-autoscaler releases by Kubernetes minor (the CA minor must match the cluster minor,
 * cluster-autoscaler README "Releases"); the `.0` patch exists for every minor.
 */
export const CLUSTER_AUTOSCALER_IMAGES: Readonly<Record<string, string>> = {
    "1.29": "registry.k8s.io/autoscaling/cluster-autoscaler:v1.29.0",
    "1.30": "registry.k8s.io/autoscaling/cluster-autoscaler:v1.30.0",
    "1.31": "registry.k8s.io/autoscaling/cluster-autoscaler:v1.31.0",
    "1.32": "registry.k8s.io/autoscaling/cluster-autoscaler:v1.32.0",
    "1.33": "registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0",
};
/** metrics-server compatibility matrix: 0.7.x supports Kubernetes 1.19+. */
export const DEFAULT_METRICS_SERVER_IMAGE = "registry.k8s.io/metrics-server/metrics-server:v0.7.2";

/** Managed node group defaults. */
export const DEFAULT_CAPACITY_TYPE = "ON_DEMAND" as const;
/** EKS-optimized AL2023 is the default AMI family from EKS 1.30 on (AL2 ends with 1.32). */
export const DEFAULT_AMI_TYPE = "AL2023_x86_64_STANDARD";
/** terraform-aws-modules/eks and EKS console default root volume size is 20 GiB; images for agents need more. */
export const DEFAULT_DISK_SIZE_GIB = 50;
/** EKS managed node group default launch template: hop limit 2 so containerised agents reach IMDSv2 tokens. */
export const DEFAULT_IMDS_HOP_LIMIT = 2;
/** Root device of AL2023 / Bottlerocket-free EKS AMIs. */
export const ROOT_DEVICE_NAME = "/dev/xvda";

/** All five control-plane log types (EKS user guide, control plane logging). */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
/** CloudWatch retention for control-plane logs (CIS/AWS FSBP ask for >= 90 days of audit logs). */
export const DEFAULT_LOG_RETENTION_DAYS = 90;
/** KMS minimum deletion window is 7 days, default 30: keep the default to allow recovery. */
export const KMS_DELETION_WINDOW_DAYS = 30;

/** The audience of IRSA web-identity tokens (EKS IRSA docs). */
export const IRSA_AUDIENCE = "sts.amazonaws.com";
/** The gp3 default StorageClass name created on the cluster. */
export const GP3_STORAGE_CLASS_NAME = "gp3";
/**
 * Reclaim policy of the cluster's StorageClasses per environment: prod keeps volumes when a claim
 * is deleted (policy rule `stor-data-retained`), dev deletes them so test data costs nothing.
 */
export const DEFAULT_RECLAIM_POLICY = { prod: "Retain", dev: "Delete" } as const;

/** The EFS StorageClass name seed 003's `agent-data-pvc` asks for (Pulumi.prod.yaml `dataStorage.storageClassName`). */
export const EFS_STORAGE_CLASS_NAME = "efs-sc";
/** EFS user guide: General Purpose is the recommended mode; Max I/O is legacy and excludes Elastic throughput. */
export const DEFAULT_EFS_PERFORMANCE_MODE = "generalPurpose" as const;
/**
 * EFS user guide "Managing throughput": AWS recommends Elastic for most workloads and it is the
 * EFS console default (the API default is still Bursting, which ties throughput to the small
 * stored size of a 10Gi agent-data volume).
 */
export const DEFAULT_EFS_THROUGHPUT_MODE = "elastic" as const;
/** EFS provisioned throughput limits (EFS quotas): 1..3414 MiB/s. */
export const MIN_EFS_PROVISIONED_MIBPS = 1;
export const MAX_EFS_PROVISIONED_MIBPS = 3414;
/** NFSv4.1, the only port EFS mount targets listen on. */
export const NFS_PORT = 2049;
/** The EFS CSI controller's service account (aws-efs-csi-driver add-on), bound to its IRSA role. */
export const EFS_CSI_CONTROLLER_SERVICE_ACCOUNT = "efs-csi-controller-sa";
/** EFS CSI access-point root directories: owner-only, since every access point enforces its own POSIX uid/gid. */
export const EFS_DIRECTORY_PERMS = "700";
/** EFS is encrypted with the cluster's customer-managed key (rotation on, auditable grants) unless set to `aws-managed`. */
export const DEFAULT_EFS_KMS_KEY = "cluster" as const;

/** A pinned Helm chart: repository URL, chart name, version, and the namespace it is installed in. */
export interface PinnedChart {
    repo: string;
    chart: string;
    version: string;
    namespace: string;
}

/**
 * The Helm charts of the add-ons AWS offers no EKS add-on for (EKS user guide, "Amazon EKS
 * add-ons" and "Community add-ons": cert-manager is one, Prometheus Operator, VPA, Velero, Istio
 * and ingress-nginx are not). Versions are exact pins; `platformAddons.<name>.version` overrides.
 */
export const ADDON_CHARTS = {
    /** kube-prometheus-stack 76.x: Prometheus Operator 0.85 with its CRDs. The `monitoring` namespace is the one the systems' NetworkPolicies admit for scrapes. */
    prometheusOperator: {
        repo: "https://prometheus-community.github.io/helm-charts",
        chart: "kube-prometheus-stack",
        version: "76.5.1",
        namespace: "monitoring",
    },
    /** Fairwinds' VPA chart (the autoscaler project publishes no chart of its own): VPA 1.x recommender, updater, admission controller. */
    vpa: { repo: "https://charts.fairwinds.com/stable", chart: "vpa", version: "4.10.1", namespace: "vpa" },
    /** Velero chart 11.4.0 = Velero 1.17.1. `velero` is the namespace the systems' Schedules are created in. */
    velero: { repo: "https://vmware-tanzu.github.io/helm-charts", chart: "velero", version: "11.4.0", namespace: "velero" },
    /** Istio 1.27 charts (base: CRDs; cni: the node agent; istiod: the control plane), installed in that order. */
    istioBase: { repo: "https://istio-release.storage.googleapis.com/charts", chart: "base", version: "1.27.1", namespace: "istio-system" },
    istioCni: { repo: "https://istio-release.storage.googleapis.com/charts", chart: "cni", version: "1.27.1", namespace: "istio-system" },
    istiod: { repo: "https://istio-release.storage.googleapis.com/charts", chart: "istiod", version: "1.27.1", namespace: "istio-system" },
    /** External Secrets Operator 0.20 (serves external-secrets.io/v1). */
    externalSecrets: { repo: "https://charts.external-secrets.io", chart: "external-secrets", version: "0.20.4", namespace: "external-secrets" },
    /** ingress-nginx 4.13 (controller 1.13); `ingress-nginx` is the namespace the systems' NetworkPolicies admit. */
    ingressNginx: { repo: "https://kubernetes.github.io/ingress-nginx", chart: "ingress-nginx", version: "4.13.3", namespace: "ingress-nginx" },
} as const satisfies Record<string, PinnedChart>;

/** velero-plugin-for-aws 1.13.x is the plugin line for Velero 1.17 (plugin compatibility matrix). */
export const VELERO_AWS_PLUGIN_IMAGE = "velero/velero-plugin-for-aws:v1.13.0";
/** The Velero server's service account (bound to its IRSA role). */
export const VELERO_SERVICE_ACCOUNT = "velero-server";
/** Velero's default locations: the systems' Schedules name `default` (components/kube/backups.ts). */
export const VELERO_LOCATION_NAME = "default";
/** cert-manager is an EKS community add-on (EKS user guide, "Community add-ons"), installed in `cert-manager`. */
export const CERT_MANAGER_ADDON_NAME = "cert-manager";
export const CERT_MANAGER_NAMESPACE = "cert-manager";
/** The issuer seed 002's Ingress names (`cert-manager.io/cluster-issuer: letsencrypt-prod`). */
export const DEFAULT_CLUSTER_ISSUER = "letsencrypt-prod";
/** Let's Encrypt production ACME directory. */
export const LETSENCRYPT_PRODUCTION = "https://acme-v02.api.letsencrypt.org/directory";
/** seed 002: `ingressClassName: nginx`; the HTTP-01 solver uses the same class. */
export const INGRESS_CLASS_NAME = "nginx";
/** The External Secrets Operator's service account (bound to its IRSA role) and the store the systems name. */
export const EXTERNAL_SECRETS_SERVICE_ACCOUNT = "external-secrets";
export const CLUSTER_SECRET_STORE = "aws-secrets-manager";
/** Container Insights log retention unless configured (CloudWatch Logs accepts it). */
export const DEFAULT_CONTAINER_LOG_RETENTION_DAYS = 30;
/** ECR lifecycle defaults: untagged images are build leftovers; 100 tagged images cover months of releases. */
export const DEFAULT_ECR_UNTAGGED_DAYS = 14;
export const DEFAULT_ECR_KEEP_IMAGES = 100;
/** Old object versions in the backup buckets are kept this long unless configured. */
export const DEFAULT_NONCURRENT_VERSION_DAYS = 30;
/** S3 guidance: abort multipart uploads that never completed after a week (they are billed). */
export const ABORT_INCOMPLETE_UPLOAD_DAYS = 7;
/** vpc-cni add-on configuration turning on its network policy agent (EKS user guide, "Limit pod traffic with Kubernetes network policies"). */
export const VPC_CNI_CONFIGURATION = { enableNetworkPolicy: "true" } as const;

/**
 * Which platform add-on serves each `agent-platform:crds.*` capability (the keys of
 * components/config/capabilities.ts). On EKS, declaring a capability requires its add-on entry.
 */
export const CAPABILITY_ADDONS = {
    serviceMonitor: "prometheusOperator",
    vpa: "vpa",
    velero: "velero",
    certManager: "certManager",
    istio: "istio",
    externalSecrets: "externalSecrets",
} as const satisfies Record<string, keyof PlatformAddonsArgs>;
