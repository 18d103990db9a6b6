/**
 * Loaded by tests/helpers/register.js. Several test files run Pulumi's schema analyzer
 * (`ComponentProvider.getSchema()`, tests/unit/package/*-schema.test.ts), and each run builds a
 * TypeScript program over the whole component package from components/tsconfig.json: about 4,000
 * files, @pulumi/aws's and @pulumi/kubernetes's declarations included. Parsing and binding them is
 * most of each file's time, and the result is the same every time.
 *
 * So within a test process the analyzer's programs share their source files, as TypeScript's
 * language service does between program versions: the analyzer's `typescript` (the one the SDK's
 * typescript-shim requires) gets a `createProgram` whose compiler host returns the source file
 * parsed earlier for the same path, the same parse settings and compiler options, and the same
 * text; any change in a file's text parses it again. Only the analyzer's programs are affected;
 * the type checker is new for every program. The schema tests run one after the other
 * (.mocharc.js); once no program has been made for IDLE_MS the sources are let go, so the rest of
 * the process's files do not carry (and garbage-collect around) several hundred MB of syntax trees.
 */
"use strict";
const path = require("path");
const Module = require("module");
const { setTimeout, clearTimeout } = require("timers");

const SHIM = `${path.sep}@pulumi${path.sep}pulumi${path.sep}typescript-shim.js`;

/** compiler options (JSON) -> file name and parse settings -> { text, sourceFile } */
const caches = new Map();
const IDLE_MS = 20_000;
let idle;

function keepUntilIdle() {
    clearTimeout(idle);
    idle = setTimeout(() => caches.clear(), IDLE_MS);
    idle.unref();
}

function cachingHost(ts, options) {
    const key = JSON.stringify(options);
    if (!caches.has(key)) caches.set(key, new Map());
    const cache = caches.get(key);
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile;
    host.getSourceFile = function (fileName, settings, onError, shouldCreateNewSourceFile) {
        const text = host.readFile(fileName);
        const fileKey = `${fileName}\0${JSON.stringify(settings)}`;
        const hit = cache.get(fileKey);
        if (hit && hit.text === text && !shouldCreateNewSourceFile) return hit.sourceFile;
        const sourceFile = getSourceFile.call(this, fileName, settings, onError, shouldCreateNewSourceFile);
        if (sourceFile && text !== undefined) cache.set(fileKey, { text, sourceFile });
        return sourceFile;
    };
    return host;
}

/** `ts` with createProgram supplying the caching host when the caller gives none. */
function withSharedSources(ts) {
    const createProgram = (rootNamesOrOptions, options, host, oldProgram, configFileParsingDiagnostics) => {
        try {
            if (!Array.isArray(rootNamesOrOptions)) {
                const o = rootNamesOrOptions;
                return ts.createProgram(o.host ? o : { ...o, host: cachingHost(ts, o.options) });
            }
            return ts.createProgram(rootNamesOrOptions, options, host ?? cachingHost(ts, options), oldProgram, configFileParsingDiagnostics);
        } finally {
            keepUntilIdle();
        }
    };
    return new Proxy(ts, { get: (target, key) => (key === "createProgram" ? createProgram : Reflect.get(target, key)) });
}

const load = Module._load;
Module._load = function (request, parent, isMain) {
    const mod = load.call(this, request, parent, isMain);
    return request === "typescript" && parent?.filename?.endsWith(SHIM) ? withSharedSources(mod) : mod;
};
