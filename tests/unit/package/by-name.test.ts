/**
 * The program consumes the component package by name (issue 14): stacks/, tools/, bench/ and the
 * policy pack import `agent-platform` (and its `/aws`, `/config`, `/compose`, `/logging` entry points), never
 * a path into components/. The program's build then holds no copy of the components, and every
 * run path loads one: build/ and the tools load components/dist through node_modules, the type
 * check and the unit tests (tests/helpers/register.js) the sources.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "../../..");
const COMPONENTS = path.join(ROOT, "components");
/** What tsconfig.build.json compiles into build/ (tests/flows comes in through tools/netmatrix). */
const PROGRAM_DIRS = ["stacks", "tools", "bench", "policy"];

const rel = (f: string) => path.relative(ROOT, f);

function tsFiles(dir: string, out: string[] = []): string[] {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) {
            if (e.name !== "node_modules") tsFiles(p, out);
        } else if (e.name.endsWith(".ts") && !e.name.endsWith(".d.ts") && !e.name.endsWith(".test.ts")) out.push(p);
    }
    return out;
}

/** The file a relative specifier names (`./x` -> x.ts or x/index.ts), or undefined for a JSON or missing file. */
function resolveRelative(from: string, spec: string): string | undefined {
    const base = path.resolve(path.dirname(from), spec);
    return [`${base}.ts`, path.join(base, "index.ts"), base].find((f) => f.endsWith(".ts") && fs.existsSync(f));
}

/**
 * Every relative import (static, `import()`, `require`) reachable from the program's sources,
 * following relative imports outside components/ (so a helper under tests/ that the tools
 * import counts too): [importing file, specifier, resolved file].
 */
function relativeImports(): [string, string, string][] {
    const seen = new Set<string>();
    const out: [string, string, string][] = [];
    const queue = PROGRAM_DIRS.flatMap((d) => tsFiles(path.join(ROOT, d)));
    while (queue.length) {
        const file = queue.pop() as string;
        if (seen.has(file)) continue;
        seen.add(file);
        const info = ts.preProcessFile(fs.readFileSync(file, "utf8"), true, true);
        for (const { fileName: spec } of info.importedFiles) {
            if (!spec.startsWith(".")) continue;
            const target = resolveRelative(file, spec) ?? path.resolve(path.dirname(file), spec);
            out.push([file, spec, target]);
            if (target.endsWith(".ts") && !target.startsWith(COMPONENTS + path.sep)) queue.push(target);
        }
    }
    return out;
}

const json = (f: string) => JSON.parse(fs.readFileSync(path.join(ROOT, f), "utf8"));
const tsconfig = json;

/** The package's entry points: import name -> [declaration under components/dist, source under components/]. */
function entryPoints(): Map<string, [string, string]> {
    const pkg = json("components/package.json");
    const out = new Map<string, [string, string]>();
    for (const [sub, target] of Object.entries(pkg.exports as Record<string, string | { types: string }>)) {
        if (typeof target === "string") continue;
        const dts = path.posix.join("components", target.types);
        out.set(path.posix.join(pkg.name, sub), [dts, dts.replace(/^components\/dist\//, "components/").replace(/\.d\.ts$/, ".ts")]);
    }
    return out;
}

describe("the program uses the component package by name", () => {
    it("GIVEN stacks/, tools/, bench/, policy/ and what they import THEN no import leads into components/", () => {
        const into = relativeImports()
            .filter(([, , target]) => target === COMPONENTS || target.startsWith(COMPONENTS + path.sep))
            .map(([file, spec]) => `${rel(file)}: "${spec}"`);
        assert.deepEqual(into, [], 'import these from "agent-platform" (or /aws, /config, /compose, /logging)');
    });

    it("GIVEN the scan THEN it sees imports by name and would see a relative one (the guard can fail)", () => {
        const all = relativeImports();
        assert.ok(all.some(([file]) => rel(file) === path.join("tools", "netmatrix", "resolve.ts")));
        assert.ok(all.some(([file, , target]) => rel(file) === path.join("tools", "netmatrix.ts") && rel(target) === path.join("tests", "flows", "index.ts")));
        const probe = ts.preProcessFile('import { A } from "../components/kube/redis";\nconst b = require("../components");', true, true);
        const from = path.join(ROOT, "stacks", "x.ts");
        const targets = probe.importedFiles.map((i) => resolveRelative(from, i.fileName) ?? path.resolve(path.dirname(from), i.fileName));
        assert.deepEqual(targets.map(rel), [path.join("components", "kube", "redis.ts"), path.join("components", "index.ts")]);
    });

    it("GIVEN the builds THEN the package is built first and the program's build compiles none of components/", () => {
        const build = json("package.json").scripts.build as string;
        const [pkg, program] = [build.indexOf("build --workspace=components"), build.indexOf("tsc -p tsconfig.build.json")];
        assert.ok(pkg >= 0 && program > pkg, build);
        assert.match(build, /^rm -rf build components\/dist && /);
        const cfg = tsconfig("tsconfig.build.json");
        assert.ok(!(cfg.include as string[]).some((g) => g.startsWith("components")), "tsconfig.build.json includes components/");
        assert.ok((cfg.exclude as string[]).includes("components"));
    });

    it("GIVEN each entry point of components/package.json THEN the type check maps it to its source, the build to its declaration, and both files exist", () => {
        const check = tsconfig("tsconfig.json").compilerOptions.paths as Record<string, string[]>;
        const build = tsconfig("tsconfig.build.json").compilerOptions.paths as Record<string, string[]>;
        const entries = entryPoints();
        assert.deepEqual([...entries.keys()].sort(), [
            "agent-platform",
            "agent-platform/aws",
            "agent-platform/compose",
            "agent-platform/config",
            "agent-platform/logging",
        ]);
        assert.deepEqual(Object.keys(check).sort(), [...entries.keys()].sort());
        assert.deepEqual(Object.keys(build).sort(), [...entries.keys()].sort());
        for (const [name, [dts, source]] of entries) {
            assert.deepEqual(check[name], [`./${source}`], name);
            assert.deepEqual(build[name], [`./${dts}`], name);
            assert.ok(fs.existsSync(path.join(ROOT, source)), source);
        }
    });

    it("GIVEN the unit tests' loader THEN a name and the source path load the same module instance", () => {
        for (const [name, [, source]] of entryPoints()) {
            assert.equal(require.resolve(name), path.join(ROOT, source), name);
        }
        const byName = require("agent-platform");
        const bySource = require("../../../components/kube/agent-service");
        assert.equal(byName.AgentService, bySource.AgentService);
        assert.equal(require("agent-platform/config").ConfigError, require("../../../components/config/schema").ConfigError);
        assert.equal(require("agent-platform/aws").EksCluster, require("../../../components/aws/eks-cluster").EksCluster);
    });
});
