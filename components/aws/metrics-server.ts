/**
 * metrics-server (pure builders): the resource-metrics API every HPA reads. Follows the
 * upstream v0.7.x `components.yaml` / `high-availability-1.21+.yaml` with requests+limits.
 */
import { containerSecurityContext, podSecurityContext } from "../kube/pod";
import { AddonIdentity, KubeObject, addonBinding, addonLabels, addonResources, addonServiceAccount } from "./k8s-objects";

export const METRICS_SERVER_NAME = "metrics-server";
export const METRICS_SERVER_NAMESPACE = "kube-system";
/** Upstream manifest runs as UID 1000. */
const MS_UID = 1000;
/**
 * Upstream requests 100m/200Mi; memory sized for ~100 nodes (metrics-server sizing guide) with
 * request = limit so it is never OOM-killed first; /tmp holds only its serving certificate.
 */
const MS_RESOURCES = addonResources(["100m", "300Mi", "20Mi"], ["500m", "300Mi", "100Mi"]);
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

/** The pods' selector (upstream's `k8s-app` label). */
const SELECTOR = { "k8s-app": METRICS_SERVER_NAME };

/** The API groups' readers: the aggregated reader role (admin/edit/view see pod and node metrics) and its own node/pod reader. */
function metricsServerClusterRoles(a: AddonIdentity): KubeObject[] {
    const aggregateTo = (role: string) => ({ [`rbac.authorization.k8s.io/aggregate-to-${role}`]: "true" });
    return [
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: {
                name: "system:aggregated-metrics-reader",
                labels: { ...a.labels, ...aggregateTo("admin"), ...aggregateTo("edit"), ...aggregateTo("view") },
            },
            rules: [{ apiGroups: ["metrics.k8s.io"], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: "system:metrics-server", labels: a.labels },
            rules: [
                { apiGroups: [""], resources: ["nodes/metrics"], verbs: ["get"] },
                { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["get", "list", "watch"] },
            ],
        },
    ];
}

/** The hardened container: serving certificate on /tmp, HTTPS probes on its secure port. */
function metricsServerContainer(o: MetricsServerOptions) {
    const probe = (path: string) => ({ httpGet: { path, port: "https", scheme: "HTTPS" } });
    return {
        name: METRICS_SERVER_NAME,
        image: o.image,
        imagePullPolicy: "IfNotPresent",
        args: metricsServerArgs(),
        ports: [{ name: "https", containerPort: MS_PORT, protocol: "TCP" }],
        resources: MS_RESOURCES,
        startupProbe: { ...probe("/livez"), periodSeconds: 5, failureThreshold: 24 },
        livenessProbe: { ...probe("/livez"), periodSeconds: 10, failureThreshold: 3 },
        readinessProbe: { ...probe("/readyz"), initialDelaySeconds: 20, periodSeconds: 10, failureThreshold: 3 },
        securityContext: containerSecurityContext({ runAsUser: MS_UID }),
        volumeMounts: [{ name: "tmp-dir", mountPath: "/tmp" }],
    };
}

/** Rolls with a surge (never below its count), spread over nodes (required) and zones (preferred). */
function metricsServerDeployment(a: AddonIdentity, o: MetricsServerOptions): KubeObject {
    const spread = (topologyKey: string, whenUnsatisfiable: string) => ({
        maxSkew: 1,
        topologyKey,
        whenUnsatisfiable,
        labelSelector: { matchLabels: SELECTOR },
    });
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: a.name, namespace: a.namespace, labels: a.labels },
        spec: {
            replicas: o.replicas,
            selector: { matchLabels: SELECTOR },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
            template: {
                metadata: { labels: a.labels, annotations: { "agent-platform.io/uses-kube-api": "true" } },
                spec: {
                    serviceAccountName: a.name,
                    priorityClassName: "system-cluster-critical",
                    nodeSelector: { "kubernetes.io/os": "linux" },
                    securityContext: podSecurityContext({ runAsUser: MS_UID }),
                    topologySpreadConstraints: [spread("kubernetes.io/hostname", "DoNotSchedule"), spread("topology.kubernetes.io/zone", "ScheduleAnyway")],
                    containers: [metricsServerContainer(o)],
                    volumes: [{ name: "tmp-dir", emptyDir: { sizeLimit: "64Mi" } }],
                },
            },
        },
    };
}

/** The Service and the APIService registering it as `v1beta1.metrics.k8s.io`. */
function metricsServerApi(a: AddonIdentity): KubeObject[] {
    return [
        {
            apiVersion: "v1",
            kind: "Service",
            metadata: { name: a.name, namespace: a.namespace, labels: a.labels },
            spec: { selector: SELECTOR, ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: "https" }] },
        },
        {
            apiVersion: "apiregistration.k8s.io/v1",
            kind: "APIService",
            metadata: { name: "v1beta1.metrics.k8s.io", labels: a.labels },
            spec: {
                group: "metrics.k8s.io",
                version: "v1beta1",
                groupPriorityMinimum: 100,
                versionPriority: 100,
                // Upstream default: metrics-server serves a self-signed certificate.
                insecureSkipTLSVerify: true,
                service: { name: a.name, namespace: a.namespace },
            },
        },
    ];
}

/** ServiceAccount, RBAC, Service, Deployment, APIService and, with more than one replica, a PDB. */
export function metricsServerManifests(o: MetricsServerOptions): KubeObject[] {
    const a: AddonIdentity = { name: METRICS_SERVER_NAME, namespace: METRICS_SERVER_NAMESPACE, labels: { ...SELECTOR, ...addonLabels(METRICS_SERVER_NAME) } };
    const [service, apiService] = metricsServerApi(a);
    const objects: KubeObject[] = [
        addonServiceAccount(a),
        ...metricsServerClusterRoles(a),
        addonBinding(a, "RoleBinding", "metrics-server-auth-reader", { kind: "Role", name: "extension-apiserver-authentication-reader" }),
        addonBinding(a, "ClusterRoleBinding", "metrics-server:system:auth-delegator", { kind: "ClusterRole", name: "system:auth-delegator" }),
        addonBinding(a, "ClusterRoleBinding", "system:metrics-server", { kind: "ClusterRole", name: "system:metrics-server" }),
        service,
        metricsServerDeployment(a, o),
        apiService,
    ];
    if (o.replicas > 1) {
        objects.push({
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: { name: a.name, namespace: a.namespace, labels: a.labels },
            spec: { minAvailable: 1, selector: { matchLabels: SELECTOR } },
        });
    }
    return objects;
}
