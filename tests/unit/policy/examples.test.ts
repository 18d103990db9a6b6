/**
 * The examples `policy:check --explain` prints (policy/examples/explain.ts): every rule has a
 * passing and a failing one, the rule passes the first and fails the second, and the failing
 * one fails for the reason its case states. Run here so example and rule cannot drift apart.
 */
import * as assert from "assert";
import { resourceCases, stackCases } from "../../../policy/examples/cases";
import { formatExamples, hunks, lineDiff, ruleExamples } from "../../../policy/examples/explain";
import { allRules } from "../../../policy/rules/all";
import { PROD } from "./helpers";

describe("policy examples (--explain)", () => {
    for (const r of allRules) {
        const name = r.policy.name;
        it(`GIVEN ${name} WHEN its examples are judged by it THEN the passing one passes and the failing one fails as its case says`, async () => {
            const ex = await ruleExamples(r, PROD);
            assert.ok(ex, `${name} has no example`);
            assert.strictEqual(ex.passing.outcome.notApplicable, undefined, `${name} does not judge its passing example: ${ex.passing.outcome.notApplicable}`);
            assert.deepStrictEqual(ex.passing.outcome.messages, [], `${name} fails its passing example`);
            assert.ok(ex.failing.outcome.messages.length > 0, `${name} passes its failing example`);
            const c = [...resourceCases, ...stackCases].find((x) => x.policy === name && x.title === ex.title)!;
            assert.ok(
                ex.failing.outcome.messages.some((m) => c.expect.test(m.message)),
                `${name}: expected ${c.expect} in ${JSON.stringify(ex.failing.outcome.messages)}`,
            );
            const text = formatExamples(ex, r.scope);
            assert.match(text, /^Passing example/m);
            assert.match(text, /^Failing example: /m);
            for (const m of ex.failing.outcome.messages)
                assert.ok(text.includes(`-> ${m.message}`), `${name}: the printed example omits the verdict ${m.message}`);
            if (r.scope === "resource") assert.ok(ex.passing.resources.length === 1 && ex.failing.resources.length === 1);
            else
                assert.ok(
                    ex.failing.resources.length + ex.failing.removed.length > 0 || ex.failing.stackTags !== ex.passing.stackTags,
                    `${name}: the failing example changes nothing`,
                );
        });
    }

    it("GIVEN two YAML texts WHEN diffed THEN kept, removed and added lines are marked and far context is elided", () => {
        const a = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];
        const b = ["a", "b", "c", "d", "e", "F", "g", "h", "i", "j", "k"];
        const d = lineDiff(a, b);
        assert.deepStrictEqual(
            d.filter((l) => !l.startsWith("  ")),
            ["- f", "+ F", "+ k"],
        );
        assert.deepStrictEqual(
            d.filter((l) => !l.startsWith("+ ")).map((l) => l.slice(2)),
            a,
        );
        assert.deepStrictEqual(
            d.filter((l) => !l.startsWith("- ")).map((l) => l.slice(2)),
            b,
        );
        assert.deepStrictEqual(hunks(d, 1), ["  ...", "  e", "- f", "+ F", "  g", "  ...", "  j", "+ k"]);
    });
});
