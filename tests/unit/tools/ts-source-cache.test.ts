/**
 * The test loader's shared sources for Pulumi's schema analyzer (tests/helpers/ts-source-cache.js):
 * programs made through the SDK's typescript-shim reuse a file parsed before only while its text
 * is unchanged, and a changed file is parsed and checked again.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as TypeScript from "typescript";

// the module Pulumi's analyzer uses (provider/experimental/analyzer.js)
const ts = require("@pulumi/pulumi/typescript-shim") as typeof TypeScript;

describe("the schema analyzer's TypeScript programs in tests share parsed sources", () => {
    let dir: string;
    // no default library: only the test's own file is parsed and checked
    const options: TypeScript.CompilerOptions = { target: ts.ScriptTarget.ES2022, strict: true, noEmit: true, noLib: true, types: [] };
    const program = (file: string) => ts.createProgram({ rootNames: [file], options });
    const diagnostics = (p: TypeScript.Program, file: string) =>
        [...p.getSyntacticDiagnostics(p.getSourceFile(file)), ...p.getSemanticDiagnostics(p.getSourceFile(file))].map((d) => d.code);

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ap-ts-cache-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("GIVEN an unchanged file THEN the next program gets the same parsed (and bound) source file", () => {
        const file = path.join(dir, "same.ts");
        fs.writeFileSync(file, "export const n: number = 1;\n");
        const first = program(file);
        assert.deepEqual(diagnostics(first, file), []);
        const second = program(file);
        assert.equal(second.getSourceFile(file), first.getSourceFile(file));
        assert.deepEqual(diagnostics(second, file), []);
    });

    it("GIVEN a file whose text changed THEN it is parsed and checked again", () => {
        const file = path.join(dir, "changed.ts");
        fs.writeFileSync(file, "export const n: number = 1;\n");
        const first = program(file);
        assert.deepEqual(diagnostics(first, file), []);
        fs.writeFileSync(file, 'export const n: number = "one";\n');
        const second = program(file);
        assert.notEqual(second.getSourceFile(file), first.getSourceFile(file));
        assert.equal(second.getSourceFile(file)?.text, 'export const n: number = "one";\n');
        assert.deepEqual(diagnostics(second, file), [2322]);
    });

    it("GIVEN other compiler options THEN the file is parsed for them", () => {
        const file = path.join(dir, "options.ts");
        fs.writeFileSync(file, "export const n = 1;\n");
        const first = program(file);
        const other = ts.createProgram({ rootNames: [file], options: { ...options, target: ts.ScriptTarget.ES5 } });
        assert.notEqual(other.getSourceFile(file), first.getSourceFile(file));
    });
});
