/**
 * `npm test`: the unit tier, TypeScript transpiled by tests/helpers/register.js (SWC), in two
 * worker processes (the machine's cores). Each worker takes the next file in `spec` order when
 * it is free. The two files whose time is mostly child processes (npm pack, tsc and a consumer
 * program; every CLI run as a process) go first, so that the other worker runs the rest beside
 * them; in alphabetical order the CLI file came last and ran alone after everything else.
 * Every other file follows in path order, each once.
 */
"use strict";
const fs = require("fs");
const path = require("path");

const UNIT = "tests/unit";
const FIRST = ["tests/unit/package/pack.test.ts", "tests/unit/tools/conventions.test.ts"];

const all = fs
    .readdirSync(path.join(__dirname, UNIT), { recursive: true })
    .filter((f) => f.endsWith(".test.ts"))
    .map((f) => path.posix.join(UNIT, f.split(path.sep).join("/")))
    .sort();
const first = FIRST.filter((f) => all.includes(f));

module.exports = {
    require: ["tests/helpers/register.js"],
    extension: ["ts"],
    spec: [...first, ...all.filter((f) => !first.includes(f))],
    timeout: 20000,
    reporter: "dot",
    parallel: true,
    jobs: 2,
};
