/** YAML with explicit size, depth and alias limits: every hostile document is one clear InputError. */
import { strict as assert } from "assert";
import { InputError } from "../../../components/input/files";
import { parseYaml } from "../../../components/input/yaml";

function yamlError(text: string, options = {}): string {
    try {
        parseYaml(text, options);
    } catch (e) {
        assert.ok(e instanceof InputError, `expected InputError, got ${(e as Error)?.stack ?? e}`);
        assert.ok(!(e as Error).message.includes("\n"), "one line");
        return (e as Error).message;
    }
    return assert.fail("the YAML was accepted");
}

function aliasBomb(levels: number): string {
    let text = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n';
    let prev = "a";
    for (const n of "bcdefghijk".slice(0, levels)) {
        text += `${n}: &${n} [${Array(9).fill(`*${prev}`).join(",")}]\n`;
        prev = n;
    }
    return text;
}

describe("input: YAML parsing with limits", () => {
    it("GIVEN ordinary YAML with anchors and merge keys WHEN parsed THEN the value comes back", () => {
        assert.deepEqual(parseYaml("x: &d {a: 1}\ny:\n  <<: *d\n  b: 2\n", { merge: true }), { x: { a: 1 }, y: { a: 1, b: 2 } });
        assert.equal(parseYaml(""), null);
    });

    const cases: Array<[string, string, RegExp, object?]> = [
        ["a tab as indentation", "a:\n\tb: 1\n", /line 2, column 1: Tabs are not allowed/],
        ["an unclosed {", "a: {b: 1\n", /line \d+, column \d+: Flow map/],
        ["a duplicate key", "a: 1\na: 2\n", /line 2, column 1: Map keys must be unique/],
        ["an alias bomb", aliasBomb(8), /aliases expand beyond the limit of 1000/],
        ["a circular alias", "a: &a [1, *a]\n", /circular/],
        ["an undefined alias", "a: *nope\n", /Unresolved alias/],
        ["two documents", "a: 1\n---\nb: 2\n", /one YAML document/],
        ["100k nested flow lists", `a: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`, /nests deeper than 64 levels/],
        ["70 nested block mappings", Array.from({ length: 70 }, (_, i) => `${" ".repeat(i)}k:`).join("\n"), /nests deeper than 64 levels/],
        ["1400 nested block mappings", Array.from({ length: 1400 }, (_, i) => `${" ".repeat(i)}k:`).join("\n"), /nests deeper than 64 levels/],
        ["text over the size limit", `a: "${"x".repeat(2000)}"\n`, /over the 1000 limit/, { maxBytes: 1000 }],
    ];
    for (const [what, text, rule, options] of cases) {
        it(`GIVEN ${what} WHEN parsed THEN one InputError line: ${rule.source}`, () => {
            assert.match(yamlError(text, options), rule);
        });
    }

    it("GIVEN an error in a line holding a secret WHEN parsed THEN the message has the position, not the text", () => {
        const msg = yamlError("a:\n  b: 'hunter2-secret-value\n");
        assert.ok(!msg.includes("hunter2"), msg);
    });

    it("GIVEN brackets inside quoted strings WHEN parsed THEN they do not count as nesting", () => {
        assert.deepEqual(parseYaml(`a: '${"[".repeat(500)}'\n`), { a: "[".repeat(500) });
    });
});
