/**
 * compose:convert — prints (or writes) the Kubernetes YAML that `ComposeApp` would create.
 *
 *   npm run compose:convert -- <compose.yml> [--namespace NS] [--env KEY=VAL]... [--env-file F]
 *       [--out DIR] [--options F.yaml] [--profile P]... [--show-secrets]
 *
 * Exactly the same code as the component: it runs `ComposeApp` (and so AgentService) under the
 * shared Pulumi mock runtime and prints the Kubernetes objects it registers. Secret values are
 * printed as `<redacted>` unless --show-secrets. Bad input exits 1 with a one-line reason.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { ComposeApp, ComposeAppArgs } from "../components/compose/compose-app";
import { ComposeError } from "../components/compose/errors";
import { parseDotenv } from "../components/compose/interpolate";
import { parseDeploymentOptions } from "../components/compose/options";
import { objectFileName, renderObject, renderYaml } from "../components/compose/render";
import { runUnderMocks } from "./lib/mock-runtime";
import { K8sObject, toK8sObject } from "./lib/render";

export const USAGE =
    "usage: compose-convert <compose.yml> [--namespace NS] [--env KEY=VAL]... [--env-file F] [--out DIR] [--options F] [--profile P]... [--show-secrets]";

/** seed 004: the ushadow deployer's default namespace is its own; here the neutral Kubernetes default. */
export const DEFAULT_NAMESPACE = "default";

export interface CliArgs {
    composeFile: string;
    namespace: string;
    env: Record<string, string>;
    envFiles: string[];
    out?: string;
    optionsFile?: string;
    profiles: string[];
    showSecrets: boolean;
}

class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): CliArgs {
    const args: CliArgs = { composeFile: "", namespace: DEFAULT_NAMESPACE, env: {}, envFiles: [], profiles: [], showSecrets: false };
    const positional: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
        const value = () => {
            if (inline !== undefined) return inline;
            const v = argv[++i];
            if (v === undefined || v.startsWith("--")) throw new UsageError(`${flag} needs a value`);
            return v;
        };
        switch (flag) {
            case "--namespace":
            case "-n":
                args.namespace = value();
                break;
            case "--env": {
                const kv = value();
                const eq = kv.indexOf("=");
                if (eq <= 0) throw new UsageError(`--env expects KEY=VAL, got "${kv}"`);
                args.env[kv.slice(0, eq)] = kv.slice(eq + 1);
                break;
            }
            case "--env-file":
                args.envFiles.push(value());
                break;
            case "--out":
                args.out = value();
                break;
            case "--options":
                args.optionsFile = value();
                break;
            case "--profile":
                args.profiles.push(value());
                break;
            case "--show-secrets":
                args.showSecrets = true;
                break;
            case "--help":
            case "-h":
                throw new UsageError(USAGE);
            default:
                if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
                positional.push(a);
        }
    }
    if (positional.length !== 1) throw new UsageError(positional.length === 0 ? "missing <compose.yml>" : `expected one compose file, got ${positional.length}`);
    args.composeFile = positional[0];
    return args;
}

export interface CliIo {
    stdout: (text: string) => void;
    stderr: (text: string) => void;
}

function readText(file: string, what: string): string {
    try {
        return fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new ComposeError({ file }, `cannot read ${what}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
}

/** Order of kinds in the output: what a reader wants first, and stable across runs. */
const KIND_ORDER = ["ServiceAccount", "Role", "RoleBinding", "ConfigMap", "Secret", "PersistentVolumeClaim", "Service", "Deployment", "StatefulSet",
    "HorizontalPodAutoscaler", "PodDisruptionBudget", "VerticalPodAutoscaler", "ServiceMonitor", "NetworkPolicy", "Ingress"];

/**
 * Runs `ComposeApp` under the mock runtime and returns the Kubernetes objects it creates (Secret
 * values redacted unless `showSecrets`), ordered by kind then name, and the compiler's warnings.
 */
export async function renderComposeApp(args: ComposeAppArgs, opts: { showSecrets?: boolean } = {}): Promise<{ objects: K8sObject[]; warnings: string[] }> {
    // pulumi.log prints to the console without an engine; the CLI reports warnings itself.
    const saved = { log: console.log, warn: console.warn, error: console.error };
    console.log = console.warn = console.error = () => undefined;
    try {
        const run = await runUnderMocks(() => new ComposeApp("compose", args).warnings, { project: "compose-convert", stack: "convert" });
        const rank = (k: string) => (KIND_ORDER.includes(k) ? KIND_ORDER.indexOf(k) : KIND_ORDER.length);
        const objects = run.resources
            .filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("pulumi:providers:"))
            .map((r) => toK8sObject(r, !opts.showSecrets))
            .sort((a, b) => rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind) || a.metadata.name.localeCompare(b.metadata.name));
        return { objects, warnings: run.result };
    } finally {
        Object.assign(console, saved);
    }
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
    try {
        const args = parseArgs(argv);
        // Explicit values: --env-file entries, then --env (which wins).
        const explicit: Record<string, string> = {};
        for (const f of args.envFiles) {
            try {
                for (const e of parseDotenv(readText(f, "env file"))) explicit[e.key] = e.value.replace(/\$\$/g, "$");
            } catch (e) {
                if (e instanceof ComposeError) throw e;
                throw new ComposeError({ file: f }, (e as Error).message);
            }
        }
        Object.assign(explicit, args.env);
        const options = args.optionsFile ? parseDeploymentOptions(parseYamlFile(args.optionsFile), args.optionsFile) : {};
        const { objects, warnings } = await renderComposeApp({
            composeFile: args.composeFile,
            namespace: args.namespace,
            env: explicit,
            settings: options.settings,
            partOf: options.partOf,
            defaults: options.defaults,
            services: options.services,
            volumes: options.volumes,
            secretPatterns: options.secretPatterns ? [...options.secretPatterns] : undefined,
            bindMounts: options.bindMounts,
            networkPolicies: options.networkPolicies,
            spreadAcrossZones: options.spreadAcrossZones,
            profiles: [...(options.profiles ?? []), ...args.profiles],
        }, { showSecrets: args.showSecrets });
        for (const w of warnings) io.stderr(`warning: ${w}\n`);
        if (args.out) {
            fs.mkdirSync(args.out, { recursive: true });
            for (const obj of objects) fs.writeFileSync(path.join(args.out, objectFileName(obj)), renderObject(obj, { showSecrets: args.showSecrets }));
            io.stderr(`wrote ${objects.length} objects to ${args.out}\n`);
        } else {
            io.stdout(renderYaml(objects, { showSecrets: args.showSecrets }));
        }
        return 0;
    } catch (e) {
        if (e instanceof UsageError) {
            io.stderr(`compose-convert: ${e.message}${e.message === USAGE ? "" : `\n${USAGE}`}\n`);
            return e.message === USAGE ? 0 : 1;
        }
        if (e instanceof ComposeError) {
            io.stderr(`compose-convert: ${e.message}\n`);
            return 1;
        }
        io.stderr(`compose-convert: ${(e as Error).message.split("\n")[0]}\n`);
        return 1;
    }
}

function parseYamlFile(file: string): unknown {
    const doc = YAML.parseDocument(readText(file, "options file"));
    if (doc.errors.length) throw new ComposeError({ file }, `invalid YAML: ${doc.errors[0].message.split("\n")[0]}`);
    return doc.toJS();
}

if (require.main === module) {
    main(process.argv.slice(2), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }).then((code) => {
        process.exitCode = code;
    });
}
