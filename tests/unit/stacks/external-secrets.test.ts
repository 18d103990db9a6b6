/**
 * Issue 19, secrets management: `agent-platform:secrets.source: config | externalSecrets`. With
 * externalSecrets every system Secret key that holds a secure config value comes from AWS Secrets
 * Manager through an ExternalSecret (Merge into the platform's Secret, CRD-gated), generated values
 * stay generated, no placeholder or config value reaches a Secret, and the workloads wait for it.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { SECRET_KEYS, loadPlatformConfig, requiredSecrets } from "../../../stacks/config";
import { externalSecretObject } from "../../../components/kube/external-secret";
import { readStackConfig, REPO_ROOT, RenderResult } from "../../../tools/lib/render";
import { stripExternalKeys } from "../../../stacks/secrets";
import { configErrorOfRaw } from "../../helpers/config";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";
import { Registered, renderWithDependencies } from "../aws/dependencies";

const prod = readStackConfig(path.join(REPO_ROOT, "Pulumi.prod.yaml"));
const isSecret = (k: string) => prod.secretKeys.includes(k);
const withValues = (patch: Record<string, unknown>) => ({
    ...prod.values,
    ...Object.fromEntries(Object.entries(patch).map(([k, v]) => [`agent-platform:${k}`, JSON.stringify(v)])),
});
const prodSecrets = JSON.parse(prod.values["agent-platform:secrets"]);
const prodCrds = JSON.parse(prod.values["agent-platform:crds"]);

describe("stacks: secrets.source (issue 19)", () => {
    describe("config", () => {
        it("GIVEN a source that is neither config nor externalSecrets THEN one error names the key and the choices", () => {
            const e = configErrorOfRaw(withValues({ secrets: { ...prodSecrets, source: "vault" } }), isSecret);
            assert.equal(e.issues.length, 1, e.issues.join("\n"));
            assert.match(e.issues[0], /^agent-platform:secrets\.source: .*"config"\|"externalSecrets"/);
        });

        const bad: [string, Record<string, unknown>, RegExp][] = [
            [
                "without a prefix",
                { secrets: { source: "externalSecrets" } },
                /^agent-platform:secrets\.prefix: is required with secrets\.source externalSecrets/,
            ],
            [
                "without the operator's CRDs declared",
                { crds: { ...prodCrds, externalSecrets: false } },
                /^agent-platform:secrets\.source: externalSecrets needs crds\.externalSecrets: true/,
            ],
            [
                "a prefix outside the operator's IRSA scope",
                { secrets: { ...prodSecrets, prefix: "other/prod/" } },
                /^agent-platform:secrets\.prefix: must start with cluster\.platformAddons\.externalSecrets\.secretsPrefix "agent-platform\/prod\/"/,
            ],
            [
                "another store than the one the add-on creates",
                { secrets: { ...prodSecrets, store: "vault" } },
                /^agent-platform:secrets\.store: must be "aws-secrets-manager"/,
            ],
        ];
        for (const [what, patch, pattern] of bad) {
            it(`GIVEN externalSecrets ${what} THEN one error names the key and the rule`, () => {
                const e = configErrorOfRaw(withValues(patch), isSecret);
                assert.equal(e.issues.length, 1, e.issues.join("\n"));
                assert.match(e.issues[0], pattern);
            });
        }

        it("GIVEN prod (externalSecrets) THEN no secure config key is required; GIVEN config THEN every key its systems read is", () => {
            const external = loadPlatformConfig(prod.values, isSecret);
            assert.equal(external.secrets.source, "externalSecrets");
            assert.deepEqual(requiredSecrets(external), []);
            const viaConfig = loadPlatformConfig(withValues({ secrets: { source: "config" } }), isSecret);
            assert.deepEqual(
                [...new Set(requiredSecrets(viaConfig).map((r) => r.key))].sort(),
                SECRET_KEYS.filter((k) => k !== "midProxyPassword"),
            );
        });
    });

    describe("pure parts", () => {
        it("GIVEN a Secret's data THEN the declared keys are removed and generated ones kept", () => {
            const placeholder = "\u0000agent-platform:from-secrets-manager:anthropicApiKey";
            assert.deepEqual(stripExternalKeys("s", { "anthropic-api-key": placeholder, "redis-password": "gen" }, ["anthropic-api-key"]), {
                "redis-password": "gen",
            });
            assert.throws(
                () => stripExternalKeys("Secret ns/s", { K: placeholder }, []),
                /Secret ns\/s: key K holds a secure config value that no ExternalSecret declares/,
            );
            assert.throws(() => stripExternalKeys("Secret ns/s", { other: "x" }, ["K"]), /declared key K .* is not in the Secret/);
        });

        it("GIVEN keys THEN the ExternalSecret merges them sorted into the Secret of the same name from the ClusterSecretStore", () => {
            const o = externalSecretObject({
                secretName: "s",
                namespace: "n",
                store: "aws-secrets-manager",
                keys: { b: "p/B", a: "p/A" },
                refreshInterval: "1h",
            }) as any;
            assert.equal(o.apiVersion, "external-secrets.io/v1");
            assert.deepEqual(o.spec.target, { name: "s", creationPolicy: "Merge", deletionPolicy: "Retain" });
            assert.deepEqual(o.spec.secretStoreRef, { kind: "ClusterSecretStore", name: "aws-secrets-manager" });
            assert.deepEqual(o.spec.data, [
                { secretKey: "a", remoteRef: { key: "p/A" } },
                { secretKey: "b", remoteRef: { key: "p/B" } },
            ]);
        });
    });

    describe("the renders", function () {
        this.timeout(RENDER_TIMEOUT_MS * 2);
        let p: RenderResult;
        let d: RenderResult;
        let deps: Registered[];
        before(async () => {
            p = await renderedStack("prod");
            d = await renderedStack("dev");
            deps = await renderWithDependencies("prod");
        });
        const secretData = (r: RenderResult, ns: string, name: string) => {
            const s = r.objects.find((o) => o.kind === "Secret" && o.metadata.namespace === ns && o.metadata.name === name);
            assert.ok(s, `no Secret ${ns}/${name}`);
            return (s as any).stringData as Record<string, string>;
        };
        // namespace/Secret -> the keys that hold secure config values (data key -> secure key).
        const EXPECTED: Record<string, Record<string, string>> = {
            "claude-mid-service/claude-terminal-secrets": { MID_PASSWORD: "midPassword", SERVICENOW_API_PASSWORD: "servicenowApiPassword" },
            "claude-code/claude-code-secrets": { "anthropic-api-key": "anthropicApiKey" },
            "production-agents/agent-secrets": { "anthropic-api-key": "anthropicApiKey" },
            "ushadow/backend-secrets": { ANTHROPIC_API_KEY: "anthropicApiKey", AUTH_SECRET_KEY: "ushadowAuthSecretKey", OPENAI_API_KEY: "openaiApiKey" },
            "ushadow/mem0-secrets": { OPENAI_API_KEY: "openaiApiKey" },
        };

        it("GIVEN prod THEN each Secret holding secure config values has an ExternalSecret from agent-platform/prod/<key>, and nothing else does", () => {
            const es = p.objects.filter((o) => o.kind === "ExternalSecret");
            const got = Object.fromEntries(
                es.map((o: any) => [
                    `${o.metadata.namespace}/${o.metadata.name}`,
                    Object.fromEntries(o.spec.data.map((x: any) => [x.secretKey, x.remoteRef.key.replace(/^agent-platform\/prod\//, "")])),
                ]),
            );
            assert.deepEqual(got, EXPECTED);
            for (const o of es as any[]) {
                assert.deepEqual(o.spec.secretStoreRef, { kind: "ClusterSecretStore", name: "aws-secrets-manager" });
                assert.ok(o.spec.data.every((x: any) => x.remoteRef.key.startsWith("agent-platform/prod/")));
            }
        });

        it("GIVEN prod THEN those keys are gone from the Secrets, generated values stay, and no Secret holds a placeholder", () => {
            for (const [id, keys] of Object.entries(EXPECTED)) {
                const [ns, name] = id.split("/");
                const data = secretData(p, ns, name);
                for (const k of Object.keys(keys)) assert.ok(!(k in data), `${id} still holds ${k}`);
            }
            assert.ok("redis-password" in secretData(p, "production-agents", "agent-secrets"));
            assert.ok("ENCRYPTION_KEY" in secretData(p, "claude-mid-service", "claude-terminal-secrets"));
            assert.ok("NEO4J_PASSWORD" in secretData(p, "ushadow", "backend-secrets"));
            assert.ok(p.objects.some((o) => o.kind === "Secret" && o.metadata.name === "postgres-credentials"));
            const all = JSON.stringify(p.objects.filter((o) => o.kind === "Secret" || o.kind === "ConfigMap"));
            assert.ok(!all.includes("from-secrets-manager") && !all.includes("placeholder-"), "a secure value or placeholder reached a Secret or ConfigMap");
        });

        it("GIVEN prod THEN each ExternalSecret waits for its Secret and the operator, and every workload reading the Secret waits for it", () => {
            const urnOf = (type: string, pred: (r: Registered) => boolean) => deps.filter((r) => r.type === type && pred(r));
            for (const id of Object.keys(EXPECTED)) {
                const [ns, name] = id.split("/");
                const [es] = urnOf(
                    "kubernetes:external-secrets.io/v1:ExternalSecret",
                    (r) => r.inputs.metadata?.namespace === ns && r.inputs.metadata?.name === name,
                );
                assert.ok(es, `no ExternalSecret ${id} registered`);
                const [secret] = urnOf("kubernetes:core/v1:Secret", (r) => r.inputs.metadata?.namespace === ns && r.inputs.metadata?.name === name);
                assert.ok(es.dependencies.includes(secret.urn), `${id}: the ExternalSecret does not wait for its Secret`);
                assert.ok(
                    es.dependencies.some((u) => u.includes("external-secrets")),
                    `${id}: the ExternalSecret does not wait for the operator`,
                );
                const readers = deps.filter(
                    (r) =>
                        ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"].includes(r.type) &&
                        r.inputs.metadata?.namespace === ns &&
                        JSON.stringify(r.inputs.spec?.template).includes(`"${name}"`),
                );
                assert.ok(readers.length > 0, `${id}: no workload reads it`);
                for (const w of readers) assert.ok(w.dependencies.includes(es.urn), `${w.inputs.metadata.name} does not wait for ExternalSecret ${id}`);
            }
        });

        it("GIVEN dev (secrets from config) THEN there is no ExternalSecret and the Secrets hold the config values", () => {
            assert.equal(d.objects.filter((o) => o.kind === "ExternalSecret").length, 0);
            assert.ok("anthropic-api-key" in secretData(d, "claude-code", "claude-code-secrets"));
        });
    });
});
