/**
 * tools/lib/sdk-load.ts (issue 20): a process that imports it before the Pulumi SDK loads the
 * SDK without the Automation API, the TypeScript compiler and npm's Arborist, and still gets
 * them, on first use.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { deferredModule } from "../../../tools/lib/sdk-load";
import { REPO_ROOT } from "../../../tools/lib/render";

describe("tools/lib/sdk-load: the SDK's unused parts load on first use", () => {
    it("GIVEN a deferred module THEN nothing loads until a member is read, and then it is the real module", () => {
        let loads = 0;
        const real = { Arborist: class Arborist {}, version: "1" };
        const m = deferredModule(() => (loads++, real), true) as typeof real & { __esModule: boolean };
        assert.equal(m.__esModule, true);
        assert.equal(loads, 0, "reading __esModule loaded the module");
        assert.equal(m.Arborist, real.Arborist);
        assert.equal(m.version, "1");
        assert.ok("version" in m);
        assert.deepEqual(Object.keys(m), ["Arborist", "version"]);
        (m as { version: string }).version = "2";
        assert.equal(real.version, "2");
        assert.equal(loads, 1);
        const plain = deferredModule(() => ({ a: 1 }), false) as { __esModule?: boolean };
        assert.equal(plain.__esModule, undefined, "a module without __esModule keeps answering undefined");
    });

    it("GIVEN render's entry file THEN sdk-load is its first import (before anything loads @pulumi/pulumi)", () => {
        const src = fs.readFileSync(path.join(REPO_ROOT, "tools/render.ts"), "utf8");
        assert.match(
            src.split("\n").find((l) => l.startsWith("import "))!,
            /^import "\.\/lib\/sdk-load";/,
        );
    });

    it("GIVEN a process that imports it first WHEN it loads @pulumi/pulumi THEN the three are not loaded, and each still works when used", function () {
        this.timeout(60_000);
        const script = `
            require(${JSON.stringify(path.join(REPO_ROOT, "tools/lib/sdk-load.ts"))});
            const pulumi = require("@pulumi/pulumi");
            const loaded = (re) => Object.keys(require.cache).some((id) => re.test(id));
            const NOT_YET = [/[\\\\/]typescript[\\\\/]lib[\\\\/]typescript\\.js$/, /[\\\\/]@pulumi[\\\\/]pulumi[\\\\/]automation[\\\\/]index\\.js$/, /[\\\\/]@npmcli[\\\\/]arborist[\\\\/]/];
            const before = NOT_YET.map(loaded);
            const workspace = typeof pulumi.automation.LocalWorkspace;
            const scanner = typeof require("@pulumi/pulumi/typescript-shim").createScanner;
            pulumi.runtime.serializeFunction(() => 42).then((f) => {
                console.log(JSON.stringify({ before, after: NOT_YET.map(loaded), workspace, scanner, serialized: /42/.test(f.text) }));
            });`;
        const r = spawnSync(process.execPath, ["-r", path.join(REPO_ROOT, "tests/helpers/register.js"), "-e", script], { cwd: REPO_ROOT, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout.trim().split("\n").pop()!);
        assert.deepEqual(out.before, [false, false, false], "loaded with the SDK: typescript, automation, arborist");
        assert.deepEqual(out.after.slice(0, 2), [true, true], "typescript and automation load on first use");
        assert.equal(out.workspace, "function");
        assert.equal(out.scanner, "function");
        assert.equal(out.serialized, true);
    });
});
