/**
 * Where the project's files are, whether this code runs from its TypeScript sources (tests,
 * ts-node) or from the tsc build (`npm run build` -> build/, which `pulumi up` and the npm tools
 * run): the nearest ancestor of this module's directory that holds Pulumi.yaml. Stack configs,
 * the README, pack configs and config-relative paths (ushadow's files) are read from there; the
 * build holds only JavaScript.
 */
import * as fs from "fs";
import * as path from "path";

/** The nearest ancestor of `start` (itself included) holding `marker`; throws if none does. */
export function ancestorWith(start: string, marker: string): string {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, marker))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no ${marker} in ${start} or any directory above it`);
    }
}

/** The project root: the directory of Pulumi.yaml. */
export const PROJECT_ROOT = ancestorWith(__dirname, "Pulumi.yaml");

/** Where `npm run build` (tsc -p tsconfig.build.json) writes the JavaScript that `pulumi up` and the npm tools run. */
export const BUILD_DIR = path.join(PROJECT_ROOT, "build");

/** Where the component package's own build (components/tsconfig.json) writes the JavaScript the program loads as `agent-platform`. */
export const PACKAGE_SOURCE_DIR = "components";
export const PACKAGE_BUILD_DIR = path.join(PACKAGE_SOURCE_DIR, "dist");

/**
 * Sources newer than their compiled module, or compiled modules whose source was removed
 * (project-relative .ts paths, at most `limit`): a build that would run code other than the
 * checked-out sources. Both builds count: the program's (`buildDir`, mirroring `root`) and the
 * component package's (components/dist, mirroring components/), which the program loads by name.
 * Empty when `codeDir` (the caller's __dirname) is not inside `buildDir`, i.e. when the sources
 * run directly (tests, ts-node).
 */
export function staleBuild(codeDir: string, buildDir: string = BUILD_DIR, root: string = PROJECT_ROOT, limit = 3): string[] {
    if (!path.resolve(codeDir).startsWith(buildDir + path.sep)) return [];
    const stale: string[] = [];
    const walk = (dir: string, out: string, src: string): void => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
            if (stale.length >= limit) return;
            const file = path.join(dir, e.name);
            if (e.isDirectory()) walk(file, out, src);
            else if (e.name.endsWith(".js")) {
                const source = path.join(src, path.relative(out, file)).replace(/\.js$/, ".ts");
                const stat = fs.statSync(source, { throwIfNoEntry: false });
                // A module whose source is gone would still be found by require (a file moved into a folder).
                if (!stat) stale.push(`${path.relative(root, source)} (removed)`);
                else if (stat.mtimeMs > fs.statSync(file).mtimeMs) stale.push(path.relative(root, source));
            }
        }
    };
    walk(buildDir, buildDir, root);
    const packageBuild = path.join(root, PACKAGE_BUILD_DIR);
    if (fs.existsSync(packageBuild)) walk(packageBuild, packageBuild, path.join(root, PACKAGE_SOURCE_DIR));
    return stale;
}

/**
 * Where `agent-platform`, as the build loads it, comes from when that is not this checkout's
 * components/ (undefined when it is, or when the sources run directly). The build loads the
 * package through node_modules, so a node_modules linked from another checkout (a worktree
 * sharing one install) would run that checkout's components with this one's stacks.
 */
export function foreignPackage(codeDir: string, buildDir: string = BUILD_DIR, root: string = PROJECT_ROOT): string | undefined {
    if (!path.resolve(codeDir).startsWith(buildDir + path.sep)) return undefined;
    let manifest: string;
    try {
        manifest = fs.realpathSync(require.resolve("agent-platform/package.json", { paths: [codeDir] }));
    } catch {
        return "(not installed)";
    }
    const own = fs.realpathSync(path.join(root, PACKAGE_SOURCE_DIR, "package.json"));
    return manifest === own ? undefined : path.dirname(manifest);
}

/** The one-line refusal for a stale build (or one loading another checkout's package), or undefined when the build is current. */
export function staleBuildMessage(codeDir: string): string | undefined {
    const foreign = foreignPackage(codeDir);
    if (foreign) {
        const where = foreign === "(not installed)" ? "is not installed" : `resolves to ${foreign}`;
        return `the component package agent-platform ${where}, not to this checkout's ${PACKAGE_SOURCE_DIR}/: run \`npm ci\` here`;
    }
    const stale = staleBuild(codeDir);
    if (!stale.length) return undefined;
    return `the JavaScript build is older than its sources (${stale.join(", ")}${stale.length >= 3 ? ", ..." : ""}): run \`npm run build\``;
}
