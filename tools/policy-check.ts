/**
 * npm run policy:check -- <file|dir>... [--config policy/config/prod.json] [--format text|json|sarif] [--min-level L] [--stack-tag key=value]...
 * npm run policy:check -- --list [--config FILE] | --explain RULE [--config FILE] | --readme-table
 * (help, exit codes and error conventions: tools/lib/cli.ts; `--help` lists every flag)
 *
 * Runs the CrossGuard pack's policies (resource and stack rules) over plain Kubernetes YAML
 * (multi-document, directories walked) and `cloud-resources.json`. Prints
 * `policy  level  kind/namespace/name  message`; exits 1 on any mandatory violation, 2 on
 * usage or input errors.
 */
import { evaluate, PackConfig, Violation } from "../policy/lib/harness";
import { PackConfigError } from "../policy/lib/config";
import { InputError, loadPackConfig, loadResources } from "../policy/lib/load";
import { formatExamples, ruleExamples } from "../policy/examples/explain";
import { rulesTable } from "../policy/lib/docs";
import { checklistTable } from "../policy/checklist";
import { packConfigFile } from "../policy/lib/gate";
import { atLeast, explainRule, findRule, listRules, MIN_LEVELS, MinLevel, similarRules, toSarif } from "../policy/lib/report";
import { allRules } from "../policy/rules/all";
import { Args, CliIo, defineCli, parseArgs as parseCliArgs, processIo, runCli, runMain, UsageError, UserError } from "./lib/cli";

export const CLI = defineCli({
    name: "policy:check",
    usage: "npm run policy:check -- <file|dir>... [--config FILE] [--format text|json|sarif] [--min-level LEVEL] [--stack-tag KEY=VALUE]...  |  --list  |  --explain RULE  |  --readme-table  |  --checklist-table",
    summary: `Runs the CrossGuard pack's policies (resource and stack rules) over plain Kubernetes YAML
(multi-document; directories are walked) and cloud-resources.json, e.g. the output of
npm run render. Prints one line per violation on stdout (policy, level, resource, message),
mandatory first, each with its fix, and the counts on stderr. --list and --explain describe the
rules instead (under --config's levels when given).`,
    positionals: { name: "<file|dir>...", help: "YAML files, cloud-resources.json, or directories to walk" },
    flags: {
        config: { value: "FILE", help: "policy levels and settings, e.g. policy/config/prod.json (default: each policy's own level)" },
        format: {
            value: "FORMAT",
            help: "text (default), json ({resources, mandatory, advisory, violations}) or sarif (SARIF 2.1.0 for GitHub code scanning)",
        },
        json: { help: "the same as --format json" },
        minLevel: { value: "LEVEL", help: "report only findings at LEVEL or above: advisory (default) or mandatory" },
        list: { help: "print every rule: name, level under --config, area, scope and title" },
        readmeTable: { help: "print the Rules table of policy/README.md (generated from the rules and both pack configs)" },
        checklistTable: { help: "print the seed checklist table of policy/README.md (generated from policy/checklist.ts)" },
        explain: { value: "RULE", help: "print what RULE checks and why, its level, fix, settings, a passing and a failing example, and docs" },
        stackTag: { value: "KEY=VALUE", repeat: true, help: "a stack tag the stack policies see (e.g. agent-platform:upgrade-rehearsed=2025-01-31)" },
    },
    exitCodes: { 1: "a mandatory violation", 2: "usage error, or input that cannot be read (missing file, invalid YAML, bad --config)" },
});

export type Format = "text" | "json" | "sarif";
const FORMATS: readonly Format[] = ["text", "json", "sarif"];

export interface CliOptions {
    inputs: string[];
    config?: string;
    format: Format;
    minLevel: MinLevel;
    list: boolean;
    readmeTable: boolean;
    checklistTable: boolean;
    explain?: string;
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
    const format = (a.json ? "json" : (a.format ?? "text")) as Format;
    if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(", ")}, got ${a.format}`);
    if (a.json && a.format && a.format !== "json") throw new UsageError(`--json contradicts --format ${a.format}`);
    const minLevel = (a.minLevel ?? "advisory") as MinLevel;
    if (!MIN_LEVELS.includes(minLevel)) throw new UsageError(`--min-level must be one of ${MIN_LEVELS.join(", ")}, got ${a.minLevel}`);
    const modes = [a.list && "--list", a.explain && "--explain", a.readmeTable && "--readme-table", a.checklistTable && "--checklist-table"].filter(Boolean);
    if (modes.length > 1) throw new UsageError(`${modes.join(" and ")} are exclusive`);
    if (modes.length && a._.length) throw new UsageError(`${modes[0]} takes no <file|dir>`);
    if (!modes.length && a._.length === 0) throw new UsageError("missing <file|dir>...");
    return {
        inputs: a._,
        config: a.config,
        format,
        minLevel,
        list: !!a.list,
        readmeTable: !!a.readmeTable,
        checklistTable: !!a.checklistTable,
        ...(a.explain ? { explain: a.explain } : {}),
        stackTags,
    };
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

/** Human output: one aligned line per violation, mandatory first; with `fixes`, each followed by its rule's fix. */
export function formatViolations(vs: Violation[], fixes?: ReadonlyMap<string, string>): string {
    const sorted = [...vs].sort((a, b) => (a.level === b.level ? 0 : a.level === "mandatory" ? -1 : 1));
    const w = (k: "policy" | "level" | "resource") => Math.max(0, ...sorted.map((v) => v[k].length));
    const [wp, wl, wr] = [w("policy"), w("level"), w("resource")];
    return sorted
        .map((v) => {
            const line = `${v.policy.padEnd(wp)}  ${v.level.padEnd(wl)}  ${v.resource.padEnd(wr)}  ${v.message}`;
            const fix = fixes?.get(v.policy);
            return fix ? `${line}\n    fix: ${fix}` : line;
        })
        .join("\n");
}

async function check(args: Args<typeof CLI>, io: CliIo): Promise<number> {
    const opts = toOptions(args);
    let config: PackConfig = {};
    if (opts.config) config = readPackConfig(opts.config);
    if (opts.readmeTable) {
        io.stdout(rulesTable(allRules, loadPackConfig(packConfigFile("dev")), loadPackConfig(packConfigFile("prod"))) + "\n");
        return 0;
    }
    if (opts.checklistTable) {
        io.stdout(checklistTable() + "\n");
        return 0;
    }
    if (opts.list) {
        io.stdout(listRules(allRules, config) + "\n");
        return 0;
    }
    if (opts.explain) {
        const rule = findRule(allRules, opts.explain);
        if (!rule) {
            const near = similarRules(allRules, opts.explain);
            throw new UserError(`unknown rule ${opts.explain}${near.length ? ` (did you mean ${near.join(", ")}?)` : ""}; --list prints every rule`, 2);
        }
        // The examples are written for prod.json's settings (policy/examples), whatever --config says.
        const examples = await ruleExamples(rule, loadPackConfig(packConfigFile("prod")));
        io.stdout(explainRule(rule, config, examples && formatExamples(examples, rule.scope)) + "\n");
        return 0;
    }
    let resources;
    try {
        resources = loadResources(opts.inputs, (m) => io.stderr(`policy:check: warning: ${m}\n`));
    } catch (e) {
        if (e instanceof InputError) throw new UserError(e.message, 2);
        throw e;
    }
    const violations = atLeast(await evaluate(allRules, resources, { config, stackTags: opts.stackTags }), opts.minLevel);
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    if (opts.format === "json") {
        io.stdout(JSON.stringify({ resources: resources.length, mandatory, advisory: violations.length - mandatory, violations }, null, 2) + "\n");
        return mandatory > 0 ? 1 : 0;
    }
    if (opts.format === "sarif") {
        io.stdout(JSON.stringify(toSarif(allRules, config, violations, resources, opts.inputs, process.cwd()), null, 2) + "\n");
    } else if (violations.length) {
        const fixes = new Map(allRules.map((r) => [r.policy.name, r.policy.remediationSteps ?? ""]));
        io.stdout(formatViolations(violations, fixes) + "\n");
    }
    io.stderr(`policy:check: ${resources.length} resources, ${mandatory} mandatory and ${violations.length - mandatory} advisory violations\n`);
    return mandatory > 0 ? 1 : 0;
}

/** Runs the CLI (conventions: tools/lib/cli.ts); resolves to the exit code. */
export function main(argv: string[], io: CliIo = processIo): Promise<number> {
    return runCli(CLI, argv, check, io);
}

if (require.main === module) void runMain(CLI, check);
