/**
 * Where a stack's secure config comes from, the Pulumi way: `pulumi config set --secret` writes
 * ciphertext into `Pulumi.<stack>.yaml`, encrypted with the stack's secrets provider (dev: a
 * passphrase, prod: an AWS KMS key). These pure functions check that a stack file is ready for a
 * non-interactive `pulumi preview`/`up` (CI runs them first) and generate the README's table of
 * secure keys from the config schema, so neither can drift from what the program reads.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError, Environment, PROJECT } from "agent-platform/config";
import { PlatformConfig, SECRET_KEYS, SYSTEMS, SystemKey, loadPlatformConfig, neededSecrets, requiredSecrets } from "../../stacks/config";
import { REPO_ROOT, readStackConfig } from "./render";

/** The secrets provider each environment's stack is initialised with (README "Secrets"). */
export const SECRETS_PROVIDER: Record<Environment, "passphrase" | "awskms"> = { dev: "passphrase", prod: "awskms" };

/** The fields of a stack settings file that matter here (Pulumi's stack settings reference). */
export interface StackFile {
    secretsprovider?: string;
    encryptedkey?: string;
    encryptionsalt?: string;
    config?: Record<string, unknown>;
}

export type SecretsProvider =
    | { kind: "passphrase" }
    | { kind: "awskms"; url: string }
    /** No provider recorded: Pulumi Cloud's service-managed key, or a passphrase on a self-managed backend. */
    | { kind: "default" }
    | { kind: "other"; url: string };

export class StackFileError extends Error {}

export function parseStackFile(text: string, file: string): StackFile {
    let doc: unknown;
    try {
        doc = YAML.parse(text);
    } catch (e) {
        throw new StackFileError(`${file}: not valid YAML: ${(e as Error).message}`);
    }
    if (doc === null || doc === undefined) return {};
    if (typeof doc !== "object" || Array.isArray(doc))
        throw new StackFileError(`${file}: expected a mapping (stack settings), got ${Array.isArray(doc) ? "a list" : typeof doc}`);
    const f = doc as Record<string, unknown>;
    if (f.config !== undefined && (typeof f.config !== "object" || f.config === null || Array.isArray(f.config))) {
        throw new StackFileError(`${file}: config: expected a mapping of keys to values`);
    }
    for (const k of ["secretsprovider", "encryptedkey", "encryptionsalt"] as const) {
        if (f[k] !== undefined && typeof f[k] !== "string") throw new StackFileError(`${file}: ${k}: expected a string`);
    }
    return f as StackFile;
}

/** What `pulumi` would decrypt this stack's secure values with. */
export function secretsProviderOf(f: StackFile): SecretsProvider {
    const sp = f.secretsprovider?.trim();
    if (!sp || sp === "default") return f.encryptionsalt ? { kind: "passphrase" } : { kind: "default" };
    if (sp === "passphrase") return { kind: "passphrase" };
    if (sp.startsWith("awskms://")) return { kind: "awskms", url: sp };
    return { kind: "other", url: sp };
}

function describe(p: SecretsProvider): string {
    switch (p.kind) {
        case "passphrase":
            return "the passphrase provider";
        case "awskms":
            return `AWS KMS (${p.url})`;
        case "default":
            return "no secrets provider (neither secretsprovider nor encryptionsalt)";
        case "other":
            return `secretsprovider ${p.url}`;
    }
}

/** Secure entries of the file (`key: {secure: ...}`), as fully qualified keys. */
function qualify(key: string): string {
    return key.includes(":") ? key : `${PROJECT}:${key}`;
}

function isSecure(v: unknown): boolean {
    return typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as { secure?: unknown }).secure === "string";
}

/** The config the engine would hand the program, with each secure value standing in encrypted. */
function rawConfig(f: StackFile): { raw: Record<string, string>; secure: Set<string> } {
    const raw: Record<string, string> = {};
    const secure = new Set<string>();
    for (const [k, v] of Object.entries(f.config ?? {})) {
        const key = qualify(k);
        if (isSecure(v)) {
            raw[key] = "<encrypted>";
            secure.add(key);
        } else {
            raw[key] = typeof v === "string" ? v : JSON.stringify(v);
        }
    }
    return { raw, secure };
}

export interface SecretsCheckOptions {
    /** Non-interactive run (CI): the decryption key must come from the environment, not a prompt. */
    nonInteractive: boolean;
    env: Record<string, string | undefined>;
}

export interface SecretsCheck {
    environment?: Environment;
    provider: SecretsProvider;
    /** Secure keys the file holds (unqualified, sorted). */
    secureKeys: string[];
    /** `key: rule` lines; empty when the stack is ready. */
    problems: string[];
}

/**
 * Checks that `pulumi preview`/`up` of `stack` can read every secret it needs: the file was
 * initialised with the environment's secrets provider, every secure key the enabled systems
 * require is stored encrypted (and nothing else is wrong with the config), and, when
 * non-interactive (CI), the passphrase, backend token, AWS credentials and kubeconfig the
 * stack needs are in the environment.
 */
export function checkStackSecrets(stack: string, f: StackFile, opts: SecretsCheckOptions): SecretsCheck {
    const file = `Pulumi.${stack}.yaml`;
    const problems: string[] = [];
    const provider = secretsProviderOf(f);
    const { raw, secure } = rawConfig(f);
    const secureKeys = [...secure].map((k) => k.slice(k.indexOf(":") + 1)).sort();

    try {
        loadPlatformConfig(raw, (k) => secure.has(k));
    } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        problems.push(...e.issues);
    }

    const envValue = raw[`${PROJECT}:environment`];
    const environment = envValue === "dev" || envValue === "prod" ? envValue : undefined;
    if (environment) {
        const want = SECRETS_PROVIDER[environment];
        if (provider.kind !== want) {
            problems.push(
                want === "passphrase"
                    ? `${file}: secrets provider: the ${environment} environment uses the passphrase provider, found ${describe(provider)} ` +
                          `(pulumi stack init ${stack} --secrets-provider passphrase writes encryptionsalt; commit the file)`
                    : `${file}: secrets provider: the ${environment} environment uses an AWS KMS key, found ${describe(provider)} ` +
                          `(pulumi stack change-secrets-provider --stack ${stack} "awskms://alias/<key>?region=<region>"; commit the file)`,
            );
        } else if (provider.kind === "awskms" && secure.size > 0 && !f.encryptedkey) {
            problems.push(
                `${file}: encryptedkey: missing, so the secure values cannot be decrypted (re-run pulumi stack change-secrets-provider and set the secrets again)`,
            );
        }
    }

    const passphrase = provider.kind === "passphrase" || (environment !== undefined && SECRETS_PROVIDER[environment] === "passphrase");
    if (opts.nonInteractive && passphrase && !opts.env.PULUMI_CONFIG_PASSPHRASE && !opts.env.PULUMI_CONFIG_PASSPHRASE_FILE) {
        problems.push(
            `PULUMI_CONFIG_PASSPHRASE: not set, so ${file}'s secure values cannot be decrypted without a prompt (CI secret PULUMI_CONFIG_PASSPHRASE)`,
        );
    }
    if (opts.nonInteractive) problems.push(...credentialProblems(file, raw, provider, environment, opts.env));
    return { environment, provider, secureKeys, problems };
}

function clusterOf(raw: Record<string, string>): { provider?: unknown; kubeconfig?: unknown } {
    try {
        return JSON.parse(raw[`${PROJECT}:cluster`] ?? "{}") ?? {};
    } catch {
        return {};
    }
}

/** What a run without prompts or a logged-in CLI needs in its environment. */
function credentialProblems(
    file: string,
    raw: Record<string, string>,
    provider: SecretsProvider,
    environment: Environment | undefined,
    env: SecretsCheckOptions["env"],
): string[] {
    const problems: string[] = [];
    if (!env.PULUMI_BACKEND_URL && !env.PULUMI_ACCESS_TOKEN) {
        problems.push("PULUMI_ACCESS_TOKEN: not set, and no PULUMI_BACKEND_URL: the Pulumi Cloud backend needs a token (CI secret PULUMI_ACCESS_TOKEN)");
    }
    const cluster = clusterOf(raw);
    const kms = provider.kind === "awskms" || (environment !== undefined && SECRETS_PROVIDER[environment] === "awskms");
    const why = [kms ? "its secrets are encrypted with AWS KMS" : "", cluster.provider === "eks" ? "it provisions EKS" : ""].filter(Boolean).join(" and ");
    const awsCredentials =
        env.AWS_ACCESS_KEY_ID ||
        env.AWS_PROFILE ||
        env.AWS_WEB_IDENTITY_TOKEN_FILE ||
        env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
        env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI;
    if (why && !awsCredentials) {
        problems.push(
            `AWS credentials: none in the environment, and ${file} needs them (${why}); in CI the OIDC role comes from AWS_PREVIEW_ROLE_ARN (preview) or AWS_DEPLOY_ROLE_ARN (deploy)`,
        );
    }
    if (cluster.provider === "existing" && cluster.kubeconfig === undefined && !env.KUBECONFIG) {
        problems.push(`KUBECONFIG: not set, and ${file} deploys into an existing cluster through the current kubeconfig (CI secret DEV_KUBECONFIG)`);
    }
    return problems;
}

export function formatSecretsCheck(stack: string, c: SecretsCheck): string {
    if (c.problems.length === 0) {
        return `stack ${stack}: ${describe(c.provider)}, ${c.secureKeys.length} secure key${c.secureKeys.length === 1 ? "" : "s"} (${c.secureKeys.join(", ") || "none"})`;
    }
    const n = c.problems.length;
    return `stack ${stack} cannot be previewed or deployed (${n} problem${n === 1 ? "" : "s"}; README "Secrets", docs/ci.md):\n  - ${c.problems.join("\n  - ")}`;
}

/** The systems that read `key` (SYSTEMS order). */
export function readersOf(key: string): SystemKey[] {
    return (Object.keys(SYSTEMS) as SystemKey[]).filter((s) => (SYSTEMS[s].secrets as readonly string[]).includes(key));
}

/**
 * The README's table: every secure key the schema knows, who reads it, and whether each stack's
 * committed config requires it (`—`: the reading systems are disabled, or their section does not
 * need it, e.g. `midProxyPassword` without proxy credentials).
 */
export function secretKeysTable(stacks: { name: string; config: PlatformConfig }[]): string {
    const required = stacks.map((s) => new Set(requiredSecrets(s.config).map((r) => r.key)));
    // secrets.source externalSecrets: the value lives in AWS Secrets Manager as <prefix><key>.
    const external = stacks.map((s) => new Set(s.config.secrets?.source === "externalSecrets" ? neededSecrets(s.config).map((r) => r.key) : []));
    const cell = (i: number, key: string) =>
        required[i].has(key) ? "required" : external[i].has(key) ? `Secrets Manager \`${stacks[i].config.secrets.prefix}${key}\`` : "—";
    const head = `| secure key | read by | ${stacks.map((s) => s.name).join(" | ")} |`;
    const rule = `|---|---|${stacks.map(() => "---|").join("")}`;
    const rows = SECRET_KEYS.map(
        (key) =>
            `| \`${key}\` | ${readersOf(key)
                .map((s) => `\`${s}\``)
                .join(", ")} | ${stacks.map((_, i) => cell(i, key)).join(" | ")} |`,
    );
    return [head, rule, ...rows].join("\n");
}

export const TABLE_BEGIN = "<!-- secret-keys:begin (generated by `npm run secrets:table -- --write` from stacks/config.ts) -->";
export const TABLE_END = "<!-- secret-keys:end -->";

/** `text` with the block between the markers replaced by `table`; throws when the markers are missing. */
export function spliceTable(text: string, table: string): string {
    const b = text.indexOf(TABLE_BEGIN);
    const e = text.indexOf(TABLE_END);
    if (b < 0 || e < b) throw new StackFileError(`README.md: the secret-key table markers are missing (${TABLE_BEGIN} ... ${TABLE_END})`);
    return `${text.slice(0, b + TABLE_BEGIN.length)}\n${table}\n${text.slice(e)}`;
}

/** The stacks with a committed settings file (`Pulumi.<name>.yaml`), in name order. */
export function committedStacks(root = REPO_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

/** The README table for the committed stacks (secure values stand in as placeholders). */
export function readmeTable(root = REPO_ROOT): string {
    return secretKeysTable(
        committedStacks(root).map((name) => {
            const c = readStackConfig(path.join(root, `Pulumi.${name}.yaml`));
            return { name, config: loadPlatformConfig(c.values, (k) => c.secretKeys.includes(k)) };
        }),
    );
}
