import { z } from "zod";
import { DEFAULT_VPC_CIDR } from "../aws/defaults";
import { parseCidr } from "../aws/subnets";
import type { EksClusterConfig } from "./eks";

/** An IPv4 CIDR, validated by the subnet parser. */
export const cidr = z.string().refine(
    (v) => {
        try {
            parseCidr(v);
            return true;
        } catch {
            return false;
        }
    },
    { message: "must be an IPv4 CIDR such as 10.0.0.0/16" },
);

/** Deploy into a cluster that already exists, through the current kubeconfig (or one context of it). */
export const existingClusterSchema = z
    .object({
        provider: z.literal("existing"),
        /** kubeconfig context; the current context when omitted. */
        context: z.string().min(1).optional(),
        /** Path to a kubeconfig file; `$KUBECONFIG` / `~/.kube/config` when omitted. */
        kubeconfig: z.string().min(1).optional(),
        /** Whether the cluster can hand out LoadBalancer addresses (kind/kwok clusters cannot). @default true */
        loadBalancers: z.boolean().default(true),
        /**
         * Whether the cluster's CNI enforces NetworkPolicies (Calico, Cilium, VPC CNI with
         * enableNetworkPolicy, kube-network-policies, ...). Every system isolates itself with them; a
         * CNI without policy support accepts and ignores them. `not-enforced` is refused in prod;
         * unset is reported as "unknown" (a warning at deploy time).
         */
        networkPolicies: z.enum(["enforced", "not-enforced"]).optional(),
        /** The address ranges of the cluster's API server endpoints (NetworkPolicy egress to the API is scoped to them). */
        apiServerCidrs: z.array(cidr).min(1).optional(),
    })
    .strict();

export type ExistingClusterConfig = z.infer<typeof existingClusterSchema>;

/** What a cluster says about NetworkPolicy enforcement. */
export type NetworkPolicyEnforcement = "enforced" | "not-enforced" | "unknown";

/** An existing cluster's declared enforcement (`unknown` when the config does not say). Pure. */
export function existingNetworkPolicyEnforcement(cluster: ExistingClusterConfig): NetworkPolicyEnforcement {
    return cluster.networkPolicies ?? "unknown";
}

/** The rules an existing cluster adds in `environment` (paths relative to `cluster`). Pure. */
export function existingClusterIssues(cluster: ExistingClusterConfig, environment: "dev" | "prod"): { path: string[]; message: string }[] {
    if (environment === "prod" && cluster.networkPolicies === "not-enforced") {
        return [
            {
                path: ["networkPolicies"],
                message:
                    'is "not-enforced": prod relies on NetworkPolicies (default-deny and allow-lists), which this cluster would accept and ignore; use a CNI that enforces them',
            },
        ];
    }
    return [];
}

/** All of RFC 1918: where an API server can be when the config does not say (an existing cluster without `apiServerCidrs`). */
export const PRIVATE_NETWORKS: readonly string[] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/** The EKS cluster's VPC CIDR as the config gives it (`vpc.create.cidr`, its default, or `vpc.existing.cidr`); undefined when only AWS knows it. Pure. */
export function vpcCidrOf(cluster: EksClusterConfig): string | undefined {
    if (cluster.vpc?.existing) return cluster.vpc.existing.cidr;
    return cluster.vpc?.create?.cidr ?? DEFAULT_VPC_CIDR;
}

/** The cluster's private network: the VPC CIDR on EKS, all of RFC 1918 elsewhere or when only AWS knows the VPC's. Pure. */
export function privateNetworkScope(cluster: ExistingClusterConfig | EksClusterConfig): readonly string[] {
    const vpc = cluster.provider === "existing" ? undefined : vpcCidrOf(cluster);
    return vpc ? [vpc] : PRIVATE_NETWORKS;
}

/**
 * Where pods reach the cluster's API server, the scope of every API-server egress rule: an
 * existing cluster's `apiServerCidrs`; on EKS the VPC CIDR (the control plane's ENIs are in the
 * VPC; pods get VPC addresses too, so the scope cannot tell them apart). All of RFC 1918 when the
 * config does not say. Pure.
 */
export function apiServerScope(cluster: ExistingClusterConfig | EksClusterConfig): readonly string[] {
    if (cluster.provider === "existing") return cluster.apiServerCidrs ?? PRIVATE_NETWORKS;
    const vpc = vpcCidrOf(cluster);
    return vpc ? [vpc] : PRIVATE_NETWORKS;
}
