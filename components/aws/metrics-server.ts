/**
 * metrics-server (pure builders): the resource-metrics API every HPA reads. Follows the
 * upstream v0.7.x `components.yaml` / `high-availability-1.21+.yaml` with requests+limits.
 */
import { containerSecurityContext, podSecurityContext } from "../kube/pod";
import { KubeObject } from "./k8s-objects";

export const METRICS_SERVER_NAME = "metrics-server";
export const METRICS_SERVER_NAMESPACE = "kube-system";
/** Upstream manifest runs as UID 1000. */
const MS_UID = 1000;
/**
 * Upstream requests 100m/200Mi; memory sized for ~100 nodes (metrics-server sizing guide) with
 * request = limit so it is never OOM-killed first; /tmp holds only its serving certificate.
 */
const MS_RESOURCES = {
    requests: { cpu: "100m", memory: "300Mi", "ephemeral-storage": "20Mi" },
    limits: { cpu: "500m", memory: "300Mi", "ephemeral-storage": "100Mi" },
};
const MS_PORT = 10250;

export interface MetricsServerOptions {
    image: string;
    /** 2 in prod (upstream HA manifest, with a PDB), 1 in dev. */
    replicas: number;
}

export function metricsServerArgs(): string[] {
    return [
        "--cert-dir=/tmp",
        `--secure-port=${MS_PORT}`,
        "--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname",
        "--kubelet-use-node-status-port",
        "--metric-resolution=15s",
    ];
}

export function metricsServerManifests(o: MetricsServerOptions): KubeObject[] {
    const name = METRICS_SERVER_NAME;
    const ns = METRICS_SERVER_NAMESPACE;
    const selector = { "k8s-app": name };
    const labels = { ...selector, "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "agent-platform", "app.kubernetes.io/managed-by": "pulumi" };
    const objects: KubeObject[] = [
        { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: ns, labels } },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: {
                name: "system:aggregated-metrics-reader",
                labels: {
                    ...labels,
                    "rbac.authorization.k8s.io/aggregate-to-admin": "true",
                    "rbac.authorization.k8s.io/aggregate-to-edit": "true",
                    "rbac.authorization.k8s.io/aggregate-to-view": "true",
                },
            },
            rules: [{ apiGroups: ["metrics.k8s.io"], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: "system:metrics-server", labels },
            rules: [
                { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
                { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
            ],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: { name: "metrics-server-auth-reader", namespace: ns, labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "extension-apiserver-authentication-reader" },
            subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: "metrics-server:system:auth-delegator", labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:auth-delegator" },
            subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: "system:metrics-server", labels },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "system:metrics-server" },
            subjects: [{ kind: "ServiceAccount", name, namespace: ns }],
        },
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name, namespace: ns, labels },
            spec: { selector, ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: "https" }] },
        },
        {
            apiVersion: "apps/v1",
            kind: "Deployment",
            metadata: { name, namespace: ns, labels },
            spec: {
                replicas: o.replicas,
                selector: { matchLabels: selector },
                strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                template: {
                    metadata: { labels, annotations: { "agent-platform.io/uses-kube-api": "true" } },
                    spec: {
                        serviceAccountName: name,
                        priorityClassName: "system-cluster-critical",
                        nodeSelector: { "kubernetes.io/os": "linux" },
                        securityContext: podSecurityContext({ runAsUser: MS_UID }),
                        topologySpreadConstraints: [
                            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: selector } },
                            {
                                maxSkew: 1,
                                topologyKey: "topology.kubernetes.io/zone",
                                whenUnsatisfiable: "ScheduleAnyway",
                                labelSelector: { matchLabels: selector },
                            },
                        ],
                        containers: [
                            {
                                name,
                                image: o.image,
                                imagePullPolicy: "IfNotPresent",
                                args: metricsServerArgs(),
                                ports: [{ name: "https", containerPort: MS_PORT, protocol: "TCP" }],
                                resources: MS_RESOURCES,
                                startupProbe: { httpGet: { path: "/livez", port: "https", scheme: "HTTPS" }, periodSeconds: 5, failureThreshold: 24 },
                                livenessProbe: { httpGet: { path: "/livez", port: "https", scheme: "HTTPS" }, periodSeconds: 10, failureThreshold: 3 },
                                readinessProbe: {
                                    httpGet: { path: "/readyz", port: "https", scheme: "HTTPS" },
                                    initialDelaySeconds: 20,
                                    periodSeconds: 10,
                                    failureThreshold: 3,
                                },
                                securityContext: containerSecurityContext({ runAsUser: MS_UID }),
                                volumeMounts: [{ name: "tmp-dir", mountPath: "/tmp" }],
                            },
                        ],
                        volumes: [{ name: "tmp-dir", emptyDir: { sizeLimit: "64Mi" } }],
                    },
                },
            },
        },
        {
            apiVersion: "apiregistration.k8s.io/v1",
            kind: "APIService",
            metadata: { name: "v1beta1.metrics.k8s.io", labels },
            spec: {
                group: "metrics.k8s.io",
                version: "v1beta1",
                groupPriorityMinimum: 100,
                versionPriority: 100,
                // Upstream default: metrics-server serves a self-signed certificate.
                insecureSkipTLSVerify: true,
                service: { name, namespace: ns },
            },
        },
    ];
    if (o.replicas > 1) {
        objects.push({
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: { name, namespace: ns, labels },
            spec: { minAvailable: 1, selector: { matchLabels: selector } },
        });
    }
    return objects;
}
