/**
 * Backups: Velero `Schedule`/`Backup` objects for whole namespaces (CRD-gated), and the
 * hardened `pg_dump | gzip` CronJob spec that the Postgres component runs (to S3 via IRSA, or
 * to a PVC). Pure spec builders first, then the thin `Backups` component.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { Labels, standardLabels } from "./labels";
import { dns1123Problem } from "./names";
import { ResourceSpec, SecurityOptions, buildContainer, buildPodSpec } from "./pod";

type Input<T> = pulumi.Input<T>;

// seed 002 (Velero Backup) and seed 001 (`velero schedule create ... --include-namespaces`).
export const VELERO_NAMESPACE = "velero";
// seed 002: `ttl: 720h0m0s  # 30 days retention`.
export const DEFAULT_VELERO_TTL = "720h0m0s";
// seed 001: `--schedule="@daily"`; 03:00 so the 02:00 database dump (seed 002) is already on its volume.
export const DEFAULT_VELERO_SCHEDULE = "0 3 * * *";
// seed 002: `schedule: "0 2 * * *"  # Daily at 2 AM`.
export const DEFAULT_DUMP_SCHEDULE = "0 2 * * *";
export const PG_DUMP_IMAGE = "postgres:16.4-alpine";
export const AWS_CLI_IMAGE = "amazon/aws-cli:2.17.50";
/** uid/gid of `postgres` in the alpine image; the upload container shares it (the aws-cli runs as any uid with HOME=/tmp). */
export const PG_DUMP_UID = 70;
// A dump that has not finished in an hour is stuck; a missed 02:00 start may still run until 02:10.
export const DEFAULT_DUMP_DEADLINE_SECONDS = 3600;
export const DEFAULT_DUMP_STARTING_DEADLINE_SECONDS = 600;
export const DEFAULT_DUMP_HISTORY = { successful: 3, failed: 3 };
/** Dumps older than this are pruned from a PVC destination. */
export const DEFAULT_PVC_KEEP_DAYS = 14;
export const DEFAULT_DUMP_RESOURCES: ResourceSpec = {
    requests: { cpu: "100m", memory: "256Mi" },
    limits: { cpu: "1", memory: "1Gi" },
};
export const DEFAULT_UPLOAD_RESOURCES: ResourceSpec = {
    requests: { cpu: "50m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};
/** emptyDir that holds the dump between the dump and upload containers (S3 destination). */
export const DEFAULT_DUMP_SCRATCH = "20Gi";

const CRON_MACRO = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;
/** Five cron fields as CronJob (robfig/cron standard parser) reads them: range and names per field. */
const CRON_FIELDS: ReadonlyArray<{ min: number; max: number; names?: readonly string[] }> = [
    { min: 0, max: 59 },
    { min: 0, max: 23 },
    { min: 1, max: 31 },
    { min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
    { min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** One cron field: `*`, `?` (day fields), `a`, `a-b`, each optionally `/step`, comma-separated; values in range. */
function isCronField(text: string, index: number): boolean {
    const { min, max, names } = CRON_FIELDS[index];
    const value = (v: string): number | undefined => {
        if (/^\d{1,2}$/.test(v)) return Number(v);
        const i = names?.indexOf(v.toLowerCase()) ?? -1;
        return i < 0 ? undefined : i + min;
    };
    return text.split(",").every((part) => {
        const [range, step, ...extra] = part.split("/");
        if (extra.length > 0 || (step !== undefined && !/^\d{1,2}$/.test(step)) || (step !== undefined && Number(step) < 1)) return false;
        if (range === "*" || (range === "?" && (index === 2 || index === 4))) return true;
        const [a, b, ...more] = range.split("-");
        if (more.length > 0) return false;
        const lo = value(a);
        const hi = b === undefined ? lo : value(b);
        // robfig/cron (CronJob's parser) bounds: day of week 0-6, so 7 is refused as it is there.
        return lo !== undefined && hi !== undefined && lo >= min && hi <= max && lo <= hi;
    });
}
const GO_DURATION = /^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** A five-field cron expression with every field in range, or a macro such as `@daily` (what CronJob and Velero accept). */
export function isCronSchedule(s: string): boolean {
    const t = s.trim();
    if (CRON_MACRO.test(t)) return true;
    if (t.length > 200) return false;
    const fields = t.split(/\s+/);
    return fields.length === 5 && fields.every((f, i) => isCronField(f, i));
}

export function assertCronSchedule(field: string, s: string): void {
    if (!isCronSchedule(s)) throw new Error(`${field} must be a five-field cron expression or a macro such as @daily, got "${s}"`);
}

/** What a Velero backup covers and how long it is kept. */
export interface VeleroBackupTemplate {
    /** Namespaces to back up (seed 002: `claude-code`). */
    includedNamespaces: string[];
    /** Go duration. @default "720h0m0s" (30 days, seed 002) */
    ttl?: string;
    /** BackupStorageLocation. @default "default" */
    storageLocation?: string;
    /** @default ["default"] */
    volumeSnapshotLocations?: string[];
    /** Snapshot PersistentVolumes. @default true */
    snapshotVolumes?: boolean;
    /** Copy volume contents with the file-system backup instead of snapshots. @default false */
    defaultVolumesToFsBackup?: boolean;
    /** @default none */
    excludedResources?: string[];
}

export function veleroTemplateProblems(t: VeleroBackupTemplate, field = "template"): string[] {
    const p: string[] = [];
    if (t.includedNamespaces.length === 0) p.push(`${field}.includedNamespaces must name at least one namespace, got []`);
    for (const ns of t.includedNamespaces) {
        if (ns === "*") continue;
        p.push(...dns1123Problem(`${field}.includedNamespaces[]`, ns));
    }
    const ttl = t.ttl ?? DEFAULT_VELERO_TTL;
    if (!GO_DURATION.test(ttl)) p.push(`${field}.ttl must be a Go duration such as 720h0m0s, got "${ttl}"`);
    return p;
}

/** `spec` of a velero.io/v1 Backup (also the `template` of a Schedule). Keys in a fixed order. */
export function veleroBackupSpec(t: VeleroBackupTemplate) {
    return {
        includedNamespaces: [...t.includedNamespaces].sort(),
        ...(t.excludedResources?.length ? { excludedResources: [...t.excludedResources].sort() } : {}),
        storageLocation: t.storageLocation ?? "default",
        volumeSnapshotLocations: t.volumeSnapshotLocations ?? ["default"],
        snapshotVolumes: t.snapshotVolumes ?? true,
        ...(t.defaultVolumesToFsBackup ? { defaultVolumesToFsBackup: true } : {}),
        ttl: t.ttl ?? DEFAULT_VELERO_TTL,
    };
}

/** `spec` of a velero.io/v1 Schedule. */
export function veleroScheduleSpec(schedule: string, t: VeleroBackupTemplate) {
    return {
        schedule,
        // Backups must outlive the Schedule object (a stack destroy must not cascade to them).
        useOwnerReferencesInBackup: false,
        template: veleroBackupSpec(t),
    };
}

export interface BackupsArgs extends VeleroBackupTemplate {
    /** Schedule cron, or `false` for on-demand backups only. @default "0 3 * * *" */
    schedule?: string | false;
    /** Schedule object name (seed 001: `inquisitor-daily`). @default the component name */
    scheduleName?: string;
    /** One-off Backup objects to create now, by name (seed 002: `claude-code-daily-backup`). @default [] */
    onDemand?: string[];
    /** Namespace Velero runs in (its objects must live there). @default "velero" */
    veleroNamespace?: string;
    /** Velero objects are created only when `capabilities.velero` is true. */
    capabilities?: ClusterCapabilities;
    partOf?: string;
}

export function backupsProblems(name: string, a: BackupsArgs): string[] {
    const p = veleroTemplateProblems(a, "backups");
    const names: [string, string][] = [["scheduleName", a.scheduleName ?? name], ["veleroNamespace", a.veleroNamespace ?? VELERO_NAMESPACE]];
    for (const b of a.onDemand ?? []) names.push(["onDemand[]", b]);
    for (const [f, v] of names) {
        p.push(...dns1123Problem(f, v));
    }
    if (a.schedule !== false && a.schedule !== undefined && !isCronSchedule(a.schedule)) {
        p.push(`schedule must be a five-field cron expression or a macro such as @daily, got "${a.schedule}"`);
    }
    if (a.schedule === false && (a.onDemand ?? []).length === 0) p.push("schedule is false and onDemand is empty: nothing would be backed up");
    return p;
}

/**
 * Velero backups of whole namespaces: a daily `Schedule` (TTL 30 days) and optional one-off
 * `Backup`s, created in Velero's namespace. Skipped with an info log when the cluster has no Velero.
 */
export class Backups extends pulumi.ComponentResource {
    /** Names of the Velero objects (empty when Velero is not installed). */
    public readonly scheduleName?: string;
    public readonly backupNames: string[];

    constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
        const problems = backupsProblems(name, args);
        if (problems.length) throw new Error(`invalid Backups args for ${name}:\n  - ${problems.join("\n  - ")}`);
        super("agent-platform:kube:Backups", name, {}, opts);
        const a = args;
        const ns = a.veleroNamespace ?? VELERO_NAMESPACE;
        const scheduleName = a.scheduleName ?? name;
        const labels = standardLabels(scheduleName, { partOf: a.partOf, component: "backup" });
        this.backupNames = [];
        const what = `Velero backups of ${a.includedNamespaces.join(",")}`;
        if (crdAvailable(a.capabilities, "velero", what, this)) {
            if (a.schedule !== false) {
                this.scheduleName = scheduleName;
                new k8s.apiextensions.CustomResource(`${name}-schedule`, {
                    apiVersion: "velero.io/v1",
                    kind: "Schedule",
                    metadata: { name: scheduleName, namespace: ns, labels },
                    spec: veleroScheduleSpec(a.schedule ?? DEFAULT_VELERO_SCHEDULE, a),
                }, { parent: this });
            }
            for (const b of a.onDemand ?? []) {
                this.backupNames.push(b);
                new k8s.apiextensions.CustomResource(`${name}-${b}`, {
                    apiVersion: "velero.io/v1",
                    kind: "Backup",
                    metadata: { name: b, namespace: ns, labels },
                    spec: veleroBackupSpec(a),
                    // A finished Backup is a record, not desired state: never delete it with the stack.
                }, { parent: this, retainOnDelete: true });
            }
        }
        this.registerOutputs({ scheduleName: this.scheduleName, backupNames: this.backupNames });
    }
}

/** Where dumps go: S3 through an IRSA role (prod) or a PVC (dev). Exactly one. */
export type DumpDestination =
    | { s3: { bucket: string; /** key prefix, no leading slash. @default "" */ prefix?: string; /** IAM role for the backup ServiceAccount (IRSA). */ roleArn: Input<string> } }
    | { pvc: { /** e.g. `20Gi` */ size: string; storageClassName?: string; /** @default 14 */ keepDays?: number } };

export function destinationProblems(d: DumpDestination, field = "backup.destination"): string[] {
    const p: string[] = [];
    const kinds = ["s3" in d, "pvc" in d].filter(Boolean).length;
    if (kinds !== 1) return [`${field} must set exactly one of s3 or pvc, got ${kinds}`];
    if ("s3" in d) {
        if (!S3_BUCKET.test(d.s3.bucket)) p.push(`${field}.s3.bucket must be an S3 bucket name (3-63 lowercase letters, digits, '.', '-'), got "${d.s3.bucket}"`);
        if (d.s3.prefix?.startsWith("/")) p.push(`${field}.s3.prefix must not start with '/', got "${d.s3.prefix}"`);
    } else {
        if (!/^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.test(d.pvc.size)) p.push(`${field}.pvc.size must be a quantity such as 20Gi, got "${d.pvc.size}"`);
        const keep = d.pvc.keepDays ?? DEFAULT_PVC_KEEP_DAYS;
        if (!Number.isInteger(keep) || keep < 1) p.push(`${field}.pvc.keepDays must be an integer >= 1, got ${keep}`);
    }
    return p;
}

/** `s3://bucket/prefix/` with exactly one slash between parts. */
export function s3Uri(bucket: string, prefix = ""): string {
    const p = prefix.replace(/^\/+|\/+$/g, "");
    return `s3://${bucket}/${p ? `${p}/` : ""}`;
}

/** The dump: `pg_dump | gzip` under pipefail, verified, its path recorded in `/backup/LATEST`. */
export const PG_DUMP_SCRIPT = [
    "set -eu -o pipefail",
    'f="/backup/${BACKUP_FILE_PREFIX}-$(date -u +%Y%m%dT%H%M%SZ).sql.gz"',
    'pg_dump --no-password --no-owner --no-privileges | gzip -6 > "$f.partial"',
    'gzip -t "$f.partial"',
    'mv "$f.partial" "$f"',
    'echo "$f" > /backup/LATEST',
    'echo "wrote $f ($(wc -c < "$f") bytes)"',
].join("\n");

/** PVC destination: prune dumps older than KEEP_DAYS after a successful dump. */
export const PVC_PRUNE_SCRIPT = 'find /backup -maxdepth 1 -name "*.sql.gz" -mtime "+${KEEP_DAYS}" -print -delete';

/** S3 destination: upload the file named in LATEST; the URI comes from env, never from the shell text. */
export const S3_UPLOAD_SCRIPT = [
    "set -eu",
    'f="$(cat /backup/LATEST)"',
    'aws s3 cp --only-show-errors "$f" "${BACKUP_S3_URI}$(basename "$f")"',
    'echo "uploaded $(basename "$f") to ${BACKUP_S3_URI}"',
].join("\n");

export interface PgDumpCronJobArgs {
    /** Selector labels of the backup pods (for its NetworkPolicy and the server's). */
    selector: Labels;
    labels: Labels;
    serviceAccountName: string;
    /** Database host (the Postgres Service DNS name). */
    host: string;
    /** @default 5432 */
    port?: number;
    database: string;
    username: string;
    /** Secret key holding the password (read into PGPASSWORD). */
    passwordSecret: { name: string; key: string };
    destination: DumpDestination;
    /** PVC claim name when destination is pvc. */
    claimName?: string;
    /** @default "0 2 * * *" (seed 002) */
    schedule?: string;
    /** pg_dump image: its major version must be >= the server's. @default "postgres:16.4-alpine" */
    image?: string;
    /** @default "amazon/aws-cli:2.17.50" */
    awsCliImage?: string;
    /** File names are `<prefix>-<UTC timestamp>.sql.gz` (seed 002: `claude-code-<date>.sql.gz`). @default the database */
    filePrefix?: string;
    /** @default 3600 */
    activeDeadlineSeconds?: number;
    /** Interpret the schedule in this zone. @default "Etc/UTC" */
    timeZone?: string;
}

/**
 * `spec` of the dump CronJob: Forbid overlapping runs, deadlines, history limits, never-restart
 * pods with a small backoff. The pod is hardened (non-root uid 70, read-only root FS, the dump
 * on an emptyDir or the PVC) and reads the password only from the Secret.
 */
export function pgDumpCronJobSpec(a: PgDumpCronJobArgs): k8s.types.input.batch.v1.CronJobSpec {
    const security: SecurityOptions = { runAsUser: PG_DUMP_UID, runAsGroup: PG_DUMP_UID, fsGroup: PG_DUMP_UID };
    const toS3 = "s3" in a.destination;
    const env = [
        { name: "PGHOST", value: a.host },
        { name: "PGPORT", value: String(a.port ?? 5432) },
        { name: "PGDATABASE", value: a.database },
        { name: "PGUSER", value: a.username },
        { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: a.passwordSecret.name, key: a.passwordSecret.key } } },
        { name: "BACKUP_FILE_PREFIX", value: a.filePrefix ?? a.database },
        ...(!toS3 ? [{ name: "KEEP_DAYS", value: String(("pvc" in a.destination ? a.destination.pvc.keepDays : undefined) ?? DEFAULT_PVC_KEEP_DAYS) }] : []),
    ];
    const backupMount = [{ name: "backup", mountPath: "/backup" }];
    const dump = buildContainer({
        name: "dump",
        image: a.image ?? PG_DUMP_IMAGE,
        command: ["sh", "-c", toS3 ? PG_DUMP_SCRIPT : `${PG_DUMP_SCRIPT}\n${PVC_PRUNE_SCRIPT}`],
        env,
        volumeMounts: backupMount,
        resources: DEFAULT_DUMP_RESOURCES,
        security,
    });
    const upload = "s3" in a.destination ? buildContainer({
        name: "upload",
        image: a.awsCliImage ?? AWS_CLI_IMAGE,
        command: ["sh", "-c", S3_UPLOAD_SCRIPT],
        env: [{ name: "BACKUP_S3_URI", value: s3Uri(a.destination.s3.bucket, a.destination.s3.prefix) }, { name: "HOME", value: "/tmp" }],
        volumeMounts: backupMount,
        resources: DEFAULT_UPLOAD_RESOURCES,
        security,
    }) : undefined;
    const backupVolume = toS3
        ? { name: "backup", emptyDir: { sizeLimit: DEFAULT_DUMP_SCRATCH } }
        : { name: "backup", persistentVolumeClaim: { claimName: a.claimName! } };
    return {
        schedule: a.schedule ?? DEFAULT_DUMP_SCHEDULE,
        timeZone: a.timeZone ?? "Etc/UTC",
        concurrencyPolicy: "Forbid",
        startingDeadlineSeconds: DEFAULT_DUMP_STARTING_DEADLINE_SECONDS,
        successfulJobsHistoryLimit: DEFAULT_DUMP_HISTORY.successful,
        failedJobsHistoryLimit: DEFAULT_DUMP_HISTORY.failed,
        jobTemplate: {
            metadata: { labels: a.labels },
            spec: {
                backoffLimit: 2,
                activeDeadlineSeconds: a.activeDeadlineSeconds ?? DEFAULT_DUMP_DEADLINE_SECONDS,
                template: {
                    metadata: { labels: a.labels },
                    spec: {
                        ...buildPodSpec({
                            // S3: dump first (init), then upload; PVC: the dump container writes in place.
                            initContainers: upload ? [dump] : undefined,
                            containers: upload ? [upload] : [dump],
                            serviceAccountName: a.serviceAccountName,
                            automountServiceAccountToken: false,
                            volumes: [backupVolume],
                            selector: a.selector,
                            placement: { antiAffinity: "none" },
                            security,
                        }),
                        restartPolicy: "Never",
                    },
                },
            },
        },
    };
}
