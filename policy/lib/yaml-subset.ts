/**
 * An exact reader for the YAML that `npm run render` writes (the `yaml` library's `stringify`
 * of one object: block mappings and sequences, one-line plain and quoted scalars, `[]`/`{}`,
 * collection anchors and flat aliases), and for kubectl-style manifests in the same form.
 *
 * It reads the subset in one pass over the lines, several times faster than js-yaml, and gives
 * up (undefined) on anything outside it: block scalars, multi-line scalars, flow collections
 * with content, tags, comments, blank lines, tabs, keys that resolve to non-strings, duplicate
 * keys, nested aliases... Then the general parsers (policy/lib/load.ts) decide. Where it returns
 * values they are the `yaml` library's (YAML 1.2 core schema), aliases included as shared
 * references; tests/unit/policy/yaml-subset.test.ts checks that against the library.
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

/** Parser state: the document's lines, the next unread one, anchors and the alias budget. */
class Reader {
    i: number;
    readonly anchors = new Map<string, Anchor>();
    aliases = 0;
    /** Anchors whose node is being read; an alias inside one makes it nested. */
    readonly open: Anchor[] = [];

    constructor(
        readonly lines: string[],
        start: number,
        readonly end: number,
        readonly maxAliasCount: number,
    ) {
        this.i = start;
    }

    /** Indentation of line `i`; gives up on a blank line or a comment. */
    indent(i: number): number {
        const line = this.lines[i];
        let n = 0;
        while (line.charCodeAt(n) === 32) n++;
        if (n === line.length || line.charCodeAt(n) === 35 /* # */) giveUp();
        return n;
    }

    /** A block collection starting on line `i` at column `col`. */
    block(col: number, sameIndentParent: boolean): Json {
        return isSeqItem(this.lines[this.i], col) ? this.sequence(col, sameIndentParent) : this.mapping(col, col);
    }

    /** A block mapping whose keys sit at column `col`; the first key starts at `first` on the current line. */
    mapping(col: number, first: number): Json {
        const obj: Record<string, Json> = {};
        let start = first;
        for (;;) {
            const line = this.lines[this.i];
            const [key, after] = this.key(line, start);
            if (Object.prototype.hasOwnProperty.call(obj, key)) giveUp();
            obj[key] = this.value(line, after, col, true);
            if (this.i >= this.end) break;
            const ind = this.indent(this.i);
            if (ind < col) break;
            if (ind > col) giveUp();
            start = col;
        }
        return obj;
    }

    /** A mapping key at `start`; returns it and the index just past its `:`. */
    key(line: string, start: number): [string, number] {
        const c = line.charCodeAt(start);
        let key: string;
        let colon: number;
        if (c === 34 /* " */ || c === 39 /* ' */) {
            const [k, endQ] = c === 34 ? doubleQuoted(line, start) : singleQuoted(line, start);
            if (line.charCodeAt(endQ) !== 58 /* : */) giveUp();
            key = k;
            colon = endQ;
        } else {
            colon = line.indexOf(": ", start);
            if (colon < 0) {
                if (line.charCodeAt(line.length - 1) !== 58) giveUp();
                colon = line.length - 1;
            }
            key = line.slice(start, colon);
            if (key.length > 1024 || !PLAIN_KEY.test(key) || key.includes(" #") || key === "<<" || typeof resolvePlain(key) !== "string") giveUp();
        }
        if (key === "__proto__") giveUp();
        const next = colon + 1;
        if (next < line.length && line.charCodeAt(next) !== 32) giveUp();
        return [key, next];
    }

    /**
     * The value after a key's `:` (`from`) or a sequence item's `-`: inline on this line, or a
     * nested block on the next lines (a sequence may sit at the key's own column `col`).
     * Leaves `i` on the first line after the value.
     */
    value(line: string, from: number, col: number, inMapping: boolean): Json {
        let j = from;
        while (line.charCodeAt(j) === 32) j++;
        if (j === line.length) {
            this.i++;
            return this.nested(col, inMapping);
        }
        const c = line.charCodeAt(j);
        let v: Json;
        if (c === 34 || c === 39) {
            const [s, endQ] = c === 34 ? doubleQuoted(line, j) : singleQuoted(line, j);
            if (endQ !== line.length) giveUp();
            v = s;
        } else if (c === 42 /* * */) {
            v = this.alias(line.slice(j + 1));
        } else if (c === 38 /* & */) {
            const name = line.slice(j + 1);
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
            if (line.length !== j + 2 || line.charCodeAt(j + 1) !== c + 2) giveUp(); // only [] and {}
            v = c === 91 ? [] : {};
        } else {
            const s = j === 0 ? line : line.slice(j);
            if (!PLAIN_START.test(s) || s.includes(": ") || s.includes(" #") || s.charCodeAt(s.length - 1) === 58 || s.charCodeAt(s.length - 1) === 32)
                giveUp();
            v = resolvePlain(s);
        }
        this.i++;
        return v;
    }

    /** What follows `key:` with nothing after it: a block more indented, a sequence at `col` in a mapping, or null. */
    nested(col: number, inMapping: boolean): Json {
        if (this.i >= this.end) return null;
        const ind = this.indent(this.i);
        if (ind > col) return this.block(ind, false);
        if (ind === col && inMapping && isSeqItem(this.lines[this.i], ind)) return this.sequence(ind, true);
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
        for (;;) {
            const line = this.lines[this.i];
            if (!isSeqItem(line, col)) {
                if (sameIndentParent) break;
                giveUp();
            }
            let c = col + 1;
            while (line.charCodeAt(c) === 32) c++;
            if (c === line.length) giveUp(); // `-` alone: an item on the next lines
            const ch = line.charCodeAt(c);
            if (ch === 45 /* - */ && (c + 1 === line.length || line.charCodeAt(c + 1) === 32)) giveUp(); // `- -`
            if (ch === 38 /* & */) giveUp();
            out.push(startsMapping(line, c) ? this.mapping(c, c) : this.value(line, c, col, false));
            if (this.i >= this.end) break;
            const ind = this.indent(this.i);
            if (ind < col) break;
            if (ind > col) giveUp();
        }
        return out;
    }
}

function isSeqItem(line: string, col: number): boolean {
    return line.charCodeAt(col) === 45 && (line.length === col + 1 || line.charCodeAt(col + 1) === 32);
}

/** Whether a sequence item's content at `c` is a mapping entry (`key: ...`, `key:`, `"key": ...`). */
function startsMapping(line: string, c: number): boolean {
    const ch = line.charCodeAt(c);
    if (ch === 34 || ch === 39) {
        const [, endQ] = ch === 34 ? doubleQuoted(line, c) : singleQuoted(line, c);
        return endQ < line.length;
    }
    if (ch === 42 || ch === 91 || ch === 123) return false;
    return line.indexOf(": ", c) >= 0 || line.charCodeAt(line.length - 1) === 58;
}

/** A one-line double-quoted scalar at `start`: its value and the index after the closing quote. */
function doubleQuoted(line: string, start: number): [string, number] {
    let out = "";
    let run = start + 1;
    for (let j = run; j < line.length; j++) {
        const c = line.charCodeAt(j);
        if (c === 34) return [out + line.slice(run, j), j + 1];
        if (c !== 92 /* \ */) continue;
        out += line.slice(run, j);
        const e = line[j + 1];
        const simple = e === undefined ? undefined : ESCAPES[e];
        if (simple !== undefined && Object.prototype.hasOwnProperty.call(ESCAPES, e)) {
            out += simple;
            j++;
        } else if (e === "x" || e === "u" || e === "U") {
            const n = e === "x" ? 2 : e === "u" ? 4 : 8;
            const hex = line.slice(j + 2, j + 2 + n);
            if (hex.length !== n || !/^[0-9a-fA-F]+$/.test(hex)) giveUp();
            const code = parseInt(hex, 16);
            if (code > 0x10ffff) giveUp();
            out += String.fromCodePoint(code);
            j += 1 + n;
        } else giveUp();
        run = j + 1;
    }
    return giveUp(); // not closed on this line
}

/** A one-line single-quoted scalar at `start` (`''` is a quote): its value and the index after the closing quote. */
function singleQuoted(line: string, start: number): [string, number] {
    let out = "";
    let run = start + 1;
    for (;;) {
        const q = line.indexOf("'", run);
        if (q < 0) giveUp();
        if (line.charCodeAt(q + 1) === 39) {
            out += line.slice(run, q + 1);
            run = q + 2;
            continue;
        }
        return [out + line.slice(run, q), q + 1];
    }
}

/**
 * The documents of `text` if it is in the manifest subset (documents separated by `---` lines,
 * each a block mapping or sequence at column 0); undefined otherwise. `maxAliasCount` bounds
 * the aliases (the `yaml` library's limit; none may be nested).
 */
export function manifestYamlValues(text: string, maxAliasCount: number): Json[] | undefined {
    if (text.length === 0 || FOREIGN.test(text)) return undefined;
    const lines = text.split("\n");
    if (lines[lines.length - 1] === "") lines.pop();
    const docs: Json[] = [];
    try {
        let start = lines[0] === "---" ? 1 : 0;
        for (let i = start; i <= lines.length; i++) {
            if (i < lines.length) {
                const l = lines[i];
                const c = l.charCodeAt(0);
                if (!((c === 45 && l.startsWith("---")) || (c === 46 && l.startsWith("...")))) continue;
                if (l !== "---") return undefined;
            }
            if (i === start) return undefined; // an empty document
            const r = new Reader(lines, start, i, maxAliasCount);
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
