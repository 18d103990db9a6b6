/**
 * Splitting a service's environment into ConfigMap (plain) and Secret (sensitive) entries.
 *
 * A variable is sensitive when any of these holds:
 *  1. its name matches a secret pattern (seed 004 list, case-insensitive, configurable);
 *  2. its value is a URL carrying a password (`scheme://user:pass@host`);
 *  3. its value was interpolated from a variable whose name matches a secret pattern
 *     (`DATABASE_URL=postgres://app:${DB_PASSWORD}@db`), or from a tainted variable
 *     (explicit secret values, explicit values that are Pulumi Outputs).
 */

/**
 * seed 004: `*_API_KEY`, `*_KEY`, `*_PASSWORD`, `*_PASS`, `*_TOKEN`, `*_CREDENTIALS`, `*_SECRET`;
 * plus the bare names (`PASSWORD`, `TOKEN`, ...) which the suffix patterns miss.
 */
export const DEFAULT_SECRET_PATTERNS: readonly string[] = [
    "*_API_KEY",
    "*_KEY",
    "*_PASSWORD",
    "*_PASS",
    "*_TOKEN",
    "*_CREDENTIALS",
    "*_SECRET",
    "API_KEY",
    "PASSWORD",
    "TOKEN",
    "SECRET",
    "CREDENTIALS",
];

/**
 * Compiles glob patterns (`*` = any run of characters) into one case-insensitive matcher. Matching
 * is by plain string search (prefix, suffix, then each middle part leftmost in order), never a
 * backtracking regex, so a pattern like `*A*A*A*` stays linear on long names.
 */
export function secretNameMatcher(patterns: readonly string[] = DEFAULT_SECRET_PATTERNS): (name: string) => boolean {
    const globs = patterns.map((p) => {
        if (p.trim() === "") throw new Error(`secret pattern must not be empty`);
        return p.toLowerCase().split("*");
    });
    return (name) => {
        const lower = name.toLowerCase();
        return globs.some((parts) => globMatch(parts, lower));
    };
}

/** `parts` is a glob split at `*`; greedy leftmost placement of the middle parts is exact for `*`-only globs. */
function globMatch(parts: readonly string[], text: string): boolean {
    if (parts.length === 1) return text === parts[0];
    const first = parts[0];
    const last = parts[parts.length - 1];
    if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
    let at = first.length;
    const end = text.length - last.length;
    for (let i = 1; i < parts.length - 1; i++) {
        const found = text.indexOf(parts[i], at);
        if (found < 0 || found + parts[i].length > end) return false;
        at = found + parts[i].length;
    }
    return true;
}

/** `scheme://user:password@host...` — a URL with a password in its userinfo. */
const URL_WITH_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:[^/\s@]+@/i;

export function urlHasPassword(value: string): boolean {
    return URL_WITH_PASSWORD.test(value);
}

export type SecretReason = "name" | "url-credentials" | "references-secret" | "tainted-input";

export interface EnvClassification {
    secret: boolean;
    reason?: SecretReason;
    /** The variable that made it secret, for `references-secret` / `tainted-input`. */
    via?: string;
}

export interface ClassifyOptions {
    isSecretName: (name: string) => boolean;
    /** Variables whose values are secret regardless of their names. */
    tainted?: ReadonlySet<string>;
}

/** Decides where one environment variable goes. Pure; the reason is reported for review output. */
export function classifyEnv(name: string, value: string, variables: readonly string[], options: ClassifyOptions): EnvClassification {
    if (options.isSecretName(name)) return { secret: true, reason: "name" };
    const tainted = options.tainted ?? new Set<string>();
    if (tainted.has(name)) return { secret: true, reason: "tainted-input", via: name };
    for (const v of variables) {
        if (tainted.has(v)) return { secret: true, reason: "tainted-input", via: v };
        if (options.isSecretName(v)) return { secret: true, reason: "references-secret", via: v };
    }
    if (urlHasPassword(value)) return { secret: true, reason: "url-credentials" };
    return { secret: false };
}

export interface EnvValue {
    name: string;
    value: string;
    /** Variables interpolated into the value (for taint tracking). */
    variables: readonly string[];
}

export interface SplitEnv {
    config: Record<string, string>;
    secrets: Record<string, string>;
    reasons: Record<string, EnvClassification>;
}

/** Splits resolved env into ConfigMap data and Secret stringData, keys sorted for stable output. */
export function splitEnv(entries: readonly EnvValue[], options: ClassifyOptions): SplitEnv {
    const config: Record<string, string> = {};
    const secrets: Record<string, string> = {};
    const reasons: Record<string, EnvClassification> = {};
    for (const e of [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
        const c = classifyEnv(e.name, e.value, e.variables, options);
        reasons[e.name] = c;
        if (c.secret) secrets[e.name] = e.value;
        else config[e.name] = e.value;
    }
    return { config, secrets, reasons };
}
