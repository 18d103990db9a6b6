import { strict as assert } from "assert";
import { formatProblem } from "../../../components/kube/problems";
import * as pulumi from "@pulumi/pulumi";
import { AgentService, AgentServiceArgs, agentServiceProblems } from "../../../components/kube/agent-service";
import { INTERNET_HTTPS } from "../../../components/kube/network";
import { find, kinds, recordOf, render } from "../../helpers/mocks";
import { validateObjects } from "../../helpers/k8s-schema";

const base: AgentServiceArgs = {
    namespace: "claude-code",
    image: "ghcr.io/acme/worker:2.0.0",
    partOf: "claude-code",
    ports: [
        { name: "http", containerPort: 3000 },
        { name: "metrics", containerPort: 9090 },
    ],
    probes: { liveness: { path: "/health" }, readiness: { path: "/ready" }, startup: { path: "/health" } },
};

describe("AgentService", () => {
    it("GIVEN an HPA-owned worker WHEN created THEN the Deployment has no static replicas and the HPA carries every metric and behaviour", async () => {
        const { objects } = await render(
            () =>
                new AgentService("worker", {
                    ...base,
                    name: "worker-agent",
                    hpa: {
                        minReplicas: 5,
                        maxReplicas: 100,
                        cpuUtilization: 70,
                        memoryUtilization: 80,
                        podsMetrics: [{ name: "active_tasks_per_pod", averageValue: "5" }],
                        behavior: { scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] } },
                    },
                    capabilities: { serviceMonitor: true, vpa: true },
                    serviceMonitor: { port: "metrics", name: "agent-metrics" },
                    vpa: { updateMode: "Auto", minAllowed: { cpu: "100m", memory: "128Mi" }, maxAllowed: { cpu: "4", memory: "8Gi" } },
                }),
        );
        validateObjects(objects);
        const d = find(objects, "Deployment", "worker-agent", "claude-code");
        assert.equal(d.spec.replicas, undefined, "the HPA owns the replica count");
        assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
        const hpa = find(objects, "HorizontalPodAutoscaler", "worker-agent");
        assert.equal(hpa.apiVersion, "autoscaling/v2");
        assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [5, 100]);
        assert.deepEqual(
            hpa.spec.metrics.map((m: any) => m.type),
            ["Resource", "Resource", "Pods"],
        );
        assert.equal(hpa.spec.metrics[2].pods.metric.name, "active_tasks_per_pod");
        assert.equal(hpa.spec.behavior.scaleUp.stabilizationWindowSeconds, 60);
        assert.deepEqual(find(objects, "PodDisruptionBudget", "worker-agent").spec.maxUnavailable, 1);
        assert.equal(find(objects, "VerticalPodAutoscaler", "worker-agent").spec.updatePolicy.updateMode, "Auto");
        assert.equal(find(objects, "ServiceMonitor", "agent-metrics").spec.endpoints[0].port, "metrics");
    });

    it("GIVEN defaults WHEN created THEN the pod is hardened, has its own ServiceAccount without a token, and probes", async () => {
        const { objects } = await render(() => new AgentService("api", { ...base, name: "api-gateway", replicas: 2 }));
        const d = find(objects, "Deployment", "api-gateway");
        const pod = d.spec.template.spec;
        const c = pod.containers[0];
        assert.equal(d.spec.replicas, 2);
        assert.equal(pod.serviceAccountName, "api-gateway");
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(find(objects, "ServiceAccount", "api-gateway").automountServiceAccountToken, false);
        assert.equal(c.securityContext.readOnlyRootFilesystem, true);
        assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
        assert.ok(c.livenessProbe && c.readinessProbe && c.startupProbe);
        assert.ok(c.resources.requests.cpu && c.resources.limits.memory);
        const svc = find(objects, "Service", "api-gateway");
        assert.deepEqual(
            svc.spec.ports.map((p: any) => [p.name, p.port, p.targetPort]),
            [
                ["http", 3000, "http"],
                ["metrics", 9090, "metrics"],
            ],
        );
        assert.deepEqual(svc.spec.selector, d.spec.selector.matchLabels);
        assert.equal(kinds(objects, "Role").length, 0, "no RBAC unless rules are declared");
    });

    it("GIVEN RBAC rules WHEN created THEN a Role and RoleBinding grant them to the dedicated account, which mounts a token", async () => {
        const { objects } = await render(
            () =>
                new AgentService("mgr", {
                    ...base,
                    name: "manager-agent",
                    serviceAccount: { name: "claude-code-sa", rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }] },
                }),
        );
        const role = find(objects, "Role", "claude-code-sa");
        assert.deepEqual(role.rules[0].verbs, ["get", "list"]);
        const rb = find(objects, "RoleBinding", "claude-code-sa");
        assert.deepEqual(rb.subjects, [{ kind: "ServiceAccount", name: "claude-code-sa", namespace: "claude-code" }]);
        assert.equal(rb.roleRef.name, "claude-code-sa");
        assert.equal(find(objects, "Deployment", "manager-agent").spec.template.spec.automountServiceAccountToken, true);
    });

    it("GIVEN env, a ConfigMap, a Secret and secret refs WHEN created THEN secrets stay in the Secret as secret values", async () => {
        const { objects, resources } = await render(
            () =>
                new AgentService("agent", {
                    ...base,
                    name: "agent-deployment",
                    env: { LOG_LEVEL: "INFO" },
                    config: { name: "agent-config", data: { MAX_RETRIES: "3" } },
                    secret: { name: "agent-secrets", data: { "anthropic-api-key": pulumi.secret("sk-ant-123") } },
                    secretEnv: { REDIS_URL: { secret: "redis-credentials", key: "url" } },
                }),
        );
        const c = find(objects, "Deployment", "agent-deployment").spec.template.spec.containers[0];
        assert.deepEqual(c.envFrom, [{ configMapRef: { name: "agent-config" } }, { secretRef: { name: "agent-secrets" } }]);
        assert.deepEqual(c.env.find((e: any) => e.name === "REDIS_URL").valueFrom, { secretKeyRef: { name: "redis-credentials", key: "url" } });
        assert.ok(!JSON.stringify(find(objects, "ConfigMap", "agent-config")).includes("sk-ant"));
        assert.ok(!JSON.stringify(c).includes("sk-ant"));
        assert.ok(recordOf(resources, "Secret", "agent-secrets").secretPaths.includes("stringData"));
    });

    it("GIVEN per-replica volumes WHEN created THEN it is a StatefulSet with claim templates that are retained", async () => {
        const { objects } = await render(
            () => new AgentService("store", { ...base, name: "store", replicas: 3, replicaVolumes: [{ name: "data", mountPath: "/data", size: "5Gi" }] }),
        );
        validateObjects(objects);
        const sts = find(objects, "StatefulSet", "store");
        assert.equal(sts.spec.serviceName, "store-headless");
        assert.equal(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "5Gi");
        assert.deepEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.equal(find(objects, "Service", "store-headless").spec.clusterIP, "None");
    });

    it("GIVEN an owned claim WHEN created THEN the PVC has the stable name and is retained on delete", async () => {
        const { objects, resources } = await render(
            () =>
                new AgentService("t", {
                    ...base,
                    name: "term",
                    volumes: [{ name: "sessions", mountPath: "/sessions", claim: { name: "claude-sessions-pvc", size: "10Gi" } }],
                }),
        );
        assert.equal(find(objects, "PersistentVolumeClaim", "claude-sessions-pvc").spec.resources.requests.storage, "10Gi");
        const pod = find(objects, "Deployment", "term").spec.template.spec;
        assert.deepEqual(pod.volumes.find((v: any) => v.name === "sessions").persistentVolumeClaim, { claimName: "claude-sessions-pvc" });
        assert.ok(recordOf(resources, "PersistentVolumeClaim", "claude-sessions-pvc"));
    });

    it("GIVEN network rules WHEN created THEN one policy admits exactly the declared peers and ports", async () => {
        const { objects } = await render(
            () =>
                new AgentService("w", {
                    ...base,
                    name: "worker-agent",
                    network: {
                        ingress: [{ peers: [{ workload: "manager-agent" }, { workload: "api-gateway" }], ports: [3000] }],
                        egress: [{ peers: [{ workload: "redis" }], ports: [6379] }, INTERNET_HTTPS],
                    },
                }),
        );
        const np = find(objects, "NetworkPolicy", "worker-agent");
        assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
        assert.deepEqual(
            np.spec.ingress[0].from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/name"]),
            ["manager-agent", "api-gateway"],
        );
        assert.deepEqual(np.spec.egress[1].to[0].ipBlock.cidr, "0.0.0.0/0");
        assert.ok(np.spec.egress[1].to[0].ipBlock.except.includes("10.0.0.0/8"));
        assert.equal(np.spec.egress[1].ports[0].port, 443);
    });

    it("GIVEN no CRDs WHEN a VPA and ServiceMonitor are asked for THEN they are skipped, not failed", async () => {
        const { objects } = await render(() => new AgentService("x", { ...base, name: "x", vpa: { updateMode: "Off" }, serviceMonitor: { port: "metrics" } }));
        assert.equal(kinds(objects, "VerticalPodAutoscaler").length + kinds(objects, "ServiceMonitor").length, 0);
    });

    it("GIVEN seed Role and RoleBinding names WHEN created THEN the binding refers to the named Role", async () => {
        const { objects } = await render(
            () =>
                new AgentService("mgr", {
                    ...base,
                    name: "manager-agent",
                    serviceAccount: {
                        name: "claude-code-sa",
                        roleName: "claude-code-role",
                        roleBindingName: "claude-code-binding",
                        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
                    },
                }),
        );
        assert.ok(find(objects, "Role", "claude-code-role"));
        const rb = find(objects, "RoleBinding", "claude-code-binding");
        assert.equal(rb.roleRef.name, "claude-code-role");
        assert.equal(rb.subjects[0].name, "claude-code-sa");
    });

    it("GIVEN seed object names WHEN created THEN the container, HPA, VPA, PDB and NetworkPolicy carry them", async () => {
        const { objects } = await render(
            () =>
                new AgentService("agent", {
                    ...base,
                    name: "agent-deployment",
                    containerName: "agent",
                    hpa: { minReplicas: 3, maxReplicas: 10, cpuUtilization: 70 },
                    vpa: { updateMode: "Off" },
                    capabilities: { vpa: true },
                    network: { egress: [INTERNET_HTTPS] },
                    objectNames: { hpa: "agent-hpa", vpa: "agent-vpa", pdb: "agent-pdb", networkPolicy: "agent-network-policy" },
                }),
        );
        assert.equal(find(objects, "Deployment", "agent-deployment").spec.template.spec.containers[0].name, "agent");
        assert.equal(find(objects, "HorizontalPodAutoscaler", "agent-hpa").spec.scaleTargetRef.name, "agent-deployment");
        assert.equal(find(objects, "VerticalPodAutoscaler", "agent-vpa").spec.targetRef.name, "agent-deployment");
        assert.ok(find(objects, "PodDisruptionBudget", "agent-pdb"));
        assert.ok(find(objects, "NetworkPolicy", "agent-network-policy"));
    });

    const invalid: [string, Partial<AgentServiceArgs>, RegExp][] = [
        ["an object name that is not DNS-1123", { objectNames: { hpa: "Agent_HPA" } }, /objectNames.hpa must be a DNS-1123 label/],
        ["replicas with an hpa", { replicas: 3, hpa: { minReplicas: 2, maxReplicas: 4, cpuUtilization: 70 } }, /replicas and hpa are mutually exclusive/],
        ["hpa max < min", { hpa: { minReplicas: 5, maxReplicas: 2, cpuUtilization: 70 } }, /hpa.maxReplicas must be >= hpa.minReplicas \(5\), got 2/],
        ["hpa without metrics", { hpa: { minReplicas: 1, maxReplicas: 2 } }, /hpa needs at least one metric/],
        ["hpa cpu over 100", { hpa: { minReplicas: 1, maxReplicas: 2, cpuUtilization: 170 } }, /hpa.cpuUtilization must be in 1..100 percent, got 170/],
        ["pdb blocking eviction", { replicas: 2, pdb: { minAvailable: 2 } }, /pdb.minAvailable must be < the minimum replica count \(2\)/],
        ["pdb maxUnavailable 0", { replicas: 2, pdb: { maxUnavailable: 0 } }, /pdb.maxUnavailable must be >= 1/],
        ["negative replicas", { replicas: -1 }, /replicas must be an integer >= 0, got -1/],
        ["bad namespace", { namespace: "Claude_Code" }, /namespace must be a DNS-1123 label/],
        ["volume without source", { volumes: [{ name: "v", mountPath: "/v" }] }, /volumes\[0\] \("v"\) must have exactly one source/],
        ["bad claim size", { volumes: [{ name: "v", mountPath: "/v", claim: { name: "v", size: "lots" } }] }, /claim.size must be a quantity/],
        [
            "Recreate with hpa",
            { strategy: "Recreate", hpa: { minReplicas: 1, maxReplicas: 2, cpuUtilization: 50 } },
            /strategy Recreate cannot be combined with an hpa/,
        ],
    ];
    for (const [what, patch, expected] of invalid) {
        it(`GIVEN ${what} WHEN validated THEN it is rejected naming the rule`, () => {
            const problems = agentServiceProblems("svc", { ...base, ...patch } as AgentServiceArgs).map(formatProblem);
            assert.ok(
                problems.some((p) => expected.test(p)),
                problems.join("\n"),
            );
        });
    }

    it("GIVEN compose-style container settings WHEN created THEN the main container and pod carry them (no patching of the objects)", async () => {
        const { objects } = await render(
            () =>
                new AgentService("shell", {
                    ...base,
                    name: "shell",
                    workingDir: "/srv/app",
                    tty: true,
                    stdin: true,
                    enableServiceLinks: false,
                    workloadAnnotations: { "example.com/owner": "team-a" },
                }),
        );
        const d = find(objects, "Deployment", "shell");
        const c = d.spec.template.spec.containers[0];
        assert.deepEqual([c.workingDir, c.tty, c.stdin], ["/srv/app", true, true]);
        assert.equal(d.spec.template.spec.enableServiceLinks, false);
        assert.deepEqual(d.metadata.annotations, { "example.com/owner": "team-a" });
        const plain = find((await render(() => new AgentService("plain", { ...base, name: "plain" }))).objects, "Deployment", "plain");
        for (const k of ["workingDir", "tty", "stdin"]) assert.ok(!(k in plain.spec.template.spec.containers[0]), k);
        assert.ok(!("enableServiceLinks" in plain.spec.template.spec));
        assert.equal(plain.metadata.annotations, undefined);
    });

    it("GIVEN a headless Service and a NodePort Service WHEN created THEN clusterIP None and the numbered node ports are set", async () => {
        const { objects } = await render(() => {
            new AgentService("db", { ...base, name: "db", service: { headless: true } });
            new AgentService("web", { ...base, name: "web", service: { type: "NodePort", nodePorts: { http: 30080 } } });
        });
        validateObjects(objects);
        assert.equal(find(objects, "Service", "db").spec.clusterIP, "None");
        const web = find(objects, "Service", "web").spec;
        assert.equal(web.clusterIP, undefined);
        assert.deepEqual(
            web.ports.map((p: any) => [p.name, p.nodePort]),
            [
                ["http", 30080],
                ["metrics", undefined],
            ],
        );
        assert.match(
            agentServiceProblems("web", { ...base, service: { type: "NodePort", nodePorts: { http: 80 } } })
                .map(formatProblem)
                .join(),
            /service.nodePorts.http must be a port in 30000-32767, got 80/,
        );
    });

    it("GIVEN isolateIngress and egress only WHEN created THEN the policy denies all ingress explicitly", async () => {
        const { objects } = await render(() => new AgentService("w", { ...base, name: "w", network: { egress: [INTERNET_HTTPS], isolateIngress: true } }));
        const np = find(objects, "NetworkPolicy", "w").spec;
        assert.deepEqual(np.policyTypes, ["Ingress", "Egress"]);
        assert.deepEqual(np.ingress, []);
        const alone = await render(() => new AgentService("lone", { ...base, name: "lone", network: { isolateIngress: true } }));
        assert.deepEqual(find(alone.objects, "NetworkPolicy", "lone").spec.policyTypes, ["Ingress"]);
    });

    it("GIVEN the image-id opt-outs WHEN created THEN the ids they name are left to the image and root needs runAsNonRoot false", async () => {
        const { objects } = await render(() => {
            new AgentService("img", { ...base, name: "img", security: { keepImageUser: true, keepImageGroup: true, noFsGroup: true } });
            new AgentService("root", { ...base, name: "root", security: { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, fsGroup: 0 } });
        });
        const pod = (n: string) => find(objects, "Deployment", n).spec.template.spec;
        assert.deepEqual(pod("img").securityContext, { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
        assert.ok(!("runAsUser" in pod("img").containers[0].securityContext) && !("runAsGroup" in pod("img").containers[0].securityContext));
        assert.deepEqual([pod("root").securityContext.runAsNonRoot, pod("root").securityContext.runAsUser, pod("root").securityContext.fsGroup], [false, 0, 0]);
        assert.deepEqual([pod("root").containers[0].securityContext.runAsNonRoot, pod("root").containers[0].securityContext.runAsUser], [false, 0]);
        assert.deepEqual(agentServiceProblems("x", { ...base, security: { runAsUser: 0 } }), [
            { path: "security.runAsUser", rule: "0 (root) needs security.runAsNonRoot: false", value: 0 },
        ]);
    });

    it("GIVEN invalid args WHEN constructed THEN nothing is registered", async () => {
        let thrown: Error | undefined;
        const { resources } = await render(() => {
            try {
                new AgentService("bad", { ...base, replicas: 2, hpa: { minReplicas: 2, maxReplicas: 3, cpuUtilization: 50 } });
            } catch (e) {
                thrown = e as Error;
            }
        });
        assert.match(thrown?.message ?? "", /invalid AgentService args for bad:\n {2}- replicas and hpa are mutually exclusive/);
        assert.equal(resources.length, 0);
    });
});
