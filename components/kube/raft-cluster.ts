import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Labels, RAFT_LABEL, selectorLabels, standardLabels } from "./labels";
import { dns1123Problems, podHost, serviceUrl } from "./names";
import { NamespaceInput, knownNamespace, knownNamespaceNames, namespaceName, ofNamespace } from "./namespace-ref";
import { TrafficRule, allowListPolicySpec } from "./network";
import { DEFAULT_RESOURCES, PodPlacement, ProbeSet, ResourceSpec, SecurityOptions, buildContainer, buildPodSpec } from "./pod";
import type { WorkloadFootprint } from "./quota";
import { Problem, assertNoProblems, check } from "./problems";
import { ServiceAccountSpec, createServiceAccount } from "./service-account";
import { ReplicaVolumeSpec, StatefulSetArgs, createStatefulSet } from "./stateful-set";
import { serviceAnnotations } from "./service-await";
import { componentType, withOldTypeAlias } from "./type-token";
import { EnvFromSpec, SecretKeySelector } from "./agent-service-args";

type Input<T> = pulumi.Input<T>;

// seed 001: inquisitor serves HTTP on 8000 and Raft on 4321, health on /health, readiness on /ready.
export const DEFAULT_HTTP_PORT = 8000;
export const DEFAULT_RAFT_PORT = 4321;
export const DEFAULT_RAFT_PROBES: ProbeSet = {
    liveness: { path: "/health", portName: "http" },
    readiness: { path: "/ready", portName: "http" },
    startup: { path: "/health", portName: "http" },
};

/** How the Raft cluster's client Service is exposed. */
export const ClientServiceType = {
    ClusterIP: "ClusterIP",
    LoadBalancer: "LoadBalancer",
} as const;
/** How the Raft cluster's client Service is exposed: `ClusterIP` or `LoadBalancer`. */
export type ClientServiceType = (typeof ClientServiceType)[keyof typeof ClientServiceType];

/** The Raft cluster's client Service. */
export interface RaftClientService {
    /** Service name. @default the cluster name */
    name?: string;
    /** How the Service is exposed. @default "ClusterIP" */
    type?: ClientServiceType;
    /** Port clients use (to the members' http port). @default 80 */
    port?: number;
    /** Service annotations. @default none */
    annotations?: Record<string, string>;
    /** Client ranges a LoadBalancer admits (`spec.loadBalancerSourceRanges`). @default any */
    loadBalancerSourceRanges?: string[];
}

/** The arguments of `RaftCluster`. */
export interface RaftClusterArgs {
    /**
     * The namespace: a PlatformNamespace (the cluster then waits for it), or a name, plain or an
     * Output (which carries its own dependency). It must exist.
     */
    namespace: NamespaceInput;
    /** StatefulSet name; pods are `<name>-0..n-1`. @default the component name */
    name?: string;
    /** `app.kubernetes.io/part-of`: the system. @default none */
    partOf?: string;
    /** Member image. */
    image: Input<string>;
    /** Entrypoint override. @default the image's */
    command?: string[];
    /** Arguments. @default the image's */
    args?: string[];
    /** Cluster size 2f+1: odd and >= 3 (tolerates f failures). */
    replicas: number;
    /** Client (HTTP) port of each member. @default 8000 */
    httpPort?: number;
    /** Peer (Raft) port of each member. @default 4321 */
    raftPort?: number;
    /** Per-replica volumes (at least one, for the Raft log). */
    volumes: ReplicaVolumeSpec[];
    /** The client Service. @default ClusterIP named like the cluster, port 80 -> http */
    clientService?: RaftClientService;
    /** Headless Service giving the members stable DNS names. @default `<name>-headless` */
    headlessServiceName?: string;
    /** Env var carrying the comma-separated peer addresses. @default "RAFT_PEERS" */
    peersEnvVar?: string;
    /** Env var carrying the stable node id (the pod name, e.g. `inquisitor-0`). @default "NODE_ID" */
    nodeIdEnvVar?: string;
    /** Plain env literals. @default none */
    env?: Record<string, Input<string>>;
    /** Env vars read from existing Secret keys. @default none */
    secretEnv?: Record<string, SecretKeySelector>;
    /** Existing ConfigMaps/Secrets to load with envFrom. @default none */
    envFrom?: EnvFromSpec;
    /** Requests and limits of each member. @default 100m/128Mi requests, 500m/512Mi limits */
    resources?: ResourceSpec;
    /** Health checks. @default GET /health (liveness, startup) and /ready (readiness) on http */
    probes?: ProbeSet;
    /** Security-context ids and opt-outs. @default non-root uid 10001, read-only root */
    security?: SecurityOptions;
    /** Spread and anti-affinity. @default spread by node, preferred anti-affinity */
    placement?: PodPlacement;
    /** The dedicated ServiceAccount and Role. @default a ServiceAccount named after the cluster */
    serviceAccount?: ServiceAccountSpec;
    /** Extra ingress allow rules (Raft peer traffic between members is always allowed). @default none */
    ingress?: TrafficRule[];
    /** Egress allow rules. @default none (peer traffic only) */
    egress?: TrafficRule[];
    /** Keep each replica's claims when the stack is destroyed or scaled down. @default true */
    retainVolumes?: boolean;
    /** Extra labels on every object and pod. @default none */
    labels?: Labels;
    /** Pod template annotations. @default none */
    podAnnotations?: Record<string, string>;
}

/** Failures a cluster of `replicas` members tolerates: f in 2f+1. */
export function raftFaultTolerance(replicas: number): number {
    return Math.floor((replicas - 1) / 2);
}

/** True when `replicas` is a legal Raft cluster size: odd and >= 3 (2f+1). */
export function isRaftSize(replicas: number): boolean {
    return Number.isInteger(replicas) && replicas >= 3 && replicas % 2 === 1;
}

export const RAFT_SIZE_RULE = "must be odd and >= 3 (2f+1)";

/** Every rule the args must satisfy, as data (path, rule, value). */
export function raftClusterProblems(name: string, a: RaftClusterArgs): Problem[] {
    return [
        ...dns1123Problems([["name", a.name ?? name], ...knownNamespaceNames(a.namespace)]),
        ...check(isRaftSize(a.replicas), "replicas", RAFT_SIZE_RULE, a.replicas),
        ...check(a.volumes.length > 0, "volumes", "must name at least one per-replica volume for the Raft log", a.volumes),
    ];
}

/** Every member at once (members roll one at a time, no surge), each with its per-replica claims; for quotas. */
export function raftClusterFootprint(a: RaftClusterArgs): WorkloadFootprint {
    return {
        pods: a.replicas,
        resources: a.resources ?? DEFAULT_RESOURCES,
        claims: Array.from({ length: a.replicas }, () => a.volumes.map((v) => v.size)).flat(),
    };
}

/** Stable peer addresses: `<name>-<i>.<headless>.<ns>.svc.cluster.local:<port>`, joined by commas. */
export function raftPeers(name: string, headless: string, namespace: string, replicas: number, port: number): string {
    return Array.from({ length: replicas }, (_, i) => `${podHost(name, i, headless, namespace)}:${port}`).join(",");
}

/** The member container: peer list, node id and cluster size in env, http and raft ports, per-replica mounts. */
function raftContainer(sts: string, a: RaftClusterArgs, peers: Input<string>, httpPort: number, raftPort: number) {
    const env: k8s.types.input.core.v1.EnvVar[] = [
        { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
        // The pod name is the stable Raft node id (`inquisitor-0`), and it is the DNS label under the headless Service.
        { name: a.nodeIdEnvVar ?? "NODE_ID", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
        { name: a.peersEnvVar ?? "RAFT_PEERS", value: peers },
        { name: "RAFT_PORT", value: String(raftPort) },
        { name: "CLUSTER_SIZE", value: String(a.replicas) },
        ...Object.entries(a.env ?? {})
            .sort(([x], [y]) => x.localeCompare(y))
            .map(([k, v]) => ({ name: k, value: v })),
        ...Object.entries(a.secretEnv ?? {})
            .sort(([x], [y]) => x.localeCompare(y))
            .map(([k, r]) => ({ name: k, valueFrom: { secretKeyRef: { name: r.secret, key: r.key } } })),
    ];
    const envFrom = [
        ...(a.envFrom?.configMaps ?? []).map((n) => ({ configMapRef: { name: n } })),
        ...(a.envFrom?.secrets ?? []).map((n) => ({ secretRef: { name: n } })),
    ];
    return buildContainer({
        name: sts,
        image: a.image,
        command: a.command,
        args: a.args,
        ports: [
            { name: "http", containerPort: httpPort },
            { name: "raft", containerPort: raftPort },
        ],
        env,
        envFrom,
        volumeMounts: a.volumes.map((v) => ({ name: v.name, mountPath: v.mountPath })),
        resources: a.resources,
        probes: a.probes ?? DEFAULT_RAFT_PROBES,
        security: a.security,
    });
}

/** The members' pod spec: one container, required anti-affinity (one member per node), the given security. */
function raftPodSpec(a: RaftClusterArgs, container: ReturnType<typeof raftContainer>, sa: { name: string; automountToken: boolean }, selector: Labels) {
    return buildPodSpec({
        containers: [container],
        serviceAccountName: sa.name,
        automountServiceAccountToken: sa.automountToken,
        selector,
        placement: { antiAffinity: "required", ...(a.placement ?? {}) },
        security: a.security,
    });
}

/** What a cluster is called and where it listens, derived once from its args. */
interface RaftNames {
    sts: string;
    headless: string;
    clientName: string;
    clientPort: number;
    httpPort: number;
    raftPort: number;
    selector: Labels;
    labels: Labels;
    meta: (n: string, extra?: Record<string, unknown>) => Record<string, unknown>;
}

function raftNames(name: string, a: RaftClusterArgs): RaftNames {
    const sts = a.name ?? name;
    const labels = standardLabels(sts, { partOf: a.partOf, component: "raft", extra: { ...(a.labels ?? {}), [RAFT_LABEL]: "true" } });
    return {
        sts,
        headless: a.headlessServiceName ?? `${sts}-headless`,
        clientName: a.clientService?.name ?? sts,
        clientPort: a.clientService?.port ?? 80,
        httpPort: a.httpPort ?? DEFAULT_HTTP_PORT,
        raftPort: a.raftPort ?? DEFAULT_RAFT_PORT,
        selector: selectorLabels(sts),
        labels,
        meta: (n, extra = {}) => ({ name: n, namespace: namespaceName(a.namespace), labels, ...extra }),
    };
}

/** The members' StatefulSet: per-replica claims, a headless Service publishing not-ready members, all started at once. */
function raftStatefulSet(
    a: RaftClusterArgs,
    n: RaftNames,
    peers: Input<string>,
    sa: { name: string; automountToken: boolean; resource: pulumi.Resource },
): StatefulSetArgs {
    return {
        namespace: namespaceName(a.namespace),
        name: n.sts,
        headlessServiceName: n.headless,
        ports: [
            { name: "http", port: n.httpPort, targetPort: "http" },
            { name: "raft", port: n.raftPort, targetPort: "raft" },
        ],
        // Members must find each other before any is ready.
        publishNotReadyAddresses: true,
        labels: n.labels,
        selector: n.selector,
        replicas: a.replicas,
        // Members must start together to elect a leader; OrderedReady would wait for a readiness that needs quorum.
        podManagementPolicy: "Parallel",
        retainVolumes: a.retainVolumes ?? true,
        template: {
            metadata: { labels: n.labels, ...(a.podAnnotations ? { annotations: a.podAnnotations } : {}) },
            spec: raftPodSpec(a, raftContainer(n.sts, a, peers, n.httpPort, n.raftPort), sa, n.selector),
        },
        claims: a.volumes,
        dependsOn: [sa.resource],
    };
}

/** The client Service: ClusterIP (or a LoadBalancer admitting only its source ranges) on the members' http port. */
function raftClientService(a: RaftClusterArgs, n: RaftNames): k8s.core.v1.ServiceArgs {
    const client = a.clientService ?? {};
    return {
        metadata: n.meta(n.clientName, { annotations: serviceAnnotations(client.type, client.annotations) }),
        spec: {
            type: client.type ?? "ClusterIP",
            selector: n.selector,
            ports: [{ name: "http", port: n.clientPort, targetPort: "http" }],
            ...(client.type === "LoadBalancer" && client.loadBalancerSourceRanges ? { loadBalancerSourceRanges: client.loadBalancerSourceRanges } : {}),
        },
    };
}

/** Raft traffic between the members both ways, plus the extra rules of the args. */
function raftPolicySpec(a: RaftClusterArgs, n: RaftNames) {
    const peerTraffic: TrafficRule = { peers: [{ workload: n.sts }], ports: [n.raftPort] };
    return allowListPolicySpec(n.selector, [peerTraffic, ...(a.ingress ?? [])], [peerTraffic, ...(a.egress ?? [])]);
}

/**
 * A Raft consensus group: StatefulSet with per-replica claims, a headless Service that
 * publishes not-ready pods (members must find each other before any is ready), a client
 * Service, the peer list in env, and a PDB that never lets a disruption break quorum.
 */
export class RaftCluster extends pulumi.ComponentResource {
    public readonly statefulSetName: string;
    public readonly headlessServiceName: string;
    public readonly clientServiceName: string;
    /** The members' peer addresses, comma-separated, when the namespace is known while the program runs (not an Output). */
    public readonly peers?: string;
    public readonly selector: Labels;
    /** `http://<client svc>.<ns>.svc.cluster.local:<port>`, when the namespace is known while the program runs (not an Output). */
    public readonly url?: string;

    constructor(name: string, args: RaftClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("RaftCluster", name, raftClusterProblems(name, args));
        super(componentType("RaftCluster"), name, {}, withOldTypeAlias("agent-platform:kube:RaftCluster", opts));
        const n = raftNames(name, args);
        this.statefulSetName = n.sts;
        this.headlessServiceName = n.headless;
        this.clientServiceName = n.clientName;
        const peers = ofNamespace(args.namespace, (ns) => raftPeers(n.sts, n.headless, ns, args.replicas, n.raftPort));
        if (typeof peers === "string") this.peers = peers;
        const known = knownNamespace(args.namespace);
        if (known !== undefined) this.url = serviceUrl("http", n.clientName, known, n.clientPort);
        this.selector = n.selector;
        const child = { parent: this };
        const sa = createServiceAccount(name, namespaceName(args.namespace), n.sts, n.labels, args.serviceAccount ?? {}, this);
        createStatefulSet(name, raftStatefulSet(args, n, peers, sa), this);
        new k8s.core.v1.Service(`${name}-client`, raftClientService(args, n), child);
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            { metadata: n.meta(n.sts), spec: { selector: { matchLabels: n.selector }, maxUnavailable: raftFaultTolerance(args.replicas) } },
            child,
        );
        new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, { metadata: n.meta(n.sts), spec: raftPolicySpec(args, n) }, child);
        this.registerOutputs({ statefulSetName: n.sts, peers: this.peers, url: this.url });
    }
}
