/**
 * `npm test`: the unit tier, TypeScript transpiled by tests/helpers/register.js (SWC), in two
 * worker processes (the machine's cores). Each worker takes the next file in `spec` order when
 * it is free. The file whose time is mostly child processes (npm pack, then tsc and a consumer
 * program) goes first, so that the other worker runs the rest beside it, starting with the
 * package schema test (Pulumi's analyzer parses the package and its dependencies' declarations,
 * about 4,000 files, once for the whole package). (The CLI-process file,
 * tools/conventions.test.ts, stays in path order: started beside npm pack and tsc it timed out at
 * load 24.) Every other file follows in path order, each once.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const UNIT = "tests/unit";

const all = fs
    .readdirSync(path.join(__dirname, UNIT), { recursive: true })
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.posix.join(UNIT, f.split(path.sep).join("/")))
    .sort();
const first = ["tests/unit/package/pack.test.ts", "tests/unit/package/schema.test.ts"].filter((f) => all.includes(f));

/**
 * `npx mocha tests/unit/x/y.test.ts` runs the files it names: mocha adds the command line's files
 * to the `spec` here, so the whole tier is listed only when none is named.
 */
const named = process.argv.slice(2).some((a) => !a.startsWith("-") && /\.test\.ts$/.test(a));

module.exports = {
    require: ["tests/helpers/register.js"],
    extension: ["ts"],
    spec: named ? [] : [...first, ...all.filter((f) => !first.includes(f))],
    timeout: 20000,
    reporter: "dot",
    parallel: true,
    jobs: 2,
};
