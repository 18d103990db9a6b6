/** Every seed checklist item maps to rules that exist, and a broken manifest for it is caught. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluate } from "../../../policy/lib/harness";
import { CHECKLIST, CHECKLIST_BEGIN, CHECKLIST_END, Proof, checklistTable, proofLabel } from "../../../policy/checklist";
import { anchorsOf } from "../../../policy/lib/docs";
import { RenderResult } from "../../../tools/lib/render";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";
import { allRules } from "../../../policy/rules/all";
import { compliantStack, compliantTags } from "../../../policy/examples/compliant";
import { find, POLICY_DIR, PROD } from "./helpers";
import { resourceCases, stackCases } from "../../../policy/examples/cases";
import { fromK8sObject } from "../../../policy/lib/harness";
import { clone, parseK8sType } from "../../../policy/lib/k8s";

const SEEDS = path.resolve(__dirname, "../../../../shared/seeds");

function seedChecklistItems(): { seed: string; item: string }[] {
    if (!fs.existsSync(SEEDS)) return [];
    return fs
        .readdirSync(SEEDS)
        .filter((f) => f.endsWith(".txt"))
        .sort()
        .flatMap((f) =>
            fs
                .readFileSync(path.join(SEEDS, f), "utf8")
                .split("\n")
                .filter((l) => /^- \[ \] /.test(l))
                .map((l) => ({ seed: f.slice(0, 3), item: l.replace(/^- \[ \] /, "").trim() })),
        );
}

const level = (name: string) => (PROD[name] as { enforcementLevel: string }).enforcementLevel;

describe("seed production checklists", () => {
    it("GIVEN the seeds WHEN their checklist items are read THEN each is mapped in policy/checklist.ts", function () {
        const items = seedChecklistItems();
        if (items.length === 0) this.skip();
        const mapped = new Set(CHECKLIST.map((c) => `${c.seed}:${c.item}`));
        assert.deepStrictEqual(
            items.filter((i) => !mapped.has(`${i.seed}:${i.item}`)),
            [],
        );
    });

    it("GIVEN the checklist map THEN every item names at least one existing rule and the README lists each item", () => {
        const names = new Set(allRules.map((r) => r.policy.name));
        const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
        for (const c of CHECKLIST) {
            assert.ok(c.rules.length > 0, c.item);
            for (const r of c.rules) assert.ok(names.has(r), `${c.item} -> ${r}`);
            assert.ok(readme.includes(c.item), `README lacks "${c.item}"`);
        }
    });

    it("GIVEN a non-process checklist item THEN at least one of its rules is mandatory in prod", () => {
        for (const c of CHECKLIST.filter((x) => !x.proxy))
            assert.ok(
                c.rules.some((r) => level(r) === "mandatory"),
                c.item,
            );
    });

    describe("GIVEN a deliberately broken manifest per checklist item", () => {
        for (const c of CHECKLIST) {
            it(`WHEN "${c.item}" (seed ${c.seed}) is broken THEN policy:check reports a mapped rule naming the resource`, async () => {
                const rc =
                    resourceCases.find((x) => c.rules.includes(x.policy) && !x.config && typeof x.fixture === "string" && level(x.policy) === "mandatory") ??
                    resourceCases.find((x) => c.rules.includes(x.policy) && !x.config && typeof x.fixture === "string");
                const sc =
                    stackCases.find((x) => c.rules.includes(x.policy) && level(x.policy) === "mandatory") ?? stackCases.find((x) => c.rules.includes(x.policy));
                let stack = compliantStack();
                let tags = compliantTags();
                let policy: string;
                if (rc && (level(rc.policy) === "mandatory" || !sc || level(sc.policy) !== "mandatory")) {
                    const base = find(stack, rc.fixture as string);
                    const props = clone(base.props);
                    rc.mutate(props);
                    stack = stack.map((r) => (r === base ? (parseK8sType(base.type) ? fromK8sObject(props) : { ...base, props }) : r));
                    policy = rc.policy;
                } else {
                    stack = sc!.mutate(stack) ?? stack;
                    tags = sc!.tags ?? tags;
                    policy = sc!.policy;
                }
                const v = await evaluate(allRules, stack, { config: PROD, stackTags: tags });
                const hit = v.find((x) => x.policy === policy);
                assert.ok(hit, `${policy} did not fire; got ${JSON.stringify(v)}`);
                assert.match(hit.message, /^(stack|\S+ \S+)/);
                if (!c.proxy) assert.strictEqual(hit.level, "mandatory", `${c.item}: ${policy} is ${hit.level}`);
            });
        }
    });
});

describe("policy README", () => {
    it("GIVEN the README THEN it documents every policy and the pack's load command", () => {
        const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
        for (const r of allRules) assert.ok(readme.includes(`\`${r.policy.name}\``), r.policy.name);
        assert.ok(readme.includes("pulumi preview --policy-pack policy --policy-pack-config policy/config/prod.json"));
    });
});

describe("policy README: the seed checklist table (generated)", function () {
    this.timeout(RENDER_TIMEOUT_MS);
    const readme = () => fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
    /** Whether the prod render holds the resource a checklist row names. */
    const proves = (r: RenderResult, p: Proof): boolean =>
        p.kind.includes(":")
            ? r.cloudResources.some((c) => {
                  const i = (c.inputs ?? {}) as Record<string, unknown>;
                  return c.type === p.kind && [c.name, i.name, i.addonName, i.ecrRepositoryPrefix, i.bucket].includes(p.name);
              })
            : r.objects.some((o) => o.kind === p.kind && o.metadata.name === p.name && o.metadata.namespace === p.namespace);

    it("GIVEN the README THEN its checklist table is exactly the generated one (npm run policy:check -- --checklist-table)", () => {
        const text = readme();
        const b = text.indexOf(CHECKLIST_BEGIN);
        const e = text.indexOf(CHECKLIST_END);
        assert.ok(b >= 0 && e > b, "policy/README.md lacks the checklist-table markers");
        assert.strictEqual(
            text.slice(b + CHECKLIST_BEGIN.length, e).trim(),
            checklistTable(),
            "stale: paste the output of npm run policy:check -- --checklist-table",
        );
    });

    it("GIVEN every mapped rule id THEN the rule exists and the README has its anchor", () => {
        const names = new Set(allRules.map((r) => r.policy.name));
        const anchors = anchorsOf(readme());
        const bad = CHECKLIST.flatMap((c) => c.rules.filter((r) => !names.has(r) || !anchors.has(r)).map((r) => `${c.seed} ${c.item}: ${r}`));
        assert.deepStrictEqual(bad, []);
        assert.match(checklistTable([{ seed: "9", item: "x", rules: ["no-such-rule"] }]), /\[`no-such-rule`\]\(#no-such-rule\)/);
    });

    it("GIVEN every proof THEN the prod render holds that resource (and a made-up one is not found)", async () => {
        const prod = await renderedStack("prod");
        const missing = CHECKLIST.flatMap((c) => (c.proof ?? []).filter((p) => !proves(prod, p)).map((p) => `${c.seed} ${c.item}: ${proofLabel(p)}`));
        assert.deepStrictEqual(missing, []);
        assert.ok(!proves(prod, { kind: "ConfigMap", namespace: "monitoring", name: "no-such-dashboard" }));
        assert.ok(!proves(prod, { kind: "aws:eks/addon:Addon", name: "no-such-addon" }));
        // What issue 19 added is each proved by a resource: logs, external secrets, scanned images, custom metrics, dashboards.
        const proofs = new Set(CHECKLIST.flatMap((c) => (c.proof ?? []).map((p) => p.kind)));
        for (const k of ["aws:eks/addon:Addon", "ExternalSecret", "aws:ecr/repository:Repository", "APIService", "ConfigMap"]) assert.ok(proofs.has(k), k);
    });
});
