import { z } from "zod";

/** Deploy into a cluster that already exists, through the current kubeconfig (or one context of it). */
export const existingClusterSchema = z.object({
    provider: z.literal("existing"),
    /** kubeconfig context; the current context when omitted. */
    context: z.string().min(1).optional(),
    /** Path to a kubeconfig file; `$KUBECONFIG` / `~/.kube/config` when omitted. */
    kubeconfig: z.string().min(1).optional(),
    /** Whether the cluster can hand out LoadBalancer addresses (kind/kwok clusters cannot). @default true */
    loadBalancers: z.boolean().default(true),
}).strict();
