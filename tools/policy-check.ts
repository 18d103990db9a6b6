/**
 * npm run policy:check -- <file|dir>... [--config policy/config/prod.json] [--json] [--stack-tag key=value]...
 *
 * Runs the CrossGuard pack's policies (resource and stack rules) over plain Kubernetes YAML
 * (multi-document, directories walked) and `cloud-resources.json`. Prints
 * `policy  level  kind/namespace/name  message`; exits 1 on any mandatory violation, 2 on
 * usage or input errors.
 */
import * as fs from "fs";
import { evaluate, PackConfig, Violation } from "../policy/lib/harness";
import { InputError, loadResources } from "../policy/lib/load";
import { allRules } from "../policy/rules/all";

const USAGE = "usage: npm run policy:check -- <file|dir>... [--config policy/config/prod.json] [--json] [--stack-tag key=value]...";

export interface CliOptions {
    inputs: string[];
    config?: string;
    json: boolean;
    stackTags: Map<string, string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): CliOptions {
    const opts: CliOptions = { inputs: [], json: false, stackTags: new Map() };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--json") opts.json = true;
        else if (a === "--config" || a === "--stack-tag") {
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
            if (a === "--config") opts.config = v;
            else {
                const eq = v.indexOf("=");
                if (eq <= 0) throw new UsageError(`--stack-tag expects key=value, got ${v}`);
                opts.stackTags.set(v.slice(0, eq), v.slice(eq + 1));
            }
        } else if (a === "-h" || a === "--help") throw new UsageError(USAGE);
        else if (a.startsWith("--")) throw new UsageError(`unknown option ${a}`);
        else opts.inputs.push(a);
    }
    if (opts.inputs.length === 0) throw new UsageError("no input files or directories given");
    return opts;
}

export function readPackConfig(file: string): PackConfig {
    let v: unknown;
    try { v = JSON.parse(fs.readFileSync(file, "utf8")); } catch (e) { throw new UsageError(`--config ${file}: ${(e as Error).message}`); }
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new UsageError(`--config ${file}: expected a JSON object of policy settings`);
    const known = new Set(["all", ...allRules.map((r) => r.policy.name)]);
    const unknown = Object.keys(v).filter((k) => !known.has(k));
    if (unknown.length) throw new UsageError(`--config ${file}: unknown policies ${unknown.join(", ")}`);
    return v as PackConfig;
}

/** Human output: one aligned line per violation, mandatory first. */
export function formatViolations(vs: Violation[]): string {
    const sorted = [...vs].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1));
    const w = (k: "policy" | "level" | "resource") => Math.max(0, ...sorted.map((v) => v[k].length));
    const [wp, wl, wr] = [w("policy"), w("level"), w("resource")];
    return sorted.map((v) => `${v.policy.padEnd(wp)}  ${v.level.padEnd(wl)}  ${v.resource.padEnd(wr)}  ${v.message}`).join("\n");
}

export async function main(argv: string[]): Promise<number> {
    let opts: CliOptions;
    let config: PackConfig = {};
    let resources;
    try {
        opts = parseArgs(argv);
        if (opts.config) config = readPackConfig(opts.config);
        resources = loadResources(opts.inputs, (m) => process.stderr.write(`policy:check: warning: ${m}\n`));
    } catch (e) {
        if (e instanceof UsageError || e instanceof InputError) {
            process.stderr.write(`policy:check: ${e.message}\n${e instanceof UsageError && e.message !== USAGE ? USAGE + "\n" : ""}`);
            return 2;
        }
        throw e;
    }
    const violations = await evaluate(allRules, resources, { config, stackTags: opts.stackTags });
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    if (opts.json) {
        process.stdout.write(JSON.stringify({ resources: resources.length, mandatory, advisory: violations.length - mandatory, violations }, null, 2) + "\n");
    } else {
        if (violations.length) process.stdout.write(formatViolations(violations) + "\n");
        process.stderr.write(`policy:check: ${resources.length} resources, ${mandatory} mandatory and ${violations.length - mandatory} advisory violations\n`);
    }
    return mandatory > 0 ? 1 : 0;
}

if (require.main === module) {
    // exitCode, not process.exit(): exiting at once would truncate large output written to a pipe.
    main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
        process.stderr.write(`policy:check: ${(e as Error).stack ?? e}\n`);
        process.exitCode = 2;
    });
}
