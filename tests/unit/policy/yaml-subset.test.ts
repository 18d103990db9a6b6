/**
 * policy:check reads the YAML `render` writes with its own exact reader for that subset
 * (policy/lib/yaml-subset.ts) and leaves every other text to js-yaml and the `yaml` library.
 * Wherever the reader returns values they must be the `yaml` library's: checked here on
 * stringified random values, random line-level texts, edge cases, the synthetic benchmark
 * objects, the prod render and every YAML file in the repository. The reader must also accept
 * what `render` writes (else it speeds nothing up).
 */
import * as assert from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { parseAllDocuments } from "yaml";
import { INPUT_LIMITS, parseYamlObjects } from "../../../policy/lib/load";
import { manifestYamlValues } from "../../../policy/lib/yaml-subset";
import { syntheticObject } from "../../../bench/lib/synthetic";
import { toManifestYaml } from "../../../tools/lib/render";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";

const REPO = path.join(__dirname, "../../..");
const subset = (text: string) => manifestYamlValues(text, INPUT_LIMITS.maxAliasCount);

/** The `yaml` library's values (as policy:check's full parser calls it), or undefined when it reports an error. */
function viaYaml(text: string): unknown[] | undefined {
    try {
        const r = parseAllDocuments(text);
        const docs = Array.isArray(r) ? r : [r];
        if (docs.some((d) => d.errors.length > 0)) return undefined;
        return docs.map((d) => d.toJS({ maxAliasCount: INPUT_LIMITS.maxAliasCount }));
    } catch {
        return undefined;
    }
}

/** The reader gives up, or gives exactly the yaml library's values; returns whether it read the text. */
function sameAsYaml(text: string): boolean {
    const mine = subset(text);
    if (mine === undefined) return false;
    const theirs = viaYaml(text);
    assert.ok(theirs !== undefined, `the subset reader accepted a text the yaml library refuses:\n${text}`);
    assert.deepStrictEqual(mine, theirs, `the subset reader differs on:\n${text}`);
    return true;
}

/** Strings of the characters manifests use, including every indicator, quotes and escapes' sources. */
const text = fc.stringMatching(/^[A-Za-z0-9 ._:+\-~'"%,/{}[\]#&*!|>?@`\\=<\u00e9\u2603]{0,14}$/);
const key = fc.oneof(text, fc.constantFrom("app.kubernetes.io/name", "a b", "null", "true", "80", "<<", "__proto__", "", "x:", "-x", "k"));
/** Longer text with words and line breaks: folded and block scalars. */
const prose = fc
    .array(fc.oneof(text, fc.constantFrom("\n", "\n\n", " ", "  x", "word", "- item", "#", "a: b")), { maxLength: 12 })
    .map((parts) => parts.join(" "));
const leaf = fc.oneof(
    text,
    prose,
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom("yes", "no", "0o17", "0x1F", "1e3", ".inf", "-0", "12:30"),
);
const value = fc.letrec((tie) => ({
    node: fc.oneof({ depthSize: "small", withCrossShrink: true }, leaf, tie("array"), tie("object")),
    array: fc.array(tie("node"), { maxLength: 4 }),
    object: fc.dictionary(key, tie("node"), { maxKeys: 5 }),
})).node;

describe("policy:check manifest YAML reader gives the yaml library's values or gives up", () => {
    it("GIVEN random values stringified as render writes them (and with other layouts) THEN the same JS values (fast-check)", () => {
        let read = 0;
        fc.assert(
            fc.property(value, (v) => {
                const doc = { apiVersion: "v1", kind: "ConfigMap", data: v };
                for (const t of [
                    toManifestYaml(doc),
                    YAML.stringify(doc),
                    YAML.stringify(doc, { indentSeq: false }),
                    YAML.stringify(doc, { indent: 4 }),
                    `---\n${YAML.stringify(doc)}---\n${YAML.stringify([v, doc])}`,
                    // Folded plain scalars and block scalars: long and multi-line strings at a short line width.
                    YAML.stringify(doc, { lineWidth: 20, minContentWidth: 0 }),
                    YAML.stringify(doc, { lineWidth: 20, minContentWidth: 0, blockQuote: "folded" }),
                    YAML.stringify(doc, { lineWidth: 20, minContentWidth: 0, blockQuote: "literal", indentSeq: false }),
                ])
                    if (sameAsYaml(t)) read++;
            }),
            { numRuns: 1500 },
        );
        assert.ok(read > 2500, `the reader read only ${read} of 12,000 texts`);
    });

    it("GIVEN shared objects (YAML.stringify writes anchors and aliases) THEN the same values, shared like the yaml library's", () => {
        fc.assert(
            fc.property(fc.dictionary(key, value, { minKeys: 1, maxKeys: 3 }), fc.array(value, { minLength: 1, maxLength: 3 }), (shared, list) => {
                const doc = { a: shared, b: { c: shared, d: [shared, list] }, e: list };
                sameAsYaml(YAML.stringify(doc));
            }),
            { numRuns: 500 },
        );
        const t = "a: &x\n  k: v\nb: *x\nc:\n  - *x\n  - '*not an alias'\n";
        const [doc] = subset(t) as { a: unknown; b: unknown; c: unknown[] }[];
        assert.ok(sameAsYaml(t));
        assert.strictEqual(doc.a, doc.b);
        assert.strictEqual(doc.a, doc.c[0]);
    });

    it("GIVEN random block layouts with raw (unescaped) scalars, keys, anchors and aliases THEN the reader gives up or agrees (fast-check)", () => {
        // Raw tokens: plain text with any indicator, or quoted text with its raw content, written as-is.
        const raw = fc.oneof(
            { weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9][a-z0-9 ._/-]{0,8}$/) },
            { weight: 3, arbitrary: text },
            { weight: 1, arbitrary: text.map((t) => `"${t}"`) },
            { weight: 1, arbitrary: text.map((t) => `'${t}'`) },
            { weight: 1, arbitrary: fc.constantFrom("[]", "{}", "*a", "*b", "~", "-1", "0x1F", "1e3", "true", "null", "- x", "|", "x #y", "a: b") },
        );
        type Node = { t: "raw"; s: string } | { t: "map"; e: [string, Node, string][] } | { t: "seq"; i: Node[] };
        const tree = fc.letrec<{ node: Node; map: Node; seq: Node; leaf: Node }>((tie) => ({
            leaf: raw.map((s) => ({ t: "raw", s })),
            node: fc.oneof({ depthSize: "small" }, tie("leaf"), tie("map"), tie("seq")),
            map: fc
                .array(
                    fc.tuple(
                        fc.oneof({ weight: 4, arbitrary: fc.stringMatching(/^[a-z][a-z0-9.-]{0,6}$/) }, { weight: 1, arbitrary: key }),
                        tie("node"),
                        fc.constantFrom("", "", "", "&a ", "&b "),
                    ),
                    {
                        minLength: 1,
                        maxLength: 4,
                    },
                )
                .map((e) => ({ t: "map", e })),
            seq: fc.array(tie("node"), { minLength: 1, maxLength: 3 }).map((i) => ({ t: "seq", i })),
        }));
        /** Lines of `n` at column `col`; `first` is the text before it on its first line (`- ` of a compact item). */
        function render(n: Node, col: number, step: number, sameSeq: boolean, out: string[], first?: string): void {
            const pad = " ".repeat(col);
            if (n.t === "raw") out.push(`${first ?? pad}${n.s}`);
            else if (n.t === "map")
                n.e.forEach(([k, v, anchor], idx) => {
                    const head = idx === 0 && first !== undefined ? first : pad;
                    if (v.t === "raw") out.push(`${head}${k}: ${v.s}`);
                    else {
                        out.push(`${head}${k}:${anchor ? " " + anchor.trim() : ""}`);
                        render(v, v.t === "seq" && sameSeq ? col : col + step, step, sameSeq, out);
                    }
                });
            else
                for (const item of n.i) {
                    if (item.t === "raw") out.push(`${pad}- ${item.s}`);
                    else if (item.t === "map") render(item, col + 2, step, sameSeq, out, `${pad}- `);
                    else {
                        out.push(`${pad}-`);
                        render(item, col + step, step, sameSeq, out);
                    }
                }
        }
        let read = 0;
        fc.assert(
            fc.property(tree.map, fc.integer({ min: 1, max: 4 }), fc.boolean(), fc.boolean(), (n, step, sameSeq, newline) => {
                const out: string[] = [];
                render(n, 0, step, sameSeq, out);
                if (sameAsYaml(out.join("\n") + (newline ? "\n" : ""))) read++;
            }),
            { numRuns: 4000 },
        );
        assert.ok(read > 200, `the reader read only ${read} of 4,000 texts`);
    });

    it("GIVEN edge cases THEN it reads the subset exactly and gives up on everything else", () => {
        const reads = [
            "a: 1\n",
            "a: 1",
            "---\na: 1\n---\nb: [] \n".replace(" \n", "\n"),
            "a:\n- x\n- y: 1\n  z: 2\nb: ~\n",
            "a:\n  - b:\n    - c\n    d: {}\n",
            'a: "x \\" \\\\ \\n \\t \\u00e9 \\x41 \\U0001F600 \\/ \\0 \\e \\N \\_ \\L \\P"\n',
            "a: 'it''s'\n'b c': \"d\"\n\"\": e\n",
            "a: -1\nb: -x\nc: .5\nd: 0o17\ne: 0x1F\nf: 1_000\ng: yes\nh: Null\ni: TRUE\nj: 1e3\nk: .NaN\nl: -.inf\nm: 007\nn: -0\n",
            'a:b: c\nd: e:f\ng: h,i[j]{k}\nl: it\'s "q"\n',
            "- a\n- b: c\n-   d: e\n    f: g\n",
            "a: &x\n  - 1\nb: *x\n",
            "a: one\n  two\n   three >= 1 - x {y}\nb: c\n",
            "- one\n  two\n- k: a\n    b\n  l: c\n",
            "a: |\n  x\n    y\n\n  z\n\nb: |-\n  x\n  y\nc: >-\n  x\n  y\n\n  z\nd: >\n  x\n",
            "- |\n  a: b # c\n- >-\n  set -eu\n\n  exec x\n",
            "a: >\n  x\n    y\n",
            'a: >-\n  {\n    "k": 1,\n\n    "l": [\n      2\n    ]\n  }\n  y\n\n\n  z\n',
        ];
        for (const t of reads) assert.ok(sameAsYaml(t), `not read:\n${t}`);
        const givesUp = [
            "",
            "\n",
            "---\n",
            "a: |+\n  x\n",
            "a: |2\n  x\n",
            "a: |\n\n  x\n",
            "a: |\n  x\n   \n",
            "a: |\n  x",
            "a: b\n  c: d\n",
            "a: b\n  - c\n",
            "a: b\n  c #d\n",
            "a: b\n\n  c\n",
            "# c\na: 1\n",
            "a: 1 # c\n",
            "a: 1\n\nb: 2\n",
            "a:\t1\n",
            "a: 1\r\n",
            "\ufeffa: 1\n",
            "a: 1\na: 2\n",
            'a: "two\n  lines"\n',
            "- - a\n",
            "-\n  a: 1\n",
            "a: [1, 2]\n",
            "a: {b: 1}\n",
            "a: !!str 1\n",
            "%YAML 1.2\n---\na: 1\n",
            "? a\n: b\n",
            "a:: b\n",
            "80: http\n",
            "true: x\n",
            "null: x\n",
            "<<: *x\n",
            "__proto__: x\n",
            "a: &x\n  b: 1\nc: &x\n  d: 2\n",
            "a: *x\n",
            "a: &x\n  b: *x\n",
            "a: &x\n  k: v\nb: &y\n  - *x\nc: *y\n",
            "a: &x v\n",
            "  a: 1\n",
            "a: 1\n...\n",
            "a: \\q\n".replace("\\q", '"\\q"'),
            "a: b: c\n",
            "a: -\n",
            "a: - b\n",
            "a: @x\n",
            "a: `x`\n",
            "scalar\n",
            `a: &x [1]\nb:\n${Array(1001).fill("  - *x\n").join("")}`.replace("&x [1]", "&x\n  - 1"),
        ];
        for (const t of givesUp) {
            assert.strictEqual(subset(t), undefined, `read:\n${t}`);
            sameAsYaml(t);
        }
    });

    it("GIVEN a duplicate key or invalid YAML THEN policy:check still reports the yaml library's error", () => {
        assert.throws(
            () => parseYamlObjects("apiVersion: v1\nkind: ConfigMap\nkind: Secret\n", "dup.yaml"),
            /^Error: dup\.yaml: invalid YAML: Map keys must be unique/,
        );
    });

    it("GIVEN the synthetic benchmark objects as bench writes them THEN every one is read, with the yaml library's values", () => {
        for (const kind of ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"] as const) {
            for (const i of [0, 7, 13]) assert.ok(sameAsYaml(YAML.stringify(syntheticObject(kind, i))), `${kind} ${i} not read`);
        }
    });

    it("GIVEN every object of the prod render as render writes it THEN the yaml library's values, and most are read", async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const { objects } = await renderedStack("prod");
        const read = objects.filter((o) => sameAsYaml(toManifestYaml(o))).length;
        assert.ok(read >= objects.length * 0.8, `only ${read} of ${objects.length} objects read`);
    });

    it("GIVEN every YAML file in the repository THEN the reader gives up or agrees", () => {
        const files: string[] = [];
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                if (e.name === "node_modules" || e.name.startsWith(".") || e.name === "build") continue;
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else if (/\.ya?ml$/.test(e.name)) files.push(p);
            }
        };
        walk(REPO);
        assert.ok(files.length > 10, `only ${files.length} YAML files found`);
        for (const f of files) sameAsYaml(fs.readFileSync(f, "utf8"));
    });
});
