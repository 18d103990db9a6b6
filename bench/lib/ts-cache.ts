/**
 * Experiment preload (after ts-node): replaces the `.ts` require hook with one that keeps
 * transpiled JavaScript in an on-disk cache keyed by file content (`BENCH_TS_CACHE` dir).
 * `typescript` is only loaded on a cache miss. Used to measure what on-the-fly transpilation
 * costs a program evaluation; not used by `render` or the tests.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const cacheDir = process.env.BENCH_TS_CACHE;
if (!cacheDir) throw new Error("ts-cache: set BENCH_TS_CACHE to a directory");
fs.mkdirSync(cacheDir, { recursive: true });

type CompilingModule = NodeJS.Module & { _compile(code: string, filename: string): void };

// require.extensions (deprecated, still supported) is the hook ts-node uses too
require.extensions[".ts"] = (module: NodeJS.Module, filename: string) => {
    const src = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha1").update(filename).update("\0").update(src).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    let js: string;
    if (fs.existsSync(cached)) js = fs.readFileSync(cached, "utf8");
    else {
        const ts = require("typescript") as typeof import("typescript");
        js = ts.transpileModule(src, {
            fileName: filename,
            compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
        }).outputText;
        fs.writeFileSync(cached, js);
    }
    (module as CompilingModule)._compile(js, filename);
};
