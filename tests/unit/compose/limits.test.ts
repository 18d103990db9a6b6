/**
 * Linear time and bounded output on hostile compose input: secret-name globs without backtracking,
 * bounded interpolation nesting, short error excerpts, linear variable handling, and the 1 MiB
 * ConfigMap/Secret limit.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import { convertCompose } from "../../../components/compose/compile";
import { secretNameMatcher, urlHasPassword } from "../../../components/compose/env";
import { ComposeError } from "../../../components/compose/errors";
import { interpolate, InterpolationError, MAX_INTERPOLATION_DEPTH } from "../../../components/compose/interpolate";

function composeError(fn: () => unknown): ComposeError {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof ComposeError, `expected ComposeError, got ${(e as Error)?.stack ?? e}`);
        return e as ComposeError;
    }
    return assert.fail("accepted");
}

const service = (env: string) => `services:\n  web:\n    image: nginx:1.27.2\n    environment:\n${env}`;

describe("compose: linear time and bounded output on hostile input", () => {
    describe("secret-name globs", () => {
        it("GIVEN a many-star pattern and a 20k-character name WHEN matched THEN it answers (a backtracking regex would not finish)", () => {
            const isSecret = secretNameMatcher(["*A*A*A*A*A*A*A*A*B"]);
            assert.equal(isSecret("A".repeat(20_000)), false);
            assert.equal(isSecret(`${"A".repeat(20_000)}B`), true);
        });

        it("GIVEN random globs and names WHEN matched THEN the answer equals the anchored, case-insensitive regex", () => {
            const alphabet = fc.constantFrom("a", "b", "_", "A", "*");
            fc.assert(
                fc.property(
                    fc.array(fc.string({ unit: alphabet, minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }),
                    fc.string({ unit: fc.constantFrom("a", "b", "_", "A", "B"), maxLength: 10 }),
                    (patterns, name) => {
                        const patternsOk = patterns.filter((p) => p.trim() !== "");
                        if (patternsOk.length === 0) return;
                        const regexes = patternsOk.map(
                            (p) =>
                                new RegExp(
                                    `^${p
                                        .split("*")
                                        .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
                                        .join(".*")}$`,
                                    "i",
                                ),
                        );
                        assert.equal(
                            secretNameMatcher(patternsOk)(name),
                            regexes.some((r) => r.test(name)),
                            `${JSON.stringify(patternsOk)} ~ ${name}`,
                        );
                    },
                ),
                { numRuns: 500 },
            );
        });
    });

    describe("interpolation", () => {
        it(`GIVEN \${A:-...} nested 100k deep WHEN interpolated THEN one InterpolationError about the ${MAX_INTERPOLATION_DEPTH}-level limit`, () => {
            const text = `${"${A:-".repeat(100_000)}x${"}".repeat(100_000)}`;
            assert.throws(
                () => interpolate(text, () => undefined),
                (e: Error) => e instanceof InterpolationError && /nests deeper than 16 levels/.test(e.message),
            );
        });

        it("GIVEN nesting within the limit WHEN interpolated THEN the innermost default is used", () => {
            const text = `${"${A:-".repeat(MAX_INTERPOLATION_DEPTH)}x${"}".repeat(MAX_INTERPOLATION_DEPTH)}`;
            assert.equal(interpolate(text, () => undefined).value, "x");
        });

        it("GIVEN a 1 MB value with a lone $ WHEN interpolated THEN the message quotes an excerpt, not the value", () => {
            const text = `${"s3cr3t".repeat(200_000)}$`;
            assert.throws(
                () => interpolate(text, () => undefined),
                (e: Error) => e.message.length < 200 && /1200001 characters/.test(e.message),
            );
        });
    });

    describe("variables", () => {
        it("GIVEN a 1 MB URL-like value WHEN checked for a password THEN it answers", () => {
            assert.equal(urlHasPassword(`postgres://${"u".repeat(1_000_000)}`), false);
            assert.equal(urlHasPassword(`postgres://user:${"p".repeat(1_000_000)}@db`), true);
        });

        it("GIVEN a service with 10k variables WHEN compiled THEN each is in the ConfigMap (linear in the count)", () => {
            const env = Array.from({ length: 10_000 }, (_, i) => `      V${i}: "${i}"\n`).join("");
            const app = convertCompose(service(env), { file: "c.yml", namespace: "apps" });
            assert.equal(Object.keys(app.workloads[0].args.config?.data ?? {}).length, 10_000);
        });

        it("GIVEN a service whose variables exceed 1 MiB WHEN compiled THEN ComposeError names environment and the object limit", () => {
            const env = Array.from({ length: 200 }, (_, i) => `      V${i}: "${"x".repeat(6_000)}"\n`).join("");
            const e = composeError(() => convertCompose(service(env), { file: "c.yml", namespace: "apps" }));
            assert.equal(e.field, "environment");
            assert.match(e.rule, /ConfigMap web-config would hold \d+ bytes of data, over the Kubernetes limit of 1048576/);
        });

        it("GIVEN secret-looking variables over 1 MiB WHEN compiled THEN the Secret is refused too", () => {
            const env = Array.from({ length: 3 }, (_, i) => `      K${i}_TOKEN: "${"x".repeat(400_000)}"\n`).join("");
            assert.match(composeError(() => convertCompose(service(env), { file: "c.yml", namespace: "apps" })).rule, /Secret web-secrets would hold/);
        });

        it("GIVEN a variable name over 253 characters WHEN parsed THEN ComposeError states the key rule with an excerpt", () => {
            const e = composeError(() => convertCompose(service(`      ${"N".repeat(300)}: x\n`), { file: "c.yml", namespace: "apps" }));
            assert.match(e.rule, /must be 1-253 letters/);
            assert.ok(e.message.length < 300);
        });
    });
});
