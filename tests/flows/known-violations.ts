/**
 * Flows a stack's NetworkPolicies get wrong today, each with the issue that fixes it. The static
 * tier (`npm run netmatrix`) reports them on every run and fails only on a wrong verdict missing
 * here or on an entry whose flow now evaluates as intended: a fix must delete its entry.
 */
import { KnownViolation, StackName } from "./types";

const BOTH: StackName[] = ["dev", "prod"];
const each = (stacks: StackName[], flow: string, issue: number, note: string): KnownViolation[] => stacks.map((stack) => ({ flow, stack, issue, note }));

export const KNOWN_VIOLATIONS: readonly KnownViolation[] = [
    // Intended flows the policies block.
    ...each(BOTH, "claude-code/manager-agent -> kube-api:443/TCP", 21,
        "manager-agent has no API-server egress, so its Role (claude-code-sa) is unusable"),
    // Must-deny flows the policies allow.
    ...each(BOTH, "claude-mid-service/claude-terminal-service -> private-network:443/TCP", 21,
        "kubeApiCidrs defaults to all of RFC 1918 on 443/6443, which opens every private network, not only the API server"),
    ...each(BOTH, "inquisitor-system/inquisitor -> default/stranger:443/TCP", 21,
        "kubeApiCidrs defaults to all of RFC 1918 on 443/6443, which opens every in-cluster HTTPS endpoint " +
        "(on EKS pods get VPC addresses, so scoping it to the VPC CIDR alone still opens the pods)"),
    ...each(["prod"], "default/stranger -> inquisitor-system/inquisitor:8000/TCP", 21,
        "the member policy admits 0.0.0.0/0 on 8000 for a public LoadBalancer; narrow it to the LoadBalancer's source ranges"),
    ...each(["prod"], "ingress-nginx/ingress-nginx-controller -> inquisitor-system/inquisitor:8000/TCP", 21,
        "the member policy admits 0.0.0.0/0 on 8000 for a public LoadBalancer; narrow it to the LoadBalancer's source ranges"),
    ...each(["prod"], "default/stranger -> kube-system/metrics-server:10250/TCP", 21,
        "metrics-server admits only the VPC CIDR (where the API server's ENIs are), but on the VPC CNI pods take VPC addresses too; " +
        "closing it needs control-plane subnets of their own to admit instead"),
    ...each(["prod"], "ingress-nginx/ingress-nginx-controller -> kube-system/metrics-server:10250/TCP", 21,
        "metrics-server admits only the VPC CIDR, which on the VPC CNI includes the ingress controller's pod address (see above)"),
];
