/**
 * Redis as a StatefulSet: AOF persistence, password in a Secret (generated with
 * `@pulumi/random` unless given), dangerous commands disabled, optional primary + replicas,
 * optional redis_exporter sidecar + ServiceMonitor, and a NetworkPolicy that admits only the
 * named client workloads. Pure builders (`redisConfig`, `redisStartScript`, ...) carry the logic.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities } from "./capabilities";
import { CredentialArgs, SecretKeyRef, createCredentialSecrets, credentialNames, credentialProblems, resolveCredentials, secretUrl } from "./credentials";
import { DEFAULT_EXPORTER_RESOURCES, createMetricsEndpoint, exporterContainer, scraperRule } from "./exporter";
import { redisMaxmemory, storePodAnnotations } from "./store-safety";
import { WorkloadFootprint, sumResources } from "./quota";
import { Labels, SINGLETON_LABEL, selectorLabels, standardLabels } from "./labels";
import { dns1123Problems, podHost, serviceHost } from "./names";
import { NetworkPeer, TrafficRule, allowListPolicySpec } from "./network";
import { PodPlacement, ResourceSpec, SecurityOptions, buildContainer, buildPodSpec } from "./pod";
import { Problem, assertNoProblems, check } from "./problems";
import { QUANTITY_RULE, isQuantity } from "./quantity";
import { createServiceAccount } from "./service-account";
import { createStatefulSet } from "./stateful-set";

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
const MAXMEMORY = /^[0-9]+(kb|mb|gb|k|m|g)?$/i;

export interface RedisStorage {
    /** @default "10Gi" (DEFAULT_REDIS_STORAGE) */
    size?: string;
    /** @default the cluster's default StorageClass */
    storageClassName?: string;
}

export interface RedisArgs extends CredentialArgs {
    /** Namespace (must exist). */
    namespace: string;
    /** StatefulSet name; pods are `<name>-0..n-1` (seed 003 runs `kubectl exec redis-0`). @default "redis" */
    statefulSetName?: string;
    /** The client Service other workloads resolve (seed 003: `redis-service`). */
    serviceName: string;
    /** Headless Service giving pods stable DNS. @default `<statefulSetName>-headless` */
    headlessServiceName?: string;
    /** Workloads (by `app.kubernetes.io/name`) admitted on 6379; nobody else is. */
    clients: string[];
    /** Extra peers admitted on 6379, e.g. workloads in another namespace. @default [] */
    extraClientPeers?: NetworkPeer[];
    /** 1 = standalone; n > 1 = `redis-0` primary + n-1 read replicas (`replicaof`). @default 1 */
    replicas?: number;
    /** Password value; generated (RandomPassword, 32 alphanumerics) when omitted. Must not contain `"` or newlines. */
    password?: Input<string>;
    /** Also create a Secret with `redis://:<password>@<svc>.<ns>.svc.cluster.local:6379`. @default none */
    urlSecret?: CredentialArgs["urlSecret"];
    /** redis_exporter sidecar, metrics Service (prometheus.io annotations) and ServiceMonitor (CRD-gated). @default false */
    exporter?: boolean;
    /** Who may scrape the exporter on 9121. @default pods in namespace `monitoring` */
    metricsScraper?: NetworkPeer;
    capabilities?: ClusterCapabilities;
    storage?: RedisStorage;
    /** Keep the data claims when the stack is destroyed or the set is scaled down. @default true */
    retainVolumes?: boolean;
    /** `maxmemory` (e.g. `768mb`); unset lets Redis grow to the container limit. @default unset */
    maxmemory?: string;
    /** @default "noeviction" (Redis holds state here, not a cache) */
    maxmemoryPolicy?: "noeviction" | "allkeys-lru" | "volatile-lru" | "allkeys-lfu" | "volatile-lfu" | "allkeys-random" | "volatile-random" | "volatile-ttl";
    /** @default 100m/256Mi requests, 1/1Gi limits */
    resources?: ResourceSpec;
    /** @default "redis:7.4.1-alpine" */
    image?: string;
    /** @default "oliver006/redis_exporter:v1.66.0" */
    exporterImage?: string;
    /** Exporter sidecar requests/limits (raise them to a namespace LimitRange's minimum). @default DEFAULT_EXPORTER_RESOURCES */
    exporterResources?: ResourceSpec;
    placement?: PodPlacement;
    partOf?: string;
    labels?: Labels;
}

/** Every rule the args must satisfy, as data (path, rule, value). */
export function redisProblems(a: RedisArgs): Problem[] {
    const sts = a.statefulSetName ?? "redis";
    const replicas = a.replicas ?? 1;
    const size = a.storage?.size ?? DEFAULT_REDIS_STORAGE;
    return [
        ...dns1123Problems([
            ["namespace", a.namespace],
            ["statefulSetName", sts],
            ["serviceName", a.serviceName],
            ["headlessServiceName", a.headlessServiceName ?? `${sts}-headless`],
            ...credentialNames(a),
            ...a.clients.map((c): [string, string] => ["clients[]", c]),
        ]),
        ...check(Number.isInteger(replicas) && replicas >= 1, "replicas", "must be an integer >= 1", replicas),
        ...check(
            a.clients.length > 0 || (a.extraClientPeers ?? []).length > 0,
            "clients",
            `must name at least one workload allowed to reach Redis on ${REDIS_PORT} (or set extraClientPeers)`,
            a.clients,
        ),
        ...credentialProblems(a),
        ...check(isQuantity(size), "storage.size", QUANTITY_RULE("10Gi"), size),
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
    const redis = a.resources ?? DEFAULT_REDIS_RESOURCES;
    return {
        pods: replicas,
        resources: a.exporter ? sumResources(redis, a.exporterResources ?? DEFAULT_EXPORTER_RESOURCES) : redis,
        claims: Array.from({ length: replicas }, () => a.storage?.size ?? DEFAULT_REDIS_STORAGE),
    };
}

/** The redis container: start script, password from the Secret, config and data mounts, tolerant probes. */
function redisContainer(a: RedisArgs, primaryHost: string, password: SecretKeyRef, security: { runAsUser: number; runAsGroup: number; fsGroup: number }) {
    const passwordEnv = (envName: string) => ({ name: envName, valueFrom: { secretKeyRef: { name: password.name, key: password.key } } });
    return buildContainer({
        name: "redis",
        image: a.image ?? REDIS_IMAGE,
        command: ["sh", "-c", redisStartScript(primaryHost)],
        ports: [{ name: "redis", containerPort: REDIS_PORT }],
        env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }, passwordEnv("REDIS_PASSWORD"), passwordEnv("REDISCLI_AUTH")],
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
        security,
    });
}

/** The redis_exporter sidecar; CONFIG is disabled (REDIS_DISABLED_COMMANDS), so "-" makes it skip config metrics instead of erroring. */
function redisExporter(a: RedisArgs, password: SecretKeyRef, security: { runAsUser: number; runAsGroup: number; fsGroup: number }) {
    return exporterContainer({
        image: a.exporterImage ?? REDIS_EXPORTER_IMAGE,
        port: REDIS_EXPORTER_PORT,
        env: [
            { name: "REDIS_ADDR", value: `redis://127.0.0.1:${REDIS_PORT}` },
            { name: "REDIS_EXPORTER_CONFIG_COMMAND", value: "-" },
            { name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: password.name, key: password.key } } },
        ],
        resources: a.exporterResources,
        // Liveness asks the exporter's /health; readiness is only the open port, so a slow
        // exporter never takes the Redis pod out of its Service.
        probes: { liveness: { path: "/health", port: "metrics" }, readiness: { tcp: true, port: "metrics" }, startup: { path: "/health", port: "metrics" } },
        security,
    });
}

/** Clients (and, with replicas, the members themselves) on 6379; the scraper on the exporter port. */
export function redisNetworkRules(a: RedisArgs, sts: string): { ingress: TrafficRule[]; egress: TrafficRule[] } {
    const replicas = a.replicas ?? 1;
    const clientPeers: NetworkPeer[] = [...a.clients.map((w) => ({ workload: w })), ...(a.extraClientPeers ?? [])];
    const ingress: TrafficRule[] = [{ peers: replicas > 1 ? [...clientPeers, { workload: sts }] : clientPeers, ports: [REDIS_PORT] }];
    const egress: TrafficRule[] = replicas > 1 ? [{ peers: [{ workload: sts }], ports: [REDIS_PORT] }] : [];
    if (a.exporter) ingress.push(scraperRule(a.metricsScraper, REDIS_EXPORTER_PORT));
    return { ingress, egress };
}

/**
 * Redis StatefulSet with its Services, Secret(s), config, PDB (replicas > 1), NetworkPolicy and
 * optional exporter. The client Service always reaches the primary (`<sts>-0`); with replicas a
 * `<serviceName>-replicas` Service spreads reads over every member.
 */
/** The pod spec: Redis (and its exporter), the config volume, zone spread when there are replicas. */
function redisPodSpec(
    args: RedisArgs,
    p: {
        sts: string;
        containers: k8s.types.input.core.v1.Container[];
        serviceAccountName: string;
        selector: Labels;
        replicas: number;
        security: SecurityOptions;
    },
) {
    return buildPodSpec({
        containers: p.containers,
        serviceAccountName: p.serviceAccountName,
        automountServiceAccountToken: false,
        volumes: [{ name: "config", configMap: { name: `${p.sts}-config` } }],
        selector: p.selector,
        // Replicas are only worth having in other zones: spread by zone by default when there are several.
        placement: { spreadAcrossZones: p.replicas > 1, ...(args.placement ?? {}) },
        security: p.security,
        terminationGracePeriodSeconds: 30,
    });
}

/** The client Service (the primary only: writes fail on replicas) and, with replicas, a read Service and a PDB. */
function createClientServices(
    name: string,
    c: {
        serviceName: string;
        sts: string;
        selector: Labels;
        ports: k8s.types.input.core.v1.ServicePort[];
        replicas: number;
        meta: (n: string) => { name: string; namespace: string; labels: Labels };
    },
    parent: pulumi.Resource,
): void {
    const { meta, selector, replicas } = c;
    const primarySelector = replicas > 1 ? { ...selector, "statefulset.kubernetes.io/pod-name": `${c.sts}-0` } : selector;
    new k8s.core.v1.Service(
        `${name}-svc`,
        { metadata: meta(c.serviceName), spec: { type: "ClusterIP", selector: primarySelector, ports: c.ports } },
        { parent },
    );
    if (replicas > 1) {
        new k8s.core.v1.Service(
            `${name}-replicas-svc`,
            { metadata: meta(`${c.serviceName}-replicas`), spec: { type: "ClusterIP", selector, ports: c.ports } },
            { parent },
        );
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            { metadata: meta(c.sts), spec: { selector: { matchLabels: selector }, maxUnavailable: 1 } },
            { parent },
        );
    }
}

export class Redis extends pulumi.ComponentResource {
    public readonly statefulSetName: string;
    public readonly serviceName: string;
    public readonly headlessServiceName: string;
    /** `<serviceName>.<ns>.svc.cluster.local` */
    public readonly host: string;
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
        super("agent-platform:kube:Redis", name, {}, opts);
        const ns = args.namespace;
        const sts = args.statefulSetName ?? "redis";
        const headless = args.headlessServiceName ?? `${sts}-headless`;
        const replicas = args.replicas ?? 1;
        this.statefulSetName = sts;
        this.serviceName = args.serviceName;
        this.headlessServiceName = headless;
        this.host = serviceHost(args.serviceName, ns);
        this.port = REDIS_PORT;
        const selector = selectorLabels(sts);
        this.selector = selector;
        // A standalone Redis is a singleton (one pod, never autoscaled): the policy pack exempts it from min-replicas/HPA.
        const labels = standardLabels(sts, {
            partOf: args.partOf,
            component: "cache",
            extra: { ...(args.labels ?? {}), ...(replicas === 1 ? { [SINGLETON_LABEL]: "true" } : {}) },
        });
        const meta = (n: string) => ({ name: n, namespace: ns, labels });
        const child = { parent: this };

        const creds = resolveCredentials(sts, args);
        this.passwordSecret = { name: creds.passwordSecret.name, key: creds.passwordSecret.key };
        this.urlSecret = creds.urlSecret;
        const secrets = createCredentialSecrets(name, ns, labels, this, {
            password: args.password,
            creds,
            buildUrl: (pw) => secretUrl("redis://:", pw, `@${this.host}:${REDIS_PORT}`),
        });
        this.password = secrets.password;
        this.url = secrets.url;

        // Unless set, maxmemory follows the container limit (store-safety.ts): refuse writes before the OOM killer.
        const conf = redisConfig({ ...args, maxmemory: args.maxmemory ?? redisMaxmemory((args.resources ?? DEFAULT_REDIS_RESOURCES).limits.memory) });
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: meta(`${sts}-config`), data: { "redis.conf": conf } }, child);
        const sa = createServiceAccount(name, ns, sts, labels, {}, this);
        const security = { runAsUser: REDIS_UID, runAsGroup: REDIS_UID, fsGroup: REDIS_UID };
        const containers = [redisContainer(args, podHost(sts, 0, headless, ns), this.passwordSecret, security)];
        if (args.exporter) containers.push(redisExporter(args, this.passwordSecret, security));

        const redisPorts = [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP" }];
        createStatefulSet(
            name,
            {
                namespace: ns,
                name: sts,
                headlessServiceName: headless,
                ports: redisPorts,
                publishNotReadyAddresses: true,
                labels,
                selector,
                replicas,
                // The primary (-0) must be up before replicas sync from it.
                podManagementPolicy: "OrderedReady",
                retainVolumes: args.retainVolumes ?? true,
                template: {
                    metadata: { labels, annotations: { "checksum/config": configChecksum(conf), ...storePodAnnotations(replicas) } },
                    spec: redisPodSpec(args, { sts, containers, serviceAccountName: sa.name, selector, replicas, security }),
                },
                claims: [{ name: "data", size: args.storage?.size ?? DEFAULT_REDIS_STORAGE, storageClassName: args.storage?.storageClassName }],
                dependsOn: [config, sa.resource, ...secrets.resources],
            },
            this,
        );
        createClientServices(name, { serviceName: args.serviceName, sts, selector, ports: redisPorts, replicas, meta }, this);
        const rules = redisNetworkRules(args, sts);
        new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, { metadata: meta(sts), spec: allowListPolicySpec(selector, rules.ingress, rules.egress) }, child);
        if (args.exporter)
            createMetricsEndpoint(name, { namespace: ns, workload: sts, labels, selector, port: REDIS_EXPORTER_PORT, capabilities: args.capabilities }, this);
        this.registerOutputs({
            statefulSetName: sts,
            serviceName: args.serviceName,
            host: this.host,
            passwordSecret: this.passwordSecret,
            urlSecret: this.urlSecret,
            url: this.url,
        });
    }
}
