import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { runUnderMocks, RecordedResource } from "../../../tools/lib/mock-runtime";
import { ComposeApp } from "../../../components/compose/compose-app";
import { ComposeError } from "../../../components/compose/errors";
import { DEFAULT_SECRET_PATTERNS, secretNameMatcher } from "../../../components/compose/env";
import { USHADOW_COMPOSE, ushadowOptions } from "./helpers";

const byType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);
const one = (rs: RecordedResource[], type: string, name: string) => {
    const r = rs.find((x) => x.type === type && x.inputs.metadata?.name === name);
    if (!r) throw new Error(`no ${type} ${name}`);
    return r;
};

describe("ComposeApp (under Pulumi mocks)", () => {
    it("GIVEN the ushadow compose file, a provider and an Output secret WHEN deployed THEN Secrets are secret and ConfigMaps hold no secret-looking keys", async () => {
        const o = ushadowOptions();
        const { resources, result } = await runUnderMocks(async () => {
            const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
            const app = new ComposeApp(
                "ushadow",
                {
                    composeFile: USHADOW_COMPOSE,
                    namespace: "ushadow",
                    secretEnv: { AUTH_SECRET_KEY: pulumi.secret("auth-from-config") },
                    env: { CORS_ORIGINS: "https://ushadow.example.com", OPENAI_API_KEY: pulumi.output("sk-from-output") },
                    settings: { LOG_LEVEL: "warning" },
                    partOf: o.partOf,
                    services: o.services,
                    volumes: o.volumes,
                },
                { provider },
            );
            return new Promise<Record<string, string>>((resolve) => app.services.apply(resolve));
        });

        const component = resources.find((r) => r.type === "agent-platform:index:ComposeApp");
        assert.ok(component && !component.custom);

        const secrets = byType(resources, "kubernetes:core/v1:Secret");
        assert.deepEqual(secrets.map((s) => s.name).sort(), ["ushadow-backend-secret", "ushadow-mem0-secret", "ushadow-neo4j-secret"]);
        for (const s of secrets) {
            for (const key of Object.keys(s.inputs.stringData)) {
                const secret = s.secretPaths.includes("stringData") || s.secretPaths.includes(`stringData.${key}`);
                assert.ok(secret, `${s.name} stringData.${key} must be secret (got ${s.secretPaths})`);
            }
        }
        const backendSecret = one(resources, "kubernetes:core/v1:Secret", "backend-secrets");
        assert.equal(backendSecret.inputs.stringData.AUTH_SECRET_KEY, "auth-from-config", "secret Output flows through");
        assert.equal(backendSecret.inputs.stringData.OPENAI_API_KEY, "sk-from-output");

        const isSecret = secretNameMatcher(DEFAULT_SECRET_PATTERNS);
        for (const cm of byType(resources, "kubernetes:core/v1:ConfigMap")) {
            assert.deepEqual(cm.secretPaths, [], `${cm.name} must hold no secret values`);
            for (const [k, v] of Object.entries(cm.inputs.data as Record<string, string>)) {
                assert.ok(!isSecret(k), `${cm.name} holds ${k}`);
                assert.ok(!/auth-from-config|sk-from-output|ushadow-dev/.test(v), `${cm.name}.${k}`);
            }
        }
        const backendCm = one(resources, "kubernetes:core/v1:ConfigMap", "backend-config");
        assert.equal(backendCm.inputs.data.CORS_ORIGINS, "https://ushadow.example.com", "explicit plain value");
        assert.equal(backendCm.inputs.data.LOG_LEVEL, "warning", "stack setting beats the compose default");
        assert.equal(backendCm.inputs.metadata.namespace, "ushadow");
        assert.equal(backendCm.inputs.data.MONGODB_URI, "mongodb://mongo.ushadow.svc.cluster.local:27017/ushadow");

        for (const r of resources.filter((x) => x.custom && x.type.startsWith("kubernetes:") && x.type !== "pulumi:providers:kubernetes")) {
            assert.ok(r.name.startsWith("ushadow-"), r.name);
            assert.ok(r.provider?.includes("cluster"), `${r.type} ${r.name} must use the given provider, got ${r.provider}`);
        }
        assert.equal(byType(resources, "kubernetes:apps/v1:Deployment").length, 7);
        const workloads = resources.filter((r) => r.type === "agent-platform:index:AgentService" || r.type === "agent-platform:index:SingletonWorker");
        assert.deepEqual(workloads.map((w) => `${w.type.split(":")[2]} ${w.name}`).sort(), [
            "AgentService ushadow-backend",
            "AgentService ushadow-mem0",
            "AgentService ushadow-mem0-ui",
            "SingletonWorker ushadow-mongo",
            "SingletonWorker ushadow-neo4j",
            "SingletonWorker ushadow-qdrant",
            "SingletonWorker ushadow-redis",
        ]);
        assert.equal(byType(resources, "kubernetes:networking.k8s.io/v1:Ingress").length, 1);
        assert.equal(byType(resources, "kubernetes:core/v1:PersistentVolumeClaim").length, 5);
        assert.equal(result.backend, "http://backend.ushadow.svc.cluster.local:8000");
        assert.equal(result.redis, "redis://redis.ushadow.svc.cluster.local:6379");
    });

    it("GIVEN an invalid compose text WHEN constructing THEN it throws a ComposeError and registers nothing", async () => {
        const { resources, result } = await runUnderMocks(() => {
            try {
                new ComposeApp("broken", {
                    composeText: "services:\n  web:\n    image: nginx:1.27\n    ports: ['http:80']\n",
                    composeFileName: "inline.yml",
                    namespace: "apps",
                });
                return undefined;
            } catch (e) {
                return e;
            }
        });
        assert.ok(result instanceof ComposeError, String(result));
        assert.match((result as Error).message, /^inline\.yml: service "web": ports\[0\]: host port "http"/);
        assert.deepEqual(resources, []);
    });

    it("GIVEN both composeFile and composeText THEN the error names both fields", async () => {
        const { result } = await runUnderMocks(() => {
            try {
                new ComposeApp("x", { composeFile: "a.yml", composeText: "services: {}", namespace: "apps" });
            } catch (e) {
                return (e as Error).message;
            }
            return "";
        });
        assert.match(result, /composeFile\/composeText: give exactly one of composeFile and composeText/);
    });

    describe("every compose service is an AgentService", () => {
        const COMPOSE = [
            "services:",
            "  api:",
            "    image: ghcr.io/acme/api:1.2.0",
            "    ports: ['8000', '9090']",
            "    depends_on: [db]",
            "  web:",
            "    image: ghcr.io/acme/web:1.2.0",
            "    ports: ['3000']",
            "    deploy: { replicas: 3 }",
            "  db:",
            "    image: postgres:16.4",
            "    ports: ['5432']",
            "    volumes: ['pg:/var/lib/postgresql/data']",
            "volumes:",
            "  pg:",
            "",
        ].join("\n");
        const k8s = (rs: RecordedResource[], kind: string) => rs.filter((r) => r.custom && r.type.endsWith(`:${kind}`)).map((r) => r.inputs);
        const named = (rs: RecordedResource[], kind: string, name: string) => {
            const o = k8s(rs, kind).find((i) => i.metadata.name === name);
            if (!o) throw new Error(`no ${kind}/${name}`);
            return o;
        };
        let resources: RecordedResource[] = [];
        before(async () => {
            ({ resources } = await runUnderMocks(
                () =>
                    new ComposeApp("acme", {
                        composeText: COMPOSE,
                        namespace: "acme",
                        networkPolicies: true,
                        spreadAcrossZones: true,
                        capabilities: { serviceMonitor: true },
                        services: {
                            api: { autoscaling: { minReplicas: 2, maxReplicas: 6 }, metrics: { port: 9090 }, healthCheckPath: "/healthz" },
                        },
                    }),
            ));
        });

        it("GIVEN autoscaling WHEN deployed THEN an HPA owns the replica count (no spec.replicas) and a PDB keeps one pod evictable", () => {
            const hpa = named(resources, "HorizontalPodAutoscaler", "api");
            assert.deepEqual([hpa.spec.minReplicas, hpa.spec.maxReplicas], [2, 6]);
            assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "api" });
            assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
            assert.equal(named(resources, "Deployment", "api").spec.replicas, undefined);
            assert.deepEqual(named(resources, "PodDisruptionBudget", "api").spec.maxUnavailable, 1);
        });

        it("GIVEN deploy.replicas 3 WHEN deployed THEN a PDB (maxUnavailable 1) and node + zone spread come from AgentService", () => {
            assert.equal(named(resources, "Deployment", "web").spec.replicas, 3);
            assert.deepEqual(named(resources, "PodDisruptionBudget", "web").spec.maxUnavailable, 1);
            const pod = named(resources, "Deployment", "web").spec.template.spec;
            assert.deepEqual(
                pod.topologySpreadConstraints.map((t: any) => t.topologyKey),
                ["kubernetes.io/hostname", "topology.kubernetes.io/zone"],
            );
        });

        it("GIVEN any service WHEN deployed THEN it has a dedicated ServiceAccount and distinct liveness/readiness probes", () => {
            for (const svc of ["api", "web", "db"]) {
                assert.equal(named(resources, "ServiceAccount", svc).automountServiceAccountToken, false);
                const pod = named(resources, "Deployment", svc).spec.template.spec;
                assert.equal(pod.serviceAccountName, svc);
                const c = pod.containers[0];
                assert.ok(c.startupProbe, svc);
                assert.notDeepEqual(c.livenessProbe, c.readinessProbe, svc);
            }
            const api = named(resources, "Deployment", "api").spec.template.spec.containers[0];
            assert.deepEqual(api.readinessProbe.httpGet, { path: "/healthz", port: "http" });
            assert.deepEqual(api.livenessProbe.tcpSocket, { port: "http" }, "liveness on the port, readiness on the path");
        });

        it("GIVEN one replica on a ReadWriteOnce volume WHEN deployed THEN it is a SingletonWorker: Recreate, singleton label, no PDB/HPA, owns its PVC", () => {
            const db = named(resources, "Deployment", "db");
            assert.equal(db.spec.strategy.type, "Recreate");
            assert.equal(db.spec.template.metadata.labels["agent-platform.io/singleton"], "true");
            assert.ok(!k8s(resources, "PodDisruptionBudget").some((p) => p.metadata.name === "db"));
            assert.equal(named(resources, "PersistentVolumeClaim", "pg").metadata.labels["app.kubernetes.io/name"], "db");
            assert.ok(resources.some((r) => r.type === "agent-platform:index:SingletonWorker" && r.name === "acme-db"));
        });

        it("GIVEN metrics and the ServiceMonitor CRD WHEN deployed THEN a ServiceMonitor scrapes the named port", () => {
            const sm = named(resources, "ServiceMonitor", "api");
            assert.deepEqual(sm.spec.endpoints, [{ port: "metrics", path: "/metrics", interval: "30s" }]);
        });

        it("GIVEN networkPolicies WHEN deployed THEN AgentService NetworkPolicies admit depends_on callers and isolate both directions", () => {
            const db = named(resources, "NetworkPolicy", "db").spec;
            assert.deepEqual(db.policyTypes, ["Ingress", "Egress"]);
            assert.deepEqual(db.ingress[0].from, [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "api" } } }]);
            const web = named(resources, "NetworkPolicy", "web").spec;
            assert.deepEqual([web.policyTypes, web.ingress], [["Ingress", "Egress"], []]);
        });

        for (const [what, services, re] of [
            [
                "replicas and autoscaling",
                { api: { replicas: 2, autoscaling: { minReplicas: 2, maxReplicas: 3 } } },
                /service "api": autoscaling: replicas and autoscaling are mutually exclusive/,
            ],
            ["a singleton with 2 replicas", { web: { singleton: true, replicas: 2 } }, /service "web": singleton: a singleton runs exactly 1 replica/],
            [
                "autoscaling on a ReadWriteOnce volume",
                { db: { autoscaling: { minReplicas: 2, maxReplicas: 3 } } },
                /service "db": autoscaling: a service on a ReadWriteOnce volume cannot autoscale/,
            ],
            ["metrics on an unknown port", { api: { metrics: { portName: "prom" } } }, /service "api": metrics.port: "prom" is not one of the service's ports/],
        ] as const) {
            it(`GIVEN ${what} WHEN constructing THEN ComposeError names the option and nothing is registered`, async () => {
                const { resources: rs, result } = await runUnderMocks(() => {
                    try {
                        new ComposeApp("acme", { composeText: COMPOSE, namespace: "acme", services: services as any });
                    } catch (e) {
                        return e;
                    }
                    return undefined;
                });
                assert.ok(result instanceof ComposeError, String(result));
                assert.match((result as Error).message, re);
                assert.deepEqual(rs, []);
            });
        }

        it("GIVEN an Output namespace THEN ComposeError says it must be a plain string", () => {
            assert.throws(
                () => new ComposeApp("x", { composeText: COMPOSE, namespace: pulumi.output("acme") as unknown as string }),
                /namespace: must be a plain string/,
            );
        });
    });
});
