/**
 * Redis as a StatefulSet: AOF persistence, password in a Secret (generated with
 * `@pulumi/random` unless given), dangerous commands disabled, optional primary + replicas,
 * optional redis_exporter sidecar + ServiceMonitor, and a NetworkPolicy that admits only the
 * named client workloads. Pure builders (`redisConfig`, `redisStartScript`, ...) carry the logic.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { SecretKeyRef, UrlSecretSpec, createStoreCredentials, secretKeyEnv, secretUrl } from "./credentials";
import { exporterContainer, scraperRules, withExporterResources } from "./exporter";
import { redisMaxmemory, storePodAnnotations } from "./store-safety";
import { WorkloadFootprint } from "./quota";
import { Labels } from "./labels";
import { podHost, serviceHost } from "./names";
import { namespaceName, ofNamespace } from "./namespace-ref";
import { TrafficRule } from "./network";
import { ResourceSpec, buildContainer, buildPodSpec } from "./pod";
import { Problem, assertNoProblems, check } from "./problems";
import { createServiceAccount } from "./service-account";
import { DataStoreArgs, StatefulSetArgs, StoreIdentity, createDataStore, dataStoreProblems, storeClientPeers, storeIdentity } from "./stateful-set";
import { serviceAnnotations } from "./service-await";
import { componentType, withOldTypeAlias } from "./type-token";

type Input<T> = pulumi.Input<T>;

// Pinned images (no `latest`): Redis 7.4 alpine runs as uid/gid 999; redis_exporter is a static binary.
export const REDIS_IMAGE = "redis:7.4.1-alpine";
export const REDIS_EXPORTER_IMAGE = "oliver006/redis_exporter:v1.66.0";
export const REDIS_PORT = 6379;
export const REDIS_EXPORTER_PORT = 9121;
/** uid/gid of the `redis` user in the official alpine image. */
export const REDIS_UID = 999;
// seed 003: the agent PVC is 10Gi; Redis holds session/queue state of the same order.
export const DEFAULT_REDIS_STORAGE = "10Gi";
// seed 003: redis limits are raised to 2 CPU / 2Gi for heavy load; the default is a modest floor.
export const DEFAULT_REDIS_RESOURCES: ResourceSpec = {
    requests: { cpu: "100m", memory: "256Mi" },
    limits: { cpu: "1", memory: "1Gi" },
};
/** Commands renamed to "" (disabled): wipe-everything and reconfigure-at-runtime (Bitnami disables FLUSHDB/FLUSHALL). */
export const REDIS_DISABLED_COMMANDS = ["FLUSHALL", "FLUSHDB", "CONFIG", "DEBUG"];
/** The Service port (client, replicas and headless Services). */
const REDIS_SERVICE_PORTS = [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP" }];
const REDIS_SECURITY = { runAsUser: REDIS_UID, runAsGroup: REDIS_UID, fsGroup: REDIS_UID };
const MAXMEMORY = /^[0-9]+(kb|mb|gb|k|m|g)?$/i;

/** What Redis does when `maxmemory` is reached. */
export const MaxmemoryPolicy = {
    /** Refuse writes (state, not a cache). */
    Noeviction: "noeviction",
    AllkeysLru: "allkeys-lru",
    VolatileLru: "volatile-lru",
    AllkeysLfu: "allkeys-lfu",
    VolatileLfu: "volatile-lfu",
    AllkeysRandom: "allkeys-random",
    VolatileRandom: "volatile-random",
    VolatileTtl: "volatile-ttl",
} as const;
/** What Redis does when `maxmemory` is reached, e.g. `noeviction` or `allkeys-lru`. */
export type MaxmemoryPolicy = (typeof MaxmemoryPolicy)[keyof typeof MaxmemoryPolicy];

/** The data volume of each Redis pod. */
export interface RedisStorage {
    /** Claim size, a quantity. @default "10Gi" (DEFAULT_REDIS_STORAGE) */
    size?: string;
    /** StorageClass of the claim. @default the cluster's default StorageClass */
    storageClassName?: string;
}

/** The arguments of `Redis`. */
export interface RedisArgs extends DataStoreArgs {
    /** StatefulSet name; pods are `<name>-0..n-1` (seed 003 runs `kubectl exec redis-0`). @default "redis" */
    statefulSetName?: string;
    /** The client Service other workloads resolve (seed 003: `redis-service`). */
    serviceName: string;
    /** 1 = standalone; n > 1 = `redis-0` primary + n-1 read replicas (`replicaof`). @default 1 */
    replicas?: number;
    /** Password value; generated (RandomPassword, 32 alphanumerics) when omitted. Must not contain `"` or newlines. */
    password?: Input<string>;
    /** Also create a Secret with `redis://:<password>@<svc>.<ns>.svc.cluster.local:6379`. @default none */
    urlSecret?: UrlSecretSpec;
    /** The data volume. @default 10Gi on the default StorageClass */
    storage?: RedisStorage;
    /** `maxmemory` (e.g. `768mb`); unset lets Redis grow to the container limit. @default unset */
    maxmemory?: string;
    /** What Redis does at `maxmemory`. @default "noeviction" (Redis holds state here, not a cache) */
    maxmemoryPolicy?: MaxmemoryPolicy;
    /** Requests and limits of the Redis container. @default 100m/256Mi requests, 1/1Gi limits */
    resources?: ResourceSpec;
    /** Redis image, pinned; an Output too (e.g. a registry's repository URL with a tag). @default "redis:7.4.1-alpine" */
    image?: pulumi.Input<string>;
    /** redis_exporter image, pinned; an Output too. @default "oliver006/redis_exporter:v1.66.0" */
    exporterImage?: pulumi.Input<string>;
}

/** Every rule the args must satisfy, as data (path, rule, value). */
export function redisProblems(a: RedisArgs): Problem[] {
    const replicas = a.replicas ?? 1;
    const size = a.storage?.size ?? DEFAULT_REDIS_STORAGE;
    return [
        ...dataStoreProblems(a, { kind: "Redis", defaultName: "redis", serviceName: a.serviceName, port: REDIS_PORT, size, sizeExample: "10Gi" }),
        ...check(Number.isInteger(replicas) && replicas >= 1, "replicas", "must be an integer >= 1", replicas),
        ...check(
            a.maxmemory === undefined || MAXMEMORY.test(a.maxmemory),
            "maxmemory",
            "must be bytes with an optional kb/mb/gb unit such as 768mb",
            a.maxmemory,
        ),
    ];
}

/** `redis.conf` (no secrets: the password is appended at start-up from the Secret, never stored here). */
export function redisConfig(a: Pick<RedisArgs, "maxmemory" | "maxmemoryPolicy">): string {
    const lines = [
        `port ${REDIS_PORT}`,
        "bind * -::*",
        // The password (requirepass) is the access control; the NetworkPolicy restricts who connects at all.
        "protected-mode no",
        "dir /data",
        // Persistence: AOF for durability (fsync every second), RDB snapshots for BGSAVE/copy backups (seed 003).
        "appendonly yes",
        "appendfsync everysec",
        "aof-use-rdb-preamble yes",
        "save 900 1 300 10 60 10000",
        "dbfilename dump.rdb",
        "replica-read-only yes",
        "replica-serve-stale-data yes",
        ...(a.maxmemory ? [`maxmemory ${a.maxmemory}`] : []),
        `maxmemory-policy ${a.maxmemoryPolicy ?? "noeviction"}`,
        ...REDIS_DISABLED_COMMANDS.map((c) => `rename-command ${c} ""`),
    ];
    return lines.join("\n") + "\n";
}

/**
 * Start-up script: copies the config to /tmp (umask 077), appends the password read from the
 * environment (so it is in neither a ConfigMap nor argv), and makes every pod but `-0` a replica.
 */
export function redisStartScript(primaryHost: string): string {
    return [
        "set -eu",
        "umask 077",
        "cp /etc/redis/redis.conf /tmp/redis.conf",
        `printf 'requirepass "%s"\\nmasterauth "%s"\\n' "$REDIS_PASSWORD" "$REDIS_PASSWORD" >> /tmp/redis.conf`,
        'if [ "${POD_NAME##*-}" != "0" ]; then',
        `  printf 'replicaof %s ${REDIS_PORT}\\n' "${primaryHost}" >> /tmp/redis.conf`,
        "fi",
        "exec redis-server /tmp/redis.conf",
    ].join("\n");
}

// redis-cli reads the password from REDISCLI_AUTH, so probes authenticate without argv secrets.
const PING = `redis-cli -h 127.0.0.1 -p ${REDIS_PORT} ping`;
/** Liveness tolerates LOADING/MASTERDOWN (a restart would not help); readiness wants PONG. */
export const REDIS_LIVENESS_COMMAND = [
    "sh",
    "-c",
    `r="$(${PING} 2>&1 | head -n1 | awk '{print $1}')"; case "$r" in PONG|LOADING|MASTERDOWN) exit 0;; *) echo "$r"; exit 1;; esac`,
];
export const REDIS_READINESS_COMMAND = ["sh", "-c", `test "$(${PING} 2>&1)" = PONG`];

/** Deterministic digest of a config file: rolls the pods when the config changes. */
export function configChecksum(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

/** Every member at once (a StatefulSet rolls without surge), redis plus exporter, one data claim each; for quotas. */
export function redisFootprint(a: RedisArgs): WorkloadFootprint {
    const replicas = a.replicas ?? 1;
    return {
        pods: replicas,
        resources: withExporterResources(a.resources ?? DEFAULT_REDIS_RESOURCES, a),
        claims: Array.from({ length: replicas }, () => a.storage?.size ?? DEFAULT_REDIS_STORAGE),
    };
}

/** The redis container: start script, password from the Secret, config and data mounts, tolerant probes. */
function redisContainer(a: RedisArgs, startScript: Input<string>, password: SecretKeyRef) {
    return buildContainer({
        name: "redis",
        image: a.image ?? REDIS_IMAGE,
        command: ["sh", "-c", startScript],
        ports: [{ name: "redis", containerPort: REDIS_PORT }],
        env: [
            { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            secretKeyEnv("REDIS_PASSWORD", password),
            secretKeyEnv("REDISCLI_AUTH", password),
        ],
        volumeMounts: [
            { name: "data", mountPath: "/data" },
            { name: "config", mountPath: "/etc/redis", readOnly: true },
        ],
        resources: a.resources ?? DEFAULT_REDIS_RESOURCES,
        probes: {
            liveness: { command: REDIS_LIVENESS_COMMAND, periodSeconds: 10, timeoutSeconds: 5 },
            readiness: { command: REDIS_READINESS_COMMAND, periodSeconds: 5, timeoutSeconds: 3 },
            // Loading a large AOF can take minutes: 60 x 5s before liveness takes over.
            startup: { command: REDIS_LIVENESS_COMMAND, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 },
        },
        security: REDIS_SECURITY,
    });
}

/** The redis_exporter sidecar; CONFIG is disabled (REDIS_DISABLED_COMMANDS), so "-" makes it skip config metrics instead of erroring. */
function redisExporter(a: RedisArgs, password: SecretKeyRef) {
    return exporterContainer({
        image: a.exporterImage ?? REDIS_EXPORTER_IMAGE,
        port: REDIS_EXPORTER_PORT,
        env: [
            { name: "REDIS_ADDR", value: `redis://127.0.0.1:${REDIS_PORT}` },
            { name: "REDIS_EXPORTER_CONFIG_COMMAND", value: "-" },
            secretKeyEnv("REDIS_PASSWORD", password),
        ],
        resources: a.exporterResources,
        // Liveness asks the exporter's /health; readiness is only the open port, so a slow
        // exporter never takes the Redis pod out of its Service.
        probes: {
            liveness: { path: "/health", portName: "metrics" },
            readiness: { tcp: true, portName: "metrics" },
            startup: { path: "/health", portName: "metrics" },
        },
        security: REDIS_SECURITY,
    });
}

/** Clients (and, with replicas, the members themselves) on 6379; the scraper on the exporter port. */
export function redisNetworkRules(a: RedisArgs, sts: string): { ingress: TrafficRule[]; egress: TrafficRule[] } {
    const replicas = a.replicas ?? 1;
    const clientPeers = storeClientPeers(a);
    const ingress: TrafficRule[] = [
        { peers: replicas > 1 ? [...clientPeers, { workload: sts }] : clientPeers, ports: [REDIS_PORT] },
        ...scraperRules(a, REDIS_EXPORTER_PORT),
    ];
    const egress: TrafficRule[] = replicas > 1 ? [{ peers: [{ workload: sts }], ports: [REDIS_PORT] }] : [];
    return { ingress, egress };
}

/** The pod spec: Redis (and its exporter), the config volume, zone spread when there are replicas. */
function redisPodSpec(args: RedisArgs, id: StoreIdentity, containers: k8s.types.input.core.v1.Container[], serviceAccountName: string) {
    return buildPodSpec({
        containers,
        serviceAccountName,
        automountServiceAccountToken: false,
        volumes: [{ name: "config", configMap: { name: `${id.sts}-config` } }],
        selector: id.selector,
        // Replicas are only worth having in other zones: spread by zone by default when there are several.
        placement: { spreadAcrossZones: (args.replicas ?? 1) > 1, ...(args.placement ?? {}) },
        security: REDIS_SECURITY,
        terminationGracePeriodSeconds: 30,
    });
}

/** `redis.conf` of these args; unless set, maxmemory follows the container limit (store-safety.ts): refuse writes before the OOM killer. */
export function redisConfigFor(args: RedisArgs): string {
    return redisConfig({ ...args, maxmemory: args.maxmemory ?? redisMaxmemory((args.resources ?? DEFAULT_REDIS_RESOURCES).limits.memory) });
}

/** The StatefulSet: the primary first, then replicas syncing from it, the config checksum rolling the pods, one data claim each. */
function redisStatefulSet(
    args: RedisArgs,
    id: StoreIdentity,
    w: { conf: string; password: SecretKeyRef; serviceAccountName: string; dependsOn: pulumi.Resource[] },
): StatefulSetArgs {
    const replicas = args.replicas ?? 1;
    const startScript = ofNamespace(args.namespace, (ns) => redisStartScript(podHost(id.sts, 0, id.headless, ns)));
    const containers = [redisContainer(args, startScript, w.password)];
    if (args.exporter) containers.push(redisExporter(args, w.password));
    return {
        namespace: namespaceName(args.namespace),
        name: id.sts,
        headlessServiceName: id.headless,
        ports: REDIS_SERVICE_PORTS,
        publishNotReadyAddresses: true,
        labels: id.labels,
        selector: id.selector,
        replicas,
        // The primary (-0) must be up before replicas sync from it.
        podManagementPolicy: "OrderedReady",
        retainVolumes: args.retainVolumes ?? true,
        template: {
            metadata: { labels: id.labels, annotations: { "checksum/config": configChecksum(w.conf), ...storePodAnnotations(replicas) } },
            spec: redisPodSpec(args, id, containers, w.serviceAccountName),
        },
        claims: [{ name: "data", size: args.storage?.size ?? DEFAULT_REDIS_STORAGE, storageClassName: args.storage?.storageClassName }],
        dependsOn: w.dependsOn,
    };
}

/** The client Service (the primary only: writes fail on replicas) and, with replicas, a read Service and a PDB. */
function createClientServices(name: string, args: RedisArgs, id: StoreIdentity, parent: pulumi.Resource): void {
    const { meta, selector } = id;
    const replicas = args.replicas ?? 1;
    const ports = REDIS_SERVICE_PORTS;
    const primarySelector = replicas > 1 ? { ...selector, "statefulset.kubernetes.io/pod-name": `${id.sts}-0` } : selector;
    new k8s.core.v1.Service(
        `${name}-svc`,
        {
            metadata: { ...meta(args.serviceName), annotations: serviceAnnotations("ClusterIP") },
            spec: { type: "ClusterIP", selector: primarySelector, ports },
        },
        { parent },
    );
    if (replicas > 1) {
        new k8s.core.v1.Service(
            `${name}-replicas-svc`,
            {
                metadata: { ...meta(`${args.serviceName}-replicas`), annotations: serviceAnnotations("ClusterIP") },
                spec: { type: "ClusterIP", selector, ports },
            },
            { parent },
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            { metadata: meta(id.sts), spec: { selector: { matchLabels: selector }, maxUnavailable: 1 } },
            { parent },
        );
    }
}

/**
 * Redis StatefulSet with its Services, Secret(s), config, PDB (replicas > 1), NetworkPolicy and
 * optional exporter. The client Service always reaches the primary (`<sts>-0`); with replicas a
 * `<serviceName>-replicas` Service spreads reads over every member.
 */
export class Redis extends pulumi.ComponentResource {
    public readonly statefulSetName: string;
    public readonly serviceName: string;
    public readonly headlessServiceName: string;
    /** `<serviceName>.<ns>.svc.cluster.local`, when the namespace is known while the program runs (not an Output). */
    public readonly host?: string;
    public readonly port: number;
    /** Where clients read the password (`secretEnv: { REDIS_PASSWORD: { secret: name, key } }`). */
    public readonly passwordSecret: SecretKeyRef;
    /** Where clients read the URL, when `urlSecret` was given. */
    public readonly urlSecret?: SecretKeyRef;
    /** The password as a secret Output (undefined when the Secret is owned elsewhere). */
    public readonly password?: pulumi.Output<string>;
    /** `redis://:<password>@host:6379` as a secret Output (undefined when the Secret is owned elsewhere). */
    public readonly url?: pulumi.Output<string>;
    public readonly selector: Labels;

    constructor(name: string, args: RedisArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("Redis", name, redisProblems(args));
        super(componentType("Redis"), name, {}, withOldTypeAlias("agent-platform:kube:Redis", opts));
        // A standalone Redis is a singleton (one pod, never autoscaled).
        const id = storeIdentity(args, "redis", { component: "cache", singleton: (args.replicas ?? 1) === 1 });
        this.statefulSetName = id.sts;
        this.serviceName = args.serviceName;
        this.headlessServiceName = id.headless;
        const host = ofNamespace(args.namespace, (ns) => serviceHost(args.serviceName, ns));
        if (typeof host === "string") this.host = host;
        this.port = REDIS_PORT;
        this.selector = id.selector;
        const creds = createStoreCredentials(
            name,
            id.sts,
            { namespace: namespaceName(args.namespace), labels: id.labels },
            args,
            (pw) => secretUrl("redis://:", pw, pulumi.interpolate`@${host}:${REDIS_PORT}`),
            this,
        );
        this.passwordSecret = creds.passwordSecret;
        this.urlSecret = creds.urlSecret;
        this.password = creds.password;
        this.url = creds.url;

        const conf = redisConfigFor(args);
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: id.meta(`${id.sts}-config`), data: { "redis.conf": conf } }, { parent: this });
        const sa = createServiceAccount(name, namespaceName(args.namespace), id.sts, id.labels, {}, this);
        const dependsOn = [config, sa.resource, ...creds.resources];
        const statefulSet = redisStatefulSet(args, id, { conf, password: this.passwordSecret, serviceAccountName: sa.name, dependsOn });
        createDataStore(name, id, args, { statefulSet, ...redisNetworkRules(args, id.sts), exporterPort: REDIS_EXPORTER_PORT }, this);
        createClientServices(name, args, id, this);
        this.registerOutputs({
            statefulSetName: id.sts,
            serviceName: args.serviceName,
            host: this.host,
            passwordSecret: this.passwordSecret,
            urlSecret: this.urlSecret,
            url: this.url,
        });
    }
}
