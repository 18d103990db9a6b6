/**
 * Secrets are not hardcoded (seed checklists 000/001/003). Pulumi secrets reach policies as
 * plaintext, so these are name/value heuristics on literals, not a taint analysis.
 */
import { countedRule } from "../lib/counted";
import { allContainers, isKind, Json, K8sObject } from "../lib/k8s";
import { podRule } from "../lib/pod";
import { PlatformRule, resourceRule } from "../lib/rule";

// Names kube-linter env-var-secret and Polaris sensitiveContainerEnvVar treat as sensitive.
export const SENSITIVE_NAME =
    /(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|bearer|access[_-]?key|auth[_-]?key|session[_-]?key|signing[_-]?key|client[_-]?secret|dsn|key[_-]?content|(^|_)key$)/i;
// Names that only point at a secret (a path, file or id), never hold one.
export const REFERENCE_NAME = /(_FILE|_PATH|_DIR|_NAME|_KEY_ID|_ID|_URL_TEMPLATE|_ENABLED|_TTL|_EXPIRY|_TIMEOUT|_LENGTH)$/i;
// Values that are secrets whatever the name: PEM keys, AWS/GitHub/Slack/OpenAI/Anthropic token formats,
// URLs with embedded passwords.
export const SECRET_VALUE = [
    /(?<!-)-{3,}\s*BEGIN [A-Z ]*PRIVATE KEY\s*-{3,}/,
    /\bAKIA[0-9A-Z]{16}\b/,
    /\bgh[pousr]_[A-Za-z0-9]{30,}\b/,
    /\bxox[abpr]-[A-Za-z0-9-]{10,}/,
    /\bsk-(ant-)?[A-Za-z0-9_-]{20,}/,
    { test: urlWithPassword },
];

const SCHEME_CHAR = /[a-z0-9+.-]/i;
const STOP_USER = /[/\s:@]/;
const STOP_PASSWORD = /[/\s@]/;

/**
 * Whether `v` holds `scheme://user:password@` anywhere: the regex
 * /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i in one left-to-right pass. The regex backtracks
 * quadratically on long values (a 64 KB ConfigMap value took 6.6 s); here each character is read
 * at most twice (the scheme run before a "://" and the userinfo after it end at ":" or "/").
 */
function urlWithPassword(v: string): boolean {
    for (let p = v.indexOf("://"); p !== -1; p = v.indexOf("://", p + 1)) {
        let letter = false;
        for (let i = p - 1; i >= 0 && SCHEME_CHAR.test(v[i]); i--) if (/[a-z]/i.test(v[i])) letter = true;
        if (!letter) continue;
        let i = p + 3;
        while (i < v.length && !STOP_USER.test(v[i])) i++;
        if (i === p + 3 || v[i] !== ":") continue;
        const start = ++i;
        while (i < v.length && !STOP_PASSWORD.test(v[i])) i++;
        if (i > start && v[i] === "@") return true;
    }
    return false;
}
/** Values that are placeholders, not secrets (`${VAR}`, `<redacted>`, `changeme`-style markers are NOT placeholders). */
const PLACEHOLDER = /^(\$\{[^}]+\}|\$\([^)]+\)|<[^>]*>|\*+|\[redacted\]|)$/i;

/** Whether a literal `value` under `key` looks like a hardcoded secret. */
export function looksSecret(key: string, value: Json): string | undefined {
    if (typeof value !== "string" && typeof value !== "number") return undefined;
    const v = String(value).trim();
    if (PLACEHOLDER.test(v)) return undefined;
    const pattern = SECRET_VALUE.find((re) => re.test(v));
    if (pattern) return "its value matches a credential format";
    if (SENSITIVE_NAME.test(key) && !REFERENCE_NAME.test(key) && !/^(true|false|\d{1,6})$/i.test(v))
        return "its name marks it as sensitive and it holds a literal value";
    return undefined;
}

export const secretRules: PlatformRule[] = [
    podRule({
        name: "sec-no-literal-secret-env",
        area: "secrets",
        description: "No container env var holds a literal secret (sensitive name with a literal value, or a credential-shaped value).",
        severity: "critical",
        enforcementLevel: "advisory",
        remediationSteps:
            "Move the value into a Secret (AgentService/ComposeApp do this for sensitive keys) and reference it with valueFrom.secretKeyRef or envFrom.",
        defaults: { allowNames: [] as string[] },
        knobs: { allowNames: "env var names exempt from the name heuristic" },
        check: (pod, _obj, cfg) => {
            const out: string[] = [];
            for (const r of allContainers(pod.spec)) {
                for (const e of r.container.env ?? []) {
                    if (e?.value === undefined || cfg.allowNames.includes(e.name)) continue;
                    const why = looksSecret(String(e.name), e.value);
                    if (why) out.push(`${r.label} env ${e.name} looks like a hardcoded secret: ${why}`);
                }
            }
            return out;
        },
    }),
    resourceRule({
        name: "sec-no-secret-in-configmap",
        area: "secrets",
        description: "ConfigMaps hold no secret-looking data (sensitive keys with literal values, credential-shaped values).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Move the key into a Secret; keep ConfigMaps for non-sensitive configuration.",
        defaults: { allowKeys: [] as string[] },
        knobs: { allowKeys: "ConfigMap keys exempt from the name heuristic" },
        appliesTo: (t) => isKind(t, ["ConfigMap"]),
        check: (props: K8sObject, cfg) => {
            const out: string[] = [];
            for (const [k, v] of Object.entries(props.data ?? {})) {
                if (cfg.allowKeys.includes(k)) continue;
                const why = looksSecret(k, v);
                if (why) out.push(`key ${k} looks like a secret: ${why}`);
            }
            return out;
        },
    }),
    countedRule({
        name: "sec-external-secret-source",
        area: "secrets",
        description:
            "Secret objects come from an external provider (ExternalSecret/CSI) rather than literals in the program. Reported once per stack, with a count.",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps:
            'Create an ExternalSecret (external-secrets.io) backed by AWS Secrets Manager, or annotate the Secret agent-platform.io/generated: "true" when its value is generated (@pulumi/random).',
        kinds: ["Secret"],
        finding: "Secrets hold literal data set in the program (stack config secrets) instead of coming from an external secret store",
        check: (props: K8sObject) => {
            const type = props.type ?? "Opaque";
            if (["kubernetes.io/service-account-token", "kubernetes.io/tls"].includes(type)) return [];
            if (props.metadata?.annotations?.["agent-platform.io/generated"] === "true") return [];
            const keys = [...Object.keys(props.stringData ?? {}), ...Object.keys(props.data ?? {})];
            return keys.length ? [`holds literal data (${keys.sort().join(", ")}) defined in the program`] : [];
        },
    }),
    podRule({
        name: "sec-secret-as-file",
        area: "secrets",
        description: "Secrets reach containers as mounted files rather than environment variables (EKS best practices).",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Mount the Secret as a volume and point the app at the file (e.g. PASSWORD_FILE).",
        check: (pod) => {
            const out: string[] = [];
            for (const r of allContainers(pod.spec)) {
                for (const e of r.container.env ?? []) {
                    if (e?.valueFrom?.secretKeyRef) out.push(`${r.label} reads secret ${e.valueFrom.secretKeyRef.name} into env ${e.name}`);
                }
                for (const f of r.container.envFrom ?? []) {
                    if (f?.secretRef) out.push(`${r.label} loads secret ${f.secretRef.name} into its environment`);
                }
            }
            return out;
        },
    }),
];
