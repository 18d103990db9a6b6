/**
 * Validation and defaulting of `EksClusterArgs`. Every issue names the field path, the rule and
 * the offending value. `validateEksClusterArgs` runs the rules of each concept (network, nodes,
 * EFS, add-ons, and the cluster-wide ones here); `resolveEksClusterArgs` throws before any
 * resource exists and fills every default.
 */
import * as pulumi from "@pulumi/pulumi";
import { resolveBuckets, resolveCloudwatch, resolveEcr, resolvePlatformAddons, validatePlatformAddons } from "./addons-args";
import * as defaults from "./defaults";
import { resolveEfs, validateEfs } from "./efs-args";
import { ResolvedEksCluster, ResolvedNodeGroup, ResolvedVpc } from "./resolved";
import {
    ARN_RE,
    CLUSTER_NAME_RE,
    DNS1123_LABEL_RE,
    isInt,
    issueList,
    K8S_VERSION_RE,
    LOG_RETENTION_VALUES,
    NODE_GROUP_LABEL,
    RECLAIM_POLICIES,
    sortedRecord,
    ValidationIssue,
} from "./rules";
import { planSubnets } from "./subnets";
import { EksClusterArgs, EksEnvironment } from "./types";
import { validateAccess, validateVpc } from "./validate-network";
import { validateAutoscaler, validateNodeGroups } from "./validate-nodes";

/** The plain strings sorted (a stable order for the resources named after them), then the Outputs in their order. */
function sortedInputs(values: readonly pulumi.Input<string>[]): pulumi.Input<string>[] {
    const known = values.filter((v): v is string => typeof v === "string").sort();
    return [...known, ...values.filter((v) => typeof v !== "string")];
}

/** Returns every rule violation of `args`; empty when valid. Pure. */
export function validateEksClusterArgs(name: string, args: EksClusterArgs): ValidationIssue[] {
    return [
        ...validateIdentity(name, args),
        ...validateVpc(args),
        ...validateAccess(args),
        ...validateNodeGroups(args),
        ...validateAutoscaler(args),
        ...validateStorage(args),
        ...validateEfs(args),
        ...validatePlatformAddons(args),
        ...validateClusterWide(args),
    ];
}

/** environment, clusterName, kubernetesVersion. */
function validateIdentity(name: string, args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const env = args.environment ?? "prod";
    if (env !== "dev" && env !== "prod") add(["environment"], `environment must be "dev" or "prod", got ${JSON.stringify(env)}`);

    const clusterName = args.clusterName ?? name;
    if (!CLUSTER_NAME_RE.test(clusterName)) {
        add(["clusterName"], `clusterName must match ${CLUSTER_NAME_RE} (EKS cluster name rules), got ${JSON.stringify(clusterName)}`);
    }
    const version = args.kubernetesVersion ?? defaults.DEFAULT_KUBERNETES_VERSION;
    if (!K8S_VERSION_RE.test(version)) add(["kubernetesVersion"], `kubernetesVersion must be a minor version like "1.33", got ${JSON.stringify(version)}`);
    return issues;
}

function validateStorage(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const reclaim = args.storage?.defaultReclaimPolicy;
    if (reclaim !== undefined && !RECLAIM_POLICIES.includes(reclaim)) {
        add(["storage", "defaultReclaimPolicy"], `storage.defaultReclaimPolicy must be "Retain" or "Delete", got ${JSON.stringify(reclaim)}`);
    }
    return issues;
}

/** Log retention, the IMDS hop limit and the IRSA roles. */
function validateClusterWide(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const retention = args.logRetentionDays ?? defaults.DEFAULT_LOG_RETENTION_DAYS;
    if (!LOG_RETENTION_VALUES.includes(retention))
        add(["logRetentionDays"], `logRetentionDays must be one of CloudWatch's values (${LOG_RETENTION_VALUES.join(", ")}), got ${retention}`);
    const hop = args.imdsHopLimit ?? defaults.DEFAULT_IMDS_HOP_LIMIT;
    if (!isInt(hop) || hop < 1 || hop > 64) add(["imdsHopLimit"], `imdsHopLimit must be an integer between 1 and 64, got ${hop}`);
    for (const [rname, r] of Object.entries(args.irsaRoles ?? {})) {
        const p = (...rest: string[]) => ["irsaRoles", rname, ...rest];
        if (!DNS1123_LABEL_RE.test(rname)) add(p(), `irsaRoles key must be a DNS-1123 label, got ${JSON.stringify(rname)}`);
        if (!DNS1123_LABEL_RE.test(r.namespace ?? ""))
            add(p("namespace"), `irsaRoles.${rname}.namespace must be a DNS-1123 label, got ${JSON.stringify(r.namespace)}`);
        if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(r.serviceAccount ?? "")) {
            add(p("serviceAccount"), `irsaRoles.${rname}.serviceAccount must be a DNS-1123 subdomain, got ${JSON.stringify(r.serviceAccount)}`);
        }
        if ((r.policyArns ?? []).length === 0 && !r.s3Access) add(p(), `irsaRoles.${rname} must grant something: set policyArns or s3Access`);
        (r.policyArns ?? []).forEach((arn, i) => {
            if (typeof arn === "string" && !ARN_RE.test(arn))
                add(p("policyArns", String(i)), `irsaRoles.${rname}.policyArns[${i}] must be an IAM policy ARN, got ${JSON.stringify(arn)}`);
        });
        if (r.s3Access && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(r.s3Access.bucket ?? "")) {
            add(p("s3Access", "bucket"), `irsaRoles.${rname}.s3Access.bucket must be an S3 bucket name, got ${JSON.stringify(r.s3Access.bucket)}`);
        }
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
    const as = args.autoscaler ?? {};
    return {
        clusterName: args.clusterName ?? name,
        environment,
        region: args.region,
        kubernetesVersion,
        vpc: resolveVpc(args, environment),
        endpoint: {
            privateAccess: args.endpoint?.privateAccess ?? true,
            publicAccess: args.endpoint?.publicAccess ?? false,
            publicAccessCidrs: [...(args.endpoint?.publicAccessCidrs ?? [])],
        },
        adminPrincipals: sortedInputs(args.adminPrincipals ?? []),
        bootstrapCreatorAdmin: args.bootstrapCreatorAdmin ?? true,
        nodeGroups: resolveNodeGroups(args),
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
        ...resolveCloudwatch(args),
        ...resolveEcr(args),
        buckets: resolveBuckets(args),
        tags: sortedRecord(args.tags ?? {}),
    };
}

function resolveVpc(args: EksClusterArgs, environment: EksEnvironment): ResolvedVpc {
    if (args.vpc?.existing) {
        const ex = args.vpc.existing;
        return {
            kind: "existing",
            vpcId: ex.vpcId,
            privateSubnetIds: [...ex.privateSubnetIds],
            publicSubnetIds: [...(ex.publicSubnetIds ?? [])],
            ...(ex.cidr !== undefined ? { cidr: ex.cidr } : {}),
        };
    }
    const c = args.vpc?.create ?? {};
    const azCount = c.availabilityZones?.length ?? c.azCount ?? defaults.DEFAULT_AZ_COUNT;
    const cidr = c.cidr ?? defaults.DEFAULT_VPC_CIDR;
    return {
        kind: "create",
        cidr,
        azCount,
        availabilityZones: c.availabilityZones ? [...c.availabilityZones] : undefined,
        natGateways: c.natGateways ?? (environment === "prod" ? "onePerAz" : "single"),
        subnets: planSubnets(cidr, azCount),
    };
}

function resolveNodeGroups(args: EksClusterArgs): ResolvedNodeGroup[] {
    return Object.entries(args.nodeGroups)
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
}
