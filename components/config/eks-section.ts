/**
 * The `cluster: { provider: "eks", ... }` variant. The full schema lives with the EksCluster
 * component (components/config/eks.ts); this file adapts it into the cluster union.
 */
import { z } from "zod";

export const eksClusterSchema = z.object({ provider: z.literal("eks") }).loose();
