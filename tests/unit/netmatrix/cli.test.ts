/** `npm run netmatrix` driven in-process (main()): the command line is refused before any render or build. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CliIo } from "../../../tools/lib/cli";
import { main } from "../../../tools/netmatrix";

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
    const code = await main(args, io);
    return { code, out: out.join(""), err: err.join("") };
}

describe("netmatrix CLI", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "netmatrix-cli-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("GIVEN --help WHEN run THEN every flag is described and it exits 0", async () => {
        const r = await run(["--help"]);
        assert.equal(r.code, 0);
        for (const flag of ["--stack NAME", "--json FILE", "--all", "--cyclonus BIN"]) assert.ok(r.out.includes(flag), flag);
    });

    it("GIVEN an unknown stack WHEN run THEN it is a usage error (exit 2) naming the stacks", async () => {
        const r = await run(["--stack", "qa"]);
        assert.equal(r.code, 2);
        assert.match(r.err, /^netmatrix: --stack must be one of dev, prod, got qa\nusage: /);
    });

    it("GIVEN --json naming a file that is not an earlier report WHEN run THEN it refuses (exit 2) and leaves the file alone", async () => {
        const file = path.join(dir, "notes.json");
        fs.writeFileSync(file, '{"mine": true}\n');
        const r = await run(["--json", file, "--cyclonus", path.join(dir, "missing")]);
        assert.equal(r.code, 2);
        assert.equal(r.err, `netmatrix: --json ${file} exists and is not a netmatrix report; choose another file\n`);
        assert.equal(fs.readFileSync(file, "utf8"), '{"mine": true}\n');
    });

    it("GIVEN --cyclonus naming no file WHEN run THEN it is a usage error", async () => {
        const r = await run(["--cyclonus", path.join(dir, "missing"), "--json", path.join(dir, "out.json")]);
        assert.equal(r.code, 2);
        assert.match(r.err, /--cyclonus .*missing does not exist/);
        assert.ok(!fs.existsSync(path.join(dir, "out.json")));
    });
});
