/**
 * PostgreSQL as a single-primary StatefulSet: password (generated unless given) and client URL
 * in Secrets, data on a retained claim, WAL settings, `pg_isready` probes, NetworkPolicy for
 * named clients, optional postgres-exporter + ServiceMonitor, and an optional `pg_dump` CronJob.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { SecretKeyRef, UrlSecretSpec, createStoreCredentials, secretKeyEnv, secretUrl } from "./credentials";
import { exporterContainer, scraperRules, withExporterResources } from "./exporter";
import { storePodAnnotations } from "./store-safety";
import { WorkloadFootprint } from "./quota";
import { Labels } from "./labels";
import { serviceHost } from "./names";
import { namespaceName, ofNamespace } from "./namespace-ref";
import { TrafficRule } from "./network";
import { DumpDestination, PgDumpJobArgs, createPgDumpJob, destinationProblems, pgDumpFootprint } from "./pg-dump";
import { isCronSchedule } from "./backups";
import { ResourceSpec, buildContainer, buildPodSpec } from "./pod";
import { Problem, assertNoProblems, check, under } from "./problems";
import { createServiceAccount } from "./service-account";
import { DataStoreArgs, StatefulSetArgs, StoreIdentity, claimSpec, createDataStore, dataStoreProblems, storeClientPeers, storeIdentity } from "./stateful-set";
import { serviceAnnotations } from "./service-await";
import { componentType, withOldTypeAlias } from "./type-token";

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

/** The Service port (client and headless Services). */
const POSTGRES_SERVICE_PORTS = [{ name: "postgres", port: POSTGRES_PORT, targetPort: "postgres", protocol: "TCP" }];
const POSTGRES_SECURITY = { runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, fsGroup: POSTGRES_UID };
const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The data volume of the Postgres pod. */
export interface PostgresStorage {
    /** Claim size, a quantity. @default "100Gi" (seed 002) */
    size?: string;
    /** StorageClass of the claim (seed 002: `fast-ssd`). @default the cluster's default StorageClass */
    storageClassName?: string;
    /**
     * Name a standalone PVC the component creates (seed 002: `postgres-data`), kept on stack destroy
     * when `retainVolumes`. @default a volumeClaimTemplate `data` (PVC `data-<sts>-0`)
     */
    claimName?: string;
}

/** A nightly `pg_dump` CronJob. */
export interface PostgresBackup {
    /** Cron schedule of the dump. @default "0 2 * * *" (seed 002) */
    schedule?: string;
    /** Where the dumps go: S3 or a PVC. */
    destination: DumpDestination;
    /** CronJob name (seed 002: `postgres-backup`). @default `<statefulSetName>-backup` */
    cronJobName?: string;
    /** Dump file prefix (seed 002: `claude-code`). @default the database name */
    filePrefix?: string;
    /** Egress the upload needs besides the database. @default HTTPS to the internet for S3, none for pvc */
    egress?: TrafficRule[];
}

/** The arguments of `Postgres`. */
export interface PostgresArgs extends DataStoreArgs {
    /** StatefulSet name; the pod is `<name>-0`. @default "postgres" */
    statefulSetName?: string;
    /** Client Service. @default the statefulSetName */
    serviceName?: string;
    /** Workloads admitted on 5432 (the backup job is added automatically). */
    clients: string[];
    /** Database created at first start. @default "app" */
    database?: string;
    /** Owner of the database, the user clients log in as. @default "app" */
    username?: string;
    /** Connection URL Secret `postgresql://user:pw@svc.ns.svc.cluster.local:5432/db` (seed 002: `postgres-credentials`/`url`). @default none */
    urlSecret?: UrlSecretSpec;
    /** The data volume. @default 100Gi on the default StorageClass */
    storage?: PostgresStorage;
    /** Keep data claims on destroy/scale-down (StatefulSet retention policy; `retainOnDelete` on a standalone PVC). @default true */
    retainVolumes?: boolean;
    /** Extra/overriding server settings (`-c key=value`). @default DEFAULT_POSTGRES_SETTINGS */
    settings?: Record<string, string>;
    /** A `pg_dump` CronJob. @default none */
    backup?: PostgresBackup;
    /** Requests and limits of the Postgres container. @default 250m/512Mi requests, 2/2Gi limits */
    resources?: ResourceSpec;
    /** Postgres image, pinned; an Output too (e.g. a registry's repository URL with a tag). Also the backup's pg_dump image. @default "postgres:16.4-alpine" */
    image?: pulumi.Input<string>;
    /** postgres-exporter image, pinned; an Output too. @default "prometheuscommunity/postgres-exporter:v0.15.0" */
    exporterImage?: pulumi.Input<string>;
}

/** The names Postgres derives from its args: client Service, database and user. */
function postgresNames(a: PostgresArgs): { serviceName: string; db: string; user: string } {
    return {
        serviceName: a.serviceName ?? a.statefulSetName ?? "postgres",
        db: a.database ?? DEFAULT_POSTGRES_DATABASE,
        user: a.username ?? DEFAULT_POSTGRES_USER,
    };
}

/** Every rule the args must satisfy, as data (path, rule, value). */
export function postgresProblems(a: PostgresArgs): Problem[] {
    const { serviceName, db, user } = postgresNames(a);
    const size = a.storage?.size ?? DEFAULT_POSTGRES_STORAGE;
    const names: [string, string][] = [
        ...(a.storage?.claimName ? [["storage.claimName", a.storage.claimName] as [string, string]] : []),
        ...(a.backup?.cronJobName ? [["backup.cronJobName", a.backup.cronJobName] as [string, string]] : []),
    ];
    const identifiers: [string, string][] = [
        ["database", db],
        ["username", user],
    ];
    return [
        ...dataStoreProblems(a, { kind: "Postgres", defaultName: "postgres", serviceName, port: POSTGRES_PORT, size, sizeExample: "100Gi", names }),
        ...identifiers.flatMap(([f, v]) => check(PG_IDENTIFIER.test(v), f, "must be a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)", v)),
        ...Object.keys(a.settings ?? {}).flatMap((k) => check(/^[a-z_][a-z0-9_.]*$/.test(k), "settings", "keys must be postgresql.conf parameter names", k)),
        ...(a.backup ? backupProblems(a.backup) : []),
    ];
}

function backupProblems(b: PostgresBackup): Problem[] {
    return [
        ...check(
            b.schedule === undefined || isCronSchedule(b.schedule),
            "backup.schedule",
            "must be a five-field cron expression or a macro such as @daily",
            b.schedule,
        ),
        ...under("backup.destination", destinationProblems(b.destination)),
    ];
}

/** `postgres -c k=v ...` args, keys sorted for a stable diff. */
export function postgresServerArgs(settings: Record<string, string> = {}): string[] {
    const merged = { ...DEFAULT_POSTGRES_SETTINGS, ...settings };
    return [
        "postgres",
        ...Object.keys(merged)
            .sort()
            .flatMap((k) => ["-c", `${k}=${merged[k]}`]),
    ];
}

/** `pg_isready` against the local server as the app user (no password needed). */
export const PG_ISREADY_COMMAND = ["sh", "-c", `pg_isready -h 127.0.0.1 -p ${POSTGRES_PORT} -U "$POSTGRES_USER" -d "$POSTGRES_DB"`];

/** The primary (postgres plus exporter, its data claim) and the dump job's pod when there is a backup; for quotas. */
export function postgresFootprints(a: PostgresArgs): WorkloadFootprint[] {
    return [
        {
            pods: 1,
            resources: withExporterResources(a.resources ?? DEFAULT_POSTGRES_RESOURCES, a),
            claims: [a.storage?.size ?? DEFAULT_POSTGRES_STORAGE],
        },
        ...(a.backup ? [pgDumpFootprint(a.backup.destination)] : []),
    ];
}

/** The postgres container: server settings as args, the password from the Secret, data/run/shm mounts, `pg_isready` probes. */
function postgresContainer(a: PostgresArgs, password: SecretKeyRef) {
    const { db, user } = postgresNames(a);
    return buildContainer({
        name: "postgres",
        image: a.image ?? POSTGRES_IMAGE,
        args: postgresServerArgs(a.settings),
        ports: [{ name: "postgres", containerPort: POSTGRES_PORT }],
        env: [
            { name: "POSTGRES_DB", value: db },
            { name: "POSTGRES_USER", value: user },
            secretKeyEnv("POSTGRES_PASSWORD", password),
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
        security: POSTGRES_SECURITY,
    });
}

/** The postgres-exporter sidecar, reading the server as the app user over localhost. */
function postgresExporter(a: PostgresArgs, password: SecretKeyRef) {
    const { db, user } = postgresNames(a);
    return exporterContainer({
        image: a.exporterImage ?? POSTGRES_EXPORTER_IMAGE,
        port: POSTGRES_EXPORTER_PORT,
        env: [
            { name: "DATA_SOURCE_URI", value: `127.0.0.1:${POSTGRES_PORT}/${db}?sslmode=disable` },
            { name: "DATA_SOURCE_USER", value: user },
            secretKeyEnv("DATA_SOURCE_PASS", password),
        ],
        resources: a.exporterResources,
        probes: { health: { tcp: true, portName: "metrics" } },
        security: POSTGRES_SECURITY,
    });
}

/** Clients and the backup job on 5432; the scraper on the exporter port. */
export function postgresIngress(a: PostgresArgs, backupWorkload: string | undefined): TrafficRule[] {
    const clientPeers = storeClientPeers(a, backupWorkload ? [{ workload: backupWorkload }] : []);
    return [{ peers: clientPeers, ports: [POSTGRES_PORT] }, ...scraperRules(a, POSTGRES_EXPORTER_PORT)];
}

/** The StatefulSet: one primary (a second replica would need streaming replication, not provided) on its data claim. */
function postgresStatefulSet(
    args: PostgresArgs,
    id: StoreIdentity,
    w: { password: SecretKeyRef; serviceAccountName: string; dependsOn: pulumi.Resource[] },
): StatefulSetArgs {
    const claimName = args.storage?.claimName;
    const containers = [postgresContainer(args, w.password)];
    if (args.exporter) containers.push(postgresExporter(args, w.password));
    return {
        namespace: namespaceName(args.namespace),
        name: id.sts,
        headlessServiceName: id.headless,
        ports: POSTGRES_SERVICE_PORTS,
        labels: id.labels,
        selector: id.selector,
        replicas: 1,
        podManagementPolicy: "OrderedReady",
        retainVolumes: args.retainVolumes ?? true,
        template: {
            metadata: { labels: id.labels, annotations: storePodAnnotations(1) },
            spec: buildPodSpec({
                containers,
                serviceAccountName: w.serviceAccountName,
                automountServiceAccountToken: false,
                volumes: [
                    ...(claimName ? [{ name: "data", persistentVolumeClaim: { claimName } }] : []),
                    { name: "run", emptyDir: { sizeLimit: "16Mi" } },
                    { name: "shm", emptyDir: { medium: "Memory", sizeLimit: "256Mi" } },
                ],
                selector: id.selector,
                placement: args.placement,
                security: POSTGRES_SECURITY,
                // A clean shutdown checkpoints; SIGKILL forces crash recovery on the next start.
                terminationGracePeriodSeconds: 60,
            }),
        },
        claims: claimName
            ? undefined
            : [{ name: "data", size: args.storage?.size ?? DEFAULT_POSTGRES_STORAGE, storageClassName: args.storage?.storageClassName }],
        dependsOn: w.dependsOn,
    };
}

/** The dump CronJob of `backup`, reaching this server as the app user. */
function postgresBackupJob(
    args: PostgresArgs,
    backup: PostgresBackup,
    id: StoreIdentity,
    server: { host: pulumi.Input<string>; passwordSecret: SecretKeyRef },
): PgDumpJobArgs {
    const { db, user } = postgresNames(args);
    return {
        namespace: namespaceName(args.namespace),
        workload: backup.cronJobName ?? `${id.sts}-backup`,
        server: id.sts,
        partOf: args.partOf,
        labels: args.labels,
        host: server.host,
        port: POSTGRES_PORT,
        database: db,
        username: user,
        passwordSecret: server.passwordSecret,
        destination: backup.destination,
        schedule: backup.schedule,
        image: args.image ?? POSTGRES_IMAGE,
        filePrefix: backup.filePrefix,
        egress: backup.egress,
        retainVolumes: args.retainVolumes ?? true,
    };
}

/** The standalone data claim `storage.claimName`, when one is named (kept on destroy when `retainVolumes`). */
function createStandaloneClaim(name: string, args: PostgresArgs, id: StoreIdentity, parent: pulumi.Resource): pulumi.Resource[] {
    const claimName = args.storage?.claimName;
    if (!claimName) return [];
    const spec = claimSpec(args.storage?.size ?? DEFAULT_POSTGRES_STORAGE, args.storage?.storageClassName);
    return [
        new k8s.core.v1.PersistentVolumeClaim(`${name}-data`, { metadata: id.meta(claimName), spec }, { parent, retainOnDelete: args.retainVolumes ?? true }),
    ];
}

/**
 * PostgreSQL StatefulSet (one primary) with Services, Secrets, NetworkPolicy, optional exporter
 * and optional backup CronJob.
 */
export class Postgres extends pulumi.ComponentResource {
    public readonly statefulSetName: string;
    public readonly serviceName: string;
    /** `<serviceName>.<ns>.svc.cluster.local`, when the namespace is known while the program runs (not an Output). */
    public readonly host?: string;
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
        assertNoProblems("Postgres", name, postgresProblems(args));
        super(componentType("Postgres"), name, {}, withOldTypeAlias("agent-platform:kube:Postgres", opts));
        // One primary, never autoscaled: a singleton.
        const id = storeIdentity(args, "postgres", { component: "database", singleton: true });
        const { serviceName, db, user } = postgresNames(args);
        this.statefulSetName = id.sts;
        this.serviceName = serviceName;
        const host = ofNamespace(args.namespace, (ns) => serviceHost(serviceName, ns));
        if (typeof host === "string") this.host = host;
        this.port = POSTGRES_PORT;
        this.database = db;
        this.username = user;
        this.selector = id.selector;
        const buildUrl = (pw: pulumi.Input<string>) => secretUrl(`postgresql://${user}:`, pw, pulumi.interpolate`@${host}:${POSTGRES_PORT}/${db}`);
        const creds = createStoreCredentials(name, id.sts, { namespace: namespaceName(args.namespace), labels: id.labels }, args, buildUrl, this);
        this.passwordSecret = creds.passwordSecret;
        this.urlSecret = creds.urlSecret;
        this.password = creds.password;
        this.url = creds.url;

        const sa = createServiceAccount(name, namespaceName(args.namespace), id.sts, id.labels, {}, this);
        const dependsOn = [sa.resource, ...creds.resources, ...createStandaloneClaim(name, args, id, this)];
        const statefulSet = postgresStatefulSet(args, id, { password: this.passwordSecret, serviceAccountName: sa.name, dependsOn });
        const backup = args.backup && postgresBackupJob(args, args.backup, id, { host, passwordSecret: this.passwordSecret });
        this.backupCronJobName = backup?.workload;
        const ingress = postgresIngress(args, this.backupCronJobName);
        createDataStore(name, id, args, { statefulSet, ingress, egress: [], exporterPort: POSTGRES_EXPORTER_PORT }, this);
        new k8s.core.v1.Service(
            `${name}-svc`,
            {
                metadata: { ...id.meta(serviceName), annotations: serviceAnnotations("ClusterIP") },
                spec: { type: "ClusterIP", selector: id.selector, ports: POSTGRES_SERVICE_PORTS },
            },
            { parent: this },
        );
        if (backup) createPgDumpJob(name, backup, this);
        this.registerOutputs({
            statefulSetName: id.sts,
            serviceName,
            host: this.host,
            passwordSecret: this.passwordSecret,
            urlSecret: this.urlSecret,
            url: this.url,
            backupCronJobName: this.backupCronJobName,
        });
    }
}
