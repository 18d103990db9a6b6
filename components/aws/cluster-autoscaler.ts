/**
 * cluster-autoscaler for EKS managed node groups (pure builders). Follows the upstream
 * `cluster-autoscaler-autodiscover.yaml` example with hardened pods and IRSA.
 */
import * as pulumi from "@pulumi/pulumi";
import { AutoscalerExpander } from "./types";
import { containerSecurityContext, podSecurityContext } from "../kube/pod";
import { KubeObject } from "./k8s-objects";

export const CLUSTER_AUTOSCALER_NAME = "cluster-autoscaler";
export const CLUSTER_AUTOSCALER_NAMESPACE = "kube-system";
/** Upstream example runs as nobody. */
const CA_UID = 65534;
/** Upstream example: requests = limits = 100m / 600Mi; it writes nothing to disk but logs. */
const CA_RESOURCES = {
    requests: { cpu: "100m", memory: "600Mi", "ephemeral-storage": "50Mi" },
    limits: { cpu: "100m", memory: "600Mi", "ephemeral-storage": "200Mi" },
};
const CA_METRICS_PORT = 8085;

export interface ClusterAutoscalerOptions {
    clusterName: string;
    region: pulumi.Input<string>;
    image: string;
    /** `--max-nodes-total`. */
    maxNodes: number;
    expander: AutoscalerExpander;
    scaleDownUnneededTime: string;
    /** IRSA role ARN for the service account. */
    roleArn: pulumi.Input<string>;
}

/** ASG tag keys EKS managed node groups carry, used for auto-discovery. */
export function autoscalerDiscoveryTags(clusterName: string): Record<string, string> {
    return { "k8s.io/cluster-autoscaler/enabled": "true", [`k8s.io/cluster-autoscaler/${clusterName}`]: "owned" };
}

/** The container arguments (pure, deterministic order). */
export function clusterAutoscalerArgs(o: Pick<ClusterAutoscalerOptions, "clusterName" | "maxNodes" | "expander" | "scaleDownUnneededTime">): string[] {
    const tags = Object.keys(autoscalerDiscoveryTags(o.clusterName)).join(",");
    return [
        "--cloud-provider=aws",
        `--namespace=${CLUSTER_AUTOSCALER_NAMESPACE}`,
        `--node-group-auto-discovery=asg:tag=${tags}`,
        "--balance-similar-node-groups=true",
        `--expander=${o.expander}`,
        `--max-nodes-total=${o.maxNodes}`,
        `--scale-down-unneeded-time=${o.scaleDownUnneededTime}`,
        "--skip-nodes-with-local-storage=false",
        "--skip-nodes-with-system-pods=false",
        "--stderrthreshold=info",
        "--v=4",
    ];
}

/** ServiceAccount (IRSA-annotated), RBAC and Deployment. */
export function clusterAutoscalerManifests(o: ClusterAutoscalerOptions): KubeObject[] {
    const labels = {
        "app.kubernetes.io/name": CLUSTER_AUTOSCALER_NAME,
        "app.kubernetes.io/part-of": "agent-platform",
        "app.kubernetes.io/managed-by": "pulumi",
        // One active instance (leader election); never autoscaled itself.
        "agent-platform.io/singleton": "true",
    };
    const ns = CLUSTER_AUTOSCALER_NAMESPACE;
    const name = CLUSTER_AUTOSCALER_NAME;
    return [
        {
            apiVersion: "v1",
            kind: "ServiceAccount",
            metadata: { name, namespace: ns, labels, annotations: { "eks.amazonaws.com/role-arn": o.roleArn } },
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name, labels },
            rules: [
                { apiGroups: [""], resources: ["events", "endpoints"], verbs: ["create", "patch"] },
                { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
                { apiGroups: [""], resources: ["pods/status"], verbs: ["update"] },
                { apiGroups: [""], resources: ["endpoints"], resourceNames: [name], verbs: ["get", "update"] },
                { apiGroups: [""], resources: ["nodes"], verbs: ["watch", "list", "get", "update"] },
                {
                    apiGroups: [""],
                    resources: ["namespaces", "pods", "services", "replicationcontrollers", "persistentvolumeclaims", "persistentvolumes"],
                    verbs: ["watch", "list", "get"],
                },
                { apiGroups: ["apps"], resources: ["statefulsets", "replicasets", "daemonsets"], verbs: ["watch", "list", "get"] },
                { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: ["watch", "list"] },
                {
                    apiGroups: ["storage.k8s.io"],
                    resources: ["storageclasses", "csinodes", "csidrivers", "csistoragecapacities", "volumeattachments"],
                    verbs: ["watch", "list", "get"],
                },
                { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: ["watch", "list", "get"] },
                { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
                { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: [name], verbs: ["get", "update"] },
            ],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: { name, namespace: ns, labels },
            rules: [
                { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "list", "watch"] },
                {
                    apiGroups: [""],
                    resources: ["configmaps"],
                    resourceNames: ["cluster-autoscaler-status", "cluster-autoscaler-priority-expander"],
                    verbs: ["delete", "get", "update", "watch"],
                },
            ],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
            subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name, namespace: ns, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name },
            subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
        },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name, namespace: ns, labels },
            spec: {
                // One active instance (leader election); the autoscaler must never autoscale itself.
                replicas: 1,
                // Singleton: never two instances acting at once during a rollout.
                strategy: { type: "Recreate" },
                selector: { matchLabels: { "app.kubernetes.io/name": name } },
                template: {
                    metadata: {
                        labels,
                        annotations: {
                            "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
                            "agent-platform.io/uses-kube-api": "true",
                            "prometheus.io/scrape": "true",
                            "prometheus.io/port": String(CA_METRICS_PORT),
                        },
                    },
                    spec: {
                        serviceAccountName: name,
                        priorityClassName: "system-cluster-critical",
                        securityContext: podSecurityContext({ runAsUser: CA_UID }),
                        nodeSelector: { "kubernetes.io/os": "linux" },
                        containers: [
                            {
                                name,
                                image: o.image,
                                imagePullPolicy: "IfNotPresent",
                                command: ["./cluster-autoscaler"],
                                args: clusterAutoscalerArgs(o),
                                env: [{ name: "AWS_REGION", value: o.region }],
                                ports: [{ name: "http-metrics", containerPort: CA_METRICS_PORT, protocol: "TCP" }],
                                resources: CA_RESOURCES,
                                startupProbe: { httpGet: { path: "/health-check", port: CA_METRICS_PORT }, periodSeconds: 5, failureThreshold: 24 },
                                livenessProbe: { httpGet: { path: "/health-check", port: CA_METRICS_PORT }, periodSeconds: 20 },
                                // /health-check fails when the autoscaler loop is stuck (restart it); readiness is the
                                // metrics port answering, so the two never fail together.
                                readinessProbe: { tcpSocket: { port: CA_METRICS_PORT }, periodSeconds: 10 },
                                securityContext: containerSecurityContext({ runAsUser: CA_UID }),
                            },
                        ],
                    },
                },
            },
        },
    ];
}
