/**
 * The env_file / compose file leak: a compose file (or a CLI argument) cannot pull the deployer's
 * environment or any file outside the project root into a rendered object or an error message.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compileComposeAppArgs } from "../../../components/compose/compose-app";
import { ComposeError } from "../../../components/compose/errors";
import { main } from "../../../tools/compose-convert";

/** A value only the deployer's environment holds: it must never reach an object or a message. */
const CANARY = `canary-${process.pid}-d41c8e`;
const CANARY_VAR = "AP_TEST_DEPLOYER_CANARY";

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await main([...argv, "--namespace", "apps"], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
}

describe("compose: files stay inside the project root (no env_file leak)", () => {
    let tmp: string;
    let project: string;
    before(() => {
        process.env[CANARY_VAR] = CANARY;
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "compose-files-"));
        project = path.join(tmp, "project");
        fs.mkdirSync(path.join(project, "env"), { recursive: true });
        fs.writeFileSync(path.join(project, "env", "app.env"), "GREETING=hello\n");
        fs.writeFileSync(path.join(tmp, "outside.env"), `STOLEN=${CANARY}\n`);
        fs.symlinkSync("/proc/self/environ", path.join(project, "env", "environ.env"));
        fs.symlinkSync(path.join(tmp, "outside.env"), path.join(project, "env", "out.env"));
        execFileSync("mkfifo", [path.join(project, "env", "fifo.env")]);
    });
    after(() => {
        delete process.env[CANARY_VAR];
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    const compose = (envFile: string) =>
        `services:\n  web:\n    image: nginx:1.27.2\n    env_file: ${JSON.stringify(envFile)}\n    environment:\n      FROM_SHELL: "\${${CANARY_VAR}:-unset}"\n`;
    const write = (name: string, text: string) => {
        const file = path.join(project, name);
        fs.writeFileSync(file, text);
        return file;
    };

    it("GIVEN an env_file inside the project WHEN compiled THEN its values are used, and ${VAR} never reads the deployer's environment", () => {
        const { compiled } = compileComposeAppArgs({ composeFile: write("ok.yml", compose("env/app.env")), namespace: "apps" });
        const text = JSON.stringify(compiled);
        assert.ok(text.includes("hello"));
        assert.ok(!text.includes(CANARY), "the shell variable must not be interpolated");
        assert.equal(compiled.workloads[0].args.config?.data?.FROM_SHELL, "unset");
    });

    const hostile: Array<[string, string, RegExp]> = [
        ["/proc/self/environ", "/proc/self/environ", /special file/],
        ["a .. walk to /proc/self/environ", "../../../../../../../../../proc/self/environ", /special file|outside the root/],
        ["a .. escape", "../outside.env", /outside the root/],
        ["an absolute path outside the root", path.join(os.tmpdir(), "x", "..", path.basename(os.tmpdir()), "outside.env"), /outside the root/],
        ["a symlink to /proc/self/environ", "env/environ.env", /special file/],
        ["a symlink out of the project", "env/out.env", /symlink outside the root/],
        ["a FIFO", "env/fifo.env", /FIFO/],
        ["/dev/stdin", "/dev/stdin", /special file/],
    ];
    for (const [what, envFile, rule] of hostile) {
        it(`GIVEN env_file: ${what} WHEN compiled THEN ComposeError names env_file and the rule, and the canary is nowhere`, () => {
            let error: unknown;
            try {
                compileComposeAppArgs({ composeFile: write("bad.yml", compose(envFile)), namespace: "apps" });
            } catch (e) {
                error = e;
            }
            assert.ok(error instanceof ComposeError, `expected ComposeError, got ${(error as Error)?.stack ?? error}`);
            assert.equal(error.service, "web");
            assert.equal(error.field, "env_file");
            assert.match(error.rule, rule);
            assert.ok(!error.message.includes(CANARY), error.message);
        });

        it(`GIVEN env_file: ${what} with required: false WHEN compiled THEN it is still an error, not silently skipped`, () => {
            const text = `services:\n  web:\n    image: nginx:1.27.2\n    env_file:\n      - path: ${JSON.stringify(envFile)}\n        required: false\n`;
            assert.throws(
                () => compileComposeAppArgs({ composeFile: write("bad-optional.yml", text), namespace: "apps" }),
                (e: Error) => e instanceof ComposeError && rule.test(e.message),
            );
        });
    }

    it("GIVEN a missing optional env_file WHEN compiled THEN it is skipped (compose semantics)", () => {
        const text = "services:\n  web:\n    image: nginx:1.27.2\n    env_file:\n      - path: env/none.env\n        required: false\n";
        assert.doesNotThrow(() => compileComposeAppArgs({ composeFile: write("optional.yml", text), namespace: "apps" }));
    });

    it("GIVEN an explicit rootDir above the compose file WHEN an env_file reaches into it THEN it is read; outside it, refused", () => {
        const nested = path.join(project, "apps", "web");
        fs.mkdirSync(nested, { recursive: true });
        const file = path.join(nested, "compose.yml");
        fs.writeFileSync(file, compose("../../env/app.env"));
        assert.throws(() => compileComposeAppArgs({ composeFile: file, namespace: "apps" }), /outside the root/);
        const { compiled } = compileComposeAppArgs({ composeFile: file, namespace: "apps", rootDir: project });
        assert.ok(JSON.stringify(compiled).includes("hello"));
        assert.throws(() => compileComposeAppArgs({ composeFile: path.join(tmp, "outside.env"), namespace: "apps", rootDir: project }), /outside the root/);
    });

    it("GIVEN compose:convert on /etc/passwd WHEN run THEN it fails with one line that does not echo the file", async () => {
        const r = await cli(["/etc/passwd"]);
        assert.equal(r.code, 1);
        assert.equal(r.err.trim().split("\n").length, 1, r.err);
        assert.match(r.err, /top level must be a mapping/);
        assert.ok(!/root:|nologin|bin\/bash/.test(r.err), r.err);
    }).timeout(60000);

    it("GIVEN compose:convert with env_file: /proc/self/environ WHEN run THEN exit 1, one line naming env_file, canary nowhere", async () => {
        const r = await cli([write("cli.yml", compose("/proc/self/environ"))]);
        assert.equal(r.code, 1);
        assert.match(r.err, /env_file: .*special file/);
        assert.equal(r.err.trim().split("\n").length, 1, r.err);
        assert.ok(!(r.out + r.err).includes(CANARY));
    }).timeout(60000);

    it("GIVEN compose:convert --env-file /proc/self/environ or a FIFO WHEN run THEN exit 1 naming the flag, without blocking", async () => {
        for (const f of ["/proc/self/environ", path.join(project, "env", "fifo.env")]) {
            const r = await cli([write("cli-ok.yml", compose("env/app.env")), "--env-file", f]);
            assert.equal(r.code, 1, r.err);
            assert.match(r.err, /--env-file/);
            assert.ok(!(r.out + r.err).includes(CANARY));
        }
    }).timeout(60000);

    it("GIVEN compose:convert --root WHEN the env_file escapes the compose directory into the root THEN it renders, and the canary is nowhere", async () => {
        const nested = path.join(project, "cli", "web");
        fs.mkdirSync(nested, { recursive: true });
        const file = path.join(nested, "compose.yml");
        fs.writeFileSync(file, compose("../../env/app.env"));
        const refused = await cli([file]);
        assert.equal(refused.code, 1);
        assert.match(refused.err, /outside the root/);
        const ok = await cli([file, "--root", project]);
        assert.equal(ok.code, 0, ok.err);
        assert.ok(ok.out.includes("hello"));
        assert.ok(!ok.out.includes(CANARY));
    }).timeout(60000);
});
