/**
 * Mocha's TypeScript loader (`.mocharc.json` require; also `node -r` for the CLI processes tests
 * spawn): each .ts file is transpiled by SWC (native, per file, no type check: `npm run
 * typecheck` is the type check), with the tsconfig's emit settings (CommonJS, ES2022, define
 * semantics for class fields, esModuleInterop-style imports). Stack traces are source-mapped from
 * the in-memory maps, except the ones Pulumi captures for its own bookkeeping (one per resource
 * and per promise, never read under mocks), which keep V8's plain format: mapping those was a
 * third of the unit tier's CPU.
 */
"use strict";
const fs = require("fs");
const Module = require("module");
const { transformSync } = require("@swc/core");
const sourceMapSupport = require("@cspotcode/source-map-support");

const maps = new Map();

sourceMapSupport.install({
    environment: "node",
    handleUncaughtExceptions: false,
    overrideRetrieveSourceMap: true,
    retrieveSourceMap: (file) => (maps.has(file) ? { url: file, map: maps.get(file) } : null),
});

const PULUMI_INTERNAL = /[\\/]node_modules[\\/]@pulumi[\\/]pulumi[\\/]/;
const mapped = Error.prepareStackTrace;
function plain(error, frames) {
    let head;
    try {
        head = String(error);
    } catch {
        head = "Error";
    }
    return head + frames.map((f) => `\n    at ${f}`).join("");
}
Error.prepareStackTrace = (error, frames) => {
    const top = frames[0] && frames[0].getFileName();
    return top && PULUMI_INTERNAL.test(top) ? plain(error, frames) : mapped(error, frames);
};

const OPTIONS = {
    swcrc: false,
    configFile: false,
    sourceMaps: true,
    module: { type: "commonjs", strict: false, strictMode: true, noInterop: false },
    jsc: {
        parser: { syntax: "typescript", tsx: false },
        target: "es2022",
        keepClassNames: true,
        transform: { useDefineForClassFields: true },
    },
};

Module._extensions[".ts"] = function (module, filename) {
    const { code, map } = transformSync(fs.readFileSync(filename, "utf8"), { ...OPTIONS, filename });
    maps.set(filename, map);
    module._compile(code, filename);
};
