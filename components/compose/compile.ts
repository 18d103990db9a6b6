/**
 * ComposeProject + deployment options (seed 004 `KubernetesDeploymentSpec`) -> plain Kubernetes
 * objects. Pure: no Pulumi, no file system; `convertCompose` is the single entry point shared by
 * the `ComposeApp` component and the `compose:convert` CLI.
 *
 * Per compose service: ConfigMap `<svc>-config` (plain env), Secret `<svc>-secrets` (sensitive
 * env), Deployment `<svc>` (envFrom both), Service `<svc>` (when it has ports), Ingress `<svc>`
 * (when asked for); one PersistentVolumeClaim per named volume.
 */
import { createHash } from "crypto";
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
/** Probe timing when the compose healthcheck does not say (Kubernetes defaults, startup allows 150 s). */
export const DEFAULT_PROBE = { periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3, startupPeriodSeconds: 5, startupFailureThreshold: 30 } as const;

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

export interface CompiledApp {
    objects: KubeObject[];
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

    const objects: KubeObject[] = [];
    const services: Record<string, CompiledService> = {};

    // PVCs first: one per named (non-external) volume that an active service mounts.
    const pvcNames = planVolumes(project, options, warn);
    for (const [vol, plan] of [...pvcNames.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        if (plan.external) continue;
        objects.push({
            apiVersion: "v1",
            kind: "PersistentVolumeClaim",
            metadata: { name: plan.claimName, namespace, labels: sortKeys({ ...baseLabels(plan.claimName, partOf), ...plan.labels }) },
            spec: {
                accessModes: plan.accessModes,
                resources: { requests: { storage: plan.size } },
                ...(plan.storageClassName ? { storageClassName: plan.storageClassName } : {}),
            },
        });
    }

    for (const svc of [...project.services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const spec = mergeSpec(options.defaults, options.services?.[svc.name]);
        const at = (field?: string) => ({ file, service: svc.name, field });
        const optAt = (field: string) => ({ ...opt, service: svc.name, field });
        const labels = serviceLabels(svc.name, partOf, spec, optAt);
        const annotations = spec.annotations ? sortKeys({ ...spec.annotations }) : undefined;
        if (annotations) for (const k of Object.keys(annotations)) if (!isQualifiedName(k)) throw new ComposeError(optAt(`annotations.${k}`), "is not a valid annotation key");
        const meta = (name: string, extraAnnotations?: Record<string, string>): KubeMetadata => {
            const a = { ...(annotations ?? {}), ...(extraAnnotations ?? {}) };
            return { name, namespace, labels, ...(Object.keys(a).length ? { annotations: sortKeys(a) } : {}) };
        };

        // Environment: resolution order service option > explicit > settings > infrastructure > compose.
        const ownKinds = new Set(INFRA_KINDS.filter((k) => infra[k]?.service === svc.name));
        const ownInfraVars = new Set(Object.keys(infrastructureVariables(Object.fromEntries([...ownKinds].map((k) => [k, infra[k]])) as DiscoveredInfrastructure)));
        const envValues: EnvValue[] = [];
        const envSources: Record<string, EnvSource> = {};
        const names = new Set(svc.environment.map((e) => e.name));
        for (const k of Object.keys(spec.env ?? {})) names.add(k);
        for (const name of [...names].sort()) {
            const entry = svc.environment.find((e) => e.name === name);
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

        // Ports.
        const named = namePorts(svc.ports);
        for (const d of named.duplicates) warn(svc.name, "ports", `container port ${d.containerPort}/${d.protocol.toLowerCase()} is listed more than once; Kubernetes exposes it once`);
        const ports = named.ports;

        // ConfigMap + Secret.
        const configName = `${svc.name}-config`;
        const secretName = `${svc.name}-secrets`;
        const hasConfig = Object.keys(env.config).length > 0;
        const hasSecret = Object.keys(env.secrets).length > 0;
        if (hasConfig) objects.push({ apiVersion: "v1", kind: "ConfigMap", metadata: meta(configName), data: env.config });
        if (hasSecret) objects.push({ apiVersion: "v1", kind: "Secret", metadata: meta(secretName), type: "Opaque", stringData: env.secrets });

        // Deployment.
        const deployment = buildDeployment(svc, spec, {
            namespace, labels, meta, ports, pvcNames, configName: hasConfig ? configName : undefined, secretName: hasSecret ? secretName : undefined,
            configHash: hasConfig ? hash(env.config) : undefined, at, optAt, warn, bindMounts: options.bindMounts ?? "reject",
        });
        objects.push(deployment);

        // Service.
        const serviceType = resolveServiceType(svc, spec, at, optAt);
        const composeAnnotations = composeLabelAnnotations(svc, warn);
        let url: string | undefined;
        if (ports.length > 0) {
            const nodePortLabel = svc.labels[KOMPOSE_LABELS.nodePort];
            objects.push({
                apiVersion: "v1",
                kind: "Service",
                metadata: meta(svc.name, composeAnnotations),
                spec: {
                    type: serviceType === "Headless" ? "ClusterIP" : serviceType,
                    ...(serviceType === "Headless" ? { clusterIP: "None" } : {}),
                    selector: { [NAME_LABEL]: svc.name },
                    ports: ports.map((p, i) => {
                        const nodePort = serviceType === "NodePort" ? nodePortFor(p, i === 0 ? nodePortLabel : undefined, at) : undefined;
                        return { name: p.name, port: p.containerPort, targetPort: p.name, protocol: p.protocol, ...(nodePort ? { nodePort } : {}) };
                    }),
                },
            });
            // Infrastructure is addressed on its client port (neo4j: bolt 7687, not the 7474 browser).
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
            objects.push({
                apiVersion: "networking.k8s.io/v1",
                kind: "Ingress",
                metadata: meta(svc.name, ingress.annotations),
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
    if (options.networkPolicies) objects.push(...networkPolicies(project, options, services, namespace, partOf));
    return { objects, services, infrastructure: infra, warnings };
}

// ---------------------------------------------------------------- network policies

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

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

function networkPolicies(project: ComposeProject, options: CompileOptions, services: Record<string, CompiledService>, namespace: string, partOf: string | undefined): KubeObject[] {
    const calls = serviceCallGraph(project, options);
    const ports = (svc: string) => services[svc].ports.map((p) => ({ port: p.containerPort, protocol: p.protocol }));
    const pods = (svc: string) => ({ podSelector: { matchLabels: { [NAME_LABEL]: svc } } });
    const out: KubeObject[] = [];
    for (const svc of Object.keys(services).sort()) {
        const spec = mergeSpec(options.defaults, options.services?.[svc]);
        const net = spec.network ?? {};
        const clients = [...calls.entries()].filter(([, callees]) => callees.includes(svc)).map(([c]) => c).sort();
        const ingress: Record<string, unknown>[] = [];
        if (ports(svc).length) {
            if (clients.length) ingress.push({ from: clients.map(pods), ports: ports(svc) });
            for (const ns of net.allowFromNamespaces ?? []) ingress.push({ from: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } } }], ports: ports(svc) });
        }
        const egress: Record<string, unknown>[] = [
            // DNS, so the policy works even without a namespace-wide DNS allowance.
            { to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } } }], ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] },
            ...(calls.get(svc) ?? []).filter((callee) => ports(callee).length).map((callee) => ({ to: [pods(callee)], ports: ports(callee) })),
            ...(net.egress ?? []).map((e) => ({ to: [{ ipBlock: { cidr: e.cidr, ...(e.except?.length ? { except: e.except } : {}) } }], ports: e.ports.map((port) => ({ port, protocol: "TCP" })) })),
        ];
        out.push({
            apiVersion: "networking.k8s.io/v1",
            kind: "NetworkPolicy",
            metadata: { name: svc, namespace, labels: sortKeys(baseLabels(svc, partOf)) },
            spec: { podSelector: { matchLabels: { [NAME_LABEL]: svc } }, policyTypes: ["Ingress", "Egress"], ingress, egress },
        });
    }
    return out;
}

// ---------------------------------------------------------------- deployment

interface DeploymentContext {
    namespace: string;
    labels: Record<string, string>;
    meta: (name: string, extra?: Record<string, string>) => KubeMetadata;
    ports: NamedPort[];
    pvcNames: Map<string, VolumePlan>;
    configName?: string;
    secretName?: string;
    configHash?: string;
    at: (field?: string) => { file: string; service: string; field?: string };
    optAt: (field: string) => { file: string; service: string; field: string };
    warn: (service: string | undefined, field: string | undefined, message: string) => void;
    bindMounts: "reject" | "emptyDir";
}

function buildDeployment(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: DeploymentContext): KubeObject {
    const replicas = spec.replicas ?? svc.replicas ?? DEFAULT_REPLICAS;
    if (!Number.isInteger(replicas) || replicas < 0) throw new ComposeError(ctx.optAt("replicas"), `must be a non-negative integer, got ${replicas}`);

    const security = podSecurity(svc, spec, ctx);
    const resources = resolveResources(svc, spec, ctx);
    const probes = resolveProbes(svc, spec, ctx);

    const volumes: Array<Record<string, unknown>> = [];
    const mounts: Array<Record<string, unknown>> = [];
    let usesRwoClaim = false;
    svc.volumes.forEach((m: ComposeVolumeMount, i: number) => {
        let volume: Record<string, unknown>;
        let volName: string;
        switch (m.type) {
            case "volume": {
                const plan = ctx.pvcNames.get(m.source as string) as VolumePlan;
                volName = truncateLabel(`vol-${plan.claimName}`);
                volume = { name: volName, persistentVolumeClaim: { claimName: plan.claimName, ...(m.readOnly ? { readOnly: true } : {}) } };
                if (plan.accessModes.includes("ReadWriteOnce") || plan.accessModes.includes("ReadWriteOncePod")) usesRwoClaim = true;
                break;
            }
            case "tmpfs":
                volName = `tmpfs-${i}`;
                volume = { name: volName, emptyDir: { medium: "Memory" } };
                break;
            case "anonymous":
                volName = `anon-${i}`;
                volume = { name: volName, emptyDir: {} };
                ctx.warn(svc.name, m.field, `anonymous volume at ${m.target} becomes an emptyDir (data is lost when the pod is replaced); use a named volume to keep it`);
                break;
            case "bind":
                if (ctx.bindMounts === "reject") {
                    throw new ComposeError(
                        ctx.at(m.field),
                        `bind mount "${m.source}" -> ${m.target} cannot be deployed to Kubernetes (no host paths); use a named volume, or set bindMounts: "emptyDir" to map bind mounts to empty directories explicitly`,
                    );
                }
                volName = `bind-${i}`;
                volume = { name: volName, emptyDir: {} };
                ctx.warn(svc.name, m.field, `bind mount "${m.source}" mapped to an empty directory at ${m.target} (bindMounts: "emptyDir"); its host contents are not copied`);
                break;
        }
        volumes.push(volume);
        mounts.push({ name: volName, mountPath: m.target, ...(m.readOnly ? { readOnly: true } : {}) });
    });
    const mountedPaths = new Set(svc.volumes.map((m) => m.target));
    if (security.readOnlyRootFilesystem) {
        const writable = ["/tmp", ...(spec.writablePaths ?? [])];
        writable.forEach((path, i) => {
            if (!path.startsWith("/")) throw new ComposeError(ctx.optAt(`writablePaths[${i - 1}]`), `must be an absolute path, got "${path}"`);
            if (mountedPaths.has(path)) return;
            mountedPaths.add(path);
            const name = i === 0 ? "tmp" : `writable-${i}`;
            volumes.push({ name, emptyDir: {} });
            mounts.push({ name, mountPath: path });
        });
    } else if (spec.writablePaths?.length) {
        ctx.warn(svc.name, "writablePaths", "ignored: the root filesystem is writable (security.readOnlyRootFilesystem: false)");
    }
    if (usesRwoClaim && replicas > 1) ctx.warn(svc.name, "replicas", `${replicas} replicas share a ReadWriteOnce volume; pods on other nodes cannot mount it`);

    const envFrom: Array<Record<string, unknown>> = [];
    if (ctx.configName) envFrom.push({ configMapRef: { name: ctx.configName } });
    if (ctx.secretName) envFrom.push({ secretRef: { name: ctx.secretName } });

    const container: Record<string, unknown> = {
        name: svc.name,
        image: svc.image,
        ...(svc.entrypoint ? { command: svc.entrypoint } : {}),
        ...(svc.command ? { args: svc.command } : {}),
        ...(svc.workingDir ? { workingDir: svc.workingDir } : {}),
        ...(ctx.ports.length ? { ports: ctx.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: p.protocol })) } : {}),
        ...(envFrom.length ? { envFrom } : {}),
        resources,
        ...probes,
        securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: security.readOnlyRootFilesystem,
            capabilities: { drop: ["ALL"] },
        },
        ...(mounts.length ? { volumeMounts: mounts } : {}),
        ...(svc.tty ? { tty: true } : {}),
        ...(svc.stdinOpen ? { stdin: true } : {}),
    };

    const podAnnotations = ctx.configHash ? { [CONFIG_HASH_ANNOTATION]: ctx.configHash } : undefined;
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: ctx.meta(svc.name),
        spec: {
            replicas,
            selector: { matchLabels: { [NAME_LABEL]: svc.name } },
            // A ReadWriteOnce claim cannot be attached to the old and new pod at once.
            strategy: usesRwoClaim ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
            template: {
                metadata: { labels: ctx.labels, ...(podAnnotations ? { annotations: podAnnotations } : {}) },
                spec: {
                    automountServiceAccountToken: false,
                    // Service links would inject e.g. REDIS_PORT=tcp://... and clash with app env.
                    enableServiceLinks: false,
                    securityContext: security.pod,
                    ...(svc.stopGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: svc.stopGracePeriodSeconds } : {}),
                    containers: [container],
                    ...(volumes.length ? { volumes } : {}),
                },
            },
        },
    };
}

function podSecurity(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: DeploymentContext) {
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
    const pod: Record<string, unknown> = { runAsNonRoot };
    if (runAsUser !== null && runAsUser !== undefined) pod.runAsUser = runAsUser;
    if (runAsGroup !== null && runAsGroup !== undefined) pod.runAsGroup = runAsGroup;
    if (fsGroup !== null && fsGroup !== undefined) pod.fsGroup = fsGroup;
    pod.seccompProfile = { type: "RuntimeDefault" };
    return { pod, readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? true };
}

function resolveResources(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: DeploymentContext) {
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
    return out;
}

function resolveProbes(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: DeploymentContext): Record<string, unknown> {
    if (spec.healthCheckPath === null) return {};
    let handler: Record<string, unknown>;
    const hc = svc.healthcheck;
    const timing = {
        periodSeconds: hc?.intervalSeconds ?? DEFAULT_PROBE.periodSeconds,
        timeoutSeconds: hc?.timeoutSeconds ?? DEFAULT_PROBE.timeoutSeconds,
        failureThreshold: hc?.retries ?? DEFAULT_PROBE.failureThreshold,
    };
    if (typeof spec.healthCheckPath === "string") {
        if (!spec.healthCheckPath.startsWith("/")) throw new ComposeError(ctx.optAt("healthCheckPath"), `must start with "/", got "${spec.healthCheckPath}"`);
        const port = ctx.ports.find((p) => p.protocol === "TCP");
        if (!port) throw new ComposeError(ctx.optAt("healthCheckPath"), "an HTTP probe needs a TCP port, but the service has none");
        handler = { httpGet: { path: spec.healthCheckPath, port: port.name } };
    } else if (hc) {
        handler = { exec: { command: hc.command } };
    } else if (hc === null) {
        return {};
    } else {
        const port = ctx.ports.find((p) => p.protocol === "TCP");
        if (!port) return {};
        handler = { tcpSocket: { port: port.name } };
    }
    const startupFailures = hc?.startPeriodSeconds !== undefined ? Math.max(1, Math.ceil(hc.startPeriodSeconds / DEFAULT_PROBE.startupPeriodSeconds)) + timing.failureThreshold : DEFAULT_PROBE.startupFailureThreshold;
    return {
        startupProbe: { ...handler, periodSeconds: DEFAULT_PROBE.startupPeriodSeconds, timeoutSeconds: timing.timeoutSeconds, failureThreshold: startupFailures },
        readinessProbe: { ...handler, ...timing },
        livenessProbe: { ...handler, ...timing },
    };
}

// ---------------------------------------------------------------- service, ingress

type ResolvedServiceType = ServiceType | "Headless";

function resolveServiceType(svc: ComposeService, spec: ServiceDeploymentSpec, at: DeploymentContext["at"], optAt: DeploymentContext["optAt"]): ResolvedServiceType {
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

function nodePortFor(port: NamedPort, label: string | undefined, at: DeploymentContext["at"]): number | undefined {
    if (label !== undefined) {
        const n = Number(label);
        if (!Number.isInteger(n) || n < NODE_PORT_RANGE[0] || n > NODE_PORT_RANGE[1]) throw new ComposeError(at(`labels.${KOMPOSE_LABELS.nodePort}`), `must be a port in ${NODE_PORT_RANGE[0]}-${NODE_PORT_RANGE[1]}, got "${label}"`);
        return n;
    }
    if (port.published !== undefined && port.published >= NODE_PORT_RANGE[0] && port.published <= NODE_PORT_RANGE[1]) return port.published;
    return undefined;
}

function resolveIngress(svc: ComposeService, spec: ServiceDeploymentSpec, at: DeploymentContext["at"], optAt: DeploymentContext["optAt"]): IngressSpec | undefined {
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

function serviceLabels(name: string, partOf: string | undefined, spec: ServiceDeploymentSpec, optAt: DeploymentContext["optAt"]): Record<string, string> {
    const base = baseLabels(name, partOf);
    for (const [k, v] of Object.entries(spec.labels ?? {})) {
        if (k in base || k === PART_OF_LABEL || k === MANAGED_BY_LABEL) throw new ComposeError(optAt(`labels.${k}`), "is set by the compiler and cannot be overridden");
        if (!isQualifiedName(k)) throw new ComposeError(optAt(`labels.${k}`), "is not a valid label key");
        if (!isLabelValue(v)) throw new ComposeError(optAt(`labels.${k}`), `"${v}" is not a valid label value (at most 63 characters, alphanumerics, '-', '_', '.')`);
    }
    return sortKeys({ ...(spec.labels ?? {}), ...base });
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
