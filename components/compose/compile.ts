/**
 * ComposeProject + deployment options (seed 004 `KubernetesDeploymentSpec`) -> the args of the
 * platform's workload components. Pure: no resources, no file system; `convertCompose` is the
 * single entry point shared by the `ComposeApp` component and the `compose:convert` CLI.
 *
 * Per compose service: `AgentServiceArgs` (or `SingletonWorker` args for single-instance stateful
 * services) named after the service, carrying the ConfigMap `<svc>-config` (plain env), Secret
 * `<svc>-secrets` (sensitive env), PVC claims, ports, probes, resources, security opt-outs,
 * NetworkPolicy allow-lists, HPA and metrics; plus an Ingress `<svc>` when asked for. Each concept
 * lives in its own module (spec, service-env, security, resources, probes, volumes, service,
 * metadata, ingress, network, workload); this one orchestrates them.
 */
import { DNS1123_RULE, isDns1123Label, isLabelValue } from "../kube/names";
import { parseQuantity } from "../kube/quantity";
import { DiscoveredInfrastructure, discoverInfrastructure, infrastructureVariables } from "./discovery";
import { DEFAULT_SECRET_PATTERNS, secretNameMatcher } from "./env";
import { ComposeError, formatLocation } from "./errors";
import { ingressBackendPort, ingressObject, resolveIngress } from "./ingress";
import { VariableLayers, layeredLookup } from "./interpolate";
import { composeLabelAnnotations, serviceAnnotations, serviceLabels } from "./metadata";
import { NamespaceAccess, RulePorts, networkRules, serviceCallGraph } from "./network";
import { ComposeProject, ComposeService } from "./model";
import { parseCompose } from "./parse";
import { containsPlaceholder } from "./placeholders";
import { NamedPort, namePorts } from "./ports";
import { composeServiceUrl, nodePorts, resolveServiceType } from "./service";
import { EnvInputs, resolveServiceEnv } from "./service-env";
import {
    CompileOptions,
    CompiledApp,
    CompiledService,
    CompiledWorkload,
    ConvertOptions,
    DEFAULT_INGRESS_CONTROLLER_NAMESPACE,
    DEFAULT_MONITORING_NAMESPACE,
    IngressSpec,
    KubeObject,
    ServiceContext,
    ServiceDeploymentSpec,
    Warn,
    mergeSpec,
} from "./spec";
import { VolumePlan, planVolumes } from "./volumes";
import { buildWorkload, metricsPort } from "./workload";

export * from "./spec";
export * from "./placeholders";
export { sanitizeDnsLabel as sanitizeName } from "../kube/names";
export { serviceCallGraph, networkRules } from "./network";
export { MAX_OBJECT_DATA_BYTES } from "./service-env";

/** Kubernetes quantity -> number (cores or bytes), `undefined` when malformed; the one parser is kube/quantity's `parseQuantity`. */
export function quantityValue(q: string, _kind?: "cpu" | "memory"): number | undefined {
    return parseQuantity(q);
}

/** Text -> objects: parse (twice: once to discover infrastructure, once with it), then compile. */
export function convertCompose(text: string, options: ConvertOptions): CompiledApp {
    const layersWithoutProject: VariableLayers = {
        explicit: options.explicit,
        settings: options.settings,
        infrastructure: infrastructureVariables(options.infrastructure ?? {}),
    };
    let infra: DiscoveredInfrastructure = { ...(options.infrastructure ?? {}) };
    if (options.discover !== false) {
        const first = parseCompose(text, {
            file: options.file,
            lookup: layeredLookup(layersWithoutProject),
            readFile: options.readFile,
            profiles: options.profiles,
        });
        const found = discoverInfrastructure(
            first.services.map((s) => ({ name: s.name, image: s.image, ports: s.ports.map((p) => p.containerPort) })),
            options.namespace,
        );
        infra = { ...found, ...infra };
    }
    const layers: VariableLayers = { explicit: options.explicit, settings: options.settings, infrastructure: infrastructureVariables(infra) };
    const project = parseCompose(text, { file: options.file, lookup: layeredLookup(layers), readFile: options.readFile, profiles: options.profiles });
    return compileProject(project, { ...options, layers, infrastructure: infra });
}

const OPTIONS_FILE = "<options>";

/** The app-wide options against the project: namespace, part-of, and keys that name real services and volumes. */
function checkOptions(project: ComposeProject, options: CompileOptions): { namespace: string; partOf?: string } {
    const opt = { file: OPTIONS_FILE };
    if (!containsPlaceholder(options.namespace) && !isDns1123Label(options.namespace)) {
        throw new ComposeError({ ...opt, field: "namespace" }, `${DNS1123_RULE}, got "${options.namespace}"`);
    }
    for (const key of ["monitoringNamespace", "ingressControllerNamespace"] as const) {
        const ns = options[key];
        if (ns !== undefined && !isDns1123Label(ns)) throw new ComposeError({ ...opt, field: key }, `${DNS1123_RULE}, got "${ns}"`);
    }
    const partOf = options.partOf ?? project.name;
    if (partOf !== undefined && !isLabelValue(partOf)) throw new ComposeError({ ...opt, field: "partOf" }, `must be a valid label value, got "${partOf}"`);
    // The API server's own Service is default/kubernetes: a compose service of that name would replace it.
    if (options.namespace === "default" && project.services.some((s) => s.name === "kubernetes")) {
        throw new ComposeError(
            { file: project.file, service: "kubernetes" },
            'is the API server\'s own Service name in namespace "default"; rename the service or deploy to another namespace',
        );
    }
    const names = project.services.map((s) => s.name);
    for (const key of Object.keys(options.services ?? {})) {
        if (!names.includes(key))
            throw new ComposeError({ ...opt, field: `services.${key}` }, `no active service "${key}" in ${project.file} (services: ${names.join(", ")})`);
    }
    for (const key of Object.keys(options.volumes ?? {})) {
        if (!project.volumes[key]) throw new ComposeError({ ...opt, field: `volumes.${key}` }, `no volume "${key}" declared in ${project.file}`);
    }
    return { namespace: options.namespace, ...(partOf !== undefined ? { partOf } : {}) };
}

/** What every service of one project shares while it compiles. */
interface ProjectContext {
    project: ComposeProject;
    options: CompileOptions;
    namespace: string;
    partOf?: string;
    warn: Warn;
    env: EnvInputs;
    plans: Map<string, VolumePlan>;
    calls: Map<string, string[]>;
    namedPorts: Map<string, { ports: NamedPort[]; duplicates: ComposeService["ports"] }>;
    portsOf: (svc: string) => RulePorts;
}

interface CompiledOne {
    workload: CompiledWorkload;
    ingress?: KubeObject;
    service: CompiledService;
}

/**
 * The namespaces a service's policy admits on some of its ports only: Prometheus on the metrics
 * port, the ingress controller on the port its Ingress routes to.
 */
function admittedNamespaces(
    spec: ServiceDeploymentSpec,
    ingress: IngressSpec | undefined,
    ports: NamedPort[],
    options: CompileOptions,
    ctx: ServiceContext,
): NamespaceAccess[] {
    const rulePort = (p: NamedPort) => [{ port: p.containerPort, protocol: p.protocol as "TCP" | "UDP" }];
    return [
        ...(spec.metrics
            ? [{ namespace: options.monitoringNamespace ?? DEFAULT_MONITORING_NAMESPACE, ports: rulePort(metricsPort(spec.metrics, ports, ctx)) }]
            : []),
        ...(ingress
            ? [
                  {
                      namespace: options.ingressControllerNamespace ?? DEFAULT_INGRESS_CONTROLLER_NAMESPACE,
                      ports: rulePort(ingressBackendPort(ingress, ports, ctx)),
                  },
              ]
            : []),
    ];
}

/** One compose service: env, ports, Service, workload args, URL and Ingress. */
function compileService(svc: ComposeService, p: ProjectContext): CompiledOne {
    const spec = mergeSpec(p.options.defaults, p.options.services?.[svc.name]);
    const ctx: ServiceContext = {
        at: (field?: string) => ({ file: p.project.file, service: svc.name, field }),
        optAt: (field: string) => ({ file: OPTIONS_FILE, service: svc.name, field }),
        warn: p.warn,
    };
    const labels = serviceLabels(svc.name, p.partOf, spec, ctx);
    const annotations = serviceAnnotations(spec, ctx);
    const { env, sources } = resolveServiceEnv(svc, spec, p.env, ctx);
    const named = p.namedPorts.get(svc.name)!;
    for (const d of named.duplicates)
        p.warn(svc.name, "ports", `container port ${d.containerPort}/${d.protocol.toLowerCase()} is listed more than once; Kubernetes exposes it once`);
    const ports = named.ports;
    const config = Object.keys(env.config).length ? { name: `${svc.name}-config`, data: env.config } : undefined;
    const secret = Object.keys(env.secrets).length ? { name: `${svc.name}-secrets`, data: env.secrets } : undefined;
    const serviceType = resolveServiceType(svc, spec, ctx);
    const ingress = resolveIngress(svc, spec, ctx);
    const workload = buildWorkload(svc, spec, {
        ...ctx,
        namespace: p.namespace,
        partOf: p.partOf,
        labels,
        annotations,
        ports,
        plans: p.plans,
        bindMounts: p.options.bindMounts ?? "reject",
        config,
        secret,
        serviceType,
        serviceAnnotations: composeLabelAnnotations(svc, p.warn),
        nodePorts: nodePorts(svc, ports, serviceType, ctx),
        spreadAcrossZones: p.options.spreadAcrossZones ?? false,
        serviceMonitors: p.options.serviceMonitors ?? false,
        network: p.options.networkPolicies
            ? networkRules(svc.name, spec, p.calls, p.portsOf, admittedNamespaces(spec, ingress, ports, p.options, ctx))
            : undefined,
    });
    const url = composeServiceUrl(svc.name, ports, p.env.infra, p.namespace);
    return {
        workload,
        ...(ingress
            ? { ingress: ingressObject(ingress, { service: svc.name, namespace: p.namespace, partOf: p.partOf, ports, labels, annotations }, ctx) }
            : {}),
        service: {
            name: svc.name,
            ports,
            ...(url ? { url } : {}),
            ...(config ? { configMap: config.name } : {}),
            ...(secret ? { secret: secret.name } : {}),
            envSources: sources,
            secretReasons: Object.fromEntries(Object.entries(env.reasons).filter(([, r]) => r.secret)),
        },
    };
}

/** ComposeProject -> Kubernetes objects. Throws `ComposeError` naming file, service, field and rule. */
export function compileProject(project: ComposeProject, options: CompileOptions): CompiledApp {
    const warnings = [...project.warnings];
    const warn: Warn = (service, field, message) => warnings.push(formatLocation({ file: project.file, service, field }) + message);
    const { namespace, partOf } = checkOptions(project, options);
    const infra = options.infrastructure ?? {};
    const namedPorts = new Map(project.services.map((s) => [s.name, namePorts(s.ports)]));
    const p: ProjectContext = {
        project,
        options,
        namespace,
        partOf,
        warn,
        env: {
            layers: options.layers ?? {},
            infra,
            isSecretName: secretNameMatcher(options.secretPatterns ?? DEFAULT_SECRET_PATTERNS),
            tainted: new Set(options.taintedVariables ?? []),
        },
        plans: planVolumes(project, options, warn),
        calls: options.networkPolicies ? serviceCallGraph(project, options) : new Map<string, string[]>(),
        namedPorts,
        portsOf: (svc) => (namedPorts.get(svc)?.ports ?? []).map((x) => ({ port: x.containerPort, protocol: x.protocol as "TCP" | "UDP" })),
    };
    const app: CompiledApp = { workloads: [], ingresses: [], services: {}, infrastructure: infra, warnings };
    for (const svc of [...project.services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const one = compileService(svc, p);
        app.workloads.push(one.workload);
        if (one.ingress) app.ingresses.push(one.ingress);
        app.services[svc.name] = one.service;
    }
    return app;
}
