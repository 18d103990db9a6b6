import { z } from "zod";
import { hpa, pinnedImage, raftReplicas, resources, storage } from "../common";

/** seed 001: the Raft-based inquisitor harness and its stateless API tier. */
export const inquisitorSchema = z.object({
    enabled: z.boolean().default(true),
    image: pinnedImage,
    /** Raft cluster size: 3 by default, 5 allowed. */
    replicas: raftReplicas.default(3),
    logLevel: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
    /** Expose the client Service as a LoadBalancer (only where the cluster can provide one). */
    publicExposure: z.boolean().default(false),
    manifestsStorage: storage.default({ size: "5Gi" }),
    artifactsStorage: storage.default({ size: "10Gi" }),
    api: z.object({ hpa: hpa.default({ minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 }) }).strict().default({ hpa: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 } }),
    resources: resources.optional(),
}).strict();

export type InquisitorConfig = z.infer<typeof inquisitorSchema>;
export const inquisitorSecrets = [] as const;
