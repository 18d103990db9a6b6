/**
 * What the `EksClusterArgs` validators share: the issue type, the value rules (patterns and the
 * closed value sets) and small helpers. Each validator lives with its concept (validate-*.ts,
 * efs-args.ts, addons-args.ts); validation.ts runs them all.
 */

export interface ValidationIssue {
    /** Field path inside the args / the `cluster` config section, e.g. `["nodeGroups", "compute", "minSize"]`. */
    path: string[];
    message: string;
}

/** An issue list and the function that adds to it. */
export function issueList(): { issues: ValidationIssue[]; add: (path: string[], message: string) => void } {
    const issues: ValidationIssue[] = [];
    return { issues, add: (path, message) => issues.push({ path, message }) };
}

export const LOG_RETENTION_VALUES = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

export const CLUSTER_NAME_RE = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;
/** EKS node-group names are also Kubernetes label values and resource-name suffixes. */
export const NODE_GROUP_NAME_RE = /^[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?$/;
export const DNS1123_LABEL_RE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
export const INSTANCE_TYPE_RE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
export const K8S_VERSION_RE = /^1\.\d{2}$/;
export const DURATION_RE = /^\d+(s|m|h)$/;
export const ARN_RE = /^arn:aws[a-z-]*:[a-z0-9-]+:/;
/** The closed value sets, spelled once in types.ts (each list is derived from its enum object). */
export {
    ADDON_MODES,
    CAPACITY_TYPES,
    EFS_KMS_KEYS,
    EFS_PERFORMANCE_MODES,
    EFS_THROUGHPUT_MODES,
    EFS_TRANSITIONS_TO_IA,
    EXPANDERS,
    LOAD_BALANCER_SCHEMES,
    NAT_STRATEGIES,
    PULL_THROUGH_PREFIXES,
    RECLAIM_POLICIES,
    TAINT_EFFECTS,
} from "./types";
/** Kubernetes object names (StorageClass): DNS-1123 subdomain. */
export const DNS1123_SUBDOMAIN_RE = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
/** The label every node group carries; workloads select on it (seed 002: compute vs memory groups). */
export const NODE_GROUP_LABEL = "node-group";

export function isInt(n: unknown): n is number {
    return typeof n === "number" && Number.isInteger(n);
}

export function duplicates(values: string[]): string[] {
    return [...new Set(values.filter((v, i) => values.indexOf(v) !== i))];
}

/**
 * The values known while the program runs (plain strings) of a list whose items may be Outputs.
 * Rules on ids and ARNs apply to these; an Output's value is checked by AWS when it is used.
 */
export function knownStrings(values: readonly unknown[]): string[] {
    return values.filter((v): v is string => typeof v === "string");
}

export function sortedRecord(rec: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
