/**
 * The compose compiler's vocabulary: defaults (with their seed provenance), the deployment options
 * (seed 004 `KubernetesDeploymentSpec`, per service) and what compiling returns. Types and
 * constants only, plus `mergeSpec` (defaults under a service's own spec).
 */
import type { AgentServiceArgs } from "../kube/agent-service";
import { ServiceType } from "../kube/agent-service-args";
import { MANAGED_BY_LABEL, NAME_LABEL, PART_OF_LABEL } from "../kube/labels";
import { DEFAULT_RESOURCES, DEFAULT_UID } from "../kube/pod";
import { INGRESS_NGINX_NAMESPACE } from "../kube/web-ingress";
import type { ComposeErrorLocation } from "./errors";
import type { DiscoveredInfrastructure } from "./discovery";
import type { EnvClassification } from "./env";
import type { VariableLayers } from "./interpolate";
import type { NamedPort } from "./ports";

// ---------------------------------------------------------------- defaults

/** seed 004: default resources 100m/128Mi requests, 500m/512Mi limits (the platform's container default). */
export { DEFAULT_RESOURCES };
/** seed 004: replicas default 1. */
export const DEFAULT_REPLICAS = 1;
/** Hardened pod default: the platform's non-root uid/gid, outside the range distro images use for system users. */
export const DEFAULT_RUN_AS_USER = DEFAULT_UID;
/** kompose defaults PVCs to 100Mi, too small for any database; 1Gi is the smallest useful gp3 size. */
export const DEFAULT_VOLUME_SIZE = "1Gi";
/** sizeLimit of the emptyDirs the compiler creates (writable paths, anonymous volumes, bind mounts): none may fill the node's disk. */
export const DEFAULT_SCRATCH_SIZE = "1Gi";
/** seed 004: service_type default ClusterIP. */
export const DEFAULT_SERVICE_TYPE: ServiceType = "ClusterIP";
/** seed 004: ingress path default. */
export const DEFAULT_INGRESS_PATH = "/";
/**
 * Exec-probe timing when the compose healthcheck does not say (Kubernetes defaults; startup allows
 * 150 s). Liveness waits for twice the readiness failures, so an overloaded pod leaves the Service
 * before it is restarted (and the two probes differ, policy `health-probes-distinct`).
 */
export const DEFAULT_PROBE = {
    periodSeconds: 10,
    timeoutSeconds: 5,
    failureThreshold: 3,
    startupPeriodSeconds: 5,
    startupFailureThreshold: 30,
    livenessRetriesFactor: 2,
} as const;
/** Prometheus convention. */
export const DEFAULT_METRICS_PATH = "/metrics";
/** Where the Prometheus that scrapes the services runs (the systems' `monitoringNamespace` default). */
export const DEFAULT_MONITORING_NAMESPACE = "monitoring";
/** Where the ingress controller runs (ingress-nginx's own namespace). */
export const DEFAULT_INGRESS_CONTROLLER_NAMESPACE = INGRESS_NGINX_NAMESPACE;
/** seed 002: agent HPAs target 70% CPU. */
export const DEFAULT_CPU_UTILIZATION = 70;

export { MANAGED_BY_LABEL, NAME_LABEL, PART_OF_LABEL };
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

/** How a compose service's Service is exposed (the platform's one `ServiceType`). */
export { ServiceType };

/** How a volume claim may be mounted. */
export const AccessMode = {
    /** By the pods of one node. */
    ReadWriteOnce: "ReadWriteOnce",
    /** Read-write by pods on many nodes (EFS, NFS). */
    ReadWriteMany: "ReadWriteMany",
    /** Read-only by pods on many nodes. */
    ReadOnlyMany: "ReadOnlyMany",
    /** By one pod. */
    ReadWriteOncePod: "ReadWriteOncePod",
} as const;
/** How a volume claim may be mounted: `ReadWriteOnce`, `ReadWriteMany`, `ReadOnlyMany` or `ReadWriteOncePod`. */
export type AccessMode = (typeof AccessMode)[keyof typeof AccessMode];

/** What a compose project does with bind mounts (host paths), which a cluster cannot honour. */
export const BindMountMode = {
    /** A bind mount is an error. */
    Reject: "reject",
    /** Each bind mount becomes an empty emptyDir at its container path. */
    EmptyDir: "emptyDir",
} as const;
/** What a compose project does with bind mounts: `reject` or `emptyDir`. */
export type BindMountMode = (typeof BindMountMode)[keyof typeof BindMountMode];

/** CPU and memory quantities of one container (Kubernetes notation). */
export interface ComposeQuantities {
    /** CPU, e.g. `250m`. @default the platform default */
    cpu?: string;
    /** Memory, e.g. `512Mi`. @default the platform default */
    memory?: string;
}

/** A compose service's requests and limits, merged over compose `deploy.resources` and the defaults. */
export interface ResourceRequirements {
    /** What the scheduler reserves. @default 100m CPU, 128Mi memory */
    requests?: ComposeQuantities;
    /** The most the container may use. @default 500m CPU, 512Mi memory */
    limits?: ComposeQuantities;
}

/** An Ingress for a compose service. */
export interface IngressSpec {
    /** Create the Ingress. @default true when an ingress block is given */
    enabled?: boolean;
    /** Host name; required for TLS. */
    host?: string;
    /** Path the service is routed at. @default "/" */
    path?: string;
    /**
     * Route `path` and everything under it with the prefix removed (`/mem0/api/x` reaches the
     * service as `/api/x`): an ingress-nginx regex path with `rewrite-target`. @default false
     */
    stripPath?: boolean;
    /** Serve HTTPS with the certificate in `tlsSecretName` (needs `host`). @default false */
    tls?: boolean;
    /** Secret holding the TLS certificate. @default `<svc>-tls` */
    tlsSecretName?: string;
    /** IngressClass name; omitted when unset (cluster default). */
    className?: string;
    /** Service port number the ingress targets (give this or `portName`). @default the first port */
    port?: number;
    /** Service port name the ingress targets (in the options file: a `port` that is a name). @default the first port */
    portName?: string;
    /** Extra annotations on the Ingress only (e.g. cert-manager issuer). */
    annotations?: Record<string, string>;
}

/**
 * Pod security opt-outs. Every field defaults to the hardened value; set one to opt out visibly.
 * (In the options file `runAsUser: null`, `runAsGroup: null` and `fsGroup: null` stand for
 * `keepImageUser`, `keepImageGroup` and `noFsGroup`.)
 */
export interface ServiceSecuritySpec {
    /** uid. @default compose `user` if numeric, else 10001 */
    runAsUser?: number;
    /** Keep the image's USER (no uid in the security context; excludes `runAsUser`). @default false */
    keepImageUser?: boolean;
    /** gid. @default the compose gid, else runAsUser */
    runAsGroup?: number;
    /** Keep the image's group (excludes `runAsGroup`). @default false */
    keepImageGroup?: boolean;
    /** Volume ownership gid. @default runAsGroup */
    fsGroup?: number;
    /** No volume ownership gid (excludes `fsGroup`). @default false */
    noFsGroup?: boolean;
    /** Set false only for images that must run as root. @default true */
    runAsNonRoot?: boolean;
    /** Set false for images that write outside their volumes and /tmp. @default true */
    readOnlyRootFilesystem?: boolean;
}

/** Egress from a compose service beyond the project's own services. */
export interface ComposeEgressRule {
    /** Destination address block, e.g. `0.0.0.0/0`. */
    cidr: string;
    /** Blocks inside `cidr` that stay denied. @default none */
    except?: string[];
    /** Destination TCP ports. */
    ports: number[];
}

/** An extra writable emptyDir (for a read-only root filesystem). */
export interface WritablePath {
    /** Absolute path in the container. */
    path: string;
    /** The emptyDir's size limit. @default DEFAULT_SCRATCH_SIZE (1Gi) */
    sizeLimit?: string;
}

/** Traffic rules for a service's NetworkPolicy (used when `CompileOptions.networkPolicies`). */
export interface ServiceNetworkSpec {
    /** Compose services that may connect to this service's ports, besides those that `depends_on` it. @default none */
    allowFrom?: string[];
    /** Namespaces whose pods may connect to this service's ports (e.g. the ingress controller's). @default none */
    allowFromNamespaces?: string[];
    /** Egress beyond the project's own services, e.g. the internet on 443 for LLM APIs. @default none */
    egress?: ComposeEgressRule[];
}

/** seed 004 `KubernetesDeploymentSpec`, per compose service (namespace is app-wide). */
export interface ServiceDeploymentSpec {
    /** Pod count. @default compose deploy.replicas, else 1 */
    replicas?: number;
    /** Merged over compose deploy.resources and the defaults (100m/128Mi requests, 500m/512Mi limits). */
    resources?: ResourceRequirements;
    /** How the Service is exposed. @default kompose.service.type label, else ClusterIP */
    serviceType?: ServiceType;
    /** HTTP probe path. @default the compose healthcheck (exec), else a TCP probe on the first port */
    healthCheckPath?: string;
    /** Set false for no probes at all (in the options file: `healthCheckPath: null`). @default true */
    probesEnabled?: boolean;
    /** An Ingress for the service. @default from the kompose.service.expose label, else none */
    ingress?: IngressSpec;
    /** Added to every object of the service. @default none */
    annotations?: Record<string, string>;
    /** Added to every object of the service (cannot replace the app.kubernetes.io/* labels). @default none */
    labels?: Record<string, string>;
    /** Pod security opt-outs. @default the hardened values */
    security?: ServiceSecuritySpec;
    /** Extra writable emptyDir paths besides /tmp (for a read-only root filesystem; in the options file a path alone is allowed). @default none */
    writablePaths?: WritablePath[];
    /** Env values for this service only; they override everything else. @default none */
    env?: Record<string, string>;
    /** NetworkPolicy additions (with `networkPolicies`). @default none */
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

/** A HorizontalPodAutoscaler for a compose service. */
export interface AutoscalingSpec {
    /** Fewest pods. */
    minReplicas: number;
    /** Most pods (>= minReplicas). */
    maxReplicas: number;
    /** Target average CPU, percent of requests. @default 70 */
    cpuUtilization?: number;
}

/** Where a compose service serves Prometheus metrics. */
export interface MetricsSpec {
    /** Container port number serving the metrics (give this or `portName`). */
    port?: number;
    /** Container port name serving the metrics (in the options file: a `port` that is a name). */
    portName?: string;
    /** HTTP path of the metrics. @default "/metrics" */
    path?: string;
}

/** The claim of a top-level compose volume. */
export interface ComposeVolumeSpec {
    /** Requested size. @default kompose.volume.size label, else 1Gi */
    size?: string;
    /** StorageClass of the claim. @default kompose.volume.storage-class-name label, else the cluster default */
    storageClassName?: string;
    /** How the claim may be mounted. @default ["ReadWriteOnce"] */
    accessModes?: AccessMode[];
}
/** The claim of a top-level compose volume (`ComposeVolumeSpec`). */
export type VolumeSpec = ComposeVolumeSpec;

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
    bindMounts?: BindMountMode;
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
    /**
     * With `networkPolicies`: the namespace of the Prometheus that scrapes `metrics`, admitted to
     * each such service's metrics port only. @default "monitoring"
     */
    monitoringNamespace?: string;
    /**
     * With `networkPolicies`: the namespace of the ingress controller, admitted to the port each
     * Ingress routes to only. @default "ingress-nginx"
     */
    ingressControllerNamespace?: string;
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

/** Where a service's problems are reported: its compose fields (`at`), its options (`optAt`), and warnings. */
export interface ServiceContext {
    /** A field of the compose service (`ports[1]`, `labels.kompose.service.type`). */
    at: (field?: string) => ComposeErrorLocation;
    /** A field of the service's deployment options (`autoscaling.maxReplicas`). */
    optAt: (field: string) => ComposeErrorLocation;
    warn: Warn;
}

/** Records a warning at a service and field of the compose file. */
export type Warn = (service: string | undefined, field: string | undefined, message: string) => void;

/** The spec of one service: the app-wide defaults under the service's own, maps merged key by key. */
export function mergeSpec(defaults: ServiceDeploymentSpec | undefined, own: ServiceDeploymentSpec | undefined): ServiceDeploymentSpec {
    const d = defaults ?? {};
    const o = own ?? {};
    // A service's own health check (path or probes off) and its own ids replace the defaults' as a whole.
    const probes = o.healthCheckPath !== undefined || o.probesEnabled !== undefined ? o : d;
    return {
        ...d,
        ...o,
        healthCheckPath: probes.healthCheckPath,
        probesEnabled: probes.probesEnabled,
        resources:
            d.resources || o.resources
                ? { requests: { ...d.resources?.requests, ...o.resources?.requests }, limits: { ...d.resources?.limits, ...o.resources?.limits } }
                : undefined,
        annotations: d.annotations || o.annotations ? { ...d.annotations, ...o.annotations } : undefined,
        labels: d.labels || o.labels ? { ...d.labels, ...o.labels } : undefined,
        security: d.security || o.security ? mergeSecurity(d.security ?? {}, o.security ?? {}) : undefined,
        env: d.env || o.env ? { ...d.env, ...o.env } : undefined,
        writablePaths: o.writablePaths ?? d.writablePaths,
        network: d.network || o.network ? { ...d.network, ...o.network } : undefined,
    };
}

/** Security opt-outs: the service's own over the defaults', each id (a number or its keep/none flag) as a whole. */
function mergeSecurity(d: ServiceSecuritySpec, o: ServiceSecuritySpec): ServiceSecuritySpec {
    const id = <N extends "runAsUser" | "runAsGroup" | "fsGroup", F extends "keepImageUser" | "keepImageGroup" | "noFsGroup">(n: N, f: F) => {
        const from = o[n] !== undefined || o[f] !== undefined ? o : d;
        return { ...(from[n] !== undefined ? { [n]: from[n] } : {}), ...(from[f] !== undefined ? { [f]: from[f] } : {}) };
    };
    const { runAsUser: _u, keepImageUser: _ku, runAsGroup: _g, keepImageGroup: _kg, fsGroup: _f, noFsGroup: _nf, ...rest } = { ...d, ...o };
    return { ...rest, ...id("runAsUser", "keepImageUser"), ...id("runAsGroup", "keepImageGroup"), ...id("fsGroup", "noFsGroup") };
}
