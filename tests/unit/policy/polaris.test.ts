/**
 * A real peer's corpus: Polaris' own success/failure fixtures (../shared/peer-fixtures/polaris),
 * run through the same loader and evaluator as `npm run policy:check`, restricted to the mapped
 * policies. Failure fixtures must trigger the mapped policy (except the documented misses);
 * success fixtures may still trigger it where the pack is deliberately stricter (README).
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluate } from "../../../policy/lib/harness";
import { loadResources } from "../../../policy/lib/load";
import { allRules } from "../../../policy/rules/all";
import { POLARIS_MAP } from "./polaris-map";

const CORPUS = path.resolve(__dirname, "../../../../shared/peer-fixtures/polaris");

/** Failure fixtures the pack deliberately does not flag, with the reason. */
const KNOWN_MISSES: Record<string, string> = {
    "clusterrolebindingPodExecAttach/failure.binding_points_to_missing_ref.yaml":
        "a binding to a role that does not exist grants nothing; the pack judges bound roles it can see",
    "rolebindingClusterRolePodExecAttach/failure.binding_points_to_missing_ref.yaml": "same: dangling roleRef grants nothing",
    "rolebindingRolePodExecAttach/failure.binding_points_to_missing_ref.yaml": "same: dangling roleRef grants nothing",
    "readinessProbeMissing/failure.yaml":
        "health-readiness requires readiness only on containers that serve ports (servingOnly); pollers have no traffic to gate",
};

interface Outcome {
    fixture: string;
    expectFire: boolean;
    fired: boolean;
}

describe("policy pack vs the Polaris fixture corpus", function () {
    const outcomes: Outcome[] = [];
    before(async function () {
        this.timeout(20000);
        if (!fs.existsSync(CORPUS)) this.skip();
        for (const [check, policies] of Object.entries(POLARIS_MAP)) {
            for (const f of fs
                .readdirSync(path.join(CORPUS, check))
                .filter((n) => /^(success|failure)/.test(n))
                .sort()) {
                const v = await evaluate(allRules, loadResources([path.join(CORPUS, check, f)]), { only: policies });
                outcomes.push({ fixture: `${check}/${f}`, expectFire: f.startsWith("failure"), fired: v.length > 0 });
            }
        }
    });

    it("GIVEN the mapping THEN every mapped Polaris check has fixtures and every mapped policy exists", () => {
        const names = new Set(allRules.map((r) => r.policy.name));
        for (const [check, policies] of Object.entries(POLARIS_MAP)) {
            assert.ok(fs.existsSync(path.join(CORPUS, check)), check);
            for (const p of policies) assert.ok(names.has(p), `${check} -> ${p}`);
        }
    });

    it("GIVEN every failure fixture WHEN checked THEN the mapped policy fires, except the documented misses", () => {
        const missed = outcomes
            .filter((o) => o.expectFire && !o.fired)
            .map((o) => o.fixture)
            .sort();
        assert.deepStrictEqual(missed, Object.keys(KNOWN_MISSES).sort());
    });

    it("GIVEN all fixtures THEN overall agreement with Polaris stays at or above 78% (README records the rate)", () => {
        const agree = outcomes.filter((o) => o.fired === o.expectFire).length;
        const failures = outcomes.filter((o) => o.expectFire);
        assert.ok(outcomes.length > 250, `only ${outcomes.length} fixtures ran`);
        assert.ok(agree / outcomes.length >= 0.78, `agreement ${agree}/${outcomes.length}`);
        assert.ok(failures.filter((o) => o.fired).length / failures.length >= 0.97);
    });
});
