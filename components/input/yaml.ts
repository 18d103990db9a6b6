/**
 * YAML parsing with explicit limits, for every YAML file a user hands in (stack configs, compose
 * files, deployment options): a size limit checked before parsing, a nesting-depth limit (flow
 * depth checked by the linear lexer before the recursive composer runs, block depth on the parsed
 * tree), an alias-expansion limit (billion-laughs documents), and unique keys (checked in linear time). Every failure is
 * one `InputError` line with the position and the rule; the offending text is never echoed.
 */
import * as YAML from "yaml";
import { InputError } from "./files";

export interface YamlLimits {
    /** Largest accepted text, in UTF-16 code units (about bytes for YAML). @default 4 MiB */
    maxBytes?: number;
    /** Deepest accepted nesting of mappings and lists. @default 64 */
    maxDepth?: number;
    /** Alias expansion budget (the yaml library's `maxAliasCount`). @default 1000 */
    maxAliasCount?: number;
}

export interface YamlParseOptions extends YamlLimits {
    /** Accept `<<` merge keys (compose files use them with anchors). @default false */
    merge?: boolean;
}

export const YAML_DEFAULT_LIMITS: Required<YamlLimits> = { maxBytes: 4 * 1024 * 1024, maxDepth: 64, maxAliasCount: 1000 };

/** The depth of `[`/`{` flow collections, from the lexer (linear, no recursion); stops past `limit`. */
function flowDepthExceeds(text: string, limit: number): boolean {
    // Cheap bound first: fewer opening brackets than the limit cannot nest deeper than it.
    let opens = 0;
    for (let i = 0; i < text.length && opens <= limit; i++) {
        const c = text.charCodeAt(i);
        if (c === 0x5b || c === 0x7b) opens++;
    }
    if (opens <= limit) return false;
    let depth = 0;
    for (const token of new YAML.Lexer().lex(text)) {
        if (token === "[" || token === "{") {
            if (++depth > limit) return true;
        } else if (token === "]" || token === "}") depth--;
    }
    return false;
}

/**
 * Walks the parsed node tree once, iteratively (aliases not followed): returns its depth, and
 * throws on a duplicate mapping key (checked here with a set: the yaml library's own `uniqueKeys`
 * compares every pair, quadratic in the keys of a mapping) or on an alias inside the node it
 * refers to (`&a [*a]`), which would make the value circular.
 */
function checkTree(doc: YAML.Document.Parsed, lineCounter: YAML.LineCounter, merge: boolean): number {
    let max = 0;
    const stack: Array<[unknown, number]> = [[doc.contents, 0]];
    while (stack.length > 0) {
        const [node, depth] = stack.pop()!;
        if (YAML.isMap(node)) {
            const seen = new Set<string>();
            for (const pair of node.items) {
                const k = pair.key;
                if (!YAML.isScalar(k)) continue;
                if (merge && k.value === "<<") continue;
                const id = `${typeof k.value}:${String(k.value)}`;
                if (seen.has(id)) {
                    const pos = lineCounter.linePos(k.range?.[0] ?? 0);
                    throw new InputError(`invalid YAML at line ${pos.line}, column ${pos.col}: Map keys must be unique`);
                }
                seen.add(id);
            }
        }
        if (YAML.isAlias(node)) {
            const target = node.resolve(doc);
            if (target?.range && node.range && node.range[0] >= target.range[0] && node.range[0] < target.range[2]) {
                throw new InputError(`YAML alias *${node.source} refers to a node that contains it (a circular value)`);
            }
        } else if (YAML.isCollection(node)) {
            const d = depth + 1;
            if (d > max) max = d;
            for (const item of node.items) stack.push([item, d]);
        } else if (YAML.isPair(node)) {
            stack.push([node.key, depth], [node.value, depth]);
        }
    }
    return max;
}

/** The first line of a yaml library message, without its trailing position and code frame. */
function firstLine(message: string): string {
    return message
        .split("\n")[0]
        .replace(/ at line \d+, column \d+:?$/, "")
        .trim();
}

/**
 * Parses one YAML document within limits; returns its plain JS value (`undefined` for an empty
 * document). Throws `InputError` naming the position and the rule.
 */
export function parseYaml(text: string, options: YamlParseOptions = {}): unknown {
    const limits = { ...YAML_DEFAULT_LIMITS, ...definedOnly(options) };
    if (text.length > limits.maxBytes) throw new InputError(`YAML text is ${text.length} characters, over the ${limits.maxBytes} limit`);
    if (flowDepthExceeds(text, limits.maxDepth)) throw new InputError(`YAML nests deeper than ${limits.maxDepth} levels`);
    const lineCounter = new YAML.LineCounter();
    const merge = options.merge ?? false;
    const doc = YAML.parseDocument(text, { merge, uniqueKeys: false, prettyErrors: false, lineCounter, strict: true });
    if (doc.errors.length > 0) {
        const e = doc.errors[0];
        if (e.code === "RESOURCE_EXHAUSTION") throw new InputError(`YAML nests deeper than ${limits.maxDepth} levels`);
        const pos = lineCounter.linePos(e.pos[0]);
        const rule = e.code === "MULTIPLE_DOCS" ? "the file must hold one YAML document, found another after `---`" : firstLine(e.message);
        throw new InputError(`invalid YAML at line ${pos.line}, column ${pos.col}: ${rule}`);
    }
    if (checkTree(doc, lineCounter, merge) > limits.maxDepth) throw new InputError(`YAML nests deeper than ${limits.maxDepth} levels`);
    try {
        return doc.toJS({ maxAliasCount: limits.maxAliasCount });
    } catch (e) {
        if (/excessive alias count/i.test((e as Error).message))
            throw new InputError(`YAML aliases expand beyond the limit of ${limits.maxAliasCount} nodes (an alias bomb?)`);
        throw new InputError(`invalid YAML: ${firstLine((e as Error).message)}`);
    }
}

function definedOnly<T extends object>(o: T): Partial<T> {
    return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
