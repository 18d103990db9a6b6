/**
 * npm run policy:check -- <file|dir>... [--config policy/config/prod.json] [--json] [--stack-tag key=value]...
 * (help, exit codes and error conventions: tools/lib/cli.ts; `--help` lists every flag)
 *
 * Runs the CrossGuard pack's policies (resource and stack rules) over plain Kubernetes YAML
 * (multi-document, directories walked) and `cloud-resources.json`. Prints
 * `policy  level  kind/namespace/name  message`; exits 1 on any mandatory violation, 2 on
 * usage or input errors.
 */
import * as fs from "fs";
import { evaluate, PackConfig, Violation } from "../policy/lib/harness";
import { PackConfigError } from "../policy/lib/config";
import { InputError, loadPackConfig, loadResources } from "../policy/lib/load";
import { allRules } from "../policy/rules/all";
import { Args, CliIo, defineCli, parseArgs as parseCliArgs, processIo, runCli, runMain, UsageError, UserError } from "./lib/cli";

export const CLI = defineCli({
    name: "policy:check",
    usage: "npm run policy:check -- <file|dir>... [--config FILE] [--json] [--stack-tag KEY=VALUE]...",
    summary: `Runs the CrossGuard pack's policies (resource and stack rules) over plain Kubernetes YAML
(multi-document; directories are walked) and cloud-resources.json, e.g. the output of
npm run render. Prints one line per violation on stdout (policy, level, resource, message),
mandatory first, and the counts on stderr.`,
    positionals: { name: "<file|dir>...", help: "YAML files, cloud-resources.json, or directories to walk", min: 1 },
    flags: {
        config: { value: "FILE", help: "policy levels and settings, e.g. policy/config/prod.json (default: each policy's own level)" },
        json: { help: "print {resources, mandatory, advisory, violations} as JSON on stdout instead" },
        stackTag: { value: "KEY=VALUE", repeat: true, help: "a stack tag the stack policies see (e.g. agent-platform:upgrade-rehearsed=2025-01-31)" },
    },
    exitCodes: { 1: "a mandatory violation", 2: "usage error, or input that cannot be read (missing file, invalid YAML, bad --config)" },
});

export interface CliOptions {
    inputs: string[];
    config?: string;
    json: boolean;
    stackTags: Map<string, string>;
}

export { UsageError };

function toOptions(a: Args<typeof CLI>): CliOptions {
    const stackTags = new Map<string, string>();
    for (const v of a.stackTag) {
        const eq = v.indexOf("=");
        if (eq <= 0) throw new UsageError(`--stack-tag expects key=value, got ${v}`);
        stackTags.set(v.slice(0, eq), v.slice(eq + 1));
    }
    return { inputs: a._, config: a.config, json: a.json, stackTags };
}

export function parseArgs(argv: string[]): CliOptions {
    return toOptions(parseCliArgs(CLI, argv));
}

/** Reads and validates a pack config (schema: policy/lib/config.ts); every problem names its key. */
export function readPackConfig(file: string): PackConfig {
    try {
        return loadPackConfig(file);
    } catch (e) {
        if (e instanceof PackConfigError || e instanceof InputError) throw new UserError(`--config ${e.message}`, 2);
        throw e;
    }
}

/** Human output: one aligned line per violation, mandatory first. */
export function formatViolations(vs: Violation[]): string {
    const sorted = [...vs].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1));
    const w = (k: "policy" | "level" | "resource") => Math.max(0, ...sorted.map((v) => v[k].length));
    const [wp, wl, wr] = [w("policy"), w("level"), w("resource")];
    return sorted.map((v) => `${v.policy.padEnd(wp)}  ${v.level.padEnd(wl)}  ${v.resource.padEnd(wr)}  ${v.message}`).join("\n");
}

async function check(args: Args<typeof CLI>, io: CliIo): Promise<number> {
    const opts = toOptions(args);
    let config: PackConfig = {};
    let resources;
    try {
        if (opts.config) config = readPackConfig(opts.config);
        resources = loadResources(opts.inputs, (m) => io.stderr(`policy:check: warning: ${m}\n`));
    } catch (e) {
        if (e instanceof InputError) throw new UserError(e.message, 2);
        throw e;
    }
    const violations = await evaluate(allRules, resources, { config, stackTags: opts.stackTags });
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    if (opts.json) {
        io.stdout(JSON.stringify({ resources: resources.length, mandatory, advisory: violations.length - mandatory, violations }, null, 2) + "\n");
    } else {
        if (violations.length) io.stdout(formatViolations(violations) + "\n");
        io.stderr(`policy:check: ${resources.length} resources, ${mandatory} mandatory and ${violations.length - mandatory} advisory violations\n`);
    }
    return mandatory > 0 ? 1 : 0;
}

/** Runs the CLI (conventions: tools/lib/cli.ts); resolves to the exit code. */
export function main(argv: string[], io: CliIo = processIo): Promise<number> {
    return runCli(CLI, argv, check, io);
}

if (require.main === module) void runMain(CLI, check);
