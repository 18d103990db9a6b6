/**
 * The platform add-ons layer, pure parts: which objects need which add-on, the Helm values and
 * documents each add-on gets, the validation rules, and the platform-config rules tying
 * `crds.*` to `cluster.platformAddons` (prod from zero, issue 21).
 */
import { strict as assert } from "assert";
import * as path from "path";
import { ADDON_CHARTS, CAPABILITY_ADDONS, VPC_CNI_CONFIGURATION } from "../../../components/aws/defaults";
import { bucketLifecycleRules, tlsOnlyBucketPolicy } from "../../../components/aws/buckets";
import { veleroPolicy } from "../../../components/aws/iam-policies";
import { clusterAutoscalerNetworkPolicy, metricsServerNetworkPolicy, PRIVATE_RANGES } from "../../../components/aws/kube-system-policies";
import {
    acmeClusterIssuer,
    ADDON_API_GROUPS,
    ADDON_KEYS,
    addonsNeededBy,
    ingressNginxValues,
    istiodValues,
    prometheusOperatorValues,
    veleroValues,
} from "../../../components/aws/platform-addons";
import { EksClusterArgs } from "../../../components/aws/types";
import { resolveEksClusterArgs, validateEksClusterArgs } from "../../../components/aws/validation";
import { ConfigError } from "../../../components/config";
import { loadPlatformConfig } from "../../../stacks/config";
import { vpcCniEnforcesNetworkPolicies } from "../../../policy/rules/eks";
import { readStackConfig, REPO_ROOT, StackConfig } from "../../../tools/lib/render";

const { NetworkPolicy } = require("kubernetes-models/networking.k8s.io/v1/NetworkPolicy");

const P = "agent-platform";

function base(extra: Partial<EksClusterArgs> = {}): EksClusterArgs {
    return { nodeGroups: { compute: { instanceTypes: ["c7i.2xlarge"], minSize: 3, maxSize: 10 } }, ...extra };
}
/** Each issue as `<path> | <message>`. */
const messages = (args: EksClusterArgs) => validateEksClusterArgs("c", args).map((i) => `${i.path.join(".")} | ${i.message}`);

/** Pulumi.prod.yaml as the engine would hand it over, with `edit` applied to the parsed cluster/crds sections. */
function prodConfig(edit: (c: { cluster: any; crds: any; claudeCode: any; values: Record<string, string> }) => void = () => undefined): StackConfig {
    const cfg = readStackConfig(path.join(REPO_ROOT, "Pulumi.prod.yaml"));
    const values = { ...cfg.values };
    const sections = {
        cluster: JSON.parse(values[`${P}:cluster`]),
        crds: JSON.parse(values[`${P}:crds`]),
        claudeCode: JSON.parse(values[`${P}:claudeCode`]),
        values,
    };
    edit(sections);
    values[`${P}:cluster`] = JSON.stringify(sections.cluster);
    values[`${P}:crds`] = JSON.stringify(sections.crds);
    values[`${P}:claudeCode`] = JSON.stringify(sections.claudeCode);
    return { ...cfg, values };
}
function load(cfg: StackConfig) {
    return loadPlatformConfig(cfg.values, (k) => cfg.secretKeys.includes(k));
}
function configError(cfg: StackConfig): ConfigError {
    try {
        load(cfg);
    } catch (e) {
        assert.ok(e instanceof ConfigError, String(e));
        return e;
    }
    return assert.fail("config was accepted");
}

describe("aws/platform-addons: which objects wait for which add-on", () => {
    const cases: [string, string[]][] = [
        ["kubernetes:monitoring.coreos.com/v1:ServiceMonitor", ["prometheusOperator"]],
        ["kubernetes:monitoring.coreos.com/v1:PrometheusRule", ["prometheusOperator"]],
        ["kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler", ["vpa"]],
        ["kubernetes:velero.io/v1:Schedule", ["velero"]],
        ["kubernetes:cert-manager.io/v1:ClusterIssuer", ["certManager"]],
        ["kubernetes:security.istio.io/v1:PeerAuthentication", ["istio"]],
        ["kubernetes:networking.k8s.io/v1:Ingress", ["ingressNginx", "certManager"]],
        ["kubernetes:apps/v1:Deployment", ["istio"]],
        ["kubernetes:apps/v1:StatefulSet", ["istio"]],
        ["kubernetes:batch/v1:CronJob", ["istio"]],
        ["kubernetes:core/v1:Pod", ["istio"]],
        // Built-in kinds without pods wait for nothing: the add-ons never gate the namespace, its quota or its policies.
        ["kubernetes:networking.k8s.io/v1:NetworkPolicy", []],
        ["kubernetes:core/v1:Namespace", []],
        ["kubernetes:core/v1:Service", []],
        ["kubernetes:autoscaling/v2:HorizontalPodAutoscaler", []],
        ["kubernetes:helm.sh/v3:Release", []],
        ["aws:s3/bucket:Bucket", []],
    ];
    for (const [type, want] of cases) {
        it(`GIVEN ${type} THEN it waits for ${want.join(", ") || "nothing"}`, () => assert.deepEqual(addonsNeededBy(type), want));
    }

    it("GIVEN every capability of crds.* THEN an add-on serves it and that add-on owns an API group", () => {
        for (const [capability, addon] of Object.entries(CAPABILITY_ADDONS)) {
            assert.ok(ADDON_KEYS.includes(addon), capability);
            assert.ok(ADDON_API_GROUPS[addon].length > 0, `${capability} -> ${addon} serves no API group`);
        }
    });
});

describe("aws/platform-addons: values and documents", () => {
    it("GIVEN Velero values THEN credentials come from IRSA, the locations are `default` in the cluster's region, and the node agent runs", () => {
        const v = veleroValues({ bucket: "b1", region: "eu-west-1", roleArn: "arn:aws:iam::1:role/v", defaultVolumesToFsBackup: false }) as any;
        assert.deepEqual(v.credentials, { useSecret: false });
        assert.equal(v.serviceAccount.server.annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam::1:role/v");
        assert.deepEqual(v.configuration.backupStorageLocation, [
            { name: "default", provider: "aws", bucket: "b1", default: true, config: { region: "eu-west-1" } },
        ]);
        assert.deepEqual(v.configuration.volumeSnapshotLocation, [{ name: "default", provider: "aws", config: { region: "eu-west-1" } }]);
        assert.equal(v.deployNodeAgent, true);
        assert.match(v.initContainers[0].image, /^velero\/velero-plugin-for-aws:v1\.13\.\d+$/);
    });

    it("GIVEN the Velero IAM policy THEN objects are limited to its bucket and only snapshot calls run on *", () => {
        const doc = veleroPolicy("aws", "b1");
        const byId = Object.fromEntries(doc.Statement.map((s) => [s.Sid, s]));
        assert.equal(byId.BackupObjects.Resource, "arn:aws:s3:::b1/*");
        assert.equal(byId.BackupBucket.Resource, "arn:aws:s3:::b1");
        assert.ok((byId.VolumeSnapshots.Action as string[]).every((a) => a.startsWith("ec2:")));
        assert.ok(!doc.Statement.some((s) => s.Action === "*" || (Array.isArray(s.Action) && s.Action.some((a) => a.endsWith(":*")))));
    });

    it("GIVEN Prometheus values THEN every ServiceMonitor, PodMonitor and rule is selected and Grafana (public default password) is off", () => {
        const p = prometheusOperatorValues("prod", "gp3") as any;
        const spec = p.prometheus.prometheusSpec;
        assert.equal(spec.serviceMonitorSelectorNilUsesHelmValues, false);
        assert.equal(spec.podMonitorSelectorNilUsesHelmValues, false);
        assert.equal(spec.ruleSelectorNilUsesHelmValues, false);
        assert.equal(spec.replicas, 2);
        assert.equal(spec.storageSpec.volumeClaimTemplate.spec.storageClassName, "gp3");
        assert.equal(p.crds.enabled, true);
        assert.equal(p.grafana.enabled, false);
    });

    it("GIVEN istiod values THEN the CNI node agent and native sidecars are on", () => {
        const v = istiodValues("prod") as any;
        assert.equal(v.pilot.cni.enabled, true);
        assert.equal(v.pilot.env.ENABLE_NATIVE_SIDECARS, "true");
    });

    it("GIVEN ingress-nginx values THEN class nginx sits behind an NLB, internal only when asked", () => {
        const pub = ingressNginxValues("prod", "internet-facing") as any;
        assert.equal(pub.controller.ingressClassResource.name, "nginx");
        assert.equal(pub.controller.service.annotations["service.beta.kubernetes.io/aws-load-balancer-type"], "nlb");
        assert.equal(pub.controller.service.annotations["service.beta.kubernetes.io/aws-load-balancer-internal"], undefined);
        const internal = ingressNginxValues("prod", "internal") as any;
        assert.equal(internal.controller.service.annotations["service.beta.kubernetes.io/aws-load-balancer-internal"], "true");
    });

    it("GIVEN the ACME issuer THEN it is the named ClusterIssuer solving HTTP-01 through class nginx", () => {
        const i = acmeClusterIssuer({ name: "letsencrypt-prod", email: "ops@example.com", server: "https://acme.example/dir" }) as any;
        assert.equal(i.kind, "ClusterIssuer");
        assert.equal(i.metadata.name, "letsencrypt-prod");
        assert.equal(i.spec.acme.email, "ops@example.com");
        assert.deepEqual(i.spec.acme.solvers, [{ http01: { ingress: { ingressClassName: "nginx" } } }]);
    });

    it("GIVEN a bucket THEN old versions and stale uploads expire, current objects only with expirationDays, and non-TLS requests are denied", () => {
        const [keep] = bucketLifecycleRules({ name: "b", noncurrentVersionDays: 30 });
        assert.deepEqual(keep.noncurrentVersionExpiration, { noncurrentDays: 30 });
        assert.equal(keep.expiration, undefined);
        assert.ok(keep.abortIncompleteMultipartUpload);
        const [expire] = bucketLifecycleRules({ name: "b", noncurrentVersionDays: 30, expirationDays: 35 });
        assert.deepEqual(expire.expiration, { days: 35 });
        const tls = tlsOnlyBucketPolicy("arn:aws:s3:::b").Statement[0];
        assert.equal(tls.Effect, "Deny");
        assert.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.deepEqual(tls.Resource, ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]);
    });

    it("GIVEN the vpc-cni configuration THEN the pack's rule reads it as enforcing", () => {
        assert.equal(vpcCniEnforcesNetworkPolicies(JSON.stringify(VPC_CNI_CONFIGURATION)), true);
        assert.equal(vpcCniEnforcesNetworkPolicies(undefined), false);
        assert.equal(vpcCniEnforcesNetworkPolicies("{not json"), false);
        assert.equal(vpcCniEnforcesNetworkPolicies(JSON.stringify({ enableNetworkPolicy: "false" })), false);
    });
});

describe("aws/kube-system-policies", () => {
    const scope = { apiServerCidrs: ["10.40.0.0/16", "172.20.0.0/16"], vpcCidr: "10.40.0.0/16" };

    it("GIVEN cluster-autoscaler THEN only monitoring reaches it (8085) and it reaches the API server and public AWS endpoints on 443, never other private networks", () => {
        const np = clusterAutoscalerNetworkPolicy(scope) as any;
        new NetworkPolicy(np).validate();
        assert.deepEqual(np.spec.podSelector, { matchLabels: { "app.kubernetes.io/name": "cluster-autoscaler" } });
        assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"]);
        assert.deepEqual(np.spec.ingress, [
            { from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "monitoring" } } }], ports: [{ protocol: "TCP", port: 8085 }] },
        ]);
        const internet = np.spec.egress.find((e: any) => e.to[0].ipBlock?.cidr === "0.0.0.0/0");
        assert.deepEqual(internet.to[0].ipBlock.except, PRIVATE_RANGES);
        assert.deepEqual(internet.ports, [{ protocol: "TCP", port: 443 }]);
        assert.deepEqual(
            np.spec.egress[0].to.map((t: any) => t.ipBlock.cidr),
            scope.apiServerCidrs,
        );
    });

    it("GIVEN metrics-server THEN only the VPC (the API server's ENIs) reaches its port, and it reaches kubelets and the API server", () => {
        const np = metricsServerNetworkPolicy(scope) as any;
        new NetworkPolicy(np).validate();
        assert.deepEqual(np.spec.podSelector, { matchLabels: { "k8s-app": "metrics-server" } });
        assert.deepEqual(np.spec.ingress, [{ from: [{ ipBlock: { cidr: "10.40.0.0/16" } }], ports: [{ protocol: "TCP", port: 10250 }] }]);
        const ports = np.spec.egress.map((e: any) => e.ports.map((p: any) => p.port).join("/"));
        assert.deepEqual(ports, ["10250", "443", "53/53"]);
        assert.ok(!JSON.stringify(np.spec).includes("0.0.0.0/0"));
    });
});

describe("aws/validation: platformAddons and buckets", () => {
    it("GIVEN every add-on installed with its settings THEN it is valid and resolves to the pinned charts", () => {
        const args = base({
            platformAddons: {
                prometheusOperator: {},
                vpa: { mode: "install" },
                velero: { bucket: "velero-b1", defaultVolumesToFsBackup: true },
                certManager: { acmeEmail: "ops@example.com" },
                istio: {},
                ingressNginx: { scheme: "internal" },
            },
            buckets: { "dumps-b1": { expirationDays: 35 } },
        });
        assert.deepEqual(messages(args), []);
        const r = resolveEksClusterArgs("c", args);
        assert.deepEqual(r.platformAddons.prometheusOperator, { mode: "install", version: ADDON_CHARTS.prometheusOperator.version });
        assert.deepEqual(r.platformAddons.velero, {
            mode: "install",
            version: ADDON_CHARTS.velero.version,
            bucket: "velero-b1",
            noncurrentVersionDays: 30,
            defaultVolumesToFsBackup: true,
        });
        assert.deepEqual(r.platformAddons.certManager, {
            mode: "install",
            acmeEmail: "ops@example.com",
            issuerName: "letsencrypt-prod",
            acmeServer: "https://acme-v02.api.letsencrypt.org/directory",
        });
        assert.deepEqual(r.platformAddons.ingressNginx, { mode: "install", version: ADDON_CHARTS.ingressNginx.version, scheme: "internal" });
        assert.deepEqual(r.buckets, [{ name: "dumps-b1", expirationDays: 35, noncurrentVersionDays: 30 }]);
    });

    const bad: [string, Partial<EksClusterArgs>, RegExp][] = [
        ["Velero installed without a bucket", { platformAddons: { velero: {} } }, /^platformAddons\.velero\.bucket \| .*required with mode "install"/],
        ["a Velero bucket that is no S3 name", { platformAddons: { velero: { bucket: "Bad_Bucket" } } }, /^platformAddons\.velero\.bucket \| .*S3 bucket name/],
        [
            "the Velero bucket also under buckets",
            { platformAddons: { velero: { bucket: "b-one" } }, buckets: { "b-one": {} } },
            /^buckets\.b-one \| .*list it in one place only/,
        ],
        [
            "an external add-on with install settings",
            { platformAddons: { velero: { mode: "external", bucket: "b-one" } } },
            /^platformAddons\.velero\.bucket \| .*only applies with mode "install"/,
        ],
        [
            "an external add-on with a version",
            { platformAddons: { vpa: { mode: "external", version: "1.0.0" } } },
            /^platformAddons\.vpa\.version \| .*only applies with mode "install"/,
        ],
        ["an unknown mode", { platformAddons: { vpa: { mode: "maybe" as never } } }, /^platformAddons\.vpa\.mode \| .*must be "install" or "external"/],
        ["a floating chart version", { platformAddons: { vpa: { version: "4.x" } } }, /^platformAddons\.vpa\.version \| .*must be an exact version/],
        ["cert-manager without an ACME e-mail", { platformAddons: { certManager: {} } }, /^platformAddons\.certManager\.acmeEmail \| .*required/],
        [
            "an issuer name that is no DNS name",
            { platformAddons: { certManager: { acmeEmail: "a@b.io", issuerName: "Lets_Encrypt" } } },
            /^platformAddons\.certManager\.issuerName \| .*must be a DNS-1123 subdomain/,
        ],
        ["Istio installed without its CNI", { platformAddons: { istio: { cni: false } } }, /^platformAddons\.istio\.cni \| .*cannot be false/],
        ["a bucket without expiry days", { buckets: { "b-one": { expirationDays: 0 } } }, /^buckets\.b-one\.expirationDays \| .*must be an integer >= 1/],
        ["a bucket name that is no S3 name", { buckets: { B: {} } }, /^buckets\.B \| .*buckets key must be an S3 bucket name/],
        [
            "an existing VPC CIDR that is no CIDR",
            { vpc: { existing: { vpcId: "vpc-1", privateSubnetIds: ["s1", "s2"], cidr: "10.0.0.0" } } },
            /^vpc\.existing\.cidr \| vpc\.existing\.cidr: /,
        ],
    ];
    for (const [what, extra, pattern] of bad) {
        it(`GIVEN ${what} THEN one issue names the field and the rule`, () => {
            const m = messages(base(extra));
            assert.equal(m.length, 1, m.join("\n"));
            assert.match(m[0], pattern);
        });
    }
});

describe("config: crds, add-ons and the cluster's CNI (Pulumi.prod.yaml)", () => {
    it("GIVEN Pulumi.prod.yaml THEN it loads and every declared capability has an installed add-on", () => {
        const cfg = load(prodConfig());
        assert.equal(cfg.cluster.provider, "eks");
        const addons = (cfg.cluster as any).platformAddons;
        // customMetrics is the one capability no add-on installs yet: prod runs prometheus-adapter externally (README `crds`).
        const external = Object.keys(cfg.crds).filter((c) => !(c in CAPABILITY_ADDONS));
        assert.deepEqual(external, ["customMetrics"]);
        for (const [capability, on] of Object.entries(cfg.crds)) {
            if (on && !external.includes(capability)) assert.equal(addons[(CAPABILITY_ADDONS as any)[capability]]?.mode, "install", capability);
        }
        assert.ok(addons.ingressNginx);
    });

    it("GIVEN prod declaring crds.velero with no Velero add-on entry THEN loading fails with one error naming crds.velero and the way out", () => {
        const err = configError(
            prodConfig((c) => {
                delete c.cluster.platformAddons.velero;
            }),
        );
        assert.equal(err.issues.length, 1, err.message);
        assert.match(
            err.issues[0],
            /^agent-platform:crds\.velero: is declared present, but cluster\.platformAddons\.velero neither installs it nor marks it external/,
        );
    });

    it("GIVEN the same add-on marked external THEN it loads (someone else runs Velero)", () => {
        load(
            prodConfig((c) => {
                c.cluster.platformAddons.velero = { mode: "external" };
            }),
        );
    });

    it("GIVEN the mesh on in prod with an external Istio not known to run its CNI THEN loading fails naming platformAddons.istio.cni", () => {
        const err = configError(
            prodConfig((c) => {
                c.cluster.platformAddons.istio = { mode: "external" };
            }),
        );
        assert.equal(err.issues.length, 1, err.message);
        assert.match(err.issues[0], /^agent-platform:cluster\.platformAddons\.istio\.cni: must be true with the mesh on in prod/);
        load(
            prodConfig((c) => {
                c.cluster.platformAddons.istio = { mode: "external", cni: true };
            }),
        );
    });

    it("GIVEN a system naming another ClusterIssuer than the one cert-manager gets THEN loading fails naming the system's key", () => {
        const err = configError(
            prodConfig((c) => {
                c.claudeCode.clusterIssuer = "letsencrypt-staging";
            }),
        );
        assert.equal(err.issues.length, 1, err.message);
        assert.match(
            err.issues[0],
            /^agent-platform:claudeCode\.clusterIssuer: names ClusterIssuer "letsencrypt-staging", but cluster\.platformAddons\.certManager creates "letsencrypt-prod"/,
        );
    });

    it("GIVEN an existing prod cluster whose CNI does not enforce NetworkPolicies THEN loading fails naming cluster.networkPolicies; enforced or unset loads", () => {
        const existing = (networkPolicies?: string) =>
            prodConfig((c) => {
                c.cluster = { provider: "existing", ...(networkPolicies ? { networkPolicies } : {}) };
                c.crds = {};
                // Without the External Secrets Operator's CRDs the secure values come from stack config.
                c.values[`${P}:secrets`] = JSON.stringify({ source: "config" });
                c.claudeCode.serviceMesh = false;
                c.claudeCode.backup.destination.s3.roleArn = "arn:aws:iam::111122223333:role/postgres-backup";
            });
        const err = configError(existing("not-enforced"));
        assert.equal(err.issues.length, 1, err.message);
        assert.match(err.issues[0], /^agent-platform:cluster\.networkPolicies: is "not-enforced": prod relies on NetworkPolicies/);
        load(existing("enforced"));
        load(existing());
    });
});
