/**
 * The pack config schema (policy/lib/config.ts): known rules, known levels, typed knobs,
 * exemptions with reasons. A typo is an error naming the key, in policy:check and in the
 * CrossGuard pack alike; and policy:check refuses two documents for one object.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configProblems, PackConfigError } from "../../../policy/lib/config";
import { fromK8sObject, runResourcePolicy } from "../../../policy/lib/harness";
import { InputError, loadPackConfig, loadResources } from "../../../policy/lib/load";
import { allRules } from "../../../policy/rules/all";
import { main } from "../../../tools/policy-check";
import { compliantObjects } from "../../../policy/examples/compliant";
import { POLICY_DIR, rule } from "./helpers";

const SCHEMAS = allRules.map((r) => ({ ...r.schema, enforcementLevel: r.policy.enforcementLevel }));
const problems = (c: unknown) => configProblems(c, SCHEMAS).map((p) => `${p.path}: ${p.message}`);

describe("policy pack config schema", () => {
    it("GIVEN the shipped dev.json and prod.json THEN both are valid", () => {
        for (const env of ["dev", "prod"]) loadPackConfig(path.join(POLICY_DIR, "config", `${env}.json`));
    });

    const bad: [string, unknown, RegExp][] = [
        ["an unknown level for all", { all: "super-mandatory" }, /^all: must be one of advisory, mandatory, remediate, disabled, got "super-mandatory"$/],
        ["an unknown level for a rule", { "sec-no-privileged": { enforcementLevel: "strict" } }, /^sec-no-privileged\.enforcementLevel: must be one of/],
        ["a misspelt rule", { "sec-no-privilegd": "mandatory" }, /^sec-no-privilegd: unknown rule \(did you mean sec-no-privileged\?\)/],
        ["a misspelt knob", { "avail-min-replicas": { minReplica: 2 } }, /^avail-min-replicas\.minReplica: unknown setting \(did you mean minReplicas\?\)/],
        [
            "the old exemptNames list",
            { "obs-metrics": { exemptNames: ["a/b"] } },
            /^obs-metrics\.exemptNames: unknown setting \(exemptions are \[\{name, reason, expires\?\}\]/,
        ],
        ["a knob of the wrong type", { "avail-min-replicas": { minReplicas: "2" } }, /^avail-min-replicas\.minReplicas: must be an integer, got string "2"$/],
        [
            "a list knob holding a number",
            { "hyg-namespace": { forbiddenNamespaces: ["default", 7] } },
            /^hyg-namespace\.forbiddenNamespaces\[1\]: must be a string, got integer$/,
        ],
        ["an out-of-range knob", { "avail-hpa-sane": { minReplicas: 0 } }, /^avail-hpa-sane\.minReplicas: must be >= 1, got 0$/],
        ["an unknown PSA level", { "hyg-namespace-pss": { level: "strict" } }, /^hyg-namespace-pss\.level: must be one of privileged, baseline, restricted/],
        [
            "an exemption without a reason",
            { "obs-metrics": { exemptions: [{ name: "a/b" }] } },
            /^obs-metrics\.exemptions\[0\]\.reason: required: an exemption states why/,
        ],
        [
            "an exemption with an empty reason",
            { "obs-metrics": { exemptions: [{ name: "a/b", reason: "  " }] } },
            /^obs-metrics\.exemptions\[0\]\.reason: required/,
        ],
        [
            "an exemption as a bare string",
            { "obs-metrics": { exemptions: ["a/b"] } },
            /^obs-metrics\.exemptions\[0\]: must be \{name, reason, expires\?\}, got string$/,
        ],
        [
            "an exemption expiring on no real day",
            { "obs-metrics": { exemptions: [{ name: "a/b", reason: "r", expires: "2025-02-30" }] } },
            /^obs-metrics\.exemptions\[0\]\.expires: must be a date YYYY-MM-DD/,
        ],
        [
            "a misspelt exemption field",
            { "obs-metrics": { exemptions: [{ name: "a/b", reason: "r", expiry: "2026-01-01" }] } },
            /^obs-metrics\.exemptions\[0\]\.expiry: unknown field \(did you mean expires\?\)/,
        ],
        ["a rule disabled without a reason", { "res-qos-guaranteed": "disabled" }, /^res-qos-guaranteed\.reason: required when a rule is disabled/],
        [
            "an enabled registry allow-list with no registry",
            { "img-registry-allowlist": { enforcementLevel: "mandatory", allowedRegistries: [] } },
            /^img-registry-allowlist\.allowedRegistries: is empty while the rule is enabled/,
        ],
        [
            "all mandatory, which turns on the empty allow-list",
            { all: "mandatory" },
            /^img-registry-allowlist\.allowedRegistries: is empty while the rule is enabled/,
        ],
        ["a top-level array", [], /^\(root\): must be a JSON object/],
    ];
    for (const [title, config, re] of bad) {
        it(`GIVEN ${title} WHEN validated THEN one problem names the key`, () => {
            const ps = problems(config);
            assert.strictEqual(ps.length, 1, ps.join("\n"));
            assert.match(ps[0], re);
        });
    }

    it("GIVEN a disabled rule with a reason and an exemption with a reason and a date THEN they are valid", () => {
        assert.deepStrictEqual(
            problems({
                "res-qos-guaranteed": { enforcementLevel: "disabled", reason: "burstable by design" },
                "obs-metrics": { exemptions: [{ name: "a/b", reason: "no endpoint", expires: "2026-12-31" }] },
            }),
            [],
        );
    });

    describe("GIVEN policy:check --config", () => {
        let dir: string;
        beforeEach(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
        });
        afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
        const run = async (args: string[]) => {
            let out = "";
            let err = "";
            const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
            return { code, out, err };
        };
        it("WHEN the config has a typo THEN it exits 2 naming the key, and checks nothing", async () => {
            fs.writeFileSync(path.join(dir, "cfg.json"), JSON.stringify({ all: "super-mandatory", "sec-no-privilegd": "mandatory" }));
            fs.writeFileSync(path.join(dir, "ok.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\n");
            const r = await run([path.join(dir, "ok.yaml"), "--config", path.join(dir, "cfg.json")]);
            assert.strictEqual(r.code, 2);
            assert.strictEqual(r.out, "");
            assert.match(r.err, /invalid policy pack config .*cfg\.json \(2 problems\)/);
            assert.match(r.err, /- all: must be one of advisory, mandatory, remediate, disabled, got "super-mandatory"/);
            assert.match(r.err, /- sec-no-privilegd: unknown rule \(did you mean sec-no-privileged\?\)/);
        });
    });

    describe("GIVEN the CrossGuard pack", () => {
        it("WHEN the engine hands a policy a misspelt knob THEN evaluating it throws PackConfigError naming rule and key", async () => {
            const p = rule("sec-readonly-rootfs").policy as ResourceValidationPolicy;
            const res = fromK8sObject(compliantObjects().find((o) => o.kind === "Deployment")!);
            await assert.rejects(
                runResourcePolicy(p, res, { exemptNames: ["a/b"] }),
                (e: unknown) => e instanceof PackConfigError && /sec-readonly-rootfs\.exemptNames: unknown setting/.test(e.message),
            );
            await assert.rejects(runResourcePolicy(p, res, { exemptions: [{ name: "a/b" }] }), /sec-readonly-rootfs\.exemptions\[0\]\.reason: required/);
        });
        it("WHEN an enabled allow-list reaches the pack empty THEN evaluating it throws instead of approving nothing silently", async () => {
            const p = rule("img-registry-allowlist").policy as ResourceValidationPolicy;
            const res = fromK8sObject(compliantObjects().find((o) => o.kind === "Deployment")!);
            await assert.rejects(
                runResourcePolicy(p, res, { allowedRegistries: [] }),
                /img-registry-allowlist\.allowedRegistries: is empty while the rule is enabled/,
            );
        });
    });
});

describe("policy:check input: one object, once", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-dups-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
    const deployment = (privileged: boolean) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: agents}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      hostNetwork: ${privileged}
      containers: [{name: api, image: "x:1", securityContext: {privileged: ${privileged}}}]
`;

    it("GIVEN a compliant Deployment followed by the same Deployment made privileged in one file WHEN loaded THEN it is an error naming both documents", () => {
        fs.writeFileSync(path.join(dir, "a.yaml"), `${deployment(false)}---\n${deployment(true)}`);
        assert.throws(
            () => loadResources([path.join(dir, "a.yaml")]),
            (e: unknown) =>
                e instanceof InputError &&
                /^Deployment\/agents\/api is defined twice \(.*a\.yaml#1 and .*a\.yaml#2\); kubectl would apply both and the last one wins$/.test(
                    (e as Error).message,
                ),
        );
    });

    it("GIVEN the same object in two files, or under another apiVersion of its group WHEN loaded THEN it is an error", () => {
        fs.writeFileSync(path.join(dir, "a.yaml"), deployment(false));
        fs.writeFileSync(path.join(dir, "b.yaml"), deployment(true).replace("apps/v1", "apps/v1beta2"));
        assert.throws(() => loadResources([dir]), /Deployment\/agents\/api is defined twice/);
    });

    it("GIVEN one file named twice (and inside a named directory) WHEN loaded THEN it is read once, with a note", () => {
        fs.writeFileSync(path.join(dir, "a.yaml"), deployment(false));
        const notes: string[] = [];
        const rs = loadResources([path.join(dir, "a.yaml"), dir], (m) => notes.push(m));
        assert.strictEqual(rs.length, 1);
        assert.ok(
            notes.some((n) => /the same file as .*a\.yaml; read once/.test(n)),
            notes.join("\n"),
        );
    });

    it("GIVEN policy:check on the two-document file THEN it exits 2 without a mandatory-free pass", async () => {
        fs.writeFileSync(path.join(dir, "a.yaml"), `${deployment(false)}---\n${deployment(true)}`);
        let err = "";
        let out = "";
        const code = await main([dir, "--config", path.join(POLICY_DIR, "config", "prod.json")], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
        assert.strictEqual(code, 2);
        assert.strictEqual(out, "");
        assert.match(err, /is defined twice/);
    });
});
