/**
 * seed 003 (production-agents): what the dev and prod stacks render for the system, asserted
 * against the seed's names, ports, env, HPA, probes, hardening, storage, network and monitoring,
 * plus the config rules of `agent-platform:productionAgents`.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { ConfigError } from "../../../components/config";
import { loadPlatformConfig } from "../../../stacks/config";
import { K8sObject, REPO_ROOT, RenderResult, readStackConfig, renderProgram } from "../../../tools/lib/render";
import { find, kinds } from "../../helpers/mocks";
import { RENDER_TIMEOUT_MS, externalKeys, renderedStack } from "../../helpers/stacks";
import { validateObjects } from "../../helpers/k8s-schema";

const NS = "production-agents";
const P = "agent-platform";

const inNs = (r: RenderResult) => r.objects.filter((o) => o.metadata.namespace === NS);
const get = (r: RenderResult, kind: string, name: string) => find(r.objects, kind, name, NS);
const podSpec = (o: K8sObject) => o.spec.template.spec;
const container = (o: K8sObject, name: string) => {
    const c = podSpec(o).containers.find((x: { name: string }) => x.name === name);
    assert.ok(c, `no container ${name} in ${o.kind}/${o.metadata.name}`);
    return c;
};

/** What differs between the stacks (everything else is asserted identically for both). */
const EXPECT = {
    dev: {
        hpa: [1, 3],
        requests: { cpu: "250m", memory: "512Mi" },
        limits: { cpu: "1", memory: "1Gi" },
        dataSize: "1Gi",
        dataAccess: "ReadWriteOnce",
        redisSize: "1Gi",
        antiAffinity: "preferred",
        environment: "development",
        enforce: false,
        quota: { "requests.cpu": "4", "requests.memory": "8Gi", persistentvolumeclaims: "5" },
        nodeGroup: undefined,
        redisNodeGroup: undefined,
    },
    prod: {
        hpa: [3, 10],
        requests: { cpu: "500m", memory: "1Gi" },
        limits: { cpu: "2000m", memory: "2Gi" },
        dataSize: "10Gi",
        dataAccess: "ReadWriteMany",
        redisSize: "10Gi",
        antiAffinity: "required",
        environment: "production",
        enforce: true,
        quota: { "requests.cpu": "20", "requests.memory": "40Gi", persistentvolumeclaims: "10" },
        nodeGroup: "compute",
        redisNodeGroup: "memory",
    },
} as const;

describe("production-agents (seed 003)", () => {
    const rendered: Record<string, RenderResult> = {};
    before(async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        // Shared, unredacted renders: the tests check where secret values do (and do not) end up.
        for (const stack of ["dev", "prod"] as const) rendered[stack] = await renderedStack(stack);
    });

    for (const stack of ["dev", "prod"] as const) {
        const x = EXPECT[stack];
        describe(`Pulumi.${stack}.yaml`, () => {
            it("GIVEN the stack WHEN rendered THEN the namespace is production-agents with Pod Security restricted (enforced in prod only) and every object is schema-valid", () => {
                const ns = find(rendered[stack].objects, "Namespace", NS);
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/warn"], "restricted");
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], x.enforce ? "restricted" : undefined);
                const report = validateObjects(inNs(rendered[stack]));
                assert.equal(report.validated + report.crdObjects.length, inNs(rendered[stack]).length);
            });

            it("GIVEN the agent WHEN rendered THEN agent-deployment is a Deployment with RollingUpdate maxSurge 1 / maxUnavailable 0 and no static replicas (the HPA owns them)", () => {
                const d = get(rendered[stack], "Deployment", "agent-deployment");
                assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
                assert.equal(d.spec.replicas, undefined);
                assert.equal(container(d, "agent").image, "ghcr.io/agent-platform/production-agent:2.0.0");
            });

            it(`GIVEN the agent WHEN rendered THEN its HPA scales ${x.hpa[0]}..${x.hpa[1]} on cpu 70% plus memory 80%`, () => {
                const hpa = get(rendered[stack], "HorizontalPodAutoscaler", "agent-hpa");
                assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "agent-deployment" });
                assert.equal(hpa.spec.minReplicas, x.hpa[0]);
                assert.equal(hpa.spec.maxReplicas, x.hpa[1]);
                assert.deepEqual(hpa.spec.metrics, [
                    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                    { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
                ]);
            });

            it("GIVEN the agent pod WHEN rendered THEN it runs as uid 1000 with a read-only root FS, ALL capabilities dropped and no privilege escalation", () => {
                const d = get(rendered[stack], "Deployment", "agent-deployment");
                const sc = container(d, "agent").securityContext;
                assert.equal(sc.runAsUser, 1000);
                assert.equal(sc.runAsNonRoot, true);
                assert.equal(sc.readOnlyRootFilesystem, true);
                assert.equal(sc.allowPrivilegeEscalation, false);
                assert.deepEqual(sc.capabilities, { drop: ["ALL"] });
                assert.equal(podSpec(d).securityContext.runAsUser, 1000);
                assert.equal(podSpec(d).securityContext.fsGroup, 1000);
                assert.equal(podSpec(d).automountServiceAccountToken, false);
                assert.equal(podSpec(d).serviceAccountName, "agent-sa");
            });

            it("GIVEN the agent container WHEN rendered THEN liveness and startup hit /health and readiness /ready on the http port 8000", () => {
                const c = container(get(rendered[stack], "Deployment", "agent-deployment"), "agent");
                assert.deepEqual(
                    c.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]),
                    [
                        ["http", 8000],
                        ["metrics", 9090],
                    ],
                );
                for (const probe of ["livenessProbe", "startupProbe"]) {
                    assert.deepEqual(c[probe].httpGet, { path: "/health", port: "http" }, probe);
                }
                assert.deepEqual(c.readinessProbe.httpGet, { path: "/ready", port: "http" });
                assert.ok(c.startupProbe.failureThreshold * c.startupProbe.periodSeconds >= 300, "startup allows 5 minutes before liveness");
            });

            it(`GIVEN the agent container WHEN rendered THEN it requests ${x.requests.cpu}/${x.requests.memory} and is limited to ${x.limits.cpu}/${x.limits.memory}`, () => {
                const c = container(get(rendered[stack], "Deployment", "agent-deployment"), "agent");
                assert.deepEqual(c.resources, { requests: x.requests, limits: x.limits });
            });

            it(`GIVEN the agent pods WHEN rendered THEN ${x.antiAffinity} pod anti-affinity spreads them across nodes${x.nodeGroup ? " on the compute node group" : ""}`, () => {
                const spec = podSpec(get(rendered[stack], "Deployment", "agent-deployment"));
                const anti = spec.affinity.podAntiAffinity;
                const term =
                    x.antiAffinity === "required"
                        ? anti.requiredDuringSchedulingIgnoredDuringExecution[0]
                        : anti.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm;
                assert.equal(term.topologyKey, "kubernetes.io/hostname");
                assert.deepEqual(term.labelSelector.matchLabels, { "app.kubernetes.io/name": "agent-deployment" });
                assert.deepEqual(spec.nodeSelector, x.nodeGroup ? { "node-group": x.nodeGroup } : undefined);
                const zones = spec.topologySpreadConstraints.some((t: { topologyKey: string }) => t.topologyKey === "topology.kubernetes.io/zone");
                assert.equal(zones, stack === "prod", "zone spread in prod only");
            });

            it("GIVEN the agent WHEN rendered THEN Service agent-service exposes 8000 (and the metrics port) to the agent pods", () => {
                const svc = get(rendered[stack], "Service", "agent-service");
                assert.equal(svc.spec.type, "ClusterIP");
                assert.deepEqual(svc.spec.selector, { "app.kubernetes.io/name": "agent-deployment" });
                assert.deepEqual(
                    svc.spec.ports.map((p: { port: number; targetPort: string }) => [p.port, p.targetPort]),
                    [
                        [8000, "http"],
                        [9090, "metrics"],
                    ],
                );
            });

            it(`GIVEN the agent WHEN rendered THEN the ConfigMap carries the seed's settings (ENVIRONMENT=${x.environment}) and is loaded with envFrom`, () => {
                const cm = get(rendered[stack], "ConfigMap", "agent-config");
                assert.equal(cm.data.LOG_LEVEL, stack === "prod" ? "INFO" : "DEBUG");
                assert.equal(cm.data.ENVIRONMENT, x.environment);
                assert.equal(cm.data.MAX_RETRIES, "3");
                assert.equal(cm.data.CIRCUIT_BREAKER_THRESHOLD, "5");
                assert.equal(cm.data.TOKEN_BUDGET_PER_REQUEST, "10000");
                assert.equal(cm.data.REDIS_HOST, "redis-service.production-agents.svc.cluster.local");
                assert.equal(cm.data.REDIS_PORT, "6379");
                const c = container(get(rendered[stack], "Deployment", "agent-deployment"), "agent");
                assert.deepEqual(c.envFrom, [{ configMapRef: { name: "agent-config" } }]);
            });

            it("GIVEN the secrets WHEN rendered THEN agent-secrets holds anthropic-api-key (config secret) and a generated redis-password, as secret Outputs, read by secretKeyRef and absent from every ConfigMap", () => {
                const r = rendered[stack];
                const secret = get(r, "Secret", "agent-secrets");
                // prod: anthropic-api-key comes from AWS Secrets Manager through an ExternalSecret merged into agent-secrets.
                const external = externalKeys(r.objects, NS, "agent-secrets");
                assert.deepEqual([...Object.keys(secret.stringData), ...Object.keys(external)].sort(), ["anthropic-api-key", "redis-password"]);
                if (stack === "prod") assert.deepEqual(external, { "anthropic-api-key": "agent-platform/prod/anthropicApiKey" });
                else assert.equal(secret.stringData["anthropic-api-key"], "placeholder-anthropicApiKey");
                const password = secret.stringData["redis-password"] as string;
                assert.ok(password.length >= 16, "generated password");
                const record = r.resources.find(
                    (x) => x.inputs?.kind === "Secret" && x.inputs?.metadata?.name === "agent-secrets" && x.inputs?.metadata?.namespace === NS,
                );
                assert.ok(record?.secretPaths.includes("stringData"), "stringData is a secret Output");
                assert.ok(r.resources.some((x) => x.type === "random:index/randomPassword:RandomPassword" && x.name === "production-agents-redis-password"));
                const c = container(get(r, "Deployment", "agent-deployment"), "agent");
                const env = Object.fromEntries(c.env.map((e: { name: string; valueFrom?: unknown }) => [e.name, e.valueFrom]));
                assert.deepEqual(env.ANTHROPIC_API_KEY, { secretKeyRef: { name: "agent-secrets", key: "anthropic-api-key" } });
                assert.deepEqual(env.REDIS_PASSWORD, { secretKeyRef: { name: "agent-secrets", key: "redis-password" } });
                for (const cm of kinds(inNs(r), "ConfigMap")) {
                    const text = JSON.stringify(cm.data);
                    assert.ok(!text.includes(password) && !text.includes("placeholder-anthropicApiKey"), `ConfigMap ${cm.metadata.name} leaks a secret`);
                    assert.ok(!/PASSWORD|API_KEY/.test(Object.keys(cm.data).join(",")), `ConfigMap ${cm.metadata.name} has a credential key`);
                }
            });

            it(`GIVEN the agent data WHEN rendered THEN agent-data-pvc is ${x.dataSize} ${x.dataAccess}${stack === "prod" ? " on efs-sc" : ""} and mounted at /app/data`, () => {
                const pvc = get(rendered[stack], "PersistentVolumeClaim", "agent-data-pvc");
                assert.equal(pvc.spec.resources.requests.storage, x.dataSize);
                assert.deepEqual(pvc.spec.accessModes, [x.dataAccess]);
                assert.equal(pvc.spec.storageClassName, stack === "prod" ? "efs-sc" : undefined);
                const d = get(rendered[stack], "Deployment", "agent-deployment");
                assert.ok(
                    podSpec(d).volumes.some(
                        (v: { name: string; persistentVolumeClaim?: { claimName: string } }) =>
                            v.name === "data" && v.persistentVolumeClaim?.claimName === "agent-data-pvc",
                    ),
                );
                assert.ok(
                    container(d, "agent").volumeMounts.some((m: { name: string; mountPath: string }) => m.name === "data" && m.mountPath === "/app/data"),
                );
            });

            it(`GIVEN Redis WHEN rendered THEN StatefulSet redis (1 replica, ${x.redisSize} data claim) sits behind redis-service:6379 and reads its password from agent-secrets`, () => {
                const sts = get(rendered[stack], "StatefulSet", "redis");
                assert.equal(sts.spec.replicas, 1);
                assert.equal(sts.metadata.labels["agent-platform.io/singleton"], "true");
                assert.equal(sts.spec.volumeClaimTemplates[0].metadata.name, "data");
                assert.equal(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, x.redisSize);
                const redis = container(sts, "redis");
                assert.ok(redis.volumeMounts.some((m: { mountPath: string }) => m.mountPath === "/data"));
                const pw = redis.env.find((e: { name: string }) => e.name === "REDIS_PASSWORD");
                assert.deepEqual(pw.valueFrom, { secretKeyRef: { name: "agent-secrets", key: "redis-password" } });
                assert.equal(redis.securityContext.readOnlyRootFilesystem, true);
                assert.ok(redis.startupProbe && redis.livenessProbe && redis.readinessProbe);
                assert.deepEqual(podSpec(sts).nodeSelector, x.redisNodeGroup ? { "node-group": x.redisNodeGroup } : undefined);
                const svc = get(rendered[stack], "Service", "redis-service");
                assert.deepEqual(
                    svc.spec.ports.map((p: { port: number }) => p.port),
                    [6379],
                );
                assert.deepEqual(svc.spec.selector, { "app.kubernetes.io/name": "redis" });
                // The component must not generate a second password Secret: agent-secrets is the only one.
                assert.deepEqual(
                    kinds(inNs(rendered[stack]), "Secret").map((s) => s.metadata.name),
                    ["agent-secrets"],
                );
            });

            it("GIVEN the agent NetworkPolicy WHEN rendered THEN it admits 8000 from the namespace and the metrics port from monitoring, and egresses only to redis:6379 and external 443", () => {
                const np = get(rendered[stack], "NetworkPolicy", "agent-network-policy");
                assert.deepEqual(np.spec.podSelector.matchLabels, { "app.kubernetes.io/name": "agent-deployment" });
                assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
                assert.deepEqual(np.spec.ingress, [
                    { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": NS } } }], ports: [{ port: 8000, protocol: "TCP" }] },
                    {
                        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
                        ports: [{ port: 9090, protocol: "TCP" }],
                    },
                ]);
                assert.deepEqual(np.spec.egress[0], {
                    to: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "redis" } } }],
                    ports: [{ port: 6379, protocol: "TCP" }],
                });
                assert.deepEqual(np.spec.egress[1].ports, [{ port: 443, protocol: "TCP" }]);
                assert.equal(np.spec.egress[1].to[0].ipBlock.cidr, "0.0.0.0/0");
                assert.ok(np.spec.egress[1].to[0].ipBlock.except.includes("10.0.0.0/8"), "443 egress excludes the private ranges");
                assert.equal(np.spec.egress.length, 2);
            });

            it("GIVEN the Redis NetworkPolicy WHEN rendered THEN only the agent reaches 6379 and only monitoring scrapes the exporter; the namespace default-denies the rest", () => {
                const np = get(rendered[stack], "NetworkPolicy", "redis");
                assert.deepEqual(np.spec.podSelector.matchLabels, { "app.kubernetes.io/name": "redis" });
                assert.deepEqual(np.spec.ingress, [
                    { from: [{ podSelector: { matchLabels: { "app.kubernetes.io/name": "agent-deployment" } } }], ports: [{ port: 6379, protocol: "TCP" }] },
                    {
                        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }],
                        ports: [{ port: 9121, protocol: "TCP" }],
                    },
                ]);
                assert.deepEqual(get(rendered[stack], "NetworkPolicy", "default-deny-all").spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
                assert.ok(get(rendered[stack], "NetworkPolicy", "allow-dns-egress"));
            });

            it("GIVEN monitoring WHEN rendered THEN ServiceMonitors scrape the agent's metrics port and the Redis exporter", () => {
                const sm = get(rendered[stack], "ServiceMonitor", "agent-metrics");
                assert.deepEqual(sm.spec.selector.matchLabels, { "app.kubernetes.io/name": "agent-deployment" });
                assert.deepEqual(sm.spec.endpoints, [{ port: "metrics", path: "/metrics", interval: "30s" }]);
                assert.ok(get(rendered[stack], "ServiceMonitor", "redis"));
                assert.ok(get(rendered[stack], "Service", "redis-metrics"));
            });

            it("GIVEN the VPA WHEN rendered THEN it targets agent-deployment in recommendation mode (updateMode Off, no conflict with the HPA)", () => {
                const vpa = get(rendered[stack], "VerticalPodAutoscaler", "agent-vpa");
                assert.deepEqual(vpa.spec.targetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "agent-deployment" });
                assert.equal(vpa.spec.updatePolicy.updateMode, "Off");
            });

            it(`GIVEN the namespace WHEN rendered THEN ResourceQuota agent-quota has the ${stack === "prod" ? "seed's" : "dev"} numbers and fits the workloads at full scale`, () => {
                const q = get(rendered[stack], "ResourceQuota", "agent-quota");
                assert.deepEqual(q.spec.hard, x.quota);
                // (HPA max + 1 surge) x agent requests must fit the quota's cpu.
                const agentMillis = (x.hpa[1] + 1) * (parseInt(x.requests.cpu, 10) / (x.requests.cpu.endsWith("m") ? 1000 : 1));
                assert.ok(agentMillis < Number(x.quota["requests.cpu"]), `${agentMillis} cpu of agents must fit ${x.quota["requests.cpu"]}`);
                const lr = get(rendered[stack], "LimitRange", "agent-limits");
                assert.equal(lr.spec.limits[0].type, "Container");
            });

            it("GIVEN the agents WHEN rendered THEN a PDB exists exactly when at least two replicas run", () => {
                const pdbs = kinds(inNs(rendered[stack]), "PodDisruptionBudget").map((p) => p.metadata.name);
                assert.deepEqual(pdbs, x.hpa[0] >= 2 ? ["agent-deployment"] : []);
            });

            it("GIVEN Velero WHEN rendered THEN a daily Schedule backs up the production-agents namespace", () => {
                const s = find(rendered[stack].objects, "Schedule", "production-agents-daily", "velero");
                assert.equal(s.spec.schedule, "0 3 * * *");
                assert.deepEqual(s.spec.template.includedNamespaces, [NS]);
                assert.equal(s.spec.template.ttl, "720h0m0s");
                assert.equal(s.spec.template.defaultVolumesToFsBackup, stack === "prod" ? true : undefined, "EFS has no snapshots: prod copies files");
            });

            it("GIVEN the stack WHEN rendered THEN its outputs name the namespace and the in-cluster URLs", () => {
                const out = (rendered[stack].outputs.outputs as Record<string, { namespace: string; services: Record<string, string> }>).productionAgents;
                assert.equal(out.namespace, NS);
                assert.deepEqual(out.services, {
                    "agent-service": "http://agent-service.production-agents.svc.cluster.local:8000",
                    "redis-service": "redis://redis-service.production-agents.svc.cluster.local:6379",
                });
            });
        });
    }

    describe("variants", () => {
        let noCrds: RenderResult;
        let disabled: RenderResult;
        before(async function () {
            this.timeout(RENDER_TIMEOUT_MS);
            const base = readStackConfig(path.join(REPO_ROOT, "Pulumi.prod.yaml"));
            // Only this system: the other sections are optional, and rendering them would only cost time.
            const systemKeys = ["terminalMid", "inquisitor", "claudeCode", "ushadow"].map((k) => `${P}:${k}`);
            base.values = Object.fromEntries(Object.entries(base.values).filter(([k]) => !systemKeys.includes(k)));
            const section = JSON.parse(base.values[`${P}:productionAgents`]);
            const a = {
                ...base,
                values: {
                    ...base.values,
                    [`${P}:crds`]: JSON.stringify({ ...JSON.parse(base.values[`${P}:crds`]), serviceMonitor: false, vpa: false, velero: false }),
                    [`${P}:productionAgents`]: JSON.stringify({
                        ...section,
                        metricsPort: 8000,
                        podsMetrics: [{ name: "requests_per_second", averageValue: "50" }],
                    }),
                },
            };
            noCrds = await renderProgram(a, "prod");
            disabled = await renderProgram(
                { ...base, values: { ...base.values, [`${P}:productionAgents`]: JSON.stringify({ ...section, enabled: false }) } },
                "prod",
            );
        });

        it("GIVEN a cluster without the ServiceMonitor, VPA and Velero CRDs WHEN rendered THEN those objects are skipped and the rest stays", () => {
            const objs = inNs(noCrds);
            assert.deepEqual(kinds(objs, "ServiceMonitor"), []);
            assert.deepEqual(kinds(objs, "VerticalPodAutoscaler"), []);
            assert.ok(!noCrds.objects.some((o) => o.kind === "Schedule" && o.metadata.name === "production-agents-daily"));
            assert.ok(get(noCrds, "Deployment", "agent-deployment") && get(noCrds, "StatefulSet", "redis"));
        });

        it("GIVEN metricsPort 8000 and a custom Pods metric WHEN rendered THEN metrics share the http port and the HPA adds the Pods metric", () => {
            const c = container(get(noCrds, "Deployment", "agent-deployment"), "agent");
            assert.deepEqual(
                c.ports.map((p: { containerPort: number }) => p.containerPort),
                [8000],
            );
            assert.deepEqual(get(noCrds, "NetworkPolicy", "agent-network-policy").spec.ingress[1].ports, [{ port: 8000, protocol: "TCP" }]);
            const hpa = get(noCrds, "HorizontalPodAutoscaler", "agent-hpa");
            assert.deepEqual(hpa.spec.metrics[2], {
                type: "Pods",
                pods: { metric: { name: "requests_per_second" }, target: { type: "AverageValue", averageValue: "50" } },
            });
        });

        it("GIVEN productionAgents.enabled false WHEN rendered THEN nothing lands in the namespace and no output is reported", () => {
            assert.deepEqual(
                disabled.objects.filter((o) => o.metadata.namespace === NS || o.metadata.name === NS),
                [],
            );
            assert.equal((disabled.outputs.outputs as Record<string, unknown>).productionAgents, undefined);
        });
    });

    describe("config rules (agent-platform:productionAgents)", () => {
        const raw = (section: Record<string, unknown>, extra: Record<string, string> = { [`${P}:anthropicApiKey`]: "sk" }) => ({
            [`${P}:environment`]: "prod",
            [`${P}:cluster`]: JSON.stringify({ provider: "existing" }),
            [`${P}:productionAgents`]: JSON.stringify({ image: "ghcr.io/agent-platform/production-agent:2.0.0", ...section }),
            ...extra,
        });
        const isSecret = (k: string): boolean => k === `${P}:anthropicApiKey`;
        const errorOf = (r: Record<string, string>, secret = isSecret): string => {
            try {
                loadPlatformConfig(r, secret);
            } catch (e) {
                assert.ok(e instanceof ConfigError, String(e));
                return (e as Error).message;
            }
            return assert.fail("config was accepted");
        };

        it("GIVEN only an image WHEN loaded THEN the seed's defaults apply (HPA 3..10 cpu 70 memory 80, 500m/1Gi..2000m/2Gi, 10Gi RWX data, agent-quota 20/40Gi/10)", () => {
            const c = loadPlatformConfig(raw({}), isSecret).productionAgents!;
            assert.deepEqual(c.hpa, { minReplicas: 3, maxReplicas: 10, cpuUtilization: 70, memoryUtilization: 80 });
            assert.deepEqual(c.resources, { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2000m", memory: "2Gi" } });
            assert.deepEqual(c.dataStorage, { size: "10Gi", accessMode: "ReadWriteMany", mountPath: "/app/data" });
            assert.deepEqual(c.quota, { requestsCpu: "20", requestsMemory: "40Gi", persistentVolumeClaims: 10 });
            assert.equal(c.logLevel, "INFO");
            assert.equal(c.antiAffinity, "required");
        });

        const bad: [string, Record<string, string>, RegExp][] = [
            [
                "an image tagged latest",
                raw({ image: "ghcr.io/agent-platform/production-agent:latest" }),
                /agent-platform:productionAgents.image: must be pinned/,
            ],
            ["an untagged image", raw({ image: "ghcr.io/agent-platform/production-agent" }), /agent-platform:productionAgents.image: must be pinned/],
            [
                "HPA max below min",
                raw({ hpa: { minReplicas: 5, maxReplicas: 3, cpuUtilization: 70 } }),
                /agent-platform:productionAgents.hpa.maxReplicas: maxReplicas must be >= minReplicas/,
            ],
            [
                "HPA min 0",
                raw({ hpa: { minReplicas: 0, maxReplicas: 3, cpuUtilization: 70 } }),
                /agent-platform:productionAgents.hpa.minReplicas: must be >= 1/,
            ],
            [
                "HPA cpu above 100%",
                raw({ hpa: { minReplicas: 3, maxReplicas: 10, cpuUtilization: 170 } }),
                /agent-platform:productionAgents.hpa.cpuUtilization: /,
            ],
            ["an HPA without metrics", raw({ hpa: { minReplicas: 3, maxReplicas: 10 } }), /agent-platform:productionAgents.hpa: needs at least one metric/],
            [
                "a ReadWriteOnce data claim with required anti-affinity",
                raw({ dataStorage: { size: "10Gi", accessMode: "ReadWriteOnce" } }),
                /agent-platform:productionAgents.dataStorage.accessMode: ReadWriteOnce attaches agent-data-pvc to one node/,
            ],
            [
                "a bad storage size",
                raw({ dataStorage: { size: "ten gigs" } }),
                /agent-platform:productionAgents.dataStorage.size: must be a Kubernetes quantity/,
            ],
            [
                "a bad quota quantity",
                raw({ quota: { requestsCpu: "lots", requestsMemory: "40Gi", persistentVolumeClaims: 10 } }),
                /agent-platform:productionAgents.quota.requestsCpu: must be a Kubernetes quantity/,
            ],
            [
                "a quota below the agents' cpu at HPA max",
                raw({ quota: { requestsCpu: "5", requestsMemory: "40Gi", persistentVolumeClaims: 10 } }),
                /agent-platform:productionAgents.quota.requestsCpu: must cover 5625m \(hpa.maxReplicas \+ 1 rollout pod at 500m, plus Redis\), got 5/,
            ],
            [
                "a quota below the agents' memory at HPA max",
                raw({ quota: { requestsCpu: "20", requestsMemory: "8Gi", persistentVolumeClaims: 10 } }),
                /agent-platform:productionAgents.quota.requestsMemory: must cover 11552Mi .*got 8Gi/,
            ],
            [
                "a quota without room for both claims",
                raw({ quota: { requestsCpu: "20", requestsMemory: "40Gi", persistentVolumeClaims: 1 } }),
                /agent-platform:productionAgents.quota.persistentVolumeClaims: must allow at least 2 claims/,
            ],
            [
                "a cpu quota in bytes",
                raw({ quota: { requestsCpu: "20Gi", requestsMemory: "40Gi", persistentVolumeClaims: 10 } }),
                /agent-platform:productionAgents.quota: cannot size the quota: cpu quantity must look like 500m or 2, got "20Gi"/,
            ],
            ["an unknown log level", raw({ logLevel: "VERBOSE" }), /agent-platform:productionAgents.logLevel: /],
            ["a negative MAX_RETRIES", raw({ maxRetries: -1 }), /agent-platform:productionAgents.maxRetries: /],
            [
                "a relative probe path",
                raw({ probes: { readinessPath: "ready" } }),
                /agent-platform:productionAgents.probes.readinessPath: must be an absolute HTTP path/,
            ],
            [
                "a bad Pods metric name",
                raw({ podsMetrics: [{ name: "requests-per-second", averageValue: "50" }] }),
                /agent-platform:productionAgents.podsMetrics.0.name: must be a Prometheus metric name/,
            ],
            ["an out-of-range metrics port", raw({ metricsPort: 70000 }), /agent-platform:productionAgents.metricsPort: /],
            ["a bad Velero ttl", raw({ backup: { ttl: "30 days" } }), /agent-platform:productionAgents.backup.ttl: must be a Go duration/],
            ["an unknown key", raw({ replicas: 3 }), /agent-platform:productionAgents.replicas: unknown key/],
            ["a missing anthropicApiKey", raw({}, {}), /agent-platform:anthropicApiKey: required secret for productionAgents/],
        ];
        for (const [what, config, message] of bad) {
            it(`GIVEN ${what} WHEN loaded THEN the error names the key path and the rule`, () => {
                assert.match(errorOf(config), message);
            });
        }

        it("GIVEN anthropicApiKey in plain text WHEN loaded THEN it must be stored encrypted", () => {
            assert.match(
                errorOf(raw({}), () => false),
                /agent-platform:anthropicApiKey: must be stored encrypted/,
            );
        });

        it("GIVEN a bad section in the stack WHEN the program renders THEN it fails with ConfigError before registering anything", async () => {
            const config = readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
            config.values[`${P}:productionAgents`] = JSON.stringify({ image: "ghcr.io/agent-platform/production-agent:latest" });
            await assert.rejects(renderProgram(config, "dev"), (e: Error) => e instanceof ConfigError && /productionAgents.image/.test(e.message));
        });
    });
});
