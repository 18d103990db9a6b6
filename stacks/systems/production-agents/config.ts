import { z } from "zod";
import { cpuMillis, formatCpu, formatMemory, memoryMi } from "agent-platform";
import { cronSchedule, dnsLabel, goDuration, hpa, namespaceQuota, pinnedImage, quantity, resources, storage } from "agent-platform/config";

// seed 003 `hpa.yaml`: 3..10 replicas on cpu 70%, plus memory (the seed names no number: 80%).
const HPA = { minReplicas: 3, maxReplicas: 10, cpuUtilization: 70, memoryUtilization: 80 };
// seed 003 `deployment.yaml`: requests 500m/1Gi, limits 2000m/2Gi.
const RESOURCES = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2000m", memory: "2Gi" } };
// seed 003 "Cost Optimization": ResourceQuota `agent-quota` with requests.cpu 20, requests.memory 40Gi, 10 PVCs.
const QUOTA = { requestsCpu: "20", requestsMemory: "40Gi", persistentVolumeClaims: 10 };
// seed 003 `pvc.yaml`: agent-data-pvc 10Gi, shared by every agent replica (hence ReadWriteMany).
const DATA = { size: "10Gi", accessMode: "ReadWriteMany" as const, mountPath: "/app/data" };
// Velero: daily at 03:00, kept 30 days (the platform's default retention, seed 002).
const BACKUP = { enabled: true, schedule: "0 3 * * *", ttl: "720h0m0s", fsBackup: false };
// What Redis asks for when not configured: the Redis component's defaults (redis 100m/256Mi + exporter 25m/32Mi).
const REDIS_REQUESTS = { cpu: "125m", memory: "288Mi" };
// seed 003 curls /health; readiness asks /ready, which reflects Redis and the model API, so a cut-off
// agent leaves the Service instead of being restarted by a liveness probe on the same endpoint.
const PROBES = { livenessPath: "/health", readinessPath: "/ready", startupPath: "/health" };

const port = z.number().int().min(1).max(65535);
const httpPath = z.string().regex(/^\/[^\s]*$/, { message: "must be an absolute HTTP path such as /health" });
const metricName = z.string().regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, { message: "must be a Prometheus metric name" });
const nodeSelector = z.record(z.string().min(1), z.string());

/** seed 003: the production agent deployment with Redis, HPA, NetworkPolicies and hardened pods. */
export const productionAgentsSchema = z
    .object({
        enabled: z.boolean().default(true),
        /** The agent image (seed: `your-registry/production-agent:v2.0.0`), pinned. */
        image: pinnedImage,
        hpa: hpa.default(HPA),
        /**
         * Custom Pods metrics for the HPA (seed: "custom metrics ... via Prometheus Adapter"). Off by
         * default: an HPA whose metric cannot be fetched never scales down.
         */
        podsMetrics: z.array(z.object({ name: metricName, averageValue: quantity }).strict()).default([]),
        resources: resources.default(RESOURCES),
        logLevel: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
        maxRetries: z.number().int().min(0).default(3),
        circuitBreakerThreshold: z.number().int().min(1).default(5),
        tokenBudgetPerRequest: z.number().int().min(1).default(10000),
        probes: z
            .object({
                livenessPath: httpPath.default(PROBES.livenessPath),
                readinessPath: httpPath.default(PROBES.readinessPath),
                startupPath: httpPath.default(PROBES.startupPath),
            })
            .strict()
            .default(PROBES),
        /** Port the agent serves Prometheus metrics on; 8000 means the HTTP port itself. */
        metricsPort: port.default(9090),
        metricsPath: httpPath.default("/metrics"),
        /** Namespace of the Prometheus that scrapes the agent and the Redis exporter. */
        monitoringNamespace: dnsLabel.default("monitoring"),
        /** Other namespaces whose pods may call `agent-service` (the own namespace always may). */
        clientNamespaces: z.array(dnsLabel).default([]),
        /** `required` keeps two agents off one node; `preferred` only tries (single-node dev clusters). */
        antiAffinity: z.enum(["required", "preferred"]).default("required"),
        /** Node labels for the agent pods (prod: the EKS `node-group=compute` group). */
        nodeSelector: nodeSelector.optional(),
        dataStorage: storage
            .extend({
                /** ReadWriteMany lets every replica mount the shared claim on any node (EFS in prod). */
                accessMode: z.enum(["ReadWriteOnce", "ReadWriteMany"]).default(DATA.accessMode),
                mountPath: z
                    .string()
                    .regex(/^\/[^\s]*$/, { message: "must be an absolute path" })
                    .default(DATA.mountPath),
            })
            .strict()
            .default(DATA),
        redis: z
            .object({
                /** @default the Redis component's pinned image */
                image: pinnedImage.optional(),
                storage: storage.default({ size: "10Gi" }),
                resources: resources.optional(),
                /** Node labels for the Redis pod (prod: the `node-group=memory` group). */
                nodeSelector: nodeSelector.optional(),
            })
            .strict()
            .default({ storage: { size: "10Gi" } }),
        quota: namespaceQuota(QUOTA),
        backup: z
            .object({
                enabled: z.boolean().default(BACKUP.enabled),
                schedule: cronSchedule.default(BACKUP.schedule),
                ttl: goDuration.default(BACKUP.ttl),
                /** Copy volume contents with Velero's file-system backup (needed for EFS, which has no snapshots). */
                fsBackup: z.boolean().default(BACKUP.fsBackup),
            })
            .strict()
            .default(BACKUP),
    })
    .strict()
    .superRefine((c, ctx) => {
        if (c.hpa.cpuUtilization === undefined && c.hpa.memoryUtilization === undefined && c.podsMetrics.length === 0) {
            ctx.addIssue({ code: "custom", path: ["hpa"], message: "needs at least one metric (cpuUtilization, memoryUtilization or podsMetrics)" });
        }
        if (c.dataStorage.accessMode === "ReadWriteOnce" && c.antiAffinity === "required" && c.hpa.maxReplicas > 1) {
            ctx.addIssue({
                code: "custom",
                path: ["dataStorage", "accessMode"],
                message: `ReadWriteOnce attaches agent-data-pvc to one node, but required anti-affinity puts each of up to ${c.hpa.maxReplicas} agents on its own node: use ReadWriteMany (e.g. EFS) or antiAffinity: preferred`,
            });
        }
        let need: ReturnType<typeof productionAgentsFootprint>, quotaCpu: number, quotaMemory: number;
        try {
            need = productionAgentsFootprint(c);
            quotaCpu = cpuMillis(c.quota.requestsCpu);
            quotaMemory = memoryMi(c.quota.requestsMemory);
        } catch (e) {
            ctx.addIssue({ code: "custom", path: ["quota"], message: `cannot size the quota: ${(e as Error).message}` });
            return;
        }
        if (quotaCpu < need.cpuMillis) {
            ctx.addIssue({
                code: "custom",
                path: ["quota", "requestsCpu"],
                message: `must cover ${formatCpu(need.cpuMillis)} (hpa.maxReplicas + 1 rollout pod at ${c.resources.requests.cpu}, plus Redis), got ${c.quota.requestsCpu}`,
            });
        }
        if (quotaMemory < need.memoryMi) {
            ctx.addIssue({
                code: "custom",
                path: ["quota", "requestsMemory"],
                message: `must cover ${formatMemory(need.memoryMi)} (hpa.maxReplicas + 1 rollout pod at ${c.resources.requests.memory}, plus Redis), got ${c.quota.requestsMemory}`,
            });
        }
        if (c.quota.persistentVolumeClaims < need.claims) {
            ctx.addIssue({
                code: "custom",
                path: ["quota", "persistentVolumeClaims"],
                message: `must allow at least ${need.claims} claims (agent-data-pvc and the Redis data claim), got ${c.quota.persistentVolumeClaims}`,
            });
        }
    });

/**
 * Requests of everything the namespace runs at full scale: the agents at HPA max plus the one
 * rollout surge pod, and Redis. A quota below this rejects the pods the HPA asks for.
 */
export function productionAgentsFootprint(c: {
    hpa: { maxReplicas: number };
    resources: { requests: { cpu: string; memory: string } };
    redis: { resources?: { requests: { cpu: string; memory: string } } };
}) {
    const agents = c.hpa.maxReplicas + 1;
    const redis = c.redis.resources
        ? { cpu: cpuMillis(c.redis.resources.requests.cpu) + 25, memory: memoryMi(c.redis.resources.requests.memory) + 32 }
        : { cpu: cpuMillis(REDIS_REQUESTS.cpu), memory: memoryMi(REDIS_REQUESTS.memory) };
    return {
        cpuMillis: agents * cpuMillis(c.resources.requests.cpu) + redis.cpu,
        memoryMi: agents * memoryMi(c.resources.requests.memory) + redis.memory,
        claims: 2,
    };
}

export type ProductionAgentsConfig = z.infer<typeof productionAgentsSchema>;
/** Secure config keys this system reads with `requireSecret` when enabled (shared with claudeCode). */
export const productionAgentsSecrets = ["anthropicApiKey"] as const;
