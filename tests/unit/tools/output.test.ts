/** tools/lib/output.ts: render and compose:convert never destroy what they did not write. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { UserError } from "../../../tools/lib/cli";
import { MANIFEST, objectPath, readManifest, writeOutputDir } from "../../../tools/lib/output";

const file = (p: string, content = `${p}\n`) => ({ path: p, content });

describe("tools/lib/output", () => {
    let tmp: string;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "output-"));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    function tree(dir: string): string[] {
        return fs
            .readdirSync(dir, { recursive: true, withFileTypes: true })
            .filter((e) => e.isFile())
            .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
            .sort();
    }

    it("GIVEN objects WHEN laid out THEN <namespace or _cluster>/<kind>-<name>.yaml", () => {
        assert.equal(objectPath({ kind: "Deployment", metadata: { name: "api", namespace: "agents" } }), "agents/deployment-api.yaml");
        assert.equal(objectPath({ kind: "Namespace", metadata: { name: "agents" } }), "_cluster/namespace-agents.yaml");
    });

    it("GIVEN a new directory WHEN written THEN the files and a list of them are there", () => {
        const dir = path.join(tmp, "out");
        writeOutputDir(dir, [file("a/x.yaml"), file("b.json")]);
        assert.deepEqual(tree(dir), [MANIFEST, "a/x.yaml", "b.json"]);
        assert.deepEqual(readManifest(dir), ["a/x.yaml", "b.json"]);
    });

    it("GIVEN a second run WHEN written THEN only listed files that are gone from the output are removed; files placed by the user stay", () => {
        const dir = path.join(tmp, "out");
        writeOutputDir(dir, [file("a/x.yaml"), file("a/y.yaml"), file("old/z.yaml")]);
        fs.writeFileSync(path.join(dir, "NOTES.md"), "mine\n");
        fs.writeFileSync(path.join(dir, "a", "mine.yaml"), "mine\n");
        const r = writeOutputDir(dir, [file("a/x.yaml", "new\n")]);
        assert.deepEqual(r.removed.sort(), ["a/y.yaml", "old/z.yaml"]);
        assert.deepEqual(tree(dir), [MANIFEST, "NOTES.md", "a/mine.yaml", "a/x.yaml"]);
        assert.ok(!fs.existsSync(path.join(dir, "old")), "a directory left empty is removed");
        assert.equal(fs.readFileSync(path.join(dir, "a/x.yaml"), "utf8"), "new\n");
        assert.deepEqual(readManifest(dir), ["a/x.yaml"]);
    });

    it("GIVEN a non-empty directory without a list WHEN written THEN it is refused with exit 2 and nothing changes", () => {
        fs.writeFileSync(path.join(tmp, "keep.txt"), "x");
        assert.throws(
            () => writeOutputDir(tmp, [file("a.yaml")]),
            (e: unknown) => e instanceof UserError && e.exitCode === 2 && /is not empty \(1 entries\).*--force/.test(e.message),
        );
        assert.deepEqual(tree(tmp), ["keep.txt"]);
    });

    it("GIVEN a git checkout WHEN written THEN it is refused; with --force THEN files are added, nothing removed, .git untouched", () => {
        fs.mkdirSync(path.join(tmp, ".git"));
        fs.writeFileSync(path.join(tmp, ".git", "HEAD"), "ref: refs/heads/main\n");
        fs.writeFileSync(path.join(tmp, "README.md"), "x");
        assert.throws(() => writeOutputDir(tmp, [file("a.yaml")]), /is a git checkout/);
        writeOutputDir(tmp, [file("a.yaml")], { force: true });
        writeOutputDir(tmp, [file("b.yaml")]); // now listed: the second run needs no --force
        assert.deepEqual(tree(tmp), [MANIFEST, ".git/HEAD", "README.md", "b.yaml"]);
    });

    it("GIVEN a list naming .git, .. or absolute paths WHEN the next run cleans up THEN those entries are ignored", () => {
        const dir = path.join(tmp, "out");
        writeOutputDir(dir, [file("a.yaml")]);
        fs.mkdirSync(path.join(dir, ".git"));
        fs.writeFileSync(path.join(dir, ".git", "config"), "x");
        fs.writeFileSync(path.join(tmp, "outside.txt"), "x");
        fs.appendFileSync(path.join(dir, MANIFEST), `.git/config\n../outside.txt\n${path.join(tmp, "outside.txt")}\n`);
        writeOutputDir(dir, [file("b.yaml")]);
        assert.ok(fs.existsSync(path.join(dir, ".git", "config")));
        assert.ok(fs.existsSync(path.join(tmp, "outside.txt")));
        assert.throws(() => writeOutputDir(dir, [file(".git/hooks/x")]), /not a plain relative path/);
    });

    it("GIVEN a listed directory holding a file the tool did not write at a path it now writes WHEN written THEN refused unless --force", () => {
        const dir = path.join(tmp, "out");
        writeOutputDir(dir, [file("a.yaml")]);
        fs.writeFileSync(path.join(dir, "b.yaml"), "user's\n");
        assert.throws(() => writeOutputDir(dir, [file("a.yaml"), file("b.yaml")]), /1 file\(s\) this tool did not write would be overwritten \(b.yaml\)/);
        assert.equal(fs.readFileSync(path.join(dir, "b.yaml"), "utf8"), "user's\n");
        writeOutputDir(dir, [file("a.yaml"), file("b.yaml")], { force: true });
        assert.equal(fs.readFileSync(path.join(dir, "b.yaml"), "utf8"), "b.yaml\n");
    });

    it("GIVEN --out naming a file WHEN written THEN exit 2", () => {
        fs.writeFileSync(path.join(tmp, "f"), "x");
        assert.throws(
            () => writeOutputDir(path.join(tmp, "f"), [file("a.yaml")]),
            (e: unknown) => e instanceof UserError && e.exitCode === 2,
        );
    });
});
