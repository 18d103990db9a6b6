/** policy:check's input reading under hostile input: special files, alias bombs, deep nesting, size and encoding. */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { INPUT_LIMITS, InputError, loadResources, parseYamlObjects } from "../../../policy/lib/load";

const CM = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\n";

describe("policy:check input: hostile files", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-load-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("GIVEN a FIFO named like a manifest inside a walked directory THEN it is skipped with a warning (never opened for a blocking read); named explicitly THEN one InputError", () => {
        fs.writeFileSync(path.join(dir, "cm.yaml"), CM);
        const fifo = path.join(dir, "pipe.yaml");
        execFileSync("mkfifo", [fifo]);
        const skipped: string[] = [];
        const rs = loadResources([dir], (m) => skipped.push(m));
        assert.strictEqual(rs.length, 1);
        assert.deepStrictEqual(skipped, [`${fifo}: a FIFO; only regular files are read; skipped`]);
        assert.throws(
            () => loadResources([fifo]),
            (e: Error) => e instanceof InputError && /pipe\.yaml: a FIFO; only regular files are read$/.test(e.message),
        );
    });

    it("GIVEN an alias bomb (billion laughs) THEN one InputError, not a hang or an out-of-memory", () => {
        const lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
        for (let i = 1; i < 9; i++)
            lines.push(
                `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
                    .fill(`*${String.fromCharCode(96 + i)}`)
                    .join(", ")}]`,
            );
        const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb, namespace: y}\nx:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
        assert.throws(
            () => parseYamlObjects(bomb, "bomb.yaml"),
            (e: Error) => e instanceof InputError && /^bomb\.yaml: invalid YAML: /.test(e.message),
        );
    });

    it("GIVEN a document nested 100,000 levels deep THEN one InputError", () => {
        const deep = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep, namespace: y}\ndata: ${"[".repeat(100_000)}${"]".repeat(100_000)}\n`;
        assert.throws(
            () => parseYamlObjects(deep, "deep.yaml"),
            (e: Error) => e instanceof InputError && /^deep\.yaml: invalid YAML: /.test(e.message),
        );
    });

    it("GIVEN a file over the size limit or not UTF-8 THEN one InputError naming the file", () => {
        const big = path.join(dir, "big.yaml");
        fs.writeFileSync(big, "");
        fs.truncateSync(big, INPUT_LIMITS.maxFileBytes + 1); // sparse: no real disk use
        assert.throws(
            () => loadResources([big]),
            (e: Error) => e instanceof InputError && /big\.yaml: \d+ bytes, over the \d+-byte limit per file/.test(e.message),
        );
        const latin1 = path.join(dir, "latin1.yaml");
        fs.writeFileSync(latin1, Buffer.concat([Buffer.from(CM), Buffer.from([0x23, 0x20, 0xe9, 0x0a])]));
        assert.throws(
            () => loadResources([latin1]),
            (e: Error) => e instanceof InputError && /latin1\.yaml: not UTF-8 text$/.test(e.message),
        );
    });
});
