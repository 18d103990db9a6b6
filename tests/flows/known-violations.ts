/**
 * Flows a stack's NetworkPolicies get wrong today, each with the issue that fixes it. The static
 * tier (`npm run netmatrix`) reports them on every run and fails only on a wrong verdict missing
 * here or on an entry whose flow now evaluates as intended: a fix must delete its entry.
 */
import { KnownViolation, StackName } from "./types";

const each = (stacks: StackName[], flow: string, issue: number, note: string): KnownViolation[] => stacks.map((stack) => ({ flow, stack, issue, note }));

export const KNOWN_VIOLATIONS: readonly KnownViolation[] = [
    // Must-deny flows the policies allow.
    ...each(
        ["prod"],
        "inquisitor-system/inquisitor -> default/stranger:443/TCP",
        21,
        "the API-server egress (kubeApiCidrs) is scoped to the VPC CIDR, where the control plane's ENIs are; on the VPC CNI " +
            "pods take VPC addresses too, so it also opens every pod's 443; closing it needs pods outside the VPC CIDR (custom networking)",
    ),
    ...each(
        ["prod"],
        "default/stranger -> inquisitor-system/inquisitor:8000/TCP",
        21,
        "the member policy admits the internal LoadBalancer's source ranges on 8000 (inquisitor.loadBalancerSourceRanges, default the VPC CIDR); " +
            "on the VPC CNI pods take VPC addresses, so that range also admits them: name the clients' own subnets to close it",
    ),
    ...each(
        ["prod"],
        "ingress-nginx/ingress-nginx-controller -> inquisitor-system/inquisitor:8000/TCP",
        21,
        "the member policy admits the internal LoadBalancer's source ranges on 8000 (default the VPC CIDR), which on the VPC CNI include pod addresses (see above)",
    ),
    ...each(
        ["prod"],
        "default/stranger -> kube-system/metrics-server:10250/TCP",
        21,
        "metrics-server admits only the VPC CIDR (where the API server's ENIs are), but on the VPC CNI pods take VPC addresses too; " +
            "closing it needs control-plane subnets of their own to admit instead",
    ),
    ...each(
        ["prod"],
        "ingress-nginx/ingress-nginx-controller -> kube-system/metrics-server:10250/TCP",
        21,
        "metrics-server admits only the VPC CIDR, which on the VPC CNI includes the ingress controller's pod address (see above)",
    ),
];
