import { z } from "zod";
import { hpa, pinnedImage, storage } from "../common";

/** seed 003: the production agent deployment with Redis, HPA, NetworkPolicies and hardened pods. */
export const productionAgentsSchema = z.object({
    enabled: z.boolean().default(true),
    image: pinnedImage,
    hpa: hpa.default({ minReplicas: 3, maxReplicas: 10, cpuUtilization: 70, memoryUtilization: 80 }),
    logLevel: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
    maxRetries: z.number().int().min(0).default(3),
    circuitBreakerThreshold: z.number().int().min(1).default(5),
    tokenBudgetPerRequest: z.number().int().min(1).default(10000),
    dataStorage: storage.default({ size: "10Gi" }),
    redisStorage: storage.default({ size: "10Gi" }),
}).strict();

export type ProductionAgentsConfig = z.infer<typeof productionAgentsSchema>;
export const productionAgentsSecrets = ["anthropicApiKey"] as const;
