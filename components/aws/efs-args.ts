/** The `efs` settings of `EksClusterArgs`: their rules and their defaults. Pure. */
import * as defaults from "./defaults";
import { ResolvedEfs } from "./resolved";
import {
    DNS1123_SUBDOMAIN_RE,
    EFS_KMS_KEYS,
    EFS_PERFORMANCE_MODES,
    EFS_THROUGHPUT_MODES,
    EFS_TRANSITIONS_TO_IA,
    isInt,
    issueList,
    RECLAIM_POLICIES,
    ValidationIssue,
} from "./rules";
import { EksClusterArgs, EksEnvironment } from "./types";

/** The EFS rules (also: nothing but `enabled` may be set while EFS is off). Pure. */
export function validateEfs(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const efs = args.efs ?? {};
    const enabled = efs.enabled === true;
    if (efs.enabled !== undefined && typeof efs.enabled !== "boolean")
        add(["efs", "enabled"], `efs.enabled must be true or false, got ${JSON.stringify(efs.enabled)}`);
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
    if (!DNS1123_SUBDOMAIN_RE.test(scName))
        add(["efs", "storageClassName"], `efs.storageClassName must be a DNS-1123 subdomain (a StorageClass name), got ${JSON.stringify(scName)}`);
    if (scName === defaults.GP3_STORAGE_CLASS_NAME) {
        add(
            ["efs", "storageClassName"],
            `efs.storageClassName must differ from the gp3 default class "${defaults.GP3_STORAGE_CLASS_NAME}", got ${JSON.stringify(scName)}`,
        );
    }
    const perf = efs.performanceMode ?? defaults.DEFAULT_EFS_PERFORMANCE_MODE;
    const tput = efs.throughputMode ?? defaults.DEFAULT_EFS_THROUGHPUT_MODE;
    if (!EFS_PERFORMANCE_MODES.includes(perf))
        add(["efs", "performanceMode"], `efs.performanceMode must be one of ${EFS_PERFORMANCE_MODES.join(", ")}, got ${JSON.stringify(perf)}`);
    if (!EFS_THROUGHPUT_MODES.includes(tput))
        add(["efs", "throughputMode"], `efs.throughputMode must be one of ${EFS_THROUGHPUT_MODES.join(", ")}, got ${JSON.stringify(tput)}`);
    if (perf === "maxIO" && tput === "elastic") {
        add(
            ["efs", "performanceMode"],
            'efs.performanceMode "maxIO" and efs.throughputMode "elastic" are mutually exclusive (EFS rule): use generalPurpose or another throughput mode',
        );
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
        add(
            ["efs", "provisionedThroughputMibps"],
            `efs.provisionedThroughputMibps is only allowed with efs.throughputMode "provisioned", got throughputMode ${JSON.stringify(tput)}`,
        );
    }
    if (efs.kmsKey !== undefined && !EFS_KMS_KEYS.includes(efs.kmsKey))
        add(["efs", "kmsKey"], `efs.kmsKey must be "cluster" or "aws-managed", got ${JSON.stringify(efs.kmsKey)}`);
    if (efs.transitionToIa !== undefined && !EFS_TRANSITIONS_TO_IA.includes(efs.transitionToIa)) {
        add(["efs", "transitionToIa"], `efs.transitionToIa must be one of ${EFS_TRANSITIONS_TO_IA.join(", ")}, got ${JSON.stringify(efs.transitionToIa)}`);
    }
    if (efs.reclaimPolicy !== undefined && !RECLAIM_POLICIES.includes(efs.reclaimPolicy)) {
        add(["efs", "reclaimPolicy"], `efs.reclaimPolicy must be "Retain" or "Delete", got ${JSON.stringify(efs.reclaimPolicy)}`);
    }
    return issues;
}

/** The EFS settings with every default filled; undefined when EFS is not enabled. */
export function resolveEfs(args: EksClusterArgs, environment: EksEnvironment): ResolvedEfs | undefined {
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
