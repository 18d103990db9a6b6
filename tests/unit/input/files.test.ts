/**
 * Reading user-named files: only regular UTF-8 files inside the named root, never /proc, /dev,
 * FIFOs, sockets or directories, and errors that never carry the file's contents.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { InputError, readTextFile, readTextInside } from "../../../components/input/files";

const CANARY = "canary-7f3a9c1e-file-contents";

function inputError(fn: () => unknown): InputError {
    try {
        fn();
    } catch (e) {
        assert.ok(e instanceof InputError, `expected InputError, got ${(e as Error)?.stack ?? e}`);
        return e as InputError;
    }
    return assert.fail("the read was accepted");
}

describe("input: files named by user input stay inside their root", () => {
    let tmp: string;
    let root: string;
    let outside: string;
    before(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "input-files-"));
        root = path.join(tmp, "project");
        fs.mkdirSync(path.join(root, "sub"), { recursive: true });
        fs.writeFileSync(path.join(root, "sub", "ok.env"), "A=1\n");
        outside = path.join(tmp, "outside.env");
        fs.writeFileSync(outside, `SECRET=${CANARY}\n`);
        fs.symlinkSync(outside, path.join(root, "link-out.env"));
        fs.symlinkSync("/proc/self/environ", path.join(root, "environ.env"));
        fs.symlinkSync(path.join(root, "sub", "ok.env"), path.join(root, "link-in.env"));
        fs.symlinkSync(path.join(root, "loop-b"), path.join(root, "loop-a"));
        fs.symlinkSync(path.join(root, "loop-a"), path.join(root, "loop-b"));
        fs.writeFileSync(path.join(root, "latin1.env"), Buffer.from([0x41, 0x3d, 0xe9, 0x0a]));
        fs.writeFileSync(path.join(root, "big.env"), "x".repeat(2048));
    });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("GIVEN a relative file inside the root, or a symlink to one WHEN read THEN its text comes back", () => {
        assert.equal(readTextInside("sub/ok.env", { root }), "A=1\n");
        assert.equal(readTextInside("link-in.env", { root }), "A=1\n");
        assert.equal(readTextInside("ok.env", { root, base: path.join(root, "sub") }), "A=1\n");
        assert.equal(readTextInside(path.join(root, "sub", "ok.env"), { root }), "A=1\n");
    });

    const refused: Array<[string, (root: string) => string, RegExp]> = [
        ["a .. escape", () => "../outside.env", /outside the root/],
        ["a .. escape from a sub directory", () => "sub/../../outside.env", /outside the root/],
        ["an absolute path elsewhere", () => "/etc/passwd", /outside the root/],
        ["/proc/self/environ", () => "/proc/self/environ", /special file/],
        ["a .. walk to /proc", () => "../../../../../../../../proc/self/environ", /special file|outside the root/],
        ["/dev/zero", () => "/dev/zero", /special file/],
        ["a symlink out of the root", () => "link-out.env", /symlink outside the root/],
        ["a symlink to /proc/self/environ", () => "environ.env", /special file/],
        ["a symlink loop", () => "loop-a", /symlink loop/],
        ["a directory", () => "sub", /directory/],
        ["a missing file", () => "nope.env", /does not exist/],
        ["non-UTF-8 bytes", () => "latin1.env", /not valid UTF-8/],
    ];
    for (const [what, file, rule] of refused) {
        it(`GIVEN ${what} WHEN read THEN InputError states the rule and never the contents`, () => {
            const e = inputError(() => readTextInside(file(root), { root }));
            assert.match(e.message, rule);
            assert.ok(!e.message.includes(CANARY) && !e.message.includes("root:x:0"), e.message);
            assert.ok(!e.message.includes("\n"), "one line");
        });
    }

    it("GIVEN a file over the size limit WHEN read THEN it is refused before reading", () => {
        assert.match(inputError(() => readTextInside("big.env", { root, maxBytes: 1024 })).message, /over the 1024-byte limit/);
    });

    it("GIVEN a FIFO named like an env file WHEN read THEN it fails at once instead of blocking", () => {
        const fifo = path.join(root, "fifo.env");
        execFileSync("mkfifo", [fifo]);
        try {
            assert.match(inputError(() => readTextInside("fifo.env", { root })).message, /FIFO/);
            assert.match(inputError(() => readTextFile(fifo)).message, /FIFO/);
        } finally {
            fs.rmSync(fifo);
        }
    });

    it("GIVEN a Unix socket WHEN read THEN it is refused as not a regular file", async () => {
        const sock = path.join(root, "sock.env");
        const server = net.createServer();
        await new Promise<void>((resolve) => server.listen(sock, resolve));
        try {
            assert.match(inputError(() => readTextInside("sock.env", { root })).message, /socket/);
        } finally {
            await new Promise<void>((resolve) => server.close(() => resolve()));
        }
    });

    it("GIVEN a file the user named on the command line WHEN read THEN /proc and /dev are still refused", () => {
        assert.match(inputError(() => readTextFile("/proc/self/environ")).message, /special file/);
        assert.match(inputError(() => readTextFile("/dev/stdin")).message, /special file|not a regular|socket|device|FIFO/);
        assert.equal(readTextFile(outside), `SECRET=${CANARY}\n`);
    });
});
