/**
 * The output directory shared by `render` and `compose:convert`: one layout
 * (`<namespace or _cluster>/<kind>-<name>.yaml`) and one safety rule — never destroy what the
 * tool did not write.
 *
 *   * The files written are listed in `DIR/.agent-platform-files` (one relative path a line).
 *   * The next run removes only files listed there (and the directories that leaves empty).
 *   * A non-empty DIR without that list is refused (exit 2) unless `force`; with `force` the
 *     tool writes its files and removes nothing.
 *   * A `.git` entry is never written, removed or listed.
 */
import * as fs from "fs";
import * as path from "path";
import { UserError } from "./cli";

export const MANIFEST = ".agent-platform-files";
const HEADER = "# Files written here by agent-platform (npm run render / compose:convert). The next run removes only these.";

export interface OutputFile {
    /** Path relative to the output directory, `/`-separated. */
    path: string;
    content: string;
}

/** `<namespace or _cluster>/<kind>-<name>.yaml` */
export function objectPath(o: { kind: string; metadata: { name: string; namespace?: string } }): string {
    return `${o.metadata.namespace ?? "_cluster"}/${o.kind.toLowerCase()}-${o.metadata.name}.yaml`;
}

function isUnsafe(rel: string): boolean {
    const parts = rel.split("/");
    return rel === "" || path.isAbsolute(rel) || parts.some((p) => p === ".." || p === "." || p === "" || p === ".git") || rel === MANIFEST;
}

/** The files a previous run listed, or undefined when DIR has no list. Entries that are unsafe are ignored. */
export function readManifest(dir: string): string[] | undefined {
    const file = path.join(dir, MANIFEST);
    if (!fs.existsSync(file)) return undefined;
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#") && !isUnsafe(l));
}

function writeManifest(dir: string, files: Iterable<string>): void {
    const tmp = path.join(dir, `${MANIFEST}.tmp`);
    fs.writeFileSync(tmp, [HEADER, ...[...new Set(files)].sort()].join("\n") + "\n");
    fs.renameSync(tmp, path.join(dir, MANIFEST));
}

const shown = (dir: string) => path.relative(process.cwd(), dir) || ".";

/**
 * Checks, before any work, that the tool may write into `dir`: it does not exist, is empty, or
 * holds a list from a previous run (unless `force`). Returns that list. Throws UserError (exit 2).
 */
export function assertWritable(outDir: string, opts: { force?: boolean } = {}): string[] | undefined {
    const dir = path.resolve(outDir);
    if (!fs.existsSync(dir)) return undefined;
    if (!fs.statSync(dir).isDirectory()) throw new UserError(`--out ${shown(dir)} is not a directory`, 2);
    const previous = readManifest(dir);
    const entries = fs.readdirSync(dir);
    if (!opts.force && previous === undefined && entries.length > 0) {
        const what = entries.includes(".git") ? "is a git checkout" : `is not empty (${entries.length} entries)`;
        throw new UserError(
            `--out ${shown(dir)} ${what} and was not written by this tool (no ${MANIFEST}); choose an empty or new directory, or pass --force to write into it without removing anything`,
            2,
        );
    }
    return previous;
}

export interface WriteResult {
    written: string[];
    removed: string[];
}

/**
 * Writes `files` into `dir` under the rules above. Throws UserError (exit 2) for a refusal, before
 * anything is changed.
 */
export function writeOutputDir(outDir: string, files: readonly OutputFile[], opts: { force?: boolean } = {}): WriteResult {
    const dir = path.resolve(outDir);
    const seen = new Set<string>();
    for (const f of files) {
        if (isUnsafe(f.path)) throw new Error(`refusing to write ${JSON.stringify(f.path)}: not a plain relative path`);
        if (seen.has(f.path)) throw new UserError(`two objects render to ${f.path}: kind, namespace and name are not unique`);
        seen.add(f.path);
    }
    const previous = assertWritable(dir, opts);
    if (!opts.force) {
        const listed = new Set(previous ?? []);
        const foreign = files.filter((f) => !listed.has(f.path) && fs.existsSync(path.join(dir, f.path))).map((f) => f.path);
        if (foreign.length)
            throw new UserError(
                `--out ${shown(dir)}: ${foreign.length} file(s) this tool did not write would be overwritten (${foreign.slice(0, 3).join(", ")}${foreign.length > 3 ? ", ..." : ""}); pass --force to overwrite them`,
                2,
            );
    }
    fs.mkdirSync(dir, { recursive: true });
    // List old and new first: an interrupted run leaves no file of ours unlisted.
    writeManifest(dir, [...(previous ?? []), ...files.map((f) => f.path)]);
    for (const f of files) {
        const file = path.join(dir, ...f.path.split("/"));
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, f.content);
    }
    const removed: string[] = [];
    for (const rel of previous ?? []) {
        if (seen.has(rel)) continue;
        const file = path.join(dir, ...rel.split("/"));
        if (fs.existsSync(file) && fs.lstatSync(file).isFile()) {
            fs.rmSync(file);
            removed.push(rel);
            removeEmptyParents(dir, path.dirname(file));
        }
    }
    writeManifest(dir, seen);
    return { written: [...seen], removed };
}

/** Removes `from` and its parents while they are empty, stopping at `root` (never removed). */
function removeEmptyParents(root: string, from: string): void {
    for (let d = from; d !== root && d.startsWith(root + path.sep); d = path.dirname(d)) {
        if (fs.readdirSync(d).length > 0) return;
        fs.rmdirSync(d);
    }
}
