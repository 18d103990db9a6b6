/** The hand-built args and the engine semantics policy:check reproduces. */
import * as assert from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as aws from "@pulumi/aws";
import { enforcementLevelOf, evaluate, fromK8sObject, NotApplicableError, policyKnobs, resourceArgs, stackArgs } from "../../../policy/lib/harness";
import { configSchemaOf } from "../../../policy/lib/rule";
import { typeToken } from "../../../policy/lib/k8s";
import { allRules } from "../../../policy/rules/all";
import { compliantStack, compliantTags } from "../../../policy/examples/compliant";
import { checkResource, DEV, find, PROD, rule } from "./helpers";

describe("policy harness", () => {
    it("GIVEN Kubernetes objects WHEN mapped to type tokens THEN the core group is `core` and others keep their group", () => {
        assert.strictEqual(typeToken({ apiVersion: "v1", kind: "Service" }), "kubernetes:core/v1:Service");
        assert.strictEqual(typeToken({ apiVersion: "apps/v1", kind: "Deployment" }), "kubernetes:apps/v1:Deployment");
        assert.strictEqual(typeToken({ apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy" }), "kubernetes:networking.k8s.io/v1:NetworkPolicy");
        assert.strictEqual(typeToken({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor" }), "kubernetes:monitoring.coreos.com/v1:ServiceMonitor");
    });

    it("GIVEN resource args WHEN isType is asked about real resource classes THEN it answers by type token", () => {
        const args = resourceArgs(fromK8sObject({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "a", namespace: "n" } }));
        assert.strictEqual(args.isType(k8s.apps.v1.Deployment), true);
        assert.strictEqual(args.isType(k8s.core.v1.Service), false);
        assert.ok(args.asType(k8s.apps.v1.Deployment));
        const eks = resourceArgs({ type: "aws:eks/cluster:Cluster", name: "c", props: {} });
        assert.strictEqual(eks.isType(aws.eks.Cluster), true);
        assert.strictEqual(eks.isType(aws.eks.NodeGroup), false);
        assert.strictEqual(stackArgs([{ type: "aws:kms/key:Key", name: "k", props: {} }]).resources[0].isType(aws.kms.Key), true);
    });

    it("GIVEN a policy that does not inspect a type WHEN run THEN it throws notApplicable (recorded, not a violation)", async () => {
        const o = await checkResource("sec-no-privileged", find(compliantStack(), "Service/agents/api"));
        assert.deepStrictEqual(o.messages, []);
        assert.match(o.notApplicable ?? "", /sec-no-privileged does not inspect kubernetes:core\/v1:Service/);
        assert.throws(() => resourceArgs({ type: "x", name: "y", props: {} }).notApplicable("why"), NotApplicableError);
    });

    it("GIVEN config files WHEN levels are resolved THEN per-policy beats `all` beats the policy default", () => {
        const p = { name: "x", enforcementLevel: "advisory" as const };
        assert.strictEqual(enforcementLevelOf(p, {}), "advisory");
        assert.strictEqual(enforcementLevelOf(p, { all: "mandatory" }), "mandatory");
        assert.strictEqual(enforcementLevelOf(p, { all: "mandatory", x: { enforcementLevel: "disabled" } }), "disabled");
        assert.strictEqual(enforcementLevelOf(p, { x: "remediate" }), "remediate");
        assert.deepStrictEqual(policyKnobs("x", { x: { enforcementLevel: "mandatory", minReplicas: 3 } }), { minReplicas: 3 });
    });

    it("GIVEN prod.json and dev.json THEN they configure exactly the pack's policies with valid knobs", () => {
        const names = allRules.map((r) => r.policy.name).sort();
        for (const cfg of [PROD, DEV]) {
            assert.deepStrictEqual(Object.keys(cfg).sort(), names);
            for (const [name, c] of Object.entries(cfg)) {
                const schema = rule(name).policy.configSchema?.properties ?? {};
                for (const knob of Object.keys(policyKnobs(name, { [name]: c }))) assert.ok(knob in schema, `${name}: unknown knob ${knob}`);
            }
        }
    });

    it("GIVEN prod.json THEN security, data-safety and checklist rules are mandatory; GIVEN dev.json THEN only unsafe-pod and data rules are", () => {
        const level = (cfg: typeof PROD, n: string) => (cfg[n] as { enforcementLevel: string }).enforcementLevel;
        for (const n of [
            "sec-run-as-non-root",
            "sec-readonly-rootfs",
            "res-memory",
            "health-startup",
            "avail-hpa-present",
            "net-policy-coverage",
            "stor-backup",
            "stor-data-retained",
            "eks-imdsv2",
            "rbac-no-cluster-admin",
        ]) {
            assert.strictEqual(level(PROD, n), "mandatory", n);
        }
        const devMandatory = Object.keys(DEV)
            .filter((n) => level(DEV, n) === "mandatory")
            .sort();
        assert.deepStrictEqual(devMandatory, [
            "avail-raft-pdb",
            "avail-raft-quorum",
            "avail-singleton",
            "avail-singleton-exempt",
            "hyg-deprecated-api",
            // Services skip their own await (components/kube/service-await.ts): a selector that
            // matches no pods is caught here, before up, on every stack.
            "net-dangling-refs",
            "net-selector-match",
            "sec-no-dangerous-caps",
            "sec-no-host-namespaces",
            "sec-no-host-process",
            "sec-no-hostpath",
            "sec-no-privileged",
            "sec-proc-mount",
            "stor-persistent-state",
        ]);
    });

    it("GIVEN every policy THEN it has a kebab-case name, description, severity, remediation text and knob descriptions with defaults", () => {
        for (const r of allRules) {
            const p = r.policy;
            assert.match(p.name, /^[a-z0-9]+(-[a-z0-9]+)*$/);
            assert.ok(p.description.length > 20 && p.remediationSteps && p.remediationSteps.length > 10 && p.severity, p.name);
            for (const [k, s] of Object.entries(p.configSchema?.properties ?? {})) {
                assert.ok(typeof s === "object" && s.description && s.default !== undefined, `${p.name}.${k}`);
            }
        }
        assert.strictEqual(configSchemaOf(undefined, undefined), undefined);
    });

    it("GIVEN the compliant stack with one privileged container WHEN evaluated under prod THEN exactly that mandatory violation is reported", async () => {
        const stack = compliantStack();
        find(stack, "Deployment/agents/api").props.spec.template.spec.containers[0].securityContext.privileged = true;
        const v = await evaluate(allRules, stack, { config: PROD, stackTags: compliantTags() });
        assert.deepStrictEqual(
            v.map((x) => [x.policy, x.level, x.resource]),
            [["sec-no-privileged", "mandatory", "Deployment/agents/api"]],
        );
    });
});
