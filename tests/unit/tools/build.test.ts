/**
 * The tsc build (issue 20): the program, the npm tools and the policy pack run as JavaScript
 * compiled into build/ by `npm run build`, which install (`prepare`) and CI run; a build older
 * than its sources is refused.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { packConfigFile } from "../../../policy/lib/gate";
import { ancestorWith, BUILD_DIR, foreignPackage, PROJECT_ROOT, staleBuild, staleBuildMessage } from "../../../stacks/project-root";

const read = (f: string) => fs.readFileSync(path.join(PROJECT_ROOT, f), "utf8");
const json = (f: string) => JSON.parse(read(f));
/** tsconfig files allow no comments here: plain JSON. */
const buildConfig = json("tsconfig.build.json");
const pkg = json("package.json");

/** The source file a build/ path is compiled from. */
const sourceOf = (built: string) => path.join(PROJECT_ROOT, path.relative(BUILD_DIR, path.resolve(PROJECT_ROOT, built))).replace(/\.js$/, ".ts");
const compiled = (source: string) => buildConfig.include.some((g: string) => source.startsWith(path.join(PROJECT_ROOT, g.split("/**")[0]) + path.sep));

describe("tsc build (npm run build -> build/)", () => {
    it("GIVEN tsconfig.build.json THEN it emits JavaScript without source maps into build/, mirroring the source tree", () => {
        assert.equal(buildConfig.extends, "./tsconfig.json");
        assert.equal(buildConfig.compilerOptions.outDir, "build");
        assert.equal(buildConfig.compilerOptions.rootDir, ".");
        assert.equal(buildConfig.compilerOptions.noEmit, false);
        assert.equal(buildConfig.compilerOptions.sourceMap, false);
        for (const dir of ["stacks", "tools", "policy", "bench"]) assert.ok(buildConfig.include.includes(`${dir}/**/*.ts`), dir);
        // components/ is the package: built into components/dist first, loaded by name (tests/unit/package/by-name.test.ts).
        assert.ok(!buildConfig.include.includes("components/**/*.ts"));
        assert.ok(buildConfig.exclude.includes("**/*.test.ts"));
        assert.equal(BUILD_DIR, path.join(PROJECT_ROOT, "build"));
    });

    it("GIVEN package.json THEN install builds (prepare) and every tool script runs a compiled entry file", () => {
        assert.equal(pkg.scripts.build, "rm -rf build components/dist && npm run --silent build --workspace=components && tsc -p tsconfig.build.json");
        assert.equal(pkg.scripts.prepare, "npm run build");
        const tools = Object.entries(pkg.scripts as Record<string, string>).filter(([, cmd]) => /\bnode build\//.test(cmd));
        assert.ok(tools.length >= 9, `${tools.length} compiled tool scripts`);
        for (const [name, cmd] of Object.entries(pkg.scripts as Record<string, string>)) {
            assert.doesNotMatch(cmd, /ts-node/, `${name} still runs ts-node`);
            const m = /\bnode (build\/\S+\.js)$/.exec(cmd);
            if (!m) continue;
            const src = sourceOf(m[1]);
            assert.ok(fs.existsSync(src), `${name}: ${path.relative(PROJECT_ROOT, src)} does not exist`);
            assert.ok(compiled(src), `${name}: ${path.relative(PROJECT_ROOT, src)} is not in tsconfig.build.json's include`);
        }
        for (const s of ["up:local", "e2e"]) assert.match(pkg.scripts[s], /^npm run --silent build && /, s);
    });

    it("GIVEN Pulumi.yaml THEN the program runs from the build (main build/stacks/, no ts-node)", () => {
        const project = parse(read("Pulumi.yaml"));
        assert.equal(project.runtime.name, "nodejs");
        assert.equal(project.runtime.options.typescript, false);
        assert.equal(project.main, "build/stacks/");
        assert.ok(compiled(sourceOf("build/stacks/index.js")));
        assert.equal(pkg.main, "build/stacks/index.js");
    });

    it("GIVEN the policy pack THEN its entry is the compiled index (policy/package.json main)", () => {
        const pack = json("policy/package.json");
        const main = path.resolve(PROJECT_ROOT, "policy", pack.main);
        assert.equal(pack.main, "../build/policy/index.js");
        assert.ok(main.startsWith(BUILD_DIR + path.sep));
        assert.ok(fs.existsSync(sourceOf(main)) && compiled(sourceOf(main)));
        assert.equal(parse(read("policy/PulumiPolicy.yaml")).runtime.options.typescript, false);
    });

    it("GIVEN the repository's ignore lists THEN build/ is neither committed nor linted nor formatted", () => {
        assert.match(read(".gitignore"), /^\/build\/$/m);
        assert.match(read(".prettierignore"), /^build\/$/m);
        assert.match(read("eslint.config.mjs"), /ignores: \[[^\]]*"build\/\*\*"/);
    });

    it("GIVEN .ci/run THEN it builds right after npm ci, before the type check and the tests", () => {
        const lines = read(".ci/run")
            .split("\n")
            .filter((l) => !/^\s*(#|echo )/.test(l));
        const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
        const [ci, build, tsc, test] = [at(/^npm ci --no-audit/), at(/^npm run build$/), at(/^npx tsc --noEmit$/), at(/^npm test$/)];
        assert.ok(ci >= 0 && build > ci && tsc > build && test > build, `npm ci ${ci}, build ${build}, tsc ${tsc}, test ${test}`);
        assert.match(read("README.md"), /runs exactly: `npm ci`, `npm run build`, `npx tsc --noEmit`/);
    });

    it("GIVEN the sources THEN project files are found from them and from build/ alike (the directory of Pulumi.yaml)", () => {
        assert.ok(fs.existsSync(path.join(PROJECT_ROOT, "Pulumi.yaml")));
        assert.equal(ancestorWith(path.join(BUILD_DIR, "stacks", "systems"), "Pulumi.yaml"), PROJECT_ROOT);
        assert.equal(packConfigFile("prod"), path.join(PROJECT_ROOT, "policy", "config", "prod.json"));
        assert.throws(() => ancestorWith(os.tmpdir(), "no-such-marker-file.yaml"), /no no-such-marker-file\.yaml in /);
    });
});

describe("stale build guard (pulumi up and the npm tools refuse a build older than its sources)", () => {
    let root: string;
    const write = (rel: string, mtime: Date) => {
        const f = path.join(root, rel);
        fs.mkdirSync(path.dirname(f), { recursive: true });
        fs.writeFileSync(f, "");
        fs.utimesSync(f, mtime, mtime);
    };
    const [older, newer] = [new Date(2026, 0, 1), new Date(2026, 0, 2)];
    beforeEach(() => {
        root = fs.mkdtempSync(path.join(os.tmpdir(), "ap-build-"));
        write("stacks/index.ts", older);
        write("build/stacks/index.js", newer);
        write("tools/lib/cli.ts", older);
        write("build/tools/lib/cli.js", newer);
    });
    afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

    it("GIVEN every compiled module newer than its source THEN nothing is stale", () => {
        assert.deepEqual(staleBuild(path.join(root, "build", "stacks"), path.join(root, "build"), root), []);
    });

    it("GIVEN a source edited after the build THEN it is named", () => {
        write("tools/lib/cli.ts", new Date(2026, 0, 3));
        assert.deepEqual(staleBuild(path.join(root, "build", "stacks"), path.join(root, "build"), root), [path.join("tools", "lib", "cli.ts")]);
    });

    it("GIVEN a compiled module whose source was removed (a file moved into a folder) THEN it is named", () => {
        write("build/stacks/systems/x.js", newer);
        assert.deepEqual(staleBuild(path.join(root, "build", "stacks"), path.join(root, "build"), root), [
            `${path.join("stacks", "systems", "x.ts")} (removed)`,
        ]);
    });

    it("GIVEN a component source edited after the package build (components/dist) THEN it is named", () => {
        write("components/dist/kube/redis.js", newer);
        write("components/kube/redis.ts", older);
        assert.deepEqual(staleBuild(path.join(root, "build", "stacks"), path.join(root, "build"), root), []);
        write("components/kube/redis.ts", new Date(2026, 0, 3));
        assert.deepEqual(staleBuild(path.join(root, "build", "stacks"), path.join(root, "build"), root), [path.join("components", "kube", "redis.ts")]);
    });

    it("GIVEN a package module whose source was removed THEN it is named", () => {
        write("components/dist/kube/gone.js", newer);
        assert.deepEqual(staleBuild(path.join(root, "build", "tools"), path.join(root, "build"), root), [
            `${path.join("components", "kube", "gone.ts")} (removed)`,
        ]);
    });

    it("GIVEN code running from the sources (tests, ts-node) THEN the build is not checked", () => {
        write("tools/lib/cli.ts", new Date(2026, 0, 3));
        assert.deepEqual(staleBuild(path.join(root, "stacks"), path.join(root, "build"), root), []);
    });

    it("GIVEN many stale sources THEN at most three are named", () => {
        for (let i = 0; i < 5; i++) {
            write(`build/components/m${i}.js`, older);
            write(`components/m${i}.ts`, newer);
        }
        assert.equal(staleBuild(path.join(root, "build", "tools"), path.join(root, "build"), root).length, 3);
    });

    it("GIVEN the build loading agent-platform from another checkout's components/ (a linked node_modules) THEN that directory is named", () => {
        const manifest = JSON.stringify({ name: "agent-platform", exports: { "./package.json": "./package.json" } });
        for (const dir of ["components", "other/components"]) {
            fs.mkdirSync(path.join(root, dir), { recursive: true });
            fs.writeFileSync(path.join(root, dir, "package.json"), manifest);
        }
        // One checkout per case: node caches what a link resolves to for the life of the process.
        const checkout = (name: string, linkTo?: string): string => {
            const dir = path.join(root, name);
            fs.mkdirSync(path.join(dir, "build", "stacks"), { recursive: true });
            fs.symlinkSync(path.join(root, "components"), path.join(dir, "components"), "dir");
            if (linkTo) {
                fs.mkdirSync(path.join(dir, "node_modules"));
                fs.symlinkSync(linkTo, path.join(dir, "node_modules", "agent-platform"), "dir");
            }
            return dir;
        };
        const foreign = (dir: string, code = "build/stacks") => foreignPackage(path.join(dir, code), path.join(dir, "build"), dir);
        const own = checkout("own", path.join(root, "components"));
        assert.equal(foreign(own), undefined);
        assert.equal(foreign(own, "stacks"), undefined, "the sources are not checked");
        assert.equal(foreign(checkout("linked", path.join(root, "other", "components"))), path.join(fs.realpathSync(root), "other", "components"));
        assert.equal(foreign(checkout("bare")), "(not installed)");
    });

    it("GIVEN the sources running THEN staleBuildMessage is undefined (this test runs them)", () => {
        assert.equal(staleBuildMessage(__dirname), undefined);
    });
});
