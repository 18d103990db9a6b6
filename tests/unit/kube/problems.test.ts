import * as assert from "assert";
import * as fc from "fast-check";
import { ValidationError, assertNoProblems, check, formatProblem, problem, under } from "../../../components/kube/problems";

describe("kube/problems", () => {
    it("GIVEN a problem with a value THEN the message is path, rule and the value (strings quoted, lists as JSON)", () => {
        assert.strictEqual(formatProblem(problem("replicas", "must be odd and >= 3 (2f+1)", 4)), "replicas must be odd and >= 3 (2f+1), got 4");
        assert.strictEqual(formatProblem(problem("name", "must be a DNS-1123 label", "Bad_Name")), 'name must be a DNS-1123 label, got "Bad_Name"');
        assert.strictEqual(formatProblem(problem("clients", "must name at least one workload", [])), "clients must name at least one workload, got []");
        assert.strictEqual(formatProblem(problem("x", "must be set", undefined)), "x must be set, got undefined");
    });

    it("GIVEN a rule about a combination THEN no value is reported", () => {
        assert.strictEqual(formatProblem(problem("replicas", "and hpa are mutually exclusive")), "replicas and hpa are mutually exclusive");
        assert.ok(!("value" in problem("a", "b")));
    });

    it("GIVEN any condition THEN check returns nothing when it holds and exactly the problem when it does not", () => {
        fc.assert(
            fc.property(fc.boolean(), fc.string(), fc.integer(), (ok, path, v) => {
                const got = check(ok, path, "rule", v);
                assert.deepStrictEqual(got, ok ? [] : [{ path, rule: "rule", value: v }]);
            }),
        );
    });

    it("GIVEN nested problems THEN under prefixes their paths, and an empty path becomes the prefix itself", () => {
        assert.deepStrictEqual(
            under("backup.destination", [
                { path: "s3.bucket", rule: "r", value: "B" },
                { path: "", rule: "must set one" },
            ]),
            [
                { path: "backup.destination.s3.bucket", rule: "r", value: "B" },
                { path: "backup.destination", rule: "must set one" },
            ],
        );
    });

    it("GIVEN problems WHEN asserted THEN one ValidationError carries them as data and lists every message", () => {
        assert.doesNotThrow(() => assertNoProblems("Redis", "r", []));
        const problems = [problem("replicas", "must be an integer >= 1", 0), problem("clients", "must name at least one workload", [])];
        try {
            assertNoProblems("Redis", "cache", problems);
            assert.fail("expected a ValidationError");
        } catch (e) {
            assert.ok(e instanceof ValidationError);
            assert.strictEqual(e.component, "Redis");
            assert.strictEqual(e.resourceName, "cache");
            assert.deepStrictEqual(e.problems, problems);
            assert.strictEqual(
                e.message,
                "invalid Redis args for cache:\n  - replicas must be an integer >= 1, got 0\n  - clients must name at least one workload, got []",
            );
        }
    });
});
