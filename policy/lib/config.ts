/**
 * The pack config schema: `{"all": level, "<rule>": level | {enforcementLevel?, reason?,
 * exemptions?, ...knobs}}`. One validator serves `policy:check --config`, the CrossGuard pack
 * (each policy checks the knobs the engine hands it) and the program's in-process gate, so a
 * typo is the same error everywhere: it names the key and the rule it breaks.
 */
import type { EnforcementLevel } from "@pulumi/policy";
import { parseQuantity } from "./k8s";

export const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/** `{ name, reason, expires? }`: a resource a rule deliberately does not judge, and why. */
export interface Exemption {
    /** `namespace/name`, a cluster-scoped name, or the Pulumi name of a non-Kubernetes resource. */
    name: string;
    reason: string;
    /** `YYYY-MM-DD`: from the day after, the exemption is a violation and the resource is judged again. */
    expires?: string;
}

/** Knobs every rule takes besides its own. */
export const UNIVERSAL_KNOBS = {
    exemptions: "resources this rule deliberately does not judge: [{name: namespace/name, reason, expires?: YYYY-MM-DD}]",
    reason: "why the rule is set to this level; required when it is disabled",
} as const;

export type KnobCheck = (value: unknown) => string | undefined;

/** What the validator needs to know about a rule. */
export interface RuleSchema {
    name: string;
    /** Knob defaults: their JSON types are the knobs' types. */
    defaults: Record<string, unknown>;
    /** Extra constraints per knob (enum, quantity, range); return a message when broken. */
    checks?: Record<string, KnobCheck>;
    /** Whole-config constraints given the effective level (e.g. a list that must not be empty while enabled). */
    whenEnabled?: (knobs: Record<string, unknown>) => { key: string; message: string }[];
}

export interface ConfigProblem {
    /** `rule.knob[0].reason`, or `rule` / `all` */
    path: string;
    message: string;
}

/**
 * Pulumi's language host prints an error carrying this brand (what `pulumi.RunError` sets) as
 * its message alone, without a stack trace: errors the user fixes in a file need no trace.
 */
export function asRunError<E extends Error>(e: E): E {
    Object.defineProperty(e, "__pulumiRunError", { value: true, enumerable: false });
    return e;
}

/** Thrown for an invalid pack config; the message lists every problem, one per line. */
export class PackConfigError extends Error {
    constructor(
        public readonly source: string,
        public readonly problems: ConfigProblem[],
    ) {
        super(
            `invalid policy pack config ${source} (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n${problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n")}`,
        );
        this.name = "PackConfigError";
        asRunError(this);
    }
}

function jsonType(v: unknown): string {
    if (Array.isArray(v)) return "array";
    if (v === null) return "null";
    if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
    return typeof v;
}

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
        for (let j = 1; j <= b.length; j++) {
            d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
        }
    return d[a.length][b.length];
}

function suggest(key: string, known: string[]): string {
    if (key.length > 200) return "";
    const best = known.map((k) => [k, distance(key.toLowerCase(), k.toLowerCase())] as const).sort((x, y) => x[1] - y[1])[0];
    return best && best[1] <= Math.max(2, Math.floor(key.length / 4)) ? ` (did you mean ${best[0]}?)` : "";
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A `YYYY-MM-DD` that is a real calendar day. */
export function isIsoDate(s: string): boolean {
    const m = DATE.exec(s);
    if (!m) return false;
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** Problems of an `exemptions` list (as given, before defaults). */
export function exemptionProblems(path: string, value: unknown): ConfigProblem[] {
    if (!Array.isArray(value)) return [{ path, message: `must be a list of {name, reason, expires?}, got ${jsonType(value)}` }];
    const out: ConfigProblem[] = [];
    const seen = new Set<string>();
    value.forEach((e, i) => {
        const p = `${path}[${i}]`;
        if (!e || typeof e !== "object" || Array.isArray(e)) {
            out.push({ path: p, message: `must be {name, reason, expires?}, got ${jsonType(e)}` });
            return;
        }
        const o = e as Record<string, unknown>;
        for (const k of Object.keys(o))
            if (!["name", "reason", "expires"].includes(k))
                out.push({ path: `${p}.${k}`, message: `unknown field${suggest(k, ["name", "reason", "expires"])}; an exemption is {name, reason, expires?}` });
        if (typeof o.name !== "string" || o.name.trim() === "")
            out.push({ path: `${p}.name`, message: "required: namespace/name (or cluster-scoped name, or Pulumi name) of the exempt resource" });
        else if (seen.has(o.name)) out.push({ path: `${p}.name`, message: `${o.name} is exempted twice` });
        else seen.add(o.name);
        if (typeof o.reason !== "string" || o.reason.trim() === "")
            out.push({ path: `${p}.reason`, message: "required: an exemption states why the rule does not apply" });
        if (o.expires !== undefined && (typeof o.expires !== "string" || !isIsoDate(o.expires)))
            out.push({ path: `${p}.expires`, message: `must be a date YYYY-MM-DD, got ${JSON.stringify(o.expires)}` });
    });
    return out;
}

/**
 * Problems of one rule's knobs (what the engine hands a policy, or a config entry without
 * enforcementLevel). `given` holds only the knobs the config sets unless `merged` (then the
 * defaults are in it too and are not reported).
 */
export function knobProblems(rule: RuleSchema, given: Record<string, unknown>, level: EnforcementLevel): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    const knownKnobs = [...Object.keys(rule.defaults), ...Object.keys(UNIVERSAL_KNOBS)];
    for (const [k, v] of Object.entries(given)) {
        const path = `${rule.name}.${k}`;
        if (k === "exemptions") {
            out.push(...exemptionProblems(path, v));
            continue;
        }
        if (k === "reason") {
            if (typeof v !== "string") out.push({ path, message: `must be a string, got ${jsonType(v)}` });
            continue;
        }
        if (!(k in rule.defaults)) {
            const hint = k === "exemptNames" ? ' (exemptions are [{name, reason, expires?}] under "exemptions")' : suggest(k, knownKnobs);
            out.push({ path, message: `unknown setting${hint}; ${rule.name} takes ${knownKnobs.join(", ")}` });
            continue;
        }
        const want = jsonType(rule.defaults[k]);
        const got = jsonType(v);
        const ok = want === got || (want === "number" && got === "integer");
        if (!ok) {
            out.push({
                path,
                message: `must be ${want === "integer" ? "an integer" : `a${/^[aeiou]/.test(want) ? "n" : ""} ${want}`}, got ${got} ${JSON.stringify(v)}`,
            });
            continue;
        }
        if (want === "array") {
            const bad = (v as unknown[]).findIndex((x) => typeof x !== "string");
            if (bad >= 0) {
                out.push({ path: `${path}[${bad}]`, message: `must be a string, got ${jsonType((v as unknown[])[bad])}` });
                continue;
            }
        }
        const extra = rule.checks?.[k]?.(v);
        if (extra) out.push({ path, message: extra });
    }
    if (level === "disabled" && !(typeof given.reason === "string" && given.reason.trim() !== "")) {
        out.push({ path: `${rule.name}.reason`, message: "required when a rule is disabled: say why it does not apply to this stack" });
    }
    if (level !== "disabled" && rule.whenEnabled) {
        const knobs = { ...rule.defaults, ...given };
        for (const p of rule.whenEnabled(knobs)) out.push({ path: `${rule.name}.${p.key}`, message: p.message });
    }
    return out;
}

function levelProblem(path: string, v: unknown): ConfigProblem | undefined {
    return typeof v === "string" && (LEVELS as string[]).includes(v)
        ? undefined
        : { path, message: `must be one of ${LEVELS.join(", ")}, got ${JSON.stringify(v)}` };
}

/** Effective level of a rule under a (valid) config: per-rule, else `all`, else the rule's own. */
export function levelOf(rule: { name: string; enforcementLevel?: EnforcementLevel }, config: Record<string, unknown>): EnforcementLevel {
    const c = config[rule.name];
    const own = typeof c === "string" ? c : (c as { enforcementLevel?: EnforcementLevel } | undefined)?.enforcementLevel;
    const all = config.all;
    const allLevel = typeof all === "string" ? all : (all as { enforcementLevel?: EnforcementLevel } | undefined)?.enforcementLevel;
    const valid = (l: unknown) => ((LEVELS as unknown[]).includes(l) ? (l as EnforcementLevel) : undefined);
    return valid(own) ?? valid(allLevel) ?? rule.enforcementLevel ?? "advisory";
}

/** Every problem of a whole pack config file. */
export function configProblems(config: unknown, rules: (RuleSchema & { enforcementLevel?: EnforcementLevel })[]): ConfigProblem[] {
    if (!config || typeof config !== "object" || Array.isArray(config))
        return [{ path: "(root)", message: `must be a JSON object of rule settings, got ${jsonType(config)}` }];
    const c = config as Record<string, unknown>;
    const out: ConfigProblem[] = [];
    const byName = new Map(rules.map((r) => [r.name, r]));
    const names = [...byName.keys()];
    for (const [key, v] of Object.entries(c)) {
        if (key === "all") {
            if (typeof v === "string") {
                const p = levelProblem("all", v);
                if (p) out.push(p);
                continue;
            }
            if (!v || typeof v !== "object" || Array.isArray(v)) {
                out.push({ path: "all", message: `must be a level or {enforcementLevel}, got ${jsonType(v)}` });
                continue;
            }
            for (const k of Object.keys(v))
                if (k !== "enforcementLevel") out.push({ path: `all.${k}`, message: "unknown setting; all takes only enforcementLevel" });
            const p = levelProblem("all.enforcementLevel", (v as Record<string, unknown>).enforcementLevel);
            if (p) out.push(p);
            continue;
        }
        const rule = byName.get(key);
        if (!rule) {
            out.push({ path: key, message: `unknown rule${suggest(key, names)}; npm run policy:check -- --list shows every rule` });
            continue;
        }
        if (typeof v === "string") {
            const p = levelProblem(key, v);
            if (p) {
                out.push(p);
                continue;
            }
        } else if (!v || typeof v !== "object" || Array.isArray(v)) {
            out.push({ path: key, message: `must be a level or an object of settings, got ${jsonType(v)}` });
            continue;
        } else if ((v as Record<string, unknown>).enforcementLevel !== undefined) {
            const p = levelProblem(`${key}.enforcementLevel`, (v as Record<string, unknown>).enforcementLevel);
            if (p) {
                out.push(p);
                continue;
            }
        }
        const { enforcementLevel: _l, ...knobs } = typeof v === "string" ? {} : (v as Record<string, unknown>);
        out.push(...knobProblems(rule, knobs, levelOf(rule, c)));
    }
    // Rules the config leaves at a level that needs settings (e.g. "all": "mandatory" turning on an empty allow-list).
    for (const r of rules) {
        if (key(c, r.name) || !r.whenEnabled || levelOf(r, c) === "disabled") continue;
        for (const p of r.whenEnabled({ ...r.defaults })) out.push({ path: `${r.name}.${p.key}`, message: p.message });
    }
    return out;
}

function key(c: Record<string, unknown>, k: string): boolean {
    return Object.prototype.hasOwnProperty.call(c, k);
}

/** Throws PackConfigError unless the config is valid; returns it typed. */
export function validatePackConfig<T>(config: unknown, rules: (RuleSchema & { enforcementLevel?: EnforcementLevel })[], source: string): T {
    const problems = configProblems(config, rules);
    if (problems.length) throw new PackConfigError(source, problems);
    return config as T;
}

/** Common knob checks. */
export const knobChecks = {
    oneOf:
        (values: readonly string[]): KnobCheck =>
        (v) =>
            values.includes(v as string) ? undefined : `must be one of ${values.join(", ")}, got ${JSON.stringify(v)}`,
    quantity: (v: unknown) =>
        typeof v === "string" && parseQuantity(v) !== undefined && parseQuantity(v)! >= 0
            ? undefined
            : `must be a Kubernetes quantity such as 1Gi, got ${JSON.stringify(v)}`,
    atLeast:
        (min: number): KnobCheck =>
        (v) =>
            (v as number) >= min ? undefined : `must be >= ${min}, got ${v}`,
};
