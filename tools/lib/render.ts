/**
 * Offline render: runs `stacks/index.ts` under the mock runtime with a stack's
 * `Pulumi.<stack>.yaml` and returns the Kubernetes objects and the cloud resources.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as YAML from "yaml";
import { RecordedResource, runUnderMocks } from "./mock-runtime";
import { UserError } from "./cli";
import { objectPath, OutputFile, writeOutputDir } from "./output";
import { ConfigError, PROJECT, InputError, readTextFile, parseYaml } from "agent-platform/config";
import { SECRET_KEYS } from "../../stacks/config";
import { PROJECT_ROOT } from "../../stacks/project-root";

/** Project files (stack configs, README): the source tree, also when this runs from build/. */
export const REPO_ROOT = PROJECT_ROOT;
/** The program's modules: stacks/ beside this tree's tools/ (TypeScript sources, or build/'s JavaScript). */
const STACKS_DIR = path.resolve(__dirname, "..", "..", "stacks");
const PROGRAM = path.join(STACKS_DIR, "index");
export const REDACTED = "<redacted>";

export interface K8sObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; [k: string]: any };
    [k: string]: any;
}

export interface CloudResource {
    type: string;
    name: string;
    inputs: Record<string, unknown>;
}

export interface RenderResult {
    objects: K8sObject[];
    cloudResources: CloudResource[];
    /** Every recorded resource, components and providers included (tests use it). */
    resources: RecordedResource[];
    /** The program's exports (stack outputs), unresolved. */
    outputs: Record<string, unknown>;
    /** Secure keys replaced by placeholders. */
    placeholders: string[];
}

/** Config as the engine would hand it to the program: `project:key` -> string (JSON for objects). */
export interface StackConfig {
    values: Record<string, string>;
    secretKeys: string[];
    placeholders: string[];
}

/**
 * Reads `Pulumi.<stack>.yaml`. Secure values cannot be decrypted offline: each is replaced by a
 * placeholder, as is every secret the systems need that the file does not set (a real stack
 * sets them with `pulumi config set --secret`). A file that cannot be read or parsed (not UTF-8, a
 * tab, a duplicate key, an alias bomb, too deep, not a regular file) is one ConfigError line.
 */
export function readStackConfig(file: string): StackConfig {
    const shown = path.relative(process.cwd(), file) || file;
    if (!fs.existsSync(file)) throw new UserError(`no stack config ${shown}`);
    let doc: unknown;
    try {
        doc = parseYaml(readTextFile(file)) ?? {};
    } catch (e) {
        if (e instanceof InputError) throw new ConfigError([`${shown}: ${e.message}`]);
        throw e;
    }
    const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
    if (!isMapping(doc)) throw new ConfigError([`${shown}: the top level must be a mapping with a \`config\` key`]);
    if (doc.config !== undefined && doc.config !== null && !isMapping(doc.config)) throw new ConfigError([`${shown}: config: must be a mapping of keys`]);
    const config: Record<string, unknown> = (doc.config as Record<string, unknown> | undefined) ?? {};
    const values: Record<string, string> = {};
    const secretKeys: string[] = [];
    const placeholders: string[] = [];
    for (const [rawKey, v] of Object.entries(config)) {
        const key = rawKey.includes(":") ? rawKey : `${PROJECT}:${rawKey}`;
        if (v && typeof v === "object" && "secure" in (v as object)) {
            values[key] = `placeholder-${key.split(":")[1]}`;
            secretKeys.push(key);
            placeholders.push(key);
        } else {
            values[key] = typeof v === "string" ? v : JSON.stringify(v);
        }
    }
    for (const s of SECRET_KEYS) {
        const key = `${PROJECT}:${s}`;
        if (values[key] === undefined) {
            values[key] = `placeholder-${s}`;
            secretKeys.push(key);
            placeholders.push(key);
        }
    }
    return { values, secretKeys, placeholders };
}

function isKubernetes(r: RecordedResource): boolean {
    return r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm");
}

/** Turns recorded inputs into the object the API server would receive. */
export function toK8sObject(r: RecordedResource, redact = true): K8sObject {
    const obj = JSON.parse(JSON.stringify(r.inputs)) as K8sObject;
    if (redact && obj.kind === "Secret") {
        for (const field of ["data", "stringData"]) {
            if (obj[field])
                obj[field] = Object.fromEntries(
                    Object.keys(obj[field])
                        .sort()
                        .map((k) => [k, REDACTED]),
                );
        }
    }
    return obj;
}

/** Clears the program's modules so its top level (which reads config) runs again. */
function forgetProgramModules(): void {
    const stacksDir = STACKS_DIR + path.sep;
    for (const id of Object.keys(require.cache)) if (id.startsWith(stacksDir)) delete require.cache[id];
}

export interface RenderOptions {
    /** Redact Secret values (default true). */
    redact?: boolean;
    /** Receives the program's info lines (default: tools/lib/mock-runtime's, quiet unless MOCK_LOG=1). */
    onInfo?: (message: string) => void;
}

/** Renders the program with explicit config (tests pass invalid configs this way). */
export async function renderProgram(config: StackConfig, stack: string, opts: RenderOptions = {}): Promise<RenderResult> {
    forgetProgramModules();
    const run = await runUnderMocks(() => require(PROGRAM) as Record<string, unknown>, {
        project: PROJECT,
        stack,
        config: config.values,
        secretKeys: config.secretKeys,
        onInfo: opts.onInfo,
    });
    const redact = opts.redact ?? true;
    const objects = run.resources.filter(isKubernetes).map((r) => toK8sObject(r, redact));
    const cloudResources = run.resources
        .filter((r) => r.custom && !isKubernetes(r) && !r.type.startsWith("pulumi:providers:"))
        .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
    return { objects, cloudResources, resources: run.resources, outputs: run.result, placeholders: config.placeholders };
}

/** The program's `summary` output (stacks/summary.ts), resolved; `{}` when it exports none. */
export async function resolveSummary(result: RenderResult): Promise<Record<string, { secretKeys: string[] } & Record<string, unknown>>> {
    const summary = (result.outputs as { summary?: Record<string, pulumi.Output<unknown>> }).summary ?? {};
    return new Promise((resolve) => pulumi.output(summary).apply((v) => resolve(v as never)));
}

/** The placeholders the program actually read (a secret no enabled system reads is not listed). */
export async function placeholdersRead(result: RenderResult): Promise<string[]> {
    const read = new Set(Object.values(await resolveSummary(result)).flatMap((s) => s.secretKeys));
    return result.placeholders.filter((k) => read.has(k.slice(k.indexOf(":") + 1)));
}

/** Renders `Pulumi.<stack>.yaml`. */
export async function renderStack(stack: string, opts: RenderOptions = {}): Promise<RenderResult> {
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new UserError(`no stack config ${path.relative(process.cwd(), file)} (stacks: ${listStacks().join(", ")})`);
    return renderProgram(readStackConfig(file), stack, opts);
}

export function listStacks(): string[] {
    return fs
        .readdirSync(REPO_ROOT)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

/**
 * YAML that kubectl reads back as written: kubectl parses YAML 1.1, where bare `yes`/`no`/`on`
 * are booleans, so emitting 1.1 quotes them (`--appendonly "yes"` stays a string).
 */
export function toManifestYaml(o: unknown): string {
    return YAML.stringify(o, { version: "1.1", sortMapEntries: false });
}

/**
 * Writes one YAML file per object plus cloud-resources.json into `dir` (layout and safety rules:
 * ./output.ts); returns the files written, as absolute paths.
 */
export function writeRender(result: RenderResult, dir: string, opts: { force?: boolean } = {}): string[] {
    const files: OutputFile[] = result.objects.map((o) => ({ path: objectPath(o), content: toManifestYaml(o) }));
    files.push({ path: "cloud-resources.json", content: JSON.stringify(result.cloudResources, null, 2) + "\n" });
    return writeOutputDir(dir, files, opts).written.map((f) => path.join(path.resolve(dir), f));
}
