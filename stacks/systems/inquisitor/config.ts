import { z } from "zod";
import { ConfigIssue, PlatformBase, dnsLabel, hpa, ipv4Cidr, pinnedImage, raftReplicas, resources, storage, veleroBackup } from "agent-platform/config";

const cidr = ipv4Cidr;

// seed 001: "HPA for the API layer (non-Raft components)": 2..10 on cpu 70%.
const API_HPA = { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 };

/** seed 001: the Raft-based inquisitor harness and its stateless API tier. */
export const inquisitorSchema = z
    .object({
        enabled: z.boolean().default(true),
        image: pinnedImage,
        /** Raft cluster size: 3 by default, 5 allowed (2f+1). */
        replicas: raftReplicas.default(3),
        logLevel: z.enum(["DEBUG", "INFO", "WARNING", "ERROR"]).default("INFO"),
        // seed 001: "Configure structured logging with JSON output".
        logFormat: z.enum(["json", "text"]).default("json"),
        /** Expose the client Service as a LoadBalancer (only where the cluster can provide one). */
        publicExposure: z.boolean().default(false),
        /** A public client Service is an internal (VPC-only) AWS load balancer unless explicitly internet-facing. */
        loadBalancerScheme: z.enum(["internal", "internet-facing"]).default("internal"),
        /**
         * Who may reach the public client Service (its `loadBalancerSourceRanges` and the members'
         * ingress on 8000). Required when internet-facing.
         * @default internal: the cluster's private network (the VPC CIDR on EKS, RFC 1918 elsewhere)
         */
        loadBalancerSourceRanges: z.array(cidr).min(1).optional(),
        manifestsStorage: storage.default({ size: "5Gi" }),
        artifactsStorage: storage.default({ size: "10Gi" }),
        resources: resources.optional(),
        api: z
            .object({
                /** @default the Raft members' image */
                image: pinnedImage.optional(),
                hpa: hpa.default(API_HPA).refine((h) => h.cpuUtilization !== undefined || h.memoryUtilization !== undefined, {
                    message: "needs at least one metric (cpuUtilization or memoryUtilization)",
                }),
                resources: resources.optional(),
            })
            .strict()
            .default({ hpa: API_HPA }),
        // seed 001: `velero schedule create inquisitor-daily --schedule="@daily"`.
        backup: veleroBackup({ schedule: "@daily", ttl: "720h0m0s" }),
        /** Namespace of the Prometheus that scrapes `inquisitor-metrics`. */
        monitoringNamespace: dnsLabel.default("monitoring"),
        /** Where the API server's endpoints are (the members watch their ConfigMap and Secret). */
        /** @default the cluster's API-server scope (`cluster.apiServerCidrs`; the VPC CIDR on EKS) */
        kubeApiCidrs: z.array(cidr).min(1).optional(),
    })
    .strict();

export type InquisitorConfig = z.infer<typeof inquisitorSchema>;
/** Secure config keys this system reads with `requireSecret` when enabled. */
export const inquisitorSecrets = [] as const;

/** Whether the cluster can hand out LoadBalancer addresses (EKS can; an existing cluster says so in config). */
export function loadBalancersAvailable(platform: Pick<PlatformBase, "cluster">): boolean {
    return platform.cluster.provider !== "existing" || platform.cluster.loadBalancers;
}

/** A public client Service names who may reach it when internet-facing, and in prod needs a cluster that provides LoadBalancers. */
export function inquisitorIssues(c: InquisitorConfig, platform: PlatformBase): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    if (c.publicExposure && c.loadBalancerScheme === "internet-facing" && !c.loadBalancerSourceRanges) {
        issues.push({
            path: ["loadBalancerSourceRanges"],
            message: "is required for an internet-facing client Service: name the client ranges (0.0.0.0/0 only if the whole internet is meant)",
        });
    }
    if (platform.environment === "prod" && c.publicExposure && !loadBalancersAvailable(platform)) {
        issues.push({ path: ["publicExposure"], message: "needs a cluster that provides LoadBalancers (cluster.loadBalancers is false)" });
    }
    return issues;
}
