/**
 * What Kubernetes, AWS or cron would reject, and what is dangerous, checked across the whole
 * parsed config (`agent-platform:limits` sets the maxima): integers that do not fit int32,
 * replica counts and HPA bounds above a sane maximum, storage sizes that are zero or absurd,
 * requests above limits, malformed CIDRs, a public endpoint open to a large share of the internet,
 * two IRSA roles for one ServiceAccount, broad AWS managed policies on a role, and mount paths
 * over `/` or a system directory.
 */
import { Address4, Address6 } from "ip-address";
import { z } from "zod";
import { quantityValue } from "../compose/compile";
import { mountPathProblem } from "../input/files";

const INT32_MAX = 2 ** 31 - 1;

/** `agent-platform:limits`: the maxima the config is held to; raise them deliberately. */
export const limitsSchema = z
    .object({
        /** Largest replica count or HPA bound any workload may ask for. @default 1000 */
        maxReplicas: z.number().int().min(1).max(INT32_MAX).default(1000),
        /** Largest volume size (EBS gp3/io2 stop at 16/64 TiB). @default 64Ti */
        maxStorage: z
            .string()
            .regex(/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/, { message: "must be a Kubernetes quantity such as 64Ti" })
            .default("64Ti"),
        /**
         * Share of the IPv4 internet (0..1) above which a set of public CIDRs counts as open (as
         * `0.0.0.0/0` does): `0.0.0.0/1` + `128.0.0.0/1` is the whole internet in two halves. @default 0.001 (about a /10)
         */
        maxPublicCidrShare: z.number().min(0).max(1).default(0.001),
        /** Allow AWS managed policies that grant (near-)admin rights (AdministratorAccess, PowerUserAccess, IAMFullAccess) on IRSA roles. @default false */
        allowAdminPolicies: z.boolean().default(false),
    })
    .strict()
    .default({ maxReplicas: 1000, maxStorage: "64Ti", maxPublicCidrShare: 0.001, allowAdminPolicies: false });

export type Limits = z.infer<typeof limitsSchema>;

export interface LimitIssue {
    path: (string | number)[];
    message: string;
}

/** AWS managed policies that amount to administrator rights (or the power to grant them). */
export const ADMIN_POLICY_ARNS: readonly string[] = [
    "arn:aws:iam::aws:policy/AdministratorAccess",
    "arn:aws:iam::aws:policy/PowerUserAccess",
    "arn:aws:iam::aws:policy/IAMFullAccess",
];

const REPLICA_KEY = /^(replicas|minReplicas|maxReplicas|frontendReplicas|backendReplicas)$/;

/** An IPv4 or IPv6 CIDR as AWS and Kubernetes accept it, or the rule it breaks. */
export function cidrProblem(text: string): string | undefined {
    if (text.length > 64 || !text.includes("/")) return `must be a CIDR such as 10.0.0.0/16, got ${JSON.stringify(text.slice(0, 64))}`;
    const v4 = Address4.isValid(text);
    const v6 = !v4 && Address6.isValid(text);
    if (!v4 && !v6) return `${JSON.stringify(text)} is not a valid IPv4 or IPv6 CIDR`;
    return undefined;
}

/** Share (0..1) of the IPv4 address space the union of `cidrs` covers; invalid and IPv6 entries are ignored. */
export function ipv4Share(cidrs: readonly string[]): number {
    const ranges: Array<[number, number]> = [];
    for (const c of cidrs) {
        if (!Address4.isValid(c)) continue;
        const a = new Address4(c);
        const start = Number(a.startAddress().bigInt());
        const end = Number(a.endAddress().bigInt());
        ranges.push([start, end]);
    }
    ranges.sort((x, y) => x[0] - y[0]);
    let covered = 0;
    let curStart = -1;
    let curEnd = -2;
    for (const [s, e] of ranges) {
        if (s > curEnd + 1) {
            if (curEnd >= curStart && curStart >= 0) covered += curEnd - curStart + 1;
            curStart = s;
            curEnd = e;
        } else if (e > curEnd) curEnd = e;
    }
    if (curStart >= 0) covered += curEnd - curStart + 1;
    return covered / 2 ** 32;
}

/** Every problem `limits` finds in the parsed config (paths relative to the config root). */
export function limitProblems(cfg: Record<string, unknown>, limits: Limits, environment: string): LimitIssue[] {
    return [...valueProblems(cfg, limits), ...networkAndIamProblems(cfg, limits, environment)];
}

/** A walk over every value: int32 overflow, replica maxima, mount paths, storage sizes, requests <= limits. */
function valueProblems(cfg: Record<string, unknown>, limits: Limits): LimitIssue[] {
    const issues: LimitIssue[] = [];
    const maxStorage = quantityValue(limits.maxStorage, "memory") ?? Infinity;
    const stack: Array<[unknown, (string | number)[]]> = [[cfg, []]];
    while (stack.length > 0) {
        const [value, path] = stack.pop()!;
        const last = path[path.length - 1];
        const parentKey = path[path.length - 2];
        if (typeof value === "number") {
            if (Number.isInteger(value) && Math.abs(value) > INT32_MAX)
                issues.push({ path, message: `${value} does not fit a 32-bit integer (Kubernetes and AWS reject it)` });
            else if ((REPLICA_KEY.test(String(last)) || parentKey === "replicas") && value > limits.maxReplicas) {
                issues.push({ path, message: `${value} is above the maximum of ${limits.maxReplicas} replicas (agent-platform:limits.maxReplicas)` });
            }
            continue;
        }
        if (typeof value === "string") {
            if (last === "mountPath") {
                const problem = mountPathProblem(value);
                if (problem) issues.push({ path, message: problem });
            }
            if (last === "size") {
                const bytes = quantityValue(value, "memory");
                if (bytes !== undefined && bytes <= 0) issues.push({ path, message: `must be a positive size, got "${value}"` });
                else if (bytes !== undefined && bytes > maxStorage)
                    issues.push({ path, message: `"${value}" is above the maximum volume size ${limits.maxStorage} (agent-platform:limits.maxStorage)` });
            }
            continue;
        }
        if (Array.isArray(value)) {
            value.forEach((v, i) => stack.push([v, [...path, i]]));
            continue;
        }
        if (typeof value === "object" && value !== null) {
            const o = value as Record<string, unknown>;
            if (isQuantities(o.requests) && isQuantities(o.limits)) issues.push(...requestProblems(o.requests, o.limits, path));
            for (const [k, v] of Object.entries(o)) stack.push([v, [...path, k]]);
        }
    }
    return issues;
}

/** CIDRs (inquisitor's API access, the VPC, the public endpoint's share of the internet) and IRSA roles (one per ServiceAccount, no admin policies). */
function networkAndIamProblems(cfg: Record<string, unknown>, limits: Limits, environment: string): LimitIssue[] {
    const issues: LimitIssue[] = [];
    const inquisitor = cfg.inquisitor as { kubeApiCidrs?: string[] } | undefined;
    inquisitor?.kubeApiCidrs?.forEach((c, i) => {
        const p = cidrProblem(c);
        if (p) issues.push({ path: ["inquisitor", "kubeApiCidrs", i], message: p });
    });
    const cluster = cfg.cluster as
        | {
              provider?: string;
              vpc?: { create?: { cidr?: string } };
              endpoint?: { publicAccess?: boolean; publicAccessCidrs?: string[] };
              irsaRoles?: Record<string, { namespace: string; serviceAccount: string; policyArns?: string[] }>;
          }
        | undefined;
    if (cluster?.provider === "eks") {
        const vpcCidr = cluster.vpc?.create?.cidr;
        if (vpcCidr !== undefined) {
            const p = cidrProblem(vpcCidr);
            if (p) issues.push({ path: ["cluster", "vpc", "create", "cidr"], message: p });
        }
        const publicCidrs = cluster.endpoint?.publicAccessCidrs ?? [];
        publicCidrs.forEach((c, i) => {
            const p = cidrProblem(c);
            if (p) issues.push({ path: ["cluster", "endpoint", "publicAccessCidrs", i], message: p });
        });
        const share = ipv4Share(publicCidrs);
        if (environment === "prod" && cluster.endpoint?.publicAccess !== false && share > limits.maxPublicCidrShare && !publicCidrs.includes("0.0.0.0/0")) {
            issues.push({
                path: ["cluster", "endpoint", "publicAccessCidrs"],
                message: `together cover ${(share * 100).toFixed(share < 0.01 ? 3 : 1)}% of the IPv4 internet, more than agent-platform:limits.maxPublicCidrShare (${limits.maxPublicCidrShare * 100}%): as open as 0.0.0.0/0`,
            });
        }
        const owner = new Map<string, string>();
        for (const [name, role] of Object.entries(cluster.irsaRoles ?? {})) {
            const sa = `${role.namespace}/${role.serviceAccount}`;
            const other = owner.get(sa);
            if (other !== undefined)
                issues.push({
                    path: ["cluster", "irsaRoles", name, "serviceAccount"],
                    message: `ServiceAccount ${sa} already has IRSA role "${other}"; one role per ServiceAccount (its annotation can name only one)`,
                });
            else owner.set(sa, name);
            (role.policyArns ?? []).forEach((arn, i) => {
                if (!limits.allowAdminPolicies && ADMIN_POLICY_ARNS.includes(arn)) {
                    issues.push({
                        path: ["cluster", "irsaRoles", name, "policyArns", i],
                        message: `${arn} grants administrator rights to pods; refused unless agent-platform:limits.allowAdminPolicies is true`,
                    });
                }
            });
        }
    }
    return issues;
}

function isQuantities(v: unknown): v is { cpu?: unknown; memory?: unknown } {
    return typeof v === "object" && v !== null && !Array.isArray(v) && ("cpu" in v || "memory" in v);
}

function requestProblems(requests: { cpu?: unknown; memory?: unknown }, limits: { cpu?: unknown; memory?: unknown }, path: (string | number)[]): LimitIssue[] {
    const issues: LimitIssue[] = [];
    for (const k of ["cpu", "memory"] as const) {
        for (const [side, q] of [
            ["requests", requests[k]],
            ["limits", limits[k]],
        ] as const) {
            if (typeof q !== "string") continue;
            const v = quantityValue(q, k);
            if (v !== undefined && v <= 0) issues.push({ path: [...path, side, k], message: `must be positive, got "${q}"` });
        }
        const req = typeof requests[k] === "string" ? quantityValue(requests[k] as string, k) : undefined;
        const lim = typeof limits[k] === "string" ? quantityValue(limits[k] as string, k) : undefined;
        if (req !== undefined && lim !== undefined && req > lim)
            issues.push({ path: [...path, "requests", k], message: `request ${requests[k]} exceeds limit ${limits[k]}` });
    }
    return issues;
}
