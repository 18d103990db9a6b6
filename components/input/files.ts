/**
 * Reading files named by user input (stack config, compose files, `env_file`, CLI flags) so that
 * a careless or hostile path cannot pull the deployer's own files into rendered objects.
 *
 * A file is read only when, after resolving `..` and every symlink, it lies inside the root the
 * caller names (the project root, or a root the user named explicitly), is not under `/proc`,
 * `/dev` or `/sys`, is a regular file (never a FIFO, socket, device or directory: opened
 * non-blocking, checked with fstat), fits the size limit and is valid UTF-8. Errors state the rule
 * and the path, never the file's contents.
 */
import * as fs from "fs";
import * as path from "path";

/** Thrown with the rule only (path included, contents never); callers add the key that named the file. */
export class InputError extends Error {
    /** True when the only problem is that the file does not exist (optional files may be skipped). */
    readonly missing: boolean;
    constructor(message: string, options: { missing?: boolean } = {}) {
        super(message);
        this.name = "InputError";
        this.missing = options.missing ?? false;
    }
}

/** Default size limit for one input file: far above any real compose/options/env file, far below memory trouble. */
export const MAX_INPUT_BYTES = 4 * 1024 * 1024;

/** Pseudo-filesystems whose "files" are the machine's state (`/proc/self/environ`, devices): never read. */
const SPECIAL_ROOTS = ["/proc", "/dev", "/sys"];

export interface ReadInsideOptions {
    /** Directory the file must stay inside, after `..` and symlinks are resolved. */
    root: string;
    /** Base for a relative `file`. @default root */
    base?: string;
    /** @default MAX_INPUT_BYTES */
    maxBytes?: number;
}

function isInside(child: string, parent: string): boolean {
    const rel = path.relative(parent, child);
    return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}

function isSpecial(p: string): boolean {
    return SPECIAL_ROOTS.some((s) => p === s || p.startsWith(`${s}/`));
}

function errnoError(e: unknown, file: string): InputError {
    const code = (e as NodeJS.ErrnoException).code;
    return new InputError(errnoRule(e, file), { missing: code === "ENOENT" || code === "ENOTDIR" });
}

function errnoRule(e: unknown, file: string): string {
    const code = (e as NodeJS.ErrnoException).code;
    switch (code) {
        case "ENOENT":
            return `"${file}" does not exist`;
        case "ENOTDIR":
            return `"${file}" does not exist (a parent is not a directory)`;
        case "ELOOP":
            return `"${file}" is a symlink loop`;
        case "ENXIO":
            return `"${file}" is a socket or device; only regular files are read`;
        case "EISDIR":
            return `"${file}" is a directory; only regular files are read`;
        case "EACCES":
        case "EPERM":
            return `"${file}" cannot be read: permission denied`;
        default:
            return `"${file}" cannot be read: ${code ?? "I/O error"}`;
    }
}

/** The real (symlink-free) path of a root directory, or an InputError saying why it is unusable. */
export function realRoot(root: string): string {
    let real: string;
    try {
        real = fs.realpathSync(root);
    } catch (e) {
        throw new InputError(`root ${errnoRule(e, root)}`);
    }
    if (isSpecial(real)) throw new InputError(`root "${root}" is under ${SPECIAL_ROOTS.join(", ")}; pick a project directory`);
    if (!fs.statSync(real).isDirectory()) throw new InputError(`root "${root}" is not a directory`);
    return real;
}

/**
 * Resolves `file` (relative to `base`, default the root) and checks it stays inside `root`, lexically
 * and after symlinks. Returns the real path. Does not open the file.
 */
export function resolveInside(file: string, options: ReadInsideOptions): string {
    if (file === "") throw new InputError("path must not be empty");
    if (file.includes("\0")) throw new InputError("path must not contain a NUL byte");
    const root = path.resolve(options.root);
    const resolved = path.resolve(options.base ?? root, file);
    if (isSpecial(resolved)) throw new InputError(`"${file}" is a special file (${SPECIAL_ROOTS.join(", ")} are never read)`);
    if (!isInside(resolved, root)) {
        throw new InputError(`"${file}" is outside the root ${root}; paths must stay inside it (no "..", no absolute paths elsewhere)`);
    }
    let rootReal: string;
    try {
        rootReal = realRoot(root);
    } catch (e) {
        // A file inside a root that does not exist does not exist either: say so about the file.
        if (e instanceof InputError && !fs.existsSync(root)) throw new InputError(`"${file}" does not exist`, { missing: true });
        throw e;
    }
    let real: string;
    try {
        real = fs.realpathSync(resolved);
    } catch (e) {
        throw errnoError(e, file);
    }
    if (isSpecial(real)) throw new InputError(`"${file}" is a special file (${SPECIAL_ROOTS.join(", ")} are never read)`);
    if (!isInside(real, rootReal)) throw new InputError(`"${file}" leads through a symlink outside the root ${root}`);
    return real;
}

/** Strict UTF-8: a byte sequence that is not UTF-8 is an error, never silently U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, what: string): string {
    try {
        return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch {
        throw new InputError(`${what} is not valid UTF-8; save it as UTF-8`);
    }
}

/**
 * Reads a text file that must stay inside `options.root` (see the module comment). Throws
 * `InputError` with the rule; never includes the file's contents.
 */
export function readTextInside(file: string, options: ReadInsideOptions): string {
    const real = resolveInside(file, options);
    return readRegularFile(real, file, options.maxBytes ?? MAX_INPUT_BYTES);
}

/**
 * Reads a file the user named directly (a CLI argument): no root, but still never a special file,
 * a FIFO/socket/device/directory, an oversized file or non-UTF-8.
 */
export function readTextFile(file: string, maxBytes = MAX_INPUT_BYTES): string {
    if (file === "") throw new InputError("path must not be empty");
    if (file.includes("\0")) throw new InputError("path must not contain a NUL byte");
    let real: string;
    try {
        real = fs.realpathSync(file);
    } catch (e) {
        throw errnoError(e, file);
    }
    if (isSpecial(real)) throw new InputError(`"${file}" is a special file (${SPECIAL_ROOTS.join(", ")} are never read)`);
    return readRegularFile(real, file, maxBytes);
}

function readRegularFile(real: string, shown: string, maxBytes: number): string {
    let fd: number;
    try {
        // Non-blocking: opening a FIFO must not wait for a writer; fstat below rejects it.
        fd = fs.openSync(real, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOFOLLOW ?? 0));
    } catch (e) {
        throw errnoError(e, shown);
    }
    try {
        const st = fs.fstatSync(fd);
        if (!st.isFile()) {
            const kind = st.isDirectory()
                ? "a directory"
                : st.isFIFO()
                  ? "a FIFO"
                  : st.isSocket()
                    ? "a socket"
                    : st.isCharacterDevice() || st.isBlockDevice()
                      ? "a device"
                      : "not a regular file";
            throw new InputError(`"${shown}" is ${kind}; only regular files are read`);
        }
        if (st.size > maxBytes) throw new InputError(`"${shown}" is ${st.size} bytes, over the ${maxBytes}-byte limit`);
        const chunks: Buffer[] = [];
        let total = 0;
        for (;;) {
            const chunk = Buffer.alloc(64 * 1024);
            const n = fs.readSync(fd, chunk, 0, chunk.length, null);
            if (n === 0) break;
            total += n;
            if (total > maxBytes) throw new InputError(`"${shown}" is over the ${maxBytes}-byte limit`);
            chunks.push(chunk.subarray(0, n));
        }
        return decodeUtf8(Buffer.concat(chunks, total), `"${shown}"`);
    } finally {
        fs.closeSync(fd);
    }
}

/**
 * Container directories a volume must never cover: the root and the system directories every image
 * needs (`/run`, `/tmp`, `/var/run` stay allowed: tmpfs there is how a read-only root gets scratch space).
 */
export const SYSTEM_DIRECTORIES: readonly string[] = ["/", "/bin", "/boot", "/dev", "/etc", "/lib", "/lib32", "/lib64", "/proc", "/sbin", "/sys", "/usr"];

/** Why a container mount path is refused (relative, `/`, a system directory after `..`/`//`), or undefined. */
export function mountPathProblem(target: string): string | undefined {
    if (!target.startsWith("/")) return `container path ${JSON.stringify(target.slice(0, 80))} must be absolute`;
    const normal = path.posix.normalize(target).replace(/(.)\/+$/, "$1");
    if (SYSTEM_DIRECTORIES.includes(normal))
        return `container path "${normal}" would hide the image's ${normal === "/" ? "whole filesystem" : "system directory"}; mount a subdirectory`;
    return undefined;
}
