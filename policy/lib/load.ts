/**
 * Loads resources for `policy:check`: multi-document YAML (files or directories, `kind: List`
 * expanded) and `cloud-resources.json` (`[{type, name, inputs}]`, written by `npm run render`).
 */
import * as fs from "fs";
import * as path from "path";
import * as jsYaml from "js-yaml";
import { parseAllDocuments } from "yaml";
import { allRules } from "../rules/all";
import { validatePackConfig } from "./config";
import { fromK8sObject, InputResource, PackConfig, urnFor } from "./harness";
import { PlatformRule, resourceRef } from "./rule";
import { CLUSTER_SCOPED_KINDS, Json, K8sObject, parseK8sType } from "./k8s";
import { CORE_PLAIN_SCALARS, manifestYamlValues } from "./yaml-subset";

export const CLOUD_RESOURCES_FILE = "cloud-resources.json";

export class InputError extends Error {}

/** Input limits: a file's size, and the alias expansions one YAML document may make (billion laughs). */
export const INPUT_LIMITS = { maxFileBytes: 64 * 1024 * 1024, maxAliasCount: 1000 };

/** Strict UTF-8 (a BOM is dropped); one decoder serves every file. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes of an open file of `size` bytes (fstat's), as readFileSync reads them without its second fstat. */
function readAll(fd: number, size: number): Buffer {
    if (size === 0) return fs.readFileSync(fd); // /proc-like files report 0 and are read to EOF
    const buf = Buffer.allocUnsafe(size);
    let n = 0;
    while (n < size) {
        const r = fs.readSync(fd, buf, n, size - n, null);
        if (r === 0) break;
        n += r;
    }
    return n < size ? buf.subarray(0, n) : buf;
}

/**
 * A regular file's text, or what else the file is (FIFO, socket, device): opened non-blocking so
 * a FIFO never waits for a writer, size-limited before reading, UTF-8 strictly.
 */
function readRegular(file: string): { text: string } | { notRegular: string } {
    let fd: number;
    try {
        fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
    } catch (e) {
        throw new InputError(`${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory" : (e as Error).message}`);
    }
    try {
        const st = fs.fstatSync(fd);
        if (!st.isFile())
            return {
                notRegular: st.isFIFO()
                    ? "a FIFO"
                    : st.isSocket()
                      ? "a socket"
                      : st.isCharacterDevice() || st.isBlockDevice()
                        ? "a device"
                        : "not a regular file",
            };
        if (st.size > INPUT_LIMITS.maxFileBytes) throw new InputError(`${file}: ${st.size} bytes, over the ${INPUT_LIMITS.maxFileBytes}-byte limit per file`);
        const bytes = readAll(fd, st.size);
        try {
            return { text: UTF8.decode(bytes) };
        } catch {
            throw new InputError(`${file}: not UTF-8 text`);
        }
    } finally {
        fs.closeSync(fd);
    }
}

/** The core schema's plain scalars (CORE_PLAIN_SCALARS: as the `yaml` library resolves them) for js-yaml. */
const CORE_SCALARS = CORE_PLAIN_SCALARS.map(
    (t) => new jsYaml.Type(`tag:yaml.org,2002:${t.tag}`, { kind: "scalar", resolve: (s: string) => t.test.test(s), construct: t.construct }),
);
const CORE_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({ implicit: CORE_SCALARS });

/**
 * Texts the fast path leaves to the `yaml` library, because js-yaml reads them differently or
 * more leniently: a tag (`!`), a directive (`%` at a line start), a complex key (`?`), a null or
 * empty key (`~:`, `{~}`, `: v`, `[:]`: js-yaml names it "null", the yaml library ""), a quoted scalar
 * that goes on past its line (a line with an odd number of quotes, or an escaped double quote),
 * a `---`/`...` glued to text (js-yaml: a document marker), an empty nested list item (`- -`,
 * also before a comment: js-yaml appends the next item to it) or an empty item alone on its line
 * (` -` then `-`, also before a comment: js-yaml
 * reads two items at different indents, the yaml library one), a `#` glued to a closing quote or bracket (the yaml
 * library's error, js-yaml's comment), a flow collection as a key or inside a flow collection, a
 * `::` (js-yaml may read a same-line nested key), and a line of blanks (the yaml library refuses
 * it at the head of a block scalar), a key after an anchor on its line (`a: &x k: v`), and a
 * bracket not closed or opened on its own line (multi-line flow collections).
 */
const NOT_PLAIN = [
    /!/,
    /^[%?]|[\s-]\?(?:\s|$)/m,
    /(?:^|[\s{,[])(?:~|[Nn]ull|NULL)?[ \t]*:(?:[\s,\]}]|$)|[{,][ \t]*(?:~|[Nn]ull|NULL)[ \t]*[,}]/m,
    /^[^'\n]*(?:'[^'\n]*'[^'\n]*)*'[^'\n]*$/m,
    /^[^"\n]*(?:"[^"\n]*"[^"\n]*)*"[^"\n]*$/m,
    /\\"/,
    /^(?:---|\.\.\.)\S/m,
    /(?:^|\s)-[ \t]+-(?:[ \t]+#.*)?[ \t]*$/m,
    /^[ \t]*-(?:[ \t]+#.*)?[ \t]*$/m,
    /["'}\]]#/,
    /[\]}][ \t]*:|[[{,][ \t]*[[{]/,
    /::/,
    /^[ \t]+$/m,
    /&\S+[ \t][^\n]*:(?:[ \t]|$)/m,
    /[[{][^\n\]}]*$|^[^\n[{]*[\]}]/m,
];

/** NOT_PLAIN's line-by-line quote counts, which only a text holding that quote can match. */
const [SINGLE_QUOTED, DOUBLE_QUOTED] = [3, 4];

/** Thrown by the alias listener to leave a text to the full parser. */
const LEAVE_TO_YAML = new Error("alias budget");

/**
 * A js-yaml listener that counts aliases and refuses a nested one (an anchored node that contains
 * an alias: the only way to expand exponentially). Within that, the yaml library's alias budget
 * (per anchor: aliases x nested expansion) is at most the total alias count, so a text under
 * `maxAliasCount` here is one the yaml library accepts, with the same shared values.
 */
function aliasListener(text: string, maxAliasCount: number): NonNullable<jsYaml.LoadOptions["listener"]> {
    const open: { start: number; hasAlias: boolean }[] = [];
    const alias = /(?:\s|#[^\n]*)*\*/y;
    let count = 0;
    return (event, s) => {
        const state = s as jsYaml.State & { anchor: string | null }; // js-yaml's state has the node's anchor; its types omit it
        if (event === "open") {
            open.push({ start: state.position, hasAlias: false });
            return;
        }
        const node = open.pop()!;
        alias.lastIndex = node.start;
        if (alias.test(text) && alias.lastIndex <= state.position) {
            if (++count > maxAliasCount) throw LEAVE_TO_YAML;
            node.hasAlias = true;
        } else if (state.anchor !== null && node.hasAlias) throw LEAVE_TO_YAML;
        if (node.hasAlias && open.length) open[open.length - 1].hasAlias = true;
    };
}

/**
 * Fast path for the common manifest: parsed by js-yaml (linear, several times faster than the
 * `yaml` library's document model) with the core schema's scalars and duplicate keys an error.
 * Texts in NOT_PLAIN, nested or too many aliases, and any js-yaml error return undefined: the
 * full parser decides, with its limits and its error messages.
 */
export function plainYamlValues(text: string): Json[] | undefined {
    const quote = (i: number) => (i === SINGLE_QUOTED ? "'" : i === DOUBLE_QUOTED ? '"' : "");
    if (NOT_PLAIN.some((re, i) => text.includes(quote(i)) && re.test(text))) return undefined;
    try {
        const listener = text.includes("*") ? aliasListener(text, INPUT_LIMITS.maxAliasCount) : undefined;
        return jsYaml.loadAll(text, undefined, { schema: CORE_SCHEMA, ...(listener ? { listener } : {}) }) as Json[];
    } catch {
        return undefined;
    }
}

/**
 * The JS value of each document in a YAML text: the manifest subset's reader first (what
 * `render` writes), then js-yaml for other plain texts, then the `yaml` library. The composer recurses per nesting level, so a
 * hostile document can exhaust the stack (RangeError); alias expansion is budgeted. Every failure
 * is one InputError naming the source.
 */
function yamlValues(text: string, source: string): Json[] {
    const fast = manifestYamlValues(text, INPUT_LIMITS.maxAliasCount) ?? plainYamlValues(text);
    if (fast !== undefined) return fast;
    try {
        const docs = parseAllDocuments(text);
        return (Array.isArray(docs) ? docs : [docs]).map((doc) => {
            if (doc.errors.length) throw new InputError(`${source}: invalid YAML: ${doc.errors[0].message}`);
            return doc.toJS({ maxAliasCount: INPUT_LIMITS.maxAliasCount });
        });
    } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`${source}: invalid YAML: ${e instanceof RangeError ? "nested too deeply" : (e as Error).message}`);
    }
}

/** Kubernetes objects of a YAML text; `kind: List` items are expanded, empty documents skipped. */
export function parseYamlObjects(text: string, source: string, onSkip?: (message: string) => void): K8sObject[] {
    const out: K8sObject[] = [];
    for (const v of yamlValues(text, source)) {
        if (v === null || v === undefined) continue;
        const items: Json[] = v.kind === "List" || (typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)) ? (v.items ?? []) : [v];
        for (const o of items) {
            if (!o || typeof o !== "object" || typeof o.kind !== "string" || typeof o.apiVersion !== "string") {
                const message = `${source}: document is not a Kubernetes object (needs apiVersion and kind)`;
                if (!onSkip) throw new InputError(message);
                onSkip(`${message}; skipped`);
                continue;
            }
            out.push(o as K8sObject);
        }
    }
    return out;
}

/** Non-Kubernetes resources from a cloud-resources.json array. */
export function parseCloudResources(text: string, source: string): InputResource[] {
    let v: Json;
    try {
        v = JSON.parse(text);
    } catch (e) {
        throw new InputError(`${source}: invalid JSON: ${(e as Error).message}`);
    }
    if (!Array.isArray(v)) throw new InputError(`${source}: expected a JSON array of {type, name, inputs}`);
    return v.map((r: Json, i: number) => {
        if (typeof r?.type !== "string" || typeof r?.name !== "string") throw new InputError(`${source}[${i}]: needs string type and name`);
        return { type: r.type, name: r.name, props: r.inputs ?? {}, urn: urnFor(r.type, r.name), source };
    });
}

/** localeCompare's order (the default collation), without building a collator per comparison. */
const NAME_ORDER = new Intl.Collator();

/** A walked file and its real path when known without asking the file system (undefined: ask realpath). */
interface Walked {
    file: string;
    real: string | undefined;
}

/**
 * The files under `dir` in name order. Symbolic links to directories are not followed, so an
 * entry that is not a link itself has the real path `realDir/name`: only links need a realpath.
 */
function walk(dir: string, realDir: string): Walked[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => NAME_ORDER.compare(a.name, b.name))
        .flatMap((e) => {
            const p = path.join(dir, e.name);
            const real = path.join(realDir, e.name);
            if (e.isDirectory()) return e.name === "node_modules" || e.name.startsWith(".") ? [] : walk(p, real);
            return /\.ya?ml$/i.test(e.name) || e.name === CLOUD_RESOURCES_FILE ? [{ file: p, real: e.isSymbolicLink() ? undefined : real }] : [];
        });
}

/**
 * Reads every resource under the given files/directories. Files named explicitly must hold only
 * Kubernetes objects; YAML found by walking a directory (Helm values, CI files...) that is not a
 * Kubernetes object is skipped and reported through `onSkip`. Each resource's `source` is
 * `file#document`. Two documents for the same object anywhere in the input are an InputError.
 */
export function loadResources(inputs: string[], onSkip: (message: string) => void = () => undefined): InputResource[] {
    const out: InputResource[] = [];
    const files = new Map<string, string>(); // real path -> how it was first reached
    for (const input of inputs) {
        if (!fs.existsSync(input)) throw new InputError(`${input}: no such file or directory`);
        const walked = fs.statSync(input).isDirectory();
        for (const w of walked ? walk(input, fs.realpathSync.native(input)) : [{ file: input, real: undefined }]) {
            const f = w.file;
            // The same file reached twice (named and inside a named directory) is read once.
            const real = w.real ?? fs.realpathSync.native(f);
            const first = files.get(real);
            if (first !== undefined) {
                onSkip(`${f}: the same file as ${first}; read once`);
                continue;
            }
            files.set(real, f);
            const read = readRegular(f);
            if ("notRegular" in read) {
                // Never read: a FIFO would block, a device would never end.
                const message = `${f}: ${read.notRegular}; only regular files are read`;
                if (!walked) throw new InputError(message);
                onSkip(`${message}; skipped`);
                continue;
            }
            const { text } = read;
            if (/\.json$/i.test(f)) out.push(...parseCloudResources(text, f));
            else parseYamlObjects(text, f, walked ? onSkip : undefined).forEach((o, i) => out.push(fromK8sObject(o, `${f}#${i + 1}`)));
        }
    }
    assertNoDuplicates(out);
    return out;
}

/** API group of an apiVersion (`apps/v1` -> `apps`, `v1` -> core). */
function groupOf(apiVersion: unknown): string {
    const v = String(apiVersion ?? "");
    return v.includes("/") ? v.slice(0, v.indexOf("/")) : "";
}

/**
 * Two documents for one object (same API group, kind, namespace and name) are an error:
 * kubectl would apply both and the last one wins, so checking either alone would judge the
 * wrong object. Objects named by generateName are distinct by construction.
 */
export function assertNoDuplicates(resources: InputResource[]): void {
    const seen = new Map<string, InputResource>();
    const dups: string[] = [];
    for (const r of resources) {
        const p = r.props;
        let id: string;
        if (parseK8sType(r.type) && p && typeof p === "object") {
            if (!p.metadata?.name) continue;
            const kind = String(p.kind);
            const ns = CLUSTER_SCOPED_KINDS.includes(kind) ? "" : String(p.metadata.namespace ?? "default");
            id = `${groupOf(p.apiVersion)}\0${kind}\0${ns}\0${p.metadata.name}`;
        } else id = `${r.type}\0${r.name}`;
        const first = seen.get(id);
        if (first)
            dups.push(
                `${resourceRef(r.type, r.name, r.props)} is defined twice (${first.source ?? "?"} and ${r.source ?? "?"}); kubectl would apply both and the last one wins`,
            );
        else seen.set(id, r);
    }
    if (dups.length) throw new InputError(dups.length === 1 ? dups[0] : `${dups.length} objects are defined twice:\n${dups.map((d) => `  - ${d}`).join("\n")}`);
}

/**
 * Reads a pack config file (`policy/config/<env>.json`) and validates it against the pack's
 * schema: unknown rules, unknown levels, unknown or mistyped knobs and exemptions without a
 * reason are errors that name the key (PackConfigError).
 */
export function loadPackConfig(file: string, rules: PlatformRule[] = allRules): PackConfig {
    let text: string;
    try {
        if (!fs.statSync(file).isFile()) throw new InputError(`${file}: not a regular file`);
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`${file}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
    }
    let v: unknown;
    try {
        v = JSON.parse(text);
    } catch (e) {
        throw new InputError(`${file}: invalid JSON: ${(e as Error).message}`);
    }
    return validatePackConfig<PackConfig>(
        v,
        rules.map((r) => ({ ...r.schema, enforcementLevel: r.policy.enforcementLevel })),
        file,
    );
}
