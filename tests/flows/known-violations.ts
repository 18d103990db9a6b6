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
    ...each(BOTH, "ingress-nginx/ingress-nginx-controller -> ushadow/backend:8000/TCP", 21,
        "the backend's policy has `ingress: []` and no Ingress routes to it: nothing reaches the backend"),
    ...each(BOTH, "monitoring/prometheus -> ushadow/backend:8000/TCP", 21,
        "ServiceMonitor backend exists, but the compose path adds no monitoring rule to the service's policy"),
    ...each(BOTH, "monitoring/prometheus -> ushadow/mem0:8765/TCP", 21,
        "ServiceMonitor mem0 exists, but the compose path adds no monitoring rule to the service's policy"),
    ...each(BOTH, "monitoring/prometheus -> ushadow/qdrant:6333/TCP", 21,
        "ServiceMonitor qdrant exists, but the compose path adds no monitoring rule to the service's policy"),
    ...each(BOTH, "ingress-nginx/ingress-nginx-controller -> ushadow/mem0:8765/TCP", 21,
        "mem0-ui's NEXT_PUBLIC_API_URL is http://localhost:8765 and no Ingress routes the UI's public host to mem0"),
    ...each(BOTH, "ingress-nginx/ingress-nginx-controller -> claude-code/acme-http01-solver:8089/TCP", 21,
        "cert-manager's HTTP-01 solver pod runs behind claude-code's default-deny; no policy admits the ingress controller to it"),
    ...each(BOTH, "ingress-nginx/ingress-nginx-controller -> ushadow/acme-http01-solver:8089/TCP", 21,
        "cert-manager's HTTP-01 solver pod runs behind ushadow's default-deny; no policy admits the ingress controller to it"),
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
