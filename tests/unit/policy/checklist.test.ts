/** Every seed checklist item maps to rules that exist, and a broken manifest for it is caught. */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluate } from "../../../policy/lib/harness";
import { CHECKLIST } from "../../../policy/checklist";
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
