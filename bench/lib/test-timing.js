/**
 * Mocha `--require` for the bench's unit-tier rows (serial runs only): the time each spec file
 * costs, written as JSON to $TIMING_OUT when the run ends. load = requiring the file (including
 * the modules it is first to load), run = its root suite, hooks included.
 */
"use strict";
const Module = require("module");
const path = require("path");
const fs = require("fs");

const load = new Map();
const run = new Map();
const origLoad = Module.prototype.load;
Module.prototype.load = function (filename) {
    if (!/\.test\.ts$/.test(filename)) return origLoad.call(this, filename);
    const t = process.hrtime.bigint();
    try {
        return origLoad.call(this, filename);
    } finally {
        load.set(filename, Number(process.hrtime.bigint() - t) / 1e6);
    }
};

const { Runner } = require(require.resolve("mocha", { paths: [process.cwd()] }));
const origRun = Runner.prototype.run;
Runner.prototype.run = function (...args) {
    const starts = new Map();
    this.on("suite", (s) => {
        if (s.file && s.parent && s.parent.root) starts.set(s, process.hrtime.bigint());
    });
    this.on("suite end", (s) => {
        if (starts.has(s)) run.set(s.file, (run.get(s.file) || 0) + Number(process.hrtime.bigint() - starts.get(s)) / 1e6);
    });
    this.on("end", () => {
        const files = [...new Set([...load.keys(), ...run.keys()])];
        const rows = files
            .map((f) => ({ file: path.relative(process.cwd(), f), loadMs: load.get(f) || 0, runMs: run.get(f) || 0 }))
            .map((x) => ({ ...x, totalMs: x.loadMs + x.runMs }))
            .sort((a, b) => b.totalMs - a.totalMs);
        if (process.env.TIMING_OUT) fs.writeFileSync(process.env.TIMING_OUT, JSON.stringify(rows));
    });
    return origRun.apply(this, args);
};
