/** Zod building blocks shared by the stack-config sections. */
import { z } from "zod";
import { isCronSchedule } from "../kube/backups";

const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|M|G|T|P|E|Ei)?$/;

export const quantity = z.string().regex(QUANTITY, { message: "must be a Kubernetes quantity such as 500m, 10Gi or 2" });

const DOMAIN_COMPONENT = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;
const PATH_COMPONENT = /^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/**
 * The OCI/Docker image reference grammar (distribution/reference): `[host[:port]/]path[:tag][@digest]`,
 * lowercase path components with `.`/`_`/`__`/`-` separators, a repository name of at most 255
 * characters. Returns the rule broken, or undefined. Split by hand, so it is linear on any input.
 */
export function imageReferenceProblem(ref: string): string | undefined {
    if (ref.length > 512) return "is longer than an image reference can be";
    if (/\s/.test(ref)) return "must not contain whitespace";
    let rest = ref;
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
        if (!DIGEST.test(digest)) return "has a digest that is not sha256:<64 hex digits>";
    }
    const lastSlash = rest.lastIndexOf("/");
    const colon = rest.lastIndexOf(":");
    let tag: string | undefined;
    if (colon > lastSlash) {
        tag = rest.slice(colon + 1);
        rest = rest.slice(0, colon);
        if (!TAG.test(tag)) return `has an invalid tag (letters, digits, '_', '.', '-', at most 128, not starting with '.' or '-')`;
    }
    if (rest.length === 0 || rest.length > 255) return "must have a repository name of 1-255 characters";
    const parts = rest.split("/");
    const first = parts[0];
    if (parts.length > 1 && (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase())) {
        const [host, port, ...extra] = first.split(":");
        if (extra.length > 0 || (port !== undefined && !/^\d{1,5}$/.test(port)) || !host.split(".").every((c) => DOMAIN_COMPONENT.test(c)))
            return `has an invalid registry host "${first}"`;
        parts.shift();
    }
    if (!parts.every((p) => PATH_COMPONENT.test(p))) return "must have lowercase path components (a-z, 0-9, separated by '.', '_', '__' or '-')";
    return undefined;
}

/** An image reference pinned to a tag or digest; `latest` and untagged images drift silently. */
export const pinnedImage = z
    .string()
    .min(1)
    .superRefine((v, ctx) => {
        const problem = imageReferenceProblem(v);
        if (problem) ctx.addIssue({ code: "custom", message: `${problem} (an OCI image reference)` });
        else if (!(/@sha256:[a-f0-9]{64}$/.test(v) || (/:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(v.split("/").pop() ?? "") && !/:latest$/.test(v)))) {
            ctx.addIssue({ code: "custom", message: "must be pinned to a tag or digest (not untagged, not :latest)" });
        }
    });

export const resources = z
    .object({
        requests: z.object({ cpu: quantity, memory: quantity }).strict(),
        limits: z.object({ cpu: quantity, memory: quantity }).strict(),
    })
    .strict();

export const storage = z
    .object({
        size: quantity,
        storageClassName: z.string().min(1).optional(),
    })
    .strict();

export const hpa = z
    .object({
        minReplicas: z.number().int().min(1, { message: "must be >= 1" }),
        maxReplicas: z.number().int().min(1),
        cpuUtilization: z.number().int().min(1).max(100).optional(),
        memoryUtilization: z.number().int().min(1).max(100).optional(),
    })
    .strict()
    .refine((h) => h.maxReplicas >= h.minReplicas, { message: "maxReplicas must be >= minReplicas", path: ["maxReplicas"] });

export const replicas = z.number().int().min(0, { message: "must be an integer >= 0" });

/** Odd and >= 3 (2f+1): an even Raft cluster tolerates no more failures than the odd one below it. */
export const raftReplicas = z
    .number()
    .int()
    .refine((n) => n >= 3 && n % 2 === 1, { message: "raft replicas must be odd and >= 3 (2f+1)" });

export const dnsLabel = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "must be a DNS-1123 label" })
    .max(63);

/** A five-field cron expression or a macro such as `@daily` (Velero schedules, dump CronJobs). */
export const cronSchedule = z.string().refine(isCronSchedule, { message: "must be a five-field cron expression or a macro such as @daily" });

/** A Go duration such as `720h0m0s` (Velero TTLs). */
export const goDuration = z.string().regex(/^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/, { message: "must be a Go duration such as 720h0m0s" });

/** A Velero backup section: on by default (created only where crds.velero is true). */
export function veleroBackup(defaults: { schedule: string; ttl: string }) {
    return z
        .object({
            enabled: z.boolean().default(true),
            schedule: cronSchedule.default(defaults.schedule),
            ttl: goDuration.default(defaults.ttl),
        })
        .strict()
        .default({ enabled: true, ...defaults });
}

/** A namespace quota as a system's `quota` section sets it: CPU and memory requests and the number of claims. */
export function namespaceQuota(defaults: { requestsCpu: string; requestsMemory: string; persistentVolumeClaims: number }) {
    return z
        .object({ requestsCpu: quantity, requestsMemory: quantity, persistentVolumeClaims: z.number().int().min(1) })
        .strict()
        .default(defaults);
}

/** An IPv4 CIDR block (API-server scopes, load-balancer source ranges). */
export const ipv4Cidr = z.string().regex(/^([0-9]{1,3}\.){3}[0-9]{1,3}\/([0-9]|[12][0-9]|3[0-2])$/, { message: "must be an IPv4 CIDR such as 10.0.0.0/16" });
