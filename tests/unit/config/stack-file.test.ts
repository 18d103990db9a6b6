/**
 * Broken stack files (`Pulumi.<stack>.yaml` as the render CLI reads them): one ConfigError line
 * naming the file and the rule, no stack trace, no hang.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ConfigError } from "../../../components/config";
import { readStackConfig } from "../../../tools/lib/render";

function configError(fn: () => unknown): ConfigError {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${(e as Error)?.stack ?? e}`);
        return e as ConfigError;
    }
    return assert.fail("accepted");
}

describe("stack files: broken YAML is one clear ConfigError", () => {
    let tmp: string;
    before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "stack-file-"))));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const bomb = [
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
        ..."bcdefgh".split("").map((n, i) => `${n}: &${n} [${Array(9).fill(`*${"abcdefgh"[i]}`).join(",")}]`),
    ].join("\n");
    const cases: Array<[string, string | Buffer, RegExp]> = [
        ["a tab as indentation", "config:\n\tagent-platform:environment: dev\n", /line 2, column 1: Tabs are not allowed/],
        ["an unclosed {", "config:\n  agent-platform:cluster: {provider: existing\n", /invalid YAML at line \d+/],
        ["a duplicate key", "config:\n  agent-platform:environment: dev\n  agent-platform:environment: prod\n", /line 3, column 3: Map keys must be unique/],
        ["an alias bomb", `config:\n  agent-platform:x: 1\n${bomb}\n`, /aliases expand beyond the limit/],
        ["deep nesting", `config:\n  agent-platform:x: ${"[".repeat(5000)}${"]".repeat(5000)}\n`, /nests deeper than 64 levels/],
        ["non-UTF-8 bytes", Buffer.from("config:\n  agent-platform:environment: d\xe9v\n", "latin1"), /not valid UTF-8/],
        ["a list at the top", "- config\n", /top level must be a mapping/],
        ["config that is a string", "config: dev\n", /config: must be a mapping/],
    ];
    for (const [what, text, rule] of cases) {
        it(`GIVEN a stack file with ${what} WHEN read THEN one ConfigError line: ${rule.source}`, () => {
            const file = path.join(tmp, "Pulumi.bad.yaml");
            fs.writeFileSync(file, text);
            const e = configError(() => readStackConfig(file));
            assert.equal(e.issues.length, 1);
            assert.match(e.issues[0], /Pulumi\.bad\.yaml: /);
            assert.match(e.issues[0], rule);
            assert.ok(!e.issues[0].includes("\n"));
        });
    }
});
