/** The arguments of `AgentService` (a long-running agent Deployment with its Service, scaling and policies). */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities } from "./capabilities";
import { Labels } from "./labels";
import { NamespaceInput } from "./namespace-ref";
import { TrafficRule } from "./network";
import { CpuMemory, PodPlacement, PortSpec, ProbeSet, ResourceSpec, SecurityOptions } from "./pod";
import { ServiceAccountSpec } from "./service-account";
import { ReplicaVolumeSpec } from "./stateful-set";
import { ServiceMonitorOptions } from "./service-monitor";

type Input<T> = pulumi.Input<T>;

/** A Pods metric served by a custom-metrics adapter (e.g. seed 002's `active_tasks_per_pod`). */
export interface PodsMetric {
    /** Metric name as the adapter serves it. */
    name: string;
    /** Target average per pod, as a quantity string (`"5"`). */
    averageValue: string;
}

/** A HorizontalPodAutoscaler (autoscaling/v2) for the workload. */
export interface HpaSpec {
    /** Fewest replicas. */
    minReplicas: number;
    /** Most replicas. */
    maxReplicas: number;
    /** Target average CPU utilisation, percent of requests. @default none */
    cpuUtilization?: number;
    /** Target average memory utilisation, percent of requests. @default none */
    memoryUtilization?: number;
    /** Per-pod custom metrics. @default none */
    podsMetrics?: PodsMetric[];
    /** autoscaling/v2 scale-up/scale-down behaviour, passed through. @default Kubernetes' */
    behavior?: k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerBehavior;
}

/**
 * The PodDisruptionBudget. At most one of `minAvailable`, `minAvailablePercent`, `maxUnavailable`,
 * `maxUnavailablePercent`; none (or no `pdb`) takes the default.
 */
export interface PdbSpec {
    /** `false`: no PodDisruptionBudget at all. @default true */
    enabled?: boolean;
    /** Pods that must stay up, as a count. */
    minAvailable?: number;
    /** Pods that must stay up, as a percentage, e.g. `"50%"`. */
    minAvailablePercent?: string;
    /** Pods that may be down at once, as a count. */
    maxUnavailable?: number;
    /** Pods that may be down at once, as a percentage, e.g. `"25%"`. */
    maxUnavailablePercent?: string;
}

/** What a VerticalPodAutoscaler does with its recommendations. */
export const VpaUpdateMode = {
    /** Only recommends (seed 003). */
    Off: "Off",
    /** Applies at pod creation only. */
    Initial: "Initial",
    /** Evicts pods to apply. */
    Recreate: "Recreate",
    /** Applies by the best available means (seed 002). */
    Auto: "Auto",
} as const;
/** What a VerticalPodAutoscaler does: `Off`, `Initial`, `Recreate` or `Auto`. */
export type VpaUpdateMode = (typeof VpaUpdateMode)[keyof typeof VpaUpdateMode];

/** A VerticalPodAutoscaler for the main container. */
export interface VpaSpec {
    /** `Off` only recommends (seed 003), `Auto` applies (seed 002). */
    updateMode: VpaUpdateMode;
    /** Smallest requests it sets. @default none */
    minAllowed?: CpuMemory;
    /** Largest requests it sets. @default none */
    maxAllowed?: CpuMemory;
}

/** A PersistentVolumeClaim the service owns. */
export interface ClaimSpec {
    /** PVC name, stable (seed names such as `claude-sessions-pvc`). */
    name: string;
    /** e.g. `10Gi` */
    size: string;
    /** StorageClass of the claim. @default the cluster's default StorageClass */
    storageClassName?: string;
    /** Access modes of the claim. @default ["ReadWriteOnce"] */
    accessModes?: string[];
}

/** Where an emptyDir keeps its data. */
export const StorageMedium = {
    /** tmpfs: RAM, counted against the container's memory. */
    Memory: "Memory",
    /** Huge pages. */
    HugePages: "HugePages",
} as const;
/** Where an emptyDir keeps its data: `Memory` or `HugePages` (the node's disk when unset). */
export type StorageMedium = (typeof StorageMedium)[keyof typeof StorageMedium];

/** Scratch space that lives as long as the pod. */
export interface EmptyDirSpec {
    /** Most it may hold, e.g. `1Gi`. @default unbounded */
    sizeLimit?: string;
    /** Where the data is kept. @default the node's disk */
    medium?: StorageMedium;
}

/** A volume mounted into the main container. Exactly one source. */
export interface VolumeSpec {
    /** Volume name (unique in the pod). */
    name: string;
    /** Where it is mounted. */
    mountPath: string;
    /** Mount read-only. @default false */
    readOnly?: boolean;
    /** Mount only this path inside the volume. @default the whole volume */
    subPath?: string;
    /** A PersistentVolumeClaim this service owns. */
    claim?: ClaimSpec;
    /** An existing PVC by name. */
    existingClaim?: Input<string>;
    /** Scratch space. */
    emptyDir?: EmptyDirSpec;
    /** An existing ConfigMap, by name, mounted as files. */
    configMap?: Input<string>;
    /** An existing Secret, by name, mounted as files. */
    secret?: Input<string>;
}

/** A Service port. */
export interface ServicePortSpec {
    /** Port the Service listens on. */
    port: number;
    /** Container port number (at most one of `targetPort` and `targetPortName`). @default the port */
    targetPort?: number;
    /** Container port name (at most one of `targetPort` and `targetPortName`). @default the port */
    targetPortName?: string;
    /** Port name. @default the container port's name, else `port-<port>` */
    name?: string;
}

/** How a Service is exposed. */
export const ServiceType = {
    /** A cluster-internal virtual IP. */
    ClusterIP: "ClusterIP",
    /** Also a port on every node. */
    NodePort: "NodePort",
    /** Also a cloud load balancer. */
    LoadBalancer: "LoadBalancer",
} as const;
/** How a Service is exposed: `ClusterIP`, `NodePort` or `LoadBalancer`. */
export type ServiceType = (typeof ServiceType)[keyof typeof ServiceType];

/** The workload's Service. */
export interface ServiceSpec {
    /** `false`: no Service (workers nobody calls). @default true */
    enabled?: boolean;
    /** Service name other workloads resolve. @default the workload name */
    name?: string;
    /** How the Service is exposed. @default "ClusterIP" */
    type?: ServiceType;
    /** The Service's ports. @default every container port at its own number */
    ports?: ServicePortSpec[];
    /** Service annotations. @default none */
    annotations?: Record<string, string>;
    /** A headless Service (`clusterIP: None`): DNS returns the pods, no virtual IP. @default false */
    headless?: boolean;
    /** NodePort numbers by Service port name (type NodePort; 30000-32767). @default assigned by the cluster */
    nodePorts?: Record<string, number>;
}

/** What a workload is run as. */
export const WorkloadKind = {
    Deployment: "Deployment",
    StatefulSet: "StatefulSet",
} as const;
/** What a workload is run as: `Deployment` or `StatefulSet` (with per-replica volumes). */
export type WorkloadKind = (typeof WorkloadKind)[keyof typeof WorkloadKind];

/** How a Deployment replaces its pods. */
export const DeploymentStrategy = {
    /** Surge one new pod before stopping an old one (no pod unavailable). */
    RollingUpdate: "RollingUpdate",
    /** Stop every old pod first (never two versions at once). */
    Recreate: "Recreate",
} as const;
/** How a Deployment replaces its pods: `RollingUpdate` or `Recreate`. */
export type DeploymentStrategy = (typeof DeploymentStrategy)[keyof typeof DeploymentStrategy];

/** Allow-lists of the workload's NetworkPolicy. */
export interface NetworkSpec {
    /** Who may connect. @default nobody (with the namespace default-deny) */
    ingress?: TrafficRule[];
    /** Where the pods may connect. @default nowhere but DNS (with the namespace default-deny) */
    egress?: TrafficRule[];
    /**
     * Isolate ingress even without ingress rules (nobody may connect), so the policy holds without a
     * namespace default-deny. @default false: only the directions with rules are restricted here
     */
    isolateIngress?: boolean;
}

/** One env var read from a key of an existing Secret. */
export interface SecretKeySelector {
    /** The Secret's name. */
    secret: Input<string>;
    /** The key in it. */
    key: string;
}

/** A ConfigMap the service owns. */
export interface OwnedConfigMap {
    /** ConfigMap name. */
    name: string;
    /** Its entries. */
    data: Record<string, string>;
    /** Mount it as files here instead of loading it with envFrom. @default loaded with envFrom */
    mountPath?: string;
}

/** A Secret the service owns, loaded with envFrom. */
export interface OwnedSecret {
    /** Secret name. */
    name: string;
    /** Its entries; they stay secret Outputs. */
    data: Record<string, Input<string>>;
}

/** Existing ConfigMaps and Secrets loaded whole with envFrom. */
export interface EnvFromSpec {
    /** ConfigMap names. @default none */
    configMaps?: Input<string>[];
    /** Secret names. @default none */
    secrets?: Input<string>[];
}

/** Names of the satellite objects. */
export interface ObjectNames {
    /** HorizontalPodAutoscaler name. @default the workload name */
    hpa?: string;
    /** VerticalPodAutoscaler name. @default the workload name */
    vpa?: string;
    /** PodDisruptionBudget name. @default the workload name */
    pdb?: string;
    /** NetworkPolicy name. @default the workload name */
    networkPolicy?: string;
}

/** What AgentService and SingletonWorker both take: the workload, its pod, its Service and its policies. */
export interface WorkloadArgs {
    /**
     * The namespace: a PlatformNamespace (the workload then waits for it), or a name, plain or an
     * Output (a plain name must exist already, or be ordered with `dependsOn`).
     */
    namespace: NamespaceInput;
    /** Kubernetes name of the workload. @default the component name */
    name?: string;
    /** `app.kubernetes.io/part-of`: the system. @default none */
    partOf?: string;
    /** `app.kubernetes.io/component`, e.g. `worker`. @default none */
    component?: string;
    /** Container image, e.g. `ghcr.io/acme/agent:1.2.3`. */
    image: Input<string>;
    /** Entrypoint override. @default the image's */
    command?: string[];
    /** Arguments. @default the image's */
    args?: string[];
    /** Container ports; names are made DNS-1123 and unique. @default none */
    ports?: PortSpec[];
    /** The Service; `{ enabled: false }` for workers nobody calls. @default ClusterIP on every port */
    service?: ServiceSpec;
    /** Created only when the cluster has the VPA CRD. @default none */
    vpa?: VpaSpec;
    /** Created only when the cluster has the ServiceMonitor CRD. @default none */
    serviceMonitor?: ServiceMonitorOptions;
    /** Plain, non-sensitive env literals. Secrets go in `secret` or `secretEnv`. @default none */
    env?: Record<string, Input<string>>;
    /** Env from pod fields, e.g. `{ POD_NAME: "metadata.name" }`. @default none */
    fieldEnv?: Record<string, string>;
    /** Single env vars read from existing Secret keys, e.g. `REDIS_URL` <- `redis-credentials`/`url`. @default none */
    secretEnv?: Record<string, SecretKeySelector>;
    /** A ConfigMap this service owns, loaded with envFrom (or mounted at `mountPath`). @default none */
    config?: OwnedConfigMap;
    /** A Secret this service owns, loaded with envFrom. Values stay secret Outputs. @default none */
    secret?: OwnedSecret;
    /** Existing ConfigMaps/Secrets to load with envFrom. @default none */
    envFrom?: EnvFromSpec;
    /** Volumes of the main container. @default none (a /tmp emptyDir is always added) */
    volumes?: VolumeSpec[];
    /** Per-replica volumes: the workload becomes a StatefulSet. @default none (a Deployment) */
    replicaVolumes?: ReplicaVolumeSpec[];
    /** Keep PVCs (and StatefulSet claims) when the stack is destroyed or scaled down. @default true */
    retainVolumes?: boolean;
    /** Requests and limits of the main container. @default 100m/128Mi requests, 500m/512Mi limits */
    resources?: ResourceSpec;
    /** Health checks. @default none */
    probes?: ProbeSet;
    /** Security-context ids and opt-outs. @default non-root uid 10001, read-only root */
    security?: SecurityOptions;
    /** Spread, anti-affinity, node selection. @default spread by node, preferred anti-affinity */
    placement?: PodPlacement;
    /** The dedicated ServiceAccount and Role. @default a ServiceAccount named after the workload, no rules */
    serviceAccount?: ServiceAccountSpec;
    /** Allow-lists; the namespace default-deny blocks everything else. @default none */
    network?: NetworkSpec;
    /** Main container name. @default the workload name */
    containerName?: string;
    /** Names of the satellite objects, where a seed names them (`agent-hpa`, `agent-network-policy`). @default the workload name */
    objectNames?: ObjectNames;
    /** Extra labels on every object and pod (cannot override the selector). @default none */
    labels?: Labels;
    /** Pod template annotations. @default none */
    podAnnotations?: Record<string, string>;
    /** Annotations of the Deployment (or StatefulSet) object itself. @default none */
    workloadAnnotations?: Record<string, string>;
    /** CRD-backed APIs the cluster serves (VPA, ServiceMonitor, ...). @default none */
    capabilities?: ClusterCapabilities;
    /** Seconds a stopping pod gets before it is killed. @default 30 (Kubernetes) */
    terminationGracePeriodSeconds?: number;
    /** Main container's working directory (compose `working_dir`). @default the image's */
    workingDir?: string;
    /** Allocate a TTY for the main container (compose `tty`). @default false */
    tty?: boolean;
    /** Keep the main container's stdin open (compose `stdin_open`). @default false */
    stdin?: boolean;
    /** `false` stops Kubernetes injecting `<SVC>_PORT`-style env (it clashes with app env such as REDIS_PORT). @default unset (Kubernetes: true) */
    enableServiceLinks?: boolean;
}

/** The arguments of `AgentService`: a workload, plus how it scales and rolls out. */
export interface AgentServiceArgs extends WorkloadArgs {
    /** Static replica count; mutually exclusive with `hpa`. @default 1 */
    replicas?: number;
    /** How the Deployment replaces its pods. @default "RollingUpdate" (maxSurge 1, maxUnavailable 0) */
    strategy?: DeploymentStrategy;
    /** Autoscaling; mutually exclusive with `replicas`. @default none */
    hpa?: HpaSpec;
    /** The PodDisruptionBudget. @default maxUnavailable 1 when at least 2 replicas run, none otherwise; `{ enabled: false }` for none */
    pdb?: PdbSpec;
}
