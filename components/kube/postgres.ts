/**
 * PostgreSQL as a single-primary StatefulSet: password (generated unless given) and client URL
 * in Secrets, data on a retained claim, WAL settings, `pg_isready` probes, NetworkPolicy for
 * named clients, optional postgres-exporter + ServiceMonitor, and an optional `pg_dump` CronJob.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities } from "./capabilities";
import { CredentialArgs, SecretKeyRef, createCredentialSecrets, credentialNames, credentialProblems, resolveCredentials, secretUrl } from "./credentials";
import { DEFAULT_EXPORTER_RESOURCES, createMetricsEndpoint, exporterContainer, scraperRule } from "./exporter";
import { storePodAnnotations } from "./store-safety";
import { WorkloadFootprint, sumResources } from "./quota";
import { Labels, SINGLETON_LABEL, selectorLabels, standardLabels } from "./labels";
import { dns1123Problems, serviceHost } from "./names";
import { NetworkPeer, TrafficRule, allowListPolicySpec } from "./network";
import { DumpDestination, createPgDumpJob, destinationProblems, pgDumpFootprint } from "./pg-dump";
import { isCronSchedule } from "./backups";
import { PodPlacement, ResourceSpec, SecurityOptions, buildContainer, buildPodSpec } from "./pod";
import { Problem, assertNoProblems, check, under } from "./problems";
import { QUANTITY_RULE, isQuantity } from "./quantity";
import { createServiceAccount } from "./service-account";
import { claimSpec, createStatefulSet } from "./stateful-set";

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

export interface PostgresArgs extends CredentialArgs {
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
    /** Connection URL Secret `postgresql://user:pw@svc.ns.svc.cluster.local:5432/db` (seed 002: `postgres-credentials`/`url`). @default none */
    urlSecret?: CredentialArgs["urlSecret"];
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

/** Every rule the args must satisfy, as data (path, rule, value). */
export function postgresProblems(a: PostgresArgs): Problem[] {
    const sts = a.statefulSetName ?? "postgres";
    const size = a.storage?.size ?? DEFAULT_POSTGRES_STORAGE;
    const identifiers: [string, string][] = [
        ["database", a.database ?? DEFAULT_POSTGRES_DATABASE],
        ["username", a.username ?? DEFAULT_POSTGRES_USER],
    ];
    return [
        ...dns1123Problems([
            ["namespace", a.namespace],
            ["statefulSetName", sts],
            ["serviceName", a.serviceName ?? sts],
            ["headlessServiceName", a.headlessServiceName ?? `${sts}-headless`],
            ...credentialNames(a),
            ...(a.storage?.claimName ? [["storage.claimName", a.storage.claimName] as [string, string]] : []),
            ...(a.backup?.cronJobName ? [["backup.cronJobName", a.backup.cronJobName] as [string, string]] : []),
            ...a.clients.map((c): [string, string] => ["clients[]", c]),
        ]),
        ...check(
            a.clients.length > 0 || (a.extraClientPeers ?? []).length > 0,
            "clients",
            `must name at least one workload allowed to reach Postgres on ${POSTGRES_PORT} (or set extraClientPeers)`,
            a.clients,
        ),
        ...identifiers.flatMap(([f, v]) => check(PG_IDENTIFIER.test(v), f, "must be a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)", v)),
        ...credentialProblems(a),
        ...check(isQuantity(size), "storage.size", QUANTITY_RULE("100Gi"), size),
        ...Object.keys(a.settings ?? {}).flatMap((k) => check(/^[a-z_][a-z0-9_.]*$/.test(k), "settings", "keys must be postgresql.conf parameter names", k)),
        ...(a.backup
            ? [
                  ...check(
                      a.backup.schedule === undefined || isCronSchedule(a.backup.schedule),
                      "backup.schedule",
                      "must be a five-field cron expression or a macro such as @daily",
                      a.backup.schedule,
                  ),
                  ...under("backup.destination", destinationProblems(a.backup.destination)),
              ]
            : []),
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
    const postgres = a.resources ?? DEFAULT_POSTGRES_RESOURCES;
    return [
        {
            pods: 1,
            resources: a.exporter ? sumResources(postgres, a.exporterResources ?? DEFAULT_EXPORTER_RESOURCES) : postgres,
            claims: [a.storage?.size ?? DEFAULT_POSTGRES_STORAGE],
        },
        ...(a.backup ? [pgDumpFootprint(a.backup.destination)] : []),
    ];
}

type Security = Required<Pick<SecurityOptions, "runAsUser" | "runAsGroup" | "fsGroup">>;

/** The postgres container: server settings as args, the password from the Secret, data/run/shm mounts, `pg_isready` probes. */
function postgresContainer(a: PostgresArgs, db: string, user: string, password: SecretKeyRef, security: Security) {
    return buildContainer({
        name: "postgres",
        image: a.image ?? POSTGRES_IMAGE,
        args: postgresServerArgs(a.settings),
        ports: [{ name: "postgres", containerPort: POSTGRES_PORT }],
        env: [
            { name: "POSTGRES_DB", value: db },
            { name: "POSTGRES_USER", value: user },
            { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: password.name, key: password.key } } },
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
}

function postgresExporter(a: PostgresArgs, db: string, user: string, password: SecretKeyRef, security: Security) {
    return exporterContainer({
        image: a.exporterImage ?? POSTGRES_EXPORTER_IMAGE,
        port: POSTGRES_EXPORTER_PORT,
        env: [
            { name: "DATA_SOURCE_URI", value: `127.0.0.1:${POSTGRES_PORT}/${db}?sslmode=disable` },
            { name: "DATA_SOURCE_USER", value: user },
            { name: "DATA_SOURCE_PASS", valueFrom: { secretKeyRef: { name: password.name, key: password.key } } },
        ],
        resources: a.exporterResources,
        probes: { health: { tcp: true, port: "metrics" } },
        security,
    });
}

/** Clients and the backup job on 5432; the scraper on the exporter port. */
export function postgresIngress(a: PostgresArgs, backupWorkload: string | undefined): TrafficRule[] {
    const clientPeers: NetworkPeer[] = [
        ...a.clients.map((w) => ({ workload: w })),
        ...(backupWorkload ? [{ workload: backupWorkload }] : []),
        ...(a.extraClientPeers ?? []),
    ];
    return [{ peers: clientPeers, ports: [POSTGRES_PORT] }, ...(a.exporter ? [scraperRule(a.metricsScraper, POSTGRES_EXPORTER_PORT)] : [])];
}

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
        assertNoProblems("Postgres", name, postgresProblems(args));
        super("agent-platform:kube:Postgres", name, {}, opts);
        const ns = args.namespace;
        const sts = args.statefulSetName ?? "postgres";
        const svcName = args.serviceName ?? sts;
        const retain = args.retainVolumes ?? true;
        const db = args.database ?? DEFAULT_POSTGRES_DATABASE;
        const user = args.username ?? DEFAULT_POSTGRES_USER;
        this.statefulSetName = sts;
        this.serviceName = svcName;
        this.host = serviceHost(svcName, ns);
        this.port = POSTGRES_PORT;
        this.database = db;
        this.username = user;
        const selector = selectorLabels(sts);
        this.selector = selector;
        // One primary, never autoscaled: labelled singleton so the policy pack exempts it from min-replicas/HPA.
        const labels = standardLabels(sts, { partOf: args.partOf, component: "database", extra: { ...(args.labels ?? {}), [SINGLETON_LABEL]: "true" } });
        const meta = (n: string) => ({ name: n, namespace: ns, labels });
        const child = { parent: this };

        const creds = resolveCredentials(sts, args);
        this.passwordSecret = { name: creds.passwordSecret.name, key: creds.passwordSecret.key };
        this.urlSecret = creds.urlSecret;
        const secrets = createCredentialSecrets(name, ns, labels, this, {
            password: args.password,
            creds,
            buildUrl: (pw) => secretUrl(`postgresql://${user}:`, pw, `@${this.host}:${POSTGRES_PORT}/${db}`),
        });
        this.password = secrets.password;
        this.url = secrets.url;
        const sa = createServiceAccount(name, ns, sts, labels, {}, this);
        const security = { runAsUser: POSTGRES_UID, runAsGroup: POSTGRES_UID, fsGroup: POSTGRES_UID };
        const containers = [postgresContainer(args, db, user, this.passwordSecret, security)];
        if (args.exporter) containers.push(postgresExporter(args, db, user, this.passwordSecret, security));

        const deps: pulumi.Resource[] = [sa.resource, ...secrets.resources];
        const claimName = args.storage?.claimName;
        const size = args.storage?.size ?? DEFAULT_POSTGRES_STORAGE;
        if (claimName) {
            deps.push(
                new k8s.core.v1.PersistentVolumeClaim(
                    `${name}-data`,
                    { metadata: meta(claimName), spec: claimSpec(size, args.storage?.storageClassName) },
                    { parent: this, retainOnDelete: retain },
                ),
            );
        }
        const postgresPorts = [{ name: "postgres", port: POSTGRES_PORT, targetPort: "postgres", protocol: "TCP" }];
        createStatefulSet(
            name,
            {
                namespace: ns,
                name: sts,
                headlessServiceName: args.headlessServiceName ?? `${sts}-headless`,
                ports: postgresPorts,
                labels,
                selector,
                // One primary: a second replica would need streaming replication (not provided).
                replicas: 1,
                podManagementPolicy: "OrderedReady",
                retainVolumes: retain,
                template: {
                    metadata: { labels, annotations: storePodAnnotations(1) },
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
                        placement: args.placement,
                        security,
                        // A clean shutdown checkpoints; SIGKILL forces crash recovery on the next start.
                        terminationGracePeriodSeconds: 60,
                    }),
                },
                claims: claimName ? undefined : [{ name: "data", size, storageClassName: args.storage?.storageClassName }],
                dependsOn: deps,
            },
            this,
        );
        new k8s.core.v1.Service(`${name}-svc`, { metadata: meta(svcName), spec: { type: "ClusterIP", selector, ports: postgresPorts } }, child);

        if (args.backup) {
            const b = args.backup;
            this.backupCronJobName = b.cronJobName ?? `${sts}-backup`;
            createPgDumpJob(
                name,
                {
                    namespace: ns,
                    workload: this.backupCronJobName,
                    server: sts,
                    partOf: args.partOf,
                    labels: args.labels,
                    host: this.host,
                    port: POSTGRES_PORT,
                    database: db,
                    username: user,
                    passwordSecret: this.passwordSecret,
                    destination: b.destination,
                    schedule: b.schedule,
                    image: args.image ?? POSTGRES_IMAGE,
                    filePrefix: b.filePrefix,
                    egress: b.egress,
                    retainVolumes: retain,
                },
                this,
            );
        }
        new k8s.networking.v1.NetworkPolicy(
            `${name}-netpol`,
            { metadata: meta(sts), spec: allowListPolicySpec(selector, postgresIngress(args, this.backupCronJobName), []) },
            child,
        );
        if (args.exporter)
            createMetricsEndpoint(
                name,
                { namespace: ns, workload: sts, labels, selector, port: POSTGRES_EXPORTER_PORT, capabilities: args.capabilities },
                this,
            );
        this.registerOutputs({
            statefulSetName: sts,
            serviceName: svcName,
            host: this.host,
            passwordSecret: this.passwordSecret,
            urlSecret: this.urlSecret,
            url: this.url,
            backupCronJobName: this.backupCronJobName,
        });
    }
}
