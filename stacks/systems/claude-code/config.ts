import { z } from "zod";
import { ConfigIssue, PlatformBase, cronSchedule, goDuration, ipv4Cidr, pinnedImage, quantity, replicas, resources, storage } from "agent-platform/config";
import { BACKUP_CRONJOB } from "./seed";

/* Defaults are the seed's production values (seed 002, "Technical Specifications - Kubernetes Deployment & Auto-scaling"). */

// seed 002 values.yaml core.managerAgent / core.workerAgent resources.
export const MANAGER_RESOURCES = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2000m", memory: "4Gi" } };
export const WORKER_RESOURCES = { requests: { cpu: "1000m", memory: "2Gi" }, limits: { cpu: "4000m", memory: "8Gi" } };
// Not in the seed: a proxy tier and two web tiers sized well under the LimitRange max.
export const GATEWAY_RESOURCES = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1000m", memory: "1Gi" } };
export const DASHBOARD_FRONTEND_RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
export const DASHBOARD_BACKEND_RESOURCES = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1000m", memory: "1Gi" } };
// seed 002 HPA worker-agent-hpa: 5..100.
export const WORKER_HPA = { minReplicas: 5, maxReplicas: 100 };
// seed 002 values.yaml `autoscaling.hpa`: 3..50, cpu 70%, memory 80% (applied to the stateless gateway).
export const GATEWAY_HPA = { minReplicas: 3, maxReplicas: 50 };
// seed 002 ResourceQuota claude-code-quota.
export const SEED_QUOTA: Record<string, string> = {
    "requests.cpu": "100",
    "requests.memory": "200Gi",
    "limits.cpu": "200",
    "limits.memory": "400Gi",
    // services: the seed says 10; the Redis and Postgres exporters add two metrics Services.
    persistentvolumeclaims: "10",
    services: "12",
    secrets: "20",
};
// seed 002 LimitRange claude-code-limits.
export const SEED_LIMITS = {
    defaultLimit: { cpu: "2000m", memory: "4Gi" },
    defaultRequest: { cpu: "100m", memory: "128Mi" },
    max: { cpu: "8000m", memory: "16Gi" },
    min: { cpu: "50m", memory: "64Mi" },
};
// seed 002 ConfigMap app-config, config.json.
export const SEED_APP_CONFIG = {
    defaultModel: "sonnet",
    managerModel: "opus",
    workerModel: "sonnet",
    sdkTimeoutMs: 300000,
    sdkRetryAttempts: 3,
    dualAgentMode: true,
};

const cpuPair = z.object({ cpu: quantity, memory: quantity }).strict();
const nodeSelector = z.record(z.string().min(1), z.string());
const roleArn = z.string().regex(/^arn:aws[a-z-]*:iam::[0-9]{12}:role\/[A-Za-z0-9+=,.@_/-]+$/, {
    message: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/claude-code-backup",
});
const s3Bucket = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: "must be an S3 bucket name (3-63 lowercase letters, digits, '.', '-')" });

/** Where the nightly pg_dump goes: S3 through an IRSA role (seed 002, prod) or a PVC (dev). */
const dumpDestination = z.union([
    z
        .object({
            s3: z
                .object({
                    // seed 002: `aws s3 cp ... s3://claude-code-backups/`.
                    bucket: s3Bucket.default("claude-code-backups"),
                    prefix: z.string().default(""),
                    /** IAM role the backup ServiceAccount assumes (IRSA annotation). @default the EKS cluster's `irsaRoles.postgres-backup` */
                    roleArn: roleArn.optional(),
                })
                .strict(),
        })
        .strict(),
    z.object({ pvc: z.object({ size: quantity, storageClassName: z.string().min(1).optional() }).strict() }).strict(),
]);

/** seed 002: manager/worker agent platform with dashboard, Redis, Postgres, autoscaling and backups. */
export const claudeCodeSchema = z
    .object({
        enabled: z.boolean().default(true),
        managerImage: pinnedImage,
        workerImage: pinnedImage,
        gatewayImage: pinnedImage,
        dashboardFrontendImage: pinnedImage,
        dashboardBackendImage: pinnedImage,
        manager: z
            .object({
                // seed 002: `replicas: 3`.
                replicas: replicas.default(3),
                resources: resources.default(MANAGER_RESOURCES),
            })
            .strict()
            .default({ replicas: 3, resources: MANAGER_RESOURCES }),
        worker: z
            .object({
                minReplicas: z.number().int().min(1, { message: "must be >= 1" }),
                maxReplicas: z.number().int().min(1),
                resources: resources.default(WORKER_RESOURCES),
            })
            .strict()
            .refine((w) => w.maxReplicas >= w.minReplicas, { message: "maxReplicas must be >= minReplicas", path: ["maxReplicas"] })
            .default({ ...WORKER_HPA, resources: WORKER_RESOURCES }),
        /** The API gateway scales by the seed's chart-wide `autoscaling.hpa` block (3..50, cpu 70%, memory 80%). */
        gateway: z
            .object({
                minReplicas: z.number().int().min(1, { message: "must be >= 1" }).default(GATEWAY_HPA.minReplicas),
                maxReplicas: z.number().int().min(1).default(GATEWAY_HPA.maxReplicas),
                resources: resources.default(GATEWAY_RESOURCES),
            })
            .strict()
            .refine((g) => g.maxReplicas >= g.minReplicas, { message: "maxReplicas must be >= minReplicas", path: ["maxReplicas"] })
            .default({ ...GATEWAY_HPA, resources: GATEWAY_RESOURCES }),
        dashboard: z
            .object({
                // seed 002: dashboard.frontend.replicas: 2 (the HPA floor; it scales on cpu up to maxReplicas).
                frontendReplicas: z.number().int().min(1, { message: "must be >= 1" }).default(2),
                backendReplicas: z.number().int().min(1, { message: "must be >= 1" }).default(2),
                maxReplicas: z.number().int().min(1).default(6),
                frontendResources: resources.default(DASHBOARD_FRONTEND_RESOURCES),
                backendResources: resources.default(DASHBOARD_BACKEND_RESOURCES),
            })
            .strict()
            .refine((d) => d.maxReplicas >= Math.max(d.frontendReplicas, d.backendReplicas), {
                message: "maxReplicas must be >= frontendReplicas and backendReplicas",
                path: ["maxReplicas"],
            })
            .default({
                frontendReplicas: 2,
                backendReplicas: 2,
                maxReplicas: 6,
                frontendResources: DASHBOARD_FRONTEND_RESOURCES,
                backendResources: DASHBOARD_BACKEND_RESOURCES,
            }),
        /** Where the API server's endpoints are (the manager's claude-code-role needs it). @default the cluster's API-server scope (`cluster.apiServerCidrs`; the VPC CIDR on EKS) */
        kubeApiCidrs: z.array(ipv4Cidr).min(1).optional(),
        /** Public host of `dashboard-ingress` (seed 002: dashboard.claude-code.company.com). */
        dashboardHost: z
            .string()
            .min(1)
            .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, { message: "must be a lowercase DNS name" }),
        /** cert-manager ClusterIssuer that fills `dashboard-tls` (seed 002: letsencrypt-prod). */
        clusterIssuer: z.string().min(1).default("letsencrypt-prod"),
        // seed 002: `postgres-data` 100Gi on `fast-ssd`.
        postgresStorage: storage.default({ size: "100Gi", storageClassName: "fast-ssd" }),
        redisStorage: storage.default({ size: "10Gi" }),
        backup: z
            .object({
                // seed 002: `schedule: "0 2 * * *"  # Daily at 2 AM`.
                schedule: cronSchedule.default("0 2 * * *"),
                destination: dumpDestination.default({ pvc: { size: "20Gi" } }),
                velero: z
                    .object({
                        enabled: z.boolean().default(true),
                        schedule: cronSchedule.default("0 3 * * *"),
                        // seed 002: `ttl: 720h0m0s  # 30 days retention`.
                        ttl: goDuration.default("720h0m0s"),
                    })
                    .strict()
                    .default({ enabled: true, schedule: "0 3 * * *", ttl: "720h0m0s" }),
            })
            .strict()
            .default({ schedule: "0 2 * * *", destination: { pvc: { size: "20Gi" } }, velero: { enabled: true, schedule: "0 3 * * *", ttl: "720h0m0s" } }),
        /** `claude-code-quota` hard limits; raised where the workloads' maximum footprint needs more. */
        quota: z.record(z.string().min(1), quantity).default(SEED_QUOTA),
        /** `claude-code-limits` (seed 002 numbers by default). */
        limits: z.object({ defaultLimit: cpuPair, defaultRequest: cpuPair, max: cpuPair, min: cpuPair }).strict().default(SEED_LIMITS),
        /** Node selectors (prod: agents on the compute node group, dashboard on the memory node group). */
        placement: z.object({ agents: nodeSelector.optional(), dashboard: nodeSelector.optional() }).strict().default({}),
        appConfig: z
            .object({
                defaultModel: z.string().min(1).default(SEED_APP_CONFIG.defaultModel),
                managerModel: z.string().min(1).default(SEED_APP_CONFIG.managerModel),
                workerModel: z.string().min(1).default(SEED_APP_CONFIG.workerModel),
                sdkTimeoutMs: z.number().int().min(1000).default(SEED_APP_CONFIG.sdkTimeoutMs),
                sdkRetryAttempts: z.number().int().min(0).default(SEED_APP_CONFIG.sdkRetryAttempts),
                dualAgentMode: z.boolean().default(SEED_APP_CONFIG.dualAgentMode),
            })
            .strict()
            .default(SEED_APP_CONFIG),
        /** Label the namespace for Istio injection and require STRICT mTLS (needs crds.istio). */
        serviceMesh: z.boolean().default(false),
    })
    .strict()
    .superRefine((c, ctx) => {
        const over = (what: string, path: (string | number)[], value: { cpu: string; memory: string }) => {
            if (cpuMillis(value.cpu) > cpuMillis(c.limits.max.cpu) || memoryBytes(value.memory) > memoryBytes(c.limits.max.memory)) {
                ctx.addIssue({
                    code: "custom",
                    path,
                    message: `${what} ${value.cpu}/${value.memory} exceed limits.max ${c.limits.max.cpu}/${c.limits.max.memory} (the LimitRange would reject the pods)`,
                });
            }
        };
        const under = (what: string, path: (string | number)[], value: { cpu: string; memory: string }) => {
            if (cpuMillis(value.cpu) < cpuMillis(c.limits.min.cpu) || memoryBytes(value.memory) < memoryBytes(c.limits.min.memory)) {
                ctx.addIssue({
                    code: "custom",
                    path,
                    message: `${what} ${value.cpu}/${value.memory} are below limits.min ${c.limits.min.cpu}/${c.limits.min.memory} (the LimitRange would reject the pods)`,
                });
            }
        };
        const tiers: [string, (string | number)[], { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } }][] = [
            ["manager", ["manager", "resources"], c.manager.resources],
            ["worker", ["worker", "resources"], c.worker.resources],
            ["gateway", ["gateway", "resources"], c.gateway.resources],
            ["dashboard frontend", ["dashboard", "frontendResources"], c.dashboard.frontendResources],
            ["dashboard backend", ["dashboard", "backendResources"], c.dashboard.backendResources],
        ];
        for (const [what, path, r] of tiers) {
            over(`${what} limits`, [...path, "limits"], r.limits);
            under(`${what} requests`, [...path, "requests"], r.requests);
        }
    });

/** `500m` -> 500, `2` -> 2000. */
function cpuMillis(q: string): number {
    return q.endsWith("m") ? Number(q.slice(0, -1)) : Number(q) * 1000;
}

const UNITS: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    m: 1e-3,
};
function memoryBytes(q: string): number {
    const m = /^([0-9.]+)([A-Za-z]*)$/.exec(q);
    return m ? Number(m[1]) * (UNITS[m[2]] ?? 1) : NaN;
}

export type ClaudeCodeConfig = z.infer<typeof claudeCodeSchema>;
/** Secure config keys this system reads with `requireSecret` when enabled (the Claude API key of the agents). */
export const claudeCodeSecrets = ["anthropicApiKey"] as const;

/**
 * The nightly dump to S3 assumes an IAM role: the configured one, else the one the EKS cluster
 * creates for it (`cluster.irsaRoles.postgres-backup`). The mesh's PeerAuthentication is an Istio CRD.
 */
export function claudeCodeIssues(c: ClaudeCodeConfig, platform: PlatformBase): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const destination = c.enabled ? c.backup.destination : undefined;
    if (
        destination &&
        "s3" in destination &&
        !destination.s3.roleArn &&
        !(platform.cluster.provider === "eks" && platform.cluster.irsaRoles?.[BACKUP_CRONJOB])
    ) {
        issues.push({
            path: ["backup", "destination", "s3", "roleArn"],
            message: `required unless cluster.irsaRoles.${BACKUP_CRONJOB} creates the role (EKS)`,
        });
    }
    if (c.serviceMesh && !platform.crds.istio) {
        issues.push({ path: ["serviceMesh"], message: "needs crds.istio: true (the mesh's PeerAuthentication is an Istio CRD)" });
    }
    return issues;
}
