/**
 * `ComposeApp`: a Compose project deployed to Kubernetes (seed 004) by the platform's one workload
 * component: the pure compiler (`convertCompose`) turns each compose service into `AgentService`
 * (or `SingletonWorker`) args; this class only instantiates them. The compose input is compiled
 * and validated in the constructor *before* `super()`, so an invalid file throws a `ComposeError`
 * before the component or any child is registered.
 *
 * Values only known at deploy time (Outputs in `env`/`secretEnv`) enter the compiler as
 * placeholders and are substituted inside `apply`; every Output-valued explicit env value, and
 * everything in `secretEnv`, is routed to the Secret whatever its name, because it may be secret.
 * AgentService wraps Secret values in `pulumi.secret`.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AgentService, type AgentServiceArgs } from "../kube/agent-service";
import type { ClusterCapabilities } from "../kube/capabilities";
import { SingletonWorker } from "../kube/singleton-worker";
import { CompiledApp, CompiledWorkload, containsPlaceholder, convertCompose, inputPlaceholder, INPUT_PLACEHOLDER, ServiceDeploymentSpec } from "./compile";
import type { BindMountMode, ComposeVolumeSpec } from "./spec";
import { DiscoveredInfrastructure } from "./discovery";
import { ComposeError } from "./errors";
import { InputError, readTextInside } from "../input/files";
import { componentType, withOldTypeAlias } from "../kube/type-token";

/** The arguments of a `ComposeApp`. */
export interface ComposeAppArgs {
    /** Path to the compose file (env_file paths resolve next to it). Exactly one of composeFile / composeText. */
    composeFile?: string;
    /**
     * Directory that the compose file and every `env_file` must stay inside (after `..` and
     * symlinks); `/proc`, `/dev`, `/sys`, FIFOs, sockets and devices are never read.
     * @default the compose file's directory (the working directory with composeText)
     */
    rootDir?: string;
    /** Compose YAML text. Exactly one of composeFile / composeText. */
    composeText?: string;
    /** Name used in messages when composeText is given. @default "<composeText>" */
    composeFileName?: string;
    /** Target namespace for every object (a plain string: Kubernetes names and in-cluster URLs are built from it). */
    namespace: string;
    /** Explicit env values (highest precedence). Plain strings are routed by name; Outputs always go to the Secret. @default {} */
    env?: Record<string, pulumi.Input<string>>;
    /** Explicit values that are always secret (routed to the Secret, wrapped in pulumi.secret). @default {} */
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
    volumes?: Record<string, ComposeVolumeSpec>;
    /** Env names routed to the Secret. @default DEFAULT_SECRET_PATTERNS */
    secretPatterns?: string[];
    /** Bind mounts (host paths): rejected, or each an emptyDir at its container path. @default "reject" */
    bindMounts?: BindMountMode;
    /** Active compose profiles. @default [] */
    profiles?: string[];
    /** One allow-list NetworkPolicy per service (see `CompileOptions.networkPolicies`). @default false */
    networkPolicies?: boolean;
    /** Spread every service's pods across zones as well as nodes. @default false */
    spreadAcrossZones?: boolean;
    /** Prometheus's namespace, admitted to the metrics ports (see `CompileOptions.monitoringNamespace`). @default "monitoring" */
    monitoringNamespace?: string;
    /** The ingress controller's namespace, admitted to the routed ports (see `CompileOptions.ingressControllerNamespace`). @default "ingress-nginx" */
    ingressControllerNamespace?: string;
    /** CRDs the cluster serves: `serviceMonitor` turns `metrics` into ServiceMonitors (else scrape annotations). @default {} */
    capabilities?: ClusterCapabilities;
}

/** Compiles the component args with the pure compiler; placeholders stand in for Outputs. */
export function compileComposeAppArgs(args: ComposeAppArgs): { compiled: CompiledApp; inputs: pulumi.Input<string>[]; file: string } {
    const opts = { file: "<ComposeApp args>" };
    if ((args.composeFile === undefined) === (args.composeText === undefined)) {
        throw new ComposeError({ ...opts, field: "composeFile/composeText" }, "give exactly one of composeFile and composeText");
    }
    let text: string;
    let file: string;
    let baseDir = process.cwd();
    let root = args.rootDir === undefined ? process.cwd() : path.resolve(args.rootDir);
    if (args.composeFile !== undefined) {
        file = args.composeFile;
        baseDir = path.dirname(path.resolve(args.composeFile));
        if (args.rootDir === undefined) root = baseDir;
        try {
            text = readTextInside(path.resolve(args.composeFile), { root });
        } catch (e) {
            if (e instanceof InputError) throw new ComposeError({ file }, `cannot read the compose file: ${e.message}`);
            throw e;
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
    if (typeof args.namespace !== "string")
        throw new ComposeError({ ...opts, field: "namespace" }, "must be a plain string (Kubernetes names and in-cluster URLs are built from it)");
    const namespace = args.namespace;

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
        spreadAcrossZones: args.spreadAcrossZones,
        monitoringNamespace: args.monitoringNamespace,
        ingressControllerNamespace: args.ingressControllerNamespace,
        serviceMonitors: args.capabilities?.serviceMonitor ?? false,
        readFile: (p) => readTextInside(p, { root, base: baseDir }),
    });
    return { compiled, inputs, file };
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

/**
 * The workload's args with deploy-time values substituted. They may only appear in the image and
 * the Secret values (everything else names objects or must be known to validate).
 */
export function materializeWorkloadArgs(w: CompiledWorkload, inputs: readonly pulumi.Input<string>[], file: string): AgentServiceArgs {
    const { image, secret, ...rest } = w.args;
    if (containsPlaceholder(JSON.stringify(rest))) {
        throw new ComposeError({ file, service: w.service }, "a deploy-time (Output) value can only be used in env values and the image");
    }
    return {
        ...rest,
        image: materialize(image as string, inputs) as pulumi.Input<string>,
        ...(secret
            ? {
                  secret: {
                      name: secret.name,
                      data: Object.fromEntries(Object.entries(secret.data).map(([k, v]) => [k, materialize(v as string, inputs) as pulumi.Input<string>])),
                  },
              }
            : {}),
    };
}

/**
 * A ComposeApp's TypeScript-only handles, kept off the class's properties (its schema outputs,
 * which are plain values and Outputs): the child components and Ingresses.
 */
interface ComposeAppHandles {
    workloads: Record<string, AgentService | SingletonWorker>;
    ingresses: Record<string, k8s.networking.v1.Ingress>;
}
const handles = new WeakMap<ComposeApp, ComposeAppHandles>();
function handlesOf(app: ComposeApp): ComposeAppHandles {
    const h = handles.get(app);
    if (!h) throw new Error("ComposeApp: its workloads are read before they are created");
    return h;
}

/**
 * A Compose project on the platform's workload component: one `AgentService` (or `SingletonWorker`
 * for single-instance stateful services) per compose service, named after it, plus its Ingress.
 */
export class ComposeApp extends pulumi.ComponentResource {
    /** Compose service name -> in-cluster URL of its first port (services with ports only). */
    public readonly services!: pulumi.Output<Record<string, string>>;
    /** Compiler warnings (unknown keys, ignored settings). */
    public readonly warnings!: string[];

    /** The workload component per compose service (TypeScript only: a getter, outside the package schema). */
    public get workloads(): Record<string, AgentService | SingletonWorker> {
        return handlesOf(this).workloads;
    }
    /** Ingresses by compose service name (TypeScript only: a getter, outside the package schema). */
    public get ingresses(): Record<string, k8s.networking.v1.Ingress> {
        return handlesOf(this).ingresses;
    }

    constructor(name: string, args: ComposeAppArgs, opts?: pulumi.ComponentResourceOptions) {
        // Compile and validate first: invalid input throws before anything is registered.
        const { compiled, inputs, file } = compileComposeAppArgs(args);
        const workloadArgs = compiled.workloads.map((w) => materializeWorkloadArgs(w, inputs, file));
        super(componentType("ComposeApp"), name, {}, withOldTypeAlias("agent-platform:compose:ComposeApp", opts));

        const workloads: Record<string, AgentService | SingletonWorker> = {};
        compiled.workloads.forEach((w, i) => {
            const a = { ...workloadArgs[i], ...(args.capabilities ? { capabilities: args.capabilities } : {}) };
            const childOpts: pulumi.ComponentResourceOptions = {
                parent: this,
                dependsOn: w.claimOwners.map((o) => workloads[o]).filter((d) => d !== undefined),
            };
            const { hpa: _h, strategy: _s, pdb: _p, ...singletonArgs } = a;
            workloads[w.service] =
                w.component === "SingletonWorker"
                    ? new SingletonWorker(`${name}-${w.service}`, singletonArgs, childOpts)
                    : new AgentService(`${name}-${w.service}`, a, childOpts);
        });
        const ingresses: Record<string, k8s.networking.v1.Ingress> = {};
        for (const ing of compiled.ingresses) {
            const svc = ing.metadata.name;
            const { apiVersion: _a, kind: _k, ...body } = ing;
            ingresses[svc] = new k8s.networking.v1.Ingress(`${name}-${svc}-ingress`, materialize(body, inputs) as k8s.networking.v1.IngressArgs, {
                parent: this,
                ...(workloads[svc] ? { dependsOn: [workloads[svc]] } : {}),
            });
        }

        const urls = Object.fromEntries(
            Object.values(compiled.services)
                .filter((s) => s.url)
                .map((s) => [s.name, s.url as string]),
        );
        this.services = pulumi.output(urls);
        handles.set(this, { workloads, ingresses });
        this.warnings = compiled.warnings;
        for (const w of compiled.warnings) pulumi.log.warn(w, this);
        this.registerOutputs({ services: this.services });
    }
}
