/**
 * cluster-autoscaler for EKS managed node groups (pure builders). Follows the upstream
 * `cluster-autoscaler-autodiscover.yaml` example with hardened pods and IRSA.
 */
import * as pulumi from "@pulumi/pulumi";
import { AutoscalerExpander } from "./types";
import { containerSecurityContext, podSecurityContext } from "../kube/pod";
import { AddonIdentity, KubeObject, addonBinding, addonLabels, addonResources, addonServiceAccount } from "./k8s-objects";

export const CLUSTER_AUTOSCALER_NAME = "cluster-autoscaler";
export const CLUSTER_AUTOSCALER_NAMESPACE = "kube-system";
/** The metrics and health port (`/health-check`), which Prometheus scrapes. */
export const CLUSTER_AUTOSCALER_METRICS_PORT = 8085;
/** Upstream example runs as nobody. */
const CA_UID = 65534;
/** Upstream example: requests = limits = 100m / 600Mi; it writes nothing to disk but logs. */
const CA_RESOURCES = addonResources(["100m", "600Mi", "50Mi"], ["100m", "600Mi", "200Mi"]);
const CA_METRICS_PORT = CLUSTER_AUTOSCALER_METRICS_PORT;

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

/** The autoscaler's identity: one active instance (leader election), never autoscaled itself. */
function autoscalerIdentity(): AddonIdentity {
    const labels = { ...addonLabels(CLUSTER_AUTOSCALER_NAME), "agent-platform.io/singleton": "true" };
    return { name: CLUSTER_AUTOSCALER_NAME, namespace: CLUSTER_AUTOSCALER_NAMESPACE, labels };
}

/** What it reads cluster-wide to simulate scheduling, and what it writes (events, evictions, node updates, its lease). */
function autoscalerClusterRole(a: AddonIdentity): KubeObject {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name: a.name, labels: a.labels },
        rules: [
            { apiGroups: [""], resources: ["events", "endpoints"], verbs: ["create", "patch"] },
            { apiGroups: [""], resources: ["pods/eviction"], verbs: ["create"] },
            { apiGroups: [""], resources: ["pods/status"], verbs: ["update"] },
            { apiGroups: [""], resources: ["endpoints"], resourceNames: [a.name], verbs: ["get", "update"] },
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
            { apiGroups: ["coordination.k8s.io"], resources: ["leases"], resourceNames: [a.name], verbs: ["get", "update"] },
        ],
    };
}

/** Its status and priority-expander ConfigMaps in its own namespace. */
function autoscalerRole(a: AddonIdentity): KubeObject {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "Role",
        metadata: { name: a.name, namespace: a.namespace, labels: a.labels },
        rules: [
            { apiGroups: [""], resources: ["configmaps"], verbs: ["create", "list", "watch"] },
            {
                apiGroups: [""],
                resources: ["configmaps"],
                resourceNames: ["cluster-autoscaler-status", "cluster-autoscaler-priority-expander"],
                verbs: ["delete", "get", "update", "watch"],
            },
        ],
    };
}

/** The hardened autoscaler container: IRSA credentials via its ServiceAccount, the region in env, health on the metrics port. */
function autoscalerContainer(o: ClusterAutoscalerOptions) {
    const healthCheck = () => ({ httpGet: { path: "/health-check", port: CA_METRICS_PORT } });
    return {
        name: CLUSTER_AUTOSCALER_NAME,
        image: o.image,
        imagePullPolicy: "IfNotPresent",
        command: ["./cluster-autoscaler"],
        args: clusterAutoscalerArgs(o),
        env: [{ name: "AWS_REGION", value: o.region }],
        ports: [{ name: "http-metrics", containerPort: CA_METRICS_PORT, protocol: "TCP" }],
        resources: CA_RESOURCES,
        startupProbe: { ...healthCheck(), periodSeconds: 5, failureThreshold: 24 },
        livenessProbe: { ...healthCheck(), periodSeconds: 20 },
        // /health-check fails when the autoscaler loop is stuck (restart it); readiness is the
        // metrics port answering, so the two never fail together.
        readinessProbe: { tcpSocket: { port: CA_METRICS_PORT }, periodSeconds: 10 },
        securityContext: containerSecurityContext({ runAsUser: CA_UID }),
    };
}

/** One replica, recreated (never two acting at once), never evicted to pack nodes, scraped by Prometheus. */
function autoscalerDeployment(a: AddonIdentity, o: ClusterAutoscalerOptions): KubeObject {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: a.name, namespace: a.namespace, labels: a.labels },
        spec: {
            // One active instance (leader election); the autoscaler must never autoscale itself.
            replicas: 1,
            // Singleton: never two instances acting at once during a rollout.
            strategy: { type: "Recreate" },
            selector: { matchLabels: { "app.kubernetes.io/name": a.name } },
            template: {
                metadata: {
                    labels: a.labels,
                    annotations: {
                        "cluster-autoscaler.kubernetes.io/safe-to-evict": "false",
                        "agent-platform.io/uses-kube-api": "true",
                        "prometheus.io/scrape": "true",
                        "prometheus.io/port": String(CA_METRICS_PORT),
                    },
                },
                spec: {
                    serviceAccountName: a.name,
                    priorityClassName: "system-cluster-critical",
                    securityContext: podSecurityContext({ runAsUser: CA_UID }),
                    nodeSelector: { "kubernetes.io/os": "linux" },
                    containers: [autoscalerContainer(o)],
                },
            },
        },
    };
}

/** ServiceAccount (IRSA-annotated), RBAC and Deployment. */
export function clusterAutoscalerManifests(o: ClusterAutoscalerOptions): KubeObject[] {
    const a = autoscalerIdentity();
    return [
        addonServiceAccount(a, { "eks.amazonaws.com/role-arn": o.roleArn }),
        autoscalerClusterRole(a),
        autoscalerRole(a),
        addonBinding(a, "ClusterRoleBinding", a.name, { kind: "ClusterRole", name: a.name }),
        addonBinding(a, "RoleBinding", a.name, { kind: "Role", name: a.name }),
        autoscalerDeployment(a, o),
    ];
}
