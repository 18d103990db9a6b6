/**
 * NetworkPolicies for the kube-system add-ons this component deploys (cluster-autoscaler,
 * metrics-server). kube-system itself gets no default-deny (CoreDNS, aws-node, kube-proxy and
 * the EKS add-ons live there and are not ours), so each policy selects only its own pods: those
 * pods admit exactly the listed traffic, and nothing else in the cluster (or from a load
 * balancer) reaches them. Pure builders.
 */
import * as pulumi from "@pulumi/pulumi";
import { CLUSTER_AUTOSCALER_METRICS_PORT, CLUSTER_AUTOSCALER_NAME, CLUSTER_AUTOSCALER_NAMESPACE } from "./cluster-autoscaler";
import { KubeObject } from "./k8s-objects";
import { METRICS_SERVER_NAME, METRICS_SERVER_NAMESPACE } from "./metrics-server";

/** RFC 1918: excluded from "the internet" so an internet allowance never opens other private networks. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];
/** The kubelet's port (metrics-server scrapes it; `--kubelet-use-node-status-port` reports 10250 on EKS). */
export const KUBELET_PORT = 10250;
/** metrics-server's secure port (metrics-server.ts `--secure-port`), which the API server calls. */
export const METRICS_SERVER_PORT = 10250;
export { CLUSTER_AUTOSCALER_METRICS_PORT };
const HTTPS = 443;

export interface KubeSystemPolicyArgs {
    /**
     * Where the API server is reached from pods: the VPC CIDR (the control plane's ENIs, and the
     * VPC endpoints) and the cluster's Service CIDR (the `kubernetes` Service's ClusterIP).
     */
    apiServerCidrs: pulumi.Input<string>[];
    /** The VPC CIDR: nodes (kubelets) and the API server's ENIs live there. */
    vpcCidr: pulumi.Input<string>;
    /** Namespace of the Prometheus that scrapes cluster-autoscaler. @default "monitoring" */
    monitoringNamespace?: string;
}

const LABELS = { "app.kubernetes.io/part-of": "agent-platform", "app.kubernetes.io/managed-by": "pulumi" };
const tcp = (port: number) => ({ protocol: "TCP", port });
const DNS_EGRESS = {
    to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } }, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
    ports: [{ protocol: "UDP", port: 53 }, tcp(53)],
};
const toCidrs = (cidrs: pulumi.Input<string>[]) => cidrs.map((cidr) => ({ ipBlock: { cidr } }));

/**
 * cluster-autoscaler: scraped by Prometheus on 8085; talks to the API server and to the AWS
 * APIs (Auto Scaling, EC2, EKS) on 443, through VPC endpoints (inside the VPC) or the NAT
 * gateways (public addresses only; other private networks stay closed).
 */
export function clusterAutoscalerNetworkPolicy(a: KubeSystemPolicyArgs): KubeObject {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: {
            name: CLUSTER_AUTOSCALER_NAME,
            namespace: CLUSTER_AUTOSCALER_NAMESPACE,
            labels: { ...LABELS, "app.kubernetes.io/name": CLUSTER_AUTOSCALER_NAME },
        },
        spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/name": CLUSTER_AUTOSCALER_NAME } },
            policyTypes: ["Ingress", "Egress"],
            ingress: [
                {
                    from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": a.monitoringNamespace ?? "monitoring" } } }],
                    ports: [tcp(CLUSTER_AUTOSCALER_METRICS_PORT)],
                },
            ],
            egress: [
                { to: toCidrs(a.apiServerCidrs), ports: [tcp(HTTPS)] },
                { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: [tcp(HTTPS)] },
                DNS_EGRESS,
            ],
        },
    };
}

/**
 * metrics-server: called by the API server (its ENIs are in the VPC) on its secure port; scrapes
 * every kubelet (nodes, in the VPC) and reads nodes from the API server.
 */
export function metricsServerNetworkPolicy(a: KubeSystemPolicyArgs): KubeObject {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: { name: METRICS_SERVER_NAME, namespace: METRICS_SERVER_NAMESPACE, labels: { ...LABELS, "app.kubernetes.io/name": METRICS_SERVER_NAME } },
        spec: {
            podSelector: { matchLabels: { "k8s-app": METRICS_SERVER_NAME } },
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: toCidrs([a.vpcCidr]), ports: [tcp(METRICS_SERVER_PORT)] }],
            egress: [{ to: toCidrs([a.vpcCidr]), ports: [tcp(KUBELET_PORT)] }, { to: toCidrs(a.apiServerCidrs), ports: [tcp(HTTPS)] }, DNS_EGRESS],
        },
    };
}
