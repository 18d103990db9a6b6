/**
 * seed 001 (inquisitor) on what Pulumi.dev.yaml and Pulumi.prod.yaml render. Each stack file is
 * rendered once with only this system's section kept, so another system's state cannot fail it.
 */
import { strict as assert } from "assert";
import { configErrorOf } from "../../helpers/config";
import * as path from "path";
import { REPO_ROOT, RenderResult, StackConfig, readStackConfig, renderProgram } from "../../../tools/lib/render";
import { validateObjects } from "../../helpers/k8s-schema";
import { RENDER_TIMEOUT_MS } from "../../helpers/stacks";
import { find, kinds, recordOf } from "../../helpers/mocks";

const P = "agent-platform";
const NS = "inquisitor-system";
const OTHER_SYSTEMS = ["terminalMid", "claudeCode", "productionAgents", "ushadow"];

/** The stack file's config without the other systems' sections (environment, cluster, crds stay). */
function onlySystem(stack: string, others: string[]): StackConfig {
    const cfg = readStackConfig(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`));
    for (const o of others) delete cfg.values[`${P}:${o}`];
    return cfg;
}

function withSection(stack: string, patch: (section: Record<string, any>) => void, extra: Record<string, string> = {}): StackConfig {
    const cfg = onlySystem(stack, OTHER_SYSTEMS);
    const section = JSON.parse(cfg.values[`${P}:inquisitor`]);
    patch(section);
    cfg.values[`${P}:inquisitor`] = JSON.stringify(section);
    Object.assign(cfg.values, extra);
    return cfg;
}

const container = (o: any) => o.spec.template.spec.containers[0];
const envOf = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe("inquisitor system (seed 001)", () => {
    const rendered: Record<string, RenderResult> = {};
    before(async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        for (const stack of ["dev", "prod"]) rendered[stack] = await renderProgram(onlySystem(stack, OTHER_SYSTEMS), stack, { redact: false });
    });
    const objs = (stack: string) => rendered[stack].objects;

    for (const stack of ["dev", "prod"]) {
        const prod = stack === "prod";
        describe(`Pulumi.${stack}.yaml`, () => {
            it("GIVEN the stack WHEN rendered THEN every object passes the OpenAPI schema (ServiceMonitors and the Velero Schedule structurally)", () => {
                const report = validateObjects(objs(stack));
                // The cluster layer's own cluster-scoped custom resources (ClusterIssuer, ClusterSecretStore) are not the system's.
                const system = report.crdObjects.filter((id) => !id.includes(" _cluster/"));
                assert.deepEqual(
                    system.sort(),
                    [
                        `ServiceMonitor ${NS}/inquisitor-api`,
                        `ServiceMonitor ${NS}/inquisitor-metrics`,
                        "Schedule velero/inquisitor-daily",
                        `PrometheusRule ${NS}/${NS}-alerts`,
                    ].sort(),
                );
            });

            it("GIVEN the namespace WHEN rendered THEN it is inquisitor-system with restricted PSA (enforced in prod only), quota, limits and default-deny", () => {
                const ns = find(objs(stack), "Namespace", NS);
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/warn"], "restricted");
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], prod ? "restricted" : undefined);
                const quota = find(objs(stack), "ResourceQuota", "inquisitor-quota", NS).spec.hard;
                // 3 members x 2 claims + 2 spare; pods cover 3 members + API HPA max + surge with 25% headroom.
                assert.equal(quota.persistentvolumeclaims, "8");
                assert.equal(quota.pods, String(Math.ceil((3 + (prod ? 10 : 4) + 1) * 1.25)));
                assert.equal(quota["requests.storage"], prod ? "57Gi" : "12Gi");
                find(objs(stack), "LimitRange", "inquisitor-limits", NS);
                assert.deepEqual(find(objs(stack), "NetworkPolicy", "default-deny-all", NS).spec.policyTypes, ["Ingress", "Egress"]);
                find(objs(stack), "NetworkPolicy", "allow-dns-egress", NS);
            });

            it("GIVEN the Raft cluster WHEN rendered THEN StatefulSet inquisitor runs 3 members on http 8000 / raft 4321 with per-replica manifests and artifacts claims", () => {
                const sts = find(objs(stack), "StatefulSet", "inquisitor", NS);
                assert.equal(sts.spec.replicas, 3);
                assert.equal(sts.spec.serviceName, "inquisitor-headless");
                const c = container(sts);
                assert.equal(c.image, "ghcr.io/wadelabs/apparatus-system-harness:v0.1.0");
                assert.deepEqual(
                    c.ports.map((p: any) => [p.name, p.containerPort]),
                    [
                        ["http", 8000],
                        ["raft", 4321],
                    ],
                );
                assert.deepEqual(
                    c.volumeMounts.filter((m: any) => m.name !== "tmp").map((m: any) => [m.name, m.mountPath]),
                    [
                        ["manifests", "/app/manifests"],
                        ["artifacts", "/app/artifacts"],
                    ],
                );
                assert.deepEqual(
                    sts.spec.volumeClaimTemplates.map((v: any) => [v.metadata.name, v.spec.resources.requests.storage, v.spec.accessModes[0]]),
                    prod
                        ? [
                              ["manifests", "5Gi", "ReadWriteOnce"],
                              ["artifacts", "10Gi", "ReadWriteOnce"],
                          ]
                        : [
                              ["manifests", "1Gi", "ReadWriteOnce"],
                              ["artifacts", "2Gi", "ReadWriteOnce"],
                          ],
                );
                assert.deepEqual(
                    sts.spec.persistentVolumeClaimRetentionPolicy,
                    prod ? { whenDeleted: "Retain", whenScaled: "Retain" } : { whenDeleted: "Delete", whenScaled: "Delete" },
                );
                assert.deepEqual(
                    c.resources,
                    prod
                        ? { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1000m", memory: "2Gi" } }
                        : { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
                );
            });

            it("GIVEN the Raft members WHEN rendered THEN env carries POD_NAME/POD_NAMESPACE, RAFT_NODE_ID, the peer list, inquisitor-config and the API key from inquisitor-secrets", () => {
                const c = container(find(objs(stack), "StatefulSet", "inquisitor", NS));
                const env = envOf(c);
                assert.deepEqual(env.POD_NAME, { fieldRef: { fieldPath: "metadata.name" } });
                assert.deepEqual(env.POD_NAMESPACE, { fieldRef: { fieldPath: "metadata.namespace" } });
                assert.deepEqual(c.env.find((e: any) => e.name === "RAFT_NODE_ID").valueFrom, { fieldRef: { fieldPath: "metadata.name" } });
                assert.equal(env.RAFT_PEERS, [0, 1, 2].map((i) => `inquisitor-${i}.inquisitor-headless.${NS}.svc.cluster.local:4321`).join(","));
                assert.deepEqual(env.API_KEY, { secretKeyRef: { name: "inquisitor-secrets", key: "api-key" } });
                assert.deepEqual(c.envFrom, [{ configMapRef: { name: "inquisitor-config" } }]);
            });

            it("GIVEN the Raft members WHEN rendered THEN probes are the seed's /health (30s/10s) and /ready (10s/5s) on http, plus a startup probe", () => {
                const c = container(find(objs(stack), "StatefulSet", "inquisitor", NS));
                assert.deepEqual(
                    [c.livenessProbe.httpGet, c.livenessProbe.initialDelaySeconds, c.livenessProbe.periodSeconds],
                    [{ path: "/health", port: "http" }, 30, 10],
                );
                assert.deepEqual(
                    [c.readinessProbe.httpGet, c.readinessProbe.initialDelaySeconds, c.readinessProbe.periodSeconds],
                    [{ path: "/ready", port: "http" }, 10, 5],
                );
                assert.equal(c.startupProbe.httpGet.path, "/health");
            });

            it("GIVEN every inquisitor pod WHEN rendered THEN it is hardened: non-root, read-only root FS, drop ALL, no escalation, RuntimeDefault seccomp", () => {
                for (const w of [find(objs(stack), "StatefulSet", "inquisitor", NS), find(objs(stack), "Deployment", "inquisitor-api", NS)]) {
                    const pod = w.spec.template.spec;
                    assert.equal(pod.securityContext.runAsNonRoot, true);
                    assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
                    const sc = pod.containers[0].securityContext;
                    assert.deepEqual(
                        [sc.runAsNonRoot, sc.readOnlyRootFilesystem, sc.allowPrivilegeEscalation, sc.privileged, sc.capabilities.drop],
                        [true, true, false, false, ["ALL"]],
                    );
                    const zoneSpread = pod.topologySpreadConstraints.some((t: any) => t.topologyKey === "topology.kubernetes.io/zone");
                    assert.equal(zoneSpread, prod, `${w.metadata.name} zone spread`);
                }
            });

            it("GIVEN the Services WHEN rendered THEN headless publishes not-ready members, client is 80 -> 8000 (LoadBalancer only in prod), metrics carries prometheus.io annotations", () => {
                const headless = find(objs(stack), "Service", "inquisitor-headless", NS);
                assert.equal(headless.spec.clusterIP, "None");
                assert.equal(headless.spec.publishNotReadyAddresses, true);
                assert.deepEqual(
                    headless.spec.ports.map((p: any) => p.port),
                    [8000, 4321],
                );
                const client = find(objs(stack), "Service", "inquisitor", NS);
                assert.equal(client.spec.type, prod ? "LoadBalancer" : "ClusterIP");
                // prod's LoadBalancer is internal (VPC-only) unless loadBalancerScheme says internet-facing.
                assert.equal(client.metadata.annotations?.["service.beta.kubernetes.io/aws-load-balancer-scheme"], prod ? "internal" : undefined);
                assert.deepEqual([client.spec.ports[0].port, client.spec.ports[0].targetPort], [80, "http"]);
                const metrics = find(objs(stack), "Service", "inquisitor-metrics", NS);
                assert.deepEqual(metrics.metadata.annotations, {
                    "prometheus.io/scrape": "true",
                    "pulumi.com/skipAwait": "true",
                    "prometheus.io/port": "8000",
                    "prometheus.io/path": "/metrics",
                });
                assert.deepEqual(metrics.spec.selector, { "app.kubernetes.io/name": "inquisitor" });
                assert.deepEqual([metrics.spec.ports[0].name, metrics.spec.ports[0].port, metrics.spec.ports[0].targetPort], ["metrics", 8000, "http"]);
                const monitor = find(objs(stack), "ServiceMonitor", "inquisitor-metrics", NS);
                assert.deepEqual(monitor.spec.endpoints[0].port, "metrics");
                assert.equal(monitor.spec.endpoints[0].path, "/metrics");
                assert.equal(find(objs(stack), "ServiceMonitor", "inquisitor-api", NS).spec.endpoints[0].port, "http");
            });

            it("GIVEN inquisitor-config and inquisitor-secrets WHEN rendered THEN the ConfigMap has the seed keys and the generated API key lives only in the Secret, as a secret", () => {
                const cm = find(objs(stack), "ConfigMap", "inquisitor-config", NS);
                assert.deepEqual(cm.data, {
                    ARTIFACT_DIR: "/app/artifacts",
                    LOG_FORMAT: "json",
                    LOG_LEVEL: prod ? "INFO" : "DEBUG",
                    MANIFEST_DIR: "/app/manifests",
                });
                const secret = find(objs(stack), "Secret", "inquisitor-secrets", NS);
                assert.equal(secret.type, "Opaque");
                assert.deepEqual(Object.keys(secret.stringData), ["api-key"]);
                const key = secret.stringData["api-key"];
                assert.ok(key.length >= 32, "API key is generated with at least 32 characters");
                assert.ok(
                    recordOf(rendered[stack].resources, "Secret", "inquisitor-secrets").secretPaths.includes("stringData"),
                    "stringData must be a secret Output",
                );
                for (const o of kinds(objs(stack), "ConfigMap")) assert.ok(!JSON.stringify(o).includes(key), `${o.metadata.name} leaks the API key`);
                assert.ok(rendered[stack].resources.some((r) => r.type === "random:index/randomPassword:RandomPassword" && r.name === "inquisitor-api-key"));
            });

            it("GIVEN RBAC WHEN rendered THEN ServiceAccount inquisitor can get/list/watch configmaps and only its own Secret, and its pods declare API use", () => {
                find(objs(stack), "ServiceAccount", "inquisitor", NS);
                const role = find(objs(stack), "Role", "inquisitor", NS);
                assert.deepEqual(role.rules, [
                    { apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "watch"] },
                    { apiGroups: [""], resources: ["secrets"], resourceNames: ["inquisitor-secrets"], verbs: ["get", "list", "watch"] },
                ]);
                const binding = find(objs(stack), "RoleBinding", "inquisitor", NS);
                assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "inquisitor", namespace: NS }]);
                assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "inquisitor" });
                const pod = find(objs(stack), "StatefulSet", "inquisitor", NS).spec.template;
                assert.equal(pod.spec.serviceAccountName, "inquisitor");
                assert.equal(pod.spec.automountServiceAccountToken, true);
                assert.equal(pod.metadata.annotations["agent-platform.io/uses-kube-api"], "true");
                // The API tier never talks to the Kubernetes API.
                const api = find(objs(stack), "Deployment", "inquisitor-api", NS).spec.template.spec;
                assert.equal(api.automountServiceAccountToken, false);
                assert.ok(!objs(stack).some((o) => o.kind === "Role" && o.metadata.name === "inquisitor-api"));
            });

            it("GIVEN the Raft NetworkPolicy WHEN rendered THEN 8000/4321 are open to the namespace, 8000 to the monitoring namespace, and egress is peers, leader HTTP and the API server", () => {
                const np = find(objs(stack), "NetworkPolicy", "inquisitor", NS).spec;
                assert.deepEqual(np.policyTypes, ["Ingress", "Egress"]);
                const fromNs = np.ingress.find(
                    (r: any) => r.from[0].namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === NS && !r.from[0].podSelector,
                );
                assert.deepEqual(fromNs.ports, [
                    { port: 8000, protocol: "TCP" },
                    { port: 4321, protocol: "TCP" },
                ]);
                const scrape = np.ingress.find((r: any) => r.from[0].namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring");
                assert.deepEqual(scrape.ports, [{ port: 8000, protocol: "TCP" }]);
                const peerIn = np.ingress.find((r: any) => r.from[0].podSelector?.matchLabels?.["app.kubernetes.io/name"] === "inquisitor");
                assert.deepEqual(peerIn.ports, [{ port: 4321, protocol: "TCP" }]);
                const lbClients = np.ingress.find((r: any) => r.from[0].ipBlock);
                assert.equal(!!lbClients, prod, "the LoadBalancer's clients are admitted on 8000 only where the Service is public");
                if (prod)
                    assert.deepEqual([lbClients.from.map((f: any) => f.ipBlock.cidr), lbClients.ports], [["10.40.0.0/16"], [{ port: 8000, protocol: "TCP" }]]);
                const egressPorts = np.egress.map((r: any) => r.ports.map((p: any) => p.port));
                assert.deepEqual(egressPorts, [[4321], [8000], [443, 6443]]);
                assert.ok(
                    np.egress[2].to.every((t: any) => t.ipBlock?.cidr),
                    "API server egress is by CIDR",
                );
            });

            it("GIVEN the API tier WHEN rendered THEN inquisitor-api is a Deployment with no static replicas, HPA 2..N cpu 70%, a PDB, /health + /ready probes and the shared config", () => {
                const d = find(objs(stack), "Deployment", "inquisitor-api", NS);
                assert.equal(d.spec.replicas, undefined);
                assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
                const c = container(d);
                assert.deepEqual(
                    c.ports.map((p: any) => [p.name, p.containerPort]),
                    [["http", 8000]],
                );
                assert.equal(c.livenessProbe.httpGet.path, "/health");
                assert.equal(c.readinessProbe.httpGet.path, "/ready");
                assert.deepEqual(c.envFrom, [{ configMapRef: { name: "inquisitor-config" } }]);
                const env = envOf(c);
                assert.deepEqual(env.API_KEY, { secretKeyRef: { name: "inquisitor-secrets", key: "api-key" } });
                assert.equal(env.INQUISITOR_CLUSTER_URL, `http://inquisitor.${NS}.svc.cluster.local:80`);
                const hpa = find(objs(stack), "HorizontalPodAutoscaler", "inquisitor-api", NS).spec;
                assert.deepEqual(hpa.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "inquisitor-api" });
                assert.deepEqual([hpa.minReplicas, hpa.maxReplicas], [2, prod ? 10 : 4]);
                assert.deepEqual(hpa.metrics, [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }]);
                assert.equal(find(objs(stack), "PodDisruptionBudget", "inquisitor-api", NS).spec.maxUnavailable, 1);
                const svc = find(objs(stack), "Service", "inquisitor-api", NS);
                assert.deepEqual([svc.spec.type, svc.spec.ports[0].port, svc.spec.ports[0].targetPort], ["ClusterIP", 80, "http"]);
                const np = find(objs(stack), "NetworkPolicy", "inquisitor-api", NS).spec;
                assert.deepEqual(np.egress, [
                    { to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "inquisitor" } } }], ports: [{ port: 8000, protocol: "TCP" }] },
                ]);
            });

            it("GIVEN the Raft PDB WHEN rendered THEN it tolerates exactly f = 1 member down", () => {
                assert.equal(find(objs(stack), "PodDisruptionBudget", "inquisitor", NS).spec.maxUnavailable, 1);
            });

            it("GIVEN Velero in the cluster WHEN rendered THEN Schedule inquisitor-daily backs up the namespace daily for 30 days", () => {
                const s = find(objs(stack), "Schedule", "inquisitor-daily", "velero");
                assert.equal(s.apiVersion, "velero.io/v1");
                assert.equal(s.spec.schedule, "@daily");
                assert.deepEqual(s.spec.template.includedNamespaces, [NS]);
                assert.equal(s.spec.template.ttl, "720h0m0s");
            });

            it("GIVEN the stack outputs WHEN rendered THEN the system reports its namespace and in-cluster URLs", () => {
                const sys = (rendered[stack].outputs as any).outputs.inquisitor;
                assert.equal(sys.namespace, NS);
                assert.deepEqual(sys.services, {
                    inquisitor: `http://inquisitor.${NS}.svc.cluster.local:80`,
                    "inquisitor-headless": `http://inquisitor-headless.${NS}.svc.cluster.local:8000`,
                    "inquisitor-metrics": `http://inquisitor-metrics.${NS}.svc.cluster.local:8000`,
                    "inquisitor-api": `http://inquisitor-api.${NS}.svc.cluster.local:80`,
                });
            });
        });
    }

    describe("config variants", function () {
        this.timeout(RENDER_TIMEOUT_MS); // each case renders a stack
        it("GIVEN replicas 5 WHEN rendered THEN 5 members, 5 peers and a PDB tolerating 2", async () => {
            const r = await renderProgram(
                withSection("dev", (s) => {
                    s.replicas = 5;
                }),
                "dev",
            );
            const sts = find(r.objects, "StatefulSet", "inquisitor", NS);
            assert.equal(sts.spec.replicas, 5);
            assert.equal(envOf(container(sts)).RAFT_PEERS.split(",").length, 5);
            assert.equal(find(r.objects, "PodDisruptionBudget", "inquisitor", NS).spec.maxUnavailable, 2);
        });

        it("GIVEN an internet-facing public client WHEN the prod program runs THEN the policy gate refuses the public LoadBalancer until prod.json allow-lists it", async () => {
            // An internet-facing harness API is an explicit decision: net-no-public-service.allowedServices in policy/config/prod.json.
            await assert.rejects(
                renderProgram(
                    withSection("prod", (s) => {
                        s.loadBalancerScheme = "internet-facing";
                        s.loadBalancerSourceRanges = ["0.0.0.0/0"];
                    }),
                    "prod",
                ),
                /\[mandatory\] net-no-public-service: Service inquisitor-system\/inquisitor: is a public LoadBalancer Service/,
            );
        });

        it("GIVEN prod's internal client LoadBalancer THEN it and the members' 8000 ingress admit only the VPC CIDR, never 0.0.0.0/0", async () => {
            const r = await renderProgram(
                withSection("prod", () => undefined),
                "prod",
            );
            assert.deepEqual(find(r.objects, "Service", "inquisitor", NS).spec.loadBalancerSourceRanges, ["10.40.0.0/16"]);
            const cidrs = find(r.objects, "NetworkPolicy", "inquisitor", NS)
                .spec.ingress.filter((rule: any) => rule.ports.some((p: any) => p.port === 8000))
                .flatMap((rule: any) => rule.from.filter((f: any) => f.ipBlock).map((f: any) => f.ipBlock.cidr));
            assert.deepEqual(cidrs, ["10.40.0.0/16"]);
        });

        it("GIVEN an internet-facing client without loadBalancerSourceRanges WHEN loaded THEN one ConfigError names the key; given ranges reach the Service and the policy", async () => {
            const err = await renderProgram(
                withSection("prod", (s) => {
                    s.loadBalancerScheme = "internet-facing";
                }),
                "prod",
            ).then(
                () => undefined,
                (e) => e,
            );
            assert.match(String(err?.message), /agent-platform:inquisitor\.loadBalancerSourceRanges: is required for an internet-facing client Service/);
            const r = await renderProgram(
                withSection("prod", (s) => {
                    s.loadBalancerSourceRanges = ["10.40.8.0/24"];
                }),
                "prod",
            );
            assert.deepEqual(find(r.objects, "Service", "inquisitor", NS).spec.loadBalancerSourceRanges, ["10.40.8.0/24"]);
            assert.ok(JSON.stringify(find(r.objects, "NetworkPolicy", "inquisitor", NS).spec.ingress).includes("10.40.8.0/24"));
        });

        it("GIVEN Velero not installed WHEN rendered THEN no Schedule is created", async () => {
            const r = await renderProgram(
                withSection("dev", () => undefined, { [`${P}:crds`]: JSON.stringify({ velero: false }) }),
                "dev",
            );
            assert.equal(kinds(r.objects, "Schedule").length, 0);
        });

        it("GIVEN publicExposure on a cluster without LoadBalancers in dev WHEN rendered THEN the client Service stays ClusterIP", async () => {
            const r = await renderProgram(
                withSection("dev", (s) => {
                    s.publicExposure = true;
                }),
                "dev",
            );
            assert.equal(find(r.objects, "Service", "inquisitor", NS).spec.type, "ClusterIP");
        });

        const bad: [string, (s: Record<string, any>) => void, RegExp][] = [
            [
                "4 replicas (even)",
                (s) => {
                    s.replicas = 4;
                },
                /agent-platform:inquisitor\.replicas: raft replicas must be odd and >= 3/,
            ],
            [
                "1 replica",
                (s) => {
                    s.replicas = 1;
                },
                /agent-platform:inquisitor\.replicas: raft replicas must be odd and >= 3/,
            ],
            [
                "image :latest (the seed's tag)",
                (s) => {
                    s.image = "ghcr.io/wadelabs/apparatus-system-harness:latest";
                },
                /agent-platform:inquisitor\.image: must be pinned/,
            ],
            [
                "LOG_FORMAT other than json/text",
                (s) => {
                    s.logFormat = "xml";
                },
                /agent-platform:inquisitor\.logFormat: /,
            ],
            [
                "API HPA min 0",
                (s) => {
                    s.api = { hpa: { minReplicas: 0, maxReplicas: 10, cpuUtilization: 70 } };
                },
                /agent-platform:inquisitor\.api\.hpa\.minReplicas: must be >= 1/,
            ],
            [
                "backup schedule not cron",
                (s) => {
                    s.backup = { schedule: "every day" };
                },
                /agent-platform:inquisitor\.backup\.schedule: must be a five-field cron/,
            ],
            [
                "kube API CIDR not a CIDR",
                (s) => {
                    s.kubeApiCidrs = ["10.0.0.0"];
                },
                /agent-platform:inquisitor\.kubeApiCidrs\.0: must be an IPv4 CIDR/,
            ],
            [
                "api HPA without a metric",
                (s) => {
                    s.api = { hpa: { minReplicas: 2, maxReplicas: 4 } };
                },
                /agent-platform:inquisitor\.api\.hpa: needs at least one metric/,
            ],
        ];
        for (const [what, patch, message] of bad) {
            it(`GIVEN ${what} WHEN loaded THEN a ConfigError names the key`, () => {
                const err = configErrorOf(withSection("dev", patch));
                assert.match(err.message, message);
            });
        }

        it("GIVEN publicExposure in prod on a cluster without LoadBalancers WHEN loaded THEN a ConfigError names inquisitor.publicExposure", () => {
            const cfg = withSection(
                "prod",
                (s) => {
                    s.publicExposure = true;
                },
                { [`${P}:cluster`]: JSON.stringify({ provider: "existing", loadBalancers: false }) },
            );
            const err = configErrorOf(cfg);
            assert.match(err.message, /agent-platform:inquisitor\.publicExposure: needs a cluster that provides LoadBalancers/);
        });
    });
});
