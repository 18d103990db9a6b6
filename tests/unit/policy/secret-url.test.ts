/**
 * sec-no-secret-in-configmap / sec-no-literal-secret-env: the URL-with-password check is a linear
 * scan (the regex it replaces backtracked quadratically on long values). It must flag exactly
 * what the regex flagged.
 */
import * as assert from "assert";
import * as fc from "fast-check";
import { looksSecret, SECRET_VALUE } from "../../../policy/rules/secrets";

const REGEX = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i;
const urlCheck = SECRET_VALUE[SECRET_VALUE.length - 1];

describe("secret heuristics: URL with an embedded password (linear scan)", () => {
    it("GIVEN URLs with and without a password THEN flagged exactly when scheme://user:password@ appears", () => {
        for (const [v, want] of [
            ["postgres://app:s3cret@db:5432/app", true],
            ["see https://u:p@host", true],
            ["x-1+.y://u:p@h", true],
            ["https://host/path", false],
            ["https://user@host", false],
            ["https://:p@host", false],
            ["https://u:@host", false],
            ["1://u:p@h", false],
            ["://u:p@h", false],
            ["http://u:p/x@h", false],
            ["http://u p:q@h", false],
            ["a://b://u:p@h", true],
        ] as const) {
            assert.strictEqual(urlCheck.test(v), want, v);
            assert.strictEqual(REGEX.test(v), want, `${v} (regex)`);
        }
        assert.match(looksSecret("DATABASE", "postgres://app:s3cret@db/app") ?? "", /credential format/);
    });

    it("GIVEN random strings over the URL alphabet THEN the scan agrees with the regex (fast-check)", () => {
        fc.assert(
            fc.property(fc.stringMatching(/^[ab1+.\-:/@ \tY]{0,30}$/), (s) => urlCheck.test(s) === REGEX.test(s)),
            { numRuns: 20000 },
        );
    });

    it("GIVEN a 1 MiB value with a scheme run, an unterminated password or a dash run THEN the heuristics still give an answer", () => {
        const m = 1 << 20;
        assert.strictEqual(looksSecret("k", "a".repeat(m) + "://"), undefined);
        assert.strictEqual(looksSecret("k", "http://u:" + "p".repeat(m)), undefined);
        assert.strictEqual(looksSecret("k", "-".repeat(m)), undefined);
        assert.match(looksSecret("k", "x".repeat(m) + " http://u:p@h") ?? "", /credential format/);
    });
});
