/**
 * Compose variable interpolation, as pure functions.
 *
 * Forms (Compose specification, "Interpolation"): `$VAR`, `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, `${VAR:?message}`, `${VAR?message}`, `${VAR:+alt}`, `${VAR+alt}` and the
 * `$$` escape. Defaults and alternatives may themselves contain interpolations
 * (`${A:-${B:-x}}`) and are only evaluated when used.
 *
 * Where a variable's value comes from is layered, in the order seed 004 gives:
 * explicit value > stack settings > discovered infrastructure > the compose default.
 */

/** Which layer answered a variable. `default` means the compose file's own default was used. */
export type VariableSource = "explicit" | "settings" | "infrastructure";

export interface VariableLayers {
    /** Explicit values (component `env` / CLI `--env`, `--env-file`). Highest precedence. */
    explicit?: Record<string, string>;
    /** Stack configuration settings (seed 004: the settingsStore suggestion). */
    settings?: Record<string, string>;
    /** Values derived from discovered infrastructure (`REDIS_URL`, `MONGO_URL`, ...). */
    infrastructure?: Record<string, string>;
}

/**
 * Looks a variable up; `undefined` means unset (the compose default then applies).
 * `rebase`, when present, may combine a found value with the default it replaces
 * (used to keep a URL default's path when discovered infrastructure supplies the host).
 */
export type VariableLookup = ((name: string) => string | undefined) & {
    rebase?: (name: string, value: string, fallback: string) => string;
};

export const LAYER_ORDER: readonly VariableSource[] = ["explicit", "settings", "infrastructure"];

/** Resolves one variable through the layers, returning the value and the layer that answered. */
export function resolveVariable(name: string, layers: VariableLayers): { value: string; source: VariableSource } | undefined {
    for (const source of LAYER_ORDER) {
        const layer = layers[source];
        if (layer && Object.prototype.hasOwnProperty.call(layer, name)) return { value: layer[name], source };
    }
    return undefined;
}

/**
 * A lookup over the layers. When the infrastructure layer answers a `${VAR:-default}` whose
 * default is a URL, the discovered endpoint replaces only the default's host and port, keeping
 * its credentials, path and query (`mongodb://mongo:27017/app` keeps `/app`).
 */
export function layeredLookup(layers: VariableLayers): VariableLookup {
    const lookup: VariableLookup = (name) => resolveVariable(name, layers)?.value;
    lookup.rebase = (name, value, fallback) => (resolveVariable(name, layers)?.source === "infrastructure" ? rebaseUrl(value, fallback) : value);
    return lookup;
}

const URL_PARTS = /^([a-z][a-z0-9+.-]*):\/\/(?:([^/?#@]*)@)?([^/?#]*)(.*)$/i;

/**
 * Puts the endpoint of `discovered` into `original`, keeping `original`'s userinfo, path and
 * query when both are URLs of the same scheme; otherwise returns `discovered` unchanged.
 */
export function rebaseUrl(discovered: string, original: string): string {
    const d = URL_PARTS.exec(discovered);
    const o = URL_PARTS.exec(original);
    if (!d || !o || d[1].toLowerCase() !== o[1].toLowerCase()) return discovered;
    const userinfo = o[2] !== undefined ? `${o[2]}@` : "";
    const rest = o[4] !== "" ? o[4] : d[4];
    return `${o[1]}://${userinfo}${d[3]}${rest}`;
}

export class InterpolationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InterpolationError";
    }
}

export interface InterpolationResult {
    value: string;
    /** Every variable name that was looked up while producing `value` (sorted, unique). */
    variables: string[];
}

/** Deepest `${A:-${B:-...}}` nesting accepted: real files nest two or three levels; the limit keeps expansion linear. */
export const MAX_INTERPOLATION_DEPTH = 16;

/** A value for a message: quoted, one line, cut short (a long value may be a secret or a whole file). */
function shown(text: string): string {
    const quoted = JSON.stringify(text);
    return quoted.length <= 60 ? quoted : `${quoted.slice(0, 56)}…" (${text.length} characters)`;
}

const NAME_START = /[A-Za-z_]/;
const NAME_CHAR = /[A-Za-z0-9_]/;

/**
 * Interpolates one string with Compose semantics. Throws `InterpolationError` for a malformed
 * expression or a missing required variable (`${VAR:?msg}` / `${VAR?msg}`), naming the variable.
 */
export function interpolate(text: string, lookup: VariableLookup): InterpolationResult {
    const used = new Set<string>();
    const value = expand(text, lookup, used, 0);
    return { value, variables: [...used].sort() };
}

/** True when the string contains anything interpolation would change (`$`). */
export function hasInterpolation(text: string): boolean {
    return text.includes("$");
}

function expand(text: string, lookup: VariableLookup, used: Set<string>, depth: number): string {
    if (depth > MAX_INTERPOLATION_DEPTH) throw new InterpolationError(`interpolation nests deeper than ${MAX_INTERPOLATION_DEPTH} levels`);
    let out = "";
    let i = 0;
    while (i < text.length) {
        const c = text[i];
        if (c !== "$") {
            out += c;
            i++;
            continue;
        }
        const next = text[i + 1];
        if (next === "$") {
            out += "$";
            i += 2;
            continue;
        }
        if (next === "{") {
            const end = matchingBrace(text, i + 1);
            if (end < 0) throw new InterpolationError(`invalid interpolation format in ${shown(text)}: unterminated "\${"`);
            out += expandBraced(text.slice(i + 2, end), text, lookup, used, depth);
            i = end + 1;
            continue;
        }
        if (next !== undefined && NAME_START.test(next)) {
            let j = i + 1;
            while (j < text.length && NAME_CHAR.test(text[j])) j++;
            const name = text.slice(i + 1, j);
            used.add(name);
            out += lookup(name) ?? "";
            i = j;
            continue;
        }
        throw new InterpolationError(`invalid interpolation format in ${shown(text)}: a lone "$" must be written "$$"`);
    }
    return out;
}

/** Expands a default only to compare with a found value: never throws, records nothing. */
function expandQuietly(text: string, lookup: VariableLookup): string {
    try {
        return expand(text, lookup, new Set<string>(), 0);
    } catch {
        return "";
    }
}

/** Index of the `}` closing the `{` at `open`, honouring nested `${...}`; -1 when unterminated (or nested too deep). */
function matchingBrace(text: string, open: number): number {
    let depth = 0;
    for (let i = open; i < text.length; i++) {
        const c = text[i];
        if (c === "$" && text[i + 1] === "$") {
            i++;
            continue;
        }
        if (c === "{") {
            // Deeper than any accepted expansion: stop scanning (the caller reports the nesting).
            if (++depth > MAX_INTERPOLATION_DEPTH + 1) throw new InterpolationError(`interpolation nests deeper than ${MAX_INTERPOLATION_DEPTH} levels`);
        } else if (c === "}") {
            depth--;
            if (depth === 0) return i;
        }
    }
    return -1;
}

function expandBraced(body: string, whole: string, lookup: VariableLookup, used: Set<string>, depth: number): string {
    let j = 0;
    if (!NAME_START.test(body[0] ?? ""))
        throw new InterpolationError(`invalid interpolation format in ${shown(whole)}: ${shown(`\${${body}}`)} does not start with a variable name`);
    while (j < body.length && NAME_CHAR.test(body[j])) j++;
    const name = body.slice(0, j);
    const rest = body.slice(j);
    used.add(name);
    const raw = lookup(name);
    if (rest === "") return raw ?? "";

    const colon = rest.startsWith(":");
    const op = colon ? rest[1] : rest[0];
    const arg = rest.slice(colon ? 2 : 1);
    // With ':' the variable must be set AND non-empty; without it, merely set.
    const present = colon ? raw !== undefined && raw !== "" : raw !== undefined;
    switch (op) {
        case "-":
            if (!present) return expand(arg, lookup, used, depth + 1);
            return lookup.rebase ? lookup.rebase(name, raw as string, expandQuietly(arg, lookup)) : (raw as string);
        case "+":
            return present ? expand(arg, lookup, used, depth + 1) : "";
        case "?": {
            if (present) return raw as string;
            const message = expand(arg, lookup, used, depth + 1);
            const what = colon ? "required variable is missing or empty" : "required variable is missing";
            throw new InterpolationError(`${what}: ${name}${message ? ` (${message})` : ""}`);
        }
        default:
            throw new InterpolationError(`invalid interpolation format in ${shown(whole)}: unsupported modifier ${shown(rest)} after ${name}`);
    }
}

/**
 * Parses dotenv text (`KEY=VALUE` lines, `#` comments, optional `export `, single or double
 * quotes). Throws naming the line number on a malformed line.
 */
export function parseDotenv(text: string): Array<{ key: string; value: string; line: number }> {
    const out: Array<{ key: string; value: string; line: number }> = [];
    const lines = text.split(/\r?\n/);
    lines.forEach((rawLine, index) => {
        const line = rawLine.trim();
        if (line === "" || line.startsWith("#")) return;
        const body = line.startsWith("export ") ? line.slice(7).trimStart() : line;
        const eq = body.indexOf("=");
        const key = (eq < 0 ? body : body.slice(0, eq)).trim();
        if (eq < 0 || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key)) {
            throw new InterpolationError(`line ${index + 1}: expected KEY=VALUE, got "${line.length > 60 ? line.slice(0, 57) + "..." : line}"`);
        }
        let value = body.slice(eq + 1).trim();
        if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value[value.length - 1] === value[0]) {
            const quote = value[0];
            value = value.slice(1, -1);
            if (quote === '"') value = value.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
            // Single-quoted dotenv values are literal: escape '$' so interpolation leaves them alone.
            else value = value.replace(/\$/g, "$$$$");
        } else {
            const hash = value.search(/\s#/);
            if (hash >= 0) value = value.slice(0, hash).trimEnd();
        }
        out.push({ key, value, line: index + 1 });
    });
    return out;
}
