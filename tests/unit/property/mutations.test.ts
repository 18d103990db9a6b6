/**
 * Property tests (fast-check): random, hostile mutations of the example compose files and of both
 * stack files. Every mutation yields either a valid result or one ComposeError/ConfigError naming
 * where the problem is: never a raw exception, never a hang, and never the deployer's environment
 * (a canary) in an object or a message.
 */
import { strict as assert } from "assert";
import fc from "fast-check";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { compileComposeAppArgs } from "../../../components/compose/compose-app";
import { ComposeError } from "../../../components/compose/errors";
import { ConfigError } from "../../../components/config";
import { loadPlatformConfig } from "../../../stacks/config";
import { checkSystems } from "../../../stacks/systems";
import { REPO_ROOT, readStackConfig, renderProgram } from "../../../tools/lib/render";
import { RENDER_TIMEOUT_MS } from "../../helpers/stacks";

const CANARY_VAR = "AP_PROPERTY_CANARY";
const CANARY = `canary-${process.pid}-prop-51ad`;

/** Values a careless or hostile user writes where a value is expected. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.constantFrom(
        "/proc/self/environ",
        "../../../../../../etc/passwd",
        "/etc/passwd",
        "/dev/zero",
        `\${${CANARY_VAR}}`,
        `\${${CANARY_VAR}:?}`,
        "${A:-${B:-${C:-x}}}",
        "$",
        "${",
        "}",
        "",
        " ",
        "0",
        "-1",
        "61 25 * * *",
        "foo bar baz qux quux",
        "999.999.999.999/8",
        "0.0.0.0/0",
        "Ghcr.io/Org/App:LATEST",
        "nginx:latest",
        "a b:1",
        "99999999999999999999Ei",
        "0Gi",
        "/",
        "/etc",
        "kubernetes",
        "\u0000",
        "\uFFFD",
        "yes",
        "on",
        "null",
        "*",
        "@daily",
    ),
    fc.constantFrom(-1, 0, 1, 2, 3, 10001, 1e9, 2 ** 31, 2 ** 53, 0.5, true, false, null),
    fc.string({ maxLength: 20 }),
    fc.constantFrom([], {}, ["x"], { a: "b" }, { env_file: "/proc/self/environ" }, [{ path: "/proc/self/environ", required: false }]),
    fc.constantFrom("x".repeat(70_000)),
);

type Json = unknown;
type Mutation = { kind: "set"; pick: number; value: unknown } | { kind: "delete"; pick: number } | { kind: "add"; pick: number; key: string; value: unknown };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), pick: fc.nat(), value: hostileValue }),
    fc.record({ kind: fc.constant("delete" as const), pick: fc.nat() }),
    fc.record({
        kind: fc.constant("add" as const),
        pick: fc.nat(),
        key: fc.constantFrom(
            "env_file",
            "extends",
            "include",
            "privileged",
            "replicas",
            "image",
            "volumes",
            "x-y",
            "unknownKey",
            "composeFile",
            "filesRoot",
            "limits",
        ),
        value: hostileValue,
    }),
);

/** Every container (object or array) path in `tree`, root included, in a stable order. */
function containers(tree: Json): Array<(string | number)[]> {
    const out: Array<(string | number)[]> = [];
    const walk = (v: Json, p: (string | number)[]) => {
        if (Array.isArray(v)) {
            out.push(p);
            v.forEach((x, i) => walk(x, [...p, i]));
        } else if (typeof v === "object" && v !== null) {
            out.push(p);
            for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
        }
    };
    walk(tree, []);
    return out;
}

function apply(tree: Json, m: Mutation): Json {
    const copy = JSON.parse(JSON.stringify(tree)) as Json;
    const paths = containers(copy);
    const at = paths[m.pick % paths.length];
    let node = copy as Record<string | number, unknown>;
    for (const k of at) node = node[k] as Record<string | number, unknown>;
    const keys = Object.keys(node);
    if (m.kind === "add") {
        if (Array.isArray(node)) node.push(m.value);
        else node[m.key] = m.value;
    } else if (keys.length > 0) {
        const key = Array.isArray(node) ? Number(keys[m.pick % keys.length]) : keys[m.pick % keys.length];
        if (m.kind === "delete") {
            if (Array.isArray(node)) node.splice(key as number, 1);
            else delete node[key];
        } else node[key] = m.value;
    }
    return copy;
}

/** Text-level damage: truncation, a byte flipped to a YAML indicator, a tab. */
const textDamage = fc.record({ at: fc.nat(), op: fc.constantFrom("truncate", "tab", "brace", "colon", "quote", "anchor") });
function damage(text: string, d: { at: number; op: string }): string {
    const i = d.at % Math.max(1, text.length);
    const insert = { truncate: "", tab: "\t", brace: "{", colon: ": :", quote: "'", anchor: "*nope " }[d.op] ?? "";
    return d.op === "truncate" ? text.slice(0, i) : text.slice(0, i) + insert + text.slice(i);
}

function assertClean(e: unknown, kind: "compose" | "config"): void {
    if (kind === "compose") assert.ok(e instanceof ComposeError, `raw exception: ${(e as Error)?.stack ?? e}`);
    else assert.ok(e instanceof ConfigError, `raw exception: ${(e as Error)?.stack ?? e}`);
    const message = (e as Error).message;
    assert.ok(!message.includes(CANARY), `the canary reached a message: ${message}`);
    assert.ok(!/root:x:0|\/bin\/bash|nologin/.test(message), `a file's contents reached a message: ${message}`);
    if (e instanceof ConfigError) {
        assert.ok(
            e.issues.length > 0 && e.issues.every((i) => /^(agent-platform:([A-Za-z_]|"[^"\n]*")|[^\s]+\.yaml: )/.test(i) && !i.includes("\n")),
            `every issue names a key: ${e.message}`,
        );
    } else {
        assert.ok(!message.includes("\n"), `one line: ${message}`);
        assert.ok((e as ComposeError).file.length > 0 && (e as ComposeError).rule.length > 0);
    }
}

describe("property: hostile mutations of compose files and stack files", () => {
    let tmp: string;
    before(() => {
        process.env[CANARY_VAR] = CANARY;
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "property-"));
    });
    after(() => {
        delete process.env[CANARY_VAR];
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    for (const example of ["ushadow", "research-agent"]) {
        describe(`examples/compose/${example}`, () => {
            let dir: string;
            let tree: Json;
            let text: string;
            before(() => {
                dir = path.join(tmp, example);
                fs.cpSync(path.join(REPO_ROOT, "examples/compose", example), dir, { recursive: true });
                text = fs.readFileSync(path.join(dir, "docker-compose.yml"), "utf8");
                tree = YAML.parse(text, { merge: true });
            });

            const compile = (yamlText: string) => {
                const file = path.join(dir, "mutated.yml");
                fs.writeFileSync(file, yamlText);
                try {
                    const { compiled } = compileComposeAppArgs({ composeFile: file, namespace: "apps", env: { AUTH_SECRET_KEY: "k" } });
                    assert.ok(!JSON.stringify(compiled).includes(CANARY), "the canary reached a compiled object");
                } catch (e) {
                    assertClean(e, "compose");
                }
            };

            it("GIVEN 1-3 random structural mutations WHEN compiled THEN a valid app or one ComposeError, never the canary", () => {
                fc.assert(
                    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => compile(YAML.stringify(ms.reduce(apply, tree)))),
                    { numRuns: 60 },
                );
            }).timeout(120_000);

            it("GIVEN random text damage WHEN compiled THEN a valid app or one ComposeError", () => {
                fc.assert(
                    fc.property(textDamage, (d) => compile(damage(text, d))),
                    { numRuns: 40 },
                );
            }).timeout(120_000);
        });
    }

    for (const stack of ["dev", "prod"] as const) {
        describe(`Pulumi.${stack}.yaml`, () => {
            let tree: Json;
            let raw: string;
            before(() => {
                raw = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
                tree = YAML.parse(raw);
            });

            /** Reads and validates like the program does before registering anything: file, schema, system checks. */
            const check = (yamlText: string): boolean => {
                const file = path.join(tmp, `Pulumi.${stack}-mutated.yaml`);
                fs.writeFileSync(file, yamlText);
                try {
                    const cfg = readStackConfig(file);
                    const config = loadPlatformConfig(cfg.values, (k) => cfg.secretKeys.includes(k));
                    checkSystems(config, { environment: config.environment, capabilities: config.crds });
                    return true;
                } catch (e) {
                    assertClean(e, "config");
                    return false;
                }
            };

            it("GIVEN 1-3 random mutations of the config WHEN validated THEN valid or one ConfigError whose every line names a key", () => {
                fc.assert(
                    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
                        const mutated = { ...(tree as object), config: ms.reduce(apply, (tree as { config: Json }).config) };
                        check(YAML.stringify(mutated));
                    }),
                    { numRuns: 50 },
                );
            }).timeout(180_000);

            it("GIVEN random text damage of the stack file WHEN validated THEN valid or one ConfigError", () => {
                fc.assert(
                    fc.property(textDamage, (d) => void check(damage(raw, d))),
                    { numRuns: 40 },
                );
            }).timeout(180_000);
        });
    }

    it("GIVEN mutated dev configs that pass validation WHEN the whole program renders THEN it renders (no raw exception) and the canary is in no object", async function () {
        this.timeout(RENDER_TIMEOUT_MS * 3);
        const tree = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Json };
        // Fixed seed: the same few renders on every run (each is a whole program run).
        const samples = fc.sample(fc.array(mutation, { minLength: 1, maxLength: 2 }), { numRuns: 60, seed: 22 });
        let rendered = 0;
        for (const ms of samples) {
            if (rendered >= 2) break;
            const file = path.join(tmp, "Pulumi.dev-render.yaml");
            fs.writeFileSync(file, YAML.stringify({ ...tree, config: ms.reduce(apply, tree.config) }));
            let cfg: ReturnType<typeof readStackConfig>;
            try {
                cfg = readStackConfig(file);
                const config = loadPlatformConfig(cfg.values, (k) => cfg.secretKeys.includes(k));
                checkSystems(config, { environment: config.environment, capabilities: config.crds });
            } catch {
                continue;
            }
            const result = await renderProgram(cfg, "dev", { redact: false });
            assert.ok(result.objects.length > 0);
            assert.ok(!JSON.stringify(result.resources).includes(CANARY), "the canary reached a rendered object");
            rendered++;
        }
        assert.ok(rendered > 0, "no sample passed validation");
    });
});
