import { z } from "zod";
import { pinnedImage, replicas, storage } from "../common";

/** seed 002: manager/worker agent platform with dashboard, Redis, Postgres, autoscaling and backups. */
export const claudeCodeSchema = z.object({
    enabled: z.boolean().default(true),
    managerImage: pinnedImage,
    workerImage: pinnedImage,
    gatewayImage: pinnedImage,
    dashboardFrontendImage: pinnedImage,
    dashboardBackendImage: pinnedImage,
    managerReplicas: replicas.default(3),
    worker: z.object({ minReplicas: z.number().int().min(1), maxReplicas: z.number().int().min(1) }).strict()
        .refine((w) => w.maxReplicas >= w.minReplicas, { message: "maxReplicas must be >= minReplicas", path: ["maxReplicas"] })
        .default({ minReplicas: 5, maxReplicas: 100 }),
    dashboardHost: z.string().min(1),
    postgresStorage: storage.default({ size: "100Gi", storageClassName: "fast-ssd" }),
    /** Label the namespace for Istio injection and require STRICT mTLS (needs crds.istio). */
    serviceMesh: z.boolean().default(false),
}).strict();

export type ClaudeCodeConfig = z.infer<typeof claudeCodeSchema>;
export const claudeCodeSecrets = ["anthropicApiKey"] as const;
