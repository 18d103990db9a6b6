/**
 * seed 001: the inquisitor (Apparatus System Harness) Raft cluster, its metrics endpoint, the
 * stateless API tier, shared config, and daily Velero backups of the namespace.
 */
import * as random from "@pulumi/random";
import {
    AgentService,
    AgentServiceArgs,
    agentServiceFootprint,
    ConfigBundle,
    TrafficRule,
    PlatformNamespace,
    PlatformNamespaceArgs,
    ProbeSet,
    ResourceSpec,
    serviceUrl,
    RaftCluster,
    RaftClusterArgs,
    raftClusterFootprint,
    MetricsService,
    prometheusScrapeAnnotations,
} from "agent-platform";
import { Environment, privateNetworkScope } from "agent-platform/config";
import { InquisitorConfig, loadBalancersAvailable } from "./config";
import { SystemContext, SystemOutputs, environmentDefaults, kubeApiRule, storageOf, backupNamespace, DEFAULT_POD_LIMITS, systemNamespaceArgs } from "../types";

// seed 001 names: other services and operators address these by DNS.
export const NAMESPACE = "inquisitor-system";
export const PART_OF = "inquisitor";
export const RAFT_NAME = "inquisitor";
export const HEADLESS_NAME = "inquisitor-headless";
export const METRICS_NAME = "inquisitor-metrics";
export const API_NAME = "inquisitor-api";
export const CONFIG_NAME = "inquisitor-config";
export const SECRET_NAME = "inquisitor-secrets";
export const BACKUP_SCHEDULE_NAME = "inquisitor-daily";
// seed 001: containerPort 8000 (http) and 4321 (raft); client Service 80 -> 8000.
export const HTTP_PORT = 8000;
export const RAFT_PORT = 4321;
export const CLIENT_PORT = 80;
// seed 001: manifests and artifacts mounted at /app/manifests and /app/artifacts.
export const MANIFEST_DIR = "/app/manifests";
export const ARTIFACT_DIR = "/app/artifacts";
/** What makes an AWS LoadBalancer Service internal (the policy pack's net-no-public-service accepts either). */
export const INTERNAL_LB_ANNOTATIONS = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
};
/** Marks pods that call the Kubernetes API (the policy pack's sec-no-automount-sa-token reads it). */
export const USES_KUBE_API = { "agent-platform.io/uses-kube-api": "true" };

// seed 001 StatefulSet: requests 500m/1Gi, limits 1000m/2Gi.
export const RAFT_RESOURCES: ResourceSpec = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1000m", memory: "2Gi" } };
// The API tier is stateless request handling; the seed gives it no numbers. CPU requests are what its HPA's 70% refers to.
export const API_RESOURCES: ResourceSpec = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1000m", memory: "1Gi" } };
// seed 001: liveness /health (initialDelay 30, period 10), readiness /ready (initialDelay 10, period 5).
export const INQUISITOR_PROBES: ProbeSet = {
    liveness: { path: "/health", portName: "http", initialDelaySeconds: 30, periodSeconds: 10 },
    readiness: { path: "/ready", portName: "http", initialDelaySeconds: 10, periodSeconds: 5 },
    startup: { path: "/health", portName: "http", periodSeconds: 10, failureThreshold: 30 },
};
// seed 001 Role `inquisitor-role`: configmaps and secrets get/list/watch; secrets narrowed to the system's own.
export const INQUISITOR_RULES = [
    { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] },
    { apiGroups: [""], resources: ["secrets"], resourceNames: [SECRET_NAME], verbs: ["get", "list", "watch"] },
];

const shared = {
    envFrom: { configMaps: [CONFIG_NAME] },
    secretEnv: { API_KEY: { secret: SECRET_NAME, key: "api-key" } },
};
const scrapers = (config: InquisitorConfig): TrafficRule => ({
    peers: [{ namespaceLabels: { "kubernetes.io/metadata.name": config.monitoringNamespace } }],
    ports: [HTTP_PORT],
});

/** seed 001 StatefulSet `inquisitor`: 2f+1 Raft members with per-replica claims, headless and client Services. */
function raftArgs(config: InquisitorConfig, ctx: SystemContext): RaftClusterArgs {
    const env = environmentDefaults(ctx.environment);
    const publicLb = config.publicExposure && loadBalancersAvailable(ctx.config);
    const lbSources = [...(config.loadBalancerSourceRanges ?? privateNetworkScope(ctx.config.cluster))];
    const kubeApi = kubeApiRule(config.kubeApiCidrs, ctx.config);
    return {
        namespace: NAMESPACE,
        name: RAFT_NAME,
        partOf: PART_OF,
        image: config.image,
        replicas: config.replicas,
        httpPort: HTTP_PORT,
        raftPort: RAFT_PORT,
        headlessServiceName: HEADLESS_NAME,
        clientService: {
            name: RAFT_NAME,
            type: publicLb ? "LoadBalancer" : "ClusterIP",
            port: CLIENT_PORT,
            ...(publicLb && config.loadBalancerScheme === "internal" ? { annotations: INTERNAL_LB_ANNOTATIONS } : {}),
            ...(publicLb ? { loadBalancerSourceRanges: lbSources } : {}),
        },
        volumes: [
            { name: "manifests", mountPath: MANIFEST_DIR, ...storageOf(config.manifestsStorage) },
            { name: "artifacts", mountPath: ARTIFACT_DIR, ...storageOf(config.artifactsStorage) },
        ],
        // seed 001 names the node id RAFT_NODE_ID (the pod name).
        nodeIdEnvVar: "RAFT_NODE_ID",
        ...shared,
        resources: config.resources ?? RAFT_RESOURCES,
        probes: INQUISITOR_PROBES,
        placement: { spreadAcrossZones: env.spreadAcrossZones },
        serviceAccount: { name: RAFT_NAME, rules: INQUISITOR_RULES },
        podAnnotations: USES_KUBE_API,
        ingress: [
            // seed 001 NetworkPolicy: 8000 and 4321 from the namespace.
            { peers: [{ namespace: NAMESPACE }], ports: [HTTP_PORT, RAFT_PORT] },
            scrapers(config),
            // The load balancer's clients (an NLB keeps their addresses), no wider.
            ...(publicLb ? [{ peers: lbSources.map((cidr) => ({ cidr })), ports: [HTTP_PORT] }] : []),
        ],
        // Followers forward writes to the leader's HTTP port; members watch their ConfigMap/Secret through the API server.
        egress: [{ peers: [{ workload: RAFT_NAME }], ports: [HTTP_PORT] }, kubeApi],
        retainVolumes: env.retainVolumes,
    };
}

/** The stateless API tier (HPA), in front of the Raft cluster's client Service. */
function apiArgs(config: InquisitorConfig, ctx: SystemContext): AgentServiceArgs {
    const env = environmentDefaults(ctx.environment);
    return {
        namespace: NAMESPACE,
        name: API_NAME,
        partOf: PART_OF,
        component: "api",
        image: config.api.image ?? config.image,
        ports: [{ name: "http", containerPort: HTTP_PORT }],
        service: { ports: [{ name: "http", port: CLIENT_PORT, targetPortName: "http" }] },
        hpa: config.api.hpa,
        ...shared,
        env: { INQUISITOR_CLUSTER_URL: serviceUrl("http", RAFT_NAME, NAMESPACE, CLIENT_PORT) },
        // Stateless: the directories MANIFEST_DIR/ARTIFACT_DIR name are scratch space here; the Raft members own the data.
        volumes: [
            { name: "manifests", mountPath: MANIFEST_DIR, emptyDir: { sizeLimit: "1Gi" } },
            { name: "artifacts", mountPath: ARTIFACT_DIR, emptyDir: { sizeLimit: "2Gi" } },
        ],
        resources: config.api.resources ?? API_RESOURCES,
        probes: INQUISITOR_PROBES,
        placement: { spreadAcrossZones: env.spreadAcrossZones },
        podAnnotations: prometheusScrapeAnnotations(HTTP_PORT),
        serviceMonitor: { port: "http" },
        network: {
            ingress: [{ peers: [{ namespace: NAMESPACE }], ports: [HTTP_PORT] }, scrapers(config)],
            egress: [{ peers: [{ workload: RAFT_NAME }], ports: [HTTP_PORT] }],
        },
        capabilities: ctx.capabilities,
        retainVolumes: env.retainVolumes,
    };
}

/** The namespace: restricted pods, a quota summed from the Raft members' and the API tier's footprints, default requests. */
export function namespaceArgs(raft: RaftClusterArgs, api: AgentServiceArgs, environment: Environment): PlatformNamespaceArgs {
    return systemNamespaceArgs(environment, {
        name: NAMESPACE,
        partOf: PART_OF,
        quota: { name: "inquisitor-quota", footprints: [raftClusterFootprint(raft), agentServiceFootprint(api)] },
        limits: { name: "inquisitor-limits", ...DEFAULT_POD_LIMITS },
    });
}

export function deployInquisitor(config: InquisitorConfig, ctx: SystemContext): SystemOutputs {
    const raft = raftArgs(config, ctx);
    const api = apiArgs(config, ctx);
    const namespace = new PlatformNamespace("inquisitor", namespaceArgs(raft, api, ctx.environment), { parent: ctx.parent });
    const inNamespace = { parent: ctx.parent, dependsOn: [namespace] };

    // The key clients present to the inquisitor API; generated, stable across updates, never in config files.
    const apiKey = new random.RandomPassword("inquisitor-api-key", { length: 48, special: false }, { parent: ctx.parent });
    const settings = new ConfigBundle(
        "inquisitor-settings",
        {
            namespace: NAMESPACE,
            partOf: PART_OF,
            configMap: {
                name: CONFIG_NAME,
                data: { LOG_LEVEL: config.logLevel, LOG_FORMAT: config.logFormat, MANIFEST_DIR, ARTIFACT_DIR },
            },
            secret: { name: SECRET_NAME, data: { "api-key": apiKey.result } },
        },
        inNamespace,
    );
    const cluster = new RaftCluster("inquisitor", raft, { parent: ctx.parent, dependsOn: [namespace, settings] });

    // seed 001 `inquisitor-metrics`: prometheus.io/* annotations, plus a ServiceMonitor where the operator runs.
    const metrics = new MetricsService(
        "inquisitor-metrics",
        {
            namespace: NAMESPACE,
            name: METRICS_NAME,
            workload: RAFT_NAME,
            port: HTTP_PORT,
            targetPortName: "http",
            serviceMonitor: { enabled: true },
            capabilities: ctx.capabilities,
            partOf: PART_OF,
        },
        { parent: ctx.parent, dependsOn: [namespace, cluster] },
    );
    const apiTier = new AgentService("inquisitor-api", api, { parent: ctx.parent, dependsOn: [namespace, settings] });

    backupNamespace(
        "inquisitor-backups",
        { scheduleName: BACKUP_SCHEDULE_NAME, namespace: NAMESPACE, partOf: PART_OF, backup: config.backup },
        ctx,
        inNamespace,
    );

    return {
        namespace: NAMESPACE,
        services: {
            [RAFT_NAME]: cluster.url!,
            [HEADLESS_NAME]: serviceUrl("http", HEADLESS_NAME, NAMESPACE, HTTP_PORT),
            [METRICS_NAME]: serviceUrl("http", metrics.serviceName, NAMESPACE, HTTP_PORT),
            [API_NAME]: apiTier.url!,
        },
    };
}
