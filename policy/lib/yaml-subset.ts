/**
 * An exact reader for the YAML that `npm run render` writes (the `yaml` library's `stringify`
 * of one object: block mappings and sequences, plain scalars (folded over several lines too),
 * one-line quoted scalars, literal and folded block scalars, `[]`/`{}`, collection anchors and
 * flat aliases), and for kubectl-style manifests in the same form.
 *
 * It reads the subset in one pass over the lines, several times faster than js-yaml, and gives
 * up (undefined) on anything outside it: multi-line quoted scalars, flow collections with
 * content, tags, comments, blank lines between entries, tabs, keys that resolve to non-strings,
 * duplicate keys, nested aliases... Then the general parsers (policy/lib/load.ts) decide. Where
 * it returns values they are the `yaml` library's (YAML 1.2 core schema), aliases included as
 * shared references; tests/unit/policy/yaml-subset.test.ts checks that against the library.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

/**
 * The YAML 1.2 core schema's plain scalars (null, bool, int, float) as the `yaml` library
 * resolves them: `1_000`, `0b1`, `yes` and dates stay strings. Shared with the js-yaml path.
 */
export const CORE_PLAIN_SCALARS: readonly { tag: string; test: RegExp; construct: (s: string) => Json }[] = [
    { tag: "null", test: /^(?:~|[Nn]ull|NULL)?$/, construct: () => null },
    { tag: "bool", test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, construct: (s) => s[0] === "t" || s[0] === "T" },
    {
        tag: "int",
        test: /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/,
        construct: (s) => (s.startsWith("0o") ? parseInt(s.slice(2), 8) : s.startsWith("0x") ? parseInt(s.slice(2), 16) : parseInt(s, 10)),
    },
    {
        tag: "float",
        test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?)$/,
        construct: (s) => (/nan$/i.test(s) ? NaN : /inf$/i.test(s) ? (s[0] === "-" ? -Infinity : Infinity) : parseFloat(s)),
    },
];

/** Thrown to give a text up to the general parsers. */
const GIVE_UP = new Error("outside the manifest subset");
function giveUp(): never {
    throw GIVE_UP;
}

/**
 * Characters the subset never holds: tabs, CR, C0/C1 controls, BOM, non-characters, surrogates
 * (the general parsers handle non-BMP text), line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const FOREIGN = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]/;
/** A plain key the subset reads: no indicator anywhere, no leading `-`, no trailing blank or `:`. */
const PLAIN_KEY = /^[^-?:,[\]{}#&*!|>'"%@`\s](?:[^,[\]{}#&*!|>'"%@`]*[^,[\]{}#&*!|>'"%@`\s:])?$/;
const ANCHOR_NAME = /^[A-Za-z0-9_-]+$/;
/** First characters a plain value may start with (the rest: quoted, alias, anchor, `[]`, `{}`, or give up). */
const PLAIN_START = /^[^-?:,[\]{}#&*!|>'"%@`\s]|^-[^-\s]/;
/** First characters of a plain scalar that may resolve to something other than a string. */
const MAY_RESOLVE = /^[-+.~0-9nNtTfF]/;

const ESCAPES: Record<string, string> = {
    "0": "\0",
    a: "\x07",
    b: "\b",
    e: "\x1b",
    f: "\f",
    n: "\n",
    r: "\r",
    t: "\t",
    v: "\v",
    N: "\u0085",
    _: "\u00a0",
    L: "\u2028",
    P: "\u2029",
    " ": " ",
    '"': '"',
    "/": "/",
    "\\": "\\",
};

function resolvePlain(s: string): Json {
    if (!MAY_RESOLVE.test(s)) return s;
    for (const t of CORE_PLAIN_SCALARS) if (t.test.test(s)) return t.construct(s);
    return s;
}

interface Anchor {
    value: Json;
    done: boolean;
    hasAlias: boolean;
}

/**
 * Parser state: the text and its lines (start and end offsets, no line strings: most of a line
 * is never copied), the next unread line, anchors and the alias budget. Positions are offsets
 * into the text; a column is an offset minus its line's start.
 */
class Reader {
    i: number;
    readonly anchors = new Map<string, Anchor>();
    aliases = 0;
    /** Anchors whose node is being read; an alias inside one makes it nested. */
    readonly open: Anchor[] = [];

    constructor(
        readonly endsWithNewline: boolean,
        readonly text: string,
        readonly starts: number[],
        readonly ends: number[],
        start: number,
        readonly end: number,
        readonly maxAliasCount: number,
    ) {
        this.i = start;
    }

    /** Indentation of line `i`; gives up on a blank line or a comment. */
    indent(i: number): number {
        const t = this.text;
        const ls = this.starts[i];
        const le = this.ends[i];
        let p = ls;
        while (p < le && t.charCodeAt(p) === 32) p++;
        if (p === le || t.charCodeAt(p) === 35 /* # */) giveUp();
        return p - ls;
    }

    /** Whether the current line holds a sequence item's `-` at column `col`. */
    seqItemAt(col: number): boolean {
        const p = this.starts[this.i] + col;
        const le = this.ends[this.i];
        return this.text.charCodeAt(p) === 45 && (p + 1 === le || this.text.charCodeAt(p + 1) === 32);
    }

    /** A block collection starting on the current line at column `col`. */
    block(col: number, sameIndentParent: boolean): Json {
        return this.seqItemAt(col) ? this.sequence(col, sameIndentParent) : this.mapping(col, this.starts[this.i] + col);
    }

    /** A block mapping whose keys sit at column `col`; the first key starts at offset `first` on the current line. */
    mapping(col: number, first: number): Json {
        const obj: Record<string, Json> = {};
        let start = first;
        for (;;) {
            const after = this.key(start);
            const key = this.lastKey;
            if (Object.prototype.hasOwnProperty.call(obj, key)) giveUp();
            obj[key] = this.value(after, col, true);
            if (this.i >= this.end) break;
            const ind = this.indent(this.i);
            if (ind < col) break;
            if (ind > col) giveUp();
            start = this.starts[this.i] + col;
        }
        return obj;
    }

    /** The key `key` read last (a field, not a returned pair: one allocation less per entry). */
    lastKey = "";

    /** A mapping key at offset `start` of the current line (into `lastKey`); returns the offset just past its `:`. */
    key(start: number): number {
        const t = this.text;
        const le = this.ends[this.i];
        const c = t.charCodeAt(start);
        let key: string;
        let colon: number;
        if (c === 34 /* " */ || c === 39 /* ' */) {
            colon = c === 34 ? doubleQuoted(t, start, le) : singleQuoted(t, start, le);
            key = quoted;
            if (colon >= le || t.charCodeAt(colon) !== 58 /* : */) giveUp();
        } else {
            colon = t.indexOf(": ", start);
            if (colon < 0 || colon >= le) {
                if (t.charCodeAt(le - 1) !== 58) giveUp();
                colon = le - 1;
            }
            key = t.slice(start, colon);
            if (key.length > 1024 || !PLAIN_KEY.test(key) || key.includes(" #") || key === "<<" || typeof resolvePlain(key) !== "string") giveUp();
        }
        if (key.length > 1024 || key === "__proto__") giveUp();
        const next = colon + 1;
        if (next < le && t.charCodeAt(next) !== 32) giveUp();
        this.lastKey = key;
        return next;
    }

    /**
     * The value at offset `from` of the current line, after a key's `:` or a sequence item's `-`:
     * inline on this line, or a nested block on the next lines (a sequence may sit at the key's
     * own column `col`). Leaves `i` on the first line after the value.
     */
    value(from: number, col: number, inMapping: boolean): Json {
        const t = this.text;
        const le = this.ends[this.i];
        let j = from;
        while (j < le && t.charCodeAt(j) === 32) j++;
        if (j === le) {
            this.i++;
            return this.nested(col, inMapping);
        }
        const c = t.charCodeAt(j);
        let v: Json;
        if (c === 34 || c === 39) {
            const endQ = c === 34 ? doubleQuoted(t, j, le) : singleQuoted(t, j, le);
            if (endQ !== le) giveUp();
            v = quoted;
        } else if (c === 42 /* * */) {
            v = this.alias(t.slice(j + 1, le));
        } else if (c === 38 /* & */) {
            const name = t.slice(j + 1, le);
            if (!ANCHOR_NAME.test(name) || this.anchors.has(name)) giveUp();
            this.i++;
            if (this.i >= this.end || this.indent(this.i) <= col) giveUp(); // an anchored null or scalar: not in the subset
            const anchor: Anchor = { value: undefined, done: false, hasAlias: false };
            this.open.push(anchor);
            anchor.value = this.block(this.indent(this.i), false);
            this.open.pop();
            if (anchor.hasAlias) giveUp(); // a nested alias: the yaml library's budget decides
            anchor.done = true;
            this.anchors.set(name, anchor);
            return anchor.value;
        } else if (c === 91 /* [ */ || c === 123 /* { */) {
            if (le !== j + 2 || t.charCodeAt(j + 1) !== c + 2) giveUp(); // only [] and {}
            v = c === 91 ? [] : {};
        } else if ((c === 124 /* | */ || c === 62) /* > */ && (le === j + 1 || (le === j + 2 && t.charCodeAt(j + 1) === 45))) {
            return this.blockScalar(c === 62, le === j + 2, col);
        } else {
            const s = t.slice(j, le);
            if (!PLAIN_START.test(s) || !plainLine(s)) giveUp();
            this.i++;
            // More-indented lines continue a plain scalar: each line break folds into a space.
            if (this.i < this.end && this.indent(this.i) > col) return this.continued(s, col);
            return resolvePlain(s);
        }
        this.i++;
        return v;
    }

    /** A plain scalar whose first line is `first`, continued on the lines indented more than `col`. */
    continued(first: string, col: number): Json {
        const t = this.text;
        let s = first;
        while (this.i < this.end && this.indent(this.i) > col) {
            const le = this.ends[this.i];
            const line = t.slice(this.starts[this.i] + this.indent(this.i), le);
            if (!plainLine(line) || line === "-" || line.startsWith("- ")) giveUp();
            s += " " + line;
            this.i++;
        }
        return resolvePlain(s);
    }

    /**
     * A literal (`|`, `|-`) or folded (`>`, `>-`) block scalar whose header ends the current
     * line: its lines are the next ones indented more than `col` (empty lines included). Gives up
     * on explicit indentation, keep chomping, and leading or space-only lines.
     */
    blockScalar(folded: boolean, strip: boolean, col: number): string {
        const t = this.text;
        this.i++;
        if (this.i >= this.end) giveUp();
        const n = this.indent(this.i);
        if (n <= col) giveUp();
        const lines: string[] = [];
        let last = this.i; // the line after the last content line
        for (let i = this.i; i < this.end; i++) {
            const ls = this.starts[i];
            const le = this.ends[i];
            if (ls === le) {
                lines.push("");
                continue;
            }
            let p = ls;
            while (p < le && t.charCodeAt(p) === 32) p++;
            if (p === le) giveUp(); // spaces only
            if (p - ls < n) break;
            lines.push(t.slice(ls + n, le));
            last = i + 1;
        }
        // Trailing empty lines belong to the scalar and are chomped (clip and strip drop them).
        lines.length = last - this.i;
        let end = last;
        while (end < this.end && this.starts[end] === this.ends[end]) end++;
        if (last === this.starts.length && !this.endsWithNewline) giveUp(); // the last line has no line break to clip
        this.i = end;
        let body: string;
        if (!folded) body = lines.join("\n");
        else {
            // Folding (YAML 1.2 8.1.3): a break between two lines that start with text is a space, or
            // dropped before empty lines (each one a break); around a more-indented line it is kept.
            body = lines[0];
            let empties = 0;
            let prevSpaced = lines[0].charCodeAt(0) === 32;
            for (let k = 1; k < lines.length; k++) {
                const l = lines[k];
                if (l === "") {
                    empties++;
                    continue;
                }
                const spaced = l.charCodeAt(0) === 32;
                body += (prevSpaced || spaced ? "\n".repeat(empties + 1) : empties ? "\n".repeat(empties) : " ") + l;
                empties = 0;
                prevSpaced = spaced;
            }
        }
        return strip ? body : body + "\n";
    }

    /** What follows `key:` with nothing after it: a block more indented, a sequence at `col` in a mapping, or null. */
    nested(col: number, inMapping: boolean): Json {
        if (this.i >= this.end) return null;
        const ind = this.indent(this.i);
        if (ind > col) return this.block(ind, false);
        if (ind === col && inMapping && this.seqItemAt(ind)) return this.sequence(ind, true);
        if (!inMapping) giveUp(); // an empty sequence item: the parsers differ on it
        return null;
    }

    alias(name: string): Json {
        const anchor = this.anchors.get(name);
        if (!anchor || !anchor.done || anchor.hasAlias || ++this.aliases > this.maxAliasCount) giveUp();
        for (const a of this.open) a.hasAlias = true;
        return anchor.value;
    }

    /** A block sequence with its `-` at column `col`; `sameIndentParent`: it is a mapping value at the key's column. */
    sequence(col: number, sameIndentParent: boolean): Json[] {
        const out: Json[] = [];
        const t = this.text;
        for (;;) {
            if (!this.seqItemAt(col)) {
                if (sameIndentParent) break;
                giveUp();
            }
            const le = this.ends[this.i];
            let c = this.starts[this.i] + col + 1;
            while (c < le && t.charCodeAt(c) === 32) c++;
            if (c === le) giveUp(); // `-` alone: an item on the next lines
            const ch = t.charCodeAt(c);
            if (ch === 45 /* - */ && (c + 1 === le || t.charCodeAt(c + 1) === 32)) giveUp(); // `- -`
            if (ch === 38 /* & */) giveUp();
            out.push(startsMapping(t, c, le) ? this.mapping(c - this.starts[this.i], c) : this.value(c, col, false));
            if (this.i >= this.end) break;
            const ind = this.indent(this.i);
            if (ind < col) break;
            if (ind > col) giveUp();
        }
        return out;
    }
}

/** A plain scalar's line in block context: no `: ` or ` #` in it, no `:` or blank at its end. */
function plainLine(s: string): boolean {
    const last = s.charCodeAt(s.length - 1);
    return !s.includes(": ") && !s.includes(" #") && last !== 58 && last !== 32;
}

/** Whether a sequence item's content at offset `c` (line end `le`) is a mapping entry (`key: ...`, `key:`, `"key": ...`). */
function startsMapping(t: string, c: number, le: number): boolean {
    const ch = t.charCodeAt(c);
    if (ch === 34 || ch === 39) return (ch === 34 ? doubleQuoted(t, c, le) : singleQuoted(t, c, le)) < le;
    if (ch === 42 || ch === 91 || ch === 123) return false;
    const colon = t.indexOf(": ", c);
    return (colon >= 0 && colon < le) || t.charCodeAt(le - 1) === 58;
}

/** The value of the quoted scalar read last by doubleQuoted or singleQuoted. */
let quoted = "";

/** A one-line double-quoted scalar at offset `start` (line end `end`): its value into `quoted`; returns the offset after the closing quote. */
function doubleQuoted(line: string, start: number, end: number): number {
    let out = "";
    let run = start + 1;
    for (let j = run; j < end; j++) {
        const c = line.charCodeAt(j);
        if (c === 34) {
            quoted = out + line.slice(run, j);
            return j + 1;
        }
        if (c !== 92 /* \ */) continue;
        out += line.slice(run, j);
        const e = j + 1 < end ? line[j + 1] : undefined;
        const simple = e === undefined ? undefined : ESCAPES[e];
        if (simple !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, e!)) {
            out += simple;
            j++;
        } else if (e === "x" || e === "u" || e === "U") {
            const n = e === "x" ? 2 : e === "u" ? 4 : 8;
            if (j + 2 + n > end) giveUp();
            const hex = line.slice(j + 2, j + 2 + n);
            if (!/^[0-9a-fA-F]+$/.test(hex)) giveUp();
            const code = parseInt(hex, 16);
            if (code > 0x10ffff) giveUp();
            out += String.fromCodePoint(code);
            j += 1 + n;
        } else giveUp();
        run = j + 1;
    }
    return giveUp(); // not closed on this line
}

/** A one-line single-quoted scalar at offset `start` (`''` is a quote): its value into `quoted`; returns the offset after the closing quote. */
function singleQuoted(line: string, start: number, end: number): number {
    let out = "";
    let run = start + 1;
    for (;;) {
        const q = line.indexOf("'", run);
        if (q < 0 || q >= end) giveUp();
        if (q + 1 < end && line.charCodeAt(q + 1) === 39) {
            out += line.slice(run, q + 1);
            run = q + 2;
            continue;
        }
        quoted = out + line.slice(run, q);
        return q + 1;
    }
}

/**
 * The documents of `text` if it is in the manifest subset (documents separated by `---` lines,
 * each a block mapping or sequence at column 0); undefined otherwise. `maxAliasCount` bounds
 * the aliases (the `yaml` library's limit; none may be nested).
 */
export function manifestYamlValues(text: string, maxAliasCount: number): Json[] | undefined {
    if (text.length === 0 || FOREIGN.test(text)) return undefined;
    const starts: number[] = [];
    const ends: number[] = [];
    for (let p = 0; p < text.length;) {
        const nl = text.indexOf("\n", p);
        const e = nl < 0 ? text.length : nl;
        starts.push(p);
        ends.push(e);
        p = e + 1;
    }
    const lines = starts.length;
    const docs: Json[] = [];
    const isMarker = (i: number) => ends[i] - starts[i] === 3 && text.startsWith("---", starts[i]);
    try {
        let start = lines > 0 && isMarker(0) ? 1 : 0;
        for (let i = start; i <= lines; i++) {
            if (i < lines) {
                const c = text.charCodeAt(starts[i]);
                if (!((c === 45 && text.startsWith("---", starts[i])) || (c === 46 && text.startsWith("...", starts[i])))) continue;
                if (!isMarker(i)) return undefined;
            }
            if (i === start) return undefined; // an empty document
            const r = new Reader(text.endsWith("\n"), text, starts, ends, start, i, maxAliasCount);
            if (r.indent(start) !== 0) return undefined;
            docs.push(r.block(0, false));
            if (r.i !== i) return undefined;
            start = i + 1;
        }
    } catch (e) {
        if (e === GIVE_UP || e instanceof RangeError) return undefined;
        throw e;
    }
    return docs;
}
