/**
 * PostgreSQL as a single-primary StatefulSet: password (generated unless given) and client URL
 * in Secrets, data on a retained claim, WAL settings, `pg_isready` probes, NetworkPolicy for
 * named clients, optional postgres-exporter + ServiceMonitor, and an optional `pg_dump` CronJob.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { COMPONENT_LABEL, Labels, SINGLETON_LABEL, selectorLabels, standardLabels } from "./labels";
import { dns1123Problem } from "./names";
import { INTERNET_HTTPS, NetworkPeer, TrafficRule, allowListPolicySpec } from "./network";
import { PodPlacement, ResourceSpec, buildContainer, buildPodSpec } from "./pod";
import { createServiceAccount } from "./service-account";
import { prometheusScrapeAnnotations, serviceMonitorSpec } from "./service-monitor";
import {
    DEFAULT_METRICS_SCRAPER, DEFAULT_EXPORTER_RESOURCES, PasswordSecretSpec, SecretKeyRef, UrlSecretSpec,
    createCredentialSecrets, secretUrl,
} from "./redis";
import { DumpDestination, assertCronSchedule, destinationProblems, isCronSchedule, pgDumpCronJobSpec } from "./backups";

type Input<T> = pulumi.Input<T>;

export const POSTGRES_IMAGE = "postgres:16.4-alpine";
export const POSTGRES_EXPORTER_IMAGE = "prometheuscommunity/postgres-exporter:v0.15.0";
export const POSTGRES_PORT = 5432;
export const POSTGRES_EXPORTER_PORT = 9187;
/** uid/gid of `postgres` in the official alpine image. */
export const POSTGRES_UID = 70;
// seed 002: `postgres-data` PVC of 100Gi on `fast-ssd`.
export const DEFAULT_POSTGRES_STORAGE = "100Gi";
export const DEFAULT_POSTGRES_DATABASE = "app";
export const DEFAULT_POSTGRES_USER = "app";
export const POSTGRES_DATA_PATH = "/var/lib/postgresql/data";
/** PGDATA is a subdirectory so initdb never meets the volume's lost+found. */
export const PGDATA = `${POSTGRES_DATA_PATH}/pgdata`;
export const DEFAULT_POSTGRES_RESOURCES: ResourceSpec = {
    requests: { cpu: "250m", memory: "512Mi" },
    limits: { cpu: "2", memory: "2Gi" },
};
/** Server settings passed as `-c key=value` (durable WAL, SCRAM passwords). Callers may add or override. */
export const DEFAULT_POSTGRES_SETTINGS: Record<string, string> = {
    listen_addresses: "*",
    password_encryption: "scram-sha-256",
    wal_level: "replica",
    wal_compression: "on",
    max_wal_size: "2GB",
    synchronous_commit: "on",
    fsync: "on",
    full_page_writes: "on",
    log_min_duration_statement: "1000",
};

const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

export interface PostgresStorage {
    /** @default "100Gi" (seed 002) */
    size?: string;
    /** seed 002: `fast-ssd`. @default the cluster's default StorageClass */
    storageClassName?: string;
    /**
     * Name a standalone PVC the component creates (seed 002: `postgres-data`), kept on stack destroy
     * when `retainVolumes`. @default a volumeClaimTemplate `data` (PVC `data-<sts>-0`)
     */
    claimName?: string;
}

export interface PostgresBackup {
    /** @default "0 2 * * *" (seed 002) */
    schedule?: string;
    destination: DumpDestination;
    /** CronJob name (seed 002: `postgres-backup`). @default `<statefulSetName>-backup` */
    cronJobName?: string;
    /** Dump file prefix (seed 002: `claude-code`). @default the database name */
    filePrefix?: string;
    /** Egress the upload needs besides the database. @default HTTPS to the internet for S3, none for pvc */
    egress?: TrafficRule[];
}

export interface PostgresArgs {
    namespace: string;
    /** @default "postgres" */
    statefulSetName?: string;
    /** Client Service. @default the statefulSetName */
    serviceName?: string;
    /** @default `<statefulSetName>-headless` */
    headlessServiceName?: string;
    /** Workloads admitted on 5432 (the backup job is added automatically). */
    clients: string[];
    /** Extra peers admitted on 5432. @default [] */
    extraClientPeers?: NetworkPeer[];
    /** @default "app" */
    database?: string;
    /** @default "app" */
    username?: string;
    /** Password; generated (RandomPassword, 32 alphanumerics) when omitted. */
    password?: Input<string>;
    /** @default { name: `<statefulSetName>-password`, key: "password" } created by the component */
    passwordSecret?: PasswordSecretSpec;
    /** Connection URL Secret `postgresql://user:pw@svc.ns.svc.cluster.local:5432/db` (seed 002: `postgres-credentials`/`url`). @default none */
    urlSecret?: UrlSecretSpec;
    storage?: PostgresStorage;
    /** Keep data claims on destroy/scale-down (StatefulSet retention policy; `retainOnDelete` on a standalone PVC). @default true */
    retainVolumes?: boolean;
    /** Extra/overriding server settings (`-c key=value`). @default DEFAULT_POSTGRES_SETTINGS */
    settings?: Record<string, string>;
    /** postgres-exporter sidecar, metrics Service and ServiceMonitor (CRD-gated). @default false */
    exporter?: boolean;
    /** @default pods in namespace `monitoring` */
    metricsScraper?: NetworkPeer;
    capabilities?: ClusterCapabilities;
    backup?: PostgresBackup;
    /** @default 250m/512Mi requests, 2/2Gi limits */
    resources?: ResourceSpec;
    /** @default "postgres:16.4-alpine" */
    image?: string;
    /** @default "prometheuscommunity/postgres-exporter:v0.15.0" */
    exporterImage?: string;
    /** Exporter sidecar requests/limits (raise them to a namespace LimitRange's minimum). @default DEFAULT_EXPORTER_RESOURCES */
    exporterResources?: ResourceSpec;
    placement?: PodPlacement;
    partOf?: string;
    labels?: Labels;
}

export function postgresProblems(a: PostgresArgs): string[] {
    const p: string[] = [];
    const sts = a.statefulSetName ?? "postgres";
    const names: [string, string][] = [["namespace", a.namespace], ["statefulSetName", sts], ["serviceName", a.serviceName ?? sts],
        ["headlessServiceName", a.headlessServiceName ?? `${sts}-headless`]];
    if (a.passwordSecret) names.push(["passwordSecret.name", a.passwordSecret.name]);
    if (a.urlSecret) names.push(["urlSecret.name", a.urlSecret.name]);
    if (a.storage?.claimName) names.push(["storage.claimName", a.storage.claimName]);
    if (a.backup?.cronJobName) names.push(["backup.cronJobName", a.backup.cronJobName]);
    for (const c of a.clients) names.push(["clients[]", c]);
    for (const [f, v] of names) {
        p.push(...dns1123Problem(f, v));
    }
    if (a.clients.length === 0 && (a.extraClientPeers ?? []).length === 0) {
        p.push("clients must name at least one workload allowed to reach Postgres on 5432 (or set extraClientPeers), got []");
    }
    for (const [f, v] of [["database", a.database ?? DEFAULT_POSTGRES_DATABASE], ["username", a.username ?? DEFAULT_POSTGRES_USER]] as const) {
        if (!PG_IDENTIFIER.test(v)) p.push(`${f} must be a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters), got "${v}"`);
    }
    if (a.passwordSecret?.existing && a.password !== undefined) {
        p.push("password and passwordSecret.existing are mutually exclusive: an existing Secret already holds the password");
    }
    if (a.passwordSecret?.existing && a.urlSecret) {
        p.push(`urlSecret needs a password the component knows, but passwordSecret.existing is true (Secret "${a.passwordSecret.name}")`);
    }
    if (a.urlSecret && a.passwordSecret && !a.passwordSecret.existing && a.urlSecret.name === a.passwordSecret.name
        && (a.urlSecret.key ?? "url") === (a.passwordSecret.key ?? "password")) {
        p.push(`urlSecret.key and passwordSecret.key must differ when both use Secret "${a.urlSecret.name}", got "${a.urlSecret.key ?? "url"}"`);
    }
    const size = a.storage?.size ?? DEFAULT_POSTGRES_STORAGE;
    if (!QUANTITY.test(size)) p.push(`storage.size must be a quantity such as 100Gi, got "${size}"`);
    for (const k of Object.keys(a.settings ?? {})) {
        if (!/^[a-z_][a-z0-9_.]*$/.test(k)) p.push(`settings key must be a postgresql.conf parameter name, got "${k}"`);
    }
    if (a.backup) {
        if (a.backup.schedule !== undefined && !isCronSchedule(a.backup.schedule)) {
            p.push(`backup.schedule must be a five-field cron expression or a macro such as @daily, got "${a.backup.schedule}"`);
        }
        p.push(...destinationProblems(a.backup.destination));
    }
    return p;
}

export function validatePostgresArgs(name: string, a: PostgresArgs): void {
    const problems = postgresProblems(a);
    if (problems.length) throw new Error(`invalid Postgres args for ${name}:\n  - ${problems.join("\n  - ")}`);
}

/** `postgres -c k=v ...` args, keys sorted for a stable diff. */
export function postgresServerArgs(settings: Record<string, string> = {}): string[] {
    const merged = { ...DEFAULT_POSTGRES_SETTINGS, ...settings };
    return ["postgres", ...Object.keys(merged).sort().flatMap((k) => ["-c", `${k}=${merged[k]}`])];
}

/** `pg_isready` against the local server as the app user (no password needed). */
export const PG_ISREADY_COMMAND = ["sh", "-c", `pg_isready -h 127.0.0.1 -p ${POSTGRES_PORT} -U "$POSTGRES_USER" -d "$POSTGRES_DB"`];

/**
 * PostgreSQL StatefulSet (one primary) with Services, Secrets, NetworkPolicy, optional exporter
 * and optional backup CronJob.
 */
export class Postgres extends pulumi.ComponentResource {
    public readonly statefulSetName: string;
    public readonly serviceName: string;
    /** `<serviceName>.<ns>.svc.cluster.local` */
    public readonly host: string;
    public readonly port: number;
    public readonly database: string;
    public readonly username: string;
    public readonly passwordSecret: SecretKeyRef;
    public readonly urlSecret?: SecretKeyRef;
    public readonly password?: pulumi.Output<string>;
    public readonly url?: pulumi.Output<string>;
    /** The dump CronJob's name, when `backup` is set. */
    public readonly backupCronJobName?: string;
    public readonly selector: Labels;

    constructor(name: string, args: PostgresArgs, opts?: pulumi.ComponentResourceOptions) {
        validatePostgresArgs(name, args);
        super("agent-platform:kube:Postgres", name, {}, opts);
        const a = args;
        const ns = a.namespace;
        const sts = a.statefulSetName ?? "postgres";
        const svcName = a.serviceName ?? sts;
        const headless = a.headlessServiceName ?? `${sts}-headless`;
        const retain = a.retainVolumes ?? true;
        const db = a.database ?? DEFAULT_POSTGRES_DATABASE;
        const user = a.username ?? DEFAULT_POSTGRES_USER;
        this.statefulSetName = sts;
        this.serviceName = svcName;
        this.host = `${svcName}.${ns}.svc.cluster.local`;
        this.port = POSTGRES_PORT;
        this.database = db;
        this.username = user;
        const selector = selectorLabels(sts);
        this.selector = selector;
        // One primary, never autoscaled: labelled singleton so the policy pack exempts it from min-replicas/HPA.
        const labels = standardLabels(sts, { partOf: a.partOf, component: "database", extra: { ...(a.labels ?? {}), [SINGLETON_LABEL]: "true" } });
        const meta = (n: string, extra: Record<string, unknown> = {}) => ({ name: n, namespace: ns, labels, ...extra });
        const child = { parent: this };

        const pwSecret = { name: a.passwordSecret?.name ?? `${sts}-password`, key: a.passwordSecret?.key ?? "password", existing: a.passwordSecret?.existing ?? false };
        this.passwordSecret = { name: pwSecret.name, key: pwSecret.key };
        const urlRef = a.urlSecret ? { name: a.urlSecret.name, key: a.urlSecret.key ?? "url" } : undefined;
        this.urlSecret = urlRef;
        const creds = createCredentialSecrets(name, ns, labels, this, {
            password: a.password,
            passwordSecret: pwSecret,
            url: urlRef ? { secret: urlRef, build: (pw) => secretUrl(`postgresql://${user}:`, pw, `@${this.host}:${POSTGRES_PORT}/${db}`) } : undefined,
        });
        this.password = creds.password;
        this.url = creds.url;
        const sa = createServiceAccount(name, ns, sts, labels, {}, this);

        const passwordRef = { secretKeyRef: { name: pwSecret.name, key: pwSecret.key } };
        const security = { runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, fsGroup: POSTGRES_UID };
        const postgres = buildContainer({
            name: "postgres",
            image: a.image ?? POSTGRES_IMAGE,
            args: postgresServerArgs(a.settings),
            ports: [{ name: "postgres", containerPort: POSTGRES_PORT }],
            env: [
                { name: "POSTGRES_DB", value: db },
                { name: "POSTGRES_USER", value: user },
                { name: "POSTGRES_PASSWORD", valueFrom: passwordRef },
                { name: "PGDATA", value: PGDATA },
            ],
            volumeMounts: [
                { name: "data", mountPath: POSTGRES_DATA_PATH },
                { name: "run", mountPath: "/var/run/postgresql" },
                { name: "shm", mountPath: "/dev/shm" },
            ],
            resources: a.resources ?? DEFAULT_POSTGRES_RESOURCES,
            probes: {
                liveness: { command: PG_ISREADY_COMMAND, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 6 },
                readiness: { command: PG_ISREADY_COMMAND, periodSeconds: 5, timeoutSeconds: 3 },
                // initdb or crash recovery of a large WAL: up to 10 minutes before liveness takes over.
                startup: { command: PG_ISREADY_COMMAND, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 60 },
            },
            security,
        });
        const containers = [postgres];
        if (a.exporter) {
            containers.push(buildContainer({
                name: "exporter",
                image: a.exporterImage ?? POSTGRES_EXPORTER_IMAGE,
                ports: [{ name: "metrics", containerPort: POSTGRES_EXPORTER_PORT }],
                env: [
                    { name: "DATA_SOURCE_URI", value: `127.0.0.1:${POSTGRES_PORT}/${db}?sslmode=disable` },
                    { name: "DATA_SOURCE_USER", value: user },
                    { name: "DATA_SOURCE_PASS", valueFrom: passwordRef },
                ],
                resources: a.exporterResources ?? DEFAULT_EXPORTER_RESOURCES,
                probes: { health: { tcp: true, port: "metrics" } },
                security,
            }));
        }

        const deps: pulumi.Resource[] = [sa.resource, ...creds.resources];
        const claimName = a.storage?.claimName;
        const storageSpec = {
            accessModes: ["ReadWriteOnce"],
            resources: { requests: { storage: a.storage?.size ?? DEFAULT_POSTGRES_STORAGE } },
            ...(a.storage?.storageClassName ? { storageClassName: a.storage.storageClassName } : {}),
        };
        if (claimName) {
            deps.push(new k8s.core.v1.PersistentVolumeClaim(`${name}-data`, { metadata: meta(claimName), spec: storageSpec }, { parent: this, retainOnDelete: retain }));
        }
        const headlessSvc = new k8s.core.v1.Service(`${name}-headless`, {
            metadata: meta(headless),
            spec: { clusterIP: "None", selector, ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: "postgres", protocol: "TCP" }] },
        }, child);
        deps.push(headlessSvc);
        new k8s.core.v1.Service(`${name}-svc`, {
            metadata: meta(svcName),
            spec: { type: "ClusterIP", selector, ports: [{ name: "postgres", port: POSTGRES_PORT, targetPort: "postgres", protocol: "TCP" }] },
        }, child);

        new k8s.apps.v1.StatefulSet(`${name}-sts`, {
            metadata: meta(sts),
            spec: {
                // One primary: a second replica would need streaming replication (not provided).
                replicas: 1,
                serviceName: headless,
                podManagementPolicy: "OrderedReady",
                selector: { matchLabels: selector },
                updateStrategy: { type: "RollingUpdate" },
                persistentVolumeClaimRetentionPolicy: retain ? { whenDeleted: "Retain", whenScaled: "Retain" } : { whenDeleted: "Delete", whenScaled: "Delete" },
                template: {
                    metadata: { labels },
                    spec: buildPodSpec({
                        containers,
                        serviceAccountName: sa.name,
                        automountServiceAccountToken: false,
                        volumes: [
                            ...(claimName ? [{ name: "data", persistentVolumeClaim: { claimName } }] : []),
                            { name: "run", emptyDir: { sizeLimit: "16Mi" } },
                            { name: "shm", emptyDir: { medium: "Memory", sizeLimit: "256Mi" } },
                        ],
                        selector,
                        placement: a.placement,
                        security,
                        // A clean shutdown checkpoints; SIGKILL forces crash recovery on the next start.
                        terminationGracePeriodSeconds: 60,
                    }),
                },
                ...(claimName ? {} : { volumeClaimTemplates: [{ metadata: { name: "data", labels: selector }, spec: storageSpec }] }),
            },
        }, { parent: this, dependsOn: deps });

        // Backup CronJob: its own ServiceAccount (IRSA for S3), claim (pvc), NetworkPolicy.
        const backupWorkload = a.backup ? (a.backup.cronJobName ?? `${sts}-backup`) : undefined;
        if (a.backup && backupWorkload) {
            const b = a.backup;
            if (b.schedule !== undefined) assertCronSchedule("backup.schedule", b.schedule);
            this.backupCronJobName = backupWorkload;
            const bSelector = selectorLabels(backupWorkload);
            const bLabels = standardLabels(backupWorkload, { partOf: a.partOf, component: "backup", extra: a.labels });
            const bMeta = (n: string) => ({ name: n, namespace: ns, labels: bLabels });
            const bSa = createServiceAccount(`${name}-backup`, ns, backupWorkload, bLabels, {
                ...("s3" in b.destination ? { annotations: { "eks.amazonaws.com/role-arn": b.destination.s3.roleArn } } : {}),
            }, this);
            const bDeps: pulumi.Resource[] = [bSa.resource];
            const bClaim = `${backupWorkload}-dumps`;
            if ("pvc" in b.destination) {
                bDeps.push(new k8s.core.v1.PersistentVolumeClaim(`${name}-backup-pvc`, {
                    metadata: bMeta(bClaim),
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        resources: { requests: { storage: b.destination.pvc.size } },
                        ...(b.destination.pvc.storageClassName ? { storageClassName: b.destination.pvc.storageClassName } : {}),
                    },
                }, { parent: this, retainOnDelete: retain }));
            }
            new k8s.batch.v1.CronJob(`${name}-backup`, {
                metadata: bMeta(backupWorkload),
                spec: pgDumpCronJobSpec({
                    selector: bSelector,
                    labels: bLabels,
                    serviceAccountName: bSa.name,
                    host: this.host,
                    port: POSTGRES_PORT,
                    database: db,
                    username: user,
                    passwordSecret: this.passwordSecret,
                    destination: b.destination,
                    claimName: bClaim,
                    schedule: b.schedule,
                    image: a.image ?? POSTGRES_IMAGE,
                    filePrefix: b.filePrefix,
                }),
            }, { parent: this, dependsOn: bDeps });
            const egress: TrafficRule[] = [{ peers: [{ workload: sts }], ports: [POSTGRES_PORT] }, ...(b.egress ?? ("s3" in b.destination ? [INTERNET_HTTPS] : []))];
            new k8s.networking.v1.NetworkPolicy(`${name}-backup-netpol`, { metadata: bMeta(backupWorkload), spec: allowListPolicySpec(bSelector, [], egress) }, child);
        }

        const clientPeers: NetworkPeer[] = [...a.clients.map((w) => ({ workload: w })), ...(backupWorkload ? [{ workload: backupWorkload }] : []), ...(a.extraClientPeers ?? [])];
        const ingress: TrafficRule[] = [{ peers: clientPeers, ports: [POSTGRES_PORT] }];
        if (a.exporter) ingress.push({ peers: [a.metricsScraper ?? DEFAULT_METRICS_SCRAPER], ports: [POSTGRES_EXPORTER_PORT] });
        new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, { metadata: meta(sts), spec: allowListPolicySpec(selector, ingress, []) }, child);

        if (a.exporter) {
            const metricsLabels = { ...labels, [COMPONENT_LABEL]: "metrics" };
            const metricsSvc = new k8s.core.v1.Service(`${name}-metrics-svc`, {
                metadata: { name: `${sts}-metrics`, namespace: ns, labels: metricsLabels, annotations: prometheusScrapeAnnotations(POSTGRES_EXPORTER_PORT) },
                spec: { type: "ClusterIP", selector, ports: [{ name: "metrics", port: POSTGRES_EXPORTER_PORT, targetPort: "metrics", protocol: "TCP" }] },
            }, child);
            if (crdAvailable(a.capabilities, "serviceMonitor", `ServiceMonitor ${ns}/${sts}`, this)) {
                new k8s.apiextensions.CustomResource(`${name}-monitor`, {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "ServiceMonitor",
                    metadata: meta(sts),
                    spec: serviceMonitorSpec(selector, { port: "metrics", selector: { ...selector, [COMPONENT_LABEL]: "metrics" } }),
                }, { parent: this, dependsOn: [metricsSvc] });
            }
        }
        this.registerOutputs({
            statefulSetName: sts, serviceName: svcName, host: this.host, passwordSecret: this.passwordSecret,
            urlSecret: this.urlSecret, url: this.url, backupCronJobName: this.backupCronJobName,
        });
    }
}
