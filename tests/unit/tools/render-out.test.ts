/** `npm run render -- --out DIR` never destroys what it did not write (issue 16). */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { main } from "../../../tools/render";
import { MANIFEST } from "../../../tools/lib/output";
import { REPO_ROOT } from "../../../tools/lib/render";

describe("render --out DIR", function () {
    this.timeout(120000);
    let tmp: string;
    let config: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "render-out-"));
        // The dev stack with one system: the same code path as a full render, a fraction of the time.
        const dev = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8"));
        const keep = ["agent-platform:environment", "agent-platform:cluster", "agent-platform:crds", "agent-platform:inquisitor"];
        config = path.join(tmp, "Pulumi.small.yaml");
        fs.writeFileSync(config, YAML.stringify({ config: Object.fromEntries(keep.map((k) => [k, dev.config[k]])) }));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    async function render(out: string, ...extra: string[]) {
        let err = "";
        const code = await main(["--stack", "small", "--config", config, "--out", out, ...extra], { stdout: () => undefined, stderr: (t) => (err += t) });
        return { code, err };
    }

    it("GIVEN a file placed in DIR after a render WHEN rendered again THEN the file is still there and only the render's files were rewritten", async () => {
        const out = path.join(tmp, "out");
        const first = await render(out);
        assert.equal(first.code, 0, first.err);
        // inquisitor reads no secure key: no placeholder is reported (all six used to be)
        assert.doesNotMatch(first.err, /placeholder/);
        const listed = fs
            .readFileSync(path.join(out, MANIFEST), "utf8")
            .split("\n")
            .filter((l) => l && !l.startsWith("#"));
        assert.ok(listed.includes("cloud-resources.json") && listed.some((f) => f.startsWith("inquisitor-system/")), listed.join(","));
        fs.writeFileSync(path.join(out, "kustomization.yaml"), "resources: []\n");
        fs.writeFileSync(path.join(out, "inquisitor-system", "my-patch.yaml"), "kind: Nothing\n");
        fs.writeFileSync(
            path.join(
                out,
                listed.find((f) => f.startsWith("inquisitor-system/"))!,
            ),
            "stale\n",
        );
        const second = await render(out);
        assert.equal(second.code, 0, second.err);
        assert.equal(fs.readFileSync(path.join(out, "kustomization.yaml"), "utf8"), "resources: []\n");
        assert.equal(fs.readFileSync(path.join(out, "inquisitor-system", "my-patch.yaml"), "utf8"), "kind: Nothing\n");
        assert.notEqual(
            fs.readFileSync(
                path.join(
                    out,
                    listed.find((f) => f.startsWith("inquisitor-system/"))!,
                ),
                "utf8",
            ),
            "stale\n",
        );
    });

    it("GIVEN --out at a git checkout WHEN rendered THEN it refuses with one line and exit 2 and changes nothing", async () => {
        const repo = path.join(tmp, "manifests");
        fs.mkdirSync(path.join(repo, ".git"), { recursive: true });
        fs.writeFileSync(path.join(repo, ".git", "HEAD"), "ref: refs/heads/main\n");
        fs.writeFileSync(path.join(repo, "app.yaml"), "kind: Mine\n");
        const r = await render(repo);
        assert.equal(r.code, 2);
        assert.match(r.err, /^render: --out \S+manifests is a git checkout and was not written by this tool \(no \.agent-platform-files\); .*--force.*\n$/);
        assert.deepEqual(fs.readdirSync(repo).sort(), [".git", "app.yaml"]);
        assert.deepEqual(fs.readdirSync(path.join(repo, ".git")), ["HEAD"]);
    });
});
