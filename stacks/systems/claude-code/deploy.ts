/**
 * seed 002: automatic-claude-code. The manager agent orchestrates an autoscaled pool of worker
 * agents behind an API gateway; a dashboard (React frontend + WebSocket backend) is published
 * through `dashboard-ingress`; Redis holds sessions and the task queue, Postgres persists tasks
 * (nightly dump + Velero). Optional Istio mesh with STRICT mTLS.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    AgentService,
    AgentServiceArgs,
    agentServiceFootprint,
    ConfigBundle,
    PlatformNamespace,
    PlatformNamespaceArgs,
    Postgres,
    PostgresArgs,
    postgresFootprints,
    Redis,
    RedisArgs,
    redisFootprint,
    MeshPolicy,
    sortedJson,
    EbsStorageClass,
    WebIngress,
} from "agent-platform";
import {
    ConfigSecretKeys,
    SystemContext,
    SystemOutputs,
    backupNamespace,
    configSecretValues,
    environmentDefaults,
    kubeApiRule,
    systemNamespaceArgs,
} from "../types";
import { ClaudeCodeConfig } from "./config";
import { dataStoreArgs } from "./data";
import {
    APP_CONFIG,
    BACKEND,
    BACKEND_PORT,
    FAST_SSD,
    FRONTEND,
    FRONTEND_PORT,
    FRONTEND_SERVICE_PORT,
    GATEWAY,
    INGRESS_NAME,
    LIMITS_NAME,
    MANAGER,
    NAMESPACE,
    PART_OF,
    POSTGRES,
    QUOTA_NAME,
    REDIS,
    SECRETS_NAME,
    TLS_SECRET,
    VELERO_SCHEDULE,
    WORKER,
} from "./seed";
import { claudeCodePlaintextPorts, claudeCodeTraffic } from "./traffic";
import { workloadArgs } from "./workloads";

export { atLeast } from "agent-platform";

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

type DataArgs = { redis: RedisArgs; postgres: PostgresArgs };

/**
 * The namespace (Pod Security Admission `restricted` replaces the seed's PodSecurityPolicy, removed
 * in Kubernetes 1.25). The seed's quota is a floor: the workloads' footprints at maximum scale
 * raise it where they need more.
 */
export function namespaceArgs(
    config: ClaudeCodeConfig,
    ctx: Pick<SystemContext, "environment">,
    workloads: Record<string, AgentServiceArgs>,
    data: DataArgs,
): PlatformNamespaceArgs {
    return systemNamespaceArgs(ctx.environment, {
        name: NAMESPACE,
        partOf: PART_OF,
        istioInjection: config.serviceMesh,
        quota: {
            name: QUOTA_NAME,
            hard: config.quota,
            footprints: [...Object.values(workloads).map(agentServiceFootprint), redisFootprint(data.redis), ...postgresFootprints(data.postgres)],
        },
        limits: { name: LIMITS_NAME, ...config.limits },
    });
}

/**
 * Redis and Postgres, after the `fast-ssd` class (seed 002) where the stack creates it: on EKS
 * (where the EBS CSI driver runs); any other cluster must already serve a class of that name, or
 * the config names another one.
 */
function deployDataStores(config: ClaudeCodeConfig, ctx: SystemContext, data: DataArgs, namespace: PlatformNamespace): { redis: Redis; postgres: Postgres } {
    const classes = [config.redisStorage, config.postgresStorage].map((st) => st.storageClassName);
    const storageClasses =
        ctx.config.cluster.provider === "eks" && classes.includes(FAST_SSD)
            ? [
                  new EbsStorageClass(
                      "claude-code-fast-ssd",
                      { name: FAST_SSD, reclaimPolicy: environmentDefaults(ctx.environment).retainVolumes ? "Retain" : "Delete", partOf: PART_OF },
                      { parent: ctx.parent },
                  ),
              ]
            : [];
    const withStorage = { parent: ctx.parent, dependsOn: [namespace, ...storageClasses] };
    return { redis: new Redis("claude-code-redis", data.redis, withStorage), postgres: new Postgres("claude-code-postgres", data.postgres, withStorage) };
}

/** The dashboard's Ingress (seed 002 `dashboard-ingress`): the frontend at `/`, the backend's WebSocket API at `/api`. */
function deployIngress(config: ClaudeCodeConfig, ctx: SystemContext, dependsOn: pulumi.Resource[]): void {
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
            capabilities: ctx.capabilities,
            partOf: PART_OF,
        },
        { parent: ctx.parent, dependsOn },
    );
}

export function deployClaudeCode(config: ClaudeCodeConfig, ctx: SystemContext): SystemOutputs {
    const flows = claudeCodeTraffic(kubeApiRule(config.kubeApiCidrs, ctx.config));
    const data = dataStoreArgs(config, ctx, flows);
    const workloads = workloadArgs(config, ctx, flows);
    const namespace = new PlatformNamespace("claude-code", namespaceArgs(config, ctx, workloads, data), { parent: ctx.parent });
    const inNamespace = { parent: ctx.parent, dependsOn: [namespace] };
    if (config.serviceMesh) {
        new MeshPolicy(
            "claude-code-mesh",
            {
                namespace: NAMESPACE,
                mtlsMode: "STRICT",
                plaintextPorts: claudeCodePlaintextPorts(flows, data),
                capabilities: ctx.capabilities,
                partOf: PART_OF,
            },
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
    const { redis, postgres } = deployDataStores(config, ctx, data, namespace);

    const afterData = { parent: ctx.parent, dependsOn: [namespace, settings, redis, postgres] };
    const svc: Record<string, AgentService> = {};
    for (const w of [MANAGER, WORKER, GATEWAY]) svc[w] = new AgentService(w, workloads[w], afterData);
    svc[FRONTEND] = new AgentService(FRONTEND, workloads[FRONTEND], inNamespace);
    svc[BACKEND] = new AgentService(BACKEND, workloads[BACKEND], afterData);
    deployIngress(config, ctx, [namespace, svc[FRONTEND], svc[BACKEND]]);
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
            [REDIS]: `redis://${redis.host!}:${redis.port}`,
            [POSTGRES]: `postgresql://${postgres.host!}:${postgres.port}/${postgres.database}`,
        },
        ingressHosts: [config.dashboardHost],
    };
}
