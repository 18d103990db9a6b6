/**
 * A synthetic manifest set for the policy benchmark: `count` objects in equal shares of
 * Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget and NetworkPolicy, one file
 * per object (the layout `npm run render` writes), spread over 10 namespaces. The Deployments
 * are hardened like the platform's own (probes, limits, non-root, read-only root FS) so the
 * rules walk their full paths instead of stopping at the first missing field.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

const KINDS = ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"] as const;

function labels(app: string, ns: string): Record<string, string> {
    return {
        "app.kubernetes.io/name": app,
        "app.kubernetes.io/instance": app,
        "app.kubernetes.io/part-of": ns,
        "app.kubernetes.io/component": "agent",
        "app.kubernetes.io/managed-by": "pulumi",
    };
}

export function syntheticObject(kind: (typeof KINDS)[number], i: number): Record<string, unknown> {
    const ns = `bench-${i % 10}`;
    const app = `agent-${i}`;
    const meta = { name: app, namespace: ns, labels: labels(app, ns) };
    const selector = { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": app };
    const probe = (p: string) => ({ httpGet: { path: p, port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 });
    switch (kind) {
        case "Deployment":
            return {
                apiVersion: "apps/v1",
                kind,
                metadata: meta,
                spec: {
                    replicas: 2,
                    selector: { matchLabels: selector },
                    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
                    template: {
                        metadata: { labels: meta.labels },
                        spec: {
                            serviceAccountName: app,
                            automountServiceAccountToken: false,
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: 10001,
                                runAsGroup: 10001,
                                fsGroup: 10001,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            topologySpreadConstraints: [
                                {
                                    maxSkew: 1,
                                    topologyKey: "topology.kubernetes.io/zone",
                                    whenUnsatisfiable: "ScheduleAnyway",
                                    labelSelector: { matchLabels: selector },
                                },
                            ],
                            containers: [
                                {
                                    name: "agent",
                                    image: `ghcr.io/acme/agent:1.${i % 7}.0`,
                                    imagePullPolicy: "IfNotPresent",
                                    ports: [
                                        { name: "http", containerPort: 8080 },
                                        { name: "metrics", containerPort: 9090 },
                                    ],
                                    env: [{ name: "LOG_LEVEL", value: "info" }],
                                    resources: {
                                        requests: { cpu: "100m", memory: "128Mi", "ephemeral-storage": "64Mi" },
                                        limits: { cpu: "500m", memory: "512Mi", "ephemeral-storage": "256Mi" },
                                    },
                                    livenessProbe: probe("/health"),
                                    readinessProbe: probe("/ready"),
                                    startupProbe: probe("/health"),
                                    securityContext: {
                                        allowPrivilegeEscalation: false,
                                        readOnlyRootFilesystem: true,
                                        runAsNonRoot: true,
                                        capabilities: { drop: ["ALL"] },
                                    },
                                    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                                },
                            ],
                            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
                        },
                    },
                },
            };
        case "Service":
            return { apiVersion: "v1", kind, metadata: meta, spec: { type: "ClusterIP", selector, ports: [{ name: "http", port: 80, targetPort: "http" }] } };
        case "HorizontalPodAutoscaler":
            return {
                apiVersion: "autoscaling/v2",
                kind,
                metadata: meta,
                spec: {
                    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app },
                    minReplicas: 2,
                    maxReplicas: 10,
                    metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
                },
            };
        case "PodDisruptionBudget":
            return { apiVersion: "policy/v1", kind, metadata: meta, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } };
        case "NetworkPolicy":
            return {
                apiVersion: "networking.k8s.io/v1",
                kind,
                metadata: meta,
                spec: {
                    podSelector: { matchLabels: selector },
                    policyTypes: ["Ingress", "Egress"],
                    ingress: [{ from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "gateway" } } }], ports: [{ port: 8080, protocol: "TCP" }] }],
                    egress: [
                        {
                            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
                            ports: [{ port: 53, protocol: "UDP" }],
                        },
                    ],
                },
            };
    }
}

/** Writes `count` objects (a multiple of 5) under `dir`; returns the number of files written. */
export function writeSyntheticManifests(dir: string, count: number): number {
    if (count % KINDS.length !== 0) throw new Error(`count must be a multiple of ${KINDS.length}, got ${count}`);
    fs.rmSync(dir, { recursive: true, force: true });
    const per = count / KINDS.length;
    let written = 0;
    for (const kind of KINDS) {
        for (let i = 0; i < per; i++) {
            const obj = syntheticObject(kind, i);
            const file = path.join(dir, `bench-${i % 10}`, `${kind.toLowerCase()}-agent-${i}.yaml`);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, YAML.stringify(obj));
            written++;
        }
    }
    return written;
}
