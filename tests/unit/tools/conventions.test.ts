/**
 * Every CLI follows tools/lib/cli.ts: -h/--help exits 0 and names every flag; a bad flag exits 2;
 * bad input is one line without a stack trace (exit 1, or the code its help documents), and
 * --debug adds the trace. Run in-process through each CLI's `main`, plus each entry file once
 * as a real process so the `require.main` wiring is covered too.
 */
import { strict as assert } from "assert";
import { spawn } from "child_process";
import * as path from "path";
import { CliSpec, helpText, runCli } from "../../../tools/lib/cli";
import { REPO_ROOT } from "../../../tools/lib/render";

interface CliModule {
    CLI: CliSpec;
    main(argv: readonly string[], io: { stdout: (t: string) => void; stderr: (t: string) => void }): Promise<number>;
}

interface Case {
    script: string;
    file: string;
    load: () => CliModule;
    /** A command line with bad input, the exit code the help documents for it, and the message. */
    badInput: [string[], number, RegExp];
}

/** A CLI module that exports its spec and body but no `main`. */
function viaBody(file: string, body: string): () => CliModule {
    return () => {
        const m = require(file);
        return { CLI: m.CLI, main: (argv, io) => runCli(m.CLI, argv, (a, x) => m[body](a, x), io) };
    };
}

const CASES: Case[] = [
    {
        script: "render",
        file: "tools/render.ts",
        load: () => require("../../../tools/render"),
        badInput: [["--stack", "no-such-stack"], 1, /^render: no stack config Pulumi\.no-such-stack\.yaml \(stacks: dev, prod, prod-eu-west-1\)$/],
    },
    {
        script: "compose:convert",
        file: "tools/compose-convert.ts",
        load: () => require("../../../tools/compose-convert"),
        badInput: [
            ["no/such/compose.yml", "-n", "x"],
            1,
            /^compose-convert: no\/such\/compose.yml: cannot read the compose file: "\/.*\/no\/such\/compose.yml" does not exist$/,
        ],
    },
    {
        script: "policy:check",
        file: "tools/policy-check.ts",
        load: () => require("../../../tools/policy-check"),
        badInput: [["no/such/dir"], 2, /^policy:check: no\/such\/dir: no such file or directory$/],
    },
    {
        script: "summary",
        file: "tools/summary.ts",
        load: () => require("../../../tools/summary"),
        badInput: [["--file", "no/such/summary.json"], 1, /^summary: cannot read no\/such\/summary.json: ENOENT$/],
    },
    {
        script: "cost",
        file: "tools/cost.ts",
        load: () => require("../../../tools/cost"),
        badInput: [["--stack", "prod", "--prices", "no/such/prices.json"], 1, /^cost: cannot read price table no\/such\/prices.json: ENOENT$/],
    },
    {
        script: "secrets:check",
        file: "tools/secrets-check.ts",
        load: viaBody("../../../tools/secrets-check", "secretsCheck"),
        badInput: [["--stack", "no-such-stack"], 1, /^secrets:check: no stack file Pulumi\.no-such-stack\.yaml \(stacks: dev, prod, prod-eu-west-1\)$/],
    },
    {
        script: "secrets:table",
        file: "tools/secrets-table.ts",
        load: viaBody("../../../tools/secrets-table", "secretsTable"),
        badInput: [["extra"], 2, /^secrets:table: unexpected argument extra$/],
    },
    {
        script: "netmatrix",
        file: "tools/netmatrix.ts",
        load: () => require("../../../tools/netmatrix"),
        badInput: [["--stack", "staging"], 2, /^netmatrix: --stack must be one of dev, prod, got staging$/],
    },
    {
        script: "bench",
        file: "bench/run.ts",
        load: () => require("../../../bench/run"),
        badInput: [["--reps", "0"], 2, /^bench: --reps must be an integer >= 1, got 0$/],
    },
];

async function run(m: CliModule, argv: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = "";
    let err = "";
    const code = await m.main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return { code, out, err };
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const TRACE = /^\s+at .+:\d+:\d+\)?$/m;

describe("CLI conventions (every CLI)", function () {
    this.timeout(180000);

    it("THEN every npm script of a CLI is listed here, and runs the entry file's tsc build (build/<file>.js)", () => {
        const scripts = require(path.join(REPO_ROOT, "package.json")).scripts as Record<string, string>;
        for (const c of CASES) assert.equal(scripts[c.script], `node build/${c.file.replace(/\.ts$/, ".js")}`, c.script);
    });

    for (const c of CASES) {
        describe(`GIVEN npm run ${c.script}`, () => {
            it("WHEN -h or --help THEN exit 0, the help on stdout naming every flag and the exit codes", async () => {
                const m = c.load();
                for (const flag of ["-h", "--help"]) {
                    const r = await run(m, [flag]);
                    assert.equal(r.code, 0);
                    assert.equal(r.err, "");
                    assert.equal(r.out, helpText(m.CLI));
                }
                const help = helpText(m.CLI);
                for (const k of Object.keys(m.CLI.flags)) assert.ok(help.includes(`--${kebab(k)}`), `--${kebab(k)} is not in the help`);
                assert.match(help, /^exit codes:\n {2}0 {2}.+\n {2}1 {2}.+\n {2}2 {2}.+$/m);
            });

            it("WHEN given an unknown flag THEN exit 2 with the reason and the usage, no stack trace", async () => {
                const r = await run(c.load(), ["--no-such-flag"]);
                assert.equal(r.code, 2);
                assert.equal(r.out, "");
                assert.match(r.err, /^[\w:-]+: unknown option --no-such-flag\nusage: npm run /);
                assert.doesNotMatch(r.err, TRACE);
            });

            it("WHEN given bad input THEN one line without a stack trace; with --debug THEN the trace", async () => {
                const [argv, code, re] = c.badInput;
                const r = await run(c.load(), argv);
                assert.equal(r.code, code, r.err);
                assert.equal(r.out, "");
                assert.match(r.err.split("\n")[0], re);
                if (code === 1) assert.equal(r.err.trimEnd().split("\n").length, 1, r.err);
                assert.doesNotMatch(r.err, TRACE);
                const debug = await run(c.load(), [...argv, "--debug"]);
                assert.equal(debug.code, code);
                assert.match(debug.err, TRACE);
            });
        });
    }

    it("WHEN each entry file runs as a process with --help THEN it exits 0 with the help on stdout", async () => {
        // The unit tier's transpiler (tests/helpers/register.js) runs the entry file as main.
        const register = path.join(REPO_ROOT, "tests/helpers/register.js");
        const spawnHelp = (c: Case) =>
            new Promise<{ c: Case; code: number | null; out: string; err: string }>((resolve) => {
                const p = spawn(process.execPath, ["-r", register, path.join(REPO_ROOT, c.file), "--help"], { cwd: REPO_ROOT });
                let out = "";
                let err = "";
                p.stdout.on("data", (d) => (out += d));
                p.stderr.on("data", (d) => (err += d));
                p.on("close", (code) => resolve({ c, code, out, err }));
            });
        // two at a time: the machine's cores, not more
        const results: Awaited<ReturnType<typeof spawnHelp>>[] = [];
        for (let i = 0; i < CASES.length; i += 2) results.push(...(await Promise.all(CASES.slice(i, i + 2).map(spawnHelp))));
        for (const { c, code, out, err } of results) {
            assert.equal(code, 0, `${c.script}: ${err}`);
            assert.equal(out, helpText(c.load().CLI), c.script);
        }
    });
});
