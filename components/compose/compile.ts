/**
 * ComposeProject + deployment options (seed 004 `KubernetesDeploymentSpec`) -> the args of the
 * platform's workload components. Pure: no resources, no file system; `convertCompose` is the
 * single entry point shared by the `ComposeApp` component and the `compose:convert` CLI.
 *
 * Per compose service: `AgentServiceArgs` (or `SingletonWorker` args for single-instance stateful
 * services) named after the service, carrying the ConfigMap `<svc>-config` (plain env), Secret
 * `<svc>-secrets` (sensitive env), PVC claims, ports, probes, resources, security opt-outs,
 * NetworkPolicy allow-lists, HPA and metrics; plus an Ingress `<svc>` when asked for.
 */
import { createHash } from "crypto";
import { agentServiceProblems, type AgentServiceArgs, type VolumeSpec as AgentVolumeSpec } from "../kube/agent-service";
import type { TrafficRule } from "../kube/network";
import type { ProbeSet, ResourceSpec, SecurityOptions } from "../kube/pod";
import { prometheusScrapeAnnotations } from "../kube/service-monitor";
import { formatProblem } from "../kube/problems";
import { singletonWorkerProblems } from "../kube/singleton-worker";
import { mountPathProblem } from "../input/files";
import { ComposeError, formatLocation } from "./errors";
import { DiscoveredInfrastructure, discoverInfrastructure, infraKindOf, infrastructureVariables, INFRA_KINDS, InfraKind } from "./discovery";
import { DEFAULT_SECRET_PATTERNS, EnvClassification, secretNameMatcher, splitEnv, EnvValue } from "./env";
import { layeredLookup, rebaseUrl, resolveVariable, VariableLayers } from "./interpolate";
import { ComposeProject, ComposeService, ComposeVolumeMount, parseCompose } from "./parse";
import { NamedPort, namePorts } from "./ports";

// ---------------------------------------------------------------- defaults

/** seed 004: default resources 100m/128Mi requests, 500m/512Mi limits. */
export const DEFAULT_RESOURCES = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
} as const;
/** seed 004: replicas default 1. */
export const DEFAULT_REPLICAS = 1;
/** Hardened pod default: a fixed non-root uid/gid outside the range distro images use for system users. */
export const DEFAULT_RUN_AS_USER = 10001;
/** kompose defaults PVCs to 100Mi, too small for any database; 1Gi is the smallest useful gp3 size. */
export const DEFAULT_VOLUME_SIZE = "1Gi";
/** seed 004: service_type default ClusterIP. */
export const DEFAULT_SERVICE_TYPE: ServiceType = "ClusterIP";
/** seed 004: ingress path default. */
export const DEFAULT_INGRESS_PATH = "/";
/**
 * Exec-probe timing when the compose healthcheck does not say (Kubernetes defaults; startup allows
 * 150 s). Liveness waits for twice the readiness failures, so an overloaded pod leaves the Service
 * before it is restarted (and the two probes differ, policy `health-probes-distinct`).
 */
export const DEFAULT_PROBE = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, startupPeriodSeconds: 5, startupFailureThreshold: 30, livenessRetriesFactor: 2 } as const;
/** Prometheus convention. */
export const DEFAULT_METRICS_PATH = "/metrics";
/** seed 002: agent HPAs target 70% CPU. */
export const DEFAULT_CPU_UTILIZATION = 70;

export const NAME_LABEL = "app.kubernetes.io/name";
export const PART_OF_LABEL = "app.kubernetes.io/part-of";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
export const CONFIG_HASH_ANNOTATION = "agent-platform.io/config-hash";

/** kompose-compatible compose labels (https://kompose.io/user-guide/#labels). */
export const KOMPOSE_LABELS = {
    serviceType: "kompose.service.type",
    expose: "kompose.service.expose",
    exposeTlsSecret: "kompose.service.expose.tls-secret",
    exposeIngressClass: "kompose.service.expose.ingress-class-name",
    nodePort: "kompose.service.nodeport.port",
    volumeSize: "kompose.volume.size",
    volumeStorageClass: "kompose.volume.storage-class-name",
} as const;

// ---------------------------------------------------------------- options

export type ServiceType = "ClusterIP" | "NodePort" | "LoadBalancer";
export type AccessMode = "ReadWriteOnce" | "ReadWriteMany" | "ReadOnlyMany" | "ReadWriteOncePod";

export interface ResourceRequirements {
    requests?: { cpu?: string; memory?: string };
    limits?: { cpu?: string; memory?: string };
}

export interface IngressSpec {
    /** @default true when an ingress block is given */
    enabled?: boolean;
    /** Host name; required for TLS. */
    host?: string;
    /** @default "/" */
    path?: string;
    /** @default false */
    tls?: boolean;
    /** @default `<svc>-tls` */
    tlsSecretName?: string;
    /** IngressClass name; omitted when unset (cluster default). */
    className?: string;
    /** Service port (name or number) the ingress targets. @default the first port */
    port?: string | number;
    /** Extra annotations on the Ingress only (e.g. cert-manager issuer). */
    annotations?: Record<string, string>;
}

/** Pod security opt-outs. Every field defaults to the hardened value; set one to opt out visibly. */
export interface ServiceSecuritySpec {
    /** uid, or `null` to keep the image's USER. @default compose `user` if numeric, else 10001 */
    runAsUser?: number | null;
    /** gid, or `null` to keep the image's group. @default the compose gid, else runAsUser */
    runAsGroup?: number | null;
    /** Volume ownership gid, or `null` for none. @default runAsGroup */
    fsGroup?: number | null;
    /** Set false only for images that must run as root. @default true */
    runAsNonRoot?: boolean;
    /** Set false for images that write outside their volumes and /tmp. @default true */
    readOnlyRootFilesystem?: boolean;
}

/** Traffic rules for a service's NetworkPolicy (used when `CompileOptions.networkPolicies`). */
export interface ServiceNetworkSpec {
    /** Compose services that may connect to this service's ports, besides those that `depends_on` it. */
    allowFrom?: string[];
    /** Namespaces whose pods may connect to this service's ports (e.g. the ingress controller's). */
    allowFromNamespaces?: string[];
    /** Egress beyond the project's own services, e.g. the internet on 443 for LLM APIs. */
    egress?: { cidr: string; except?: string[]; ports: number[] }[];
}

/** seed 004 `KubernetesDeploymentSpec`, per compose service (namespace is app-wide). */
export interface ServiceDeploymentSpec {
    /** @default compose deploy.replicas, else 1 */
    replicas?: number;
    /** Merged over compose deploy.resources and the defaults (100m/128Mi requests, 500m/512Mi limits). */
    resources?: ResourceRequirements;
    /** @default kompose.service.type label, else ClusterIP */
    serviceType?: ServiceType;
    /** HTTP probe path; `null` disables probes. @default the compose healthcheck (exec), else a TCP probe on the first port */
    healthCheckPath?: string | null;
    /** @default from the kompose.service.expose label, else none */
    ingress?: IngressSpec;
    /** Added to every object of the service. */
    annotations?: Record<string, string>;
    /** Added to every object of the service (cannot replace the app.kubernetes.io/* labels). */
    labels?: Record<string, string>;
    /** Pod security opt-outs. */
    security?: ServiceSecuritySpec;
    /** Extra writable emptyDir paths besides /tmp (for a read-only root filesystem). */
    writablePaths?: string[];
    /** Env values for this service only; they override everything else. */
    env?: Record<string, string>;
    /** NetworkPolicy additions (with `networkPolicies`). */
    network?: ServiceNetworkSpec;
    /** An HPA instead of a fixed replica count (mutually exclusive with `replicas`). @default none */
    autoscaling?: AutoscalingSpec;
    /** The service serves Prometheus metrics: a ServiceMonitor (when available) or scrape annotations. @default none */
    metrics?: MetricsSpec;
    /**
     * Deploy as a SingletonWorker (exactly one pod, Recreate, no PDB/HPA, `agent-platform.io/singleton`).
     * @default true for one replica on a ReadWriteOnce volume (a database), else false
     */
    singleton?: boolean;
}

export interface AutoscalingSpec {
    /** @default none: required */
    minReplicas: number;
    /** @default none: required, >= minReplicas */
    maxReplicas: number;
    /** Target average CPU, percent of requests. @default 70 */
    cpuUtilization?: number;
}

export interface MetricsSpec {
    /** Container port name or number serving the metrics. */
    port: string | number;
    /** @default "/metrics" */
    path?: string;
}

export interface VolumeSpec {
    /** @default kompose.volume.size label, else 1Gi */
    size?: string;
    /** @default kompose.volume.storage-class-name label, else the cluster default */
    storageClassName?: string;
    /** @default ["ReadWriteOnce"] */
    accessModes?: AccessMode[];
}

export interface CompileOptions {
    /** Target namespace (seed 004 default `ushadow` is the caller's choice). */
    namespace: string;
    /** `app.kubernetes.io/part-of` value. @default the compose `name`, else omitted */
    partOf?: string;
    /** Applied to every service before its own entry in `services`. */
    defaults?: ServiceDeploymentSpec;
    /** Per compose service. Keys must name services in the file. */
    services?: Record<string, ServiceDeploymentSpec>;
    /** Per top-level compose volume. Keys must name declared volumes. */
    volumes?: Record<string, VolumeSpec>;
    /** Name patterns routed to the Secret. @default DEFAULT_SECRET_PATTERNS */
    secretPatterns?: readonly string[];
    /** Variables whose values are secret whatever their names (secret inputs, Outputs). */
    taintedVariables?: readonly string[];
    /** Bind mounts: rejected (default) or explicitly mapped to an emptyDir. @default "reject" */
    bindMounts?: "reject" | "emptyDir";
    /** Variable layers (explicit > settings > infrastructure) used for env values. */
    layers?: VariableLayers;
    /** Infrastructure in effect; a service does not receive its own infrastructure values. */
    infrastructure?: DiscoveredInfrastructure;
    /**
     * One NetworkPolicy `<svc>` per service: ingress on its ports from the services that
     * `depends_on` it (or list it in `network.allowFrom`) and from `network.allowFromNamespaces`;
     * egress to the ports of the services it depends on / is allowed to call, DNS, and `network.egress`.
     * @default false
     */
    networkPolicies?: boolean;
    /** Spread each service's pods across zones as well as nodes (prod). @default false */
    spreadAcrossZones?: boolean;
    /** The cluster serves the ServiceMonitor CRD: `metrics` become ServiceMonitors, else scrape annotations. @default false */
    serviceMonitors?: boolean;
}

export interface ConvertOptions extends Omit<CompileOptions, "layers" | "infrastructure"> {
    /** File name used in messages. */
    file: string;
    /** Explicit values (component `env`, CLI `--env`/`--env-file`): highest precedence. */
    explicit?: Record<string, string>;
    /** Stack config settings: second. */
    settings?: Record<string, string>;
    /** Infrastructure the stack provides; merged over what the compose project itself provides. */
    infrastructure?: DiscoveredInfrastructure;
    /** Discover mongo/redis/postgres/qdrant/neo4j among the compose services. @default true */
    discover?: boolean;
    /** Reads `env_file`s. */
    readFile?: (path: string) => string;
    /** Active compose profiles. */
    profiles?: readonly string[];
}

// ---------------------------------------------------------------- results

export interface KubeMetadata {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
}

export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: KubeMetadata;
    [field: string]: unknown;
}

export type EnvSource = "service-option" | "explicit" | "settings" | "infrastructure" | "compose";

export interface CompiledService {
    name: string;
    ports: NamedPort[];
    /** In-cluster URL of the first port, e.g. `http://backend.ushadow.svc.cluster.local:8000`. */
    url?: string;
    configMap?: string;
    secret?: string;
    /** Where each env value came from (resolution order, for review). */
    envSources: Record<string, EnvSource>;
    /** Why each Secret key is secret. */
    secretReasons: Record<string, EnvClassification>;
}

/** One compose service, ready for `new AgentService(...)` / `new SingletonWorker(...)`. */
export interface CompiledWorkload {
    /** Compose service name (= Kubernetes name of the Deployment and Service). */
    service: string;
    component: "AgentService" | "SingletonWorker";
    /** Deploy-time values appear as placeholders in `image` and `secret.data` only. */
    args: AgentServiceArgs;
    /** Services owning a PVC this one mounts as an existing claim (deploy those first). */
    claimOwners: string[];
}

export interface CompiledApp {
    /** In service-name order. */
    workloads: CompiledWorkload[];
    /** Ingresses (`<svc>`), as plain objects. */
    ingresses: KubeObject[];
    services: Record<string, CompiledService>;
    infrastructure: DiscoveredInfrastructure;
    warnings: string[];
}

// ---------------------------------------------------------------- entry points

/** Text -> objects: parse (twice: once to discover infrastructure, once with it), then compile. */
export function convertCompose(text: string, options: ConvertOptions): CompiledApp {
    const layersWithoutProject: VariableLayers = {
        explicit: options.explicit,
        settings: options.settings,
        infrastructure: infrastructureVariables(options.infrastructure ?? {}),
    };
    let infra: DiscoveredInfrastructure = { ...(options.infrastructure ?? {}) };
    if (options.discover !== false) {
        const first = parseCompose(text, { file: options.file, lookup: layeredLookup(layersWithoutProject), readFile: options.readFile, profiles: options.profiles });
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

/** Input placeholders: stand-ins for values only known at deploy time (Pulumi Outputs). */
export const INPUT_PLACEHOLDER = /\{\{pulumi-input:(\d+)\}\}/g;
export function inputPlaceholder(index: number): string {
    return `{{pulumi-input:${index}}}`;
}
export function containsPlaceholder(value: string): boolean {
    return new RegExp(INPUT_PLACEHOLDER.source).test(value);
}

/** ComposeProject -> Kubernetes objects. Throws `ComposeError` naming file, service, field and rule. */
export function compileProject(project: ComposeProject, options: CompileOptions): CompiledApp {
    const file = project.file;
    const opt = { file: "<options>" };
    const warnings = [...project.warnings];
    const warn = (service: string | undefined, field: string | undefined, message: string) => warnings.push(formatLocation({ file, service, field }) + message);

    if (!containsPlaceholder(options.namespace) && !isDns1123Label(options.namespace)) {
        throw new ComposeError({ ...opt, field: "namespace" }, `must be a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters), got "${options.namespace}"`);
    }
    const namespace = options.namespace;
    const partOf = options.partOf ?? project.name;
    if (partOf !== undefined && !isLabelValue(partOf)) throw new ComposeError({ ...opt, field: "partOf" }, `must be a valid label value, got "${partOf}"`);

    // The API server's own Service is default/kubernetes: a compose service of that name would replace it.
    if (namespace === "default" && project.services.some((s) => s.name === "kubernetes")) {
        throw new ComposeError({ file, service: "kubernetes" }, 'is the API server\'s own Service name in namespace "default"; rename the service or deploy to another namespace');
    }
    const byName = new Map(project.services.map((s) => [s.name, s]));
    for (const key of Object.keys(options.services ?? {})) {
        if (!byName.has(key)) throw new ComposeError({ ...opt, field: `services.${key}` }, `no active service "${key}" in ${file} (services: ${[...byName.keys()].join(", ")})`);
    }
    for (const key of Object.keys(options.volumes ?? {})) {
        if (!project.volumes[key]) throw new ComposeError({ ...opt, field: `volumes.${key}` }, `no volume "${key}" declared in ${file}`);
    }

    const isSecretName = secretNameMatcher(options.secretPatterns ?? DEFAULT_SECRET_PATTERNS);
    const tainted = new Set(options.taintedVariables ?? []);
    const layers = options.layers ?? {};
    const infra = options.infrastructure ?? {};

    const workloads: CompiledWorkload[] = [];
    const ingresses: KubeObject[] = [];
    const services: Record<string, CompiledService> = {};

    // One PVC per named (non-external) volume that an active service mounts, owned by the first
    // service (in name order) that mounts it; the others mount it as an existing claim.
    const pvcNames = planVolumes(project, options, warn);
    const calls = options.networkPolicies ? serviceCallGraph(project, options) : new Map<string, string[]>();
    const namedPorts = new Map(project.services.map((s) => [s.name, namePorts(s.ports)]));
    const portsOf = (svc: string) => (namedPorts.get(svc)?.ports ?? []).map((p) => ({ port: p.containerPort, protocol: p.protocol as "TCP" | "UDP" }));

    for (const svc of [...project.services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const spec = mergeSpec(options.defaults, options.services?.[svc.name]);
        const at = (field?: string) => ({ file, service: svc.name, field });
        const optAt = (field: string) => ({ ...opt, service: svc.name, field });
        const extraLabels = serviceLabels(svc.name, partOf, spec, optAt);
        const annotations = spec.annotations ? sortKeys({ ...spec.annotations }) : undefined;
        if (annotations) for (const k of Object.keys(annotations)) if (!isQualifiedName(k)) throw new ComposeError(optAt(`annotations.${k}`), "is not a valid annotation key");

        // Environment: resolution order service option > explicit > settings > infrastructure > compose.
        const ownKinds = new Set(INFRA_KINDS.filter((k) => infra[k]?.service === svc.name));
        const ownInfraVars = new Set(Object.keys(infrastructureVariables(Object.fromEntries([...ownKinds].map((k) => [k, infra[k]])) as DiscoveredInfrastructure)));
        const envValues: EnvValue[] = [];
        const envSources: Record<string, EnvSource> = {};
        const byEnvName = new Map(svc.environment.map((e) => [e.name, e]));
        const names = new Set(byEnvName.keys());
        for (const k of Object.keys(spec.env ?? {})) names.add(k);
        for (const name of [...names].sort()) {
            const entry = byEnvName.get(name);
            const fromOption = spec.env?.[name];
            if (fromOption !== undefined) {
                envValues.push({ name, value: fromOption, variables: [] });
                envSources[name] = "service-option";
                continue;
            }
            const layered = resolveVariable(name, ownInfraVars.has(name) ? { ...layers, infrastructure: undefined } : layers);
            if (layered) {
                // Discovered endpoints keep the compose value's credentials, path and query.
                const value = layered.source === "infrastructure" && entry?.value !== undefined ? rebaseUrl(layered.value, entry.value) : layered.value;
                envValues.push({ name, value, variables: layered.source === "infrastructure" ? entry?.variables ?? [] : [] });
                envSources[name] = layered.source;
            } else if (entry?.value !== undefined) {
                envValues.push({ name, value: entry.value, variables: entry.variables });
                envSources[name] = "compose";
            } else {
                warn(svc.name, `environment.${name}`, "has no value (compose takes it from the shell); pass it as an explicit value or setting, or it is left unset");
            }
        }
        const env = splitEnv(envValues, { isSecretName, tainted });
        for (const [what, data] of [[`ConfigMap ${svc.name}-config`, env.config], [`Secret ${svc.name}-secrets`, env.secrets]] as const) {
            const bytes = envDataBytes(data);
            if (bytes > MAX_OBJECT_DATA_BYTES) throw new ComposeError(at("environment"), `${what} would hold ${bytes} bytes of data, over the Kubernetes limit of ${MAX_OBJECT_DATA_BYTES} (1 MiB); move large values into a volume or an image`);
        }
        for (const [k, v] of Object.entries(env.config)) {
            // Deploy-time values are tainted and go to the Secret; a placeholder here would be a compiler bug.
            if (containsPlaceholder(v)) throw new ComposeError(at(`environment.${k}`), "a deploy-time (Output) value cannot go to the ConfigMap");
        }

        // Ports (compose syntax parsed in ports.ts; names made legal and unique by components/kube/names).
        const named = namedPorts.get(svc.name)!;
        for (const d of named.duplicates) warn(svc.name, "ports", `container port ${d.containerPort}/${d.protocol.toLowerCase()} is listed more than once; Kubernetes exposes it once`);
        const ports = named.ports;

        const hasConfig = Object.keys(env.config).length > 0;
        const hasSecret = Object.keys(env.secrets).length > 0;
        const configName = `${svc.name}-config`;
        const secretName = `${svc.name}-secrets`;

        const serviceType = resolveServiceType(svc, spec, at, optAt);
        const composeAnnotations = composeLabelAnnotations(svc, warn);
        const nodePorts: Record<string, number> = {};
        if (serviceType === "NodePort") {
            ports.forEach((p, i) => {
                const n = nodePortFor(p, i === 0 ? svc.labels[KOMPOSE_LABELS.nodePort] : undefined, at);
                if (n !== undefined) nodePorts[p.name] = n;
            });
        }

        const workload = buildWorkload(svc, spec, {
            namespace, partOf, labels: extraLabels, annotations, ports, pvcNames, at, optAt, warn,
            bindMounts: options.bindMounts ?? "reject",
            config: hasConfig ? { name: configName, data: env.config } : undefined,
            secret: hasSecret ? { name: secretName, data: env.secrets } : undefined,
            serviceType, serviceAnnotations: composeAnnotations, nodePorts,
            spreadAcrossZones: options.spreadAcrossZones ?? false,
            serviceMonitors: options.serviceMonitors ?? false,
            network: options.networkPolicies ? networkRules(svc.name, spec, calls, portsOf) : undefined,
        });
        workloads.push(workload);

        // In-cluster URL; infrastructure is addressed on its client port (neo4j: bolt 7687, not the 7474 browser).
        let url: string | undefined;
        if (ports.length > 0) {
            const kind = INFRA_KINDS.find((k) => infra[k]?.service === svc.name);
            const urlPort = (kind && ports.find((p) => p.containerPort === infra[kind]?.port)) || ports[0];
            url = `${urlScheme(urlPort.name, kind)}://${svc.name}.${namespace}.svc.cluster.local:${urlPort.containerPort}`;
        }

        // Ingress.
        const ingress = resolveIngress(svc, spec, at, optAt);
        if (ingress) {
            if (ports.length === 0) throw new ComposeError(at("ports"), "an ingress was requested but the service has no ports to route to");
            const backendPort = ingress.port === undefined ? ports[0] : ports.find((p) => p.name === ingress.port || p.containerPort === Number(ingress.port));
            if (!backendPort) throw new ComposeError(optAt("ingress.port"), `"${ingress.port}" is not one of the service's ports (${ports.map((p) => `${p.name}/${p.containerPort}`).join(", ")})`);
            const path = ingress.path ?? DEFAULT_INGRESS_PATH;
            if (!path.startsWith("/")) throw new ComposeError(optAt("ingress.path"), `must start with "/", got "${path}"`);
            if (ingress.tls && !ingress.host) throw new ComposeError(optAt("ingress.tls"), "TLS needs ingress.host (the certificate is issued for a host)");
            const rule = {
                ...(ingress.host ? { host: ingress.host } : {}),
                http: { paths: [{ path, pathType: "Prefix", backend: { service: { name: svc.name, port: { name: backendPort.name } } } }] },
            };
            const ingressAnnotations = { ...(annotations ?? {}), ...(ingress.annotations ?? {}) };
            ingresses.push({
                apiVersion: "networking.k8s.io/v1",
                kind: "Ingress",
                metadata: { name: svc.name, namespace, labels: sortKeys({ ...extraLabels, ...baseLabels(svc.name, partOf) }), ...(Object.keys(ingressAnnotations).length ? { annotations: sortKeys(ingressAnnotations) } : {}) },
                spec: {
                    ...(ingress.className ? { ingressClassName: ingress.className } : {}),
                    rules: [rule],
                    ...(ingress.tls ? { tls: [{ hosts: [ingress.host as string], secretName: ingress.tlsSecretName ?? `${svc.name}-tls` }] } : {}),
                },
            });
        }

        services[svc.name] = {
            name: svc.name,
            ports,
            ...(url ? { url } : {}),
            ...(hasConfig ? { configMap: configName } : {}),
            ...(hasSecret ? { secret: secretName } : {}),
            envSources,
            secretReasons: Object.fromEntries(Object.entries(env.reasons).filter(([, r]) => r.secret)),
        };
    }
    return { workloads, ingresses, services, infrastructure: infra, warnings };
}

// ---------------------------------------------------------------- network policies

/** Who calls whom: `depends_on` edges plus `network.allowFrom`, as client -> sorted callees. */
export function serviceCallGraph(project: ComposeProject, options: Pick<CompileOptions, "defaults" | "services">): Map<string, string[]> {
    const names = new Set(project.services.map((s) => s.name));
    const calls = new Map<string, Set<string>>(project.services.map((s) => [s.name, new Set(s.dependsOn.filter((d) => names.has(d)))]));
    for (const svc of project.services) {
        const allowFrom = mergeSpec(options.defaults, options.services?.[svc.name]).network?.allowFrom ?? [];
        allowFrom.forEach((client, i) => {
            if (!names.has(client)) throw new ComposeError({ file: "<options>", service: svc.name, field: `network.allowFrom[${i}]` }, `no active service "${client}" in ${project.file}`);
            calls.get(client)!.add(svc.name);
        });
    }
    return new Map([...calls.entries()].map(([k, v]) => [k, [...v].sort()]));
}

type RulePorts = { port: number; protocol: "TCP" | "UDP" }[];

/**
 * AgentService `network` allow-lists of one service: ingress on its ports from its callers
 * (depends_on / allowFrom) and `allowFromNamespaces`; egress to DNS, the ports of its callees and
 * `network.egress`.
 */
export function networkRules(svc: string, spec: ServiceDeploymentSpec, calls: Map<string, string[]>, portsOf: (svc: string) => RulePorts): { ingress: TrafficRule[]; egress: TrafficRule[] } {
    const net = spec.network ?? {};
    const clients = [...calls.entries()].filter(([, callees]) => callees.includes(svc)).map(([c]) => c).sort();
    const ingress: TrafficRule[] = [];
    if (portsOf(svc).length) {
        if (clients.length) ingress.push({ peers: clients.map((c) => ({ workload: c })), ports: portsOf(svc) });
        for (const ns of net.allowFromNamespaces ?? []) ingress.push({ peers: [{ namespace: ns }], ports: portsOf(svc) });
    }
    const egress: TrafficRule[] = [
        // DNS, so the policy works even without a namespace-wide DNS allowance.
        { peers: [{ namespace: "kube-system" }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] },
        ...(calls.get(svc) ?? []).filter((callee) => portsOf(callee).length).map((callee) => ({ peers: [{ workload: callee }], ports: portsOf(callee) })),
        ...(net.egress ?? []).map((e) => ({ peers: [{ cidr: e.cidr, ...(e.except?.length ? { except: e.except } : {}) }], ports: e.ports })),
    ];
    return { ingress, egress };
}

// ---------------------------------------------------------------- workload

interface WorkloadContext {
    namespace: string;
    partOf?: string;
    labels: Record<string, string>;
    annotations?: Record<string, string>;
    ports: NamedPort[];
    pvcNames: Map<string, VolumePlan>;
    config?: { name: string; data: Record<string, string> };
    secret?: { name: string; data: Record<string, string> };
    serviceType: ResolvedServiceType;
    serviceAnnotations?: Record<string, string>;
    nodePorts: Record<string, number>;
    spreadAcrossZones: boolean;
    serviceMonitors: boolean;
    network?: { ingress: TrafficRule[]; egress: TrafficRule[] };
    at: (field?: string) => { file: string; service: string; field?: string };
    optAt: (field: string) => { file: string; service: string; field: string };
    warn: (service: string | undefined, field: string | undefined, message: string) => void;
    bindMounts: "reject" | "emptyDir";
}

/** One compose service -> the args of the AgentService (or SingletonWorker) that deploys it. */
function buildWorkload(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: WorkloadContext): CompiledWorkload {
    const replicas = spec.replicas ?? svc.replicas ?? DEFAULT_REPLICAS;
    if (!Number.isInteger(replicas) || replicas < 0) throw new ComposeError(ctx.optAt("replicas"), `must be a non-negative integer, got ${replicas}`);
    const autoscaling = spec.autoscaling;
    if (autoscaling && spec.replicas !== undefined) throw new ComposeError(ctx.optAt("autoscaling"), "replicas and autoscaling are mutually exclusive: the HPA owns the replica count");
    if (autoscaling) {
        const { minReplicas: min, maxReplicas: max, cpuUtilization: cpu } = autoscaling;
        if (!Number.isInteger(min) || min < 1) throw new ComposeError(ctx.optAt("autoscaling.minReplicas"), `must be an integer >= 1, got ${min}`);
        if (!Number.isInteger(max) || max < min) throw new ComposeError(ctx.optAt("autoscaling.maxReplicas"), `must be an integer >= minReplicas (${min}), got ${max}`);
        if (cpu !== undefined && (cpu <= 0 || cpu > 100)) throw new ComposeError(ctx.optAt("autoscaling.cpuUtilization"), `must be in 1..100 percent, got ${cpu}`);
    }

    const security = podSecurity(svc, spec, ctx);
    const resources = resolveResources(svc, spec, ctx);
    const probes = resolveProbes(svc, spec, ctx);

    const volumes: AgentVolumeSpec[] = [];
    const claimOwners: string[] = [];
    let usesRwoClaim = false;
    svc.volumes.forEach((m: ComposeVolumeMount, i: number) => {
        const ro = m.readOnly ? { readOnly: true } : {};
        switch (m.type) {
            case "volume": {
                const plan = ctx.pvcNames.get(m.source as string) as VolumePlan;
                const name = truncateLabel(`vol-${plan.claimName}`);
                if (plan.external || plan.owner !== svc.name) {
                    volumes.push({ name, mountPath: m.target, existingClaim: plan.claimName, ...ro });
                    if (!plan.external) claimOwners.push(plan.owner);
                } else {
                    volumes.push({ name, mountPath: m.target, ...ro, claim: { name: plan.claimName, size: plan.size, accessModes: plan.accessModes, ...(plan.storageClassName ? { storageClassName: plan.storageClassName } : {}) } });
                }
                if (plan.accessModes.includes("ReadWriteOnce") || plan.accessModes.includes("ReadWriteOncePod")) usesRwoClaim = true;
                break;
            }
            case "tmpfs":
                volumes.push({ name: `tmpfs-${i}`, mountPath: m.target, emptyDir: { medium: "Memory" }, ...ro });
                break;
            case "anonymous":
                volumes.push({ name: `anon-${i}`, mountPath: m.target, emptyDir: {}, ...ro });
                ctx.warn(svc.name, m.field, `anonymous volume at ${m.target} becomes an emptyDir (data is lost when the pod is replaced); use a named volume to keep it`);
                break;
            case "bind":
                if (ctx.bindMounts === "reject") {
                    throw new ComposeError(
                        ctx.at(m.field),
                        `bind mount "${m.source}" -> ${m.target} cannot be deployed to Kubernetes (no host paths); use a named volume, or set bindMounts: "emptyDir" to map bind mounts to empty directories explicitly`,
                    );
                }
                volumes.push({ name: `bind-${i}`, mountPath: m.target, emptyDir: {}, ...ro });
                ctx.warn(svc.name, m.field, `bind mount "${m.source}" mapped to an empty directory at ${m.target} (bindMounts: "emptyDir"); its host contents are not copied`);
                break;
        }
    });
    // AgentService mounts /tmp itself; extra writable paths become emptyDirs.
    const mountedPaths = new Set(["/tmp", ...svc.volumes.map((m) => m.target)]);
    if (security.readOnlyRootFilesystem !== false) {
        (spec.writablePaths ?? []).forEach((path, i) => {
            const problem = mountPathProblem(path);
            if (problem) throw new ComposeError(ctx.optAt(`writablePaths[${i}]`), problem);
            if (mountedPaths.has(path)) return;
            mountedPaths.add(path);
            volumes.push({ name: `writable-${i + 1}`, mountPath: path, emptyDir: {} });
        });
    } else if (spec.writablePaths?.length) {
        ctx.warn(svc.name, "writablePaths", "ignored: the root filesystem is writable (security.readOnlyRootFilesystem: false)");
    }
    if (usesRwoClaim && autoscaling) throw new ComposeError(ctx.optAt("autoscaling"), "a service on a ReadWriteOnce volume cannot autoscale (its pods could not all mount it); use ReadWriteMany or drop autoscaling");
    if (usesRwoClaim && replicas > 1) ctx.warn(svc.name, "replicas", `${replicas} replicas share a ReadWriteOnce volume; pods on other nodes cannot mount it`);

    // Singleton: asked for, or the natural reading of one replica on a ReadWriteOnce volume (a database).
    const singleton = spec.singleton ?? (usesRwoClaim && replicas === 1 && !autoscaling);
    if (singleton && (replicas !== 1 || autoscaling)) throw new ComposeError(ctx.optAt("singleton"), `a singleton runs exactly 1 replica without autoscaling, got ${autoscaling ? "autoscaling" : `replicas ${replicas}`}`);

    // Metrics: a ServiceMonitor where the Prometheus Operator is installed, scrape annotations otherwise.
    let serviceMonitor: AgentServiceArgs["serviceMonitor"];
    const podAnnotations: Record<string, string> = { ...(ctx.annotations ?? {}) };
    if (ctx.config) podAnnotations[CONFIG_HASH_ANNOTATION] = hash(ctx.config.data);
    if (spec.metrics) {
        const mp = ctx.ports.find((p) => p.name === spec.metrics!.port || p.containerPort === Number(spec.metrics!.port));
        if (!mp) throw new ComposeError(ctx.optAt("metrics.port"), `"${spec.metrics.port}" is not one of the service's ports (${ctx.ports.map((p) => `${p.name}/${p.containerPort}`).join(", ") || "none"})`);
        const path = spec.metrics.path ?? DEFAULT_METRICS_PATH;
        if (!path.startsWith("/")) throw new ComposeError(ctx.optAt("metrics.path"), `must start with "/", got "${path}"`);
        if (ctx.serviceMonitors) serviceMonitor = { port: mp.name, path };
        else Object.assign(podAnnotations, prometheusScrapeAnnotations(mp.containerPort, path));
    }

    const strategy = usesRwoClaim ? "Recreate" : undefined;
    const args: AgentServiceArgs = {
        namespace: ctx.namespace,
        name: svc.name,
        ...(ctx.partOf ? { partOf: ctx.partOf } : {}),
        image: svc.image as string,
        ...(svc.entrypoint ? { command: svc.entrypoint } : {}),
        ...(svc.command ? { args: svc.command } : {}),
        ports: ctx.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, ...(p.protocol !== "TCP" ? { protocol: p.protocol as "UDP" } : {}) })),
        service: ctx.ports.length ? {
            type: ctx.serviceType === "Headless" ? "ClusterIP" : ctx.serviceType,
            ...(ctx.serviceAnnotations || ctx.annotations ? { annotations: sortKeys({ ...(ctx.annotations ?? {}), ...(ctx.serviceAnnotations ?? {}) }) } : {}),
            ...(ctx.serviceType === "Headless" ? { headless: true } : {}),
            ...(Object.keys(ctx.nodePorts).length ? { nodePorts: ctx.nodePorts } : {}),
        } : false,
        ...(autoscaling ? { hpa: { minReplicas: autoscaling.minReplicas, maxReplicas: autoscaling.maxReplicas, cpuUtilization: autoscaling.cpuUtilization ?? DEFAULT_CPU_UTILIZATION } } : singleton ? {} : { replicas }),
        ...(strategy && !singleton ? { strategy } : {}),
        ...(serviceMonitor ? { serviceMonitor } : {}),
        ...(ctx.config ? { config: ctx.config } : {}),
        ...(ctx.secret ? { secret: ctx.secret } : {}),
        ...(volumes.length ? { volumes } : {}),
        resources,
        ...(probes ? { probes } : {}),
        security,
        placement: { spreadAcrossZones: ctx.spreadAcrossZones },
        // The policy isolates ingress even when nobody may call the service, so it holds without a namespace default-deny.
        ...(ctx.network ? { network: { ...ctx.network, isolateIngress: true } } : {}),
        ...(Object.keys(ctx.labels).length ? { labels: ctx.labels } : {}),
        ...(Object.keys(podAnnotations).length ? { podAnnotations: sortKeys(podAnnotations) } : {}),
        ...(ctx.annotations ? { workloadAnnotations: ctx.annotations } : {}),
        ...(svc.stopGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: svc.stopGracePeriodSeconds } : {}),
        ...(svc.workingDir ? { workingDir: svc.workingDir } : {}),
        ...(svc.tty ? { tty: true } : {}),
        ...(svc.stdinOpen ? { stdin: true } : {}),
        // Service links would inject e.g. REDIS_PORT=tcp://... and clash with app env.
        enableServiceLinks: false,
    };
    const problems = singleton ? singletonWorkerProblems(svc.name, args) : agentServiceProblems(svc.name, args);
    if (problems.length) throw new ComposeError(ctx.at(), `cannot be deployed: ${problems.map(formatProblem).join("; ")}`);

    return { service: svc.name, component: singleton ? "SingletonWorker" : "AgentService", args, claimOwners: [...new Set(claimOwners)].sort() };
}

/** AgentService security options: hardened defaults, the compose `user`, and the spec's visible opt-outs (root, the image's own ids). */
function podSecurity(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: WorkloadContext): SecurityOptions {
    const s = spec.security ?? {};
    const runAsNonRoot = s.runAsNonRoot ?? true;
    let composeUid: number | undefined;
    let composeGid: number | undefined;
    if (svc.user !== undefined) {
        const m = /^(\d+)(?::(\d+))?$/.exec(svc.user);
        if (m) {
            composeUid = Number(m[1]);
            composeGid = m[2] === undefined ? undefined : Number(m[2]);
        } else if (!("runAsUser" in s)) {
            ctx.warn(svc.name, "user", `"${svc.user}" is not numeric; Kubernetes needs a uid, using ${DEFAULT_RUN_AS_USER} (set security.runAsUser to choose)`);
        }
        if ((composeUid === 0 || svc.user.split(":")[0] === "root") && runAsNonRoot) {
            ctx.warn(svc.name, "user", `runs as root in compose; ignored under the hardened defaults (set security.runAsNonRoot: false and security.runAsUser: 0 to opt out)`);
            composeUid = undefined;
            composeGid = undefined;
        }
    }
    const runAsUser = "runAsUser" in s ? s.runAsUser : composeUid ?? DEFAULT_RUN_AS_USER;
    if (runAsNonRoot && runAsUser === 0) throw new ComposeError(ctx.optAt("security.runAsUser"), "0 (root) contradicts runAsNonRoot: true; set security.runAsNonRoot: false to run as root");
    for (const k of ["runAsUser", "runAsGroup", "fsGroup"] as const) {
        const v = s[k];
        if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0)) throw new ComposeError(ctx.optAt(`security.${k}`), `must be a non-negative integer or null, got ${v}`);
    }
    const runAsGroup = "runAsGroup" in s ? s.runAsGroup : composeGid ?? runAsUser;
    const fsGroup = "fsGroup" in s ? s.fsGroup : runAsGroup;
    // Every id is explicit: a number, or null for the image's own (no field in the security contexts).
    return {
        ...(runAsNonRoot ? {} : { runAsNonRoot: false }),
        runAsUser: runAsUser ?? null,
        runAsGroup: runAsGroup ?? null,
        fsGroup: fsGroup ?? null,
        readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? true,
    };
}

function resolveResources(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: WorkloadContext): ResourceSpec {
    const pick = (section: "requests" | "limits", key: "cpu" | "memory") => {
        const explicit = spec.resources?.[section]?.[key] ?? svc.resources?.[section]?.[key];
        return { value: explicit ?? DEFAULT_RESOURCES[section][key], explicit: explicit !== undefined };
    };
    const out = { requests: {} as Record<string, string>, limits: {} as Record<string, string> };
    for (const key of ["cpu", "memory"] as const) {
        const req = pick("requests", key);
        const lim = pick("limits", key);
        const reqV = quantityValue(req.value, key);
        const limV = quantityValue(lim.value, key);
        if (reqV === undefined) throw new ComposeError(ctx.optAt(`resources.requests.${key}`), `"${req.value}" is not a Kubernetes quantity`);
        if (limV === undefined) throw new ComposeError(ctx.optAt(`resources.limits.${key}`), `"${lim.value}" is not a Kubernetes quantity`);
        let request = req.value;
        let limit = lim.value;
        if (reqV > limV) {
            if (req.explicit && lim.explicit) throw new ComposeError(ctx.optAt(`resources.requests.${key}`), `request ${req.value} exceeds limit ${lim.value}`);
            // One side is a default: move the default to meet the explicit side.
            if (req.explicit) limit = request;
            else request = limit;
        }
        out.requests[key] = request;
        out.limits[key] = limit;
    }
    return out as unknown as ResourceSpec;
}

/**
 * Probes, always three distinct ones (an overloaded pod should leave the Service, not restart):
 * `healthCheckPath` -> readiness and startup HTTP on the first TCP port, liveness TCP on that port
 * (AgentService's timing defaults); a compose healthcheck -> exec probes, readiness on its timing, liveness after twice its
 * retries, startup covering start_period; otherwise TCP on the first port; `null` -> none.
 */
function resolveProbes(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: WorkloadContext): ProbeSet | undefined {
    if (spec.healthCheckPath === null) return undefined;
    const hc = svc.healthcheck;
    const firstTcp = ctx.ports.find((p) => p.protocol === "TCP");
    if (typeof spec.healthCheckPath === "string") {
        if (!spec.healthCheckPath.startsWith("/")) throw new ComposeError(ctx.optAt("healthCheckPath"), `must start with "/", got "${spec.healthCheckPath}"`);
        if (!firstTcp) throw new ComposeError(ctx.optAt("healthCheckPath"), "an HTTP probe needs a TCP port, but the service has none");
        // Liveness on the TCP port, readiness on the HTTP path: a slow or cut-off app leaves the
        // Service without being restarted (the same endpoint for both would fail them together).
        const check = { path: spec.healthCheckPath, port: firstTcp.name };
        return { liveness: { tcp: true, port: firstTcp.name }, readiness: check, startup: check };
    }
    if (hc) {
        const period = hc.intervalSeconds ?? DEFAULT_PROBE.periodSeconds;
        const timeout = hc.timeoutSeconds ?? DEFAULT_PROBE.timeoutSeconds;
        const retries = hc.retries ?? DEFAULT_PROBE.failureThreshold;
        const startupFailures = hc.startPeriodSeconds !== undefined
            ? Math.max(1, Math.ceil(hc.startPeriodSeconds / DEFAULT_PROBE.startupPeriodSeconds)) + retries
            : DEFAULT_PROBE.startupFailureThreshold;
        const command = hc.command;
        return {
            readiness: { command, periodSeconds: period, timeoutSeconds: timeout, failureThreshold: retries },
            liveness: { command, periodSeconds: period, timeoutSeconds: timeout, failureThreshold: retries * DEFAULT_PROBE.livenessRetriesFactor },
            startup: { command, periodSeconds: DEFAULT_PROBE.startupPeriodSeconds, timeoutSeconds: timeout, failureThreshold: startupFailures },
        };
    }
    if (hc === null || !firstTcp) return undefined;
    const tcp = { tcp: true, port: firstTcp.name };
    return { liveness: tcp, readiness: tcp, startup: tcp };
}

// ---------------------------------------------------------------- service, ingress

type ResolvedServiceType = ServiceType | "Headless";

function resolveServiceType(svc: ComposeService, spec: ServiceDeploymentSpec, at: WorkloadContext["at"], optAt: WorkloadContext["optAt"]): ResolvedServiceType {
    if (spec.serviceType !== undefined) {
        if (!["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.serviceType)) throw new ComposeError(optAt("serviceType"), `must be ClusterIP, NodePort or LoadBalancer, got "${spec.serviceType}"`);
        return spec.serviceType;
    }
    const label = svc.labels[KOMPOSE_LABELS.serviceType];
    if (label === undefined) return DEFAULT_SERVICE_TYPE;
    const map: Record<string, ResolvedServiceType> = { clusterip: "ClusterIP", nodeport: "NodePort", loadbalancer: "LoadBalancer", headless: "Headless" };
    const t = map[label.toLowerCase()];
    if (!t) throw new ComposeError(at(`labels.${KOMPOSE_LABELS.serviceType}`), `must be clusterip, nodeport, loadbalancer or headless, got "${label}"`);
    return t;
}

/** seed 004 / Kubernetes: NodePorts live in 30000-32767. */
const NODE_PORT_RANGE = [30000, 32767] as const;

function nodePortFor(port: NamedPort, label: string | undefined, at: WorkloadContext["at"]): number | undefined {
    if (label !== undefined) {
        const n = Number(label);
        if (!Number.isInteger(n) || n < NODE_PORT_RANGE[0] || n > NODE_PORT_RANGE[1]) throw new ComposeError(at(`labels.${KOMPOSE_LABELS.nodePort}`), `must be a port in ${NODE_PORT_RANGE[0]}-${NODE_PORT_RANGE[1]}, got "${label}"`);
        return n;
    }
    if (port.published !== undefined && port.published >= NODE_PORT_RANGE[0] && port.published <= NODE_PORT_RANGE[1]) return port.published;
    return undefined;
}

function resolveIngress(svc: ComposeService, spec: ServiceDeploymentSpec, at: WorkloadContext["at"], optAt: WorkloadContext["optAt"]): IngressSpec | undefined {
    if (spec.ingress !== undefined) {
        if (spec.ingress.enabled === false) return undefined;
        if (spec.ingress.host !== undefined && !isDnsHost(spec.ingress.host)) throw new ComposeError(optAt("ingress.host"), `must be a DNS host name, got "${spec.ingress.host}"`);
        return spec.ingress;
    }
    const expose = svc.labels[KOMPOSE_LABELS.expose];
    if (expose === undefined || expose.toLowerCase() === "false") return undefined;
    const ingress: IngressSpec = { enabled: true };
    if (expose.toLowerCase() !== "true") {
        const first = expose.split(",")[0].trim();
        const slash = first.indexOf("/");
        ingress.host = slash < 0 ? first : first.slice(0, slash);
        if (slash >= 0) ingress.path = first.slice(slash);
        if (!isDnsHost(ingress.host)) throw new ComposeError(at(`labels.${KOMPOSE_LABELS.expose}`), `must be "true" or host[/path], got "${expose}"`);
    }
    const tlsSecret = svc.labels[KOMPOSE_LABELS.exposeTlsSecret];
    if (tlsSecret) {
        ingress.tls = true;
        ingress.tlsSecretName = tlsSecret;
    }
    const className = svc.labels[KOMPOSE_LABELS.exposeIngressClass];
    if (className) ingress.className = className;
    return ingress;
}

function urlScheme(portName: string, kind: InfraKind | undefined): string {
    const byKind: Record<InfraKind, string> = { mongo: "mongodb", redis: "redis", postgres: "postgresql", neo4j: "bolt", qdrant: "http" };
    if (kind) return byKind[kind];
    if (portName.startsWith("https")) return "https";
    if (portName.startsWith("grpc")) return "grpc";
    return "http";
}

/** Compose labels become annotations (kompose does the same); `kompose.*` labels are consumed, not copied. */
function composeLabelAnnotations(svc: ComposeService, warn: (s: string | undefined, f: string | undefined, m: string) => void): Record<string, string> | undefined {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(svc.labels)) {
        if (k.startsWith("kompose.")) continue;
        if (!isQualifiedName(k)) {
            warn(svc.name, `labels.${k}`, "is not a valid Kubernetes annotation key; skipped");
            continue;
        }
        out[k] = v;
    }
    return Object.keys(out).length ? sortKeys(out) : undefined;
}

// ---------------------------------------------------------------- volumes

interface VolumePlan {
    claimName: string;
    /** The compose service whose AgentService creates the PVC (first by name). */
    owner: string;
    external: boolean;
    size: string;
    storageClassName?: string;
    accessModes: AccessMode[];
    labels: Record<string, string>;
}

function planVolumes(project: ComposeProject, options: CompileOptions, warn: (s: string | undefined, f: string | undefined, m: string) => void): Map<string, VolumePlan> {
    const plans = new Map<string, VolumePlan>();
    const users = new Map<string, string[]>();
    for (const svc of project.services) {
        for (const m of svc.volumes) if (m.type === "volume") users.set(m.source as string, [...(users.get(m.source as string) ?? []), svc.name]);
    }
    const claimOwners = new Map<string, string>();
    for (const [vol, svcNames] of [...users.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const decl = project.volumes[vol];
        const spec = options.volumes?.[vol] ?? {};
        const claimName = sanitizeName(vol);
        if (!claimName) throw new ComposeError({ file: project.file, field: `volumes.${vol}` }, "cannot be turned into a Kubernetes name");
        const other = claimOwners.get(claimName);
        if (other) throw new ComposeError({ file: project.file, field: `volumes.${vol}` }, `becomes PVC "${claimName}", the same as volume "${other}"; rename one`);
        claimOwners.set(claimName, vol);
        const labelFrom = (key: string) => svcNames.map((s) => project.services.find((x) => x.name === s)?.labels[key]).find((v) => v !== undefined) ?? decl.labels[key];
        const size = spec.size ?? labelFrom(KOMPOSE_LABELS.volumeSize) ?? DEFAULT_VOLUME_SIZE;
        if (quantityValue(size, "memory") === undefined) throw new ComposeError({ file: project.file, field: `volumes.${vol}` }, `size "${size}" is not a Kubernetes quantity like 10Gi`);
        const accessModes = spec.accessModes ?? ["ReadWriteOnce"];
        if (svcNames.length > 1 && accessModes.every((a) => a === "ReadWriteOnce" || a === "ReadWriteOncePod")) {
            warn(undefined, `volumes.${vol}`, `is mounted by ${svcNames.join(", ")} but is ReadWriteOnce; their pods must share a node (set accessModes: ["ReadWriteMany"] if the storage supports it)`);
        }
        const storageClassName = spec.storageClassName ?? labelFrom(KOMPOSE_LABELS.volumeStorageClass);
        plans.set(vol, {
            claimName: decl.external ? sanitizeName(vol) : claimName,
            owner: [...svcNames].sort()[0],
            external: decl.external,
            size,
            ...(storageClassName ? { storageClassName } : {}),
            accessModes,
            labels: {},
        });
    }
    return plans;
}

// ---------------------------------------------------------------- small helpers

function mergeSpec(defaults: ServiceDeploymentSpec | undefined, own: ServiceDeploymentSpec | undefined): ServiceDeploymentSpec {
    const d = defaults ?? {};
    const o = own ?? {};
    return {
        ...d,
        ...o,
        resources: d.resources || o.resources ? { requests: { ...d.resources?.requests, ...o.resources?.requests }, limits: { ...d.resources?.limits, ...o.resources?.limits } } : undefined,
        annotations: d.annotations || o.annotations ? { ...d.annotations, ...o.annotations } : undefined,
        labels: d.labels || o.labels ? { ...d.labels, ...o.labels } : undefined,
        security: d.security || o.security ? { ...d.security, ...o.security } : undefined,
        env: d.env || o.env ? { ...d.env, ...o.env } : undefined,
        writablePaths: o.writablePaths ?? d.writablePaths,
        network: d.network || o.network ? { ...d.network, ...o.network } : undefined,
    };
}

function baseLabels(name: string, partOf: string | undefined): Record<string, string> {
    return { [NAME_LABEL]: name, ...(partOf ? { [PART_OF_LABEL]: partOf } : {}), [MANAGED_BY_LABEL]: "pulumi" };
}

/** The spec's extra labels, validated (AgentService adds the app.kubernetes.io/* ones). */
function serviceLabels(name: string, partOf: string | undefined, spec: ServiceDeploymentSpec, optAt: WorkloadContext["optAt"]): Record<string, string> {
    const base = baseLabels(name, partOf);
    for (const [k, v] of Object.entries(spec.labels ?? {})) {
        if (k in base || k === PART_OF_LABEL || k === MANAGED_BY_LABEL) throw new ComposeError(optAt(`labels.${k}`), "is set by the compiler and cannot be overridden");
        if (!isQualifiedName(k)) throw new ComposeError(optAt(`labels.${k}`), "is not a valid label key");
        if (!isLabelValue(v)) throw new ComposeError(optAt(`labels.${k}`), `"${v}" is not a valid label value (at most 63 characters, alphanumerics, '-', '_', '.')`);
    }
    return sortKeys({ ...(spec.labels ?? {}) });
}

function isDns1123Label(v: string): boolean {
    return v.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(v);
}

function isDnsHost(v: string): boolean {
    return v.length <= 253 && /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v);
}

function isLabelValue(v: string): boolean {
    return v === "" || (v.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(v));
}

function isQualifiedName(key: string): boolean {
    const parts = key.split("/");
    if (parts.length > 2) return false;
    const name = parts[parts.length - 1];
    if (parts.length === 2 && !isDnsHost(parts[0])) return false;
    return name.length >= 1 && name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
}

/** Compose volume name -> DNS-1123 name (`mongo_data` -> `mongo-data`). */
export function sanitizeName(v: string): string {
    return v.toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/-+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63).replace(/-+$/, "");
}

function truncateLabel(v: string): string {
    return v.slice(0, 63).replace(/-+$/, "");
}

/** The API server rejects a ConfigMap or Secret whose data exceeds 1 MiB (core/v1 validation, etcd's request limit). */
export const MAX_OBJECT_DATA_BYTES = 1024 * 1024;

/** UTF-8 bytes of a ConfigMap/Secret's keys and values, as the API server counts them. */
function envDataBytes(data: Record<string, string>): number {
    let total = 0;
    for (const [k, v] of Object.entries(data)) total += Buffer.byteLength(k) + Buffer.byteLength(v);
    return total;
}

function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function hash(data: Record<string, string>): string {
    return createHash("sha256").update(JSON.stringify(sortKeys(data))).digest("hex").slice(0, 16);
}

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Kubernetes quantity -> number (cores or bytes), `undefined` when malformed. */
export function quantityValue(q: string, _kind: "cpu" | "memory"): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E)?$/.exec(String(q).trim());
    if (!m) return undefined;
    const unit = m[2] ?? "";
    const mult = BINARY[unit] ?? DECIMAL[unit];
    return Number(m[1]) * mult;
}
