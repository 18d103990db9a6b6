import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT } from "../../../components/config/schema";
import { SECRET_KEYS, loadPlatformConfig, neededSecrets, requiredSecrets } from "../../../stacks/config";
import { REPO_ROOT, readStackConfig } from "../../../tools/lib/render";
import { CliIo, runCli } from "../../../tools/lib/cli";
import {
    SECRETS_PROVIDER,
    StackFile,
    StackFileError,
    TABLE_BEGIN,
    TABLE_END,
    checkStackSecrets,
    committedStacks,
    formatSecretsCheck,
    parseStackFile,
    readersOf,
    readmeTable,
    secretKeysTable,
    secretsProviderOf,
    spliceTable,
} from "../../../tools/lib/stack-secrets";
import * as check from "../../../tools/secrets-check";
import * as table from "../../../tools/secrets-table";

const committed = (stack: string): StackFile => parseStackFile(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8"), `Pulumi.${stack}.yaml`);

/** The keys the committed stack's enabled systems require (from the schema, not from the checker). */
function requiredFor(stack: string): string[] {
    const c = readStackConfig(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`));
    return [...new Set(requiredSecrets(loadPlatformConfig(c.values, (k) => c.secretKeys.includes(k))).map((r) => r.key))].sort();
}

function neededFor(stack: string): string[] {
    const c = readStackConfig(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`));
    return [...new Set(neededSecrets(loadPlatformConfig(c.values, (k) => c.secretKeys.includes(k))).map((r) => r.key))].sort();
}

/** The committed file as an operator leaves it after `pulumi stack init` + `pulumi config set --secret` for each key. */
function bootstrapped(stack: string, provider: Partial<StackFile>, keys = requiredFor(stack)): StackFile {
    const f = committed(stack);
    const config = { ...f.config };
    for (const k of keys) config[`${PROJECT}:${k}`] = { secure: `v1:ciphertext-of-${k}` };
    return { ...f, ...provider, config };
}

const PASSPHRASE = { encryptionsalt: "v1:c2FsdA==:v1:aXY=:Y2lwaGVy" };
const KMS = { secretsprovider: "awskms://alias/agent-platform-pulumi-prod?region=us-east-1", encryptedkey: "AQICAHh..." };
const CI_DEV = { PULUMI_ACCESS_TOKEN: "pul-x", PULUMI_CONFIG_PASSPHRASE: "p", KUBECONFIG: "/tmp/kubeconfig" };
const CI_PROD = { PULUMI_ACCESS_TOKEN: "pul-x", AWS_ACCESS_KEY_ID: "ASIA...", AWS_REGION: "us-east-1" };

describe("stack secrets (tools/lib/stack-secrets.ts)", () => {
    it("the committed stacks are dev, prod and one more prod region, each mapped to a secrets provider by its environment", () => {
        assert.deepEqual(committedStacks(), ["dev", "prod", "prod-eu-west-1"]);
        assert.deepEqual(SECRETS_PROVIDER, { dev: "passphrase", prod: "awskms" });
    });

    it("every committed stack is named after its environment (prod-<region> is prod), which picks policy/config/<environment>.json in CI", () => {
        for (const stack of committedStacks()) {
            const env = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")).config[`${PROJECT}:environment`];
            assert.equal(stack.split("-")[0], env, stack);
            assert.ok(fs.existsSync(path.join(REPO_ROOT, `policy/config/${env}.json`)), stack);
        }
    });

    describe("GIVEN the committed stack files (no provider initialised, no secret set)", () => {
        for (const stack of committedStacks()) {
            it(`WHEN ${stack} is checked THEN every secure key its systems require and the provider are reported, nothing else`, () => {
                const c = checkStackSecrets(stack, committed(stack), { nonInteractive: false, env: {} });
                const missing = [...new Set(c.problems.map((p) => /^agent-platform:(\w+): required secret/.exec(p)?.[1]).filter(Boolean))].sort();
                assert.deepEqual(missing, requiredFor(stack));
                const other = c.problems.filter((p) => !/required secret/.test(p));
                assert.equal(other.length, 1, other.join("\n"));
                assert.match(
                    other[0],
                    new RegExp(
                        `^Pulumi\\.${stack}\\.yaml: secrets provider: the ${stack.split("-")[0]} environment uses ${stack === "dev" ? "the passphrase provider" : "an AWS KMS key"}`,
                    ),
                );
                assert.match(formatSecretsCheck(stack, c), new RegExp(`^stack ${stack} cannot be previewed or deployed \\(${c.problems.length} problems?[;)]`));
            });
        }
    });

    describe("GIVEN a bootstrapped dev stack (passphrase provider, every required key encrypted)", () => {
        const dev = bootstrapped("dev", PASSPHRASE);

        it("WHEN checked in CI with the passphrase, token and kubeconfig THEN it is ready", () => {
            const c = checkStackSecrets("dev", dev, { nonInteractive: true, env: CI_DEV });
            assert.deepEqual(c.problems, []);
            assert.deepEqual(c.secureKeys, requiredFor("dev"));
            assert.match(formatSecretsCheck("dev", c), /^stack dev: the passphrase provider, \d+ secure keys/);
        });

        it("WHEN one required key is missing THEN exactly that key is reported", () => {
            const [first, ...rest] = requiredFor("dev");
            const c = checkStackSecrets("dev", bootstrapped("dev", PASSPHRASE, rest), { nonInteractive: true, env: CI_DEV });
            assert.ok(c.problems.length >= 1);
            for (const p of c.problems)
                assert.match(
                    p,
                    new RegExp(
                        `^${PROJECT}:${first}: required secret for (${readersOf(first).join("|")}) \\(pulumi config set --secret ${first} \\.\\.\\.\\)$`,
                    ),
                );
        });

        it("WHEN a secret is committed in plaintext THEN it must be stored encrypted", () => {
            const key = requiredFor("dev")[0];
            const f = { ...dev, config: { ...dev.config, [`${PROJECT}:${key}`]: "hunter2" } };
            const c = checkStackSecrets("dev", f, { nonInteractive: true, env: CI_DEV });
            assert.deepEqual(c.problems, [`${PROJECT}:${key}: must be stored encrypted (pulumi config set --secret ${key} ...)`]);
        });

        it("WHEN checked in CI without the passphrase, token or kubeconfig THEN each is named with its CI secret", () => {
            const c = checkStackSecrets("dev", dev, { nonInteractive: true, env: {} });
            assert.equal(c.problems.length, 3);
            assert.match(c.problems[0], /^PULUMI_CONFIG_PASSPHRASE: not set.*\(CI secret PULUMI_CONFIG_PASSPHRASE\)$/);
            assert.match(c.problems[1], /^PULUMI_ACCESS_TOKEN: not set.*\(CI secret PULUMI_ACCESS_TOKEN\)$/);
            assert.match(c.problems[2], /^KUBECONFIG: not set.*\(CI secret DEV_KUBECONFIG\)$/);
        });

        it("WHEN checked interactively (a person at a terminal) THEN the environment is not required", () => {
            assert.deepEqual(checkStackSecrets("dev", dev, { nonInteractive: false, env: {} }).problems, []);
        });

        it("WHEN a self-managed backend is used THEN no Pulumi Cloud token is needed", () => {
            const env = { PULUMI_BACKEND_URL: "s3://state", PULUMI_CONFIG_PASSPHRASE: "p", KUBECONFIG: "/k" };
            assert.deepEqual(checkStackSecrets("dev", dev, { nonInteractive: true, env }).problems, []);
        });

        it("WHEN dev was initialised with KMS instead THEN the provider is reported", () => {
            const c = checkStackSecrets("dev", bootstrapped("dev", KMS), { nonInteractive: false, env: {} });
            assert.equal(c.problems.length, 1);
            assert.match(
                c.problems[0],
                /secrets provider: the dev environment uses the passphrase provider, found AWS KMS \(awskms:\/\/alias\/agent-platform-pulumi-prod\?region=us-east-1\)/,
            );
        });
    });

    describe("GIVEN a bootstrapped prod stack (AWS KMS provider)", () => {
        const prod = bootstrapped("prod", KMS);

        it("WHEN checked in CI with AWS credentials THEN it is ready", () => {
            assert.deepEqual(checkStackSecrets("prod", prod, { nonInteractive: true, env: CI_PROD }).problems, []);
        });

        it("WHEN checked in CI without AWS credentials THEN the OIDC role secrets are named", () => {
            const c = checkStackSecrets("prod", prod, { nonInteractive: true, env: { PULUMI_ACCESS_TOKEN: "x" } });
            assert.equal(c.problems.length, 1);
            assert.match(
                c.problems[0],
                /^AWS credentials: none in the environment, and Pulumi\.prod\.yaml needs them \(its secrets are encrypted with AWS KMS and it provisions EKS\); in CI the OIDC role comes from AWS_PREVIEW_ROLE_ARN \(preview\) or AWS_DEPLOY_ROLE_ARN \(deploy\)$/,
            );
        });

        it("WHEN prod uses a passphrase THEN the provider is reported (prod secrets are KMS-encrypted)", () => {
            const c = checkStackSecrets("prod", bootstrapped("prod", PASSPHRASE), { nonInteractive: false, env: {} });
            assert.equal(c.problems.length, 1);
            assert.match(c.problems[0], /^Pulumi\.prod\.yaml: secrets provider: the prod environment uses an AWS KMS key, found the passphrase provider/);
        });

        it("WHEN the KMS data key is missing THEN the secure values are reported undecryptable", () => {
            // prod's secure values come from AWS Secrets Manager; one set in the file all the same must still decrypt.
            const c = checkStackSecrets(
                "prod",
                { ...bootstrapped("prod", KMS, ["anthropicApiKey"]), encryptedkey: undefined },
                { nonInteractive: false, env: {} },
            );
            assert.equal(c.problems.length, 1);
            assert.match(c.problems[0], /^Pulumi\.prod\.yaml: encryptedkey: missing/);
        });
    });

    describe("secretsProviderOf", () => {
        it("reads the provider the way pulumi does", () => {
            assert.deepEqual(secretsProviderOf({}), { kind: "default" });
            assert.deepEqual(secretsProviderOf({ encryptionsalt: "v1:x" }), { kind: "passphrase" });
            assert.deepEqual(secretsProviderOf({ secretsprovider: "passphrase" }), { kind: "passphrase" });
            assert.deepEqual(secretsProviderOf({ secretsprovider: "default" }), { kind: "default" });
            assert.deepEqual(secretsProviderOf({ secretsprovider: KMS.secretsprovider }), { kind: "awskms", url: KMS.secretsprovider });
            assert.deepEqual(secretsProviderOf({ secretsprovider: "hashivault://k" }), { kind: "other", url: "hashivault://k" });
        });
    });

    describe("parseStackFile", () => {
        it("rejects a file that is not a stack settings mapping, naming the file and field", () => {
            assert.throws(
                () => parseStackFile("config: [", "Pulumi.x.yaml"),
                (e: Error) => e instanceof StackFileError && /^Pulumi\.x\.yaml: not valid YAML/.test(e.message),
            );
            assert.throws(() => parseStackFile("- a", "Pulumi.x.yaml"), /Pulumi\.x\.yaml: expected a mapping \(stack settings\), got a list/);
            assert.throws(() => parseStackFile("config: 3", "Pulumi.x.yaml"), /Pulumi\.x\.yaml: config: expected a mapping/);
            assert.throws(() => parseStackFile("encryptionsalt: 3", "Pulumi.x.yaml"), /Pulumi\.x\.yaml: encryptionsalt: expected a string/);
            assert.deepEqual(parseStackFile("", "Pulumi.x.yaml"), {});
        });
    });

    describe("the README's secret-key table", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");

        it("is the table generated from the schema and the committed stacks (npm run secrets:table -- --write)", () => {
            const b = readme.indexOf(TABLE_BEGIN);
            const e = readme.indexOf(TABLE_END);
            assert.ok(b >= 0 && e > b, "README.md: secret-key table markers missing");
            assert.equal(readme.slice(b + TABLE_BEGIN.length, e).trim(), readmeTable());
        });

        it("has one row per secure key the schema knows, with its readers and each stack's need", () => {
            const rows = readmeTable().split("\n").slice(2);
            assert.deepEqual(
                rows.map((r) => /^\| `(\w+)` \|/.exec(r)?.[1]),
                [...SECRET_KEYS],
            );
            for (const [i, key] of SECRET_KEYS.entries()) {
                const cells = rows[i]
                    .split("|")
                    .slice(1, -1)
                    .map((c) => c.trim());
                assert.deepEqual(
                    cells[1].split(", "),
                    readersOf(key).map((s) => `\`${s}\``),
                );
                // The prod regions take their secure values from AWS Secrets Manager (secrets.source externalSecrets): the cell names the secret.
                const cell = (stack: string) =>
                    requiredFor(stack).includes(key) ? "required" : neededFor(stack).includes(key) ? `Secrets Manager \`agent-platform/prod/${key}\`` : "—";
                assert.deepEqual(cells.slice(2), committedStacks().map(cell));
            }
        });

        it("GIVEN a schema key no stack requires WHEN tabled THEN it shows — for every stack", () => {
            const t = secretKeysTable([
                { name: "x", config: { environment: "dev", cluster: { provider: "existing", loadBalancers: true }, crds: {} } as never },
            ]);
            assert.ok(
                t
                    .split("\n")
                    .slice(2)
                    .every((r) => r.endsWith("| — |")),
            );
        });

        it("spliceTable replaces only the marked block, and names the markers when they are missing", () => {
            const text = `a\n${TABLE_BEGIN}\nold\n${TABLE_END}\nb\n`;
            assert.equal(spliceTable(text, "new"), `a\n${TABLE_BEGIN}\nnew\n${TABLE_END}\nb\n`);
            assert.throws(() => spliceTable("no markers", "t"), /README\.md: the secret-key table markers are missing/);
        });
    });

    describe("CLI (npm run secrets:check / secrets:table)", () => {
        async function run(argv: string[], body: (io: CliIo) => Promise<number>): Promise<{ code: number; out: string; err: string }> {
            let out = "";
            let err = "";
            const code = await body({
                stdout: (t) => {
                    out += t;
                },
                stderr: (t) => {
                    err += t;
                },
            });
            return { code, out, err };
        }
        const secretsCheck = (argv: string[], env: Record<string, string> = {}) =>
            run(argv, (io) => runCli(check.CLI, argv, (a, i) => check.secretsCheck(a, i, env), io));

        it("exits 2 with the usage on a bad command line", async () => {
            for (const argv of [[], ["--stack"], ["--stack", "dev", "--bogus"], ["--stack", "dev", "extra"]]) {
                const r = await secretsCheck(argv);
                assert.equal(r.code, 2, argv.join(" "));
                assert.match(r.err, /^secrets:check: .*\nusage: npm run secrets:check -- --stack NAME/, argv.join(" "));
            }
        });

        it("exits 1 naming the file for a stack without one", async () => {
            const r = await secretsCheck(["--stack", "staging"]);
            assert.equal(r.code, 1);
            assert.equal(r.err, "secrets:check: no stack file Pulumi.staging.yaml (stacks: dev, prod, prod-eu-west-1)\n");
        });

        it("exits 1 listing every problem of a committed stack that is not bootstrapped, on stderr only", async () => {
            const r = await secretsCheck(["--stack", "prod", "--non-interactive"]);
            assert.equal(r.code, 1);
            assert.equal(r.out, "");
            assert.equal(
                r.err,
                `secrets:check: ${formatSecretsCheck("prod", checkStackSecrets("prod", committed("prod"), { nonInteractive: true, env: {} }))}\n`,
            );
            assert.match(r.err, /PULUMI_ACCESS_TOKEN: not set/);
        });

        it("secrets:table prints the README table, and --write leaves an up-to-date README unchanged", async () => {
            const printed = await run([], (io) => runCli(table.CLI, [], (a, i) => table.secretsTable(a, i), io));
            assert.deepEqual([printed.code, printed.out], [0, readmeTable() + "\n"]);
            const copy = path.join(fs.mkdtempSync(path.join(require("os").tmpdir(), "readme-")), "README.md");
            fs.writeFileSync(copy, `# x\n${TABLE_BEGIN}\nstale\n${TABLE_END}\n`);
            const written = await run(["--write"], (io) => runCli(table.CLI, ["--write"], (a, i) => table.secretsTable(a, i, copy), io));
            assert.equal(written.code, 0);
            assert.equal(fs.readFileSync(copy, "utf8"), `# x\n${TABLE_BEGIN}\n${readmeTable()}\n${TABLE_END}\n`);
            assert.equal(written.err, "secrets:table: README.md: table rewritten\n");
        });
    });

    it("the committed stack files keep their YAML comments pointing at the README table", () => {
        for (const stack of committedStacks()) {
            const text = fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8");
            assert.match(text, /README "Secrets"/, stack);
            assert.ok(YAML.parse(text).config);
        }
    });
});
