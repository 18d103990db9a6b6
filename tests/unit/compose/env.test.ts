import { strict as assert } from "assert";
import fc from "fast-check";
import { classifyEnv, DEFAULT_SECRET_PATTERNS, secretNameMatcher, splitEnv, urlHasPassword } from "../../../components/compose/env";
import { convertCompose } from "../../../components/compose/compile";

describe("compose env separation", () => {
    const isSecret = secretNameMatcher(DEFAULT_SECRET_PATTERNS);
    it("seed 004 patterns match case-insensitively", () => {
        for (const n of [
            "OPENAI_API_KEY",
            "openai_api_key",
            "SIGNING_KEY",
            "DB_PASSWORD",
            "SMTP_PASS",
            "GITHUB_TOKEN",
            "GCP_CREDENTIALS",
            "JWT_SECRET",
            "PASSWORD",
            "TOKEN",
        ])
            assert.ok(isSecret(n), n);
        for (const n of ["KEYCLOAK_URL", "MONKEY", "PASSWORD_MIN_LENGTH", "TOKENIZER", "LOG_LEVEL", "SECRETARY_NAME", "DATABASE_URL"])
            assert.ok(!isSecret(n), n);
    });
    it("patterns are configurable", () => {
        const custom = secretNameMatcher([...DEFAULT_SECRET_PATTERNS, "NEO4J_AUTH", "*_DSN"]);
        assert.ok(custom("NEO4J_AUTH") && custom("sentry_dsn") && !isSecret("NEO4J_AUTH"));
        const app = convertCompose("services:\n  web:\n    image: nginx:1.27\n    environment: { SENTRY_DSN: https://k@s/1, API_KEY_ID: abc }\n", {
            file: "c.yml",
            namespace: "a",
            secretPatterns: ["*_DSN"],
        });
        assert.deepEqual(app.workloads[0].args.secret, { name: "web-secrets", data: { SENTRY_DSN: "https://k@s/1" } });
        assert.deepEqual(app.workloads[0].args.config, { name: "web-config", data: { API_KEY_ID: "abc" } });
    });
    it("URLs with a password, values built from secret variables and tainted inputs are secret", () => {
        assert.ok(urlHasPassword("postgres://u:p@db:5432/x"));
        assert.ok(!urlHasPassword("postgres://u@db:5432/x") && !urlHasPassword("http://db:5432/a:b@c"));
        const opts = { isSecretName: isSecret, tainted: new Set(["UPSTREAM"]) };
        assert.deepEqual(classifyEnv("DATABASE_URL", "postgres://u:p@db/x", [], opts), { secret: true, reason: "url-credentials" });
        assert.deepEqual(classifyEnv("NEO4J_AUTH", "neo4j/x", ["NEO4J_PASSWORD"], opts), { secret: true, reason: "references-secret", via: "NEO4J_PASSWORD" });
        assert.deepEqual(classifyEnv("ENDPOINT", "x", ["UPSTREAM"], opts), { secret: true, reason: "tainted-input", via: "UPSTREAM" });
        assert.deepEqual(classifyEnv("LOG_LEVEL", "info", ["LEVEL"], opts), { secret: false });
    });
    it("property: every entry lands in exactly one of ConfigMap/Secret, and no secret-named key in the ConfigMap", () => {
        const name = fc.oneof(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/), fc.constantFrom("A_KEY", "B_TOKEN", "PASSWORD", "X_SECRET", "LOG_LEVEL"));
        fc.assert(
            fc.property(fc.uniqueArray(fc.record({ name, value: fc.string({ maxLength: 20 }) }), { selector: (e) => e.name, maxLength: 20 }), (entries) => {
                const split = splitEnv(
                    entries.map((e) => ({ ...e, variables: [] })),
                    { isSecretName: isSecret },
                );
                const keys = [...Object.keys(split.config), ...Object.keys(split.secrets)];
                assert.equal(keys.length, entries.length);
                assert.equal(new Set(keys).size, entries.length);
                for (const k of Object.keys(split.config)) assert.ok(!isSecret(k));
            }),
            { numRuns: 200 },
        );
    });
});
