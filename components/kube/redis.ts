/**
 * Redis as a StatefulSet: AOF persistence, password in a Secret (generated with
 * `@pulumi/random` unless given), dangerous commands disabled, optional primary + replicas,
 * optional redis_exporter sidecar + ServiceMonitor, and a NetworkPolicy that admits only the
 * named client workloads. Pure builders (`redisConfig`, `redisStartScript`, ...) carry the logic.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { COMPONENT_LABEL, Labels, SINGLETON_LABEL, selectorLabels, standardLabels } from "./labels";
import { dns1123Problem } from "./names";
import { NetworkPeer, TrafficRule, allowListPolicySpec } from "./network";
import { PodPlacement, ResourceSpec, buildContainer, buildPodSpec } from "./pod";
import { createServiceAccount } from "./service-account";
import { prometheusScrapeAnnotations, serviceMonitorSpec } from "./service-monitor";

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
export const DEFAULT_EXPORTER_RESOURCES: ResourceSpec = {
    requests: { cpu: "25m", memory: "32Mi" },
    limits: { cpu: "100m", memory: "128Mi" },
};
/** Commands renamed to "" (disabled): wipe-everything and reconfigure-at-runtime (Bitnami disables FLUSHDB/FLUSHALL). */
export const REDIS_DISABLED_COMMANDS = ["FLUSHALL", "FLUSHDB", "CONFIG", "DEBUG"];
/** Where Prometheus runs when the caller names no scraper: namespace `monitoring` (kube-prometheus-stack). */
export const DEFAULT_METRICS_SCRAPER: NetworkPeer = { namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" } };
/** Length of generated passwords; alphanumeric so they are safe in URLs and config files. */
export const GENERATED_PASSWORD_LENGTH = 32;

const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const MAXMEMORY = /^[0-9]+(kb|mb|gb|k|m|g)?$/i;

/** Where a credential lives: a Secret name and key. */
export interface SecretKeyRef {
    name: string;
    key: string;
}

/** The password Secret: created by the component, or owned elsewhere (`existing`). */
export interface PasswordSecretSpec {
    /** Secret name. */
    name: string;
    /** @default "password" */
    key?: string;
    /**
     * The Secret already exists and is owned elsewhere (seed 003: `agent-secrets`/`redis-password`):
     * the component only references it, generates nothing, and cannot publish a URL. @default false
     */
    existing?: boolean;
}

/** A Secret the component creates holding a client connection URL (seed 002: `redis-credentials`/`url`). */
export interface UrlSecretSpec {
    name: string;
    /** @default "url" */
    key?: string;
}

export interface RedisStorage {
    /** @default "10Gi" (DEFAULT_REDIS_STORAGE) */
    size?: string;
    /** @default the cluster's default StorageClass */
    storageClassName?: string;
}

export interface RedisArgs {
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
    /** @default { name: `<statefulSetName>-password`, key: "password" } created by the component */
    passwordSecret?: PasswordSecretSpec;
    /** Also create a Secret with `redis://:<password>@<svc>.<ns>.svc.cluster.local:6379`. @default none */
    urlSecret?: UrlSecretSpec;
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

/** Every rule the args must satisfy; messages name the field, the rule and the value. */
export function redisProblems(a: RedisArgs): string[] {
    const p: string[] = [];
    const sts = a.statefulSetName ?? "redis";
    const names: [string, string][] = [["namespace", a.namespace], ["statefulSetName", sts], ["serviceName", a.serviceName],
        ["headlessServiceName", a.headlessServiceName ?? `${sts}-headless`]];
    if (a.passwordSecret) names.push(["passwordSecret.name", a.passwordSecret.name]);
    if (a.urlSecret) names.push(["urlSecret.name", a.urlSecret.name]);
    for (const c of a.clients) names.push(["clients[]", c]);
    for (const [f, v] of names) {
        p.push(...dns1123Problem(f, v));
    }
    const replicas = a.replicas ?? 1;
    if (!Number.isInteger(replicas) || replicas < 1) p.push(`replicas must be an integer >= 1, got ${replicas}`);
    if (a.clients.length === 0 && (a.extraClientPeers ?? []).length === 0) {
        p.push("clients must name at least one workload allowed to reach Redis on 6379 (or set extraClientPeers), got []");
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
    const size = a.storage?.size ?? DEFAULT_REDIS_STORAGE;
    if (!QUANTITY.test(size)) p.push(`storage.size must be a quantity such as 10Gi, got "${size}"`);
    if (a.maxmemory !== undefined && !MAXMEMORY.test(a.maxmemory)) p.push(`maxmemory must be bytes with an optional kb/mb/gb unit such as 768mb, got "${a.maxmemory}"`);
    return p;
}

export function validateRedisArgs(name: string, a: RedisArgs): void {
    const problems = redisProblems(a);
    if (problems.length) throw new Error(`invalid Redis args for ${name}:\n  - ${problems.join("\n  - ")}`);
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

/** DNS name of the primary (`<sts>-0`) under the headless Service. */
export function redisPrimaryHost(sts: string, headless: string, namespace: string): string {
    return `${sts}-0.${headless}.${namespace}.svc.cluster.local`;
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
export const REDIS_LIVENESS_COMMAND = ["sh", "-c", `r="$(${PING} 2>&1 | head -n1 | awk '{print $1}')"; case "$r" in PONG|LOADING|MASTERDOWN) exit 0;; *) echo "$r"; exit 1;; esac`];
export const REDIS_READINESS_COMMAND = ["sh", "-c", `test "$(${PING} 2>&1)" = PONG`];

/** Deterministic digest of a config file: rolls the pods when the config changes. */
export function configChecksum(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

/** A connection URL built from a (secret) password; the result stays secret. */
export function secretUrl(prefix: string, password: Input<string>, suffix: string): pulumi.Output<string> {
    return pulumi.secret(pulumi.interpolate`${prefix}${pulumi.output(password).apply(encodeURIComponent)}${suffix}`);
}

/** Groups secret entries by Secret name so a password and a URL may share one Secret. */
export function secretsByName(entries: { name: string; key: string; value: Input<string> }[]): Map<string, Record<string, Input<string>>> {
    const out = new Map<string, Record<string, Input<string>>>();
    for (const e of entries) out.set(e.name, { ...(out.get(e.name) ?? {}), [e.key]: e.value });
    return out;
}

/** Creates the generated/given password and the Secrets that hold it. Shared by Redis and Postgres. */
export function createCredentialSecrets(
    prefix: string, namespace: string, labels: Labels, parent: pulumi.Resource,
    o: { password?: Input<string>; passwordSecret: SecretKeyRef & { existing?: boolean }; url?: { secret: SecretKeyRef; build: (pw: Input<string>) => pulumi.Output<string> } },
): { password?: pulumi.Output<string>; url?: pulumi.Output<string>; resources: k8s.core.v1.Secret[] } {
    if (o.passwordSecret.existing) return { resources: [] };
    const password = o.password !== undefined
        ? pulumi.secret(o.password)
        : new random.RandomPassword(`${prefix}-password`, { length: GENERATED_PASSWORD_LENGTH, special: false }, { parent }).result;
    const url = o.url ? o.url.build(password) : undefined;
    const grouped = secretsByName([
        { ...o.passwordSecret, value: password },
        ...(o.url && url ? [{ ...o.url.secret, value: url }] : []),
    ]);
    const resources = [...grouped.entries()].map(([secretName, data], i) => new k8s.core.v1.Secret(`${prefix}-secret${i === 0 ? "" : `-${i}`}`, {
        metadata: { name: secretName, namespace, labels },
        type: "Opaque",
        stringData: pulumi.secret(data) as unknown as Record<string, Input<string>>,
    }, { parent }));
    return { password: pulumi.secret(password), url, resources };
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
        validateRedisArgs(name, args);
        super("agent-platform:kube:Redis", name, {}, opts);
        const a = args;
        const ns = a.namespace;
        const sts = a.statefulSetName ?? "redis";
        const headless = a.headlessServiceName ?? `${sts}-headless`;
        const replicas = a.replicas ?? 1;
        const retain = a.retainVolumes ?? true;
        this.statefulSetName = sts;
        this.serviceName = a.serviceName;
        this.headlessServiceName = headless;
        this.host = `${a.serviceName}.${ns}.svc.cluster.local`;
        this.port = REDIS_PORT;
        const selector = selectorLabels(sts);
        this.selector = selector;
        // A standalone Redis is a singleton (one pod, never autoscaled): the policy pack exempts it from min-replicas/HPA.
        const labels = standardLabels(sts, { partOf: a.partOf, component: "cache", extra: { ...(a.labels ?? {}), ...(replicas === 1 ? { [SINGLETON_LABEL]: "true" } : {}) } });
        const meta = (n: string, extra: Record<string, unknown> = {}) => ({ name: n, namespace: ns, labels, ...extra });
        const child = { parent: this };

        const pwSecret = { name: a.passwordSecret?.name ?? `${sts}-password`, key: a.passwordSecret?.key ?? "password", existing: a.passwordSecret?.existing ?? false };
        this.passwordSecret = { name: pwSecret.name, key: pwSecret.key };
        const urlRef = a.urlSecret ? { name: a.urlSecret.name, key: a.urlSecret.key ?? "url" } : undefined;
        this.urlSecret = urlRef;
        const creds = createCredentialSecrets(name, ns, labels, this, {
            password: a.password,
            passwordSecret: pwSecret,
            url: urlRef ? { secret: urlRef, build: (pw) => secretUrl("redis://:", pw, `@${this.host}:${REDIS_PORT}`) } : undefined,
        });
        this.password = creds.password;
        this.url = creds.url;

        const conf = redisConfig(a);
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: meta(`${sts}-config`), data: { "redis.conf": conf } }, child);
        const sa = createServiceAccount(name, ns, sts, labels, {}, this);

        const passwordEnv = (envName: string) => ({ name: envName, valueFrom: { secretKeyRef: { name: pwSecret.name, key: pwSecret.key } } });
        const security = { runAsUser: REDIS_UID, runAsGroup: REDIS_UID, fsGroup: REDIS_UID };
        const redis = buildContainer({
            name: "redis",
            image: a.image ?? REDIS_IMAGE,
            command: ["sh", "-c", redisStartScript(redisPrimaryHost(sts, headless, ns))],
            ports: [{ name: "redis", containerPort: REDIS_PORT }],
            env: [
                { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                passwordEnv("REDIS_PASSWORD"),
                passwordEnv("REDISCLI_AUTH"),
            ],
            volumeMounts: [{ name: "data", mountPath: "/data" }, { name: "config", mountPath: "/etc/redis", readOnly: true }],
            resources: a.resources ?? DEFAULT_REDIS_RESOURCES,
            probes: {
                liveness: { command: REDIS_LIVENESS_COMMAND, periodSeconds: 10, timeoutSeconds: 5 },
                readiness: { command: REDIS_READINESS_COMMAND, periodSeconds: 5, timeoutSeconds: 3 },
                // Loading a large AOF can take minutes: 60 x 5s before liveness takes over.
                startup: { command: REDIS_LIVENESS_COMMAND, periodSeconds: 5, timeoutSeconds: 5, failureThreshold: 60 },
            },
            security,
        });
        const containers = [redis];
        if (a.exporter) {
            containers.push(buildContainer({
                name: "exporter",
                image: a.exporterImage ?? REDIS_EXPORTER_IMAGE,
                ports: [{ name: "metrics", containerPort: REDIS_EXPORTER_PORT }],
                env: [
                    { name: "REDIS_ADDR", value: `redis://127.0.0.1:${REDIS_PORT}` },
                    // CONFIG is disabled (REDIS_DISABLED_COMMANDS): "-" makes the exporter skip config metrics instead of erroring.
                    { name: "REDIS_EXPORTER_CONFIG_COMMAND", value: "-" },
                    passwordEnv("REDIS_PASSWORD"),
                ],
                resources: a.exporterResources ?? DEFAULT_EXPORTER_RESOURCES,
                // Liveness asks the exporter's /health; readiness is only the open port, so a slow
                // exporter never takes the Redis pod out of its Service.
                probes: { liveness: { path: "/health", port: "metrics" }, readiness: { tcp: true, port: "metrics" }, startup: { path: "/health", port: "metrics" } },
                security,
            }));
        }

        const headlessSvc = new k8s.core.v1.Service(`${name}-headless`, {
            metadata: meta(headless),
            spec: { clusterIP: "None", publishNotReadyAddresses: true, selector, ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP" }] },
        }, child);
        // With replicas the client Service must reach only the primary: writes fail on replicas.
        const primarySelector = replicas > 1 ? { ...selector, "statefulset.kubernetes.io/pod-name": `${sts}-0` } : selector;
        new k8s.core.v1.Service(`${name}-svc`, {
            metadata: meta(a.serviceName),
            spec: { type: "ClusterIP", selector: primarySelector, ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP" }] },
        }, child);
        if (replicas > 1) {
            new k8s.core.v1.Service(`${name}-replicas-svc`, {
                metadata: meta(`${a.serviceName}-replicas`),
                spec: { type: "ClusterIP", selector, ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP" }] },
            }, child);
        }

        new k8s.apps.v1.StatefulSet(`${name}-sts`, {
            metadata: meta(sts),
            spec: {
                replicas,
                serviceName: headless,
                // The primary (-0) must be up before replicas sync from it.
                podManagementPolicy: "OrderedReady",
                selector: { matchLabels: selector },
                updateStrategy: { type: "RollingUpdate" },
                persistentVolumeClaimRetentionPolicy: retain ? { whenDeleted: "Retain", whenScaled: "Retain" } : { whenDeleted: "Delete", whenScaled: "Delete" },
                template: {
                    metadata: { labels, annotations: { "checksum/config": configChecksum(conf) } },
                    spec: buildPodSpec({
                        containers,
                        serviceAccountName: sa.name,
                        automountServiceAccountToken: false,
                        volumes: [{ name: "config", configMap: { name: `${sts}-config` } }],
                        selector,
                        // Replicas are only worth having in other zones: spread by zone by default when there are several.
                        placement: { spreadAcrossZones: replicas > 1, ...(a.placement ?? {}) },
                        security,
                        terminationGracePeriodSeconds: 30,
                    }),
                },
                volumeClaimTemplates: [{
                    metadata: { name: "data", labels: selector },
                    spec: {
                        accessModes: ["ReadWriteOnce"],
                        resources: { requests: { storage: a.storage?.size ?? DEFAULT_REDIS_STORAGE } },
                        ...(a.storage?.storageClassName ? { storageClassName: a.storage.storageClassName } : {}),
                    },
                }],
            },
        }, { parent: this, dependsOn: [headlessSvc, config, sa.resource, ...creds.resources] });

        if (replicas > 1) {
            new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
                metadata: meta(sts),
                spec: { selector: { matchLabels: selector }, maxUnavailable: 1 },
            }, child);
        }

        const clientPeers: NetworkPeer[] = [...a.clients.map((w) => ({ workload: w })), ...(a.extraClientPeers ?? [])];
        const ingress: TrafficRule[] = [{ peers: replicas > 1 ? [...clientPeers, { workload: sts }] : clientPeers, ports: [REDIS_PORT] }];
        const egress: TrafficRule[] = replicas > 1 ? [{ peers: [{ workload: sts }], ports: [REDIS_PORT] }] : [];
        if (a.exporter) ingress.push({ peers: [a.metricsScraper ?? DEFAULT_METRICS_SCRAPER], ports: [REDIS_EXPORTER_PORT] });
        new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, { metadata: meta(sts), spec: allowListPolicySpec(selector, ingress, egress) }, child);

        if (a.exporter) {
            const metricsLabels = { ...labels, [COMPONENT_LABEL]: "metrics" };
            const metricsSvc = new k8s.core.v1.Service(`${name}-metrics-svc`, {
                metadata: { name: `${sts}-metrics`, namespace: ns, labels: metricsLabels, annotations: prometheusScrapeAnnotations(REDIS_EXPORTER_PORT) },
                spec: { type: "ClusterIP", selector, ports: [{ name: "metrics", port: REDIS_EXPORTER_PORT, targetPort: "metrics", protocol: "TCP" }] },
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
        this.registerOutputs({ statefulSetName: sts, serviceName: a.serviceName, host: this.host, passwordSecret: this.passwordSecret, urlSecret: this.urlSecret, url: this.url });
    }
}
