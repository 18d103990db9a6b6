/**
 * policy:check parses plain manifests with js-yaml (the fast path) and everything else with the
 * `yaml` library. Both must give the same values: the fast path is checked here against the
 * `yaml` library's own result on tricky scalars, random scalars, and every YAML file in the repo.
 */
import * as assert from "assert";
import * as fc from "fast-check";
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { parseYamlObjects, plainYamlValues } from "../../../policy/lib/load";

const REPO = path.join(__dirname, "../../..");
const reference = (text: string) => parseAllDocuments(text) as ReturnType<typeof parseAllDocuments>;

/** The `yaml` library's values, or undefined when it reports an error. */
function viaYaml(text: string): unknown[] | undefined {
    const r = reference(text);
    const docs = Array.isArray(r) ? r : [r];
    if (docs.some((d) => d.errors.length > 0)) return undefined;
    return docs.map((d) => d.toJS());
}

function sameAsYaml(text: string): void {
    const fast = plainYamlValues(text);
    if (fast === undefined) return; // the full parser decides
    // Empty documents (a comment alone is [null] in js-yaml, none in yaml) are skipped by parseYamlObjects.
    const docs = (vs: unknown[] | undefined) => vs?.filter((v) => v !== null && v !== undefined);
    assert.deepStrictEqual(docs(fast), docs(viaYaml(text)), `fast path differs on:\n${text}`);
}

const SCALARS = [
    "",
    "~",
    "null",
    "Null",
    "NULL",
    "nULL",
    "true",
    "True",
    "TRUE",
    "tRUE",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    "0",
    "-0",
    "+0",
    "007",
    "0o17",
    "0o8",
    "0x1F",
    "0X1F",
    "0b101",
    "1_000",
    "+12",
    "-12",
    "12345678901234567890",
    "1.0",
    "1.",
    ".5",
    "-.5",
    "+.5",
    "1e3",
    "1E-3",
    "1.5e+3",
    ".inf",
    "-.inf",
    "+.Inf",
    ".NaN",
    ".nan",
    ".NAN",
    "inf",
    "nan",
    "2024-01-01",
    "2001-12-14t21:59:43.10-05:00",
    "12:30:00",
    "1:20",
    "0.5.1",
    "v1",
    "100m",
    "1Gi",
    "25%",
    "0755",
    "1,000",
    "'quoted'",
    '"dq \\u00e9 \\t"',
    "a b c",
    "http://x.example/a?b=c&d=e",
    "#not",
    "-",
    "--",
    "~ x",
    "null x",
    "---x",
    "...x",
    "=",
    "[:]",
    "{:}",
    "[a, :]",
];

/** Texts fast-check found where js-yaml and the yaml library disagree (each left to the yaml library). */
const FOUND = [" -\n-\n", "a: \nb:\n  - - #\n  - {c: }\n"];

describe("policy:check YAML fast path (js-yaml) gives the yaml library's values", () => {
    it("GIVEN every tricky plain scalar as a value, a key and a list item THEN the same JS values", () => {
        for (const s of SCALARS) {
            sameAsYaml(`k: ${s}\n`);
            sameAsYaml(`${s}: v\n`);
            sameAsYaml(`- ${s}\n- [${s}]\n- {k: ${s}}\n- {a: b,${s}}\n- [a, ${s}: b]\n`);
        }
    });

    it("GIVEN the texts fast-check found THEN the same JS values", () => {
        for (const text of FOUND) sameAsYaml(text);
    });

    it("GIVEN random plain scalars and block/flow layouts THEN the same JS values (fast-check)", () => {
        const scalar = fc.stringMatching(/^[A-Za-z0-9 ._:+\-~'"%,/{}[\]#]{0,12}$/);
        fc.assert(
            fc.property(scalar, scalar, (a, b) => {
                sameAsYaml(`a: ${a}\nb:\n  - ${b}\n  - {c: ${a}}\n`);
                sameAsYaml(`---\nx: |\n  ${a}\n  ${b}\n---\ny: >-\n  ${a}\n\n  ${b}\n`);
                sameAsYaml(`a: ${a}\n  ${b}\nc:\n- ${b}\n ${a}\n`);
                sameAsYaml(`${a}\n${b}\n`);
                sameAsYaml(`x: &a ${a}\ny: *a\nz: &b\n  - ${b}\n  - {c: ${a}}\nw: [*b, *a]\n`);
            }),
            { numRuns: 2000 },
        );
    });

    it("GIVEN every YAML file in the repository THEN the same JS values", () => {
        const files: string[] = [];
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                if (e.name === "node_modules" || e.name.startsWith(".")) continue;
                const p = path.join(d, e.name);
                if (e.isDirectory()) walk(p);
                else if (/\.ya?ml$/.test(e.name)) files.push(p);
            }
        };
        walk(REPO);
        assert.ok(files.length > 10, `only ${files.length} YAML files found`);
        let fast = 0;
        for (const f of files) {
            const text = fs.readFileSync(f, "utf8");
            if (plainYamlValues(text) !== undefined) fast++;
            sameAsYaml(text);
        }
        assert.ok(fast > 0, "no repository YAML took the fast path");
    });

    it("GIVEN flat aliases (as YAML.stringify writes shared objects) THEN the fast path reads them, as shared values like the yaml library's", () => {
        const text = "a: &x\n  k: [1, 2]\nb: *x\nc:\n  - *x\n  - '*not an alias'\n";
        const fast = plainYamlValues(text);
        assert.ok(fast !== undefined);
        sameAsYaml(text);
        const [doc] = fast as { a: unknown; b: unknown }[];
        assert.strictEqual(doc.a, doc.b);
    });

    it("GIVEN nested aliases or over 1,000 of them, tags, directives, complex keys or a duplicate key THEN the full parser decides (its limits and messages apply)", () => {
        for (const t of [
            "a: &x [*y]\nb: *x\n",
            "a: &x [1]\nb: &y [*x]\n",
            `a: &x [1]\nb: [${Array(1001).fill("*x").join(", ")}]\n`,
            "a: !!binary aGk=\n",
            "%YAML 1.1\n---\na: yes\n",
            "? [a]\n: b\n",
            "a: 1\na: 2\n",
        ]) {
            assert.strictEqual(plainYamlValues(t), undefined, t);
        }
        assert.throws(
            () => parseYamlObjects("apiVersion: v1\nkind: ConfigMap\nkind: Secret\n", "dup.yaml"),
            /^Error: dup\.yaml: invalid YAML: Map keys must be unique/,
        );
    });
});
