import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { extractRevision } from "../../../tools/lib/revision";

const REPO = path.resolve(__dirname, "../../..");

describe("extractRevision (the earlier revision bench and the e2e upgrade scenario run)", () => {
    let tmp: string;
    beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ap-revision-"))));
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("extracts the commit's tracked files, without its build output, and links this checkout's dependencies", () => {
        const head = execFileSync("git", ["-C", REPO, "rev-parse", "HEAD"], { encoding: "utf8" }).trim();
        const dir = path.join(tmp, "rev");
        extractRevision(REPO, head, dir);
        const committed = execFileSync("git", ["-C", REPO, "show", `${head}:Pulumi.yaml`], { encoding: "utf8" });
        assert.equal(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"), committed);
        assert.ok(!fs.existsSync(path.join(dir, "build")), "build output is not tracked");
        assert.equal(fs.realpathSync(path.join(dir, "node_modules")), fs.realpathSync(path.join(REPO, "node_modules")));
        assert.ok(!fs.existsSync(`${dir}.tar`), "the archive is removed");
    });

    it("names the git step and the revision when the commit does not exist, and writes nothing", () => {
        const dir = path.join(tmp, "rev");
        assert.throws(
            () => extractRevision(REPO, "0000000000000000000000000000000000000bad", dir),
            /^Error: git fetch 0000000000000000000000000000000000000bad: /,
        );
        assert.ok(!fs.existsSync(dir));
    });
});
