/**
 * seed 003 production-agents: a hardened, autoscaled agent Deployment with a Redis StatefulSet
 * for state, a shared data claim, namespace quota, NetworkPolicies, monitoring and backups.
 * Composes components only; the Redis password is generated here because it lives in the
 * seed's single `agent-secrets` Secret next to the Anthropic key.
 */
import * as random from "@pulumi/random";
import { ProductionAgentsConfig } from "./config";
import {
    AgentService,
    AgentServiceArgs,
    INTERNET_HTTPS,
    PlatformNamespace,
    PlatformNamespaceArgs,
    SINGLETON_LABEL,
    TrafficGraph,
    TrafficRule,
    serviceHost,
    ConfigBundle,
    REDIS_PORT,
    Redis,
} from "agent-platform";
import { Environment } from "agent-platform/config";
import {
    ConfigSecretKeys,
    SystemContext,
    SystemOutputs,
    configSecretValues,
    environmentDefaults,
    backupNamespace,
    quotaHard,
    systemNamespaceArgs,
} from "../types";

// seed 003: names other services, kubectl runbooks and DNS depend on.
export const NAMESPACE = "production-agents";
export const AGENT = "agent-deployment";
export const AGENT_SERVICE = "agent-service";
export const AGENT_CONTAINER = "agent";
export const AGENT_HPA = "agent-hpa";
export const AGENT_VPA = "agent-vpa";
export const AGENT_NETWORK_POLICY = "agent-network-policy";
export const AGENT_PORT = 8000;
export const AGENT_CONFIG = "agent-config";
export const AGENT_SECRETS = "agent-secrets";
export const AGENT_DATA_PVC = "agent-data-pvc";
export const AGENT_QUOTA = "agent-quota";
export const REDIS = "redis";
export const REDIS_SERVICE = "redis-service";
/** seed 003 "Pod Security": non-root user UID 1000. */
export const AGENT_UID = 1000;
const PART_OF = "production-agents";

/** Keys of `agent-secrets` that hold secure config values (data key -> secure key); `redis-password` is generated. */
export function productionAgentsConfigSecrets(): ConfigSecretKeys[] {
    return [{ namespace: NAMESPACE, secret: AGENT_SECRETS, partOf: PART_OF, keys: { "anthropic-api-key": "anthropicApiKey" } }];
}
// Defaults for pods nobody sized (the seed's `kubectl run ... netshoot` debug pod): the quota
// rejects pods without requests, so the LimitRange gives them some.
const LIMITS = { defaultRequest: { cpu: "100m", memory: "128Mi" }, defaultLimit: { cpu: "500m", memory: "512Mi" } };

/** The seed's ConfigMap: ENVIRONMENT follows the stack (the seed's file is the production one). */
export function agentConfigData(c: ProductionAgentsConfig, env: Environment): Record<string, string> {
    return {
        CIRCUIT_BREAKER_THRESHOLD: String(c.circuitBreakerThreshold),
        ENVIRONMENT: env === "prod" ? "production" : "development",
        LOG_LEVEL: c.logLevel,
        MAX_RETRIES: String(c.maxRetries),
        METRICS_PORT: String(c.metricsPort),
        REDIS_HOST: serviceHost(REDIS_SERVICE, NAMESPACE),
        REDIS_PORT: String(REDIS_PORT),
        TOKEN_BUDGET_PER_REQUEST: String(c.tokenBudgetPerRequest),
    };
}

/**
 * Every flow of the namespace, once: the agent's callers (its own namespace and the client
 * namespaces), Prometheus on the metrics port ("Prometheus can scrape metrics endpoints"), and
 * seed 003's "Agent can only talk to Redis and external APIs". Redis admits exactly its callers.
 */
export function productionAgentsTraffic(c: ProductionAgentsConfig): TrafficGraph {
    const scraper = { namespaceLabels: { "kubernetes.io/metadata.name": c.monitoringNamespace } };
    return new TrafficGraph()
        .allow(
            [NAMESPACE, ...c.clientNamespaces].map((namespace) => ({ namespace })),
            AGENT,
            AGENT_PORT,
        )
        .allow(scraper, AGENT, c.metricsPort)
        .allow(AGENT, REDIS, REDIS_PORT)
        .allow(AGENT, INTERNET_HTTPS.peers[0], 443);
}

/** Who may reach the agent, and where the agent may go (the namespace default-denies the rest). */
export function agentNetwork(c: ProductionAgentsConfig): { ingress: TrafficRule[]; egress: TrafficRule[] } {
    const flows = productionAgentsTraffic(c);
    return { ingress: flows.ingressOf(AGENT), egress: flows.egressOf(AGENT) };
}

/** The AgentService args for `agent-deployment` (pure: what the tests read is what is deployed). */
export function agentArgs(c: ProductionAgentsConfig, ctx: Pick<SystemContext, "environment" | "capabilities">): AgentServiceArgs {
    const env = environmentDefaults(ctx.environment);
    const separateMetrics = c.metricsPort !== AGENT_PORT;
    return {
        namespace: NAMESPACE,
        name: AGENT,
        // seed 003 names: container `agent` (kubectl set image ... agent=), agent-hpa, agent-vpa, agent-network-policy.
        containerName: AGENT_CONTAINER,
        objectNames: { hpa: AGENT_HPA, vpa: AGENT_VPA, networkPolicy: AGENT_NETWORK_POLICY },
        partOf: PART_OF,
        component: "agent",
        image: c.image,
        ports: [{ name: "http", containerPort: AGENT_PORT }, ...(separateMetrics ? [{ name: "metrics", containerPort: c.metricsPort }] : [])],
        service: { name: AGENT_SERVICE },
        hpa: { ...c.hpa, podsMetrics: c.podsMetrics },
        vpa: { updateMode: "Off" },
        serviceMonitor: { name: "agent-metrics", port: separateMetrics ? "metrics" : "http", path: c.metricsPath },
        config: { name: AGENT_CONFIG, data: agentConfigData(c, ctx.environment) },
        secretEnv: {
            ANTHROPIC_API_KEY: { secret: AGENT_SECRETS, key: "anthropic-api-key" },
            REDIS_PASSWORD: { secret: AGENT_SECRETS, key: "redis-password" },
        },
        fieldEnv: { POD_NAME: "metadata.name" },
        volumes: [
            {
                name: "data",
                mountPath: c.dataStorage.mountPath,
                claim: {
                    name: AGENT_DATA_PVC,
                    size: c.dataStorage.size,
                    storageClassName: c.dataStorage.storageClassName,
                    accessModes: [c.dataStorage.accessMode],
                },
            },
        ],
        retainVolumes: env.retainVolumes,
        resources: c.resources,
        probes: {
            liveness: { path: c.probes.livenessPath, portName: "http" },
            readiness: { path: c.probes.readinessPath, portName: "http" },
            // Up to 5 minutes (30 x 10s) to load models/connect before liveness may restart it.
            startup: { path: c.probes.startupPath, portName: "http", periodSeconds: 10, failureThreshold: 30 },
        },
        security: { runAsUser: AGENT_UID, runAsGroup: AGENT_UID, fsGroup: AGENT_UID },
        placement: { antiAffinity: c.antiAffinity, spreadAcrossZones: env.spreadAcrossZones, ...(c.nodeSelector ? { nodeSelector: c.nodeSelector } : {}) },
        // The agents never call the Kubernetes API: a dedicated account without a token or Role.
        serviceAccount: { name: "agent-sa" },
        network: agentNetwork(c),
        capabilities: ctx.capabilities,
        terminationGracePeriodSeconds: 60,
    };
}

/** seed 003's namespace: restricted pods, the `agent-quota` ResourceQuota and default requests. */
export function namespaceArgs(c: ProductionAgentsConfig, environment: Environment): PlatformNamespaceArgs {
    return systemNamespaceArgs(environment, {
        name: NAMESPACE,
        partOf: PART_OF,
        quota: {
            name: AGENT_QUOTA,
            hard: quotaHard(c.quota),
        },
        limits: { name: "agent-limits", ...LIMITS },
    });
}

export function deployProductionAgents(c: ProductionAgentsConfig, ctx: SystemContext): SystemOutputs {
    const env = environmentDefaults(ctx.environment);
    const opts = { parent: ctx.parent };
    const ns = new PlatformNamespace("production-agents", namespaceArgs(c, ctx.environment), opts);
    const inNs = { parent: ctx.parent, dependsOn: [ns] };

    // seed 003 `secret.yaml`: one Secret with the Anthropic key and the Redis password.
    const redisPassword = new random.RandomPassword("production-agents-redis-password", { length: 32, special: false }, opts);
    const secrets = new ConfigBundle(
        "production-agents-secrets",
        {
            namespace: NAMESPACE,
            partOf: PART_OF,
            secret: { name: AGENT_SECRETS, data: { ...configSecretValues(ctx, productionAgentsConfigSecrets()), "redis-password": redisPassword.result } },
        },
        inNs,
    );

    const redis = new Redis(
        "production-agents-redis",
        {
            namespace: NAMESPACE,
            statefulSetName: REDIS,
            serviceName: REDIS_SERVICE,
            partOf: PART_OF,
            // seed 003: one Redis (`redis-0`), the only writer; never autoscaled.
            replicas: 1,
            labels: { [SINGLETON_LABEL]: "true" },
            clients: productionAgentsTraffic(c).clientsOf(REDIS),
            passwordSecret: { name: AGENT_SECRETS, key: "redis-password", existing: true },
            exporter: true,
            metricsScraper: { namespaceLabels: { "kubernetes.io/metadata.name": c.monitoringNamespace } },
            capabilities: ctx.capabilities,
            storage: c.redis.storage,
            retainVolumes: env.retainVolumes,
            ...(c.redis.image ? { image: c.redis.image } : {}),
            ...(c.redis.resources ? { resources: c.redis.resources } : {}),
            placement: { spreadAcrossZones: env.spreadAcrossZones, ...(c.redis.nodeSelector ? { nodeSelector: c.redis.nodeSelector } : {}) },
        },
        { parent: ctx.parent, dependsOn: [ns, secrets] },
    );

    const agent = new AgentService("production-agents-agent", agentArgs(c, ctx), { parent: ctx.parent, dependsOn: [ns, secrets] });

    backupNamespace(
        "production-agents-backup",
        { scheduleName: "production-agents-daily", namespace: NAMESPACE, partOf: PART_OF, backup: c.backup },
        ctx,
        inNs,
    );

    return {
        namespace: NAMESPACE,
        services: {
            [AGENT_SERVICE]: agent.url!,
            [REDIS_SERVICE]: `redis://${redis.host!}:${redis.port}`,
        },
    };
}
