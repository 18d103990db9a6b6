/** The compute rules of `EksClusterArgs`: managed node groups and the cluster autoscaler. Pure. */
import * as defaults from "./defaults";
import {
    CAPACITY_TYPES,
    DURATION_RE,
    duplicates,
    EXPANDERS,
    INSTANCE_TYPE_RE,
    isInt,
    issueList,
    K8S_VERSION_RE,
    NODE_GROUP_LABEL,
    NODE_GROUP_NAME_RE,
    TAINT_EFFECTS,
    ValidationIssue,
} from "./rules";
import { EksClusterArgs } from "./types";

/** Number of AZs (private subnets) a node group spans, given the network choice. */
function nodeGroupAzSpan(args: EksClusterArgs, subnetIds: readonly unknown[] | undefined): number {
    // Each Output (an id not known yet) counts as its own subnet.
    if (subnetIds) return new Set(subnetIds).size;
    if (args.vpc?.existing) return new Set(args.vpc.existing.privateSubnetIds ?? []).size;
    const create = args.vpc?.create ?? {};
    return create.availabilityZones?.length ?? create.azCount ?? defaults.DEFAULT_AZ_COUNT;
}

/** The `nodeGroups` rules: names, instance types, sizes, labels, taints, subnets and the prod AZ span. */
export function validateNodeGroups(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const env = args.environment ?? "prod";
    const groups = Object.entries(args.nodeGroups ?? {});
    if (groups.length === 0) add(["nodeGroups"], "nodeGroups must define at least one managed node group");
    const vpcIsCreated = !args.vpc?.existing;
    for (const [gname, g] of groups) {
        const p = (...rest: string[]) => ["nodeGroups", gname, ...rest];
        const f = `nodeGroups.${gname}`;
        if (!NODE_GROUP_NAME_RE.test(gname))
            add(
                p(),
                `node group name must be lowercase alphanumeric or '-', at most 40 characters (it becomes a label value and resource names), got ${JSON.stringify(gname)}`,
            );
        const types = g.instanceTypes ?? [];
        if (types.length === 0) add(p("instanceTypes"), `${f}.instanceTypes must list at least one instance type, got []`);
        types.forEach((t, i) => {
            if (!INSTANCE_TYPE_RE.test(t))
                add(p("instanceTypes", String(i)), `${f}.instanceTypes[${i}] must look like "c7i.2xlarge", got ${JSON.stringify(t)}`);
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
        if (!isInt(disk) || disk < 20 || disk > 16384)
            add(p("diskSizeGiB"), `${f}.diskSizeGiB must be an integer between 20 and 16384 (gp3 limits, AMI needs 20), got ${disk}`);
        const labelValue = g.labels?.[NODE_GROUP_LABEL];
        if (labelValue !== undefined && labelValue !== gname) {
            add(
                p("labels", NODE_GROUP_LABEL),
                `${f}.labels["${NODE_GROUP_LABEL}"] is reserved and always equals the group name "${gname}", got ${JSON.stringify(labelValue)}`,
            );
        }
        (g.taints ?? []).forEach((t, i) => {
            if (!t.key) add(p("taints", String(i), "key"), `${f}.taints[${i}].key must be non-empty`);
            if (!TAINT_EFFECTS.includes(t.effect))
                add(p("taints", String(i), "effect"), `${f}.taints[${i}].effect must be one of ${TAINT_EFFECTS.join(", ")}, got ${JSON.stringify(t.effect)}`);
        });
        if (g.subnetIds && vpcIsCreated) {
            add(
                p("subnetIds"),
                `${f}.subnetIds requires vpc.existing (subnets created by this component are not known in advance; groups span every private subnet)`,
            );
        }
        const span = nodeGroupAzSpan(args, g.subnetIds);
        if (env === "prod" && span < 2) {
            add(p("subnetIds"), `${f} must span at least 2 AZs in prod, got ${span}`);
        }
    }
    return issues;
}

/** The `autoscaler` rules, including its bounds against the node groups' sizes. */
export function validateAutoscaler(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const env = args.environment ?? "prod";
    const version = args.kubernetesVersion ?? defaults.DEFAULT_KUBERNETES_VERSION;
    const groups = Object.entries(args.nodeGroups ?? {});
    const as = args.autoscaler ?? {};
    const minNodes = as.minNodes ?? defaults.DEFAULT_AUTOSCALER_MIN_NODES;
    const maxNodes = as.maxNodes ?? defaults.DEFAULT_AUTOSCALER_MAX_NODES;
    if (!isInt(minNodes) || minNodes < 0) add(["autoscaler", "minNodes"], `autoscaler.minNodes must be an integer >= 0, got ${minNodes}`);
    if (!isInt(maxNodes) || maxNodes < 1) add(["autoscaler", "maxNodes"], `autoscaler.maxNodes must be an integer >= 1, got ${maxNodes}`);
    if (isInt(minNodes) && isInt(maxNodes) && minNodes > maxNodes)
        add(["autoscaler"], `autoscaler must satisfy minNodes <= maxNodes, got ${minNodes} > ${maxNodes}`);
    if (groups.length > 0 && groups.every(([, g]) => isInt(g.minSize) && isInt(g.maxSize))) {
        const sumMin = groups.reduce((s, [, g]) => s + g.minSize, 0);
        const sumMax = groups.reduce((s, [, g]) => s + g.maxSize, 0);
        if (isInt(minNodes) && sumMin < minNodes) {
            add(
                ["autoscaler", "minNodes"],
                `the sum of nodeGroups.*.minSize (${sumMin}) must be >= autoscaler.minNodes (${minNodes}); the overall minimum is held by group minimums`,
            );
        }
        if (isInt(maxNodes) && sumMin > maxNodes) {
            add(["autoscaler", "maxNodes"], `the sum of nodeGroups.*.minSize (${sumMin}) must be <= autoscaler.maxNodes (${maxNodes})`);
        }
        if (isInt(maxNodes) && sumMax < maxNodes && (as.enabled ?? true) && env === "prod" && as.maxNodes !== undefined) {
            add(["autoscaler", "maxNodes"], `autoscaler.maxNodes (${maxNodes}) is unreachable: the sum of nodeGroups.*.maxSize is ${sumMax}`);
        }
    }
    if (as.expander !== undefined && !EXPANDERS.includes(as.expander))
        add(["autoscaler", "expander"], `autoscaler.expander must be one of ${EXPANDERS.join(", ")}, got ${JSON.stringify(as.expander)}`);
    if (as.scaleDownUnneededTime !== undefined && !DURATION_RE.test(as.scaleDownUnneededTime)) {
        add(
            ["autoscaler", "scaleDownUnneededTime"],
            `autoscaler.scaleDownUnneededTime must be a duration like "10m", got ${JSON.stringify(as.scaleDownUnneededTime)}`,
        );
    }
    if ((as.enabled ?? true) && !as.image && K8S_VERSION_RE.test(version) && !defaults.CLUSTER_AUTOSCALER_IMAGES[version]) {
        add(
            ["autoscaler", "image"],
            `autoscaler.image is required for kubernetesVersion ${version}: no cluster-autoscaler release is mapped (known: ${Object.keys(defaults.CLUSTER_AUTOSCALER_IMAGES).join(", ")})`,
        );
    }
    return issues;
}
