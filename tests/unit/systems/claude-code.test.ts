/**
 * seed 002 (claude-code): what the dev and prod stacks render for the `claude-code` namespace,
 * asserted against the seed's names, ports, env, replicas/HPA, VPA, probes, security, storage,
 * NetworkPolicies, RBAC, quota/limits, ingress, backups and CRD objects; plus config failures.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { ConfigError } from "../../../components/config";
import { loadPlatformConfig } from "../../../stacks/config";
import { cpuMillis, memoryMi } from "../../../components/kube/quota";
import { K8sObject, REPO_ROOT, RenderResult, readStackConfig, renderProgram } from "../../../tools/lib/render";
import { appConfigJson, atLeast, claudeCodeSchema } from "../../../stacks/systems/claude-code";
import { find, kinds, recordOf } from "../../helpers/mocks";
import { RENDER_TIMEOUT_MS, externalKeys, renderedStack } from "../../helpers/stacks";

const NS = "claude-code";
const P = "agent-platform";
const name = (w: string) => ({ "app.kubernetes.io/name": w });

function inNs(r: RenderResult): K8sObject[] {
    return r.objects.filter((o) => o.metadata.namespace === NS || (o.kind === "Namespace" && o.metadata.name === NS));
}
const container = (d: K8sObject) => d.spec.template.spec.containers[0];
const envOf = (d: K8sObject): Record<string, any> => Object.fromEntries((container(d).env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
const policy = (objs: K8sObject[], w: string) => find(objs, "NetworkPolicy", w, NS).spec;
const ports = (rule: any) => (rule.ports ?? []).map((p: any) => p.port);

describe("claude-code system (seed 002)", () => {
    const r: Record<string, RenderResult> = {};
    const objs: Record<string, K8sObject[]> = {};
    before(async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        for (const stack of ["dev", "prod"] as const) {
            r[stack] = await renderedStack(stack);
            objs[stack] = inNs(r[stack]);
        }
    });

    for (const stack of ["dev", "prod"] as const) {
        const prod = stack === "prod";
        describe(`stack ${stack}`, () => {
            it("GIVEN the stack WHEN rendered THEN namespace claude-code carries Pod Security Admission restricted (enforced in prod only)", () => {
                const ns = find(objs[stack], "Namespace", NS);
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/warn"], "restricted");
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], prod ? "restricted" : undefined);
                assert.equal(ns.metadata.labels["istio-injection"], prod ? "enabled" : undefined);
                assert.ok(!r[stack].objects.some((o) => o.kind === "PodSecurityPolicy"), "PSP is gone since Kubernetes 1.25");
            });

            it("GIVEN the stack WHEN rendered THEN manager-agent matches the seed Deployment", () => {
                const d = find(objs[stack], "Deployment", "manager-agent", NS);
                assert.equal(d.spec.replicas, prod ? 3 : 1);
                assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
                const pod = d.spec.template.spec;
                assert.equal(pod.securityContext.runAsNonRoot, true);
                assert.equal(pod.securityContext.runAsUser, 1000);
                assert.equal(pod.securityContext.fsGroup, 2000);
                assert.equal(pod.serviceAccountName, "claude-code-sa");
                const c = container(d);
                assert.equal(c.image, "ghcr.io/yossiashkenazi/automatic-claude-code/manager:2.0.0");
                assert.deepEqual(c.ports, [{ name: "http", containerPort: 3000, protocol: "TCP" }]);
                const env = envOf(d);
                assert.equal(env.NODE_ENV, "production");
                assert.deepEqual(env.REDIS_URL, { secretKeyRef: { name: "redis-credentials", key: "url" } });
                assert.deepEqual(env.DATABASE_URL, { secretKeyRef: { name: "postgres-credentials", key: "url" } });
                assert.deepEqual(env.ANTHROPIC_API_KEY, { secretKeyRef: { name: "claude-code-secrets", key: "anthropic-api-key" } });
                assert.deepEqual(c.livenessProbe.httpGet, { path: "/health", port: "http" });
                assert.equal(c.livenessProbe.initialDelaySeconds, 30);
                assert.equal(c.livenessProbe.periodSeconds, 10);
                assert.equal(c.livenessProbe.failureThreshold, 3);
                assert.deepEqual(c.readinessProbe.httpGet, { path: "/ready", port: "http" });
                assert.equal(c.readinessProbe.initialDelaySeconds, 5);
                assert.equal(c.readinessProbe.periodSeconds, 5);
                assert.ok(c.startupProbe, "startup probe guards the 30s liveness delay");
                assert.deepEqual(
                    c.resources,
                    prod
                        ? { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2000m", memory: "4Gi" } }
                        : { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1000m", memory: "1Gi" } },
                );
                assert.equal(c.securityContext.readOnlyRootFilesystem, true);
                assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
                assert.ok(c.volumeMounts.some((m: any) => m.name === "app-config" && m.mountPath === "/app/config" && m.readOnly));
                const svc = find(objs[stack], "Service", "manager-agent", NS);
                assert.deepEqual(
                    svc.spec.ports.map((p: any) => p.port),
                    [3000],
                );
            });

            it("GIVEN the VPA CRD WHEN rendered THEN manager-agent has an Auto VPA bounded 100m/128Mi .. 4000m/8Gi", () => {
                const vpa = find(objs[stack], "VerticalPodAutoscaler", "manager-agent-vpa", NS);
                assert.deepEqual(vpa.spec.targetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "manager-agent" });
                assert.equal(vpa.spec.updatePolicy.updateMode, "Auto");
                // seed 002: the bounds are for container manager-agent; every other container (the Istio sidecar) is left alone.
                assert.deepEqual(vpa.spec.resourcePolicy.containerPolicies, [
                    { containerName: "manager-agent", minAllowed: { cpu: "100m", memory: "128Mi" }, maxAllowed: { cpu: "4000m", memory: "8Gi" } },
                    { containerName: "*", mode: "Off" },
                ]);
            });

            it("GIVEN the stack WHEN rendered THEN worker-agent scales by the seed HPA (cpu 70, memory 80, active_tasks_per_pod 5, behavior)", () => {
                const d = find(objs[stack], "Deployment", "worker-agent", NS);
                assert.equal(d.spec.replicas, undefined, "the HPA owns the replica count");
                assert.equal(container(d).image, "ghcr.io/yossiashkenazi/automatic-claude-code/worker:2.0.0");
                assert.deepEqual(envOf(d).REDIS_URL, { secretKeyRef: { name: "redis-credentials", key: "url" } });
                assert.equal(d.spec.template.spec.securityContext.runAsUser, 1000);
                assert.equal(d.spec.template.spec.securityContext.fsGroup, 2000);
                const hpa = find(objs[stack], "HorizontalPodAutoscaler", "worker-agent-hpa", NS);
                assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: "apps/v1", kind: "Deployment", name: "worker-agent" });
                assert.equal(hpa.spec.minReplicas, prod ? 5 : 1);
                assert.equal(hpa.spec.maxReplicas, prod ? 100 : 3);
                assert.deepEqual(hpa.spec.metrics, [
                    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
                    { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
                    { type: "Pods", pods: { metric: { name: "active_tasks_per_pod" }, target: { type: "AverageValue", averageValue: "5" } } },
                ]);
                assert.deepEqual(hpa.spec.behavior, {
                    scaleUp: { stabilizationWindowSeconds: 60, policies: [{ type: "Percent", value: 100, periodSeconds: 15 }] },
                    scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 50, periodSeconds: 60 }] },
                });
                if (prod) assert.deepEqual(container(d).resources, { requests: { cpu: "1000m", memory: "2Gi" }, limits: { cpu: "4000m", memory: "8Gi" } });
            });

            it("GIVEN the stack WHEN rendered THEN the worker NetworkPolicy admits manager-agent and api-gateway on 3000 and lets out redis 6379 and 443", () => {
                const np = policy(objs[stack], "agent-network-policy");
                assert.deepEqual(np.podSelector.matchLabels, name("worker-agent"));
                assert.deepEqual(np.policyTypes, ["Ingress", "Egress"]);
                assert.deepEqual(
                    np.ingress[0].from.map((p: any) => p.podSelector.matchLabels),
                    [name("manager-agent"), name("api-gateway")],
                );
                assert.deepEqual(ports(np.ingress[0]), [3000]);
                // The only other way in: Prometheus scraping agent-metrics.
                assert.equal(np.ingress.length, 2);
                assert.deepEqual(np.ingress[1].from, [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }]);
                assert.deepEqual(ports(np.ingress[1]), [3000]);
                assert.deepEqual(
                    np.egress[0].to.map((p: any) => p.podSelector.matchLabels),
                    [name("redis")],
                );
                assert.deepEqual(ports(np.egress[0]), [6379]);
                assert.equal(np.egress[1].to[0].ipBlock.cidr, "0.0.0.0/0");
                assert.ok(np.egress[1].to[0].ipBlock.except.includes("10.0.0.0/8"), "443 means the internet, not the cluster network");
                assert.deepEqual(ports(np.egress[1]), [443]);
                assert.equal(np.egress.length, 2);
            });

            it("GIVEN the stack WHEN rendered THEN Redis and Postgres admit only their named clients", () => {
                const redisIn = policy(objs[stack], "redis").ingress[0];
                assert.deepEqual(redisIn.from.map((p: any) => p.podSelector.matchLabels["app.kubernetes.io/name"]).sort(), [
                    "api-gateway",
                    "dashboard-backend",
                    "manager-agent",
                    "worker-agent",
                ]);
                assert.deepEqual(ports(redisIn), [6379]);
                const pgIn = policy(objs[stack], "postgres").ingress[0];
                assert.deepEqual(pgIn.from.map((p: any) => p.podSelector.matchLabels["app.kubernetes.io/name"]).sort(), [
                    "api-gateway",
                    "dashboard-backend",
                    "manager-agent",
                    "postgres-backup",
                ]);
                assert.deepEqual(ports(pgIn), [5432]);
                const mgr = policy(objs[stack], "manager-agent");
                assert.ok(
                    mgr.ingress.some((rule: any) =>
                        rule.from.some((p: any) => p.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"] === "monitoring"),
                    ),
                    "Prometheus may scrape agent-metrics",
                );
            });

            it(`GIVEN the cluster's API-server scope WHEN rendered THEN manager-agent (claude-code-role) may reach the API server there on 443/6443, and no other workload may (issue 21)`, () => {
                // prod: the VPC CIDR of the EKS cluster the stack creates; dev: cluster.apiServerCidrs of Pulumi.dev.yaml.
                const scope = prod ? ["10.40.0.0/16"] : ["10.250.0.1/32", "10.96.0.1/32"];
                const apiRules = (w: string) =>
                    (policy(objs[stack], w).egress ?? []).filter((rule: any) => rule.to.some((t: any) => t.ipBlock && !t.ipBlock.except));
                assert.deepEqual(
                    apiRules("manager-agent").map((rule: any) => [rule.to.map((t: any) => t.ipBlock.cidr), ports(rule)]),
                    [[scope, [443, 6443]]],
                );
                // The worker's policy carries the seed's name, agent-network-policy.
                for (const np of ["agent-network-policy", "api-gateway", "dashboard-frontend", "dashboard-backend"]) assert.deepEqual(apiRules(np), [], np);
            });

            it("GIVEN the stack WHEN rendered THEN api-gateway and the dashboard tiers run with their ports and autoscaled replicas", () => {
                const hpa = (w: string) => find(objs[stack], "HorizontalPodAutoscaler", w, NS).spec;
                const gw = find(objs[stack], "Deployment", "api-gateway", NS);
                assert.equal(gw.spec.replicas, undefined);
                assert.deepEqual([hpa("api-gateway").minReplicas, hpa("api-gateway").maxReplicas], prod ? [3, 50] : [1, 2]);
                assert.deepEqual(
                    hpa("api-gateway").metrics.map((m: any) => [m.resource.name, m.resource.target.averageUtilization]),
                    [
                        ["cpu", 70],
                        ["memory", 80],
                    ],
                );
                assert.equal(container(gw).ports[0].containerPort, 3000);
                const fe = find(objs[stack], "Deployment", "dashboard-frontend", NS);
                // seed 002: the frontend runs 2 replicas; they are the HPA floor.
                assert.equal(hpa("dashboard-frontend").minReplicas, prod ? 2 : 1);
                assert.equal(hpa("dashboard-backend").minReplicas, prod ? 2 : 1);
                if (prod) assert.ok(find(objs[stack], "PodDisruptionBudget", "dashboard-frontend", NS));
                const feSvc = find(objs[stack], "Service", "dashboard-frontend", NS);
                assert.deepEqual(
                    feSvc.spec.ports.map((p: any) => [p.port, p.targetPort]),
                    [[80, "http"]],
                );
                assert.equal(container(fe).ports[0].containerPort, 6011);
                const be = find(objs[stack], "Deployment", "dashboard-backend", NS);
                assert.equal(container(be).ports[0].containerPort, 4005);
                assert.deepEqual(
                    find(objs[stack], "Service", "dashboard-backend", NS).spec.ports.map((p: any) => p.port),
                    [4005],
                );
                for (const d of [gw, fe, be]) {
                    const c = container(d);
                    assert.ok(c.livenessProbe && c.readinessProbe && c.startupProbe, `${d.metadata.name} probes`);
                    assert.equal(d.spec.template.spec.securityContext.runAsUser, 1000);
                }
                // Only prod pins nodes: agents on the compute group, dashboard on the memory group.
                const sel = (w: string) => find(objs[stack], "Deployment", w, NS).spec.template.spec.nodeSelector;
                for (const w of ["manager-agent", "worker-agent", "api-gateway"]) assert.deepEqual(sel(w), prod ? { "node-group": "compute" } : undefined);
                for (const w of ["dashboard-frontend", "dashboard-backend"]) assert.deepEqual(sel(w), prod ? { "node-group": "memory" } : undefined);
            });

            it("GIVEN the stack WHEN rendered THEN dashboard-ingress serves / and /api (WebSocket) over TLS dashboard-tls", () => {
                const ing = find(objs[stack], "Ingress", "dashboard-ingress", NS);
                const host = prod ? "dashboard.claude-code.company.com" : "dashboard.claude-code.dev.company.com";
                assert.equal(ing.spec.ingressClassName, "nginx");
                assert.deepEqual(ing.spec.tls, [{ hosts: [host], secretName: "dashboard-tls" }]);
                const paths = ing.spec.rules[0].http.paths.map((p: any) => [p.path, p.pathType, p.backend.service.name, p.backend.service.port.number]);
                assert.deepEqual(paths, [
                    ["/api", "Prefix", "dashboard-backend", 4005],
                    ["/", "Prefix", "dashboard-frontend", 80],
                ]);
                assert.equal(ing.spec.rules[0].host, host);
                const a = ing.metadata.annotations;
                assert.equal(a["nginx.ingress.kubernetes.io/ssl-redirect"], "true");
                assert.equal(a["nginx.ingress.kubernetes.io/websocket-services"], "dashboard-backend");
                assert.equal(a["cert-manager.io/cluster-issuer"], prod ? "letsencrypt-prod" : "letsencrypt-staging");
                assert.equal(a["nginx.ingress.kubernetes.io/rewrite-target"], undefined, "a `/` rewrite would strip /api paths");
            });

            it("GIVEN the stack WHEN rendered THEN app-config holds config.json and no secret; the API key lives only in a secret Secret", () => {
                const cm = find(objs[stack], "ConfigMap", "app-config", NS);
                const doc = JSON.parse(cm.data["config.json"]);
                assert.equal(doc.defaultModel, "sonnet");
                assert.deepEqual(doc.dualAgentMode, { enabled: true, managerModel: "opus", workerModel: "sonnet" });
                assert.deepEqual(doc.sdkIntegration, { enabled: true, retryAttempts: 3, timeout: 300000 });
                assert.deepEqual(doc.monitoring, { apiPort: 4005, dashboardPort: 6011, enabled: true });
                for (const c of kinds(objs[stack], "ConfigMap")) {
                    const text = JSON.stringify(c.data ?? {});
                    assert.ok(
                        !/placeholder-anthropicApiKey|redis:\/\/:|postgresql:\/\/[^@]*:[^@]*@/.test(text),
                        `ConfigMap ${c.metadata.name} leaks a credential`,
                    );
                }
                const rec = recordOf(r[stack].resources, "Secret", "claude-code-secrets");
                assert.ok(
                    rec.secretPaths.some((p) => p.startsWith("stringData")),
                    `secret paths: ${rec.secretPaths}`,
                );
                // prod: the key comes from AWS Secrets Manager through an ExternalSecret merged into the same Secret.
                const external = externalKeys(objs[stack], NS, "claude-code-secrets");
                assert.deepEqual(Object.keys(find(objs[stack], "Secret", "claude-code-secrets", NS).stringData), stack === "prod" ? [] : ["anthropic-api-key"]);
                assert.deepEqual(external, stack === "prod" ? { "anthropic-api-key": "agent-platform/prod/anthropicApiKey" } : {});
                for (const s of ["redis-credentials", "postgres-credentials"]) {
                    const sec = find(objs[stack], "Secret", s, NS);
                    assert.deepEqual(Object.keys(sec.stringData).sort(), ["password", "url"]);
                    assert.ok(recordOf(r[stack].resources, "Secret", s).secretPaths.length > 0, `${s} is a Pulumi secret`);
                }
            });

            it("GIVEN the stack WHEN rendered THEN claude-code-sa is bound to a read-only Role without secrets", () => {
                const role = find(objs[stack], "Role", "claude-code-role", NS);
                const granted = role.rules.flatMap((x: any) => x.resources);
                assert.deepEqual(granted.sort(), ["configmaps", "deployments", "pods", "replicasets", "services"]);
                for (const rule of role.rules) assert.deepEqual(rule.verbs, ["get", "list", "watch"]);
                const rb = find(objs[stack], "RoleBinding", "claude-code-binding", NS);
                assert.deepEqual(rb.subjects, [{ kind: "ServiceAccount", name: "claude-code-sa", namespace: NS }]);
                assert.deepEqual(rb.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "claude-code-role" });
            });

            it("GIVEN the stack WHEN rendered THEN claude-code-quota covers the seed's numbers and the worker HPA at its max, and claude-code-limits has the limits", () => {
                const q = find(objs[stack], "ResourceQuota", "claude-code-quota", NS).spec.hard;
                const seedish = prod
                    ? { "requests.cpu": "100", "requests.memory": "200Gi", "limits.cpu": "200", "limits.memory": "400Gi" }
                    : { "requests.cpu": "10", "requests.memory": "20Gi", "limits.cpu": "20", "limits.memory": "40Gi" };
                for (const [k, v] of Object.entries(seedish)) {
                    const val = k.endsWith("cpu") ? cpuMillis : memoryMi;
                    assert.ok(val(q[k]) >= val(v), `${k} ${q[k]} >= ${v}`);
                }
                assert.equal(q.persistentvolumeclaims, "10");
                assert.equal(q.services, "12");
                assert.equal(q.secrets, "20");
                const workers = prod ? 101 : 4;
                const workerReq = prod ? 1000 : 250;
                assert.ok(cpuMillis(q["requests.cpu"]) >= workers * workerReq, `requests.cpu ${q["requests.cpu"]} fits ${workers} workers`);
                const services = kinds(objs[stack], "Service").length;
                assert.ok(services <= 12, `${services} Services fit the quota`);
                const lr = find(objs[stack], "LimitRange", "claude-code-limits", NS).spec.limits[0];
                assert.equal(lr.type, "Container");
                assert.deepEqual(lr.defaultRequest, { cpu: "100m", memory: "128Mi" });
                assert.deepEqual(lr.min, { cpu: "50m", memory: "64Mi" });
                assert.deepEqual(lr.default, prod ? { cpu: "2000m", memory: "4Gi" } : { cpu: "1000m", memory: "1Gi" });
                assert.deepEqual(lr.max, prod ? { cpu: "8000m", memory: "16Gi" } : { cpu: "2000m", memory: "4Gi" });
            });

            it("GIVEN the LimitRange WHEN every container in the namespace is checked THEN none is outside min..max", () => {
                const lr = find(objs[stack], "LimitRange", "claude-code-limits", NS).spec.limits[0];
                const pods = objs[stack].flatMap((o) =>
                    o.kind === "CronJob" ? [o.spec.jobTemplate.spec.template.spec] : o.spec?.template?.spec ? [o.spec.template.spec] : [],
                );
                for (const c of pods.flatMap((p) => [...p.containers, ...(p.initContainers ?? [])])) {
                    assert.ok(cpuMillis(c.resources.requests.cpu) >= cpuMillis(lr.min.cpu), `${c.name} cpu request`);
                    assert.ok(memoryMi(c.resources.requests.memory) >= memoryMi(lr.min.memory), `${c.name} memory request`);
                    assert.ok(cpuMillis(c.resources.limits.cpu) <= cpuMillis(lr.max.cpu), `${c.name} cpu limit`);
                    assert.ok(memoryMi(c.resources.limits.memory) <= memoryMi(lr.max.memory), `${c.name} memory limit`);
                }
            });

            it("GIVEN the stack WHEN rendered THEN Postgres keeps its data on postgres-data and Redis on its claim", () => {
                const pvc = find(objs[stack], "PersistentVolumeClaim", "postgres-data", NS);
                assert.equal(pvc.spec.resources.requests.storage, prod ? "100Gi" : "5Gi");
                assert.equal(pvc.spec.storageClassName, prod ? "fast-ssd" : undefined);
                assert.deepEqual(pvc.spec.accessModes, ["ReadWriteOnce"]);
                const sts = find(objs[stack], "StatefulSet", "postgres", NS);
                assert.ok(sts.spec.template.spec.volumes.some((v: any) => v.persistentVolumeClaim?.claimName === "postgres-data"));
                const redis = find(objs[stack], "StatefulSet", "redis", NS);
                assert.equal(redis.spec.volumeClaimTemplates[0].spec.resources.requests.storage, prod ? "10Gi" : "1Gi");
                assert.equal(redis.spec.persistentVolumeClaimRetentionPolicy.whenDeleted, prod ? "Retain" : "Delete");
            });

            it("GIVEN the stack WHEN rendered THEN postgres-backup dumps nightly at 02:00 (S3 through IRSA in prod, a PVC in dev)", () => {
                const cj = find(objs[stack], "CronJob", "postgres-backup", NS);
                assert.equal(cj.spec.schedule, "0 2 * * *");
                assert.equal(cj.spec.concurrencyPolicy, "Forbid");
                const pod = cj.spec.jobTemplate.spec.template.spec;
                const all = [...pod.containers, ...(pod.initContainers ?? [])];
                const dumpEnv = Object.fromEntries(all.find((c: any) => c.name === "dump").env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
                assert.equal(dumpEnv.BACKUP_FILE_PREFIX, "claude-code");
                assert.deepEqual(dumpEnv.PGPASSWORD, { secretKeyRef: { name: "postgres-credentials", key: "password" } });
                const sa = find(objs[stack], "ServiceAccount", pod.serviceAccountName, NS);
                if (prod) {
                    const upload = all.find((c: any) => c.name === "upload");
                    assert.equal(upload.env.find((e: any) => e.name === "BACKUP_S3_URI").value, "s3://claude-code-backups/");
                    // The role comes from the EKS cluster's irsaRoles.postgres-backup, trusted for exactly this ServiceAccount.
                    assert.match(sa.metadata.annotations["eks.amazonaws.com/role-arn"], /^arn:aws:iam::[0-9]{12}:role\/.*postgres-backup/);
                    const role = r[stack].cloudResources.find((c) => c.type === "aws:iam/role:Role" && c.name.includes("postgres-backup"));
                    assert.match(String(role?.inputs.assumeRolePolicy), /"system:serviceaccount:claude-code:postgres-backup"/);
                } else {
                    assert.ok(pod.volumes.some((v: any) => v.persistentVolumeClaim?.claimName === "postgres-backup-dumps"));
                    assert.equal(sa.metadata.annotations, undefined);
                }
            });

            it("GIVEN the Velero CRD WHEN rendered THEN claude-code-daily-backup backs up the namespace daily with the TTL", () => {
                const s = find(r[stack].objects, "Schedule", "claude-code-daily-backup", "velero");
                assert.deepEqual(s.spec.template.includedNamespaces, [NS]);
                assert.equal(s.spec.template.ttl, prod ? "720h0m0s" : "168h0m0s");
                assert.equal(s.spec.schedule, "0 3 * * *");
            });

            it("GIVEN the ServiceMonitor CRD WHEN rendered THEN agent-metrics scrapes manager-agent (and the other agent-side Services) /metrics every 30s", () => {
                const sm = find(objs[stack], "ServiceMonitor", "agent-metrics", NS);
                // Redis and Postgres run exporters sized to the LimitRange minimum (seed 002: 50m/64Mi), so admission accepts them.
                for (const sts of ["redis", "postgres"]) {
                    const exporter = find(objs[stack], "StatefulSet", sts, NS).spec.template.spec.containers.find((c: any) => c.name === "exporter");
                    assert.deepEqual(exporter.resources.requests, { cpu: "50m", memory: "64Mi" }, sts);
                }
                // agent-metrics plus the Redis and Postgres exporters' monitors.
                assert.deepEqual(
                    kinds(objs[stack], "ServiceMonitor")
                        .map((m) => m.metadata.name)
                        .sort(),
                    ["agent-metrics", "postgres", "redis"],
                );
                const sel: Record<string, string> = sm.spec.selector.matchLabels;
                const selected = kinds(objs[stack], "Service")
                    .filter((svc) => Object.entries(sel).every(([k, v]) => svc.metadata.labels?.[k] === v))
                    .map((svc) => svc.metadata.name)
                    .sort();
                assert.deepEqual(selected, ["api-gateway", "dashboard-backend", "manager-agent", "worker-agent"]);
                assert.deepEqual(sm.spec.endpoints, [{ port: "http", path: "/metrics", interval: "30s" }]);
            });

            it(`GIVEN serviceMesh ${prod ? "on (istio CRD)" : "off"} WHEN rendered THEN the STRICT PeerAuthentication and istiod egress are ${prod ? "present" : "absent"}`, () => {
                const pa = objs[stack].filter((o) => o.kind === "PeerAuthentication");
                const np = objs[stack].filter((o) => o.kind === "NetworkPolicy" && o.metadata.name === "allow-istiod-egress");
                if (!prod) {
                    assert.equal(pa.length, 0);
                    assert.equal(np.length, 0);
                    return;
                }
                // The namespace-wide STRICT policy, plus one per workload the un-meshed ingress controller/Prometheus reach.
                const wide = pa.filter((p) => !p.spec.selector);
                assert.equal(wide.length, 1);
                assert.equal(wide[0].apiVersion, "security.istio.io/v1");
                assert.deepEqual(wide[0].spec, { mtls: { mode: "STRICT" } });
                assert.deepEqual(
                    pa
                        .filter((p) => p.spec.selector)
                        .map((p) => p.metadata.name)
                        .sort(),
                    ["api-gateway", "dashboard-backend", "dashboard-frontend", "manager-agent", "postgres", "redis", "worker-agent"].map(
                        (w) => `${w}-plaintext-ports`,
                    ),
                );
                assert.deepEqual(np[0].spec.egress[0].ports, [{ port: 15012, protocol: "TCP" }]);
                const w = find(objs[stack], "Deployment", "worker-agent", NS);
                assert.equal(w.spec.template.metadata.annotations["sidecar.istio.io/proxyCPULimit"], "500m");
            });

            it("GIVEN the stack WHEN rendered THEN the outputs name the namespace, in-cluster URLs and the dashboard host", () => {
                const cc = (r[stack].outputs.outputs as Record<string, any>).claudeCode;
                assert.equal(cc.namespace, NS);
                assert.equal(cc.services["manager-agent"], "http://manager-agent.claude-code.svc.cluster.local:3000");
                assert.equal(cc.services["worker-agent"], "http://worker-agent.claude-code.svc.cluster.local:3000");
                assert.equal(cc.services["dashboard-frontend"], "http://dashboard-frontend.claude-code.svc.cluster.local:80");
                assert.equal(cc.services["dashboard-backend"], "http://dashboard-backend.claude-code.svc.cluster.local:4005");
                assert.equal(cc.services.redis, "redis://redis.claude-code.svc.cluster.local:6379");
                assert.equal(cc.services.postgres, "postgresql://postgres.claude-code.svc.cluster.local:5432/claude_code");
                assert.deepEqual(cc.ingressHosts, [prod ? "dashboard.claude-code.company.com" : "dashboard.claude-code.dev.company.com"]);
            });
        });
    }

    it("GIVEN a cluster without the optional CRDs WHEN dev renders THEN no VPA, ServiceMonitor, Velero or issuer annotation is emitted", async function () {
        this.timeout(60000);
        const config = readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
        config.values[`${P}:crds`] = JSON.stringify({});
        // Only this system: the other sections are optional, and rendering them would only cost time.
        for (const k of ["terminalMid", "inquisitor", "productionAgents", "ushadow"]) delete config.values[`${P}:${k}`];
        const bare = await renderProgram(config, "dev");
        const o = inNs(bare);
        for (const kind of ["VerticalPodAutoscaler", "ServiceMonitor", "PeerAuthentication"]) assert.equal(kinds(o, kind).length, 0, kind);
        assert.ok(!bare.objects.some((x) => x.kind === "Schedule" && x.metadata.name === "claude-code-daily-backup"));
        assert.equal(find(o, "Ingress", "dashboard-ingress", NS).metadata.annotations["cert-manager.io/cluster-issuer"], undefined);
        // The plain objects stay.
        find(o, "HorizontalPodAutoscaler", "worker-agent-hpa", NS);
        find(o, "CronJob", "postgres-backup", NS);
    });
});

describe("claude-code config section", () => {
    const images = {
        managerImage: "ghcr.io/y/manager:2.0.0",
        workerImage: "ghcr.io/y/worker:2.0.0",
        gatewayImage: "ghcr.io/y/gw:2.0.0",
        dashboardFrontendImage: "ghcr.io/y/fe:2.0.0",
        dashboardBackendImage: "ghcr.io/y/be:2.0.0",
        dashboardHost: "dashboard.example.com",
    };
    const load = (section: Record<string, unknown>, crds: Record<string, boolean> = {}) =>
        loadPlatformConfig(
            {
                [`${P}:environment`]: "prod",
                [`${P}:cluster`]: JSON.stringify({ provider: "existing" }),
                [`${P}:crds`]: JSON.stringify(crds),
                [`${P}:claudeCode`]: JSON.stringify({ ...images, ...section }),
                [`${P}:anthropicApiKey`]: "k",
            },
            (k) => k.endsWith("anthropicApiKey"),
        );

    it("GIVEN only images and a host WHEN loaded THEN the seed's production sizes are the defaults", () => {
        const c = load({}).claudeCode!;
        assert.equal(c.manager.replicas, 3);
        assert.deepEqual([c.worker.minReplicas, c.worker.maxReplicas], [5, 100]);
        assert.deepEqual(c.postgresStorage, { size: "100Gi", storageClassName: "fast-ssd" });
        assert.equal(c.dashboard.frontendReplicas, 2);
        assert.equal(c.backup.schedule, "0 2 * * *");
        assert.equal(c.backup.velero.ttl, "720h0m0s");
        assert.equal(c.quota["requests.cpu"], "100");
        assert.deepEqual(c.limits.max, { cpu: "8000m", memory: "16Gi" });
        assert.equal(c.serviceMesh, false);
    });

    const bad: [string, Record<string, unknown>, RegExp, Record<string, boolean>?][] = [
        ["worker max below min", { worker: { minReplicas: 5, maxReplicas: 2 } }, /claudeCode.worker.maxReplicas: maxReplicas must be >= minReplicas/],
        ["worker min 0", { worker: { minReplicas: 0, maxReplicas: 2 } }, /claudeCode.worker.minReplicas: must be >= 1/],
        ["image tagged latest", { workerImage: "ghcr.io/y/worker:latest" }, /claudeCode.workerImage: must be pinned/],
        ["bad backup role ARN", { backup: { destination: { s3: { roleArn: "claude-code-backup" } } } }, /claudeCode.backup.destination/],
        [
            "both backup destinations",
            { backup: { destination: { s3: { roleArn: "arn:aws:iam::123456789012:role/x" }, pvc: { size: "5Gi" } } } },
            /claudeCode.backup.destination/,
        ],
        ["bad velero ttl", { backup: { velero: { ttl: "30 days" } } }, /claudeCode.backup.velero.ttl: must be a Go duration/],
        ["bad storage quantity", { postgresStorage: { size: "lots" } }, /claudeCode.postgresStorage.size: must be a Kubernetes quantity/],
        ["bad quota quantity", { quota: { "requests.cpu": "many" } }, /claudeCode.quota.requests.cpu: must be a Kubernetes quantity/],
        [
            "worker limits over the LimitRange max",
            { worker: { minReplicas: 1, maxReplicas: 2, resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "16", memory: "8Gi" } } } },
            /claudeCode.worker.resources.limits: worker limits 16\/8Gi exceed limits.max 8000m\/16Gi/,
        ],
        [
            "requests under the LimitRange min",
            { gateway: { minReplicas: 2, resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { cpu: "1", memory: "1Gi" } } } },
            /claudeCode.gateway.resources.requests: gateway requests 10m\/16Mi are below limits.min/,
        ],
        ["uppercase dashboard host", { dashboardHost: "Dashboard.Example.com" }, /claudeCode.dashboardHost: must be a lowercase DNS name/],
        ["unknown key", { replicas: 3 }, /claudeCode.replicas: unknown key/],
        ["service mesh without the istio CRD", { serviceMesh: true }, /claudeCode.serviceMesh: needs crds.istio/],
        [
            "an S3 backup without a role on a cluster that creates none",
            { backup: { destination: { s3: { bucket: "claude-code-backups" } } } },
            /claudeCode\.backup\.destination\.s3\.roleArn: required unless cluster\.irsaRoles\.postgres-backup creates the role \(EKS\)/,
        ],
    ];
    it("GIVEN an S3 backup without a role in a disabled section WHEN loaded THEN the backup-role rule does not apply", () => {
        const c = load({ enabled: false, backup: { destination: { s3: { bucket: "claude-code-backups" } } } }).claudeCode!;
        assert.equal(c.enabled, false);
    });

    for (const [what, section, expected, crds] of bad) {
        it(`GIVEN ${what} WHEN loaded THEN a ConfigError names the key path`, () => {
            let err: unknown;
            try {
                load(section, crds);
            } catch (e) {
                err = e;
            }
            assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
            assert.match((err as Error).message, expected);
        });
    }

    it("GIVEN claudeCode enabled WHEN anthropicApiKey is missing THEN the error names the secret", () => {
        let err: unknown;
        try {
            loadPlatformConfig(
                {
                    [`${P}:environment`]: "dev",
                    [`${P}:cluster`]: JSON.stringify({ provider: "existing" }),
                    [`${P}:claudeCode`]: JSON.stringify(images),
                },
                () => false,
            );
        } catch (e) {
            err = e;
        }
        assert.match(String(err), /agent-platform:anthropicApiKey: required secret for claudeCode/);
    });

    it("GIVEN the seed app config WHEN serialised THEN config.json is stable with sorted keys", () => {
        const c = claudeCodeSchema.parse(images).appConfig;
        const text = appConfigJson(c);
        assert.equal(text, appConfigJson({ ...c }));
        assert.deepEqual(Object.keys(JSON.parse(text)), ["defaultModel", "dualAgentMode", "monitoring", "sdkIntegration"]);
    });

    it("GIVEN a configured quota and a larger need WHEN merged THEN each key takes the larger value", () => {
        assert.deepEqual(atLeast({ "requests.cpu": "100", services: "10" }, { "requests.cpu": "130500m", pods: "12", services: "3" }), {
            pods: "12",
            "requests.cpu": "130500m",
            services: "10",
        });
        assert.deepEqual(atLeast({ "limits.memory": "400Gi" }, { "limits.memory": "1000Mi" }), { "limits.memory": "400Gi" });
    });
});
