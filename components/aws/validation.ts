/**
 * Pure validation and defaulting of `EksClusterArgs`. Every issue names the field path, the
 * rule and the offending value. `resolveEksClusterArgs` throws before any resource exists.
 */
import * as defaults from "./defaults";
import { parseCidr, planSubnets, SubnetPlan } from "./subnets";
import {
    AddonMode,
    AddonVersions,
    AutoscalerExpander,
    BucketArgs,
    PullThroughCachePrefix,
    CapacityType,
    EfsKmsKey,
    EfsPerformanceMode,
    EfsThroughputMode,
    EfsTransitionToIa,
    EksClusterArgs,
    EksEnvironment,
    IrsaRoleSpec,
    LoadBalancerScheme,
    NatGatewayStrategy,
    NodeTaint,
    ReclaimPolicy,
} from "./types";

export interface ValidationIssue {
    /** Field path inside the args / the `cluster` config section, e.g. `["nodeGroups", "compute", "minSize"]`. */
    path: string[];
    message: string;
}

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
    subnetIds?: string[];
}

export type ResolvedVpc =
    | { kind: "create"; cidr: string; azCount: number; availabilityZones?: string[]; natGateways: NatGatewayStrategy; subnets: SubnetPlan }
    | { kind: "existing"; vpcId: string; privateSubnetIds: string[]; publicSubnetIds: string[]; cidr?: string };

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
    /** Sorted. */
    adminPrincipals: string[];
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

/** Values CloudWatch Logs accepts for `retentionInDays`. */
export const LOG_RETENTION_VALUES = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const CLUSTER_NAME_RE = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** EKS node-group names are also Kubernetes label values and resource-name suffixes. */
const NODE_GROUP_NAME_RE = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;
const DNS1123_LABEL_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const INSTANCE_TYPE_RE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const K8S_VERSION_RE = /^1\.\d{2}$/;
const DURATION_RE = /^\d+(s|m|h)$/;
const ARN_RE = /^arn:aws[a-z-]*:[a-z0-9-]+:/;
const NAT_STRATEGIES: readonly NatGatewayStrategy[] = ["single", "onePerAz"];
const CAPACITY_TYPES: readonly CapacityType[] = ["ON_DEMAND", "SPOT"];
const TAINT_EFFECTS: readonly string[] = ["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"];
const EXPANDERS: readonly AutoscalerExpander[] = ["least-waste", "random", "most-pods", "price", "priority"];
const RECLAIM_POLICIES: readonly ReclaimPolicy[] = ["Retain", "Delete"];
const EFS_PERFORMANCE_MODES: readonly EfsPerformanceMode[] = ["generalPurpose", "maxIO"];
const EFS_THROUGHPUT_MODES: readonly EfsThroughputMode[] = ["elastic", "bursting", "provisioned"];
const EFS_KMS_KEYS: readonly EfsKmsKey[] = ["cluster", "aws-managed"];
export const EFS_TRANSITIONS_TO_IA: readonly EfsTransitionToIa[] = [
    "AFTER_1_DAY",
    "AFTER_7_DAYS",
    "AFTER_14_DAYS",
    "AFTER_30_DAYS",
    "AFTER_60_DAYS",
    "AFTER_90_DAYS",
    "AFTER_180_DAYS",
    "AFTER_270_DAYS",
    "AFTER_365_DAYS",
];
/** Kubernetes object names (StorageClass): DNS-1123 subdomain. */
const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** The label every node group carries; workloads select on it (seed 002: compute vs memory groups). */
export const NODE_GROUP_LABEL = "node-group";

function isInt(n: unknown): n is number {
    return typeof n === "number" && Number.isInteger(n);
}

function duplicates(values: string[]): string[] {
    return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

function sortedRecord(rec: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Number of AZs (private subnets) a node group spans, given the network choice. */
function nodeGroupAzSpan(args: EksClusterArgs, subnetIds: string[] | undefined): number {
    if (subnetIds) return new Set(subnetIds).size;
    if (args.vpc?.existing) return new Set(args.vpc.existing.privateSubnetIds ?? []).size;
    const create = args.vpc?.create ?? {};
    return create.availabilityZones?.length ?? create.azCount ?? defaults.DEFAULT_AZ_COUNT;
}

/** Returns every rule violation of `args`; empty when valid. Pure. */
export function validateEksClusterArgs(name: string, args: EksClusterArgs): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const add = (path: string[], message: string) => issues.push({ path, message });
    const env = args.environment ?? "prod";
    if (env !== "dev" && env !== "prod") add(["environment"], `environment must be "dev" or "prod", got ${JSON.stringify(env)}`);

    const clusterName = args.clusterName ?? name;
    if (!CLUSTER_NAME_RE.test(clusterName)) {
        add(["clusterName"], `clusterName must match ${CLUSTER_NAME_RE} (EKS cluster name rules), got ${JSON.stringify(clusterName)}`);
    }
    const version = args.kubernetesVersion ?? defaults.DEFAULT_KUBERNETES_VERSION;
    if (!K8S_VERSION_RE.test(version)) add(["kubernetesVersion"], `kubernetesVersion must be a minor version like "1.33", got ${JSON.stringify(version)}`);

    // --- network
    const vpc = args.vpc ?? {};
    if (vpc.create && vpc.existing) {
        add(["vpc"], "vpc.create and vpc.existing are mutually exclusive: set exactly one");
    } else if (vpc.existing) {
        const ex = vpc.existing;
        if (!ex.vpcId) add(["vpc", "existing", "vpcId"], "vpc.existing.vpcId must be a non-empty VPC id");
        const priv = ex.privateSubnetIds ?? [];
        if (new Set(priv).size < defaults.MIN_AZ_COUNT) {
            add(["vpc", "existing", "privateSubnetIds"], `vpc.existing.privateSubnetIds must list at least ${defaults.MIN_AZ_COUNT} distinct subnets in different AZs (EKS requirement), got ${priv.length}`);
        }
        if (ex.cidr !== undefined) {
            try {
                parseCidr(ex.cidr);
            } catch (e) {
                add(["vpc", "existing", "cidr"], `vpc.existing.cidr: ${(e as Error).message}`);
            }
        }
        for (const d of duplicates([...priv, ...(ex.publicSubnetIds ?? [])])) {
            add(["vpc", "existing"], `vpc.existing subnet ids must be unique across privateSubnetIds and publicSubnetIds, got ${d} twice`);
        }
    } else {
        const c = vpc.create ?? {};
        const azs = c.availabilityZones;
        const azCount = azs?.length ?? c.azCount ?? defaults.DEFAULT_AZ_COUNT;
        if (azs) {
            for (const d of duplicates(azs)) add(["vpc", "create", "availabilityZones"], `vpc.create.availabilityZones must be unique, got ${d} twice`);
            if (c.azCount !== undefined && c.azCount !== azs.length) {
                add(["vpc", "create", "azCount"], `vpc.create.azCount (${c.azCount}) must equal the length of vpc.create.availabilityZones (${azs.length}) when both are set`);
            }
        }
        if (!isInt(azCount) || azCount < defaults.MIN_AZ_COUNT || azCount > defaults.MAX_AZ_COUNT) {
            add(["vpc", "create", azs ? "availabilityZones" : "azCount"], `vpc.create.azCount must be an integer between ${defaults.MIN_AZ_COUNT} and ${defaults.MAX_AZ_COUNT} (EKS needs subnets in >= 2 AZs), got ${azCount}`);
        } else {
            try {
                planSubnets(c.cidr ?? defaults.DEFAULT_VPC_CIDR, azCount);
            } catch (e) {
                add(["vpc", "create", "cidr"], (e as Error).message);
            }
        }
        if (c.natGateways !== undefined && !NAT_STRATEGIES.includes(c.natGateways)) {
            add(["vpc", "create", "natGateways"], `vpc.create.natGateways must be "single" or "onePerAz", got ${JSON.stringify(c.natGateways)}`);
        }
    }

    // --- endpoint
    const ep = args.endpoint ?? {};
    const privateAccess = ep.privateAccess ?? true;
    const publicAccess = ep.publicAccess ?? false;
    const cidrs = ep.publicAccessCidrs ?? [];
    if (!privateAccess && !publicAccess) add(["endpoint"], "endpoint.privateAccess and endpoint.publicAccess cannot both be false (the API server would be unreachable)");
    if (publicAccess && cidrs.length === 0) {
        add(["endpoint", "publicAccessCidrs"], "endpoint.publicAccessCidrs must list at least one CIDR when endpoint.publicAccess is true (EKS would otherwise allow 0.0.0.0/0)");
    }
    if (!publicAccess && cidrs.length > 0) add(["endpoint", "publicAccessCidrs"], "endpoint.publicAccessCidrs is set but endpoint.publicAccess is false; remove it or enable public access");
    cidrs.forEach((cidr, i) => {
        let parsed;
        try {
            parsed = parseCidr(cidr);
        } catch (e) {
            add(["endpoint", "publicAccessCidrs", String(i)], `endpoint.publicAccessCidrs[${i}]: ${(e as Error).message}`);
            return;
        }
        if (env === "prod" && parsed.prefix === 0) {
            add(["endpoint", "publicAccessCidrs", String(i)], `endpoint.publicAccessCidrs must not contain ${cidr} in prod (the API server would be open to the internet)`);
        }
    });
    if (privateAccess === false && env === "prod" && publicAccess) {
        add(["endpoint", "privateAccess"], "endpoint.privateAccess must be true in prod (nodes must reach the API server inside the VPC)");
    }

    // --- access
    const admins = args.adminPrincipals ?? [];
    admins.forEach((arn, i) => {
        if (!/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/.test(arn)) {
            add(["adminPrincipals", String(i)], `adminPrincipals[${i}] must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>), got ${JSON.stringify(arn)}`);
        }
    });
    for (const d of duplicates(admins)) add(["adminPrincipals"], `adminPrincipals must be unique, got ${d} twice`);

    // --- node groups
    const groups = Object.entries(args.nodeGroups ?? {});
    if (groups.length === 0) add(["nodeGroups"], "nodeGroups must define at least one managed node group");
    const vpcIsCreated = !vpc.existing;
    for (const [gname, g] of groups) {
        const p = (...rest: string[]) => ["nodeGroups", gname, ...rest];
        const f = `nodeGroups.${gname}`;
        if (!NODE_GROUP_NAME_RE.test(gname)) add(p(), `node group name must be lowercase alphanumeric or '-', at most 40 characters (it becomes a label value and resource names), got ${JSON.stringify(gname)}`);
        const types = g.instanceTypes ?? [];
        if (types.length === 0) add(p("instanceTypes"), `${f}.instanceTypes must list at least one instance type, got []`);
        types.forEach((t, i) => {
            if (!INSTANCE_TYPE_RE.test(t)) add(p("instanceTypes", String(i)), `${f}.instanceTypes[${i}] must look like "c7i.2xlarge", got ${JSON.stringify(t)}`);
        });
        for (const d of duplicates(types)) add(p("instanceTypes"), `${f}.instanceTypes must be unique, got ${d} twice`);
        if (g.capacityType !== undefined && !CAPACITY_TYPES.includes(g.capacityType)) {
            add(p("capacityType"), `${f}.capacityType must be "ON_DEMAND" or "SPOT", got ${JSON.stringify(g.capacityType)}`);
        }
        const min = g.minSize;
        const max = g.maxSize;
        const desired = g.desiredSize ?? min;
        if (!isInt(min) || min < 0) add(p("minSize"), `${f}.minSize must be an integer >= 0, got ${min}`);
        if (!isInt(max) || max < 1) add(p("maxSize"), `${f}.maxSize must be an integer >= 1, got ${max}`);
        if (!isInt(desired) || desired < 0) add(p("desiredSize"), `${f}.desiredSize must be an integer >= 0, got ${desired}`);
        if (isInt(min) && isInt(max) && isInt(desired) && !(min <= desired && desired <= max)) {
            add(p("desiredSize"), `${f} must satisfy minSize <= desiredSize <= maxSize, got ${min} <= ${desired} <= ${max}`);
        }
        const disk = g.diskSizeGiB ?? defaults.DEFAULT_DISK_SIZE_GIB;
        if (!isInt(disk) || disk < 20 || disk > 16384) add(p("diskSizeGiB"), `${f}.diskSizeGiB must be an integer between 20 and 16384 (gp3 limits, AMI needs 20), got ${disk}`);
        const labelValue = g.labels?.[NODE_GROUP_LABEL];
        if (labelValue !== undefined && labelValue !== gname) {
            add(p("labels", NODE_GROUP_LABEL), `${f}.labels["${NODE_GROUP_LABEL}"] is reserved and always equals the group name "${gname}", got ${JSON.stringify(labelValue)}`);
        }
        (g.taints ?? []).forEach((t, i) => {
            if (!t.key) add(p("taints", String(i), "key"), `${f}.taints[${i}].key must be non-empty`);
            if (!TAINT_EFFECTS.includes(t.effect)) add(p("taints", String(i), "effect"), `${f}.taints[${i}].effect must be one of ${TAINT_EFFECTS.join(", ")}, got ${JSON.stringify(t.effect)}`);
        });
        if (g.subnetIds && vpcIsCreated) {
            add(p("subnetIds"), `${f}.subnetIds requires vpc.existing (subnets created by this component are not known in advance; groups span every private subnet)`);
        }
        const span = nodeGroupAzSpan(args, g.subnetIds);
        if (env === "prod" && span < 2) {
            add(p("subnetIds"), `${f} must span at least 2 AZs in prod, got ${span}`);
        }
    }

    // --- autoscaler
    const as = args.autoscaler ?? {};
    const minNodes = as.minNodes ?? defaults.DEFAULT_AUTOSCALER_MIN_NODES;
    const maxNodes = as.maxNodes ?? defaults.DEFAULT_AUTOSCALER_MAX_NODES;
    if (!isInt(minNodes) || minNodes < 0) add(["autoscaler", "minNodes"], `autoscaler.minNodes must be an integer >= 0, got ${minNodes}`);
    if (!isInt(maxNodes) || maxNodes < 1) add(["autoscaler", "maxNodes"], `autoscaler.maxNodes must be an integer >= 1, got ${maxNodes}`);
    if (isInt(minNodes) && isInt(maxNodes) && minNodes > maxNodes) add(["autoscaler"], `autoscaler must satisfy minNodes <= maxNodes, got ${minNodes} > ${maxNodes}`);
    if (groups.length > 0 && groups.every(([, g]) => isInt(g.minSize) && isInt(g.maxSize))) {
        const sumMin = groups.reduce((s, [, g]) => s + g.minSize, 0);
        const sumMax = groups.reduce((s, [, g]) => s + g.maxSize, 0);
        if (isInt(minNodes) && sumMin < minNodes) {
            add(["autoscaler", "minNodes"], `the sum of nodeGroups.*.minSize (${sumMin}) must be >= autoscaler.minNodes (${minNodes}); the overall minimum is held by group minimums`);
        }
        if (isInt(maxNodes) && sumMin > maxNodes) {
            add(["autoscaler", "maxNodes"], `the sum of nodeGroups.*.minSize (${sumMin}) must be <= autoscaler.maxNodes (${maxNodes})`);
        }
        if (isInt(maxNodes) && sumMax < maxNodes && (as.enabled ?? true) && env === "prod" && as.maxNodes !== undefined) {
            add(["autoscaler", "maxNodes"], `autoscaler.maxNodes (${maxNodes}) is unreachable: the sum of nodeGroups.*.maxSize is ${sumMax}`);
        }
    }
    if (as.expander !== undefined && !EXPANDERS.includes(as.expander)) add(["autoscaler", "expander"], `autoscaler.expander must be one of ${EXPANDERS.join(", ")}, got ${JSON.stringify(as.expander)}`);
    if (as.scaleDownUnneededTime !== undefined && !DURATION_RE.test(as.scaleDownUnneededTime)) {
        add(["autoscaler", "scaleDownUnneededTime"], `autoscaler.scaleDownUnneededTime must be a duration like "10m", got ${JSON.stringify(as.scaleDownUnneededTime)}`);
    }
    if ((as.enabled ?? true) && !as.image && K8S_VERSION_RE.test(version) && !defaults.CLUSTER_AUTOSCALER_IMAGES[version]) {
        add(["autoscaler", "image"], `autoscaler.image is required for kubernetesVersion ${version}: no cluster-autoscaler release is mapped (known: ${Object.keys(defaults.CLUSTER_AUTOSCALER_IMAGES).join(", ")})`);
    }

    // --- storage
    const reclaim = args.storage?.defaultReclaimPolicy;
    if (reclaim !== undefined && !RECLAIM_POLICIES.includes(reclaim)) {
        add(["storage", "defaultReclaimPolicy"], `storage.defaultReclaimPolicy must be "Retain" or "Delete", got ${JSON.stringify(reclaim)}`);
    }
    issues.push(...validateEfs(args));
    issues.push(...validatePlatformAddons(args));

    // --- misc
    const retention = args.logRetentionDays ?? defaults.DEFAULT_LOG_RETENTION_DAYS;
    if (!LOG_RETENTION_VALUES.includes(retention)) add(["logRetentionDays"], `logRetentionDays must be one of CloudWatch's values (${LOG_RETENTION_VALUES.join(", ")}), got ${retention}`);
    const hop = args.imdsHopLimit ?? defaults.DEFAULT_IMDS_HOP_LIMIT;
    if (!isInt(hop) || hop < 1 || hop > 64) add(["imdsHopLimit"], `imdsHopLimit must be an integer between 1 and 64, got ${hop}`);
    for (const [rname, r] of Object.entries(args.irsaRoles ?? {})) {
        const p = (...rest: string[]) => ["irsaRoles", rname, ...rest];
        if (!DNS1123_LABEL_RE.test(rname)) add(p(), `irsaRoles key must be a DNS-1123 label, got ${JSON.stringify(rname)}`);
        if (!DNS1123_LABEL_RE.test(r.namespace ?? "")) add(p("namespace"), `irsaRoles.${rname}.namespace must be a DNS-1123 label, got ${JSON.stringify(r.namespace)}`);
        if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(r.serviceAccount ?? "")) {
            add(p("serviceAccount"), `irsaRoles.${rname}.serviceAccount must be a DNS-1123 subdomain, got ${JSON.stringify(r.serviceAccount)}`);
        }
        if ((r.policyArns ?? []).length === 0 && !r.s3Access) add(p(), `irsaRoles.${rname} must grant something: set policyArns or s3Access`);
        (r.policyArns ?? []).forEach((arn, i) => {
            if (!ARN_RE.test(arn)) add(p("policyArns", String(i)), `irsaRoles.${rname}.policyArns[${i}] must be an IAM policy ARN, got ${JSON.stringify(arn)}`);
        });
        if (r.s3Access && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(r.s3Access.bucket ?? "")) {
            add(p("s3Access", "bucket"), `irsaRoles.${rname}.s3Access.bucket must be an S3 bucket name, got ${JSON.stringify(r.s3Access.bucket)}`);
        }
    }
    return issues;
}

/** The EFS rules (also: nothing but `enabled` may be set while EFS is off). Pure. */
function validateEfs(args: EksClusterArgs): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const add = (path: string[], message: string) => issues.push({ path, message });
    const efs = args.efs ?? {};
    const enabled = efs.enabled === true;
    if (efs.enabled !== undefined && typeof efs.enabled !== "boolean") add(["efs", "enabled"], `efs.enabled must be true or false, got ${JSON.stringify(efs.enabled)}`);
    if (!enabled) {
        const set = (Object.keys(efs) as (keyof typeof efs)[]).filter((k) => k !== "enabled" && efs[k] !== undefined).sort();
        for (const k of set) add(["efs", k], `efs.${k} is set but efs.enabled is not true; enable EFS or remove efs.${k}`);
        if (args.addons?.awsEfsCsiDriver !== undefined) {
            add(["addons", "awsEfsCsiDriver"], "addons.awsEfsCsiDriver is set but efs.enabled is not true; enable EFS or remove the add-on version");
        }
        return issues;
    }
    const existing = args.vpc?.existing;
    if (existing && !args.vpc?.create && (existing.privateSubnetIds ?? []).length === 0) {
        add(["efs", "enabled"], "efs.enabled requires private subnets for the EFS mount targets: vpc.existing.privateSubnetIds is empty");
    }
    const scName = efs.storageClassName ?? defaults.EFS_STORAGE_CLASS_NAME;
    if (!DNS1123_SUBDOMAIN_RE.test(scName)) add(["efs", "storageClassName"], `efs.storageClassName must be a DNS-1123 subdomain (a StorageClass name), got ${JSON.stringify(scName)}`);
    if (scName === defaults.GP3_STORAGE_CLASS_NAME) {
        add(["efs", "storageClassName"], `efs.storageClassName must differ from the gp3 default class "${defaults.GP3_STORAGE_CLASS_NAME}", got ${JSON.stringify(scName)}`);
    }
    const perf = efs.performanceMode ?? defaults.DEFAULT_EFS_PERFORMANCE_MODE;
    const tput = efs.throughputMode ?? defaults.DEFAULT_EFS_THROUGHPUT_MODE;
    if (!EFS_PERFORMANCE_MODES.includes(perf)) add(["efs", "performanceMode"], `efs.performanceMode must be one of ${EFS_PERFORMANCE_MODES.join(", ")}, got ${JSON.stringify(perf)}`);
    if (!EFS_THROUGHPUT_MODES.includes(tput)) add(["efs", "throughputMode"], `efs.throughputMode must be one of ${EFS_THROUGHPUT_MODES.join(", ")}, got ${JSON.stringify(tput)}`);
    if (perf === "maxIO" && tput === "elastic") {
        add(["efs", "performanceMode"], 'efs.performanceMode "maxIO" and efs.throughputMode "elastic" are mutually exclusive (EFS rule): use generalPurpose or another throughput mode');
    }
    const mibps = efs.provisionedThroughputMibps;
    if (tput === "provisioned") {
        if (mibps === undefined) {
            add(["efs", "provisionedThroughputMibps"], 'efs.provisionedThroughputMibps is required when efs.throughputMode is "provisioned"');
        } else if (!isInt(mibps) || mibps < defaults.MIN_EFS_PROVISIONED_MIBPS || mibps > defaults.MAX_EFS_PROVISIONED_MIBPS) {
            add(
                ["efs", "provisionedThroughputMibps"],
                `efs.provisionedThroughputMibps must be an integer between ${defaults.MIN_EFS_PROVISIONED_MIBPS} and ${defaults.MAX_EFS_PROVISIONED_MIBPS} (EFS quota), got ${mibps}`,
            );
        }
    } else if (mibps !== undefined) {
        add(["efs", "provisionedThroughputMibps"], `efs.provisionedThroughputMibps is only allowed with efs.throughputMode "provisioned", got throughputMode ${JSON.stringify(tput)}`);
    }
    if (efs.kmsKey !== undefined && !EFS_KMS_KEYS.includes(efs.kmsKey)) add(["efs", "kmsKey"], `efs.kmsKey must be "cluster" or "aws-managed", got ${JSON.stringify(efs.kmsKey)}`);
    if (efs.transitionToIa !== undefined && !EFS_TRANSITIONS_TO_IA.includes(efs.transitionToIa)) {
        add(["efs", "transitionToIa"], `efs.transitionToIa must be one of ${EFS_TRANSITIONS_TO_IA.join(", ")}, got ${JSON.stringify(efs.transitionToIa)}`);
    }
    if (efs.reclaimPolicy !== undefined && !RECLAIM_POLICIES.includes(efs.reclaimPolicy)) {
        add(["efs", "reclaimPolicy"], `efs.reclaimPolicy must be "Retain" or "Delete", got ${JSON.stringify(efs.reclaimPolicy)}`);
    }
    return issues;
}

/** Formats issues into one error message. */
export function formatIssues(context: string, issues: ValidationIssue[]): string {
    return `${context}: ${issues.length} invalid setting(s):\n` + issues.map((i) => `  - ${i.message}`).join("\n");
}

/** Validates (throwing on any issue) and fills every default. Pure. */
export function resolveEksClusterArgs(name: string, args: EksClusterArgs): ResolvedEksCluster {
    const issues = validateEksClusterArgs(name, args);
    if (issues.length > 0) throw new Error(formatIssues(`EksCluster ${name}`, issues));
    const environment = args.environment ?? "prod";
    const kubernetesVersion = args.kubernetesVersion ?? defaults.DEFAULT_KUBERNETES_VERSION;
    let vpc: ResolvedVpc;
    if (args.vpc?.existing) {
        const ex = args.vpc.existing;
        vpc = {
            kind: "existing",
            vpcId: ex.vpcId,
            privateSubnetIds: [...ex.privateSubnetIds],
            publicSubnetIds: [...(ex.publicSubnetIds ?? [])],
            ...(ex.cidr !== undefined ? { cidr: ex.cidr } : {}),
        };
    } else {
        const c = args.vpc?.create ?? {};
        const azCount = c.availabilityZones?.length ?? c.azCount ?? defaults.DEFAULT_AZ_COUNT;
        const cidr = c.cidr ?? defaults.DEFAULT_VPC_CIDR;
        vpc = {
            kind: "create",
            cidr,
            azCount,
            availabilityZones: c.availabilityZones ? [...c.availabilityZones] : undefined,
            natGateways: c.natGateways ?? (environment === "prod" ? "onePerAz" : "single"),
            subnets: planSubnets(cidr, azCount),
        };
    }
    const nodeGroups: ResolvedNodeGroup[] = Object.entries(args.nodeGroups)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([gname, g]) => ({
            name: gname,
            instanceTypes: [...g.instanceTypes],
            capacityType: g.capacityType ?? defaults.DEFAULT_CAPACITY_TYPE,
            minSize: g.minSize,
            maxSize: g.maxSize,
            desiredSize: g.desiredSize ?? g.minSize,
            labels: sortedRecord({ ...(g.labels ?? {}), [NODE_GROUP_LABEL]: gname }),
            taints: (g.taints ?? []).map((t) => ({ ...t })),
            diskSizeGiB: g.diskSizeGiB ?? defaults.DEFAULT_DISK_SIZE_GIB,
            amiType: g.amiType ?? defaults.DEFAULT_AMI_TYPE,
            subnetIds: g.subnetIds ? [...g.subnetIds] : undefined,
        }));
    const as = args.autoscaler ?? {};
    return {
        clusterName: args.clusterName ?? name,
        environment,
        region: args.region,
        kubernetesVersion,
        vpc,
        endpoint: {
            privateAccess: args.endpoint?.privateAccess ?? true,
            publicAccess: args.endpoint?.publicAccess ?? false,
            publicAccessCidrs: [...(args.endpoint?.publicAccessCidrs ?? [])],
        },
        adminPrincipals: [...(args.adminPrincipals ?? [])].sort(),
        bootstrapCreatorAdmin: args.bootstrapCreatorAdmin ?? true,
        nodeGroups,
        ignoreDesiredSizeChanges: args.ignoreDesiredSizeChanges ?? true,
        autoscaler: {
            enabled: as.enabled ?? true,
            minNodes: as.minNodes ?? defaults.DEFAULT_AUTOSCALER_MIN_NODES,
            maxNodes: as.maxNodes ?? defaults.DEFAULT_AUTOSCALER_MAX_NODES,
            image: as.image ?? defaults.CLUSTER_AUTOSCALER_IMAGES[kubernetesVersion] ?? "",
            expander: as.expander ?? defaults.DEFAULT_AUTOSCALER_EXPANDER,
            scaleDownUnneededTime: as.scaleDownUnneededTime ?? defaults.DEFAULT_SCALE_DOWN_UNNEEDED_TIME,
        },
        metricsServer: { enabled: args.metricsServer?.enabled ?? true, image: args.metricsServer?.image ?? defaults.DEFAULT_METRICS_SERVER_IMAGE },
        addons: { ...(args.addons ?? {}) },
        storage: { defaultReclaimPolicy: args.storage?.defaultReclaimPolicy ?? defaults.DEFAULT_RECLAIM_POLICY[environment] },
        efs: resolveEfs(args, environment),
        logRetentionDays: args.logRetentionDays ?? defaults.DEFAULT_LOG_RETENTION_DAYS,
        imdsHopLimit: args.imdsHopLimit ?? defaults.DEFAULT_IMDS_HOP_LIMIT,
        irsaRoles: { ...(args.irsaRoles ?? {}) },
        platformAddons: resolvePlatformAddons(args),
        ...(args.cloudwatchObservability?.enabled === true
            ? {
                cloudwatchObservability: {
                    logRetentionDays: args.cloudwatchObservability.logRetentionDays ?? defaults.DEFAULT_CONTAINER_LOG_RETENTION_DAYS,
                    ...(args.cloudwatchObservability.version ? { version: args.cloudwatchObservability.version } : {}),
                },
            }
            : {}),
        ...((args.ecr?.repositories?.length ?? 0) + (args.ecr?.pullThroughCache?.length ?? 0) > 0
            ? {
                ecr: {
                    repositories: [...(args.ecr!.repositories ?? [])].sort(),
                    untaggedDays: args.ecr!.untaggedDays ?? defaults.DEFAULT_ECR_UNTAGGED_DAYS,
                    keepImages: args.ecr!.keepImages ?? defaults.DEFAULT_ECR_KEEP_IMAGES,
                    pullThroughCache: [...(args.ecr!.pullThroughCache ?? [])].sort(),
                },
            }
            : {}),
        buckets: Object.entries(args.buckets ?? {})
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([bucket, b]) => ({
                name: bucket,
                ...(b.expirationDays !== undefined ? { expirationDays: b.expirationDays } : {}),
                noncurrentVersionDays: b.noncurrentVersionDays ?? defaults.DEFAULT_NONCURRENT_VERSION_DAYS,
            })),
        tags: sortedRecord(args.tags ?? {}),
    };
}

function resolveEfs(args: EksClusterArgs, environment: EksEnvironment): ResolvedEfs | undefined {
    const efs = args.efs;
    if (efs?.enabled !== true) return undefined;
    return {
        storageClassName: efs.storageClassName ?? defaults.EFS_STORAGE_CLASS_NAME,
        performanceMode: efs.performanceMode ?? defaults.DEFAULT_EFS_PERFORMANCE_MODE,
        throughputMode: efs.throughputMode ?? defaults.DEFAULT_EFS_THROUGHPUT_MODE,
        ...(efs.provisionedThroughputMibps !== undefined ? { provisionedThroughputMibps: efs.provisionedThroughputMibps } : {}),
        kmsKey: efs.kmsKey ?? defaults.DEFAULT_EFS_KMS_KEY,
        ...(efs.transitionToIa !== undefined ? { transitionToIa: efs.transitionToIa } : {}),
        reclaimPolicy: efs.reclaimPolicy ?? defaults.DEFAULT_RECLAIM_POLICY[environment],
    };
}

const ADDON_MODES: readonly AddonMode[] = ["install", "external"];
const LB_SCHEMES: readonly LoadBalancerScheme[] = ["internet-facing", "internal"];
/** S3 bucket naming rules (general purpose buckets): 3..63 lowercase letters, digits, dots, hyphens. */
const S3_BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Chart / add-on versions: a semantic version, optionally `v`-prefixed, with an optional suffix (`v1.17.2-eksbuild.1`). */
const VERSION_RE = /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/;

/** Settings each add-on accepts beyond `mode` and `version`, and which of them only make sense with `install`. */
const INSTALL_ONLY: Record<string, readonly string[]> = {
    prometheusOperator: [],
    vpa: [],
    velero: ["bucket", "noncurrentVersionDays", "defaultVolumesToFsBackup"],
    certManager: ["acmeEmail", "issuerName", "acmeServer"],
    istio: [],
    ingressNginx: ["scheme"],
    externalSecrets: ["secretsPrefix"],
};
const PULL_THROUGH_PREFIXES: readonly PullThroughCachePrefix[] = ["ecr-public", "k8s", "quay"];
/** ECR repository names (ECR API: lowercase path segments separated by `/`). */
const ECR_REPO_RE = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Secrets Manager name characters (no wildcard: the prefix scopes an IAM policy). */
const SECRETS_PREFIX_RE = /^[A-Za-z0-9/_+=.@-]{1,256}$/;

function isPositiveInt(n: unknown, max = 36500): boolean {
    return isInt(n) && n >= 1 && n <= max;
}

/** The rules of `platformAddons` and `buckets`. Pure. */
function validatePlatformAddons(args: EksClusterArgs): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const add = (path: string[], message: string) => issues.push({ path, message });
    const addons = args.platformAddons ?? {};
    for (const [key, entry] of Object.entries(addons) as [string, Record<string, unknown> | undefined][]) {
        if (entry === undefined) continue;
        const p = (...rest: string[]) => ["platformAddons", key, ...rest];
        const f = `platformAddons.${key}`;
        const mode = (entry.mode ?? "install") as AddonMode;
        if (!ADDON_MODES.includes(mode)) {
            add(p("mode"), `${f}.mode must be "install" or "external", got ${JSON.stringify(entry.mode)}`);
            continue;
        }
        if (entry.version !== undefined && (typeof entry.version !== "string" || !VERSION_RE.test(entry.version))) {
            add(p("version"), `${f}.version must be an exact version such as 1.2.3 or v1.17.2-eksbuild.1, got ${JSON.stringify(entry.version)}`);
        }
        if (mode === "external") {
            for (const k of ["version", ...(INSTALL_ONLY[key] ?? [])]) {
                if (entry[k] !== undefined) add(p(k), `${f}.${k} only applies with mode "install" (an external add-on is not installed here); remove it`);
            }
        }
    }
    const v = addons.velero;
    if (v && (v.mode ?? "install") === "install") {
        if (v.bucket === undefined) add(["platformAddons", "velero", "bucket"], "platformAddons.velero.bucket is required with mode \"install\" (the S3 bucket Velero stores backups in; it is created)");
        else if (!S3_BUCKET_RE.test(v.bucket)) add(["platformAddons", "velero", "bucket"], `platformAddons.velero.bucket must be an S3 bucket name (3..63 of a-z 0-9 . -), got ${JSON.stringify(v.bucket)}`);
        else if (args.buckets?.[v.bucket] !== undefined) {
            add(["buckets", v.bucket], `buckets.${v.bucket} is also platformAddons.velero.bucket, which Velero creates; list it in one place only`);
        }
        if (v.noncurrentVersionDays !== undefined && !isPositiveInt(v.noncurrentVersionDays)) {
            add(["platformAddons", "velero", "noncurrentVersionDays"], `platformAddons.velero.noncurrentVersionDays must be an integer >= 1, got ${JSON.stringify(v.noncurrentVersionDays)}`);
        }
    }
    const cm = addons.certManager;
    if (cm && (cm.mode ?? "install") === "install") {
        if (cm.acmeEmail === undefined) add(["platformAddons", "certManager", "acmeEmail"], "platformAddons.certManager.acmeEmail is required with mode \"install\" (the ACME account of the ClusterIssuer)");
        else if (!EMAIL_RE.test(cm.acmeEmail)) add(["platformAddons", "certManager", "acmeEmail"], `platformAddons.certManager.acmeEmail must be an e-mail address, got ${JSON.stringify(cm.acmeEmail)}`);
        if (cm.issuerName !== undefined && !DNS1123_SUBDOMAIN_RE.test(cm.issuerName)) {
            add(["platformAddons", "certManager", "issuerName"], `platformAddons.certManager.issuerName must be a DNS-1123 subdomain, got ${JSON.stringify(cm.issuerName)}`);
        }
        if (cm.acmeServer !== undefined && !/^https:\/\/[^\s]+$/.test(cm.acmeServer)) {
            add(["platformAddons", "certManager", "acmeServer"], `platformAddons.certManager.acmeServer must be an https:// URL, got ${JSON.stringify(cm.acmeServer)}`);
        }
    }
    const istio = addons.istio;
    if (istio && (istio.mode ?? "install") === "install" && istio.cni === false) {
        add(["platformAddons", "istio", "cni"], "platformAddons.istio.cni cannot be false with mode \"install\": Istio is installed with its CNI node agent so injected pods need no NET_ADMIN/NET_RAW");
    }
    const eso = addons.externalSecrets;
    if (eso && (eso.mode ?? "install") === "install") {
        if (eso.secretsPrefix === undefined) add(["platformAddons", "externalSecrets", "secretsPrefix"], "platformAddons.externalSecrets.secretsPrefix is required with mode \"install\" (the operator may read the secrets under it only)");
        else if (!SECRETS_PREFIX_RE.test(eso.secretsPrefix)) {
            add(["platformAddons", "externalSecrets", "secretsPrefix"], `platformAddons.externalSecrets.secretsPrefix must be a Secrets Manager name prefix (letters, digits, / _ + = . @ -), got ${JSON.stringify(eso.secretsPrefix)}`);
        }
    }
    const nginx = addons.ingressNginx;
    if (nginx?.scheme !== undefined && !LB_SCHEMES.includes(nginx.scheme)) {
        add(["platformAddons", "ingressNginx", "scheme"], `platformAddons.ingressNginx.scheme must be "internet-facing" or "internal", got ${JSON.stringify(nginx.scheme)}`);
    }
    const cw = args.cloudwatchObservability ?? {};
    if (cw.enabled !== true) {
        for (const k of ["logRetentionDays", "version"] as const) {
            if (cw[k] !== undefined) add(["cloudwatchObservability", k], `cloudwatchObservability.${k} is set but cloudwatchObservability.enabled is not true; enable it or remove cloudwatchObservability.${k}`);
        }
    } else {
        if (cw.logRetentionDays !== undefined && !LOG_RETENTION_VALUES.includes(cw.logRetentionDays)) {
            add(["cloudwatchObservability", "logRetentionDays"], `cloudwatchObservability.logRetentionDays must be one of CloudWatch's values (${LOG_RETENTION_VALUES.join(", ")}), got ${cw.logRetentionDays}`);
        }
        if (cw.version !== undefined && !VERSION_RE.test(cw.version)) add(["cloudwatchObservability", "version"], `cloudwatchObservability.version must be an exact version such as v4.1.0-eksbuild.1, got ${JSON.stringify(cw.version)}`);
    }
    const ecr = args.ecr ?? {};
    (ecr.repositories ?? []).forEach((r, i) => {
        if (!ECR_REPO_RE.test(r)) add(["ecr", "repositories", String(i)], `ecr.repositories[${i}] must be an ECR repository name (lowercase path segments such as agent-platform/production-agent), got ${JSON.stringify(r)}`);
    });
    for (const d of duplicates(ecr.repositories ?? [])) add(["ecr", "repositories"], `ecr.repositories must be unique, got ${d} twice`);
    if (ecr.untaggedDays !== undefined && !isPositiveInt(ecr.untaggedDays)) add(["ecr", "untaggedDays"], `ecr.untaggedDays must be an integer >= 1, got ${JSON.stringify(ecr.untaggedDays)}`);
    if (ecr.keepImages !== undefined && !isPositiveInt(ecr.keepImages, 10000)) add(["ecr", "keepImages"], `ecr.keepImages must be an integer between 1 and 10000, got ${JSON.stringify(ecr.keepImages)}`);
    (ecr.pullThroughCache ?? []).forEach((c, i) => {
        if (!PULL_THROUGH_PREFIXES.includes(c)) add(["ecr", "pullThroughCache", String(i)], `ecr.pullThroughCache[${i}] must be one of ${PULL_THROUGH_PREFIXES.join(", ")}, got ${JSON.stringify(c)}`);
    });
    for (const d of duplicates(ecr.pullThroughCache ?? [])) add(["ecr", "pullThroughCache"], `ecr.pullThroughCache must be unique, got ${d} twice`);
    for (const [bucket, b] of Object.entries(args.buckets ?? {}) as [string, BucketArgs][]) {
        const p = (...rest: string[]) => ["buckets", bucket, ...rest];
        if (!S3_BUCKET_RE.test(bucket) || bucket.includes("..")) add(p(), `buckets key must be an S3 bucket name (3..63 of a-z 0-9 . -), got ${JSON.stringify(bucket)}`);
        if (b.expirationDays !== undefined && !isPositiveInt(b.expirationDays)) add(p("expirationDays"), `buckets.${bucket}.expirationDays must be an integer >= 1, got ${JSON.stringify(b.expirationDays)}`);
        if (b.noncurrentVersionDays !== undefined && !isPositiveInt(b.noncurrentVersionDays)) {
            add(p("noncurrentVersionDays"), `buckets.${bucket}.noncurrentVersionDays must be an integer >= 1, got ${JSON.stringify(b.noncurrentVersionDays)}`);
        }
    }
    return issues;
}

function resolvePlatformAddons(args: EksClusterArgs): ResolvedPlatformAddons {
    const a = args.platformAddons ?? {};
    const out: ResolvedPlatformAddons = {};
    const helm = (entry: { mode?: AddonMode; version?: string }, chart: defaults.PinnedChart): ResolvedHelmAddon =>
        (entry.mode ?? "install") === "external" ? { mode: "external" } : { mode: "install", version: entry.version ?? chart.version };
    if (a.prometheusOperator) out.prometheusOperator = helm(a.prometheusOperator, defaults.ADDON_CHARTS.prometheusOperator);
    if (a.vpa) out.vpa = helm(a.vpa, defaults.ADDON_CHARTS.vpa);
    if (a.velero) {
        const v = a.velero;
        out.velero = (v.mode ?? "install") === "external"
            ? { mode: "external" }
            : {
                mode: "install",
                version: v.version ?? defaults.ADDON_CHARTS.velero.version,
                bucket: v.bucket!,
                noncurrentVersionDays: v.noncurrentVersionDays ?? defaults.DEFAULT_NONCURRENT_VERSION_DAYS,
                defaultVolumesToFsBackup: v.defaultVolumesToFsBackup ?? false,
            };
    }
    if (a.certManager) {
        const c = a.certManager;
        out.certManager = (c.mode ?? "install") === "external"
            ? { mode: "external" }
            : {
                mode: "install",
                ...(c.version !== undefined ? { version: c.version } : {}),
                acmeEmail: c.acmeEmail!,
                issuerName: c.issuerName ?? defaults.DEFAULT_CLUSTER_ISSUER,
                acmeServer: c.acmeServer ?? defaults.LETSENCRYPT_PRODUCTION,
            };
    }
    if (a.istio) {
        const i = a.istio;
        out.istio = (i.mode ?? "install") === "external"
            ? { mode: "external", cni: i.cni ?? false }
            : { mode: "install", version: i.version ?? defaults.ADDON_CHARTS.istiod.version };
    }
    if (a.ingressNginx) {
        const n = a.ingressNginx;
        out.ingressNginx = (n.mode ?? "install") === "external"
            ? { mode: "external" }
            : { mode: "install", version: n.version ?? defaults.ADDON_CHARTS.ingressNginx.version, scheme: n.scheme ?? "internet-facing" };
    }
    if (a.externalSecrets) {
        const e = a.externalSecrets;
        out.externalSecrets = (e.mode ?? "install") === "external"
            ? { mode: "external" }
            : { mode: "install", version: e.version ?? defaults.ADDON_CHARTS.externalSecrets.version, secretsPrefix: e.secretsPrefix! };
    }
    return out;
}
