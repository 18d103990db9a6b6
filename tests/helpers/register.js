/**
 * Mocha's TypeScript loader (`.mocharc.js` require; also `node -r` for the CLI processes tests
 * spawn): each .ts file is transpiled by SWC (native, per file, no type check: `npm run
 * typecheck` is the type check), with the tsconfig's emit settings (CommonJS, ES2022, define
 * semantics for class fields, esModuleInterop-style imports). Stack traces are source-mapped from
 * the in-memory maps, except the ones Pulumi captures for its own bookkeeping (one per resource
 * and per promise, never read under mocks), which keep V8's plain format: mapping those was a
 * third of the unit tier's CPU.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const os = require("os");
const path = require("path");
const Module = require("module");
// @swc/core (a native binding) is loaded on the first cache miss only
const swcVersion = require("@swc/core/package.json").version;
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

/**
 * Transpiled files are kept on disk, keyed by SWC's version, the options, the path and the
 * source: every test process (the workers, the CLI processes tests spawn) and every later run
 * transpiles only what changed. A cache that cannot be written is only slower.
 */
const CACHE_DIR = path.join(os.tmpdir(), `agent-platform-swc-${typeof process.getuid === "function" ? process.getuid() : "u"}`);
const OPTIONS_KEY = JSON.stringify([swcVersion, OPTIONS]);

function transpile(filename) {
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha256").update(OPTIONS_KEY).update("\0").update(filename).update("\0").update(source).digest("hex");
    const cached = path.join(CACHE_DIR, `${key}.json`);
    try {
        return JSON.parse(fs.readFileSync(cached, "utf8"));
    } catch {
        // not cached yet (or unreadable): transpile below
    }
    const { code, map } = require("@swc/core").transformSync(source, { ...OPTIONS, filename });
    try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        const tmp = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, JSON.stringify({ code, map }));
        fs.renameSync(tmp, cached);
    } catch {
        // read-only or full tmpdir: run uncached
    }
    return { code, map };
}

/**
 * `agent-platform` (the component package stacks/ and tools/ import by name) resolves to its
 * TypeScript sources here, not to the built components/dist: a test that imports
 * components/kube/x.ts and a stack that imports "agent-platform" must share the same module
 * instances (instanceof, ComponentResource identity). Each entry point of the package's
 * "exports" maps to the source its declaration file is built from (./dist/aws/index.d.ts ->
 * components/aws/index.ts).
 */
const COMPONENTS = path.resolve(__dirname, "../../components");
const PACKAGE = require(path.join(COMPONENTS, "package.json"));
const SOURCES = new Map(
    Object.entries(PACKAGE.exports)
        .filter(([, target]) => typeof target === "object" && typeof target.types === "string")
        .map(([subpath, target]) => [
            path.posix.join(PACKAGE.name, subpath),
            path.join(COMPONENTS, target.types.replace(/^\.\/dist\//, "").replace(/\.d\.ts$/, ".ts")),
        ]),
);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
    const source = SOURCES.get(request);
    return source === undefined ? resolveFilename.call(this, request, ...rest) : source;
};

Module._extensions[".ts"] = function (module, filename) {
    const { code, map } = transpile(filename);
    maps.set(filename, map);
    module._compile(code, filename);
};

// As the tools do (tools/lib/sdk-load.ts): the SDK's unused parts load on first use.
require("../../tools/lib/sdk-load");
