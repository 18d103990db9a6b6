/**
 * The database dump: a hardened `pg_dump | gzip` CronJob (to S3 through IRSA, or to a PVC) with
 * its own ServiceAccount, claim and NetworkPolicy. The Postgres component runs it when asked for
 * a backup; the spec builder is pure.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Labels, selectorLabels, standardLabels } from "./labels";
import { INTERNET_HTTPS, TrafficRule, allowListPolicySpec } from "./network";
import { ResourceSpec, SecurityOptions, buildContainer, buildPodSpec } from "./pod";
import { Problem, check } from "./problems";
import { QUANTITY_RULE, cpuMillis, isQuantity, memoryMi } from "./quantity";
import type { WorkloadFootprint } from "./quota";
import { createServiceAccount } from "./service-account";
import { claimSpec } from "./stateful-set";

type Input<T> = pulumi.Input<T>;

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

const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Dumps uploaded to S3 through an IRSA role. */
export interface S3Destination {
    /** Bucket name. */
    bucket: string;
    /** Key prefix, no leading slash. @default "" */
    prefix?: string;
    /** IAM role for the backup ServiceAccount (IRSA). */
    roleArn: Input<string>;
}

/** Dumps kept on a PVC. */
export interface PvcDestination {
    /** Claim size, e.g. `20Gi`. */
    size: string;
    /** StorageClass of the claim. @default the cluster's default StorageClass */
    storageClassName?: string;
    /** Days a dump is kept. @default 14 */
    keepDays?: number;
}

/** Where dumps go: S3 through an IRSA role (prod) or a PVC (dev). Exactly one of `s3` and `pvc`. */
export interface DumpDestination {
    /** Upload to S3. */
    s3?: S3Destination;
    /** Keep on a PVC. */
    pvc?: PvcDestination;
}

/** The destination's problems, paths relative to it (`s3.bucket`, `pvc.keepDays`). */
export function destinationProblems(d: DumpDestination): Problem[] {
    const kinds = [d.s3 !== undefined, d.pvc !== undefined].filter(Boolean).length;
    if (kinds !== 1) return [{ path: "", rule: "must set exactly one of s3 or pvc", value: kinds }];
    if (d.s3) {
        return [
            ...check(S3_BUCKET.test(d.s3.bucket), "s3.bucket", "must be an S3 bucket name (3-63 lowercase letters, digits, '.', '-')", d.s3.bucket),
            ...check(!d.s3.prefix?.startsWith("/"), "s3.prefix", "must not start with '/'", d.s3.prefix),
        ];
    }
    if (!d.pvc) return [];
    const keep = d.pvc.keepDays ?? DEFAULT_PVC_KEEP_DAYS;
    return [
        ...check(isQuantity(d.pvc.size), "pvc.size", QUANTITY_RULE("20Gi"), d.pvc.size),
        ...check(Number.isInteger(keep) && keep >= 1, "pvc.keepDays", "must be an integer >= 1", keep),
    ];
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
    host: pulumi.Input<string>;
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
    image?: pulumi.Input<string>;
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
    const toS3 = a.destination.s3 !== undefined;
    const env = [
        { name: "PGHOST", value: a.host },
        { name: "PGPORT", value: String(a.port ?? 5432) },
        { name: "PGDATABASE", value: a.database },
        { name: "PGUSER", value: a.username },
        { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: a.passwordSecret.name, key: a.passwordSecret.key } } },
        { name: "BACKUP_FILE_PREFIX", value: a.filePrefix ?? a.database },
        ...(!toS3 ? [{ name: "KEEP_DAYS", value: String(a.destination.pvc?.keepDays ?? DEFAULT_PVC_KEEP_DAYS) }] : []),
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
    const upload = a.destination.s3
        ? buildContainer({
              name: "upload",
              image: a.awsCliImage ?? AWS_CLI_IMAGE,
              command: ["sh", "-c", S3_UPLOAD_SCRIPT],
              env: [
                  { name: "BACKUP_S3_URI", value: s3Uri(a.destination.s3.bucket, a.destination.s3.prefix) },
                  { name: "HOME", value: "/tmp" },
              ],
              volumeMounts: backupMount,
              resources: DEFAULT_UPLOAD_RESOURCES,
              security,
          })
        : undefined;
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

/**
 * One dump pod at a time (concurrency Forbid). With S3 the dump runs as an init container before
 * the upload, so the pod needs the larger of the two; with a PVC only the dump runs. For quotas.
 */
export function pgDumpFootprint(d: DumpDestination): WorkloadFootprint {
    const larger = (a: string, b: string, parse: (q: string) => number) => (parse(a) >= parse(b) ? a : b);
    const u = DEFAULT_UPLOAD_RESOURCES;
    const dmp = DEFAULT_DUMP_RESOURCES;
    const resources: ResourceSpec = d.s3
        ? {
              requests: { cpu: larger(dmp.requests.cpu, u.requests.cpu, cpuMillis), memory: larger(dmp.requests.memory, u.requests.memory, memoryMi) },
              limits: { cpu: larger(dmp.limits.cpu, u.limits.cpu, cpuMillis), memory: larger(dmp.limits.memory, u.limits.memory, memoryMi) },
          }
        : dmp;
    return { pods: 1, resources, claims: d.pvc ? [d.pvc.size] : [] };
}

export interface PgDumpJobArgs {
    namespace: pulumi.Input<string>;
    /** The CronJob (and its ServiceAccount, NetworkPolicy) name (seed 002: `postgres-backup`). */
    workload: string;
    /** The Postgres workload the job may reach. */
    server: string;
    partOf?: string;
    labels?: Labels;
    host: pulumi.Input<string>;
    port: number;
    database: string;
    username: string;
    passwordSecret: { name: string; key: string };
    destination: DumpDestination;
    schedule?: string;
    image: pulumi.Input<string>;
    filePrefix?: string;
    /** Egress the upload needs besides the database. @default HTTPS to the internet for S3, none for pvc */
    egress?: TrafficRule[];
    /** Keep the dump claim on stack destroy. */
    retainVolumes: boolean;
}

/**
 * The dump CronJob `<prefix>-backup` with its ServiceAccount (IRSA annotation for S3), claim
 * `<workload>-dumps` (pvc destination) and NetworkPolicy (the server's port, plus the upload's egress).
 */
export function createPgDumpJob(prefix: string, a: PgDumpJobArgs, parent: pulumi.Resource): void {
    const selector = selectorLabels(a.workload);
    const labels = standardLabels(a.workload, { partOf: a.partOf, component: "backup", extra: a.labels });
    const meta = (n: string) => ({ name: n, namespace: a.namespace, labels });
    const d = a.destination;
    const sa = createServiceAccount(
        `${prefix}-backup`,
        a.namespace,
        a.workload,
        labels,
        {
            ...(d.s3 ? { annotations: { "eks.amazonaws.com/role-arn": d.s3.roleArn } } : {}),
        },
        parent,
    );
    const deps: pulumi.Resource[] = [sa.resource];
    const claimName = `${a.workload}-dumps`;
    if (d.pvc) {
        deps.push(
            new k8s.core.v1.PersistentVolumeClaim(
                `${prefix}-backup-pvc`,
                {
                    metadata: meta(claimName),
                    spec: claimSpec(d.pvc.size, d.pvc.storageClassName),
                },
                { parent, retainOnDelete: a.retainVolumes },
            ),
        );
    }
    new k8s.batch.v1.CronJob(
        `${prefix}-backup`,
        {
            metadata: meta(a.workload),
            spec: pgDumpCronJobSpec({
                selector,
                labels,
                serviceAccountName: sa.name,
                host: a.host,
                port: a.port,
                database: a.database,
                username: a.username,
                passwordSecret: a.passwordSecret,
                destination: d,
                claimName,
                schedule: a.schedule,
                image: a.image,
                filePrefix: a.filePrefix,
            }),
        },
        { parent, dependsOn: deps },
    );
    const egress: TrafficRule[] = [{ peers: [{ workload: a.server }], ports: [a.port] }, ...(a.egress ?? (d.s3 ? [INTERNET_HTTPS] : []))];
    new k8s.networking.v1.NetworkPolicy(`${prefix}-backup-netpol`, { metadata: meta(a.workload), spec: allowListPolicySpec(selector, [], egress) }, { parent });
}
