import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { Labels, selectorLabels, standardLabels } from "./labels";
import { dns1123Problems, serviceUrl } from "./names";
import { TrafficRule, allowListPolicySpec } from "./network";
import { meshProxyFromAnnotations } from "./mesh-proxy";
import { ContainerSpec, DEFAULT_RESOURCES, PodPlacement, PortSpec, ProbeSet, ResourceSpec, SecurityOptions, buildContainer, buildPodSpec } from "./pod";
import { WorkloadFootprint, withSurge } from "./quota";
import { Problem, assertNoProblems, check } from "./problems";
import { QUANTITY_RULE, isQuantity } from "./quantity";
import { ServiceAccountSpec, createServiceAccount } from "./service-account";
import { ReplicaVolumeSpec, claimSpec, createStatefulSet } from "./stateful-set";
import { serviceMonitorSpec, ServiceMonitorOptions } from "./service-monitor";
import { PodTiming, rolloutTiming } from "./timeouts";

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
    /** Namespace (must exist; pass the PlatformNamespace as `dependsOn`). */
    namespace: string;
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

/** HPA rules: a floor of one, max >= min, at least one metric, utilisations in 1..100. */
function hpaProblems(h: HpaSpec): Problem[] {
    return [
        ...check(Number.isInteger(h.minReplicas) && h.minReplicas >= 1, "hpa.minReplicas", "must be an integer >= 1", h.minReplicas),
        ...check(h.maxReplicas >= h.minReplicas, "hpa.maxReplicas", `must be >= hpa.minReplicas (${h.minReplicas})`, h.maxReplicas),
        ...check(h.cpuUtilization !== undefined || h.memoryUtilization !== undefined || (h.podsMetrics ?? []).length > 0,
            "hpa", "needs at least one metric (cpuUtilization, memoryUtilization or podsMetrics)"),
        ...(["cpuUtilization", "memoryUtilization"] as const).flatMap((k) => {
            const v = h[k];
            return check(v === undefined || (v > 0 && v <= 100), `hpa.${k}`, "must be in 1..100 percent", v);
        }),
    ];
}

/** A PDB that leaves no pod evictable would block every node drain. */
function pdbProblems(a: AgentServiceArgs): Problem[] {
    const pdb = a.pdb;
    if (!pdb) return [];
    if ("minAvailable" in pdb && typeof pdb.minAvailable === "number") {
        const floor = minimumReplicas(a);
        return check(pdb.minAvailable < floor, "pdb.minAvailable", `must be < the minimum replica count (${floor}) or no pod can ever be evicted`, pdb.minAvailable);
    }
    if ("maxUnavailable" in pdb && typeof pdb.maxUnavailable === "number") {
        return check(pdb.maxUnavailable >= 1, "pdb.maxUnavailable", "must be >= 1 or no pod can ever be evicted", pdb.maxUnavailable);
    }
    return [];
}

/** Volume names unique across volumes and replicaVolumes; one source each; sizes are quantities. */
function volumeProblems(a: AgentServiceArgs): Problem[] {
    const p: Problem[] = [];
    const seen = new Set<string>();
    const unique = (path: string, n: string) => {
        p.push(...check(!seen.has(n), path, "must be unique across volumes and replicaVolumes", n));
        seen.add(n);
    };
    (a.volumes ?? []).forEach((v, i) => {
        unique(`volumes[${i}].name`, v.name);
        const sources = [v.claim, v.existingClaim, v.emptyDir, v.configMap, v.secret].filter((s) => s !== undefined).length;
        p.push(...check(sources === 1, `volumes[${i}]`, `("${v.name}") must have exactly one source (claim, existingClaim, emptyDir, configMap, secret)`, sources));
        if (v.claim) p.push(...check(isQuantity(v.claim.size), `volumes[${i}].claim.size`, QUANTITY_RULE("10Gi"), v.claim.size));
    });
    (a.replicaVolumes ?? []).forEach((v, i) => {
        unique(`replicaVolumes[${i}].name`, v.name);
        p.push(...check(isQuantity(v.size), `replicaVolumes[${i}].size`, QUANTITY_RULE("10Gi"), v.size));
    });
    return p;
}

/** Every rule an AgentService's args must satisfy, as data (path, rule, value); empty when valid. */
export function agentServiceProblems(name: string, a: AgentServiceArgs): Problem[] {
    const named: [string, string][] = [["name", a.name ?? name], ["namespace", a.namespace],
        ...(a.containerName ? [["containerName", a.containerName] as [string, string]] : []),
        ...Object.entries(a.objectNames ?? {}).filter(([, v]) => v !== undefined).map(([k, v]) => [`objectNames.${k}`, v as string] as [string, string])];
    return [
        ...dns1123Problems(named),
        ...check(!(a.replicas !== undefined && a.hpa), "replicas", "and hpa are mutually exclusive: the HPA owns the replica count"),
        ...check(a.replicas === undefined || (Number.isInteger(a.replicas) && a.replicas >= 0), "replicas", "must be an integer >= 0", a.replicas),
        ...(a.hpa ? hpaProblems(a.hpa) : []),
        ...check(!(a.strategy === "Recreate" && a.hpa), "strategy", "Recreate cannot be combined with an hpa"),
        ...pdbProblems(a),
        ...volumeProblems(a),
        ...check(a.service === false || a.service?.type === undefined || (a.ports ?? []).length > 0 || (a.service.ports ?? []).length > 0,
            "service", "needs ports: set ports or service: false"),
        ...check(!a.serviceMonitor || (a.ports ?? []).length > 0, "serviceMonitor", "needs a port to scrape"),
        ...check(a.security?.runAsUser !== 0 || a.security.runAsNonRoot === false, "security.runAsUser",
            "0 (root) needs security.runAsNonRoot: false", a.security?.runAsUser),
        ...Object.entries(a.service ? (a.service.nodePorts ?? {}) : {}).flatMap(([port, n]) =>
            check(Number.isInteger(n) && n >= 30000 && n <= 32767, `service.nodePorts.${port}`, "must be a port in 30000-32767", n)),
    ];
}

/** The minimum number of replicas the workload runs at (what a PDB must leave room under). */
export function minimumReplicas(a: AgentServiceArgs): number {
    return a.hpa ? a.hpa.minReplicas : (a.replicas ?? 1);
}

/** The default PDB: allow one pod down when at least two run; none for a single replica. */
export function defaultPdb(a: AgentServiceArgs): PdbSpec | undefined {
    if (a.pdb === false) return undefined;
    if (a.pdb) return a.pdb;
    return minimumReplicas(a) >= 2 ? { maxUnavailable: 1 } : undefined;
}

export function hpaMetrics(h: HpaSpec): k8s.types.input.autoscaling.v2.MetricSpec[] {
    const metrics: k8s.types.input.autoscaling.v2.MetricSpec[] = [];
    if (h.cpuUtilization !== undefined) metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: h.cpuUtilization } } });
    if (h.memoryUtilization !== undefined) metrics.push({ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: h.memoryUtilization } } });
    for (const m of h.podsMetrics ?? []) metrics.push({ type: "Pods", pods: { metric: { name: m.name }, target: { type: "AverageValue", averageValue: m.averageValue } } });
    return metrics;
}

/** The main container's spec, env wiring included. */
export function agentContainerSpec(workload: string, a: AgentServiceArgs): ContainerSpec {
    const env: k8s.types.input.core.v1.EnvVar[] = [];
    for (const [k, path] of Object.entries(a.fieldEnv ?? {}).sort()) env.push({ name: k, valueFrom: { fieldRef: { fieldPath: path } } });
    for (const [k, v] of Object.entries(a.env ?? {}).sort(([x], [y]) => x.localeCompare(y))) env.push({ name: k, value: v });
    for (const [k, ref] of Object.entries(a.secretEnv ?? {}).sort(([x], [y]) => x.localeCompare(y))) {
        env.push({ name: k, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } });
    }
    const envFrom: k8s.types.input.core.v1.EnvFromSource[] = [];
    if (a.config && !a.config.mountPath) envFrom.push({ configMapRef: { name: a.config.name } });
    for (const cm of a.envFrom?.configMaps ?? []) envFrom.push({ configMapRef: { name: cm } });
    if (a.secret) envFrom.push({ secretRef: { name: a.secret.name } });
    for (const s of a.envFrom?.secrets ?? []) envFrom.push({ secretRef: { name: s } });
    const mounts: k8s.types.input.core.v1.VolumeMount[] = [
        ...(a.volumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath, ...(v.readOnly ? { readOnly: true } : {}), ...(v.subPath ? { subPath: v.subPath } : {}) })),
        ...(a.replicaVolumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath })),
        ...(a.config?.mountPath ? [{ name: "config", mountPath: a.config.mountPath, readOnly: true }] : []),
    ];
    return {
        name: a.containerName ?? workload,
        image: a.image,
        command: a.command,
        args: a.args,
        ports: a.ports,
        env,
        envFrom,
        volumeMounts: mounts,
        resources: a.resources,
        probes: a.probes,
        security: a.security,
        workingDir: a.workingDir,
        tty: a.tty,
        stdin: a.stdin,
    };
}

export function podVolumes(a: AgentServiceArgs): k8s.types.input.core.v1.Volume[] {
    const vols: k8s.types.input.core.v1.Volume[] = (a.volumes ?? []).map((v) => {
        if (v.claim) return { name: v.name, persistentVolumeClaim: { claimName: v.claim.name } };
        if (v.existingClaim) return { name: v.name, persistentVolumeClaim: { claimName: v.existingClaim } };
        if (v.configMap) return { name: v.name, configMap: { name: v.configMap } };
        if (v.secret) return { name: v.name, secret: { secretName: v.secret } };
        return { name: v.name, emptyDir: { ...(v.emptyDir?.sizeLimit ? { sizeLimit: v.emptyDir.sizeLimit } : {}), ...(v.emptyDir?.medium ? { medium: v.emptyDir.medium } : {}) } };
    });
    if (a.config?.mountPath) vols.push({ name: "config", configMap: { name: a.config.name } });
    return vols;
}

/** Service ports: explicit ones, or every container port at its own number. */
export function servicePorts(a: AgentServiceArgs, containerPortNames: string[]): k8s.types.input.core.v1.ServicePort[] {
    const svc = a.service === false ? undefined : a.service;
    if (svc?.ports?.length) {
        return svc.ports.map((p, i) => ({ name: p.name ?? containerPortNames[i] ?? `port-${p.port}`, port: p.port, targetPort: p.targetPort ?? p.port, protocol: "TCP" }));
    }
    return (a.ports ?? []).map((p, i) => ({ name: containerPortNames[i], port: p.containerPort, targetPort: containerPortNames[i], protocol: p.protocol ?? "TCP" }));
}

/**
 * The workload at its largest, for quotas: the HPA maximum (or the replica count), plus the one
 * surge pod a rolling Deployment adds (a StatefulSet or a Recreate rollout adds none), its claims,
 * and the mesh proxy its annotations size.
 */
export function agentServiceFootprint(a: AgentServiceArgs): WorkloadFootprint {
    const replicaVolumes = a.replicaVolumes ?? [];
    const statefulSet = replicaVolumes.length > 0;
    const max = a.hpa ? a.hpa.maxReplicas : (a.replicas ?? 1);
    const claims = [
        ...(a.volumes ?? []).flatMap((v) => (v.claim ? [v.claim.size] : [])),
        ...Array.from({ length: statefulSet ? max : 0 }, () => replicaVolumes.map((v) => v.size)).flat(),
    ];
    const meshSidecar = meshProxyFromAnnotations(a.podAnnotations);
    return {
        pods: statefulSet || a.strategy === "Recreate" ? max : withSurge(max),
        resources: a.resources ?? DEFAULT_RESOURCES,
        ...(claims.length ? { claims } : {}),
        ...(meshSidecar ? { meshSidecar } : {}),
    };
}

/** The Service spec: type, ports (with NodePort numbers), headless when asked. */
export function serviceSpec(a: AgentServiceArgs, selector: Labels, ports: k8s.types.input.core.v1.ServicePort[]): k8s.types.input.core.v1.ServiceSpec {
    const svc = a.service === false ? {} : (a.service ?? {});
    const nodePorts = svc.nodePorts ?? {};
    return {
        type: svc.type ?? "ClusterIP",
        selector,
        ports: ports.map((p) => (nodePorts[p.name as string] ? { ...p, nodePort: nodePorts[p.name as string] } : p)),
        ...(svc.headless ? { clusterIP: "None" } : {}),
    };
}

/** The Deployment's rollout: Recreate, or a surge of one with nobody unavailable. */
export function deploymentStrategy(a: AgentServiceArgs) {
    return a.strategy === "Recreate" ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
}

type Meta = (objName: string, extra?: Record<string, unknown>) => { name: string; namespace: string; labels: Labels };

/** What the workload reads at start: its ConfigMap, Secret and owned claims. */
function createOwnedObjects(name: string, a: AgentServiceArgs, meta: Meta, parent: pulumi.Resource): pulumi.Resource[] {
    const deps: pulumi.Resource[] = [];
    if (a.config) deps.push(new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: meta(a.config.name), data: a.config.data }, { parent }));
    if (a.secret) {
        deps.push(new k8s.core.v1.Secret(`${name}-secret`, {
            metadata: meta(a.secret.name),
            type: "Opaque",
            stringData: pulumi.secret(a.secret.data as Record<string, Input<string>>) as unknown as Record<string, Input<string>>,
        }, { parent }));
    }
    for (const v of a.volumes ?? []) {
        if (!v.claim) continue;
        deps.push(new k8s.core.v1.PersistentVolumeClaim(`${name}-${v.name}-pvc`, {
            metadata: meta(v.claim.name),
            spec: { ...claimSpec(v.claim.size, v.claim.storageClassName), accessModes: v.claim.accessModes ?? ["ReadWriteOnce"] },
        }, { parent, retainOnDelete: a.retainVolumes ?? true }));
    }
    return deps;
}

/** HPA, PDB, VPA (CRD-gated), ServiceMonitor (CRD-gated) and the NetworkPolicy around the workload. */
function createSatellites(name: string, a: AgentServiceArgs, self: AgentService, meta: Meta, service: k8s.core.v1.Service | undefined): void {
    const child = { parent: self };
    const ns = a.namespace;
    const workload = self.workloadName;
    const target = { apiVersion: "apps/v1", kind: self.kind, name: workload };
    if (a.hpa) {
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, {
            metadata: meta(a.objectNames?.hpa ?? workload),
            spec: { scaleTargetRef: target, minReplicas: a.hpa.minReplicas, maxReplicas: a.hpa.maxReplicas, metrics: hpaMetrics(a.hpa), ...(a.hpa.behavior ? { behavior: a.hpa.behavior } : {}) },
        }, { parent: self, dependsOn: [self.workload] });
    }
    const pdb = defaultPdb(a);
    if (pdb) {
        new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, { metadata: meta(a.objectNames?.pdb ?? workload), spec: { selector: { matchLabels: self.selector }, ...pdb } }, child);
    }
    if (a.vpa && crdAvailable(a.capabilities, "vpa", `VerticalPodAutoscaler ${ns}/${workload}`, self)) {
        const { minAllowed, maxAllowed } = a.vpa;
        new k8s.apiextensions.CustomResource(`${name}-vpa`, {
            apiVersion: "autoscaling.k8s.io/v1",
            kind: "VerticalPodAutoscaler",
            metadata: meta(a.objectNames?.vpa ?? workload),
            spec: {
                targetRef: target,
                updatePolicy: { updateMode: a.vpa.updateMode },
                // The workload's own container (seed 002 names it); `*` Off keeps the VPA off injected sidecars.
                resourcePolicy: { containerPolicies: [{ containerName: a.containerName ?? workload, ...(minAllowed ? { minAllowed } : {}), ...(maxAllowed ? { maxAllowed } : {}) }, { containerName: "*", mode: "Off" }] },
            },
        }, { parent: self, dependsOn: [self.workload] });
    }
    if (a.serviceMonitor && service && crdAvailable(a.capabilities, "serviceMonitor", `ServiceMonitor ${ns}/${a.serviceMonitor.name ?? workload}`, self)) {
        new k8s.apiextensions.CustomResource(`${name}-monitor`, {
            apiVersion: "monitoring.coreos.com/v1",
            kind: "ServiceMonitor",
            metadata: meta(a.serviceMonitor.name ?? workload),
            spec: serviceMonitorSpec(self.selector, a.serviceMonitor),
        }, { parent: self, dependsOn: [service] });
    }
    const net = a.network ?? {};
    if ((net.ingress ?? []).length || (net.egress ?? []).length || net.isolateIngress) {
        new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, {
            metadata: meta(a.objectNames?.networkPolicy ?? workload),
            spec: allowListPolicySpec(self.selector, net.ingress ?? [], net.egress ?? [], { isolateIngress: net.isolateIngress }),
        }, child);
    }
}

/**
 * The universal workload: Deployment (or StatefulSet with per-replica volumes), Service,
 * dedicated ServiceAccount + Role, HPA, PDB, VPA, ServiceMonitor, NetworkPolicy, env
 * ConfigMap/Secret and PVCs, all hardened by default.
 */
export class AgentService extends pulumi.ComponentResource {
    /** Kubernetes name of the workload. */
    public readonly workloadName: string;
    public readonly kind: "Deployment" | "StatefulSet";
    /** Service name, when there is a Service. */
    public readonly serviceName?: string;
    /** `http://<svc>.<ns>.svc.cluster.local:<port>` for the first Service port. */
    public readonly url?: string;
    public readonly workload: k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet;
    /** Pod selector labels (for NetworkPolicy peers and monitors). */
    public readonly selector: Labels;

    constructor(name: string, args: AgentServiceArgs, opts?: pulumi.ComponentResourceOptions, type = "agent-platform:kube:AgentService") {
        assertNoProblems(type.split(":").pop() as string, name, agentServiceProblems(name, args));
        super(type, name, {}, opts);
        const a = args;
        const ns = a.namespace;
        const workload = a.name ?? name;
        this.workloadName = workload;
        this.kind = (a.replicaVolumes ?? []).length > 0 ? "StatefulSet" : "Deployment";
        const selector = selectorLabels(workload);
        this.selector = selector;
        const labels = standardLabels(workload, { partOf: a.partOf, component: a.component, extra: a.labels });
        const meta: Meta = (objName, extra = {}) => ({ name: objName, namespace: ns, labels, ...extra });

        const sa = createServiceAccount(name, ns, workload, labels, a.serviceAccount ?? {}, this);
        const deps: pulumi.Resource[] = [sa.resource, ...createOwnedObjects(name, a, meta, this)];
        const container = buildContainer(agentContainerSpec(workload, a));
        const template = {
            metadata: { labels, ...(a.podAnnotations ? { annotations: a.podAnnotations } : {}) },
            spec: buildPodSpec({
                containers: [container],
                serviceAccountName: sa.name,
                automountServiceAccountToken: sa.automountToken,
                volumes: podVolumes(a),
                selector,
                placement: a.placement,
                security: a.security,
                terminationGracePeriodSeconds: a.terminationGracePeriodSeconds,
                enableServiceLinks: a.enableServiceLinks,
            }),
        };
        const replicas = a.hpa ? undefined : (a.replicas ?? 1);

        let service: k8s.core.v1.Service | undefined;
        const ports = servicePorts(a, (container.ports as { name: string }[]).map((p) => p.name));
        if (a.service !== false && ports.length) {
            const svc = a.service ?? {};
            this.serviceName = svc.name ?? workload;
            service = new k8s.core.v1.Service(`${name}-svc`, {
                metadata: meta(this.serviceName, svc.annotations ? { annotations: svc.annotations } : {}),
                spec: serviceSpec(a, selector, ports),
            }, { parent: this });
            this.url = serviceUrl("http", this.serviceName, ns, ports[0].port as number);
        }

        const workloadMeta = meta(workload, a.workloadAnnotations ? { annotations: a.workloadAnnotations } : {});
        if (this.kind === "StatefulSet") {
            this.workload = createStatefulSet(name, {
                namespace: ns, name: workload, headlessServiceName: `${workload}-headless`, ports, labels, selector, replicas, maxReplicas: a.hpa?.maxReplicas,
                annotations: a.workloadAnnotations, podManagementPolicy: "Parallel", retainVolumes: a.retainVolumes ?? true,
                template, claims: a.replicaVolumes ?? [], dependsOn: deps,
            }, this).statefulSet;
        } else {
            // Probe-derived await (components/kube/timeouts.ts): slow starters outlast the 10-minute defaults.
            const timing = rolloutTiming(template.spec as PodTiming, { kind: "Deployment", replicas: a.hpa?.maxReplicas ?? replicas ?? 1, strategy: deploymentStrategy(a) });
            this.workload = new k8s.apps.v1.Deployment(`${name}-deploy`, {
                metadata: workloadMeta,
                spec: { ...(replicas !== undefined ? { replicas } : {}), revisionHistoryLimit: 5, ...timing.spec, selector: { matchLabels: selector }, strategy: deploymentStrategy(a), template },
            }, { parent: this, dependsOn: deps, customTimeouts: timing.customTimeouts });
        }
        createSatellites(name, a, this, meta, service);
        this.registerOutputs({ workloadName: workload, serviceName: this.serviceName, url: this.url });
    }
}
