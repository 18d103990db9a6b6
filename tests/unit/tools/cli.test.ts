/** tools/lib/cli.ts: the one flag parser, help text and exit-code mapping every CLI uses. */
import { strict as assert } from "assert";
import { defineCli, helpText, parseArgs, runCli, UsageError, UserError } from "../../../tools/lib/cli";

class DomainError extends Error {}

const CLI = defineCli({
    name: "demo",
    usage: "demo <file> --stack NAME [--env K=V]...",
    summary: "A demo tool.",
    positionals: { name: "<file>", help: "the input", min: 1, max: 1 },
    flags: {
        stack: { value: "NAME", required: true, help: "the stack" },
        env: { value: "K=V", repeat: true, short: "e", help: "a variable" },
        showSecrets: { help: "print secrets" },
    },
    userErrors: [DomainError],
});

async function run(argv: string[], body: () => number | void | Promise<number | void> = () => 0) {
    let out = "";
    let err = "";
    const code = await runCli(CLI, argv, body, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
}

describe("tools/lib/cli", () => {
    it("GIVEN flags in every form WHEN parsed THEN values, repeats, switches and positionals are typed and collected", () => {
        const a = parseArgs(CLI, ["f.yml", "--stack=dev", "-e", "A=1", "--env", "B=2", "--show-secrets"]);
        assert.equal(a.stack, "dev");
        assert.deepEqual(a.env, ["A=1", "B=2"]);
        assert.equal(a.showSecrets, true);
        assert.deepEqual(a._, ["f.yml"]);
        assert.deepEqual(parseArgs(CLI, ["--stack", "x", "--", "-odd-name.yml"])._, ["-odd-name.yml"]);
    });

    const usage: Array<[string, string[], RegExp]> = [
        ["an unknown flag", ["f", "--stack", "x", "--frob"], /unknown option --frob/],
        ["a missing value", ["f", "--stack"], /--stack needs a value \(NAME\)/],
        ["a flag as the value", ["f", "--stack", "--show-secrets"], /--stack needs a value/],
        ["a value for a switch", ["f", "--stack", "x", "--show-secrets=yes"], /--show-secrets takes no value/],
        ["a single-value flag twice", ["f", "--stack", "x", "--stack", "y"], /--stack given twice/],
        ["a required flag missing", ["f"], /--stack is required/],
        ["a missing positional", ["--stack", "x"], /missing <file>/],
        ["an extra positional", ["f", "g", "--stack", "x"], /too many arguments: g/],
    ];
    for (const [title, argv, re] of usage) {
        it(`GIVEN ${title} WHEN run THEN exit 2, the reason and the usage line on stderr, nothing on stdout`, async () => {
            assert.throws(() => parseArgs(CLI, argv), UsageError);
            const r = await run(argv);
            assert.equal(r.code, 2);
            assert.equal(r.out, "");
            assert.match(r.err.split("\n")[0], new RegExp(`^demo: ${re.source}`));
            assert.match(r.err, /^usage: demo <file>/m);
            assert.doesNotMatch(r.err, /^\s+at /m);
        });
    }

    it("GIVEN -h or --help WHEN run THEN the help goes to stdout and the exit is 0", async () => {
        for (const flag of ["-h", "--help"]) {
            const r = await run([flag], () => {
                throw new Error("body must not run");
            });
            assert.equal(r.code, 0);
            assert.equal(r.err, "");
            assert.equal(r.out, helpText(CLI));
        }
        const help = helpText(CLI);
        for (const f of ["--stack NAME", "-e, --env K=V", "--show-secrets", "-h, --help", "--debug", "<file>"]) assert.ok(help.includes(f), f);
        assert.match(help, /exit codes:\n {2}0 {2}ok\n {2}1 {2}.*\n {2}2 {2}usage error/);
    });

    it("GIVEN the body returns a code WHEN run THEN that is the exit code; nothing returned means 0", async () => {
        assert.equal((await run(["f", "--stack", "x"], () => 1)).code, 1);
        assert.equal((await run(["f", "--stack", "x"], () => undefined)).code, 0);
    });

    it("GIVEN a user error (UserError or a listed class) WHEN run THEN its message, exit 1 (or its code), no stack trace", async () => {
        let r = await run(["f", "--stack", "x"], () => {
            throw new DomainError("f: line 3: bad thing\nf: line 9: another");
        });
        assert.equal(r.code, 1);
        assert.equal(r.err, "demo: f: line 3: bad thing\nf: line 9: another\n");
        r = await run(["f", "--stack", "x"], () => {
            throw new UserError("--out refused", 2);
        });
        assert.deepEqual([r.code, r.err], [2, "demo: --out refused\n"]);
    });

    it("GIVEN an unexpected error WHEN run THEN its first line and a --debug hint, exit 1; with --debug THEN the stack trace too", async () => {
        const boom = () => {
            throw new TypeError("cannot read x of undefined\nmore detail");
        };
        let r = await run(["f", "--stack", "x"], boom);
        assert.equal(r.code, 1);
        assert.equal(r.err, "demo: cannot read x of undefined\n(rerun with --debug for the stack trace)\n");
        r = await run(["f", "--stack", "x", "--debug"], boom);
        assert.equal(r.code, 1);
        assert.match(r.err, /^demo: cannot read x of undefined\nTypeError: cannot read x/);
        assert.match(r.err, /^\s+at /m);
    });

    it("GIVEN a flag named like a built-in WHEN defined THEN it is refused", () => {
        assert.throws(() => defineCli({ name: "x", usage: "x", summary: "x", flags: { debug: { help: "" } } }), /built in/);
    });
});
