/**
 * seed 002: automatic-claude-code. The manager agent orchestrates an autoscaled pool of worker
 * agents behind an API gateway; a dashboard (React frontend + WebSocket backend) is published
 * through `dashboard-ingress`; Redis holds sessions and the task queue, Postgres persists tasks
 * (nightly dump + Velero). Optional Istio mesh with STRICT mTLS.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClaudeCodeConfig } from "./config";
import { AgentService, AgentServiceArgs, agentServiceFootprint } from "../../../components/kube/agent-service";
import { ConfigBundle } from "../../../components/kube/config-bundle";
import { DEFAULT_EXPORTER_RESOURCES, DEFAULT_METRICS_SCRAPER } from "../../../components/kube/exporter";
import { PART_OF_LABEL } from "../../../components/kube/labels";
import { serviceUrl } from "../../../components/kube/names";
import { INTERNET_HTTPS } from "../../../components/kube/network";
import { DumpDestination } from "../../../components/kube/pg-dump";
import { PlatformNamespace } from "../../../components/kube/platform-namespace";
import { ResourceSpec } from "../../../components/kube/pod";
import { POSTGRES_PORT, Postgres, PostgresArgs, postgresFootprints, postgresIngress } from "../../../components/kube/postgres";
import { formatCpu, formatMemory, cpuMillis, memoryMi } from "../../../components/kube/quantity";
import { REDIS_PORT, Redis, RedisArgs, redisFootprint, redisNetworkRules } from "../../../components/kube/redis";
import { MeshPolicy, PlaintextPorts, unmeshedIngressPorts } from "../../../components/kube/service-mesh";
import { sortedJson } from "../../../components/kube/sorted";
import { EbsStorageClass } from "../../../components/kube/storage";
import { TrafficGraph } from "../../../components/kube/traffic";
import { WebIngress, ingressControllerPeer } from "../../../components/kube/web-ingress";
import {
    ConfigSecretKeys,
    KUBE_API_PORTS,
    SystemContext,
    SystemOutputs,
    configSecretValues,
    environmentDefaults,
    kubeApiCidrs,
    backupNamespace,
    systemNamespaceArgs,
} from "../types";

export { atLeast } from "../../../components/kube/quota";

export * from "./seed";
import {
    NAMESPACE,
    PART_OF,
    MANAGER,
    WORKER,
    GATEWAY,
    FRONTEND,
    BACKEND,
    REDIS,
    POSTGRES,
    INGRESS_NAME,
    TLS_SECRET,
    APP_CONFIG,
    SECRETS_NAME,
    SERVICE_ACCOUNT,
    QUOTA_NAME,
    LIMITS_NAME,
    MONITOR_NAME,
    REDIS_CREDENTIALS,
    POSTGRES_CREDENTIALS,
    POSTGRES_CLAIM,
    BACKUP_CRONJOB,
    VELERO_SCHEDULE,
    DATABASE,
    FAST_SSD,
    AGENT_PORT,
    FRONTEND_PORT,
    FRONTEND_SERVICE_PORT,
    BACKEND_PORT,
    CONFIG_DIR,
    SCRAPED,
    PROMETHEUS,
    USES_KUBE_API,
    AGENT_SIDECAR_ANNOTATIONS,
    AGENT_PROBES,
    STATIC_WEB_PROBES,
    BACKEND_PROBES,
    AGENT_SECURITY,
    WORKER_HPA_BEHAVIOR,
    WORKER_HPA_TARGETS,
    MANAGER_VPA,
    MANAGER_RULES,
} from "./seed";

/** Keys of `claude-code-secrets` that hold secure config values (data key -> secure key). */
export function claudeCodeConfigSecrets(): ConfigSecretKeys[] {
    return [{ namespace: NAMESPACE, secret: SECRETS_NAME, partOf: PART_OF, keys: { "anthropic-api-key": "anthropicApiKey" } }];
}
/** config.json of `app-config` (seed 002), keys sorted so a second `pulumi up` shows no diff. */
export function appConfigJson(c: ClaudeCodeConfig["appConfig"]): string {
    const doc = {
        defaultModel: c.defaultModel,
        dualAgentMode: { enabled: c.dualAgentMode, managerModel: c.managerModel, workerModel: c.workerModel },
        monitoring: { apiPort: BACKEND_PORT, dashboardPort: FRONTEND_PORT, enabled: true },
        sdkIntegration: { enabled: true, retryAttempts: c.sdkRetryAttempts, timeout: c.sdkTimeoutMs },
    };
    return sortedJson(doc, 2) + "\n";
}

/** The Redis/Postgres exporter sidecars sized to at least the namespace LimitRange's minimum (seed 002: 50m/64Mi). */
export function exporterResources(c: ClaudeCodeConfig): ResourceSpec {
    const atLeastMin = (r: { cpu: string; memory: string }) => ({
        cpu: formatCpu(Math.max(cpuMillis(r.cpu), cpuMillis(c.limits.min.cpu))),
        memory: formatMemory(Math.max(memoryMi(r.memory), memoryMi(c.limits.min.memory))),
    });
    return { requests: atLeastMin(DEFAULT_EXPORTER_RESOURCES.requests), limits: atLeastMin(DEFAULT_EXPORTER_RESOURCES.limits) };
}

/**
 * Every flow of the namespace, once: callers' egress and callees' ingress (and the data stores'
 * clients) follow from it. seed 002 agent-network-policy: the worker admits the manager and the
 * gateway on 3000 and reaches Redis and 443.
 */
export function claudeCodeTraffic(kubeApi: readonly string[]): TrafficGraph {
    const internet = INTERNET_HTTPS.peers[0];
    return (
        new TrafficGraph()
            .allow(MANAGER, WORKER, AGENT_PORT)
            .allow(MANAGER, REDIS, REDIS_PORT)
            .allow(MANAGER, POSTGRES, POSTGRES_PORT)
            .allow(MANAGER, internet, 443)
            // seed 002 claude-code-role (bound to the manager's claude-code-sa) is used through the API server.
            .allow(
                MANAGER,
                kubeApi.map((cidr) => ({ cidr })),
                KUBE_API_PORTS,
            )
            .allow(WORKER, REDIS, REDIS_PORT)
            .allow(WORKER, internet, 443)
            .allow(GATEWAY, [MANAGER, WORKER], AGENT_PORT)
            .allow(GATEWAY, REDIS, REDIS_PORT)
            .allow(GATEWAY, POSTGRES, POSTGRES_PORT)
            .allow(BACKEND, [MANAGER, GATEWAY], AGENT_PORT)
            .allow(BACKEND, REDIS, REDIS_PORT)
            .allow(BACKEND, POSTGRES, POSTGRES_PORT)
            .allow(ingressControllerPeer(), FRONTEND, FRONTEND_PORT)
            .allow(ingressControllerPeer(), BACKEND, BACKEND_PORT)
            .allow(PROMETHEUS, [MANAGER, WORKER, GATEWAY], AGENT_PORT)
            .allow(PROMETHEUS, BACKEND, BACKEND_PORT)
    );
}

/**
 * Under STRICT mTLS, the ports the un-meshed ingress controller and Prometheus reach (the
 * Ingress backends, the agents' and the dashboard backend's /metrics, the Redis/Postgres
 * exporters): port-level PERMISSIVE there, from the same rules the NetworkPolicies use.
 */
export function claudeCodePlaintextPorts(flows: TrafficGraph, data: { redis: RedisArgs; postgres: PostgresArgs }): PlaintextPorts[] {
    const ingress = {
        ...Object.fromEntries([MANAGER, WORKER, GATEWAY, FRONTEND, BACKEND].map((w) => [w, flows.ingressOf(w)])),
        [REDIS]: redisNetworkRules(data.redis, REDIS).ingress,
        [POSTGRES]: postgresIngress(data.postgres, undefined),
    };
    return unmeshedIngressPorts(ingress, [ingressControllerPeer(), PROMETHEUS, DEFAULT_METRICS_SCRAPER]);
}

/**
 * The backup's IRSA role: the configured ARN, else the one the stack's EKS cluster created for it
 * (the schema's backup-role rule, `claudeCodeIssues`, admits no config without one of them).
 */
export function backupRoleArn(configured: string | undefined, ctx: Pick<SystemContext, "irsaRoleArn">): pulumi.Input<string> {
    return configured ?? (ctx.irsaRoleArn(BACKUP_CRONJOB) as pulumi.Output<string>);
}

const storageOf = (s: { size: string; storageClassName?: string }) => ({
    size: s.size,
    ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}),
});

/** Redis and Postgres (seed 002): credentials Secrets the agents read, exporters, retained claims, the nightly dump. */
function dataStoreArgs(config: ClaudeCodeConfig, ctx: SystemContext, flows: TrafficGraph): { redis: RedisArgs; postgres: PostgresArgs } {
    const env = environmentDefaults(ctx.environment);
    const common = {
        namespace: NAMESPACE,
        exporter: true,
        exporterResources: exporterResources(config),
        retainVolumes: env.retainVolumes,
        capabilities: ctx.capabilities,
        placement: agentsPlacement(config, ctx),
        partOf: PART_OF,
    };
    const destination: DumpDestination =
        "s3" in config.backup.destination
            ? { s3: { ...config.backup.destination.s3, roleArn: backupRoleArn(config.backup.destination.s3.roleArn, ctx) } }
            : { pvc: storageOf(config.backup.destination.pvc) };
    return {
        redis: {
            ...common,
            statefulSetName: REDIS,
            serviceName: REDIS,
            clients: flows.clientsOf(REDIS),
            // seed 002: REDIS_URL from Secret `redis-credentials` key `url`; the password sits next to it.
            passwordSecret: { name: REDIS_CREDENTIALS, key: "password" },
            urlSecret: { name: REDIS_CREDENTIALS, key: "url" },
            storage: storageOf(config.redisStorage),
        },
        postgres: {
            ...common,
            statefulSetName: POSTGRES,
            clients: flows.clientsOf(POSTGRES),
            database: DATABASE,
            username: DATABASE,
            // seed 002: the backup reads DATABASE_URL from `postgres-credentials`/`url`.
            passwordSecret: { name: POSTGRES_CREDENTIALS, key: "password" },
            urlSecret: { name: POSTGRES_CREDENTIALS, key: "url" },
            storage: { claimName: POSTGRES_CLAIM, ...storageOf(config.postgresStorage) },
            // seed 002 postgres-backup: daily at 02:00, `claude-code-<date>.sql.gz`, to S3 (prod) through IRSA.
            backup: { cronJobName: BACKUP_CRONJOB, schedule: config.backup.schedule, destination, filePrefix: PART_OF },
        },
    };
}

function agentsPlacement(config: ClaudeCodeConfig, ctx: SystemContext) {
    return {
        spreadAcrossZones: environmentDefaults(ctx.environment).spreadAcrossZones,
        ...(config.placement.agents ? { nodeSelector: config.placement.agents } : {}),
    };
}

/** The five workloads' args (seed 002 manager, worker pool, gateway, dashboard frontend and backend). */
function workloadArgs(config: ClaudeCodeConfig, ctx: SystemContext, flows: TrafficGraph): Record<string, AgentServiceArgs> {
    const env = environmentDefaults(ctx.environment);
    const meshAnnotations = config.serviceMesh ? AGENT_SIDECAR_ANNOTATIONS : {};
    const dashboardPlacement = {
        spreadAcrossZones: env.spreadAcrossZones,
        ...(config.placement.dashboard ? { nodeSelector: config.placement.dashboard } : {}),
    };
    const shared = {
        namespace: NAMESPACE,
        partOf: PART_OF,
        podAnnotations: meshAnnotations,
        capabilities: ctx.capabilities,
        retainVolumes: env.retainVolumes,
        security: AGENT_SECURITY,
    };
    const agent = {
        ...shared,
        component: "agent",
        ports: [{ name: "http", containerPort: AGENT_PORT }],
        probes: AGENT_PROBES,
        placement: agentsPlacement(config, ctx),
        volumes: [{ name: "app-config", mountPath: CONFIG_DIR, configMap: APP_CONFIG, readOnly: true }],
        env: { NODE_ENV: "production", CONFIG_PATH: `${CONFIG_DIR}/config.json` },
        secretEnv: { REDIS_URL: { secret: REDIS_CREDENTIALS, key: "url" }, ANTHROPIC_API_KEY: { secret: SECRETS_NAME, key: "anthropic-api-key" } },
        labels: SCRAPED,
    };
    const databaseUrl = { DATABASE_URL: { secret: POSTGRES_CREDENTIALS, key: "url" } };
    const agentUrl = (w: string) => serviceUrl("http", w, NAMESPACE, AGENT_PORT);
    return {
        [MANAGER]: {
            ...agent,
            name: MANAGER,
            image: config.managerImage,
            replicas: config.manager.replicas,
            resources: config.manager.resources,
            secretEnv: { ...agent.secretEnv, ...databaseUrl },
            env: { ...agent.env, WORKER_URL: agentUrl(WORKER) },
            vpa: MANAGER_VPA,
            objectNames: { vpa: "manager-agent-vpa" },
            // seed 002 ServiceMonitor agent-metrics: /metrics every 30s, here of every agent-side Service (see SCRAPED).
            serviceMonitor: { name: MONITOR_NAME, port: "http", path: "/metrics", interval: "30s", selector: { [PART_OF_LABEL]: PART_OF, ...SCRAPED } },
            serviceAccount: { name: SERVICE_ACCOUNT, rules: MANAGER_RULES, roleName: "claude-code-role", roleBindingName: "claude-code-binding" },
            podAnnotations: { ...meshAnnotations, ...USES_KUBE_API },
            network: flows.network(MANAGER),
        },
        [WORKER]: {
            ...agent,
            name: WORKER,
            image: config.workerImage,
            resources: config.worker.resources,
            hpa: { minReplicas: config.worker.minReplicas, maxReplicas: config.worker.maxReplicas, ...WORKER_HPA_TARGETS, behavior: WORKER_HPA_BEHAVIOR },
            // seed 002 names the worker's HPA and NetworkPolicy.
            objectNames: { hpa: "worker-agent-hpa", networkPolicy: "agent-network-policy" },
            network: flows.network(WORKER),
        },
        [GATEWAY]: {
            ...agent,
            name: GATEWAY,
            component: "gateway",
            image: config.gatewayImage,
            resources: config.gateway.resources,
            // seed 002 values.yaml autoscaling.hpa: cpu 70%, memory 80%.
            hpa: { minReplicas: config.gateway.minReplicas, maxReplicas: config.gateway.maxReplicas, cpuUtilization: 70, memoryUtilization: 80 },
            secretEnv: { ...agent.secretEnv, ...databaseUrl },
            env: { ...agent.env, MANAGER_URL: agentUrl(MANAGER), WORKER_URL: agentUrl(WORKER) },
            network: flows.network(GATEWAY),
        },
        [FRONTEND]: {
            ...shared,
            name: FRONTEND,
            component: "dashboard",
            image: config.dashboardFrontendImage,
            resources: config.dashboard.frontendResources,
            hpa: { minReplicas: config.dashboard.frontendReplicas, maxReplicas: config.dashboard.maxReplicas, cpuUtilization: 70 },
            ports: [{ name: "http", containerPort: FRONTEND_PORT }],
            service: { ports: [{ name: "http", port: FRONTEND_SERVICE_PORT, targetPort: "http" }] },
            probes: STATIC_WEB_PROBES("/"),
            placement: dashboardPlacement,
            network: flows.network(FRONTEND),
        },
        [BACKEND]: {
            ...shared,
            name: BACKEND,
            component: "dashboard",
            image: config.dashboardBackendImage,
            resources: config.dashboard.backendResources,
            labels: SCRAPED,
            hpa: { minReplicas: config.dashboard.backendReplicas, maxReplicas: config.dashboard.maxReplicas, cpuUtilization: 70 },
            ports: [{ name: "http", containerPort: BACKEND_PORT }],
            probes: BACKEND_PROBES,
            placement: dashboardPlacement,
            env: { NODE_ENV: "production", PORT: String(BACKEND_PORT), MANAGER_URL: agentUrl(MANAGER), API_GATEWAY_URL: agentUrl(GATEWAY) },
            secretEnv: { REDIS_URL: { secret: REDIS_CREDENTIALS, key: "url" }, ...databaseUrl },
            network: flows.network(BACKEND),
        },
    };
}

export function deployClaudeCode(config: ClaudeCodeConfig, ctx: SystemContext): SystemOutputs {
    const env = environmentDefaults(ctx.environment);
    const caps = ctx.capabilities;
    const flows = claudeCodeTraffic(kubeApiCidrs(config.kubeApiCidrs, ctx.config));
    const data = dataStoreArgs(config, ctx, flows);
    const workloads = workloadArgs(config, ctx, flows);

    // Pod Security Admission `restricted` replaces the seed's PodSecurityPolicy (removed in Kubernetes 1.25).
    const namespace = new PlatformNamespace(
        "claude-code",
        systemNamespaceArgs(ctx.environment, {
            name: NAMESPACE,
            partOf: PART_OF,
            istioInjection: config.serviceMesh,
            // The seed's quota is a floor: the workloads' footprints at maximum scale raise it where they need more.
            quota: {
                name: QUOTA_NAME,
                hard: config.quota,
                footprints: [...Object.values(workloads).map(agentServiceFootprint), redisFootprint(data.redis), ...postgresFootprints(data.postgres)],
            },
            limits: { name: LIMITS_NAME, ...config.limits },
        }),
        { parent: ctx.parent },
    );
    const inNamespace = { parent: ctx.parent, dependsOn: [namespace] };

    if (config.serviceMesh) {
        new MeshPolicy(
            "claude-code-mesh",
            { namespace: NAMESPACE, mtlsMode: "STRICT", plaintextPorts: claudeCodePlaintextPorts(flows, data), capabilities: caps, partOf: PART_OF },
            inNamespace,
        );
    }
    const settings = new ConfigBundle(
        "claude-code-settings",
        {
            namespace: NAMESPACE,
            partOf: PART_OF,
            configMap: { name: APP_CONFIG, data: { "config.json": appConfigJson(config.appConfig) } },
            secret: { name: SECRETS_NAME, data: configSecretValues(ctx, claudeCodeConfigSecrets()) },
        },
        inNamespace,
    );

    // seed 002 `fast-ssd`: created here on EKS (where the EBS CSI driver runs); any other cluster
    // must already serve a class of that name, or the config names another one.
    const classes = [config.redisStorage, config.postgresStorage].map((st) => st.storageClassName);
    const storageClasses =
        ctx.config.cluster.provider === "eks" && classes.includes(FAST_SSD)
            ? [
                  new EbsStorageClass(
                      "claude-code-fast-ssd",
                      { name: FAST_SSD, reclaimPolicy: env.retainVolumes ? "Retain" : "Delete", partOf: PART_OF },
                      { parent: ctx.parent },
                  ),
              ]
            : [];
    const withStorage = { parent: ctx.parent, dependsOn: [namespace, ...storageClasses] };
    const redis = new Redis("claude-code-redis", data.redis, withStorage);
    const postgres = new Postgres("claude-code-postgres", data.postgres, withStorage);

    const afterData = { parent: ctx.parent, dependsOn: [namespace, settings, redis, postgres] };
    const svc: Record<string, AgentService> = {};
    for (const w of [MANAGER, WORKER, GATEWAY]) svc[w] = new AgentService(w, workloads[w], afterData);
    svc[FRONTEND] = new AgentService(FRONTEND, workloads[FRONTEND], inNamespace);
    svc[BACKEND] = new AgentService(BACKEND, workloads[BACKEND], afterData);

    new WebIngress(
        "dashboard-ingress",
        {
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
        },
        { parent: ctx.parent, dependsOn: [namespace, svc[FRONTEND], svc[BACKEND]] },
    );

    backupNamespace(
        "claude-code-backups",
        { scheduleName: VELERO_SCHEDULE, namespace: NAMESPACE, partOf: PART_OF, backup: config.backup.velero },
        ctx,
        inNamespace,
    );

    return {
        namespace: NAMESPACE,
        services: {
            ...Object.fromEntries(Object.entries(svc).map(([w, c]) => [w, c.url!])),
            [REDIS]: `redis://${redis.host}:${redis.port}`,
            [POSTGRES]: `postgresql://${postgres.host}:${postgres.port}/${postgres.database}`,
        },
        ingressHosts: [config.dashboardHost],
    };
}
