/**
 * seed 000 (terminal-mid) on what Pulumi.dev.yaml and Pulumi.prod.yaml render. Each stack file is
 * rendered once with only this system's section kept, so another system's state cannot fail it.
 */
import { strict as assert } from "assert";
import { configErrorOf } from "../../helpers/config";
import * as path from "path";
import { REPO_ROOT, RenderResult, StackConfig, readStackConfig, renderProgram } from "../../../tools/lib/render";
import { loadPlatformConfig } from "../../../stacks/config";
import { SINGLETON_LABEL } from "../../../components/kube/labels";
import { PRIVATE_RANGES } from "../../../components/kube/network";
import { midObjectNames } from "../../../stacks/systems/terminal-mid";
import { validateObjects } from "../../helpers/k8s-schema";
import { RENDER_TIMEOUT_MS, externalKeys } from "../../helpers/stacks";
import { find, kinds, recordOf } from "../../helpers/mocks";

const P = "agent-platform";
const NS = "claude-mid-service";
const OTHER_SYSTEMS = ["inquisitor", "claudeCode", "productionAgents", "ushadow"];
const NAME = "app.kubernetes.io/name";

function onlySystem(stack: string): StackConfig {
    const cfg = readStackConfig(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`));
    for (const o of OTHER_SYSTEMS) delete cfg.values[`${P}:${o}`];
    return cfg;
}

function withSection(stack: string, patch: (section: Record<string, any>) => void): StackConfig {
    const cfg = onlySystem(stack);
    const section = JSON.parse(cfg.values[`${P}:terminalMid`]);
    patch(section);
    cfg.values[`${P}:terminalMid`] = JSON.stringify(section);
    return cfg;
}

const container = (o: any) => o.spec.template.spec.containers[0];
const envOf = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
const fromSecret = (key: string) => ({ secretKeyRef: { name: "claude-terminal-secrets", key } });
const INTERNET_443 = { to: [{ ipBlock: { cidr: "0.0.0.0/0", except: PRIVATE_RANGES } }], ports: [{ port: 443, protocol: "TCP" }] };

describe("terminal-mid system (seed 000)", () => {
    const rendered: Record<string, RenderResult> = {};
    before(async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        for (const stack of ["dev", "prod"]) rendered[stack] = await renderProgram(onlySystem(stack), stack, { redact: false });
    });
    const objs = (stack: string) => rendered[stack].objects;

    for (const stack of ["dev", "prod"]) {
        const prod = stack === "prod";
        const midNames = prod ? ["k8s-mid-prod-01", "k8s-mid-prod-02"] : ["k8s-mid-dev"];
        const mids = midObjectNames(midNames);
        describe(`Pulumi.${stack}.yaml`, () => {
            it("GIVEN the stack WHEN rendered THEN every object passes the OpenAPI schema (the Velero Schedule structurally)", () => {
                const report = validateObjects(objs(stack));
                // The cluster layer's own cluster-scoped custom resources (ClusterIssuer, ClusterSecretStore) are not the system's.
                assert.deepEqual(
                    report.crdObjects.filter((id) => !id.includes(" _cluster/")).sort(),
                    [
                        ...(prod ? ["ExternalSecret claude-mid-service/claude-terminal-secrets"] : []),
                        "Schedule velero/claude-mid-service-daily",
                        "PrometheusRule claude-mid-service/claude-mid-service-alerts",
                    ].sort(),
                );
                assert.equal(report.validated, objs(stack).length - report.crdObjects.length);
            });

            it("GIVEN Velero in the cluster WHEN rendered THEN Schedule claude-mid-service-daily backs up the sessions and MID data daily for 30 days", () => {
                const s = find(objs(stack), "Schedule", "claude-mid-service-daily", "velero");
                assert.equal(s.spec.schedule, "@daily");
                assert.deepEqual(s.spec.template.includedNamespaces, [NS]);
                assert.equal(s.spec.template.ttl, "720h0m0s");
                // prod's claude-sessions-pvc is ReadWriteMany on EFS, which has no snapshots: Velero copies its files.
                assert.equal(s.spec.template.defaultVolumesToFsBackup, prod ? true : undefined);
            });

            it("GIVEN the namespace WHEN rendered THEN claude-mid-service has restricted PSA (enforced in prod), a quota covering every claim, limits and default-deny", () => {
                const ns = find(objs(stack), "Namespace", NS);
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/audit"], "restricted");
                assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], prod ? "restricted" : undefined);
                const quota = find(objs(stack), "ResourceQuota", "claude-mid-service-quota", NS).spec.hard;
                assert.equal(quota.persistentvolumeclaims, String(1 + mids.length + 2));
                assert.equal(quota["requests.storage"], prod ? "25Gi" : "4Gi");
                // Derived from the workloads' footprints: a rolling terminal (shared sessions, prod) surges one pod,
                // a Recreate one (ReadWriteOnce sessions, dev) never runs old and new pods together.
                const terminal = find(objs(stack), "Deployment", "claude-terminal-service", NS).spec;
                const surge = terminal.strategy.type === "RollingUpdate" ? 1 : 0;
                assert.equal(quota.pods, String(Math.ceil((terminal.replicas + surge + 1 + mids.length) * 1.25)));
                find(objs(stack), "LimitRange", "claude-mid-service-limits", NS);
                find(objs(stack), "NetworkPolicy", "default-deny-all", NS);
            });

            it("GIVEN claude-terminal-service WHEN rendered THEN it serves HTTP on 3000 with /health probes and the seed's resources", () => {
                const d = find(objs(stack), "Deployment", "claude-terminal-service", NS);
                // prod: sessions on ReadWriteMany EFS, 2 replicas rolling 1/0; dev: one replica on a ReadWriteOnce claim, which must stop before the next starts.
                assert.equal(d.spec.replicas, prod ? 2 : 1);
                assert.deepEqual(d.spec.strategy, prod ? { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } : { type: "Recreate" });
                const c = container(d);
                assert.equal(c.image, "ghcr.io/agent-platform/claude-terminal-service:1.0.0");
                assert.deepEqual(c.ports, [{ name: "http", containerPort: 3000, protocol: "TCP" }]);
                for (const probe of [c.livenessProbe, c.startupProbe]) assert.deepEqual(probe.httpGet, { path: "/health", port: "http" });
                // readiness reflects dependencies on its own endpoint (health-probes-distinct)
                assert.deepEqual(c.readinessProbe.httpGet, { path: "/ready", port: "http" });
                assert.deepEqual(
                    c.resources,
                    prod
                        ? { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1000m", memory: "1Gi" } }
                        : { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } },
                );
                const svc = find(objs(stack), "Service", "claude-terminal-service", NS);
                assert.deepEqual([svc.spec.type, svc.spec.ports[0].port, svc.spec.ports[0].targetPort], ["ClusterIP", 3000, "http"]);
            });

            it("GIVEN the session workspaces WHEN rendered THEN claude-sessions-pvc is mounted and sized (10Gi in prod), retained in prod", () => {
                const pvc = find(objs(stack), "PersistentVolumeClaim", "claude-sessions-pvc", NS);
                assert.equal(pvc.spec.resources.requests.storage, prod ? "10Gi" : "2Gi");
                assert.deepEqual(pvc.spec.accessModes, prod ? ["ReadWriteMany"] : ["ReadWriteOnce"]);
                assert.equal(pvc.spec.storageClassName, prod ? "efs-sc" : undefined);
                const pod = find(objs(stack), "Deployment", "claude-terminal-service", NS).spec.template.spec;
                assert.deepEqual(
                    pod.volumes.find((v: any) => v.name === "sessions"),
                    { name: "sessions", persistentVolumeClaim: { claimName: "claude-sessions-pvc" } },
                );
                assert.ok(
                    container({ spec: { template: { spec: pod } } }).volumeMounts.some((m: any) => m.name === "sessions" && m.mountPath === "/app/sessions"),
                );
                const rec = rendered[stack].resources.find(
                    (r) => r.inputs?.kind === "PersistentVolumeClaim" && r.inputs?.metadata?.name === "claude-sessions-pvc",
                );
                assert.ok(rec);
            });

            it("GIVEN the terminal and poller env WHEN rendered THEN config comes from claude-terminal-config and credentials by key from claude-terminal-secrets", () => {
                const terminal = container(find(objs(stack), "Deployment", "claude-terminal-service", NS));
                assert.deepEqual(terminal.envFrom, [{ configMapRef: { name: "claude-terminal-config" } }]);
                const env = envOf(terminal);
                assert.deepEqual(env.ENCRYPTION_KEY, fromSecret("ENCRYPTION_KEY"));
                assert.deepEqual(env.SERVICENOW_API_USER, fromSecret("SERVICENOW_API_USER"));
                assert.deepEqual(env.SERVICENOW_API_PASSWORD, fromSecret("SERVICENOW_API_PASSWORD"));
                assert.equal(env.MID_PASSWORD, undefined, "the terminal never sees the MID password");
                const poller = container(find(objs(stack), "Deployment", "claude-ecc-poller", NS));
                assert.deepEqual(poller.envFrom, [{ configMapRef: { name: "claude-terminal-config" } }]);
                const penv = envOf(poller);
                assert.deepEqual(penv.SERVICENOW_API_PASSWORD, fromSecret("SERVICENOW_API_PASSWORD"));
                assert.equal(penv.TERMINAL_SERVICE_URL, `http://claude-terminal-service.${NS}.svc.cluster.local:3000`);
            });

            it("GIVEN claude-terminal-config and claude-terminal-secrets WHEN rendered THEN plain settings are in the ConfigMap and every credential only in the Secret, as secrets", () => {
                const cm = find(objs(stack), "ConfigMap", "claude-terminal-config", NS);
                assert.deepEqual(Object.keys(cm.data), [
                    "MID_SERVER_NAME",
                    "MID_SERVER_NAMES",
                    "MID_SERVER_URL",
                    "PORT",
                    "SERVICENOW_INSTANCE",
                    "SESSIONS_DIR",
                ]);
                assert.equal(cm.data.SERVICENOW_INSTANCE, prod ? "acme.service-now.com" : "acme-dev.service-now.com");
                assert.equal(cm.data.MID_SERVER_NAME, midNames[0]);
                assert.equal(cm.data.MID_SERVER_NAMES, midNames.join(","));
                assert.equal(cm.data.MID_SERVER_URL, `http://servicenow-mid-server.${NS}.svc.cluster.local:8080`);
                assert.equal(cm.data.PORT, "3000");
                const secret = find(objs(stack), "Secret", "claude-terminal-secrets", NS);
                // prod: the ServiceNow passwords come from AWS Secrets Manager (secrets.source externalSecrets).
                const external = externalKeys(objs(stack), NS, "claude-terminal-secrets");
                assert.deepEqual([...Object.keys(secret.stringData), ...Object.keys(external)].sort(), [
                    "ENCRYPTION_KEY",
                    "MID_INSTANCE_URL",
                    "MID_PASSWORD",
                    "MID_USERNAME",
                    "SERVICENOW_API_PASSWORD",
                    "SERVICENOW_API_USER",
                ]);
                if (prod) {
                    assert.deepEqual(external, {
                        MID_PASSWORD: "agent-platform/prod/midPassword",
                        SERVICENOW_API_PASSWORD: "agent-platform/prod/servicenowApiPassword",
                    });
                } else {
                    assert.equal(secret.stringData.SERVICENOW_API_PASSWORD, "placeholder-servicenowApiPassword");
                    assert.equal(secret.stringData.MID_PASSWORD, "placeholder-midPassword");
                }
                assert.equal(
                    Buffer.from(secret.stringData.ENCRYPTION_KEY, "base64").length,
                    32,
                    "ENCRYPTION_KEY is 32 random bytes, base64 (seed: openssl rand -base64 32)",
                );
                assert.ok(recordOf(rendered[stack].resources, "Secret", "claude-terminal-secrets").secretPaths.includes("stringData"));
                assert.ok(rendered[stack].resources.some((r) => r.type === "random:index/randomBytes:RandomBytes" && r.inputs.length === 32));
                const secretValues = [secret.stringData.SERVICENOW_API_PASSWORD, secret.stringData.MID_PASSWORD, secret.stringData.ENCRYPTION_KEY].filter(
                    (v) => v !== undefined,
                );
                for (const o of kinds(objs(stack), "ConfigMap").concat(kinds(objs(stack), "Deployment"))) {
                    for (const v of secretValues) assert.ok(!JSON.stringify(o).includes(v), `${o.kind} ${o.metadata.name} holds a secret value`);
                }
            });

            it("GIVEN RBAC WHEN rendered THEN claude-terminal-sa may only get/list pods and services, and only the terminal pods mount its token", () => {
                find(objs(stack), "ServiceAccount", "claude-terminal-sa", NS);
                assert.deepEqual(find(objs(stack), "Role", "claude-terminal-sa", NS).rules, [
                    { apiGroups: [""], resources: ["pods", "services"], verbs: ["get", "list"] },
                ]);
                const binding = find(objs(stack), "RoleBinding", "claude-terminal-sa", NS);
                assert.deepEqual(binding.subjects, [{ kind: "ServiceAccount", name: "claude-terminal-sa", namespace: NS }]);
                assert.deepEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "claude-terminal-sa" });
                const pod = find(objs(stack), "Deployment", "claude-terminal-service", NS).spec.template;
                assert.equal(pod.spec.serviceAccountName, "claude-terminal-sa");
                assert.equal(pod.spec.automountServiceAccountToken, true);
                assert.equal(pod.metadata.annotations["agent-platform.io/uses-kube-api"], "true");
                for (const name of ["claude-ecc-poller", ...mids.map((m) => m.workload)]) {
                    assert.equal(find(objs(stack), "Deployment", name, NS).spec.template.spec.automountServiceAccountToken, false, name);
                }
                assert.equal(kinds(objs(stack), "Role").filter((r) => r.metadata.namespace === NS).length, 1);
            });

            it("GIVEN claude-ecc-poller WHEN rendered THEN it is a SingletonWorker: 1 replica, Recreate, no Service, no HPA, no PDB", () => {
                const d = find(objs(stack), "Deployment", "claude-ecc-poller", NS);
                assert.equal(d.spec.replicas, 1);
                assert.deepEqual(d.spec.strategy, { type: "Recreate" });
                assert.equal(d.metadata.labels[SINGLETON_LABEL], "true");
                assert.equal(container(d).image, "ghcr.io/agent-platform/claude-ecc-poller:1.0.0");
                assert.ok(
                    !objs(stack).some(
                        (o) => o.metadata.name === "claude-ecc-poller" && ["Service", "HorizontalPodAutoscaler", "PodDisruptionBudget"].includes(o.kind),
                    ),
                );
            });

            it(`GIVEN ${mids.length} MID server name(s) WHEN rendered THEN each is a singleton on servicenow/mid-server:yokohama pinned by digest, with its own data claim; the first keeps the seed's names`, () => {
                assert.equal(mids[0].workload, "servicenow-mid-server");
                assert.equal(mids[0].claim, "mid-server-data-pvc");
                for (const m of mids) {
                    const d = find(objs(stack), "Deployment", m.workload, NS);
                    assert.equal(d.spec.replicas, 1);
                    assert.deepEqual(d.spec.strategy, { type: "Recreate" });
                    assert.equal(d.metadata.labels[SINGLETON_LABEL], "true");
                    const c = container(d);
                    assert.match(c.image, /^servicenow\/mid-server:yokohama@sha256:[a-f0-9]{64}$/, "one build for every MID pod");
                    const env = envOf(c);
                    assert.equal(env.MID_SERVER_NAME, m.midName);
                    assert.deepEqual(env.MID_INSTANCE_URL, fromSecret("MID_INSTANCE_URL"));
                    assert.deepEqual(env.MID_INSTANCE_USERNAME, fromSecret("MID_USERNAME"));
                    assert.deepEqual(env.MID_INSTANCE_PASSWORD, fromSecret("MID_PASSWORD"));
                    assert.deepEqual(env.MID_USERNAME, fromSecret("MID_USERNAME"));
                    assert.deepEqual(env.MID_PASSWORD, fromSecret("MID_PASSWORD"));
                    assert.equal(env.MID_PROXY_HOST, undefined, "no proxy configured");
                    const pvc = find(objs(stack), "PersistentVolumeClaim", m.claim, NS);
                    assert.equal(pvc.spec.resources.requests.storage, prod ? "5Gi" : "1Gi");
                    assert.ok(d.spec.template.spec.volumes.some((v: any) => v.persistentVolumeClaim?.claimName === m.claim));
                    assert.ok(c.volumeMounts.some((vm: any) => vm.mountPath === "/opt/snc_mid_server/agent/work"));
                    const svc = find(objs(stack), "Service", m.workload, NS);
                    assert.deepEqual([svc.spec.type, svc.spec.ports[0].port], ["ClusterIP", 8080]);
                }
                if (prod) {
                    assert.equal(mids[1].workload, "servicenow-mid-server-k8s-mid-prod-02");
                    assert.equal(mids[1].claim, "mid-server-data-pvc-k8s-mid-prod-02");
                }
            });

            it("GIVEN the MID server image WHEN rendered THEN its opt-outs are explicit (uid 1001, writable root FS) and everything else stays hardened, with the image's health check as probes", () => {
                const pod = find(objs(stack), "Deployment", "servicenow-mid-server", NS).spec.template.spec;
                assert.deepEqual(
                    [pod.securityContext.runAsUser, pod.securityContext.runAsGroup, pod.securityContext.fsGroup, pod.securityContext.runAsNonRoot],
                    [1001, 1001, 1001, true],
                );
                const sc = pod.containers[0].securityContext;
                assert.deepEqual(
                    [sc.runAsUser, sc.readOnlyRootFilesystem, sc.allowPrivilegeEscalation, sc.privileged, sc.capabilities.drop, sc.seccompProfile.type],
                    [1001, false, false, false, ["ALL"], "RuntimeDefault"],
                );
                const c = pod.containers[0];
                for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe])
                    assert.deepEqual(p.exec.command, ["bash", "/opt/snc_mid_server/check_health.sh"]);
                assert.deepEqual([c.livenessProbe.periodSeconds, c.livenessProbe.timeoutSeconds, c.livenessProbe.failureThreshold], [300, 15, 3]);
                // The other workloads keep every default.
                for (const name of ["claude-terminal-service", "claude-ecc-poller"]) {
                    const csc = container(find(objs(stack), "Deployment", name, NS)).securityContext;
                    assert.deepEqual([csc.readOnlyRootFilesystem, csc.runAsNonRoot, csc.allowPrivilegeEscalation], [true, true, false], name);
                }
            });

            it("GIVEN the NetworkPolicies WHEN rendered THEN terminal -> MID servers, ServiceNow over 443, terminal -> its replicas, poller -> terminal, and MID servers only reachable from the terminal", () => {
                const terminal = find(objs(stack), "NetworkPolicy", "claude-terminal-service", NS).spec;
                assert.deepEqual(terminal.policyTypes, ["Ingress", "Egress"]);
                assert.deepEqual(
                    terminal.ingress[0].from.map((f: any) => f.podSelector.matchLabels[NAME]),
                    ["claude-terminal-service", "claude-ecc-poller", ...mids.map((m) => m.workload)],
                );
                assert.deepEqual(terminal.ingress[0].ports, [{ port: 3000, protocol: "TCP" }]);
                assert.deepEqual(terminal.egress[0], {
                    to: mids.map((m) => ({ podSelector: { matchLabels: { [NAME]: m.workload } } })),
                    ports: [{ port: 8080, protocol: "TCP" }],
                });
                assert.deepEqual(terminal.egress[1], INTERNET_443);
                assert.deepEqual(
                    terminal.egress[2].ports.map((p: any) => p.port),
                    [443, 6443],
                );
                // Replicas admit each other on ingress (seed 000), so each may also call the others.
                assert.deepEqual(terminal.egress[3], {
                    to: [{ podSelector: { matchLabels: { [NAME]: "claude-terminal-service" } } }],
                    ports: [{ port: 3000, protocol: "TCP" }],
                });
                const poller = find(objs(stack), "NetworkPolicy", "claude-ecc-poller", NS).spec;
                assert.deepEqual(poller.policyTypes, ["Egress"]);
                assert.deepEqual(poller.egress, [
                    INTERNET_443,
                    { to: [{ podSelector: { matchLabels: { [NAME]: "claude-terminal-service" } } }], ports: [{ port: 3000, protocol: "TCP" }] },
                ]);
                for (const m of mids) {
                    const mid = find(objs(stack), "NetworkPolicy", m.workload, NS).spec;
                    assert.deepEqual(mid.ingress, [
                        { from: [{ podSelector: { matchLabels: { [NAME]: "claude-terminal-service" } } }], ports: [{ port: 8080, protocol: "TCP" }] },
                    ]);
                    assert.deepEqual(mid.egress[0], INTERNET_443);
                }
            });

            it("GIVEN the stack outputs WHEN rendered THEN the system reports its namespace and in-cluster URLs", () => {
                const sys = (rendered[stack].outputs as any).outputs.terminalMid;
                assert.equal(sys.namespace, NS);
                assert.deepEqual(sys.services, {
                    "claude-terminal-service": `http://claude-terminal-service.${NS}.svc.cluster.local:3000`,
                    ...Object.fromEntries(mids.map((m) => [m.workload, `http://${m.workload}.${NS}.svc.cluster.local:8080`])),
                });
            });
        });
    }

    describe("config variants", () => {
        it("GIVEN an outbound proxy WHEN rendered THEN MID_PROXY_HOST/PORT come from the Secret and the MID servers may reach the proxy port", async () => {
            const r = await renderProgram(
                withSection("dev", (s) => {
                    s.midServer.proxy = { host: "proxy.corp.example", port: 3128 };
                }),
                "dev",
                { redact: false },
            );
            const secret = find(r.objects, "Secret", "claude-terminal-secrets", NS);
            assert.deepEqual([secret.stringData.MID_PROXY_HOST, secret.stringData.MID_PROXY_PORT], ["proxy.corp.example", "3128"]);
            const env = envOf(container(find(r.objects, "Deployment", "servicenow-mid-server", NS)));
            assert.deepEqual(env.MID_PROXY_HOST, fromSecret("MID_PROXY_HOST"));
            assert.deepEqual(env.MID_PROXY_PORT, fromSecret("MID_PROXY_PORT"));
            const np = find(r.objects, "NetworkPolicy", "servicenow-mid-server", NS).spec;
            assert.ok(np.egress.some((e: any) => e.ports?.[0]?.port === 3128));
        });

        it("GIVEN an authenticating proxy WHEN rendered THEN the username and the midProxyPassword secret reach the MID servers only through the Secret", async () => {
            const r = await renderProgram(
                withSection("dev", (s) => {
                    s.midServer.proxy = { host: "proxy.corp.example", port: 3128, username: "mid-proxy" };
                }),
                "dev",
                { redact: false },
            );
            const secret = find(r.objects, "Secret", "claude-terminal-secrets", NS);
            assert.equal(secret.stringData.MID_PROXY_USERNAME, "mid-proxy");
            assert.equal(secret.stringData.MID_PROXY_PASSWORD, "placeholder-midProxyPassword");
            const env = envOf(container(find(r.objects, "Deployment", "servicenow-mid-server", NS)));
            assert.deepEqual(env.MID_PROXY_PASSWORD, fromSecret("MID_PROXY_PASSWORD"));
            for (const cm of r.objects.filter((o) => o.kind === "ConfigMap")) assert.ok(!JSON.stringify(cm).includes("placeholder-midProxyPassword"));
        });

        it("GIVEN an authenticating proxy WHEN midProxyPassword is not set THEN the config error names the secret", () => {
            const cfg = withSection("dev", (s) => {
                s.midServer.proxy = { host: "proxy.corp.example", port: 3128, username: "mid-proxy" };
            });
            delete cfg.values[`${P}:midProxyPassword`];
            assert.match(configErrorOf(cfg).message, /agent-platform:midProxyPassword: required secret for terminalMid/);
        });

        it("GIVEN a proxy without a username WHEN midProxyPassword is not set THEN the config is valid", () => {
            const cfg = withSection("dev", (s) => {
                s.midServer.proxy = { host: "proxy.corp.example", port: 3128 };
            });
            delete cfg.values[`${P}:midProxyPassword`];
            loadPlatformConfig(cfg.values, (k) => cfg.secretKeys.includes(k));
        });

        it("GIVEN 3 terminal replicas on a ReadWriteMany sessions volume WHEN rendered THEN the terminal rolls (1/0) and the claim is RWX", async () => {
            const r = await renderProgram(
                withSection("dev", (s) => {
                    s.replicas = 3;
                    s.sessionsStorage = { size: "10Gi", accessMode: "ReadWriteMany", storageClassName: "efs" };
                }),
                "dev",
            );
            const d = find(r.objects, "Deployment", "claude-terminal-service", NS);
            assert.equal(d.spec.replicas, 3);
            assert.deepEqual(d.spec.strategy, { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
            const pvc = find(r.objects, "PersistentVolumeClaim", "claude-sessions-pvc", NS);
            assert.deepEqual([pvc.spec.accessModes, pvc.spec.storageClassName], [["ReadWriteMany"], "efs"]);
            assert.equal(find(r.objects, "PodDisruptionBudget", "claude-terminal-service", NS).spec.maxUnavailable, 1);
        });

        const bad: [string, (s: Record<string, any>) => void, RegExp][] = [
            [
                "the same MID server name twice (a second replica of one MID)",
                (s) => {
                    s.midServer.names = ["mid-a", "mid-a"];
                },
                /agent-platform:terminalMid\.midServer\.names: MID server names must be unique/,
            ],
            [
                "no MID server name",
                (s) => {
                    s.midServer.names = [];
                },
                /agent-platform:terminalMid\.midServer\.names: needs at least one MID server name/,
            ],
            [
                "a MID name too long for the workload name",
                (s) => {
                    s.midServer.names = ["mid", "m".repeat(42)];
                },
                /agent-platform:terminalMid\.midServer\.names\.1: must be at most 41 characters/,
            ],
            [
                "MID release latest",
                (s) => {
                    s.midServer.release = "latest";
                },
                /agent-platform:terminalMid\.midServer\.release: must name a release, not latest/,
            ],
            [
                "a MID digest that is not sha256",
                (s) => {
                    s.midServer.digest = "latest";
                },
                /agent-platform:terminalMid\.midServer\.digest: must be a sha256 image digest/,
            ],
            [
                "an http:// instance URL",
                (s) => {
                    s.midServer.instanceUrl = "http://acme.service-now.com";
                },
                /agent-platform:terminalMid\.midServer\.instanceUrl: must be an https:\/\/ URL/,
            ],
            [
                "an instance with a scheme",
                (s) => {
                    s.servicenowInstance = "https://acme.service-now.com";
                },
                /agent-platform:terminalMid\.servicenowInstance: must be a host name/,
            ],
            [
                "2 replicas on a ReadWriteOnce sessions claim",
                (s) => {
                    s.replicas = 2;
                },
                /agent-platform:terminalMid\.replicas: more than 1 replica \(got 2\) needs sessionsStorage\.accessMode ReadWriteMany/,
            ],
            [
                "0 replicas",
                (s) => {
                    s.replicas = 0;
                },
                /agent-platform:terminalMid\.replicas: must be >= 1/,
            ],
            [
                "image :latest",
                (s) => {
                    s.image = "ghcr.io/agent-platform/claude-terminal-service:latest";
                },
                /agent-platform:terminalMid\.image: must be pinned/,
            ],
        ];
        for (const [what, patch, message] of bad) {
            it(`GIVEN ${what} WHEN loaded THEN a ConfigError names the key`, () => {
                assert.match(configErrorOf(withSection("dev", patch)).message, message);
            });
        }

        it("GIVEN the ServiceNow passwords stored in plain text WHEN loaded THEN both keys must be set with --secret", () => {
            const cfg = onlySystem("dev");
            cfg.secretKeys = cfg.secretKeys.filter((k) => !/(servicenowApiPassword|midPassword)$/.test(k));
            const err = configErrorOf(cfg);
            assert.match(err.message, /agent-platform:servicenowApiPassword: must be stored encrypted/);
            assert.match(err.message, /agent-platform:midPassword: must be stored encrypted/);
        });
    });
});
