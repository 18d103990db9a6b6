/**
 * Prod from zero (issue 21), on the rendered prod stack under mocks with the dependencies the
 * engine would receive: enforced NetworkPolicies (vpc-cni), the add-ons layer installed before
 * the systems, the buckets, the mesh Pod Security admits, and the pack's CNI rule.
 * Not exercised here (no AWS, no network): that the charts install, that the EKS add-ons reach
 * ACTIVE, that the NLB and the ACME challenge work.
 */
import { strict as assert } from "assert";
import { ADDON_CHARTS } from "../../../components/aws/defaults";
import { ADDON_API_GROUPS, ADDON_KEYS, AddonKey } from "../../../components/aws/platform-addons";
import { evaluate, InputResource, urnFor } from "../../../policy/lib/harness";
import { eksRules } from "../../../policy/rules/eks";
import { RENDER_TIMEOUT_MS } from "../../helpers/stacks";
import { Registered, renderWithDependencies } from "./dependencies";
import { PROD } from "../policy/helpers";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const ADDON = "aws:eks/addon:Addon";

describe("aws: prod from zero (Pulumi.prod.yaml under mocks, with dependencies)", function () {
    this.timeout(RENDER_TIMEOUT_MS);
    let all: Registered[] = [];
    const of = (type: string) => all.filter((r) => r.type === type);
    const release = (name: string) => {
        const r = of(RELEASE).find((x) => x.inputs.name === name);
        assert.ok(r, `no Helm release ${name}`);
        return r!;
    };
    const kube = () => all.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm.sh"));
    const id = (r: Registered) => `${r.type.split(":").pop()} ${r.inputs.metadata?.namespace ?? "_cluster"}/${r.inputs.metadata?.name}`;

    before(async () => {
        all = await renderWithDependencies("prod");
    });

    describe("enforced NetworkPolicies", () => {
        it("THEN the vpc-cni add-on turns on its network policy agent", () => {
            const cni = of(ADDON).filter((a) => a.inputs.addonName === "vpc-cni");
            assert.equal(cni.length, 1);
            assert.deepEqual(JSON.parse(cni[0].inputs.configurationValues), { enableNetworkPolicy: "true" });
        });

        it("THEN the pack's eks-network-policy-enforced passes on today's render and fails on yesterday's (vpc-cni without configurationValues)", async () => {
            const resources = (strip: boolean): InputResource[] =>
                all
                    .filter((r) => r.custom && (r.type.startsWith("aws:") || r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy"))
                    .map((r) => {
                        const props = JSON.parse(JSON.stringify(r.inputs));
                        if (strip && r.type === ADDON && props.addonName === "vpc-cni") delete props.configurationValues;
                        return { type: r.type, name: r.name, props, urn: urnFor(r.type, r.name) };
                    });
            const rule = eksRules.filter((r) => r.policy.name === "eks-network-policy-enforced");
            assert.deepEqual(await evaluate(rule, resources(false), { config: PROD }), []);
            const yesterday = await evaluate(rule, resources(true), { config: PROD });
            assert.deepEqual(
                yesterday.map((v) => [v.policy, v.level]),
                [["eks-network-policy-enforced", "mandatory"]],
            );
            assert.match(yesterday[0].message, /NetworkPolicies are declared, but the vpc-cni add-on does not set enableNetworkPolicy/);
        });

        it("THEN cluster-autoscaler and metrics-server in kube-system each have their own NetworkPolicy scoped to the VPC and Service CIDRs", () => {
            const nps = kube().filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy" && r.inputs.metadata.namespace === "kube-system");
            assert.deepEqual(nps.map((n) => n.inputs.metadata.name).sort(), ["cluster-autoscaler", "metrics-server"]);
            const ms = nps.find((n) => n.inputs.metadata.name === "metrics-server")!.inputs;
            assert.deepEqual(ms.spec.ingress[0].from, [{ ipBlock: { cidr: "10.40.0.0/16" } }]);
            const ca = nps.find((n) => n.inputs.metadata.name === "cluster-autoscaler")!.inputs;
            assert.deepEqual(
                ca.spec.egress[0].to.map((t: any) => t.ipBlock.cidr),
                ["10.40.0.0/16", "172.20.0.0/16"],
            );
            // The workloads they protect are the ones rendered.
            const selects = (np: any, w: any) => Object.entries(np.spec.podSelector.matchLabels).every(([k, v]) => w.spec.template.metadata.labels[k] === v);
            for (const np of nps) {
                const w = kube().find((r) => r.type === "kubernetes:apps/v1:Deployment" && r.inputs.metadata.name === np.inputs.metadata.name)!;
                assert.ok(selects(np.inputs, w.inputs), np.inputs.metadata.name);
            }
        });
    });

    describe("the add-ons layer", () => {
        it("THEN Prometheus Operator, VPA, Velero, Istio (base, CNI, istiod), ingress-nginx and the External Secrets Operator are pinned Helm releases from their repositories", () => {
            const want: Record<string, keyof typeof ADDON_CHARTS> = {
                "kube-prometheus-stack": "prometheusOperator",
                vpa: "vpa",
                velero: "velero",
                "istio-base": "istioBase",
                "istio-cni": "istioCni",
                istiod: "istiod",
                "ingress-nginx": "ingressNginx",
                "external-secrets": "externalSecrets",
            };
            assert.deepEqual(
                of(RELEASE)
                    .map((r) => r.inputs.name)
                    .sort(),
                Object.keys(want).sort(),
            );
            for (const [name, key] of Object.entries(want)) {
                const r = release(name).inputs;
                const chart = ADDON_CHARTS[key];
                assert.deepEqual([r.chart, r.version, r.repositoryOpts.repo, r.namespace], [chart.chart, chart.version, chart.repo, chart.namespace], name);
                assert.match(r.version, /^\d+\.\d+\.\d+$/, `${name} is not pinned`);
            }
        });

        it("THEN cert-manager is the EKS community add-on and the ClusterIssuer letsencrypt-prod waits for it", () => {
            const cm = of(ADDON).find((a) => a.inputs.addonName === "cert-manager")!;
            assert.ok(cm);
            const issuer = kube().find((r) => r.type === "kubernetes:cert-manager.io/v1:ClusterIssuer")!;
            assert.equal(issuer.inputs.metadata.name, "letsencrypt-prod");
            assert.equal(issuer.inputs.spec.acme.server, "https://acme-v02.api.letsencrypt.org/directory");
            assert.ok(issuer.dependencies.includes(cm.urn));
        });

        it("THEN every add-on waits for the nodes (an add-on on a cluster without nodes never becomes ready)", () => {
            const nodeGroups = of("aws:eks/nodeGroup:NodeGroup").map((n) => n.urn);
            assert.ok(nodeGroups.length > 0);
            for (const r of [...of(RELEASE), ...of(ADDON).filter((a) => a.inputs.addonName === "cert-manager")]) {
                for (const ng of nodeGroups) assert.ok(r.dependencies.includes(ng), `${r.name} does not wait for ${ng}`);
            }
        });

        it("THEN Velero gets its bucket and an IRSA role bound to velero/velero-server, and its release waits for both", () => {
            const v = release("velero");
            assert.equal(v.inputs.values.configuration.backupStorageLocation[0].bucket, "agent-platform-prod-velero");
            assert.equal(v.inputs.values.configuration.backupStorageLocation[0].config.region, "us-east-1");
            const roleArn = v.inputs.values.serviceAccount.server.annotations["eks.amazonaws.com/role-arn"];
            const role = of("aws:iam/role:Role").find((r) => roleArn.endsWith(`/${r.name}`))!;
            assert.ok(role, `no role for ${roleArn}`);
            assert.match(JSON.stringify(JSON.parse(role.inputs.assumeRolePolicy)), /system:serviceaccount:velero:velero-server/);
            const bucket = of("aws:s3/bucket:Bucket").find((b) => b.inputs.bucket === "agent-platform-prod-velero")!;
            assert.ok(v.dependencies.includes(bucket.urn) && v.dependencies.includes(role.urn));
        });

        it("THEN the istio charts install in order: base, then the CNI node agent, then istiod", () => {
            assert.ok(release("istio-cni").dependencies.includes(release("istio-base").urn));
            const istiod = release("istiod");
            assert.ok(istiod.dependencies.includes(release("istio-base").urn) && istiod.dependencies.includes(release("istio-cni").urn));
        });
    });

    describe("buckets", () => {
        for (const name of ["claude-code-backups", "agent-platform-prod-velero"]) {
            it(`THEN ${name} is created versioned, encrypted, private, TLS-only, with a lifecycle rule, and never force-emptied`, () => {
                const b = of("aws:s3/bucket:Bucket").find((x) => x.inputs.bucket === name)!;
                assert.ok(b, `no bucket ${name}`);
                assert.equal(b.inputs.forceDestroy, false);
                const on = (type: string) => of(type).filter((x) => x.name.startsWith(`${b.name}-`));
                assert.equal(on("aws:s3/bucketVersioning:BucketVersioning")[0].inputs.versioningConfiguration.status, "Enabled");
                assert.equal(
                    on("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")[0].inputs.rules[0]
                        .applyServerSideEncryptionByDefault.sseAlgorithm,
                    "AES256",
                );
                const pab = on("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")[0].inputs;
                assert.deepEqual([pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets], [true, true, true, true]);
                const rules = on("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration")[0].inputs.rules;
                assert.equal(rules[0].status, "Enabled");
                assert.ok(rules[0].noncurrentVersionExpiration.noncurrentDays > 0);
                assert.match(on("aws:s3/bucketPolicy:BucketPolicy")[0].inputs.policy, /aws:SecureTransport/);
                assert.equal(on("aws:s3/bucketOwnershipControls:BucketOwnershipControls")[0].inputs.rule.objectOwnership, "BucketOwnerEnforced");
            });
        }

        it("THEN the Postgres dumps expire after 35 days and the IRSA role of the backup job writes to that bucket", () => {
            const b = of("aws:s3/bucket:Bucket").find((x) => x.inputs.bucket === "claude-code-backups")!;
            const rules = of("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").find((x) => x.name.startsWith(`${b.name}-`))!.inputs.rules;
            assert.deepEqual(rules[0].expiration, { days: 35 });
            const policy = of("aws:iam/rolePolicy:RolePolicy")
                .map((p) => String(p.inputs.policy))
                .find((p) => p.includes("arn:aws:s3:::claude-code-backups"));
            assert.ok(policy, "no role policy grants the backup bucket");
        });
    });

    describe("ordering: nothing is created before the add-on it needs", () => {
        const readyOf = (k: AddonKey): string[] => {
            switch (k) {
                case "prometheusOperator":
                    return [release("kube-prometheus-stack").urn];
                case "vpa":
                    return [release("vpa").urn];
                case "velero":
                    return [release("velero").urn];
                case "ingressNginx":
                    return [release("ingress-nginx").urn];
                case "istio":
                    return [release("istiod").urn];
                case "certManager":
                    return [of(ADDON).find((a) => a.inputs.addonName === "cert-manager")!.urn];
                case "externalSecrets":
                    return [release("external-secrets").urn];
            }
        };
        const groupOf = (type: string) => /^kubernetes:([^/]+)\//.exec(type)?.[1] ?? "";

        it("THEN every CRD-backed object of the systems depends on the add-on serving its API group", () => {
            const crdBacked = kube().filter(
                (r) => ADDON_KEYS.some((k) => ADDON_API_GROUPS[k].includes(groupOf(r.type))) && r.type !== "kubernetes:cert-manager.io/v1:ClusterIssuer",
            );
            const kinds = new Set(crdBacked.map((r) => r.type.split(":").pop()));
            for (const k of ["ServiceMonitor", "Schedule", "PeerAuthentication", "VerticalPodAutoscaler"])
                assert.ok(kinds.has(k), `the prod render has no ${k}`);
            const missing: string[] = [];
            for (const r of crdBacked) {
                const addon = ADDON_KEYS.find((k) => ADDON_API_GROUPS[k].includes(groupOf(r.type)))!;
                for (const urn of readyOf(addon)) if (!r.dependencies.includes(urn)) missing.push(`${id(r)} does not wait for ${addon}`);
            }
            assert.deepEqual(missing, []);
        });

        it("THEN every Ingress waits for ingress-nginx and cert-manager, and every workload for istiod (its injector must exist first)", () => {
            const missing: string[] = [];
            const ingresses = kube().filter((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress");
            assert.ok(ingresses.length > 0);
            for (const r of ingresses)
                for (const k of ["ingressNginx", "certManager"] as AddonKey[])
                    for (const urn of readyOf(k)) if (!r.dependencies.includes(urn)) missing.push(`${id(r)} -> ${k}`);
            const workloads = kube().filter((r) => /:(Deployment|StatefulSet|CronJob|Job)$/.test(r.type) && r.inputs.metadata.namespace !== "kube-system");
            assert.ok(workloads.length > 10);
            for (const r of workloads) if (!r.dependencies.includes(readyOf("istio")[0])) missing.push(`${id(r)} -> istio`);
            assert.deepEqual(missing, []);
        });

        it("THEN objects that need no add-on do not wait for one (namespaces, quotas and NetworkPolicies come first)", () => {
            const addonUrns = new Set(ADDON_KEYS.flatMap(readyOf));
            const free = kube().filter((r) => /:(Namespace|NetworkPolicy|ResourceQuota|ConfigMap)$/.test(r.type));
            assert.ok(free.length > 10);
            for (const r of free) assert.ok(!r.dependencies.some((d) => addonUrns.has(d)), `${id(r)} waits for an add-on`);
        });
    });

    describe("the mesh that Pod Security admits", () => {
        it("THEN Istio runs its CNI node agent with native sidecars, and no pod in a restricted namespace has an init container needing capabilities", () => {
            const istiod = release("istiod").inputs.values;
            assert.equal(istiod.pilot.cni.enabled, true);
            assert.equal(istiod.pilot.env.ENABLE_NATIVE_SIDECARS, "true");
            const restricted = new Set(
                kube()
                    .filter(
                        (r) => r.type === "kubernetes:core/v1:Namespace" && r.inputs.metadata.labels?.["pod-security.kubernetes.io/enforce"] === "restricted",
                    )
                    .map((r) => r.inputs.metadata.name),
            );
            assert.ok(restricted.has("claude-code"), "claude-code is not restricted");
            const meshed = kube().find((r) => r.type === "kubernetes:core/v1:Namespace" && r.inputs.metadata.name === "claude-code")!;
            assert.equal(meshed.inputs.metadata.labels["istio-injection"], "enabled");
            const offenders: string[] = [];
            for (const r of kube().filter((x) => restricted.has(x.inputs.metadata?.namespace))) {
                const spec = r.inputs.spec?.template?.spec ?? r.inputs.spec?.jobTemplate?.spec?.template?.spec;
                for (const c of spec?.initContainers ?? []) {
                    const sc = c.securityContext ?? {};
                    if ((sc.capabilities?.add ?? []).length || sc.privileged || sc.runAsUser === 0) offenders.push(`${id(r)}: ${c.name}`);
                }
            }
            assert.deepEqual(offenders, []);
        });
    });

    describe("the mesh and the peers outside it (ingress controller, Prometheus)", () => {
        const UNMESHED = ["ingress-nginx", "monitoring"];
        const inMesh = (type: string) => kube().filter((r) => r.type === type && r.inputs.metadata?.namespace === "claude-code");
        const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort());

        it("THEN every port a NetworkPolicy opens to an un-meshed namespace is port-level PERMISSIVE for exactly those pods, and nothing else is", () => {
            // What the NetworkPolicies let the un-meshed peers reach: selector -> ports.
            const reached = new Map<string, Set<number>>();
            for (const np of inMesh("kubernetes:networking.k8s.io/v1:NetworkPolicy")) {
                // cert-manager starts its HTTP-01 solver pods with `sidecar.istio.io/inject: "false"`: outside the mesh, they take plaintext as they are.
                if (np.inputs.spec.podSelector.matchLabels?.["acme.cert-manager.io/http01-solver"] === "true") continue;
                for (const rule of np.inputs.spec.ingress ?? []) {
                    const fromUnmeshed = (rule.from ?? []).some((f: any) =>
                        UNMESHED.includes(f.namespaceSelector?.matchLabels?.["kubernetes.io/metadata.name"]),
                    );
                    if (!fromUnmeshed) continue;
                    const k = key(np.inputs.spec.podSelector.matchLabels);
                    for (const p of rule.ports) reached.set(k, new Set([...(reached.get(k) ?? []), p.port]));
                }
            }
            assert.ok(reached.size >= 7, `expected the agents, the dashboard and both exporters, got ${reached.size}`);
            const pas = inMesh("kubernetes:security.istio.io/v1:PeerAuthentication");
            const ns = pas.filter((p) => !p.inputs.spec.selector);
            assert.deepEqual(
                ns.map((p) => [p.inputs.metadata.name, p.inputs.spec]),
                [["default", { mtls: { mode: "STRICT" } }]],
            );
            const permissive = new Map<string, Set<number>>();
            for (const pa of pas.filter((p) => p.inputs.spec.selector)) {
                assert.equal(pa.inputs.spec.mtls.mode, "STRICT", pa.inputs.metadata.name);
                const ports = Object.entries(pa.inputs.spec.portLevelMtls)
                    .filter(([, v]: [string, any]) => v.mode === "PERMISSIVE")
                    .map(([p]) => Number(p));
                permissive.set(key(pa.inputs.spec.selector.matchLabels), new Set(ports));
            }
            const sorted = (m: Map<string, Set<number>>) => [...m].map(([k, v]) => [k, [...v].sort()]).sort();
            assert.deepEqual(sorted(permissive), sorted(reached));
        });

        it("THEN the agents' /metrics port and the Ingress backends' ports are among them", () => {
            const pa = (w: string) =>
                inMesh("kubernetes:security.istio.io/v1:PeerAuthentication").find((p) => p.inputs.metadata.name === `${w}-plaintext-ports`)?.inputs.spec;
            assert.deepEqual(pa("worker-agent"), {
                selector: { matchLabels: { "app.kubernetes.io/name": "worker-agent" } },
                mtls: { mode: "STRICT" },
                portLevelMtls: { 3000: { mode: "PERMISSIVE" } },
            });
            assert.deepEqual(Object.keys(pa("dashboard-frontend").portLevelMtls), ["6011"]);
            assert.deepEqual(Object.keys(pa("dashboard-backend").portLevelMtls), ["4005"]);
            assert.deepEqual(Object.keys(pa("redis").portLevelMtls), ["9121"]);
            assert.deepEqual(Object.keys(pa("postgres").portLevelMtls), ["9187"]);
        });
    });

    describe("data that survives: single-replica stores", () => {
        const stores = () =>
            of("kubernetes:apps/v1:StatefulSet").filter((r) => r.inputs.spec.template.spec.containers.some((c: any) => /^(redis|postgres)$/.test(c.name)));
        const bytes = (q: string) => Number(/^(\d+)(Mi|Gi)$/.exec(q)![1]) * (q.endsWith("Gi") ? 1024 : 1);

        it("THEN every single-replica Redis and Postgres is kept from the cluster autoscaler's evictions", () => {
            const all1 = stores().filter((r) => (r.inputs.spec.replicas ?? 1) === 1);
            assert.ok(all1.length >= 3, `only ${all1.length} single-replica stores`);
            assert.deepEqual(
                all1.filter((r) => r.inputs.spec.template.metadata.annotations?.["cluster-autoscaler.kubernetes.io/safe-to-evict"] !== "false").map(id),
                [],
            );
        });

        it("THEN every Redis caps its data (maxmemory) below its container's memory limit", () => {
            const redis = stores().filter((r) => r.inputs.spec.template.spec.containers.some((c: any) => c.name === "redis"));
            assert.ok(redis.length >= 2);
            for (const r of redis) {
                const limitMi = bytes(r.inputs.spec.template.spec.containers.find((c: any) => c.name === "redis").resources.limits.memory);
                const cm = kube().find(
                    (x) =>
                        x.type === "kubernetes:core/v1:ConfigMap" &&
                        x.inputs.metadata.namespace === r.inputs.metadata.namespace &&
                        x.inputs.metadata.name === `${r.inputs.metadata.name}-config`,
                )!;
                const m = /^maxmemory (\d+)mb$/m.exec(cm.inputs.data["redis.conf"]);
                assert.ok(m, `${id(r)}: no maxmemory`);
                assert.ok(Number(m![1]) < limitMi && Number(m![1]) >= limitMi / 2, `${id(r)}: maxmemory ${m![1]}mb for a ${limitMi}Mi limit`);
            }
        });
    });

    describe("timeouts that match the probes", () => {
        const WORKLOADS = ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"];
        // Worst case for a probe to pass, recomputed here from the rendered probe (Kubernetes' defaults for unset fields).
        const worst = (p: any) => (p ? (p.initialDelaySeconds ?? 0) + (p.periodSeconds ?? 10) * (p.failureThreshold ?? 3) + (p.timeoutSeconds ?? 1) : 0);
        const startToReady = (r: Registered) =>
            Math.max(...r.inputs.spec.template.spec.containers.map((c: any) => worst(c.startupProbe) + worst(c.readinessProbe)));
        const minutes = (d: string | undefined) => (d ? Number(/^(\d+)m$/.exec(d)![1]) : 0);

        it("THEN the MID server (30-minute startup probe) waits longer than its probes allow, and its progress deadline too", () => {
            const mid = of("kubernetes:apps/v1:Deployment").filter((r) => r.inputs.metadata.name === "servicenow-mid-server");
            assert.equal(mid.length, 1);
            assert.ok(startToReady(mid[0]) > 30 * 60, "the MID startup probe allows 30 minutes");
            assert.ok(minutes(mid[0].customTimeouts?.create) * 60 > startToReady(mid[0]), `create ${mid[0].customTimeouts?.create}`);
            assert.ok(minutes(mid[0].customTimeouts?.update) * 60 > startToReady(mid[0]), `update ${mid[0].customTimeouts?.update}`);
            assert.ok(mid[0].inputs.spec.progressDeadlineSeconds > startToReady(mid[0]));
        });

        it("THEN every Deployment and StatefulSet whose probes can outlast Pulumi's 10-minute await gets a create timeout beyond them; the others keep the default", () => {
            const workloads = all.filter((r) => WORKLOADS.includes(r.type));
            assert.ok(workloads.length > 20);
            const wrong = workloads.flatMap((r) => {
                const budget = startToReady(r);
                const create = minutes(r.customTimeouts?.create) * 60;
                if (budget > 600 && create <= budget) return [`${id(r)}: probes ${budget}s, create timeout ${r.customTimeouts?.create || "default"}`];
                if (r.type.endsWith("Deployment") && budget > 600 && !(r.inputs.spec.progressDeadlineSeconds > budget)) return [`${id(r)}: progress deadline`];
                if (budget <= 300 && create > 0 && r.inputs.spec.podManagementPolicy !== "OrderedReady")
                    return [`${id(r)}: fast probes but create timeout ${r.customTimeouts?.create}`];
                return [];
            });
            assert.deepEqual(wrong, []);
        });

        it("THEN the autoscaled worker pool (100 pods, one surge pod at a time) gets an update timeout for its whole rollout", () => {
            const worker = of("kubernetes:apps/v1:Deployment").find((r) => r.inputs.metadata.name === "worker-agent")!;
            assert.deepEqual(worker.inputs.spec.strategy.rollingUpdate, { maxSurge: 1, maxUnavailable: 0 });
            assert.ok(minutes(worker.customTimeouts?.update) * 60 >= 100 * startToReady(worker), `update ${worker.customTimeouts?.update}`);
        });
    });
});
