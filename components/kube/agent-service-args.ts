/** The arguments of `AgentService` (a long-running agent Deployment with its Service, scaling and policies). */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities } from "./capabilities";
import { Labels } from "./labels";
import { NamespaceInput } from "./namespace-ref";
import { TrafficRule } from "./network";
import { PodPlacement, PortSpec, ProbeSet, ResourceSpec, SecurityOptions } from "./pod";
import { ServiceAccountSpec } from "./service-account";
import { ReplicaVolumeSpec } from "./stateful-set";
import { ServiceMonitorOptions } from "./service-monitor";

type Input<T> = pulumi.Input<T>;

/** A Pods metric served by a custom-metrics adapter (e.g. seed 002's `active_tasks_per_pod`). */
export interface PodsMetric {
    name: string;
    /** Target average per pod, as a quantity string (`"5"`). */
    averageValue: string;
}

export interface HpaSpec {
    minReplicas: number;
    maxReplicas: number;
    /** Target average CPU utilisation, percent of requests. */
    cpuUtilization?: number;
    /** Target average memory utilisation, percent of requests. */
    memoryUtilization?: number;
    podsMetrics?: PodsMetric[];
    /** autoscaling/v2 scale-up/scale-down behaviour, passed through. */
    behavior?: k8s.types.input.autoscaling.v2.HorizontalPodAutoscalerBehavior;
}

/** Exactly one of the two; numbers or percentages (`"50%"`). */
export type PdbSpec = { minAvailable: number | string } | { maxUnavailable: number | string };

export interface VpaSpec {
    /** `Off` only recommends (seed 003), `Auto` applies (seed 002). */
    updateMode: "Off" | "Initial" | "Recreate" | "Auto";
    minAllowed?: { cpu: string; memory: string };
    maxAllowed?: { cpu: string; memory: string };
}

export interface ClaimSpec {
    /** PVC name, stable (seed names such as `claude-sessions-pvc`). */
    name: string;
    /** e.g. `10Gi` */
    size: string;
    storageClassName?: string;
    /** @default ["ReadWriteOnce"] */
    accessModes?: string[];
}

/** A volume mounted into the main container. Exactly one source. */
export interface VolumeSpec {
    name: string;
    mountPath: string;
    readOnly?: boolean;
    subPath?: string;
    /** A PersistentVolumeClaim this service owns. */
    claim?: ClaimSpec;
    /** An existing PVC by name. */
    existingClaim?: string;
    emptyDir?: { sizeLimit?: string; medium?: "Memory" };
    /** ConfigMap mounted as files. */
    configMap?: string;
    secret?: string;
}

export interface ServicePortSpec {
    /** Port the Service listens on. */
    port: number;
    /** Container port name or number. @default the port */
    targetPort?: number | string;
    name?: string;
}

export interface ServiceSpec {
    /** Service name other workloads resolve. @default the workload name */
    name?: string;
    /** @default "ClusterIP" */
    type?: "ClusterIP" | "NodePort" | "LoadBalancer";
    /** @default every container port at its own number */
    ports?: ServicePortSpec[];
    annotations?: Record<string, string>;
    /** A headless Service (`clusterIP: None`): DNS returns the pods, no virtual IP. @default false */
    headless?: boolean;
    /** NodePort numbers by Service port name (type NodePort; 30000-32767). @default assigned by the cluster */
    nodePorts?: Record<string, number>;
}

/** Allow-lists of the workload's NetworkPolicy. */
export interface NetworkSpec {
    ingress?: TrafficRule[];
    egress?: TrafficRule[];
    /**
     * Isolate ingress even without ingress rules (nobody may connect), so the policy holds without a
     * namespace default-deny. @default false: only the directions with rules are restricted here
     */
    isolateIngress?: boolean;
}

export interface AgentServiceArgs {
    /**
     * The namespace: a PlatformNamespace (the workload then waits for it), or a name, plain or an
     * Output (a plain name must exist already, or be ordered with `dependsOn`).
     */
    namespace: NamespaceInput;
    /** Kubernetes name of the workload. @default the component name */
    name?: string;
    /** `app.kubernetes.io/part-of`: the system. */
    partOf?: string;
    /** `app.kubernetes.io/component`, e.g. `worker`. */
    component?: string;
    image: Input<string>;
    command?: string[];
    args?: string[];
    /** Container ports; names are made DNS-1123 and unique. */
    ports?: PortSpec[];
    /** The Service; `false` for workers nobody calls. @default ClusterIP on every port */
    service?: ServiceSpec | false;
    /** Static replica count; mutually exclusive with `hpa`. @default 1 */
    replicas?: number;
    /** @default "RollingUpdate" (maxSurge 1, maxUnavailable 0) */
    strategy?: "RollingUpdate" | "Recreate";
    hpa?: HpaSpec;
    /** @default maxUnavailable 1 when at least 2 replicas run, none otherwise; `false` for none */
    pdb?: PdbSpec | false;
    /** Created only when the cluster has the VPA CRD. */
    vpa?: VpaSpec;
    /** Created only when the cluster has the ServiceMonitor CRD. */
    serviceMonitor?: ServiceMonitorOptions;
    /** Plain, non-sensitive env literals. Secrets go in `secret` or `secretEnv`. */
    env?: Record<string, Input<string>>;
    /** Env from pod fields, e.g. `{ POD_NAME: "metadata.name" }`. */
    fieldEnv?: Record<string, string>;
    /** Single env vars read from existing Secret keys, e.g. `REDIS_URL` <- `redis-credentials`/`url`. */
    secretEnv?: Record<string, { secret: string; key: string }>;
    /** A ConfigMap this service owns, loaded with envFrom (or mounted at `mountPath`). */
    config?: { name: string; data: Record<string, string>; mountPath?: string };
    /** A Secret this service owns, loaded with envFrom. Values stay secret Outputs. */
    secret?: { name: string; data: Record<string, Input<string>> };
    /** Existing ConfigMaps/Secrets to load with envFrom. */
    envFrom?: { configMaps?: string[]; secrets?: string[] };
    volumes?: VolumeSpec[];
    replicaVolumes?: ReplicaVolumeSpec[];
    /** Keep PVCs (and StatefulSet claims) when the stack is destroyed or scaled down. @default true */
    retainVolumes?: boolean;
    resources?: ResourceSpec;
    probes?: ProbeSet;
    security?: SecurityOptions;
    placement?: PodPlacement;
    serviceAccount?: ServiceAccountSpec;
    /** Allow-lists; the namespace default-deny blocks everything else. */
    network?: NetworkSpec;
    /** Main container name. @default the workload name */
    containerName?: string;
    /** Names of the satellite objects, where a seed names them (`agent-hpa`, `agent-network-policy`). @default the workload name */
    objectNames?: { hpa?: string; vpa?: string; pdb?: string; networkPolicy?: string };
    /** Extra labels on every object and pod (cannot override the selector). */
    labels?: Labels;
    podAnnotations?: Record<string, string>;
    /** Annotations of the Deployment (or StatefulSet) object itself. @default none */
    workloadAnnotations?: Record<string, string>;
    capabilities?: ClusterCapabilities;
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
