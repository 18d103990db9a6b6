/** Zod building blocks shared by the stack-config sections. */
import { z } from "zod";
import { isCronSchedule } from "../kube/backups";

const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|Ki|Mi|Gi|Ti|Pi|M|G|T|P|E|Ei)?$/;

export const quantity = z.string().regex(QUANTITY, { message: "must be a Kubernetes quantity such as 500m, 10Gi or 2" });

/** An image reference pinned to a tag or digest; `latest` and untagged images drift silently. */
export const pinnedImage = z.string().min(1).refine(
    (v) => /@sha256:[a-f0-9]{64}$/.test(v) || (/:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(v.split("/").pop() ?? "") && !/:latest$/.test(v)),
    { message: "must be pinned to a tag or digest (not untagged, not :latest)" },
);

export const resources = z.object({
    requests: z.object({ cpu: quantity, memory: quantity }).strict(),
    limits: z.object({ cpu: quantity, memory: quantity }).strict(),
}).strict();

export const storage = z.object({
    size: quantity,
    storageClassName: z.string().min(1).optional(),
}).strict();

export const hpa = z.object({
    minReplicas: z.number().int().min(1, { message: "must be >= 1" }),
    maxReplicas: z.number().int().min(1),
    cpuUtilization: z.number().int().min(1).max(100).optional(),
    memoryUtilization: z.number().int().min(1).max(100).optional(),
}).strict().refine((h) => h.maxReplicas >= h.minReplicas, { message: "maxReplicas must be >= minReplicas", path: ["maxReplicas"] });

export const replicas = z.number().int().min(0, { message: "must be an integer >= 0" });

/** Odd and >= 3 (2f+1): an even Raft cluster tolerates no more failures than the odd one below it. */
export const raftReplicas = z.number().int().refine((n) => n >= 3 && n % 2 === 1, { message: "raft replicas must be odd and >= 3 (2f+1)" });

export const dnsLabel = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "must be a DNS-1123 label" }).max(63);

/** A five-field cron expression or a macro such as `@daily` (Velero schedules, dump CronJobs). */
export const cronSchedule = z.string().refine(isCronSchedule, { message: "must be a five-field cron expression or a macro such as @daily" });

/** A Go duration such as `720h0m0s` (Velero TTLs). */
export const goDuration = z.string().regex(/^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/, { message: "must be a Go duration such as 720h0m0s" });

/** A Velero backup section: on by default (created only where crds.velero is true). */
export function veleroBackup(defaults: { schedule: string; ttl: string }) {
    return z.object({
        enabled: z.boolean().default(true),
        schedule: cronSchedule.default(defaults.schedule),
        ttl: goDuration.default(defaults.ttl),
    }).strict().default({ enabled: true, ...defaults });
}
