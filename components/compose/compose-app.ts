/**
 * `ComposeApp`: a Compose project deployed to Kubernetes (seed 004).
 *
 * The pure compiler (`convertCompose`) builds every object; this class only creates them. The
 * compose input is compiled in the constructor *before* `super()`, so an invalid file throws a
 * `ComposeError` before the component or any child is registered.
 *
 * Values only known at deploy time (Outputs in `env`/`secretEnv`, an Output namespace) enter the
 * compiler as placeholders and are substituted inside `apply`; every Output-valued explicit env
 * value, and everything in `secretEnv`, is routed to the Secret whatever its name, because it may
 * be secret. Secret `stringData` values are always wrapped in `pulumi.secret`.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CompiledApp, CompileOptions, convertCompose, inputPlaceholder, INPUT_PLACEHOLDER, KubeObject, ServiceDeploymentSpec, VolumeSpec } from "./compile";
import { DiscoveredInfrastructure } from "./discovery";
import { ComposeError } from "./errors";

export interface ComposeAppArgs {
    /** Path to the compose file (env_file paths resolve next to it). Exactly one of composeFile / composeText. */
    composeFile?: string;
    /** Compose YAML text. Exactly one of composeFile / composeText. */
    composeText?: string;
    /** Name used in messages when composeText is given. @default "<composeText>" */
    composeFileName?: string;
    /** Target namespace for every object. */
    namespace: pulumi.Input<string>;
    /** Explicit env values (highest precedence). Plain strings are routed by name; Outputs always go to the Secret. */
    env?: Record<string, pulumi.Input<string>>;
    /** Explicit values that are always secret (routed to the Secret, wrapped in pulumi.secret). */
    secretEnv?: Record<string, pulumi.Input<string>>;
    /** Stack config settings (second in the resolution order). @default {} */
    settings?: Record<string, string>;
    /** Infrastructure the stack provides (third); merged over what the compose project provides. @default {} */
    infrastructure?: DiscoveredInfrastructure;
    /** Discover mongo/redis/postgres/qdrant/neo4j among the compose services. @default true */
    discover?: boolean;
    /** `app.kubernetes.io/part-of`. @default the compose `name` */
    partOf?: string;
    /** Deployment spec applied to every service. @default {} */
    defaults?: ServiceDeploymentSpec;
    /** Per-service deployment spec (seed 004 KubernetesDeploymentSpec), incl. security opt-outs. @default {} */
    services?: Record<string, ServiceDeploymentSpec>;
    /** Per-volume PVC settings. @default 1Gi ReadWriteOnce */
    volumes?: Record<string, VolumeSpec>;
    /** Env names routed to the Secret. @default DEFAULT_SECRET_PATTERNS */
    secretPatterns?: string[];
    /** @default "reject" */
    bindMounts?: CompileOptions["bindMounts"];
    /** Active compose profiles. @default [] */
    profiles?: string[];
    /** One allow-list NetworkPolicy per service (see `CompileOptions.networkPolicies`). @default false */
    networkPolicies?: boolean;
}

/** Compiles the component args with the pure compiler; placeholders stand in for Outputs. */
export function compileComposeAppArgs(args: ComposeAppArgs): { compiled: CompiledApp; inputs: pulumi.Input<string>[] } {
    const opts = { file: "<ComposeApp args>" };
    if ((args.composeFile === undefined) === (args.composeText === undefined)) {
        throw new ComposeError({ ...opts, field: "composeFile/composeText" }, "give exactly one of composeFile and composeText");
    }
    let text: string;
    let file: string;
    let baseDir = process.cwd();
    if (args.composeFile !== undefined) {
        file = args.composeFile;
        baseDir = path.dirname(path.resolve(args.composeFile));
        try {
            text = fs.readFileSync(args.composeFile, "utf8");
        } catch (e) {
            throw new ComposeError({ file }, `cannot read compose file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
    } else {
        text = args.composeText as string;
        file = args.composeFileName ?? "<composeText>";
    }

    const inputs: pulumi.Input<string>[] = [];
    const placeholder = (value: pulumi.Input<string>) => {
        inputs.push(value);
        return inputPlaceholder(inputs.length - 1);
    };
    const explicit: Record<string, string> = {};
    const tainted: string[] = [];
    for (const [k, v] of Object.entries(args.env ?? {})) {
        if (typeof v === "string") explicit[k] = v;
        else {
            explicit[k] = placeholder(v);
            tainted.push(k);
        }
    }
    for (const [k, v] of Object.entries(args.secretEnv ?? {})) {
        if (k in explicit) throw new ComposeError({ ...opts, field: `secretEnv.${k}` }, "is also given in env; give it in one of env and secretEnv");
        explicit[k] = typeof v === "string" ? v : placeholder(v);
        tainted.push(k);
    }
    const namespace = typeof args.namespace === "string" ? args.namespace : placeholder(args.namespace);

    const compiled = convertCompose(text, {
        file,
        namespace,
        explicit,
        settings: args.settings,
        infrastructure: args.infrastructure,
        discover: args.discover,
        partOf: args.partOf,
        defaults: args.defaults,
        services: args.services,
        volumes: args.volumes,
        secretPatterns: args.secretPatterns,
        taintedVariables: tainted,
        bindMounts: args.bindMounts,
        profiles: args.profiles,
        networkPolicies: args.networkPolicies,
        readFile: (p) => fs.readFileSync(path.resolve(baseDir, p), "utf8"),
    });
    return { compiled, inputs };
}

/** Replaces placeholders in every string of `value` with the Inputs they stand for. */
export function materialize<T>(value: T, inputs: readonly pulumi.Input<string>[]): pulumi.Input<T> {
    if (typeof value === "string") {
        const indexes = [...value.matchAll(INPUT_PLACEHOLDER)].map((m) => Number(m[1]));
        if (indexes.length === 0) return value;
        return pulumi.all(indexes.map((i) => inputs[i])).apply((resolved) => {
            let k = 0;
            return value.replace(INPUT_PLACEHOLDER, () => resolved[k++]);
        }) as unknown as pulumi.Input<T>;
    }
    if (Array.isArray(value)) return value.map((v) => materialize(v, inputs)) as unknown as pulumi.Input<T>;
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialize(v, inputs)])) as unknown as pulumi.Input<T>;
    }
    return value;
}

export class ComposeApp extends pulumi.ComponentResource {
    /** Compose service name -> in-cluster URL of its first port (services with ports only). */
    public readonly services!: pulumi.Output<Record<string, string>>;
    /** Created objects keyed `Kind/name`, e.g. `Deployment/backend`. */
    public readonly resources!: Record<string, pulumi.CustomResource>;
    /** Compiler warnings (unknown keys, ignored settings). */
    public readonly warnings!: string[];

    constructor(name: string, args: ComposeAppArgs, opts?: pulumi.ComponentResourceOptions) {
        // Compile first: invalid input throws before anything is registered.
        const { compiled, inputs } = compileComposeAppArgs(args);
        super("agent-platform:compose:ComposeApp", name, {}, opts);

        const resources: Record<string, pulumi.CustomResource> = {};
        const key = (kind: string, objName: string) => `${kind}/${objName}`;
        for (const obj of compiled.objects) {
            const resName = `${name}-${obj.metadata.name}`;
            const childOpts: pulumi.CustomResourceOptions = { parent: this, dependsOn: dependenciesOf(obj, resources) };
            resources[key(obj.kind, obj.metadata.name)] = createObject(resName, obj, inputs, childOpts);
        }

        const urls = Object.fromEntries(Object.values(compiled.services).filter((s) => s.url).map((s) => [s.name, s.url as string]));
        this.services = pulumi.output(materialize(urls, inputs)) as pulumi.Output<Record<string, string>>;
        this.resources = resources;
        this.warnings = compiled.warnings;
        for (const w of compiled.warnings) pulumi.log.warn(w, this);
        this.registerOutputs({ services: this.services });
    }
}

/** A Deployment waits for the ConfigMap, Secret and PVCs it references. */
function dependenciesOf(obj: KubeObject, created: Record<string, pulumi.CustomResource>): pulumi.Resource[] {
    if (obj.kind !== "Deployment") return [];
    const podSpec = (obj.spec as any).template.spec;
    const deps: pulumi.Resource[] = [];
    for (const c of podSpec.containers) {
        for (const ref of c.envFrom ?? []) {
            if (ref.configMapRef) deps.push(created[`ConfigMap/${ref.configMapRef.name}`]);
            if (ref.secretRef) deps.push(created[`Secret/${ref.secretRef.name}`]);
        }
    }
    for (const v of podSpec.volumes ?? []) if (v.persistentVolumeClaim) deps.push(created[`PersistentVolumeClaim/${v.persistentVolumeClaim.claimName}`]);
    return deps.filter((d) => d !== undefined);
}

function createObject(resName: string, obj: KubeObject, inputs: readonly pulumi.Input<string>[], opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const { apiVersion: _a, kind: _k, ...body } = obj;
    const m = <T>(v: T) => materialize(v, inputs) as any;
    switch (obj.kind) {
        case "ConfigMap":
            return new k8s.core.v1.ConfigMap(resName, m(body), opts);
        case "Secret": {
            const stringData = Object.fromEntries(Object.entries(obj.stringData as Record<string, string>).map(([k, v]) => [k, pulumi.secret(materialize(v, inputs))]));
            return new k8s.core.v1.Secret(resName, { metadata: m(obj.metadata), type: obj.type as string, stringData }, opts);
        }
        case "Deployment":
            return new k8s.apps.v1.Deployment(resName, m(body), opts);
        case "Service":
            return new k8s.core.v1.Service(resName, m(body), opts);
        case "Ingress":
            return new k8s.networking.v1.Ingress(resName, m(body), opts);
        case "PersistentVolumeClaim":
            return new k8s.core.v1.PersistentVolumeClaim(resName, m(body), opts);
        case "NetworkPolicy":
            return new k8s.networking.v1.NetworkPolicy(resName, m(body), opts);
        default:
            throw new Error(`ComposeApp: the compiler produced an unexpected kind ${obj.kind}`);
    }
}
