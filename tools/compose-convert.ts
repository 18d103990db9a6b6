/**
 * compose:convert — prints (or writes) the Kubernetes YAML that `ComposeApp` would create.
 *
 *   npm run compose:convert -- <compose.yml> [--namespace NS] [--env KEY=VAL]... [--env-file F]...
 *       [--out DIR [--force]] [--options F.yaml] [--profile P]... [--root DIR] [--show-secrets]
 *
 * Exactly the same code as the component: it runs `ComposeApp` (and so AgentService) under the
 * shared Pulumi mock runtime and prints the Kubernetes objects it registers. Secret values are
 * printed as `<redacted>` unless --show-secrets. Conventions (help, exit codes): tools/lib/cli.ts.
 * The compose file and its `env_file`s must stay inside the compose file's directory, or inside
 * `--root DIR` when given; files named by flags are never /proc, /dev, FIFOs or sockets.
 */
import * as path from "path";
import { ComposeApp, ComposeAppArgs } from "agent-platform";
import { InputError, readTextFile, readTextInside, parseYaml } from "agent-platform/config";
import { ComposeError, parseDotenv, parseDeploymentOptions, renderObject, renderYaml } from "agent-platform/compose";
import { Args, CliIo, defineCli, runCli, runMain, UsageError } from "./lib/cli";
import { runUnderMocks } from "./lib/mock-runtime";
import { assertWritable, MANIFEST, objectPath, writeOutputDir } from "./lib/output";
import { K8sObject, toK8sObject } from "./lib/render";

export const CLI = defineCli({
    name: "compose-convert",
    usage: "npm run compose:convert -- <compose.yml> [--namespace NS] [--env KEY=VAL]... [--env-file F]... [--options F] [--profile P]... [--root DIR] [--out DIR [--force]] [--show-secrets]",
    summary: `Converts a Docker Compose file into the Kubernetes objects the ComposeApp component would
create (the same code, run under the mock runtime) and prints them as multi-document YAML on
stdout, or writes them under --out. Warnings and the namespace chosen go to stderr.`,
    positionals: { name: "<compose.yml>", help: "the Compose file to convert", min: 1, max: 1 },
    flags: {
        namespace: {
            value: "NS",
            short: "n",
            help: "target namespace (default: derived from the compose project name: its top-level name:, else its directory)",
        },
        env: { value: "KEY=VAL", repeat: true, help: "an explicit variable value; wins over --env-file" },
        envFile: { value: "FILE", repeat: true, help: "a .env file of explicit variable values" },
        options: { value: "FILE", help: "a deployment options YAML (settings, defaults, per-service options, volumes...)" },
        profile: { value: "NAME", repeat: true, help: "activate a Compose profile (added to the options file's profiles)" },
        root: { value: "DIR", help: "directory the compose file and every env_file must stay inside (default: the compose file's directory)" },
        out: { value: "DIR", help: "write one file per object as <namespace>/<kind>-<name>.yaml instead of printing" },
        force: { help: `with --out: write into a non-empty DIR that has no ${MANIFEST} (removes nothing there)` },
        showSecrets: { help: "print Secret values instead of <redacted>" },
    },
    epilog: `Output safety (--out): the files written are listed in DIR/${MANIFEST}; the next run removes
only those. A non-empty DIR without that list is refused with exit 2 unless --force. A .git
directory is never touched. Same layout and rules as npm run render.`,
    userErrors: [ComposeError, InputError],
});

/**
 * The namespace for a compose file when --namespace is not given: the compose project name
 * (top-level `name:`, else the file's directory, as docker compose does), made a DNS-1123 label.
 */
export function namespaceFromProject(composeFile: string, text: string): string {
    let raw: unknown;
    try {
        raw = (parseYaml(text, { merge: true }) as Record<string, unknown> | null)?.name;
    } catch {
        raw = undefined;
    }
    const source = typeof raw === "string" && raw && !raw.includes("$") ? raw : path.basename(path.dirname(path.resolve(composeFile)));
    const ns = source
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/^-+|-+$/g, "")
        .slice(0, 63)
        .replace(/-+$/, "");
    if (!ns || ns === "default") throw new UsageError(`cannot derive a namespace from the compose project name "${source}"; pass --namespace`);
    return ns;
}

/** Reads a file named by a flag: never /proc, /dev, a FIFO, a socket, an oversized or non-UTF-8 file. */
function readText(file: string, flag: string): string {
    try {
        return readTextFile(file);
    } catch (e) {
        if (e instanceof InputError) throw new ComposeError({ file: flag }, e.message);
        throw e;
    }
}

/** Order of kinds in the output: what a reader wants first, and stable across runs. */
const KIND_ORDER = [
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "ConfigMap",
    "Secret",
    "PersistentVolumeClaim",
    "Service",
    "Deployment",
    "StatefulSet",
    "HorizontalPodAutoscaler",
    "PodDisruptionBudget",
    "VerticalPodAutoscaler",
    "ServiceMonitor",
    "NetworkPolicy",
    "Ingress",
];

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

/** The conversion itself, on a parsed command line. */
export async function convert(args: Args<typeof CLI>, io: CliIo): Promise<number> {
    const composeFile = args._[0];
    if (args.force && !args.out) throw new UsageError("--force only applies with --out");
    if (args.out) assertWritable(args.out, { force: args.force });
    const explicit: Record<string, string> = {};
    for (const kv of args.env) {
        const eq = kv.indexOf("=");
        if (eq <= 0) throw new UsageError(`--env expects KEY=VAL, got "${kv}"`);
    }
    // Explicit values: --env-file entries, then --env (which wins).
    for (const f of args.envFile) {
        try {
            for (const e of parseDotenv(readText(f, "--env-file"))) explicit[e.key] = e.value.replace(/\$\$/g, "$");
        } catch (e) {
            if (e instanceof ComposeError) throw e;
            throw new ComposeError({ file: `--env-file ${f}` }, (e as Error).message);
        }
    }
    for (const kv of args.env) explicit[kv.slice(0, kv.indexOf("="))] = kv.slice(kv.indexOf("=") + 1);
    const options = args.options ? parseDeploymentOptions(parseYamlFile(args.options), args.options) : {};
    const root = args.root ?? path.dirname(path.resolve(composeFile));
    let namespace = args.namespace;
    if (namespace === undefined) {
        let text: string;
        try {
            text = readTextInside(path.resolve(composeFile), { root });
        } catch (e) {
            if (e instanceof InputError) throw new ComposeError({ file: composeFile }, `cannot read the compose file: ${e.message}`);
            throw e;
        }
        namespace = namespaceFromProject(composeFile, text);
        io.stderr(`compose-convert: namespace ${namespace} (from the compose project name; --namespace to choose)\n`);
    }
    const { objects, warnings } = await renderComposeApp(
        {
            composeFile,
            rootDir: root,
            namespace,
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
            profiles: [...(options.profiles ?? []), ...args.profile],
        },
        { showSecrets: args.showSecrets },
    );
    for (const w of warnings) io.stderr(`compose-convert: warning: ${w}\n`);
    if (args.out) {
        const files = objects.map((o) => ({ path: objectPath(o), content: renderObject(o, { showSecrets: args.showSecrets }) }));
        const { removed } = writeOutputDir(args.out, files, { force: args.force });
        io.stderr(
            `compose-convert: wrote ${files.length} objects to ${args.out}${removed.length ? ` (removed ${removed.length} stale files of the previous run)` : ""}\n`,
        );
    } else {
        io.stdout(renderYaml(objects, { showSecrets: args.showSecrets }));
    }
    return 0;
}

/** Runs the CLI; resolves to the exit code. */
export function main(argv: readonly string[], io: CliIo): Promise<number> {
    return runCli(CLI, argv, convert, io);
}

function parseYamlFile(file: string): unknown {
    const text = readText(file, "--options");
    try {
        return parseYaml(text);
    } catch (e) {
        if (e instanceof InputError) throw new ComposeError({ file }, e.message);
        throw e;
    }
}

if (require.main === module) void runMain(CLI, convert);
