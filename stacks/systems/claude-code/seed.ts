/** seed 002's names, ports, probes, sizes and rules for claude-code: what other services, operators and tests address. */
import { meshProxyAnnotations, NetworkPeer, ProbeSet, ResourceSpec } from "agent-platform";

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
/** Prometheus (namespace `monitoring`), which scrapes the agents and the dashboard backend. */
export const PROMETHEUS: NetworkPeer = { namespaceLabels: { "kubernetes.io/metadata.name": MONITORING_NAMESPACE } };
/** Marks pods that call the Kubernetes API (the policy pack's sec-no-automount-sa-token reads it). */
export const USES_KUBE_API = { "agent-platform.io/uses-kube-api": "true" };
// The agents' and dashboard's sidecars are sized down by annotation: 100 workers x 2 CPU of proxy limits would dwarf the quota.
// Redis, Postgres and the dump job keep Istio's default proxy; PlatformNamespace counts both in the quota when the mesh is on.
export const AGENT_SIDECAR_RESOURCES: ResourceSpec = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
export const AGENT_SIDECAR_ANNOTATIONS: Record<string, string> = meshProxyAnnotations(AGENT_SIDECAR_RESOURCES);

// seed 002 manager-agent: liveness GET /health:3000 (initialDelay 30, period 10, failureThreshold 3),
// readiness GET /ready:3000 (initialDelay 5, period 5, failureThreshold 3). The startup probe is ours.
export const AGENT_PROBES: ProbeSet = {
    liveness: { path: "/health", portName: "http", initialDelaySeconds: 30, periodSeconds: 10, failureThreshold: 3 },
    readiness: { path: "/ready", portName: "http", initialDelaySeconds: 5, periodSeconds: 5, failureThreshold: 3 },
    startup: { path: "/health", portName: "http", periodSeconds: 10, failureThreshold: 30 },
};
// The dashboard frontend serves static files: liveness is the open port, readiness the page itself.
export const STATIC_WEB_PROBES = (path: string): ProbeSet => ({
    liveness: { tcp: true, portName: "http", initialDelaySeconds: 10, periodSeconds: 10 },
    readiness: { path, portName: "http", initialDelaySeconds: 5, periodSeconds: 5 },
    startup: { path, portName: "http", periodSeconds: 5, failureThreshold: 24 },
});
// The dashboard backend follows seed 002's service convention (the manager's /health + /ready):
// readiness /ready reflects its backends (manager, Redis), liveness /health only the process.
export const BACKEND_PROBES: ProbeSet = {
    liveness: { path: "/health", portName: "http", initialDelaySeconds: 10, periodSeconds: 10 },
    readiness: { path: "/ready", portName: "http", initialDelaySeconds: 5, periodSeconds: 5 },
    startup: { path: "/health", portName: "http", periodSeconds: 5, failureThreshold: 24 },
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
