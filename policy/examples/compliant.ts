/**
 * The pack's worked examples: one compliant object per kind, together forming a compliant stack
 * (every policy passes under policy/config/prod.json). Failing examples are single mutations of
 * these (cases.ts). `policy:check --explain` prints them; the tests prove both sides.
 * Shapes follow what the components emit (components/kube/pod.ts hardening, labels.ts).
 */
import { fromK8sObject, InputResource, urnFor } from "../lib/harness";
import { resourceRef } from "../lib/rule";
import { Json, K8sObject } from "../lib/k8s";
import { REHEARSAL_TAG } from "../rules/process";

export const NS = "agents";
const PART_OF = "agent-platform";
export const DIGEST = "sha256:" + "ab12".repeat(16);

export function podLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": "pulumi" };
}

/** A container hardened the way components/kube/pod.ts buildContainer does. */
export function container(name: string, opts: { port?: number; exec?: boolean } = {}): Json {
    // Readiness asks a different endpoint than liveness: /ready reflects dependencies, /health only the process.
    const probe = (period: number, threshold: number, path = "/health") =>
        opts.port
            ? { httpGet: { path, port: "http" }, periodSeconds: period, failureThreshold: threshold }
            : { exec: { command: ["/bin/healthcheck"] }, periodSeconds: period, failureThreshold: threshold };
    return {
        name,
        image: `ghcr.io/agent-platform/${name}:1.4.2@${DIGEST}`,
        imagePullPolicy: "IfNotPresent",
        ...(opts.port ? { ports: [{ name: "http", containerPort: opts.port, protocol: "TCP" }] } : {}),
        env: [
            { name: "LOG_LEVEL", value: "info" },
            { name: "API_TOKEN_FILE", value: "/run/secrets/api/token" },
        ],
        resources: {
            requests: { cpu: "100m", memory: "256Mi", "ephemeral-storage": "100Mi" },
            limits: { cpu: "500m", memory: "256Mi", "ephemeral-storage": "1Gi" },
        },
        livenessProbe: probe(10, 3),
        readinessProbe: probe(5, 3, "/ready"),
        startupProbe: probe(10, 30),
        securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        },
        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
    };
}

/** A pod spec as components/kube/pod.ts builds it. */
export function podSpec(name: string, containers: Json[], extra: Json = {}): Json {
    return {
        serviceAccountName: name,
        automountServiceAccountToken: false,
        priorityClassName: "agent-platform-standard",
        securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: "RuntimeDefault" } },
        containers,
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
        topologySpreadConstraints: ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map((topologyKey) => ({
            maxSkew: 1,
            topologyKey,
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: { "app.kubernetes.io/name": name } },
        })),
        ...extra,
    };
}

function meta(name: string, extra: Json = {}): Json {
    return JSON.parse(JSON.stringify({ name, namespace: NS, labels: podLabels(name), ...extra }));
}

const RUNBOOK = { "agent-platform.io/runbook": "https://runbooks.example.com/agent-platform/" };

function allowPolicy(name: string): K8sObject {
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta(`${name}-allow`),
        spec: {
            podSelector: { matchLabels: { "app.kubernetes.io/name": name } },
            policyTypes: ["Ingress", "Egress"],
            ingress: [{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/part-of": PART_OF } } }] }],
            egress: [{ to: [{ podSelector: { matchLabels: { "app.kubernetes.io/part-of": PART_OF } } }] }],
        },
    };
}

function serviceAccount(name: string): K8sObject {
    return { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(name), automountServiceAccountToken: false };
}

/** The compliant Kubernetes objects. */
export function compliantObjects(): K8sObject[] {
    const api: K8sObject = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: meta("api", { annotations: RUNBOOK }),
        spec: {
            selector: { matchLabels: { "app.kubernetes.io/name": "api" } },
            strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
            template: {
                metadata: { labels: podLabels("api") },
                spec: podSpec("api", [container("api", { port: 8080 })]),
            },
        },
    };
    const raft: K8sObject = {
        apiVersion: "apps/v1",
        kind: "StatefulSet",
        metadata: { ...meta("raft", { annotations: RUNBOOK }), labels: { ...podLabels("raft"), "agent-platform.io/raft": "true" } },
        spec: {
            replicas: 3,
            serviceName: "raft-headless",
            podManagementPolicy: "Parallel",
            selector: { matchLabels: { "app.kubernetes.io/name": "raft" } },
            template: {
                metadata: { labels: podLabels("raft") },
                spec: podSpec("raft", [
                    {
                        ...container("raft", { port: 7000 }),
                        volumeMounts: [
                            { name: "tmp", mountPath: "/tmp" },
                            { name: "data", mountPath: "/data" },
                        ],
                    },
                ]),
            },
            volumeClaimTemplates: [
                {
                    metadata: { name: "data" },
                    spec: { accessModes: ["ReadWriteOnce"], storageClassName: "retained", resources: { requests: { storage: "10Gi" } } },
                },
            ],
        },
    };
    const poller: K8sObject = {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { ...meta("poller", { annotations: RUNBOOK }), labels: { ...podLabels("poller"), "agent-platform.io/singleton": "true" } },
        spec: {
            replicas: 1,
            strategy: { type: "Recreate" },
            selector: { matchLabels: { "app.kubernetes.io/name": "poller" } },
            template: { metadata: { labels: podLabels("poller") }, spec: podSpec("poller", [container("poller")]) },
        },
    };
    const shipper: K8sObject = {
        apiVersion: "apps/v1",
        kind: "DaemonSet",
        metadata: meta("fluent-bit", { annotations: RUNBOOK }),
        spec: {
            selector: { matchLabels: { "app.kubernetes.io/name": "fluent-bit" } },
            updateStrategy: { type: "RollingUpdate" },
            template: { metadata: { labels: podLabels("fluent-bit") }, spec: podSpec("fluent-bit", [container("fluent-bit", { port: 2020 })]) },
        },
    };
    const backupPod = podSpec("postgres-backup", [container("postgres-backup")], { restartPolicy: "OnFailure" });
    delete backupPod.containers[0].livenessProbe;
    delete backupPod.containers[0].readinessProbe;
    delete backupPod.containers[0].startupProbe;
    const backup: K8sObject = {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: meta("postgres-backup"),
        spec: {
            schedule: "0 2 * * *", // seed 002: daily at 2 AM
            startingDeadlineSeconds: 600,
            concurrencyPolicy: "Forbid",
            jobTemplate: { spec: { template: { metadata: { labels: podLabels("postgres-backup") }, spec: backupPod } } },
        },
    };
    const migrate: K8sObject = {
        apiVersion: "batch/v1",
        kind: "Job",
        metadata: meta("migrate"),
        spec: {
            ttlSecondsAfterFinished: 3600,
            template: {
                metadata: { labels: podLabels("migrate") },
                spec: {
                    ...JSON.parse(JSON.stringify(backupPod)),
                    serviceAccountName: "migrate",
                    containers: [{ ...backupPod.containers[0], name: "migrate" }],
                    restartPolicy: "Never",
                },
            },
        },
    };
    const svc = (name: string, port: number, headless = false): K8sObject => ({
        apiVersion: "v1",
        kind: "Service",
        metadata: { ...meta(headless ? `${name}-headless` : name), labels: podLabels(name) },
        spec: { ...(headless ? { clusterIP: "None" } : {}), selector: { "app.kubernetes.io/name": name }, ports: [{ name: "http", port, targetPort: "http" }] },
    });
    const monitor = (name: string): K8sObject => ({
        apiVersion: "monitoring.coreos.com/v1",
        kind: "ServiceMonitor",
        metadata: meta(name),
        spec: { selector: { matchLabels: { "app.kubernetes.io/name": name } }, endpoints: [{ port: "http", path: "/metrics" }] },
    });
    return [
        {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: NS, labels: { "pod-security.kubernetes.io/enforce": "restricted", "app.kubernetes.io/part-of": PART_OF } },
        },
        { apiVersion: "v1", kind: "ResourceQuota", metadata: meta("quota"), spec: { hard: { "requests.cpu": "20", "requests.memory": "40Gi" } } },
        {
            apiVersion: "v1",
            kind: "LimitRange",
            metadata: meta("limits"),
            spec: { limits: [{ type: "Container", default: { cpu: "500m", memory: "512Mi" } }] },
        },
        {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: meta("default-deny"),
            spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
        },
        {
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: meta("allow-dns"),
            spec: {
                podSelector: {},
                policyTypes: ["Egress"],
                egress: [
                    {
                        ports: [
                            { port: 53, protocol: "UDP" },
                            { port: 53, protocol: "TCP" },
                        ],
                    },
                ],
            },
        },
        ...["api", "raft", "poller", "fluent-bit", "postgres-backup", "migrate"].map(allowPolicy),
        ...["api", "raft", "poller", "fluent-bit", "postgres-backup", "migrate"].map(serviceAccount),
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "Role",
            metadata: meta("api"),
            rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "watch"] }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "RoleBinding",
            metadata: meta("api"),
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "api" },
            subjects: [{ kind: "ServiceAccount", name: "api", namespace: NS }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRole",
            metadata: { name: "agent-platform-node-reader" },
            rules: [{ apiGroups: [""], resources: ["nodes"], verbs: ["get", "list"] }],
        },
        {
            apiVersion: "rbac.authorization.k8s.io/v1",
            kind: "ClusterRoleBinding",
            metadata: { name: "agent-platform-node-reader" },
            roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "agent-platform-node-reader" },
            subjects: [{ kind: "ServiceAccount", name: "fluent-bit", namespace: NS }],
        },
        api,
        raft,
        poller,
        shipper,
        backup,
        migrate,
        {
            apiVersion: "v1",
            kind: "Pod",
            metadata: {
                name: "api-7d9f8c6b5-x2k4q",
                namespace: NS,
                labels: podLabels("api"),
                ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "api-7d9f8c6b5", uid: "0000", controller: true }],
            },
            spec: podSpec("api", [container("api", { port: 8080 })]),
        },
        svc("api", 80),
        svc("raft", 7000, true),
        svc("fluent-bit", 2020),
        monitor("api"),
        monitor("raft"),
        monitor("fluent-bit"),
        {
            apiVersion: "autoscaling/v2",
            kind: "HorizontalPodAutoscaler",
            metadata: meta("api"),
            spec: {
                scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
                minReplicas: 2,
                maxReplicas: 10,
                metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
            },
        },
        {
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: meta("api"),
            spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: { matchLabels: { "app.kubernetes.io/name": "api" } } },
        },
        {
            apiVersion: "policy/v1",
            kind: "PodDisruptionBudget",
            metadata: meta("raft"),
            spec: { maxUnavailable: 1, unhealthyPodEvictionPolicy: "AlwaysAllow", selector: { matchLabels: { "app.kubernetes.io/name": "raft" } } },
        },
        {
            apiVersion: "networking.k8s.io/v1",
            kind: "Ingress",
            metadata: meta("api", { annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" } }),
            spec: {
                ingressClassName: "nginx",
                tls: [{ hosts: ["agents.example.com"], secretName: "api-tls" }],
                rules: [
                    {
                        host: "agents.example.com",
                        http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "api", port: { number: 80 } } } }] },
                    },
                ],
            },
        },
        {
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            metadata: { name: "retained", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
            provisioner: "ebs.csi.aws.com",
            parameters: { type: "gp3", encrypted: "true" },
            reclaimPolicy: "Retain",
            volumeBindingMode: "WaitForFirstConsumer",
            allowVolumeExpansion: true,
        },
        {
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: meta("artifacts"),
            spec: { accessModes: ["ReadWriteOnce"], storageClassName: "retained", resources: { requests: { storage: "20Gi" } } },
        },
        {
            apiVersion: "velero.io/v1",
            kind: "Schedule",
            metadata: { name: "agents-daily", namespace: "velero" },
            spec: { schedule: "0 3 * * *", template: { includedNamespaces: [NS], ttl: "720h0m0s" } },
        },
        { apiVersion: "v1", kind: "ConfigMap", metadata: meta("api-config"), data: { LOG_LEVEL: "info", REDIS_URL: "redis://redis-service:6379/0" } },
        {
            apiVersion: "v1",
            kind: "Secret",
            metadata: meta("api-secrets", { annotations: { "agent-platform.io/generated": "true" } }),
            type: "Opaque",
            stringData: { token: "<redacted>" },
        },
    ];
}

/** The compliant AWS resources (shapes of the @pulumi/aws inputs EksCluster passes). */
export function compliantCloud(): InputResource[] {
    const r = (type: string, name: string, props: Json): InputResource => ({ type, name, props, urn: urnFor(type, name) });
    return [
        r("aws:eks/cluster:Cluster", "prod-eks", {
            version: "1.33",
            roleArn: "arn:aws:iam::123456789012:role/prod-eks",
            vpcConfig: { subnetIds: ["subnet-a", "subnet-b", "subnet-c"], endpointPrivateAccess: true, endpointPublicAccess: false },
            encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:eu-west-1:123456789012:key/abc" } },
            enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
        }),
        r("aws:eks/nodeGroup:NodeGroup", "prod-eks-general", {
            clusterName: "prod-eks",
            subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
            capacityType: "ON_DEMAND",
            instanceTypes: ["m6i.xlarge", "m5.xlarge"],
            scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 10 },
            launchTemplate: { id: "lt-123", version: "1" },
        }),
        r("aws:ec2/launchTemplate:LaunchTemplate", "prod-eks-general-lt", {
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 2 },
            blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 50, volumeType: "gp3", encrypted: "true" } }],
        }),
        r("aws:kms/key:Key", "prod-eks-secrets-key", { enableKeyRotation: true, deletionWindowInDays: 30 }),
        r("aws:ecr/repository:Repository", "agents", { imageScanningConfiguration: { scanOnPush: true }, imageTagMutability: "IMMUTABLE" }),
        r("aws:eks/addon:Addon", "prod-eks-cloudwatch", { clusterName: "prod-eks", addonName: "amazon-cloudwatch-observability" }),
        r("aws:eks/addon:Addon", "prod-eks-vpc-cni", {
            clusterName: "prod-eks",
            addonName: "vpc-cni",
            configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
        }),
    ];
}

/** Everything: Kubernetes objects as resources plus the AWS resources. */
export function compliantStack(): InputResource[] {
    return [...compliantObjects().map((o) => fromK8sObject(o)), ...compliantCloud()];
}

/** Stack tags of a stack whose upgrade was rehearsed today. */
export function compliantTags(now = new Date()): Map<string, string> {
    return new Map([[REHEARSAL_TAG, now.toISOString().slice(0, 10)]]);
}

/** The example resource named `Kind/ns/name` (or `<token>/<name>`). */
export function find(resources: InputResource[], ref: string): InputResource {
    const r = resources.find((x) => resourceRef(x.type, x.name, x.props) === ref);
    if (!r) throw new Error(`example ${ref} not found`);
    return r;
}
