/**
 * seed 002: automatic-claude-code. The manager agent orchestrates an autoscaled pool of worker
 * agents behind an API gateway; a dashboard (React frontend + WebSocket backend) is published
 * through `dashboard-ingress`; Redis holds sessions and the task queue, Postgres persists tasks
 * (nightly dump + Velero). Optional Istio mesh with STRICT mTLS.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClaudeCodeConfig } from "../../components/config/systems/claude-code";
import { AgentService } from "../../components/kube/agent-service";
import { Backups } from "../../components/kube/backups";
import { DEFAULT_EXPORTER_RESOURCES } from "../../components/kube/exporter";
import { DEFAULT_DUMP_RESOURCES, DumpDestination } from "../../components/kube/pg-dump";
import { ConfigBundle } from "../../components/kube/config-bundle";
import { INTERNET_HTTPS, TrafficRule } from "../../components/kube/network";
import { PART_OF_LABEL } from "../../components/kube/labels";
import { PlatformNamespace } from "../../components/kube/platform-namespace";
import { ProbeSet, ResourceSpec } from "../../components/kube/pod";
import { DEFAULT_POSTGRES_RESOURCES, POSTGRES_PORT, Postgres } from "../../components/kube/postgres";
import { WorkloadFootprint, cpuMillis, formatCpu, formatMemory, memoryMi, quotaFor } from "../../components/kube/quota";
import { DEFAULT_REDIS_RESOURCES, REDIS_PORT, Redis } from "../../components/kube/redis";
import { MeshPolicy } from "../../components/kube/service-mesh";
import { EbsStorageClass } from "../../components/kube/storage";
import { WebIngress, ingressControllerPeer } from "../../components/kube/web-ingress";
import { SystemContext, SystemOutputs, environmentDefaults } from "./types";

// seed 002 names: other services and operators address these by DNS.
export const NAMESPACE = "claude-code";
export const PART_OF = "claude-code";
export const MANAGER = "manager-agent";
export const WORKER = "worker-agent";
export const GATEWAY = "api-gateway";
export const FRONTEND = "dashboard-frontend";
export const BACKEND = "dashboard-backend";
export const REDIS = "redis";
export const POSTGRES = "postgres";
export const INGRESS_NAME = "dashboard-ingress";
export const TLS_SECRET = "dashboard-tls";
export const APP_CONFIG = "app-config";
export const SECRETS_NAME = "claude-code-secrets";
export const SERVICE_ACCOUNT = "claude-code-sa";
export const QUOTA_NAME = "claude-code-quota";
export const LIMITS_NAME = "claude-code-limits";
export const MONITOR_NAME = "agent-metrics";
export const REDIS_CREDENTIALS = "redis-credentials";
export const POSTGRES_CREDENTIALS = "postgres-credentials";
export const POSTGRES_CLAIM = "postgres-data";
export const BACKUP_CRONJOB = "postgres-backup";
export const VELERO_SCHEDULE = "claude-code-daily-backup";
export const DATABASE = "claude_code";
/** seed 002 StorageClass for the databases (EBS gp3 through the CSI driver). */
export const FAST_SSD = "fast-ssd";

// seed 002: containerPort 3000 for the agents; the dashboard frontend is served on 6011 (config.json
// monitoring.dashboardPort) behind Service port 80; the WebSocket backend on 4005 (monitoring.apiPort).
export const AGENT_PORT = 3000;
export const FRONTEND_PORT = 6011;
export const FRONTEND_SERVICE_PORT = 80;
export const BACKEND_PORT = 4005;
/** Where `app-config` (config.json) is mounted in the agents. */
export const CONFIG_DIR = "/app/config";
/** Namespace of the Prometheus that scrapes `agent-metrics`. */
export const MONITORING_NAMESPACE = "monitoring";
/** Services carrying this label are scraped by `agent-metrics` (manager, workers, gateway, dashboard backend). */
export const SCRAPED: Record<string, string> = { "agent-platform.io/scrape": MONITOR_NAME };
/** Prometheus (namespace `monitoring`) may reach a port. */
export const scrapers = (port: number): TrafficRule => ({ peers: [{ namespaceLabels: { "kubernetes.io/metadata.name": MONITORING_NAMESPACE } }], ports: [port] });
/** Marks pods that call the Kubernetes API (the policy pack's sec-no-automount-sa-token reads it). */
export const USES_KUBE_API = { "agent-platform.io/uses-kube-api": "true" };
// Istio's default sidecar (istio-proxy) resources: what Redis, Postgres and the dump job get (their
// components take no pod annotations); counted in the quota when the mesh is on.
export const ISTIO_SIDECAR_RESOURCES: ResourceSpec = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2000m", memory: "1Gi" } };
// The agents' and dashboard's sidecars are sized down by annotation: 100 workers x 2 CPU of proxy limits would dwarf the quota.
export const AGENT_SIDECAR_RESOURCES: ResourceSpec = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
export const AGENT_SIDECAR_ANNOTATIONS: Record<string, string> = {
    "sidecar.istio.io/proxyCPU": AGENT_SIDECAR_RESOURCES.requests.cpu,
    "sidecar.istio.io/proxyCPULimit": AGENT_SIDECAR_RESOURCES.limits.cpu,
    "sidecar.istio.io/proxyMemory": AGENT_SIDECAR_RESOURCES.requests.memory,
    "sidecar.istio.io/proxyMemoryLimit": AGENT_SIDECAR_RESOURCES.limits.memory,
};

// seed 002 manager-agent: liveness GET /health:3000 (initialDelay 30, period 10, failureThreshold 3),
// readiness GET /ready:3000 (initialDelay 5, period 5, failureThreshold 3). The startup probe is ours.
export const AGENT_PROBES: ProbeSet = {
    liveness: { path: "/health", port: "http", initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 3 },
    readiness: { path: "/ready", port: "http", initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 },
    startup: { path: "/health", port: "http", periodSeconds: 10, failureThreshold: 30 },
};
// The dashboard frontend serves static files: liveness is the open port, readiness the page itself.
const STATIC_WEB_PROBES = (path: string): ProbeSet => ({
    liveness: { tcp: true, port: "http", initialDelaySeconds: 10, periodSeconds: 10 },
    readiness: { path, port: "http", initialDelaySeconds: 5, periodSeconds: 5 },
    startup: { path, port: "http", periodSeconds: 5, failureThreshold: 24 },
});
// The dashboard backend follows seed 002's service convention (the manager's /health + /ready):
// readiness /ready reflects its backends (manager, Redis), liveness /health only the process.
const BACKEND_PROBES: ProbeSet = {
    liveness: { path: "/health", port: "http", initialDelaySeconds: 10, periodSeconds: 10 },
    readiness: { path: "/ready", port: "http", initialDelaySeconds: 5, periodSeconds: 5 },
    startup: { path: "/health", port: "http", periodSeconds: 5, failureThreshold: 24 },
};
// seed 002 manager-agent securityContext: runAsNonRoot, runAsUser 1000, fsGroup 2000.
export const AGENT_SECURITY = { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000 };
// seed 002 worker-agent-hpa behavior: up 100%/15s after a 60s window, down 50%/60s after 300s.
export const WORKER_HPA_BEHAVIOR = {
    scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
    scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] },
};
// seed 002 worker-agent-hpa: cpu 70%, memory 80%, Pods metric active_tasks_per_pod averageValue 5.
export const WORKER_HPA_TARGETS = { cpuUtilization: 70, memoryUtilization: 80, podsMetrics: [{ name: "active_tasks_per_pod", averageValue: "5" }] };
// seed 002 manager-agent-vpa: Auto, 100m/128Mi .. 4000m/8Gi.
export const MANAGER_VPA = { updateMode: "Auto" as const, minAllowed: { cpu: "100m", memory: "128Mi" }, maxAllowed: { cpu: "4000m", memory: "8Gi" } };
// seed 002 claude-code-role, narrowed to reads (see README, "Deviations from the seed documents"): the manager
// watches the worker pool and its Services/config; credentials reach it as env, never through the API.
export const MANAGER_RULES = [
    { apiGroups: [""], resources: ["pods", "services", "configmaps"], verbs: ["get", "list", "watch"] },
    { apiGroups: ["apps"], resources: ["deployments", "replicasets"], verbs: ["get", "list", "watch"] },
];

/** config.json of `app-config` (seed 002), keys sorted so a second `pulumi up` shows no diff. */
export function appConfigJson(c: ClaudeCodeConfig["appConfig"]): string {
    const doc = {
        defaultModel: c.defaultModel,
        dualAgentMode: { enabled: c.dualAgentMode, managerModel: c.managerModel, workerModel: c.workerModel },
        monitoring: { apiPort: BACKEND_PORT, dashboardPort: FRONTEND_PORT, enabled: true },
        sdkIntegration: { enabled: true, retryAttempts: c.sdkRetryAttempts, timeout: c.sdkTimeoutMs },
    };
    return JSON.stringify(sortKeys(doc), null, 2) + "\n";
}

function sortKeys(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
    return v;
}

function quantityValue(key: string, q: string): number {
    if (/(^|\.)cpu$/.test(key)) return cpuMillis(q);
    if (/(^|\.)(memory|storage|ephemeral-storage)$/.test(key)) return memoryMi(q);
    return Number(q);
}

/** Per key, the larger of the configured quota and the footprint's need: a quota must never cap an HPA below its max. */
export function atLeast(configured: Record<string, string>, needed: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = { ...configured };
    for (const [k, v] of Object.entries(needed)) {
        if (out[k] === undefined || quantityValue(k, v) > quantityValue(k, out[k])) out[k] = v;
    }
    return Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
}

/** Two containers' resources summed (a pod's workload container plus its sidecar). */
export function plusSidecar(r: ResourceSpec, sidecar: ResourceSpec): ResourceSpec {
    const sum = (a: { cpu: string; memory: string }, b: { cpu: string; memory: string }) => ({
        cpu: formatCpu(cpuMillis(a.cpu) + cpuMillis(b.cpu)),
        memory: formatMemory(memoryMi(a.memory) + memoryMi(b.memory)),
    });
    return { requests: sum(r.requests, sidecar.requests), limits: sum(r.limits, sidecar.limits) };
}

/** The Redis/Postgres exporter sidecars sized to at least the namespace LimitRange's minimum (seed 002: 50m/64Mi). */
export function exporterResources(c: ClaudeCodeConfig): ResourceSpec {
    const atLeastMin = (r: { cpu: string; memory: string }) => ({
        cpu: formatCpu(Math.max(cpuMillis(r.cpu), cpuMillis(c.limits.min.cpu))),
        memory: formatMemory(Math.max(memoryMi(r.memory), memoryMi(c.limits.min.memory))),
    });
    return { requests: atLeastMin(DEFAULT_EXPORTER_RESOURCES.requests), limits: atLeastMin(DEFAULT_EXPORTER_RESOURCES.limits) };
}

/** The namespace's pods at their largest (HPA max and rollout surge included, Istio sidecars when meshed), for the quota. */
export function claudeCodeFootprints(c: ClaudeCodeConfig): WorkloadFootprint[] {
    const surge = (n: number) => (n > 0 ? n + 1 : 0);
    const dest = c.backup.destination;
    const agent = (r: ResourceSpec) => (c.serviceMesh ? plusSidecar(r, AGENT_SIDECAR_RESOURCES) : r);
    const data = (r: ResourceSpec) => (c.serviceMesh ? plusSidecar(r, ISTIO_SIDECAR_RESOURCES) : r);
    return [
        { pods: surge(c.manager.replicas), resources: agent(c.manager.resources) },
        { pods: surge(c.worker.maxReplicas), resources: agent(c.worker.resources) },
        { pods: surge(c.gateway.maxReplicas), resources: agent(c.gateway.resources) },
        { pods: surge(c.dashboard.maxReplicas), resources: agent(c.dashboard.frontendResources) },
        { pods: surge(c.dashboard.maxReplicas), resources: agent(c.dashboard.backendResources) },
        { pods: 1, resources: data(plusSidecar(DEFAULT_REDIS_RESOURCES, exporterResources(c))), claims: [c.redisStorage.size] },
        { pods: 1, resources: data(plusSidecar(DEFAULT_POSTGRES_RESOURCES, exporterResources(c))), claims: [c.postgresStorage.size] },
        { pods: 1, resources: data(DEFAULT_DUMP_RESOURCES), claims: "pvc" in dest ? [dest.pvc.size] : [] },
    ];
}

/** The backup's IRSA role: the configured ARN, else the one the stack's EKS cluster created for it. */
export function backupRoleArn(configured: string | undefined, ctx: SystemContext): pulumi.Input<string> {
    const arn = configured ?? ctx.irsaRoleArn(BACKUP_CRONJOB);
    if (!arn) {
        throw new Error(`agent-platform:claudeCode.backup.destination.s3.roleArn: required unless the EKS cluster defines irsaRoles.${BACKUP_CRONJOB} (namespace ${NAMESPACE}, serviceAccount ${BACKUP_CRONJOB})`);
    }
    return arn;
}

export function deployClaudeCode(config: ClaudeCodeConfig, ctx: SystemContext): SystemOutputs {
    const env = environmentDefaults(ctx.environment);
    const caps = ctx.capabilities;
    const storageOf = (s: { size: string; storageClassName?: string }) => ({ size: s.size, ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}) });
    const agentsPlacement = { spreadAcrossZones: env.spreadAcrossZones, ...(config.placement.agents ? { nodeSelector: config.placement.agents } : {}) };
    const dashboardPlacement = { spreadAcrossZones: env.spreadAcrossZones, ...(config.placement.dashboard ? { nodeSelector: config.placement.dashboard } : {}) };

    // Pod Security Admission `restricted` replaces the seed's PodSecurityPolicy (removed in Kubernetes 1.25).
    const namespace = new PlatformNamespace("claude-code", {
        name: NAMESPACE,
        partOf: PART_OF,
        podSecurity: { level: "restricted", enforce: env.enforcePodSecurity },
        retainOnDelete: env.retainVolumes,
        istioInjection: config.serviceMesh,
        quota: { name: QUOTA_NAME, hard: atLeast(config.quota, quotaFor(claudeCodeFootprints(config))) },
        limits: { name: LIMITS_NAME, ...config.limits },
    }, { parent: ctx.parent });
    const inNamespace = { parent: ctx.parent, dependsOn: [namespace] };

    if (config.serviceMesh) {
        new MeshPolicy("claude-code-mesh", { namespace: NAMESPACE, mtlsMode: "STRICT", capabilities: caps, partOf: PART_OF }, inNamespace);
    }

    const settings = new ConfigBundle("claude-code-settings", {
        namespace: NAMESPACE,
        partOf: PART_OF,
        configMap: { name: APP_CONFIG, data: { "config.json": appConfigJson(config.appConfig) } },
        secret: { name: SECRETS_NAME, data: { "anthropic-api-key": ctx.secret("anthropicApiKey") } },
    }, inNamespace);

    // seed 002 `fast-ssd`: created here on EKS (where the EBS CSI driver runs); any other cluster
    // must already serve a class of that name, or the config names another one.
    const classes = [config.redisStorage, config.postgresStorage].map((st) => st.storageClassName);
    const dataDeps0 = ctx.config.cluster.provider === "eks" && classes.includes(FAST_SSD)
        ? [new EbsStorageClass("claude-code-fast-ssd", { name: FAST_SSD, reclaimPolicy: env.retainVolumes ? "Retain" : "Delete", partOf: PART_OF }, { parent: ctx.parent })]
        : [];
    const inNamespaceWithStorage = { parent: ctx.parent, dependsOn: [namespace, ...dataDeps0] };

    const redis = new Redis("claude-code-redis", {
        namespace: NAMESPACE,
        statefulSetName: REDIS,
        serviceName: REDIS,
        clients: [MANAGER, WORKER, GATEWAY, BACKEND],
        exporter: true,
        exporterResources: exporterResources(config),
        // seed 002: REDIS_URL from Secret `redis-credentials` key `url`; the password sits next to it.
        passwordSecret: { name: REDIS_CREDENTIALS, key: "password" },
        urlSecret: { name: REDIS_CREDENTIALS, key: "url" },
        storage: storageOf(config.redisStorage),
        retainVolumes: env.retainVolumes,
        capabilities: caps,
        placement: agentsPlacement,
        partOf: PART_OF,
    }, inNamespaceWithStorage);

    const destination: DumpDestination = "s3" in config.backup.destination
        ? { s3: { ...config.backup.destination.s3, roleArn: backupRoleArn(config.backup.destination.s3.roleArn, ctx) } }
        : { pvc: storageOf(config.backup.destination.pvc) };
    const postgres = new Postgres("claude-code-postgres", {
        namespace: NAMESPACE,
        statefulSetName: POSTGRES,
        clients: [MANAGER, GATEWAY, BACKEND],
        exporter: true,
        exporterResources: exporterResources(config),
        database: DATABASE,
        username: DATABASE,
        passwordSecret: { name: POSTGRES_CREDENTIALS, key: "password" },
        // seed 002: the backup reads DATABASE_URL from `postgres-credentials`/`url`.
        urlSecret: { name: POSTGRES_CREDENTIALS, key: "url" },
        storage: { claimName: POSTGRES_CLAIM, ...storageOf(config.postgresStorage) },
        retainVolumes: env.retainVolumes,
        capabilities: caps,
        placement: agentsPlacement,
        // seed 002 postgres-backup: daily at 02:00, `claude-code-<date>.sql.gz`, to S3 (prod) through IRSA.
        backup: { cronJobName: BACKUP_CRONJOB, schedule: config.backup.schedule, destination, filePrefix: PART_OF },
        partOf: PART_OF,
    }, inNamespaceWithStorage);

    const dataDeps = [namespace, settings, redis, postgres];
    const redisEgress: TrafficRule = { peers: [{ workload: REDIS }], ports: [REDIS_PORT] };
    const postgresEgress: TrafficRule = { peers: [{ workload: POSTGRES }], ports: [POSTGRES_PORT] };
    const agentEgress = (...workloads: string[]): TrafficRule => ({ peers: workloads.map((w) => ({ workload: w })), ports: [AGENT_PORT] });
    const meshAnnotations = config.serviceMesh ? AGENT_SIDECAR_ANNOTATIONS : {};
    const shared = {
        partOf: PART_OF,
        podAnnotations: meshAnnotations,
        capabilities: caps,
        retainVolumes: env.retainVolumes,
        security: AGENT_SECURITY,
    };
    const agentCommon = {
        ...shared,
        ports: [{ name: "http", containerPort: AGENT_PORT }],
        probes: AGENT_PROBES,
        placement: agentsPlacement,
        volumes: [{ name: "app-config", mountPath: CONFIG_DIR, configMap: APP_CONFIG, readOnly: true }],
        env: { NODE_ENV: "production", CONFIG_PATH: `${CONFIG_DIR}/config.json` },
        secretEnv: {
            REDIS_URL: { secret: REDIS_CREDENTIALS, key: "url" },
            ANTHROPIC_API_KEY: { secret: SECRETS_NAME, key: "anthropic-api-key" },
        },
    };

    const manager = new AgentService("manager-agent", {
        ...agentCommon,
        namespace: NAMESPACE,
        name: MANAGER,
        component: "agent",
        image: config.managerImage,
        replicas: config.manager.replicas,
        resources: config.manager.resources,
        secretEnv: { ...agentCommon.secretEnv, DATABASE_URL: { secret: POSTGRES_CREDENTIALS, key: "url" } },
        env: { ...agentCommon.env, WORKER_URL: `http://${WORKER}.${NAMESPACE}.svc.cluster.local:${AGENT_PORT}` },
        vpa: MANAGER_VPA,
        objectNames: { vpa: "manager-agent-vpa" },
        labels: SCRAPED,
        // seed 002 ServiceMonitor agent-metrics: /metrics every 30s, here of every agent-side Service (see SCRAPED).
        serviceMonitor: { name: MONITOR_NAME, port: "http", path: "/metrics", interval: "30s", selector: { [PART_OF_LABEL]: PART_OF, ...SCRAPED } },
        serviceAccount: { name: SERVICE_ACCOUNT, rules: MANAGER_RULES, roleName: "claude-code-role", roleBindingName: "claude-code-binding" },
        podAnnotations: { ...meshAnnotations, ...USES_KUBE_API },
        network: {
            ingress: [
                { peers: [{ workload: GATEWAY }, { workload: BACKEND }], ports: [AGENT_PORT] },
                scrapers(AGENT_PORT),
            ],
            egress: [agentEgress(WORKER), redisEgress, postgresEgress, INTERNET_HTTPS],
        },
    }, { parent: ctx.parent, dependsOn: dataDeps });

    const worker = new AgentService("worker-agent", {
        ...agentCommon,
        namespace: NAMESPACE,
        name: WORKER,
        component: "agent",
        image: config.workerImage,
        labels: SCRAPED,
        resources: config.worker.resources,
        hpa: { minReplicas: config.worker.minReplicas, maxReplicas: config.worker.maxReplicas, ...WORKER_HPA_TARGETS, behavior: WORKER_HPA_BEHAVIOR },
        // seed 002 names the worker's HPA and NetworkPolicy.
        objectNames: { hpa: "worker-agent-hpa", networkPolicy: "agent-network-policy" },
        // seed 002 agent-network-policy: in from manager-agent and api-gateway on 3000; out to redis 6379 and 443.
        network: {
            ingress: [{ peers: [{ workload: MANAGER }, { workload: GATEWAY }], ports: [AGENT_PORT] }, scrapers(AGENT_PORT)],
            egress: [redisEgress, INTERNET_HTTPS],
        },
    }, { parent: ctx.parent, dependsOn: dataDeps });

    const gateway = new AgentService("api-gateway", {
        ...agentCommon,
        namespace: NAMESPACE,
        name: GATEWAY,
        component: "gateway",
        image: config.gatewayImage,
        // seed 002 values.yaml autoscaling.hpa: cpu 70%, memory 80%.
        hpa: { minReplicas: config.gateway.minReplicas, maxReplicas: config.gateway.maxReplicas, cpuUtilization: 70, memoryUtilization: 80 },
        resources: config.gateway.resources,
        labels: SCRAPED,
        secretEnv: { ...agentCommon.secretEnv, DATABASE_URL: { secret: POSTGRES_CREDENTIALS, key: "url" } },
        env: {
            ...agentCommon.env,
            MANAGER_URL: `http://${MANAGER}.${NAMESPACE}.svc.cluster.local:${AGENT_PORT}`,
            WORKER_URL: `http://${WORKER}.${NAMESPACE}.svc.cluster.local:${AGENT_PORT}`,
        },
        network: {
            ingress: [{ peers: [{ workload: BACKEND }], ports: [AGENT_PORT] }, scrapers(AGENT_PORT)],
            egress: [agentEgress(MANAGER, WORKER), redisEgress, postgresEgress],
        },
    }, { parent: ctx.parent, dependsOn: dataDeps });

    const frontend = new AgentService("dashboard-frontend", {
        ...shared,
        namespace: NAMESPACE,
        name: FRONTEND,
        component: "dashboard",
        image: config.dashboardFrontendImage,
        hpa: { minReplicas: config.dashboard.frontendReplicas, maxReplicas: config.dashboard.maxReplicas, cpuUtilization: 70 },
        resources: config.dashboard.frontendResources,
        ports: [{ name: "http", containerPort: FRONTEND_PORT }],
        service: { ports: [{ name: "http", port: FRONTEND_SERVICE_PORT, targetPort: "http" }] },
        probes: STATIC_WEB_PROBES("/"),
        placement: dashboardPlacement,
        network: { ingress: [{ peers: [ingressControllerPeer()], ports: [FRONTEND_PORT] }] },
    }, { parent: ctx.parent, dependsOn: [namespace] });

    const backend = new AgentService("dashboard-backend", {
        ...shared,
        namespace: NAMESPACE,
        name: BACKEND,
        component: "dashboard",
        image: config.dashboardBackendImage,
        hpa: { minReplicas: config.dashboard.backendReplicas, maxReplicas: config.dashboard.maxReplicas, cpuUtilization: 70 },
        labels: SCRAPED,
        resources: config.dashboard.backendResources,
        ports: [{ name: "http", containerPort: BACKEND_PORT }],
        probes: BACKEND_PROBES,
        placement: dashboardPlacement,
        env: {
            NODE_ENV: "production",
            PORT: String(BACKEND_PORT),
            MANAGER_URL: `http://${MANAGER}.${NAMESPACE}.svc.cluster.local:${AGENT_PORT}`,
            API_GATEWAY_URL: `http://${GATEWAY}.${NAMESPACE}.svc.cluster.local:${AGENT_PORT}`,
        },
        secretEnv: {
            REDIS_URL: { secret: REDIS_CREDENTIALS, key: "url" },
            DATABASE_URL: { secret: POSTGRES_CREDENTIALS, key: "url" },
        },
        network: {
            ingress: [{ peers: [ingressControllerPeer()], ports: [BACKEND_PORT] }, scrapers(BACKEND_PORT)],
            egress: [agentEgress(MANAGER, GATEWAY), redisEgress, postgresEgress],
        },
    }, { parent: ctx.parent, dependsOn: dataDeps });

    new WebIngress("dashboard-ingress", {
        namespace: NAMESPACE,
        name: INGRESS_NAME,
        hosts: [config.dashboardHost],
        routes: [
            { path: "/", service: FRONTEND, port: FRONTEND_SERVICE_PORT },
            { path: "/api", service: BACKEND, port: BACKEND_PORT, websocket: true },
        ],
        tls: { secretName: TLS_SECRET, clusterIssuer: config.clusterIssuer },
        capabilities: caps,
        partOf: PART_OF,
    }, { parent: ctx.parent, dependsOn: [namespace, frontend, backend] });

    if (config.backup.velero.enabled) {
        new Backups("claude-code-backups", {
            scheduleName: VELERO_SCHEDULE,
            schedule: config.backup.velero.schedule,
            ttl: config.backup.velero.ttl,
            includedNamespaces: [NAMESPACE],
            capabilities: caps,
            partOf: PART_OF,
        }, { parent: ctx.parent, dependsOn: [namespace] });
    }

    return {
        namespace: NAMESPACE,
        services: {
            [MANAGER]: manager.url!,
            [WORKER]: worker.url!,
            [GATEWAY]: gateway.url!,
            [FRONTEND]: frontend.url!,
            [BACKEND]: backend.url!,
            [REDIS]: `redis://${redis.host}:${redis.port}`,
            [POSTGRES]: `postgresql://${postgres.host}:${postgres.port}/${postgres.database}`,
        },
        ingressHosts: [config.dashboardHost],
    };
}
