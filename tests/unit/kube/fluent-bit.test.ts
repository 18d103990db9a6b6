/**
 * Issue 19, logs on existing clusters: the opt-in Fluent Bit DaemonSet (components/kube/fluent-bit.ts),
 * its config switch `logging.fluentBit` and the program's wiring. The rendered objects are
 * schema-validated, hardened, least-privilege, and the pack accepts them (obs-logging sees a
 * shipper; prod's mandatory rules pass with the reasons the objects carry).
 */
import { strict as assert } from "assert";
import * as path from "path";
import {
    DEFAULT_FLUENT_BIT_IMAGE,
    FLUENT_BIT_CLUSTER_ROLE,
    FluentBit,
    FluentBitArgs,
    FluentBitOutputArgs,
    FluentBitCloudWatchOutput,
    FluentBitForwardOutput,
    FluentBitHttpOutput,
    fluentBitConf,
    fluentBitEnv,
    fluentBitNetworkPolicySpec,
    outputEgress,
} from "../../../components/kube/fluent-bit";
import { INTERNET_HTTPS } from "../../../components/kube/network";
import { evaluate, fromK8sObject } from "../../../policy/lib/harness";
import { allRules } from "../../../policy/rules/all";
import { REPO_ROOT, RenderResult, readStackConfig, renderProgram } from "../../../tools/lib/render";
import { configErrorOfRaw } from "../../helpers/config";
import { validateObjects } from "../../helpers/k8s-schema";
import { K8sObject } from "../../../tools/lib/render";
import { find, render } from "../../helpers/mocks";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";
import { DEV, PROD, checkStack } from "../policy/helpers";

const CW_OUT: FluentBitCloudWatchOutput = { region: "eu-west-1", logGroup: "/agent-platform/dev/containers", credentialsSecret: "aws-logs" };
const FORWARD_OUT: FluentBitForwardOutput = {
    host: "fluentd.logging-hub.svc",
    port: 24224,
    tls: true,
    sharedKey: { name: "forward-key", key: "shared" },
};
const HTTP_OUT: FluentBitHttpOutput = {
    host: "logs.example.com",
    port: 8443,
    uri: "/ingest",
    tls: true,
    basicAuth: { secret: "http-logs", userKey: "user", passwordKey: "password" },
    cidrs: ["203.0.113.10/32"],
};
const CW: FluentBitOutputArgs = { cloudwatchLogs: CW_OUT };
const FORWARD: FluentBitOutputArgs = { forward: FORWARD_OUT };
const HTTP: FluentBitOutputArgs = { http: HTTP_OUT };
const ARGS: FluentBitArgs = { output: CW, kubeApiCidrs: ["10.96.0.1/32"] };

const outputSection = (conf: string) => conf.slice(conf.indexOf("[OUTPUT]"));
const entry = (conf: string, key: string) => new RegExp(`^\\s+${key.replace(/\./g, "\\.")}\\s+(.+)$`, "m").exec(outputSection(conf))?.[1];

describe("kube: Fluent Bit log shipper (issue 19)", () => {
    describe("config file (pure)", () => {
        it("GIVEN cloudwatchLogs THEN it tails every container log, adds Kubernetes metadata and ships to the region's log group", () => {
            const conf = fluentBitConf(CW);
            assert.match(conf, /^\[INPUT\]\n\s+Name\s+tail\n\s+Tag\s+kube\.\*\n\s+Path\s+\/var\/log\/containers\/\*\.log$/m);
            assert.match(conf, /^\[FILTER\]\n\s+Name\s+kubernetes$/m);
            assert.deepEqual(
                [entry(conf, "Name"), entry(conf, "region"), entry(conf, "log_group_name"), entry(conf, "auto_create_group")],
                ["cloudwatch_logs", "eu-west-1", "/agent-platform/dev/containers", "Off"],
            );
        });

        it("GIVEN forward and http THEN host, port, TLS and credentials appear, the credentials only as ${VAR} references", () => {
            const fwd = fluentBitConf(FORWARD);
            assert.deepEqual(
                [entry(fwd, "Name"), entry(fwd, "Host"), entry(fwd, "Port"), entry(fwd, "tls"), entry(fwd, "Shared_Key")],
                ["forward", "fluentd.logging-hub.svc", "24224", "On", "${FLUENT_FORWARD_SHARED_KEY}"],
            );
            const http = fluentBitConf(HTTP);
            assert.deepEqual(
                [entry(http, "Name"), entry(http, "Host"), entry(http, "Port"), entry(http, "URI"), entry(http, "HTTP_User"), entry(http, "HTTP_Passwd")],
                ["http", "logs.example.com", "8443", "/ingest", "${FLUENT_HTTP_USER}", "${FLUENT_HTTP_PASSWORD}"],
            );
            assert.equal(entry(fluentBitConf({ http: { ...HTTP_OUT, tls: false, basicAuth: undefined } }), "HTTP_Passwd"), undefined);
        });

        it("GIVEN credentials THEN the env reads each from its Secret key, and the node name from the downward API", () => {
            const ref = (e: ReturnType<typeof fluentBitEnv>, name: string) => e.find((v) => v.name === name)?.valueFrom as any;
            const cw = fluentBitEnv(CW);
            assert.deepEqual(ref(cw, "AWS_SECRET_ACCESS_KEY").secretKeyRef, { name: "aws-logs", key: "AWS_SECRET_ACCESS_KEY" });
            assert.deepEqual(ref(cw, "NODE_NAME").fieldRef, { fieldPath: "spec.nodeName" });
            assert.deepEqual(ref(fluentBitEnv(HTTP), "FLUENT_HTTP_PASSWORD").secretKeyRef, { name: "http-logs", key: "password" });
            assert.deepEqual(
                fluentBitEnv({ cloudwatchLogs: { ...CW_OUT, credentialsSecret: undefined } }).map((e) => e.name),
                ["NODE_NAME"],
            );
            for (const o of [CW, FORWARD, HTTP])
                assert.ok(
                    fluentBitEnv(o).every((e) => e.value === undefined),
                    "no literal value",
                );
        });

        it("GIVEN each output THEN egress goes to its address blocks, its in-cluster namespace, or the internet on 443 for CloudWatch", () => {
            assert.deepEqual(outputEgress(CW), INTERNET_HTTPS);
            assert.deepEqual(outputEgress({ cloudwatchLogs: { ...CW_OUT, cidrs: ["10.0.5.0/24"] } }), { peers: [{ cidr: "10.0.5.0/24" }], ports: [443] });
            assert.deepEqual(outputEgress(FORWARD), { peers: [{ namespace: "logging-hub" }], ports: [24224] });
            assert.deepEqual(outputEgress(HTTP), { peers: [{ cidr: "203.0.113.10/32" }], ports: [8443] });
            assert.throws(() => outputEgress({ http: { ...HTTP_OUT, cidrs: undefined } }), /give cidrs \(a NetworkPolicy cannot name a host\)/);
        });
    });

    describe("GIVEN the component rendered under mocks", () => {
        let objects: K8sObject[];
        before(async () => {
            objects = (await render(() => new FluentBit("logging", ARGS))).objects;
        });
        const ds = () => find(objects, "DaemonSet", "fluent-bit", "logging") as any;

        it("THEN it creates exactly its stable-named objects, each valid against the Kubernetes OpenAPI schema", () => {
            assert.deepEqual(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? "_"}/${o.metadata.name}`).sort(), [
                `ClusterRole _/${FLUENT_BIT_CLUSTER_ROLE}`,
                `ClusterRoleBinding _/${FLUENT_BIT_CLUSTER_ROLE}`,
                "ConfigMap logging/fluent-bit",
                "DaemonSet logging/fluent-bit",
                "LimitRange logging/logging-limits",
                "Namespace _/logging",
                "NetworkPolicy logging/allow-dns-egress",
                "NetworkPolicy logging/default-deny-all",
                "NetworkPolicy logging/fluent-bit",
                "ResourceQuota logging/logging-quota",
                "ServiceAccount logging/fluent-bit",
            ]);
            // One pod per node at its limits, for 100 nodes (seed 002's autoscaler maximum).
            assert.deepEqual((find(objects, "ResourceQuota", "logging-quota") as any).spec.hard, {
                pods: "100",
                "requests.cpu": "5",
                "requests.memory": "6400Mi",
                "limits.cpu": "50",
                "limits.memory": "25Gi",
            });
            assert.equal(validateObjects(objects as never).validated, objects.length);
        });

        it("THEN the container is hardened: uid 0 only to read the root-owned log files, every capability dropped, no escalation, read-only root, seccomp", () => {
            const spec = ds().spec.template.spec;
            const [c] = spec.containers;
            assert.equal(c.image, DEFAULT_FLUENT_BIT_IMAGE);
            assert.deepEqual(
                {
                    user: c.securityContext.runAsUser,
                    esc: c.securityContext.allowPrivilegeEscalation,
                    priv: c.securityContext.privileged,
                    ro: c.securityContext.readOnlyRootFilesystem,
                    caps: c.securityContext.capabilities,
                    seccomp: spec.securityContext.seccompProfile,
                },
                { user: 0, esc: false, priv: false, ro: true, caps: { drop: ["ALL"] }, seccomp: { type: "RuntimeDefault" } },
            );
            assert.ok(!spec.hostNetwork && !spec.hostPID && !spec.hostIPC);
            assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory);
            assert.ok(c.livenessProbe.httpGet && c.readinessProbe.httpGet.path === "/api/v1/health");
        });

        it("THEN every hostPath is a log directory mounted read-only, and the only writable mounts are emptyDirs", () => {
            const spec = ds().spec.template.spec;
            const hostPaths = spec.volumes.filter((v: any) => v.hostPath);
            assert.deepEqual(hostPaths.map((v: any) => v.hostPath.path).sort(), ["/var/log/containers", "/var/log/pods"]);
            for (const m of spec.containers[0].volumeMounts) {
                const v = spec.volumes.find((x: any) => x.name === m.name);
                assert.ok(m.readOnly === true || v.emptyDir, `${m.name} is writable but not an emptyDir`);
            }
        });

        it("THEN RBAC only gets/lists/watches pods and namespaces, bound to its own ServiceAccount", () => {
            assert.deepEqual((find(objects, "ClusterRole", FLUENT_BIT_CLUSTER_ROLE) as any).rules, [
                { apiGroups: [""], resources: ["namespaces", "pods"], verbs: ["get", "list", "watch"] },
            ]);
            const b = find(objects, "ClusterRoleBinding", FLUENT_BIT_CLUSTER_ROLE) as any;
            assert.deepEqual(b.subjects, [{ kind: "ServiceAccount", name: "fluent-bit", namespace: "logging" }]);
            assert.equal(ds().spec.template.spec.serviceAccountName, "fluent-bit");
        });

        it("THEN its NetworkPolicy admits nothing and lets it reach only DNS, the API server and the output", () => {
            const np = find(objects, "NetworkPolicy", "fluent-bit", "logging") as any;
            assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
            assert.deepEqual(np.spec.ingress, []);
            assert.deepEqual(
                np.spec.egress.map((e: any) => [
                    e.to.map((t: any) => t.ipBlock?.cidr ?? t.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]),
                    e.ports.map((p: any) => p.port),
                ]),
                [
                    [["kube-system"], [53, 53]],
                    [["10.96.0.1/32"], [443, 6443]],
                    [["0.0.0.0/0"], [443]],
                ],
            );
            assert.deepEqual(np.spec.podSelector.matchLabels, ds().spec.selector.matchLabels);
        });

        it("THEN the ConfigMap holds the config and no secret, and a config change rolls the pods", async () => {
            const cm = find(objects, "ConfigMap", "fluent-bit", "logging") as any;
            assert.equal(cm.data["fluent-bit.conf"], fluentBitConf(CW));
            const v = await evaluate(
                allRules,
                objects.map((o) => fromK8sObject(o as never)),
                { config: PROD },
            );
            assert.deepEqual(
                v.filter((x) => x.policy === "sec-no-secret-in-configmap" || x.policy === "sec-no-literal-secret-env"),
                [],
            );
            const other = (await render(() => new FluentBit("logging", { ...ARGS, output: HTTP }))).objects;
            const hash = (os: K8sObject[]) => (find(os, "DaemonSet", "fluent-bit") as any).spec.template.metadata.annotations["agent-platform.io/config-hash"];
            assert.notEqual(hash(objects), hash(other));
        });

        it("THEN obs-logging accepts the DaemonSet as the stack's log shipper (and fails without it)", async () => {
            const workload = {
                kind: "Deployment",
                apiVersion: "apps/v1",
                metadata: { name: "w", namespace: "app" },
                spec: { template: { spec: { containers: [] } } },
            };
            const withShipper = [...objects, workload].map((o) => fromK8sObject(o as never));
            assert.deepEqual((await checkStack("obs-logging", withShipper)).messages, []);
            const without = withShipper.filter((r) => (r.props as any).kind !== "DaemonSet");
            assert.match((await checkStack("obs-logging", without)).messages[0].message, /no log shipper DaemonSet/);
        });

        it("THEN prod's pack config reports no mandatory violation: each rule a node-log reader must break carries its reason on the object", async () => {
            const prodImage = (
                await render(() => new FluentBit("logging", { ...ARGS, image: "ghcr.io/agent-platform/fluent-bit:4.0.3", enforcePodSecurity: true }))
            ).objects;
            const v = await evaluate(
                allRules,
                prodImage.map((o) => fromK8sObject(o as never)),
                { config: PROD },
            );
            assert.deepEqual(
                v.filter((x) => x.level === "mandatory").map((x) => `${x.policy}: ${x.message}`),
                [],
            );
            const exempt = Object.keys(ds().metadata.annotations ?? {}).filter((k) => k.startsWith("agent-platform.io/policy-exempt."));
            assert.ok(exempt.includes("agent-platform.io/policy-exempt.sec-no-hostpath"), exempt.join());
            const dev = await evaluate(
                allRules,
                objects.map((o) => fromK8sObject(o as never)),
                { config: DEV },
            );
            assert.deepEqual(
                dev.filter((x) => x.level === "mandatory"),
                [],
            );
        });

        it("GIVEN an empty kubeApiCidrs or a bad namespace THEN the constructor refuses with the field", () => {
            assert.throws(() => new FluentBit("x", { ...ARGS, kubeApiCidrs: [] }), /kubeApiCidrs/);
            assert.throws(() => new FluentBit("x", { ...ARGS, namespace: "Logs" }), /namespace/);
            assert.throws(() => new FluentBit("x", { ...ARGS, output: {} }), /output must set exactly one of cloudwatchLogs, forward and http/);
            assert.throws(
                () => new FluentBit("x", { ...ARGS, output: { ...CW, ...FORWARD } }),
                /output must set exactly one of cloudwatchLogs, forward and http/,
            );
            assert.deepEqual((fluentBitNetworkPolicySpec({ ...ARGS, kubeApiPorts: [6443] }).egress as any[])[1].ports, [{ port: 6443, protocol: "TCP" }]);
        });
    });

    describe("the stack switch logging.fluentBit", function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const dev = () => readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
        const withLogging = (logging: unknown) => {
            const c = dev();
            c.values["agent-platform:logging"] = JSON.stringify(logging);
            return c;
        };
        const errorOf = (logging: unknown, cluster?: unknown) => {
            const c = withLogging(logging);
            if (cluster) c.values["agent-platform:cluster"] = JSON.stringify(cluster);
            return configErrorOfRaw(c.values, (k) => c.secretKeys.includes(k)).message;
        };

        it("GIVEN bad settings THEN one config error names each key path and rule", () => {
            assert.match(
                errorOf({ fluentBit: { enabled: true } }),
                /agent-platform:logging\.fluentBit\.output: is required when logging\.fluentBit\.enabled is true/,
            );
            assert.match(
                errorOf({ fluentBit: { enabled: true, output: { type: "http", host: "logs.example.com" } } }),
                /agent-platform:logging\.fluentBit\.output\.cidrs: is required for host "logs\.example\.com"/,
            );
            assert.match(errorOf({ fluentBit: { enabled: true, output: { type: "syslog" } } }), /agent-platform:logging\.fluentBit\.output\.type/);
            assert.match(
                errorOf({ fluentBit: { enabled: true, output: { type: "cloudwatchLogs", region: "mars", logGroup: "g" } } }),
                /agent-platform:logging\.fluentBit\.output\.region: must be an AWS region/,
            );
            assert.match(
                errorOf({ fluentBit: { enabled: true, output: { type: "forward", ...FORWARD_OUT, password: "x" } } }),
                /agent-platform:logging\.fluentBit\.output.*password/,
            );
        });

        let rendered: RenderResult;
        before(async () => {
            rendered = await renderProgram(withLogging({ fluentBit: { enabled: true, output: { type: "forward", host: "fluentd.logging-hub.svc" } } }), "dev");
        });

        it("GIVEN dev with fluentBit enabled WHEN the program runs (its policy gate included) THEN the DaemonSet ships to the output, its API egress scoped to cluster.apiServerCidrs", () => {
            const np = rendered.objects.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "fluent-bit") as any;
            assert.ok(rendered.objects.some((o) => o.kind === "DaemonSet" && o.metadata.namespace === "logging" && o.metadata.name === "fluent-bit"));
            assert.deepEqual(
                np.spec.egress[1].to.map((t: any) => t.ipBlock.cidr),
                JSON.parse(dev().values["agent-platform:cluster"]).apiServerCidrs,
            );
            assert.deepEqual(np.spec.egress[2], {
                to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "logging-hub" } } }],
                ports: [{ port: 24224, protocol: "TCP" }],
            });
        });

        it("GIVEN prod (EKS, whose CloudWatch add-on ships the logs) WHEN fluentBit is enabled too THEN the config refuses the double shipping", () => {
            const prod = readStackConfig(path.join(REPO_ROOT, "Pulumi.prod.yaml"));
            prod.values["agent-platform:logging"] = JSON.stringify({ fluentBit: { enabled: true, output: { type: "cloudwatchLogs", ...CW_OUT } } });
            assert.match(
                configErrorOfRaw(prod.values, (k) => prod.secretKeys.includes(k)).message,
                /agent-platform:logging\.fluentBit\.enabled: cannot be true together with cluster\.cloudwatchObservability\.enabled/,
            );
        });

        it("GIVEN the committed stacks THEN none enables it (opt-in) and their renders hold no logging namespace", async () => {
            for (const stack of ["dev", "prod"] as const) {
                const r = await renderedStack(stack);
                assert.ok(!r.objects.some((o) => o.metadata.namespace === "logging" || (o.kind === "DaemonSet" && o.metadata.name === "fluent-bit")), stack);
            }
        });
    });
});
