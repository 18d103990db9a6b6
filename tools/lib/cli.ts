/**
 * The one command-line convention every tool in this repository follows (render, compose:convert,
 * policy:check, cost, summary, bench, the up/preview wrappers).
 *
 *   * `-h`/`--help` prints the help (every flag) to stdout and exits 0.
 *   * Exit codes: 0 ok, 1 invalid input or findings (or a failure), 2 usage.
 *   * A user error is one line `<tool>: <message>` on stderr, no stack trace; `--debug` adds it.
 *   * Data goes to stdout, progress and summaries to stderr (`io.progress`).
 *
 * Usage:
 *
 *     const CLI = defineCli({
 *         name: "render",
 *         usage: "npm run render -- --stack NAME [--out DIR]",
 *         summary: "Writes every Kubernetes object the stack would create.",
 *         flags: {
 *             stack: { value: "NAME", required: true, help: "the stack (Pulumi.<NAME>.yaml)" },
 *             out: { value: "DIR", help: "output directory" },
 *             force: { help: "write into a non-empty directory this tool did not create" },
 *             env: { value: "KEY=VAL", repeat: true, short: "e", help: "..." },
 *         },
 *         positionals: { name: "<compose.yml>", min: 1, max: 1 },   // optional
 *     });
 *     if (require.main === module) runMain(CLI, async (args, io) => { ... return 0; });
 *
 * `args` is typed from the spec: a flag with `value` is `string | undefined` (`string` when
 * `required`), with `repeat` `string[]`, without `value` `boolean`; `args._` holds positionals.
 * Flag keys are camelCase and map to kebab-case flags (`showSecrets` -> `--show-secrets`).
 * Both `--flag VALUE` and `--flag=VALUE` work; `--` ends the flags.
 *
 * Throw `UsageError` for a bad command line (exit 2, usage line printed) and `UserError` (or any
 * class listed in `userErrors`) for bad input (exit 1, its message only). Anything else is an
 * unexpected failure: exit 1, its first line and a hint to rerun with `--debug`.
 */
import { staleBuildMessage } from "../../stacks/project-root";

/** Exit codes shared by every CLI. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

/** A bad command line: unknown flag, missing value, wrong number of arguments. Exit 2. */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

/** Bad input the user can fix (a file that does not parse, an unknown stack). Exit 1. */
export class UserError extends Error {
    /** Exit code; 2 for a refusal that is about how the tool was called (e.g. an unsafe --out). */
    readonly exitCode: number;
    constructor(message: string, exitCode: number = EXIT.invalid) {
        super(message);
        this.name = "UserError";
        this.exitCode = exitCode;
    }
}

export interface FlagSpec {
    /** Placeholder of the flag's value (`DIR`, `NAME`); absent for a boolean switch. */
    value?: string;
    /** The flag may be given more than once; its values are collected in order. */
    repeat?: boolean;
    /** The flag must be given. */
    required?: boolean;
    /** One-letter alias, without the dash. */
    short?: string;
    /** What the flag does, one line; mention the default here. */
    help: string;
}

export interface CliSpec {
    /** Prefix of every message (`render: ...`). */
    name: string;
    /** The usage line, e.g. `npm run render -- --stack NAME [--out DIR]`. */
    usage: string;
    /** What the tool does, a sentence or a short paragraph. */
    summary: string;
    flags: Record<string, FlagSpec>;
    /** Positional arguments; omitted means none are accepted. */
    positionals?: { name: string; help?: string; min?: number; max?: number };
    /** Overrides the meaning printed for an exit code (e.g. `{ 1: "a mandatory violation" }`). */
    exitCodes?: Partial<Record<0 | 1 | 2, string>>;
    /** Extra help text printed after the flags (examples, files written). */
    epilog?: string;
    /** Error classes whose message is written for the user: exit 1, message only. */
    userErrors?: (abstract new (...a: any[]) => Error)[];
}

type FlagValue<F> = F extends { repeat: true }
    ? string[]
    : F extends { value: string }
      ? F extends { required: true }
          ? string
          : string | undefined
      : boolean;

/** The parsed command line of a spec. */
export type Args<S extends CliSpec> = { -readonly [K in keyof S["flags"]]: FlagValue<S["flags"][K]> } & { _: string[]; debug: boolean };

export interface CliIo {
    /** Data (what a pipe should receive). */
    stdout: (text: string) => void;
    /** Progress, summaries, warnings and errors. */
    stderr: (text: string) => void;
}

export const processIo: CliIo = { stdout: (t) => void process.stdout.write(t), stderr: (t) => void process.stderr.write(t) };

/** Identity with literal inference, so `Args<typeof CLI>` knows each flag's type. */
export function defineCli<const S extends CliSpec>(spec: S): S {
    for (const k of Object.keys(spec.flags)) if (k === "help" || k === "debug" || k === "_") throw new Error(`${spec.name}: flag ${k} is built in`);
    return spec;
}

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

const BUILTIN: Record<string, FlagSpec> = {
    help: { short: "h", help: "print this help and exit 0" },
    debug: { help: "on failure, print the stack trace too" },
};

/** The help text: usage, summary, every flag, exit codes. */
export function helpText(spec: CliSpec): string {
    const rows = Object.entries({ ...spec.flags, ...BUILTIN }).map(([k, f]) => {
        const names = `${f.short ? `-${f.short}, ` : "    "}--${kebab(k)}${f.value ? ` ${f.value}` : ""}`;
        const notes = [f.required ? "required" : "", f.repeat ? "repeatable" : ""].filter(Boolean).join(", ");
        return [names, notes ? `${f.help} (${notes})` : f.help];
    });
    const pos = spec.positionals ? [[`    ${spec.positionals.name}`, spec.positionals.help ?? ""]] : [];
    const width = Math.max(...[...rows, ...pos].map((r) => r[0].length));
    const codes = { 0: "ok", 1: "invalid input or a failure", 2: "usage error (bad flags or arguments)", ...spec.exitCodes };
    return [
        `usage: ${spec.usage}`,
        "",
        spec.summary.trim(),
        "",
        ...(pos.length ? ["arguments:", ...pos.map(([n, h]) => `  ${n.padEnd(width)}  ${h}`), ""] : []),
        "options:",
        ...rows.map(([n, h]) => `  ${n.padEnd(width)}  ${h}`),
        "",
        "exit codes:",
        ...([0, 1, 2] as const).map((c) => `  ${c}  ${codes[c]}`),
        ...(spec.epilog ? ["", spec.epilog.trim()] : []),
        "",
    ].join("\n");
}

/** Parses argv against the spec; throws UsageError. `help` is true when -h/--help was given. */
export function parseArgs<S extends CliSpec>(spec: S, argv: readonly string[]): Args<S> & { help: boolean } {
    const flags: Record<string, FlagSpec> = { ...spec.flags, ...BUILTIN };
    const byName = new Map<string, string>();
    for (const [k, f] of Object.entries(flags)) {
        byName.set(`--${kebab(k)}`, k);
        if (f.short) byName.set(`-${f.short}`, k);
    }
    const out: Record<string, unknown> = { _: [] as string[] };
    for (const [k, f] of Object.entries(flags)) out[k] = f.repeat ? [] : f.value ? undefined : false;
    const positional = out._ as string[];
    let onlyPositional = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (onlyPositional || a === "-" || !a.startsWith("-")) {
            positional.push(a);
            continue;
        }
        if (a === "--") {
            onlyPositional = true;
            continue;
        }
        const eq = a.startsWith("--") ? a.indexOf("=") : -1;
        const name = eq > 0 ? a.slice(0, eq) : a;
        const key = byName.get(name);
        if (key === undefined) throw new UsageError(`unknown option ${name}`);
        const f = flags[key];
        if (!f.value) {
            if (eq > 0) throw new UsageError(`${name} takes no value`);
            out[key] = true;
            continue;
        }
        let v: string | undefined;
        if (eq > 0) v = a.slice(eq + 1);
        else {
            v = argv[++i];
            if (v === undefined || (v.startsWith("-") && v !== "-" && byName.has(v.split("=")[0]))) throw new UsageError(`${name} needs a value (${f.value})`);
        }
        if (f.repeat) (out[key] as string[]).push(v);
        else if (out[key] !== undefined) throw new UsageError(`${name} given twice`);
        else out[key] = v;
    }
    if (out.help) return out as Args<S> & { help: boolean };
    for (const [k, f] of Object.entries(spec.flags)) {
        if (f.required && (f.repeat ? (out[k] as string[]).length === 0 : out[k] === undefined)) throw new UsageError(`--${kebab(k)} is required`);
    }
    const p = spec.positionals;
    const min = p?.min ?? 0;
    const max = p ? (p.max ?? Infinity) : 0;
    if (positional.length > max)
        throw new UsageError(max === 0 ? `unexpected argument ${positional[0]}` : `too many arguments: ${positional.slice(max).join(" ")}`);
    if (positional.length < min) throw new UsageError(`missing ${p!.name}`);
    return out as Args<S> & { help: boolean };
}

function firstLine(s: string): string {
    return s.split("\n")[0];
}

/**
 * Parses argv, runs `body` and turns what it throws into the shared exit codes and one-line
 * messages. Resolves to the exit code; never rejects.
 */
export async function runCli<S extends CliSpec>(
    spec: S,
    argv: readonly string[],
    body: (args: Args<S>, io: CliIo) => Promise<number | void> | number | void,
    io: CliIo = processIo,
): Promise<number> {
    const debug = argv.includes("--debug");
    try {
        const args = parseArgs(spec, argv);
        if (args.help) {
            io.stdout(helpText(spec));
            return EXIT.ok;
        }
        return (await body(args, io)) ?? EXIT.ok;
    } catch (e) {
        const err = e instanceof Error ? e : new Error(String(e));
        const trace = debug && err.stack ? `${err.stack}\n` : "";
        if (err instanceof UsageError) {
            io.stderr(`${spec.name}: ${err.message}\nusage: ${spec.usage}\n(${spec.name} --help lists every option)\n${trace}`);
            return EXIT.usage;
        }
        if (err instanceof UserError || spec.userErrors?.some((c) => err instanceof c)) {
            // Written for the user: may list several problems, one per line.
            io.stderr(`${spec.name}: ${err.message}\n${trace}`);
            return err instanceof UserError ? err.exitCode : EXIT.invalid;
        }
        io.stderr(`${spec.name}: ${firstLine(err.message)}\n${trace || `(rerun with --debug for the stack trace)\n`}`);
        return EXIT.invalid;
    }
}

/**
 * The entry point of a CLI file: runs it on process.argv and sets process.exitCode (not
 * process.exit(), which would truncate output still flowing into a pipe).
 */
export function runMain<S extends CliSpec>(spec: S, body: (args: Args<S>, io: CliIo) => Promise<number | void> | number | void): Promise<void> {
    // The npm scripts run the tsc build (build/tools/): refuse one older than the sources.
    const stale = staleBuildMessage(__dirname);
    if (stale) {
        process.stderr.write(`${spec.name}: ${stale}\n`);
        process.exitCode = EXIT.invalid;
        return Promise.resolve();
    }
    return runCli(spec, process.argv.slice(2), body).then((code) => {
        process.exitCode = code;
    });
}
