/**
 * seed 004 (ushadow): what the dev and prod stacks render for the Compose-driven system (namespace
 * `ushadow`, one AgentService per compose service: ConfigMap/Secret/Deployment/Service/ServiceAccount,
 * HPA + PDB where replicated, SingletonWorker databases, discovered infrastructure URLs, PVCs,
 * hardened pods, NetworkPolicies, metrics, Velero), plus the config rules of
 * `agent-platform:ushadow` and a malformed compose file failing before anything is registered.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { ComposeError } from "../../../components/compose";
import { ConfigError } from "../../../components/config";
import { loadPlatformConfig } from "../../../stacks/config";
import { deployUshadow, ushadowSchema } from "../../../stacks/systems/ushadow";
import { K8sObject, REPO_ROOT, RenderResult, readStackConfig, renderProgram } from "../../../tools/lib/render";
import { find, kinds, recordOf, render } from "../../helpers/mocks";
import { RENDER_TIMEOUT_MS, externalKeys, renderedStack } from "../../helpers/stacks";
import { validateObjects } from "../../helpers/k8s-schema";

const NS = "ushadow";
const P = "agent-platform";
const SINGLETON = "agent-platform.io/singleton";

const inNs = (r: RenderResult) => r.objects.filter((o) => o.metadata.namespace === NS);
const get = (r: RenderResult, kind: string, name: string) => find(r.objects, kind, name, NS);
const podSpec = (o: K8sObject) => o.spec.template.spec;
const container = (o: K8sObject) => podSpec(o).containers[0];
const host = (svc: string) => `${svc}.${NS}.svc.cluster.local`;

/** The compose file's services and their container ports (examples/compose/ushadow/docker-compose.yml). */
const PORTS: Record<string, number[]> = {
    backend: [8000, 8080],
    mem0: [8765],
    "mem0-ui": [3000],
    mongo: [27017],
    redis: [6379],
    qdrant: [6333, 6334],
    neo4j: [7474, 7687],
};
const SERVICES = Object.keys(PORTS).sort();
const INFRA = ["mongo", "neo4j", "qdrant", "redis"];
/** Secret-looking env names (seed 004: *_KEY, *_PASSWORD, *_TOKEN, *_SECRET, ...). */
const SECRET_NAME = /(^|_)(API_KEY|KEY|PASSWORD|PASS|TOKEN|CREDENTIALS|SECRET)$/i;
/** Image uids (options.yaml opt-outs) and the hardened default 10001. */
const UIDS: Record<string, [number, number, number]> = {
    backend: [10001, 10001, 10001],
    mem0: [10001, 10001, 10001],
    "mem0-ui": [10001, 10001, 10001],
    mongo: [999, 999, 999],
    redis: [999, 1000, 1000],
    qdrant: [1000, 1000, 1000],
    neo4j: [7474, 7474, 7474],
};
/** Explicit readOnlyRootFilesystem opt-outs in options.yaml (Next.js cache, neo4j conf/plugins). */
const WRITABLE_ROOT = ["mem0-ui", "neo4j"];

const EXPECT = {
    dev: {
        enforce: false,
        host: "memory.ushadow.dev.company.com",
        issuer: "letsencrypt-staging",
        ttl: "168h0m0s",
        replicas: { backend: 1, mem0: 1, "mem0-ui": 1, mongo: 1, redis: 1, qdrant: 1, neo4j: 1 } as Record<string, number | undefined>,
        hpa: {} as Record<string, [number, number]>,
        zoneSpread: false,
        pvcs: { "mongo-data": "2Gi", "redis-data": "1Gi", "qdrant-data": "2Gi", "neo4j-data": "2Gi", "neo4j-logs": "1Gi" },
        backendResources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        quota: { "requests.cpu": "4", "requests.memory": "8Gi", persistentvolumeclaims: "8" },
    },
    prod: {
        enforce: true,
        host: "memory.ushadow.company.com",
        issuer: "letsencrypt-prod",
        ttl: "720h0m0s",
        // backend, mem0 and the UI are autoscaled (the HPA owns the count, spec.replicas unset).
        replicas: { backend: undefined, mem0: undefined, "mem0-ui": undefined, mongo: 1, redis: 1, qdrant: 1, neo4j: 1 } as Record<string, number | undefined>,
        hpa: { backend: [2, 4], mem0: [2, 4], "mem0-ui": [2, 3] } as Record<string, [number, number]>,
        zoneSpread: true,
        pvcs: { "mongo-data": "50Gi", "redis-data": "5Gi", "qdrant-data": "50Gi", "neo4j-data": "50Gi", "neo4j-logs": "5Gi" },
        backendResources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        quota: { "requests.cpu": "8", "requests.memory": "16Gi", persistentvolumeclaims: "10" },
    },
} as const;

describe("ushadow (seed 004)", () => {
    const rendered: Record<string, RenderResult> = {};
    before(async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        for (const stack of ["dev", "prod"] as const) rendered[stack] = await renderedStack(stack);
    });

    for (const stack of ["dev", "prod"] as const) {
        const x = EXPECT[stack];
        describe(`Pulumi.${stack}.yaml`, () => {
            it("GIVEN the stack WHEN rendered THEN namespace ushadow has Pod Security restricted (enforced in prod only), quota, limits, default-deny, and every object is schema-valid", () => {
                const r = rendered[stack];
                const ns = find(r.objects, "Namespace", NS);
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/warn"], "restricted");
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], x.enforce ? "restricted" : undefined);
                assert.deepEqual(get(r, "ResourceQuota", "ushadow-quota").spec.hard, x.quota);
                assert.ok(get(r, "LimitRange", "ushadow-limits"));
                assert.deepEqual(get(r, "NetworkPolicy", "default-deny-all").spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
                const report = validateObjects(inNs(r));
                assert.equal(report.validated + report.crdObjects.length, inNs(r).length);
            });

            it("GIVEN the compose file WHEN rendered THEN every compose service is a Deployment + Service with its compose container ports and the stack's replicas", () => {
                const r = rendered[stack];
                assert.deepEqual(
                    kinds(inNs(r), "Deployment")
                        .map((d) => d.metadata.name)
                        .sort(),
                    SERVICES,
                );
                assert.deepEqual(
                    kinds(inNs(r), "Service")
                        .map((s) => s.metadata.name)
                        .sort(),
                    SERVICES,
                );
                for (const svc of SERVICES) {
                    const d = get(r, "Deployment", svc);
                    assert.deepEqual(
                        container(d).ports.map((p: { containerPort: number }) => p.containerPort),
                        PORTS[svc],
                        svc,
                    );
                    assert.equal(d.spec.replicas, x.replicas[svc], `${svc} replicas`);
                    const s = get(r, "Service", svc);
                    assert.equal(s.spec.type, "ClusterIP", svc);
                    assert.deepEqual(s.spec.selector, { "app.kubernetes.io/name": svc });
                    assert.deepEqual(
                        s.spec.ports.map((p: { port: number }) => p.port),
                        PORTS[svc],
                        svc,
                    );
                    assert.equal(d.metadata.labels["app.kubernetes.io/part-of"], "ushadow");
                }
                assert.deepEqual(get(r, "Deployment", "backend").spec.template.spec.containers[0].resources, x.backendResources);
            });

            it("GIVEN env vars WHEN rendered THEN plain values are in <svc>-config, secret-looking ones in <svc>-secrets (secret Outputs), and the Deployment envFroms both", () => {
                const r = rendered[stack];
                const secretValues = new Set<string>();
                for (const s of kinds(inNs(r), "Secret")) {
                    assert.equal(s.type, "Opaque");
                    const rec = recordOf(r.resources, "Secret", s.metadata.name);
                    for (const [k, v] of Object.entries(s.stringData as Record<string, string>)) {
                        assert.ok(
                            rec.secretPaths.includes("stringData") || rec.secretPaths.includes(`stringData.${k}`),
                            `${s.metadata.name}.${k} is not a secret Output`,
                        );
                        if (v.length >= 8) secretValues.add(v);
                    }
                }
                for (const cm of kinds(inNs(r), "ConfigMap")) {
                    for (const [k, v] of Object.entries((cm.data ?? {}) as Record<string, string>)) {
                        assert.ok(!SECRET_NAME.test(k), `ConfigMap ${cm.metadata.name} holds secret-looking ${k}`);
                        for (const secret of secretValues) assert.ok(!v.includes(secret), `ConfigMap ${cm.metadata.name}.${k} leaks a secret value`);
                    }
                }
                const backendSecrets = get(r, "Secret", "backend-secrets").stringData;
                // prod: the secure values come from AWS Secrets Manager through ExternalSecrets merged into the same Secrets.
                const external = externalKeys(r.objects, "ushadow", "backend-secrets");
                assert.deepEqual([...Object.keys(backendSecrets), ...Object.keys(external)].sort(), [
                    "ANTHROPIC_API_KEY",
                    "AUTH_SECRET_KEY",
                    "NEO4J_PASSWORD",
                    "OPENAI_API_KEY",
                ]);
                if (stack === "prod") {
                    assert.deepEqual(external, {
                        ANTHROPIC_API_KEY: "agent-platform/prod/anthropicApiKey",
                        AUTH_SECRET_KEY: "agent-platform/prod/ushadowAuthSecretKey",
                        OPENAI_API_KEY: "agent-platform/prod/openaiApiKey",
                    });
                    assert.deepEqual(externalKeys(r.objects, "ushadow", "mem0-secrets"), { OPENAI_API_KEY: "agent-platform/prod/openaiApiKey" });
                } else {
                    assert.equal(backendSecrets.AUTH_SECRET_KEY, "placeholder-ushadowAuthSecretKey");
                    assert.equal(backendSecrets.OPENAI_API_KEY, "placeholder-openaiApiKey");
                    assert.equal(backendSecrets.ANTHROPIC_API_KEY, "placeholder-anthropicApiKey");
                }
                // The generated neo4j password is shared by the backend, mem0 and neo4j's own NEO4J_AUTH.
                const pw = backendSecrets.NEO4J_PASSWORD as string;
                assert.ok(pw && !pw.includes("ushadow-dev"), "neo4j password is generated, not the compose default");
                assert.equal(get(r, "Secret", "mem0-secrets").stringData.NEO4J_PASSWORD, pw);
                assert.equal(get(r, "Secret", "neo4j-secrets").stringData.NEO4J_AUTH, `neo4j/${pw}`);
                for (const svc of ["backend", "mem0", "neo4j"]) {
                    assert.deepEqual(
                        container(get(r, "Deployment", svc)).envFrom,
                        [{ configMapRef: { name: `${svc}-config` } }, { secretRef: { name: `${svc}-secrets` } }],
                        svc,
                    );
                }
                assert.equal(get(r, "ConfigMap", "backend-config").data.CORS_ORIGINS, `https://${x.host}`);
            });

            it("GIVEN the infrastructure services WHEN rendered THEN the connection strings point at <svc>.ushadow.svc.cluster.local:<port>", () => {
                const r = rendered[stack];
                const backend = get(r, "ConfigMap", "backend-config").data;
                assert.equal(backend.MONGODB_URI, `mongodb://${host("mongo")}:27017/ushadow`);
                assert.equal(backend.REDIS_URL, `redis://${host("redis")}:6379/0`);
                assert.equal(backend.QDRANT_URL, `http://${host("qdrant")}:6333`);
                assert.equal(backend.NEO4J_URI, `bolt://${host("neo4j")}:7687`);
                const mem0 = get(r, "ConfigMap", "mem0-config").data;
                assert.equal(mem0.QDRANT_HOST, host("qdrant"));
                assert.equal(mem0.QDRANT_PORT, "6333");
                assert.equal(mem0.NEO4J_URL, `bolt://${host("neo4j")}:7687`);
                const outputs = (r.outputs.outputs as Record<string, { namespace: string; services: Record<string, string>; ingressHosts: string[] }>).ushadow;
                assert.equal(outputs.namespace, NS);
                assert.equal(outputs.services.backend, `http://${host("backend")}:8000`);
                assert.equal(outputs.services.mongo, `mongodb://${host("mongo")}:27017`);
                assert.deepEqual(outputs.ingressHosts, [x.host]);
            });

            it("GIVEN AgentService WHEN rendered THEN each service has its own ServiceAccount, distinct probes, spread, HPA + PDB when replicated, and metrics where the options name them", () => {
                const r = rendered[stack];
                for (const svc of SERVICES) {
                    const pod = podSpec(get(r, "Deployment", svc));
                    assert.equal(pod.serviceAccountName, svc);
                    assert.equal(get(r, "ServiceAccount", svc).automountServiceAccountToken, false);
                    assert.notDeepEqual(pod.containers[0].livenessProbe, pod.containers[0].readinessProbe, svc);
                    const keys = pod.topologySpreadConstraints.map((t: { topologyKey: string }) => t.topologyKey);
                    assert.deepEqual(keys, x.zoneSpread ? ["kubernetes.io/hostname", "topology.kubernetes.io/zone"] : ["kubernetes.io/hostname"], svc);
                }
                const hpas = Object.fromEntries(
                    kinds(inNs(r), "HorizontalPodAutoscaler").map((h) => [h.metadata.name, [h.spec.minReplicas, h.spec.maxReplicas]]),
                );
                assert.deepEqual(hpas, x.hpa);
                const pdbs = kinds(inNs(r), "PodDisruptionBudget")
                    .map((p) => p.metadata.name)
                    .sort();
                assert.deepEqual(pdbs, Object.keys(x.hpa).sort());
                for (const p of kinds(inNs(r), "PodDisruptionBudget")) assert.equal(p.spec.maxUnavailable, 1);
                // crds.serviceMonitor is on in both stacks: the options' metrics ports become ServiceMonitors.
                const monitors = Object.fromEntries(kinds(inNs(r), "ServiceMonitor").map((m) => [m.metadata.name, m.spec.endpoints[0].port]));
                assert.deepEqual(monitors, { backend: "http", mem0: "http", qdrant: "http" });
            });

            it("GIVEN named compose volumes WHEN rendered THEN each is a ReadWriteOnce PVC of the stack's size, mounted by its service, whose Deployment uses Recreate", () => {
                const r = rendered[stack];
                const pvcs = Object.fromEntries(kinds(inNs(r), "PersistentVolumeClaim").map((p) => [p.metadata.name, p.spec.resources.requests.storage]));
                assert.deepEqual(pvcs, x.pvcs);
                for (const p of kinds(inNs(r), "PersistentVolumeClaim")) assert.deepEqual(p.spec.accessModes, ["ReadWriteOnce"]);
                const claims = (svc: string) =>
                    (podSpec(get(r, "Deployment", svc)).volumes ?? [])
                        .filter((v: any) => v.persistentVolumeClaim)
                        .map((v: any) => v.persistentVolumeClaim.claimName)
                        .sort();
                assert.deepEqual(claims("mongo"), ["mongo-data"]);
                assert.deepEqual(claims("neo4j"), ["neo4j-data", "neo4j-logs"]);
                assert.deepEqual(claims("qdrant"), ["qdrant-data"]);
                assert.deepEqual(claims("redis"), ["redis-data"]);
                for (const svc of INFRA) assert.equal(get(r, "Deployment", svc).spec.strategy.type, "Recreate", svc);
                for (const svc of ["backend", "mem0", "mem0-ui"])
                    assert.deepEqual(get(r, "Deployment", svc).spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
            });

            it("GIVEN the hardened defaults WHEN rendered THEN every pod is non-root with seccomp, no escalation, ALL dropped, no SA token, limits; opt-outs are the explicit ones", () => {
                const r = rendered[stack];
                for (const svc of SERVICES) {
                    const d = get(r, "Deployment", svc);
                    const pod = podSpec(d);
                    const c = container(d);
                    assert.equal(pod.securityContext.runAsNonRoot, true, svc);
                    assert.deepEqual(pod.securityContext.seccompProfile, { type: "RuntimeDefault" });
                    assert.deepEqual(
                        [pod.securityContext.runAsUser, pod.securityContext.runAsGroup, pod.securityContext.fsGroup],
                        UIDS[svc],
                        `${svc} uid/gid/fsGroup`,
                    );
                    assert.equal(pod.automountServiceAccountToken, false);
                    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
                    assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
                    assert.equal(c.securityContext.readOnlyRootFilesystem, !WRITABLE_ROOT.includes(svc), `${svc} readOnlyRootFilesystem`);
                    assert.ok(c.resources.requests.cpu && c.resources.limits.memory, `${svc} resources`);
                    assert.ok(c.livenessProbe && c.readinessProbe && c.startupProbe, `${svc} probes`);
                    assert.equal(c.image.includes(":latest") || !c.image.includes(":"), false, `${svc} image pinned`);
                }
                assert.deepEqual(container(get(r, "Deployment", "backend")).readinessProbe.httpGet, { path: "/health", port: "http" });
                // Single-instance databases are labelled singletons (never scaled, Recreate rollouts).
                for (const svc of INFRA) assert.equal(get(r, "Deployment", svc).spec.template.metadata.labels[SINGLETON], "true", svc);
                for (const svc of ["backend", "mem0", "mem0-ui"])
                    assert.equal(get(r, "Deployment", svc).spec.template.metadata.labels[SINGLETON], undefined, svc);
            });

            it("GIVEN the namespace default-deny WHEN rendered THEN every workload has its own NetworkPolicy admitting exactly its compose callers", () => {
                const r = rendered[stack];
                const np = (svc: string) => get(r, "NetworkPolicy", svc).spec;
                const from = (svc: string) =>
                    np(svc)
                        .ingress.flatMap((rule: any) =>
                            rule.from.map(
                                (f: any) =>
                                    f.podSelector?.matchLabels["app.kubernetes.io/name"] ??
                                    `ns:${f.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]}`,
                            ),
                        )
                        .sort();
                const to = (svc: string) =>
                    np(svc)
                        .egress.flatMap((rule: any) =>
                            rule.to.map(
                                (t: any) =>
                                    t.podSelector?.matchLabels["app.kubernetes.io/name"] ??
                                    t.ipBlock?.cidr ??
                                    `ns:${t.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]}`,
                            ),
                        )
                        .sort();
                for (const svc of SERVICES) {
                    assert.deepEqual(np(svc).podSelector, { matchLabels: { "app.kubernetes.io/name": svc } });
                    assert.deepEqual(np(svc).policyTypes, ["Ingress", "Egress"]);
                }
                assert.deepEqual(from("mongo"), ["backend"]);
                assert.deepEqual(from("redis"), ["backend"]);
                assert.deepEqual(from("qdrant"), ["backend", "mem0", "ns:monitoring"]);
                assert.deepEqual(from("neo4j"), ["backend", "mem0"]);
                assert.deepEqual(from("mem0"), ["backend", "mem0-ui", "ns:ingress-nginx", "ns:monitoring"]);
                assert.deepEqual(from("mem0-ui"), ["ns:ingress-nginx"]);
                assert.deepEqual(from("backend"), ["ns:ingress-nginx", "ns:monitoring"]);
                // Prometheus reaches the metrics port only, the ingress controller the routed port only (issue 21).
                const nsPorts = (svc: string, ns: string) =>
                    np(svc)
                        .ingress.filter((rule: any) => rule.from[0].namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === ns)
                        .flatMap((rule: any) => rule.ports);
                assert.deepEqual(nsPorts("backend", "monitoring"), [{ port: 8000, protocol: "TCP" }]);
                assert.deepEqual(nsPorts("backend", "ingress-nginx"), [{ port: 8000, protocol: "TCP" }]);
                assert.deepEqual(nsPorts("mem0", "monitoring"), [{ port: 8765, protocol: "TCP" }]);
                assert.deepEqual(nsPorts("mem0", "ingress-nginx"), [{ port: 8765, protocol: "TCP" }]);
                assert.deepEqual(nsPorts("qdrant", "monitoring"), [{ port: 6333, protocol: "TCP" }]);
                assert.deepEqual(nsPorts("mem0-ui", "ingress-nginx"), [{ port: 3000, protocol: "TCP" }]);
                assert.deepEqual(to("backend"), ["0.0.0.0/0", "mem0", "mongo", "neo4j", "ns:kube-system", "qdrant", "redis"]);
                assert.deepEqual(to("mem0"), ["0.0.0.0/0", "neo4j", "ns:kube-system", "qdrant"]);
                assert.deepEqual(to("mem0-ui"), ["mem0", "ns:kube-system"]);
                for (const svc of INFRA) assert.deepEqual(to(svc), ["ns:kube-system"], svc);
                // Ports are the callee's container ports; the internet only on 443, private ranges excluded.
                assert.deepEqual(np("mongo").ingress[0].ports, [{ port: 27017, protocol: "TCP" }]);
                const internet = np("backend").egress.find((e: any) => e.to[0].ipBlock);
                assert.deepEqual(internet.ports, [{ port: 443, protocol: "TCP" }]);
                assert.ok(internet.to[0].ipBlock.except.includes("10.0.0.0/8"));
            });

            it(`GIVEN the memory UI WHEN rendered THEN Ingress mem0-ui serves ${x.host} over TLS with the ${x.issuer} issuer`, () => {
                const ing = get(rendered[stack], "Ingress", "mem0-ui");
                assert.equal(ing.spec.rules[0].host, x.host);
                assert.deepEqual(ing.spec.rules[0].http.paths[0].backend, { service: { name: "mem0-ui", port: { name: "http" } } });
                assert.deepEqual(ing.spec.tls, [{ hosts: [x.host], secretName: "mem0-ui-tls" }]);
                assert.equal(ing.spec.ingressClassName, "nginx");
                assert.equal(ing.metadata.annotations["cert-manager.io/cluster-issuer"], x.issuer);
            });

            it(`GIVEN the browser's calls WHEN rendered THEN ${x.host}/api routes to the backend and ${x.host}/mem0 to mem0 (prefix removed) on the UI's certificate, and the UI calls mem0 there`, () => {
                const r = rendered[stack];
                const backend = get(r, "Ingress", "backend");
                assert.deepEqual(backend.spec.rules, [
                    {
                        host: x.host,
                        http: { paths: [{ path: "/api", pathType: "Prefix", backend: { service: { name: "backend", port: { name: "http" } } } }] },
                    },
                ]);
                const mem0 = get(r, "Ingress", "mem0");
                assert.deepEqual(mem0.spec.rules, [
                    {
                        host: x.host,
                        http: {
                            paths: [
                                { path: "/mem0(/|$)(.*)", pathType: "ImplementationSpecific", backend: { service: { name: "mem0", port: { name: "http" } } } },
                            ],
                        },
                    },
                ]);
                assert.equal(mem0.metadata.annotations["nginx.ingress.kubernetes.io/rewrite-target"], "/$2");
                assert.equal(mem0.metadata.annotations["nginx.ingress.kubernetes.io/use-regex"], "true");
                for (const ing of [backend, mem0]) {
                    assert.deepEqual(ing.spec.tls, [{ hosts: [x.host], secretName: "mem0-ui-tls" }]);
                    assert.equal(ing.spec.ingressClassName, "nginx");
                    // One Certificate for the host: only the UI's Ingress names the issuer.
                    assert.equal(ing.metadata.annotations?.["cert-manager.io/cluster-issuer"], undefined);
                }
                assert.equal(get(r, "ConfigMap", "mem0-ui-config").data.NEXT_PUBLIC_API_URL, `https://${x.host}/mem0`);
            });

            it("GIVEN cert-manager issues the UI's certificate WHEN rendered THEN the ingress controller may reach the HTTP-01 solver pods on 8089, and nothing else may", () => {
                const np = get(rendered[stack], "NetworkPolicy", "mem0-ui-acme-http01-solver");
                assert.deepEqual(np.spec, {
                    podSelector: { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } },
                    policyTypes: ["Ingress"],
                    ingress: [
                        {
                            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
                            ports: [{ port: 8089, protocol: "TCP" }],
                        },
                    ],
                });
            });

            it(`GIVEN crds.velero WHEN rendered THEN a daily Velero Schedule backs up namespace ushadow (its PVCs) for ${x.ttl}`, () => {
                const s = find(rendered[stack].objects, "Schedule", "ushadow-daily");
                assert.equal(s.metadata.namespace, "velero");
                assert.equal(s.spec.schedule, "0 3 * * *");
                assert.deepEqual(s.spec.template.includedNamespaces, [NS]);
                assert.equal(s.spec.template.ttl, x.ttl);
            });
        });
    }

    describe("config rules (agent-platform:ushadow)", () => {
        const SECRETS = ["ushadowAuthSecretKey", "openaiApiKey", "anthropicApiKey"];
        const raw = (section: Record<string, unknown>, secrets = SECRETS) => ({
            [`${P}:environment`]: "prod",
            [`${P}:cluster`]: JSON.stringify({ provider: "existing" }),
            [`${P}:ushadow`]: JSON.stringify(section),
            ...Object.fromEntries(secrets.map((k) => [`${P}:${k}`, "s3cr3t"])),
        });
        const isSecret = (k: string) => SECRETS.some((s) => k === `${P}:${s}`);
        const errorOf = (r: Record<string, string>): string => {
            try {
                loadPlatformConfig(r, isSecret);
            } catch (e) {
                assert.ok(e instanceof ConfigError, String(e));
                return e.message;
            }
            assert.fail("expected a ConfigError");
        };

        it("GIVEN only uiHost WHEN loaded THEN the defaults are the repo's compose/options files, the four singletons, backend+mem0 internet egress and a daily backup", () => {
            const c = loadPlatformConfig(raw({ uiHost: "memory.example.com" }), isSecret).ushadow!;
            assert.equal(c.composeFile, "examples/compose/ushadow/docker-compose.yml");
            assert.equal(c.optionsFile, "examples/compose/ushadow/options.yaml");
            assert.deepEqual(c.singletons, ["mongo", "neo4j", "qdrant", "redis"]);
            assert.deepEqual(c.internetEgress, ["backend", "mem0"]);
            assert.deepEqual(c.backup, { enabled: true, schedule: "0 3 * * *", ttl: "720h0m0s" });
        });

        for (const [what, r, message] of [
            ["no uiHost", raw({}), /agent-platform:ushadow.uiHost/],
            [
                "a singleton scaled to 2",
                raw({ uiHost: "m.example.com", replicas: { mongo: 2 } }),
                /agent-platform:ushadow.replicas.mongo: mongo is a singleton .* must run 1 replica, got 2/,
            ],
            [
                "a singleton autoscaled",
                raw({ uiHost: "m.example.com", autoscaling: { redis: { minReplicas: 2, maxReplicas: 3 } } }),
                /agent-platform:ushadow.autoscaling.redis: redis is a singleton .* cannot autoscale/,
            ],
            [
                "both replicas and autoscaling",
                raw({ uiHost: "m.example.com", replicas: { backend: 2 }, autoscaling: { backend: { minReplicas: 2, maxReplicas: 3 } } }),
                /agent-platform:ushadow.autoscaling.backend: give backend either replicas or autoscaling/,
            ],
            [
                "autoscaling max below min",
                raw({ uiHost: "m.example.com", autoscaling: { backend: { minReplicas: 3, maxReplicas: 2 } } }),
                /agent-platform:ushadow.autoscaling.backend.maxReplicas: must be >= minReplicas \(3\), got 2/,
            ],
            [
                "a request above its limit",
                raw({ uiHost: "m.example.com", resources: { backend: { requests: { cpu: "2", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } } }),
                /agent-platform:ushadow.resources.backend.requests.cpu: request 2 exceeds limit 1/,
            ],
            ["an unknown key", raw({ uiHost: "m.example.com", replica: 2 }), /agent-platform:ushadow.replica: unknown key/],
            ["a bad backup ttl", raw({ uiHost: "m.example.com", backup: { ttl: "30 days" } }), /agent-platform:ushadow.backup.ttl: must be a Go duration/],
            [
                "a missing ushadowAuthSecretKey",
                raw({ uiHost: "m.example.com" }, ["openaiApiKey", "anthropicApiKey"]),
                /agent-platform:ushadowAuthSecretKey: required secret for ushadow/,
            ],
        ] as const) {
            it(`GIVEN ${what} WHEN loaded THEN ConfigError names the key path`, () => {
                assert.match(errorOf(r as Record<string, string>), message as RegExp);
            });
        }

        it("GIVEN the schema WHEN parsed directly THEN a non-DNS uiHost is rejected", () => {
            assert.equal(ushadowSchema.safeParse({ uiHost: "Memory_UI" }).success, false);
        });
    });

    describe("a malformed compose file", () => {
        let dir: string;
        let badFile: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "ushadow-bad-"));
            badFile = path.join(dir, "docker-compose.yml");
            fs.writeFileSync(badFile, 'services:\n  web:\n    image: nginx:1.27.2\n    ports: ["abc:80"]\n');
            // Files outside the project root are read only under an explicit filesRoot.
            fs.copyFileSync(path.join(REPO_ROOT, "examples/compose/ushadow/options.yaml"), path.join(dir, "options.yaml"));
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("GIVEN a bad compose file WHEN the system deploys THEN it throws ComposeError before registering any resource", async () => {
            const c = ushadowSchema.parse({
                uiHost: "m.example.com",
                filesRoot: dir,
                composeFile: badFile,
                optionsFile: path.join(dir, "options.yaml"),
                internetEgress: [],
                singletons: [],
            });
            let error: unknown;
            const run = await render(() => {
                const parent = new pulumi.ComponentResource("test:index:Parent", "parent");
                try {
                    deployUshadow(c, {
                        environment: "dev",
                        capabilities: { serviceMonitor: false, vpa: false, velero: true, certManager: false, istio: false },
                        config: {} as any,
                        secret: (k) => pulumi.secret(k),
                        irsaRoleArn: () => undefined,
                        parent,
                    } as Parameters<typeof deployUshadow>[1]);
                } catch (e) {
                    error = e;
                }
            });
            assert.ok(error instanceof ComposeError, String(error));
            assert.match((error as Error).message, /ports\[0\]/);
            assert.deepEqual(
                run.resources.map((r) => r.type),
                ["test:index:Parent"],
            );
        });

        it("GIVEN the dev stack pointing at a bad compose file WHEN the program renders THEN it fails with ConfigError naming the key and the file", async function () {
            this.timeout(RENDER_TIMEOUT_MS);
            const config = readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
            // Only this system: rendering the others would only cost time.
            config.values = Object.fromEntries(
                Object.entries(config.values).filter(
                    ([k]) => !["terminalMid", "inquisitor", "claudeCode", "productionAgents"].map((s) => `${P}:${s}`).includes(k),
                ),
            );
            config.values[`${P}:ushadow`] = JSON.stringify({
                ...JSON.parse(config.values[`${P}:ushadow`]),
                filesRoot: dir,
                composeFile: badFile,
                optionsFile: path.join(dir, "options.yaml"),
            });
            await assert.rejects(
                renderProgram(config, "dev"),
                (e: Error) => e instanceof ConfigError && e.message.includes(`${P}:ushadow.composeFile: ${badFile}: service "web": ports[0]`),
            );
        });
    });
});
