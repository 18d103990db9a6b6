import { z } from "zod";

/** Which CRD-backed APIs the cluster serves (`agent-platform:crds`). Off unless declared. */
export const crdsSchema = z.object({
    serviceMonitor: z.boolean().default(false),
    vpa: z.boolean().default(false),
    velero: z.boolean().default(false),
    certManager: z.boolean().default(false),
    istio: z.boolean().default(false),
}).strict();
