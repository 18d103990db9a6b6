/**
 * No bypass: the program judges every resource with the pack's resource rules at the levels of
 * policy/config/<environment>.json before registering it (stacks/policy-gate.ts), so a
 * `pulumi up` without `--policy-pack` still refuses a mandatory violation.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import * as YAML from "yaml";
import { PolicyGateError, gateRefusals } from "../../../policy/lib/gate";
import { fromK8sObject } from "../../../policy/lib/harness";
import { allRules } from "../../../policy/rules/all";
import { policyGate } from "../../../stacks/policy-gate";
import { runUnderMocks } from "../../../tools/lib/mock-runtime";
import { REPO_ROOT, readStackConfig, renderProgram } from "../../../tools/lib/render";
import { compliantObjects } from "../../../policy/examples/compliant";
import { PROD } from "../policy/helpers";

/** A component carrying the gate, as stacks/index.ts gives it to the systems. */
class Gated extends pulumi.ComponentResource {
    constructor(name: string, build: (parent: pulumi.Resource) => void, environment = "prod") {
        super("test:index:Gated", name, {}, { transformations: [policyGate(environment)] });
        build(this);
        this.registerOutputs({});
    }
}

const api = () => compliantObjects().find((o) => o.kind === "Deployment" && o.metadata?.name === "api")!;

describe("policy gate in the program (no bypass without --policy-pack)", function () {
    this.timeout(120_000);

    it("GIVEN a privileged Deployment next to a compliant one WHEN the program runs THEN it fails naming the rule and the privileged one is never registered", async () => {
        const bad = api();
        bad.metadata!.name = "api-privileged";
        bad.spec.template.spec.containers[0].securityContext.privileged = true;
        const registered: string[] = [];
        const recorder = (name: string) => registered.push(name);
        await assert.rejects(
            runUnderMocks(() => {
                new Gated("g", (parent) => {
                    const ok = new k8s.apps.v1.Deployment("ok", api() as never, { parent });
                    ok.urn.apply(() => recorder("ok"));
                    const no = new k8s.apps.v1.Deployment("privileged", bad as never, { parent });
                    no.urn.apply(() => recorder("privileged"));
                });
            }),
            (e: unknown) =>
                e instanceof PolicyGateError &&
                /^policy gate \(policy\/config\/prod\.json\) refuses to deploy:\n {2}\[mandatory\] sec-no-privileged: Deployment agents\/api-privileged: container "api" sets securityContext\.privileged: true \(fix: /.test(
                    (e as Error).message,
                ) &&
                !/Deployment agents\/api:/.test((e as Error).message),
        );
        assert.deepEqual(registered, ["ok"], "only the compliant Deployment reached the engine");
    });

    it("GIVEN a violation of a rule that is advisory in that environment WHEN the program runs THEN the gate lets it through", async () => {
        const o = api();
        delete o.spec.template.spec.containers[0].livenessProbe; // health-liveness: mandatory in prod, advisory in dev
        const run = await runUnderMocks(() => {
            new Gated(
                "g",
                (parent) => {
                    new k8s.apps.v1.Deployment("d", o as never, { parent });
                },
                "dev",
            );
        });
        assert.ok(run.resources.some((r) => r.type === "kubernetes:apps/v1:Deployment"));
        await assert.rejects(
            runUnderMocks(() => {
                new Gated(
                    "g",
                    (parent) => {
                        new k8s.apps.v1.Deployment("d", o as never, { parent });
                    },
                    "prod",
                );
            }),
            /\[mandatory\] health-liveness/,
        );
    });

    it("GIVEN gated inputs WHEN registered THEN values and secrecy are what they are without the gate", async () => {
        const o = api();
        o.spec.template.spec.containers[0].env.push({ name: "API_TOKEN", value: pulumi.secret("hunter2") as never });
        const plain = await runUnderMocks(() => {
            new k8s.apps.v1.Deployment("d", o as never);
        });
        const run = await runUnderMocks(() => {
            new Gated(
                "g",
                (parent) => {
                    new k8s.apps.v1.Deployment("d", o as never, { parent });
                },
                "dev",
            );
        });
        const [before, after] = [plain, run].map((r) => r.resources.find((x) => x.type === "kubernetes:apps/v1:Deployment")!);
        assert.deepEqual(after.inputs, before.inputs);
        assert.deepEqual(after.secretPaths, before.secretPaths);
        assert.ok(after.secretPaths.length > 0 && !after.secretPaths.includes("metadata"), after.secretPaths.join(", "));
    });

    it("GIVEN inputs still unknown (preview) WHEN judged THEN a rule that needs them waits, the others judge what is known", async () => {
        const UNKNOWN = Symbol("unknown");
        const o = api() as Record<string, any>;
        o.spec.template.spec.containers[0].securityContext.privileged = true;
        o.spec.template.spec.containers[0].image = UNKNOWN; // e.g. an image tag computed from another resource
        const skipped: string[] = [];
        const refusals = await gateRefusals(allRules, PROD, fromK8sObject(o as never), { isUnknown: (v) => v === UNKNOWN, skipped: (r) => skipped.push(r) });
        assert.deepEqual(
            refusals.map((r) => r.rule),
            ["sec-no-privileged"],
        );
        assert.ok(skipped.includes("img-tag-pinned") && skipped.includes("img-registry-allowlist"), skipped.join(", "));
    });

    it("GIVEN the dev stack with a config variant the schema allows (ushadow backend given an emptyDir at /data) WHEN rendered THEN the program refuses with stor-persistent-state", async () => {
        const config = readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
        const optionsFile = path.join(REPO_ROOT, "examples/compose/ushadow/options.yaml");
        const options = YAML.parseDocument(fs.readFileSync(optionsFile, "utf8"));
        options.setIn(["services", "backend", "writablePaths"], ["/data"]);
        // Config files must stay inside the project (agent-platform:ushadow.filesRoot): a scratch
        // directory under the git-ignored rendered/.
        fs.mkdirSync(path.join(REPO_ROOT, "rendered"), { recursive: true });
        const dir = fs.mkdtempSync(path.join(REPO_ROOT, "rendered", ".gate-test-"));
        try {
            const file = path.join(dir, "options.yaml");
            fs.writeFileSync(file, String(options));
            const ushadow = JSON.parse(config.values["agent-platform:ushadow"]);
            config.values["agent-platform:ushadow"] = JSON.stringify({ ...ushadow, optionsFile: path.relative(REPO_ROOT, file) });
            await assert.rejects(
                renderProgram(config, "dev"),
                /\[mandatory\] stor-persistent-state: Deployment ushadow\/backend: container "backend" mounts non-persistent volume "writable-1" at data path \/data/,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
