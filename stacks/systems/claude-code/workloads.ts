/**
 * seed 002's five workloads as AgentService args: the manager, the worker pool and the API
 * gateway (the agents), and the dashboard's frontend and backend.
 */
import { AgentServiceArgs, PART_OF_LABEL, serviceUrl, TrafficGraph } from "agent-platform";
import { SystemContext, environmentDefaults } from "../types";
import { ClaudeCodeConfig } from "./config";
import {
    AGENT_PORT,
    AGENT_PROBES,
    AGENT_SECURITY,
    AGENT_SIDECAR_ANNOTATIONS,
    APP_CONFIG,
    BACKEND,
    BACKEND_PORT,
    BACKEND_PROBES,
    CONFIG_DIR,
    FRONTEND,
    FRONTEND_PORT,
    FRONTEND_SERVICE_PORT,
    GATEWAY,
    MANAGER,
    MANAGER_RULES,
    MANAGER_VPA,
    MONITOR_NAME,
    NAMESPACE,
    PART_OF,
    POSTGRES_CREDENTIALS,
    REDIS_CREDENTIALS,
    SCRAPED,
    SECRETS_NAME,
    SERVICE_ACCOUNT,
    STATIC_WEB_PROBES,
    USES_KUBE_API,
    WORKER,
    WORKER_HPA_BEHAVIOR,
    WORKER_HPA_TARGETS,
} from "./seed";

export function agentsPlacement(config: ClaudeCodeConfig, ctx: Pick<SystemContext, "environment">) {
    return {
        spreadAcrossZones: environmentDefaults(ctx.environment).spreadAcrossZones,
        ...(config.placement.agents ? { nodeSelector: config.placement.agents } : {}),
    };
}

const databaseUrl = { DATABASE_URL: { secret: POSTGRES_CREDENTIALS, key: "url" } };
const agentUrl = (w: string) => serviceUrl("http", w, NAMESPACE, AGENT_PORT);

/** What every workload of the namespace shares (the mesh's sidecar annotations when it is on). */
function sharedArgs(config: ClaudeCodeConfig, ctx: SystemContext) {
    return {
        namespace: NAMESPACE,
        partOf: PART_OF,
        podAnnotations: config.serviceMesh ? AGENT_SIDECAR_ANNOTATIONS : {},
        capabilities: ctx.capabilities,
        retainVolumes: environmentDefaults(ctx.environment).retainVolumes,
        security: AGENT_SECURITY,
    };
}
type Shared = ReturnType<typeof sharedArgs>;

/**
 * seed 002's three agents (manager, worker pool, API gateway): port 3000, app-config mounted,
 * the Redis URL and the Claude API key, each with its own image, size and flows.
 */
function agentArgs(shared: Shared, config: ClaudeCodeConfig, ctx: SystemContext, flows: TrafficGraph): Record<string, AgentServiceArgs> {
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
    const one = (name: string, own: Pick<AgentServiceArgs, "image" | "resources"> & Partial<AgentServiceArgs>): AgentServiceArgs => ({
        ...agent,
        name,
        ...own,
        network: flows.network(name),
    });
    return {
        // seed 002 manager-agent: one replica (VPA-sized), the API-server role, and the namespace's ServiceMonitor.
        [MANAGER]: one(MANAGER, {
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
            podAnnotations: { ...agent.podAnnotations, ...USES_KUBE_API },
        }),
        // seed 002 worker-agent: the pool the HPA scales on CPU, memory and active tasks; the seed names its HPA and NetworkPolicy.
        [WORKER]: one(WORKER, {
            image: config.workerImage,
            resources: config.worker.resources,
            hpa: { minReplicas: config.worker.minReplicas, maxReplicas: config.worker.maxReplicas, ...WORKER_HPA_TARGETS, behavior: WORKER_HPA_BEHAVIOR },
            objectNames: { hpa: "worker-agent-hpa", networkPolicy: "agent-network-policy" },
        }),
        // seed 002 api-gateway, in front of the manager and the workers; values.yaml autoscaling.hpa: cpu 70%, memory 80%.
        [GATEWAY]: one(GATEWAY, {
            component: "gateway",
            image: config.gatewayImage,
            resources: config.gateway.resources,
            hpa: { minReplicas: config.gateway.minReplicas, maxReplicas: config.gateway.maxReplicas, cpuUtilization: 70, memoryUtilization: 80 },
            secretEnv: { ...agent.secretEnv, ...databaseUrl },
            env: { ...agent.env, MANAGER_URL: agentUrl(MANAGER), WORKER_URL: agentUrl(WORKER) },
        }),
    };
}

/** seed 002 dashboard: the static frontend and the WebSocket backend, placed on the dashboard's nodes. */
function dashboardArgs(shared: Shared, config: ClaudeCodeConfig, ctx: SystemContext, flows: TrafficGraph): Record<string, AgentServiceArgs> {
    const placement = {
        spreadAcrossZones: environmentDefaults(ctx.environment).spreadAcrossZones,
        ...(config.placement.dashboard ? { nodeSelector: config.placement.dashboard } : {}),
    };
    const hpa = (minReplicas: number) => ({ minReplicas, maxReplicas: config.dashboard.maxReplicas, cpuUtilization: 70 });
    return {
        [FRONTEND]: {
            ...shared,
            name: FRONTEND,
            component: "dashboard",
            image: config.dashboardFrontendImage,
            resources: config.dashboard.frontendResources,
            hpa: hpa(config.dashboard.frontendReplicas),
            ports: [{ name: "http", containerPort: FRONTEND_PORT }],
            service: { ports: [{ name: "http", port: FRONTEND_SERVICE_PORT, targetPortName: "http" }] },
            probes: STATIC_WEB_PROBES("/"),
            placement,
            network: flows.network(FRONTEND),
        },
        [BACKEND]: {
            ...shared,
            name: BACKEND,
            component: "dashboard",
            image: config.dashboardBackendImage,
            resources: config.dashboard.backendResources,
            labels: SCRAPED,
            hpa: hpa(config.dashboard.backendReplicas),
            ports: [{ name: "http", containerPort: BACKEND_PORT }],
            probes: BACKEND_PROBES,
            placement,
            env: { NODE_ENV: "production", PORT: String(BACKEND_PORT), MANAGER_URL: agentUrl(MANAGER), API_GATEWAY_URL: agentUrl(GATEWAY) },
            secretEnv: { REDIS_URL: { secret: REDIS_CREDENTIALS, key: "url" }, ...databaseUrl },
            network: flows.network(BACKEND),
        },
    };
}

/** The five workloads' args (seed 002 manager, worker pool, gateway, dashboard frontend and backend). */
export function workloadArgs(config: ClaudeCodeConfig, ctx: SystemContext, flows: TrafficGraph): Record<string, AgentServiceArgs> {
    const shared = sharedArgs(config, ctx);
    return { ...agentArgs(shared, config, ctx, flows), ...dashboardArgs(shared, config, ctx, flows) };
}
