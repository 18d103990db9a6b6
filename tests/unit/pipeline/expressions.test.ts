import { strict as assert } from "assert";
import { condition, evaluate, interpolate } from "./expressions";

describe("GitHub expression evaluator (test helper for the workflow invariants)", () => {
    const ctx = { github: { repository: "acme/app", event: { pull_request: { head: { repo: null } } } }, matrix: { stack: "dev" }, secrets: { S: "s3" } };

    it("evaluates property access, comparisons (case-insensitive strings, null) and value-returning && / ||", () => {
        assert.equal(evaluate("github.repository == 'ACME/App'", ctx), true);
        assert.equal(evaluate("github.event.pull_request.head.repo.full_name != github.repository", ctx), true);
        assert.equal(evaluate("github.event.pull_request.head.repo == null", ctx), true);
        assert.equal(evaluate("matrix.stack == 'dev' && secrets.S || ''", ctx), "s3");
        assert.equal(evaluate("matrix.stack == 'prod' && secrets.S || ''", ctx), "");
        assert.equal(evaluate("!(matrix.stack == 'dev')", ctx), false);
        assert.equal(evaluate("format('{0}/{1}', 'org', matrix.stack)", ctx), "org/dev");
        assert.equal(evaluate("'it''s'", ctx), "it's");
        assert.equal(evaluate("startsWith(matrix.stack, 'DE') && 'yes' || 'no'", ctx), "yes", "startsWith ignores case, as on GitHub");
        assert.equal(evaluate("startsWith(matrix.stack, 'prod')", ctx), false);
    });

    it("treats a missing if: as true and substitutes ${{ }} inside strings", () => {
        assert.equal(condition(undefined, ctx), true);
        assert.equal(condition("${{ matrix.stack == 'prod' }}", ctx), false);
        assert.equal(interpolate("policy/config/${{ matrix.stack }}.json", ctx), "policy/config/dev.json");
    });

    it("throws on what it does not support instead of guessing", () => {
        assert.throws(() => evaluate("contains(github.repository, 'a')", ctx), /contains\(\) is not supported/);
        assert.throws(() => evaluate("runner.os == 'Linux'", ctx), /unknown context runner/);
        assert.throws(() => evaluate("matrix.stack == 1", ctx), /comparison of string with number/);
        assert.throws(() => evaluate("matrix.stack ==", ctx), /unexpected end/);
    });
});
