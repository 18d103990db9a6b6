/**
 * The StatefulSet shape every stateful workload shares (Redis, Postgres, RaftCluster and
 * AgentService with per-replica volumes): a headless Service giving each pod a stable DNS name,
 * per-replica claims from `volumeClaimTemplates`, and the claim retention policy. Below it, what
 * the data stores (Redis, Postgres) share on top: their common args, names, rules and access.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { CredentialArgs, credentialNames, credentialProblems } from "./credentials";
import { ExporterArgs, createMetricsEndpoint } from "./exporter";
import { Labels, SINGLETON_LABEL, selectorLabels, standardLabels } from "./labels";
import { dns1123Problems } from "./names";
import { NamespaceInput, knownNamespaceNames, namespaceName } from "./namespace-ref";
import { NetworkPeer, TrafficRule, allowListPolicySpec } from "./network";
import { PodPlacement } from "./pod";
import { Problem, check } from "./problems";
import { QUANTITY_RULE, isQuantity } from "./quantity";
import { PodTiming, rolloutTiming } from "./timeouts";

/** A per-replica claim (`<name>-<sts>-<i>`), ReadWriteOnce. */
export interface ClaimTemplate {
    /** Claim template name (the PVCs are `<name>-<statefulset>-<i>`). */
    name: string;
    /** Claim size, a quantity, e.g. `10Gi`. */
    size: string;
    /** StorageClass of the claims. @default the cluster's default StorageClass */
    storageClassName?: string;
}

/** Keep (`Retain`) or delete the claims when the set is deleted or scaled down. */
export function claimRetentionPolicy(retain: boolean) {
    return retain ? { whenDeleted: "Retain", whenScaled: "Retain" } : { whenDeleted: "Delete", whenScaled: "Delete" };
}

/** A ReadWriteOnce claim spec of `size` on `storageClassName` (or the default class). */
export function claimSpec(size: string, storageClassName?: string) {
    return {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: size } },
        ...(storageClassName ? { storageClassName } : {}),
    };
}

export function claimTemplates(claims: ClaimTemplate[], selector: Labels) {
    return claims.map((c) => ({ metadata: { name: c.name, labels: selector }, spec: claimSpec(c.size, c.storageClassName) }));
}

/** A per-replica volume mounted into the main container (switches AgentService to a StatefulSet). */
export interface ReplicaVolumeSpec extends ClaimTemplate {
    /** Where the volume is mounted in the main container. */
    mountPath: string;
}

export interface StatefulSetArgs {
    namespace: pulumi.Input<string>;
    /** StatefulSet name; pods are `<name>-0..n-1`. */
    name: string;
    /** The headless Service that gives pods their DNS names. */
    headlessServiceName: string;
    /** Ports of the headless Service. */
    ports: k8s.types.input.core.v1.ServicePort[];
    /** Publish pods before they are ready (members that must find each other to become ready). @default false */
    publishNotReadyAddresses?: boolean;
    labels: Labels;
    /** Annotations of the StatefulSet object. @default none */
    annotations?: Record<string, string>;
    selector: Labels;
    /** Omitted when an HPA owns the count. */
    replicas?: number;
    /** The most pods one update rolls (an HPA's maximum), for the await budget. @default replicas ?? 1 */
    maxReplicas?: number;
    /** `OrderedReady` when pod 0 must be up first (a primary), `Parallel` otherwise. */
    podManagementPolicy: "OrderedReady" | "Parallel";
    /** Keep the claims when the set is deleted or scaled down. */
    retainVolumes: boolean;
    template: k8s.types.input.core.v1.PodTemplateSpec;
    /** Per-replica claims; omitted when the pods mount a standalone claim instead. */
    claims?: ClaimTemplate[];
    /** What the set waits for besides its headless Service (Secrets, ConfigMaps, the ServiceAccount). */
    dependsOn?: pulumi.Resource[];
}

/** Creates the headless Service `<prefix>-headless` and the StatefulSet `<prefix>-sts`. */
export function createStatefulSet(
    prefix: string,
    a: StatefulSetArgs,
    parent: pulumi.Resource,
): { statefulSet: k8s.apps.v1.StatefulSet; headless: k8s.core.v1.Service } {
    const meta = (name: string) => ({ name, namespace: a.namespace, labels: a.labels });
    const headless = new k8s.core.v1.Service(
        `${prefix}-headless`,
        {
            metadata: meta(a.headlessServiceName),
            spec: { clusterIP: "None", ...(a.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}), selector: a.selector, ports: a.ports },
        },
        { parent },
    );
    // Probe-derived await (timeouts.ts): OrderedReady creates and every rolling update go one pod at a time.
    const timing = rolloutTiming(a.template.spec as PodTiming, {
        kind: "StatefulSet",
        replicas: a.maxReplicas ?? a.replicas ?? 1,
        podManagementPolicy: a.podManagementPolicy,
    });
    const statefulSet = new k8s.apps.v1.StatefulSet(
        `${prefix}-sts`,
        {
            metadata: { ...meta(a.name), ...(a.annotations ? { annotations: a.annotations } : {}) },
            spec: {
                ...(a.replicas !== undefined ? { replicas: a.replicas } : {}),
                serviceName: a.headlessServiceName,
                podManagementPolicy: a.podManagementPolicy,
                selector: { matchLabels: a.selector },
                updateStrategy: { type: "RollingUpdate" },
                persistentVolumeClaimRetentionPolicy: claimRetentionPolicy(a.retainVolumes),
                template: a.template,
                ...(a.claims ? { volumeClaimTemplates: claimTemplates(a.claims, a.selector) } : {}),
            },
        },
        { parent, dependsOn: [headless, ...(a.dependsOn ?? [])], customTimeouts: timing.customTimeouts },
    );
    return { statefulSet, headless };
}

/** The args every data store (Redis, Postgres) shares: where it runs, who connects, its credentials and exporter. */
export interface DataStoreArgs extends CredentialArgs, ExporterArgs {
    /**
     * The namespace: a PlatformNamespace (the store then waits for it), or a name, plain or an
     * Output (which carries its own dependency). It must exist.
     */
    namespace: NamespaceInput;
    /** StatefulSet name; pods are `<name>-0..n-1`. @default the store's kind ("redis", "postgres") */
    statefulSetName?: string;
    /** Headless Service giving pods stable DNS. @default `<statefulSetName>-headless` */
    headlessServiceName?: string;
    /** Workloads (by `app.kubernetes.io/name`) admitted on the store's port; nobody else is. */
    clients: string[];
    /** Extra peers admitted on the store's port, e.g. workloads in another namespace. @default [] */
    extraClientPeers?: NetworkPeer[];
    /** Keep the data claims when the stack is destroyed or the set is scaled down. @default true */
    retainVolumes?: boolean;
    /** Node selection, tolerations and spreading of the pods. @default spread over nodes, preferred anti-affinity (Redis with replicas: also over zones) */
    placement?: PodPlacement;
    /** System the store belongs to (`app.kubernetes.io/part-of`). @default none */
    partOf?: string;
    /** Extra labels on the store's objects. @default none */
    labels?: Labels;
}

/** A data store's names and labels, derived once from its args. */
export interface StoreIdentity {
    sts: string;
    headless: string;
    selector: Labels;
    labels: Labels;
    /** Object metadata of a store object named `name`. */
    meta: (name: string) => { name: string; namespace: pulumi.Input<string>; labels: Labels };
}

/**
 * Names and labels of a store: `defaultName` unless `statefulSetName` is set, labelled with its
 * `component` and, when it is a `singleton` (one pod, never autoscaled), the label that exempts it
 * from the policy pack's min-replicas/HPA rules.
 */
export function storeIdentity(a: DataStoreArgs, defaultName: string, o: { component: string; singleton: boolean }): StoreIdentity {
    const sts = a.statefulSetName ?? defaultName;
    const extra = { ...(a.labels ?? {}), ...(o.singleton ? { [SINGLETON_LABEL]: "true" } : {}) };
    const labels = standardLabels(sts, { partOf: a.partOf, component: o.component, extra });
    return {
        sts,
        headless: a.headlessServiceName ?? `${sts}-headless`,
        selector: selectorLabels(sts),
        labels,
        meta: (name) => ({ name, namespace: namespaceName(a.namespace), labels }),
    };
}

/** The rules every data store shares: DNS-1123 names, at least one client, consistent credentials, a quantity for the size. */
export function dataStoreProblems(
    a: DataStoreArgs,
    s: { kind: string; defaultName: string; serviceName: string; port: number; size: string; sizeExample: string; names?: [string, string][] },
): Problem[] {
    const sts = a.statefulSetName ?? s.defaultName;
    return [
        ...dns1123Problems([
            ...knownNamespaceNames(a.namespace),
            ["statefulSetName", sts],
            ["serviceName", s.serviceName],
            ["headlessServiceName", a.headlessServiceName ?? `${sts}-headless`],
            ...credentialNames(a),
            ...(s.names ?? []),
            ...a.clients.map((c): [string, string] => ["clients[]", c]),
        ]),
        ...check(
            a.clients.length > 0 || (a.extraClientPeers ?? []).length > 0,
            "clients",
            `must name at least one workload allowed to reach ${s.kind} on ${s.port} (or set extraClientPeers)`,
            a.clients,
        ),
        ...credentialProblems(a),
        ...check(isQuantity(s.size), "storage.size", QUANTITY_RULE(s.sizeExample), s.size),
    ];
}

/** Peers admitted on the store's port: the client workloads, then `more` (e.g. a backup job), then the extra peers. */
export function storeClientPeers(a: Pick<DataStoreArgs, "clients" | "extraClientPeers">, more: NetworkPeer[] = []): NetworkPeer[] {
    return [...a.clients.map((w) => ({ workload: w })), ...more, ...(a.extraClientPeers ?? [])];
}

/**
 * A data store's objects that do not depend on its kind: the StatefulSet with its headless Service,
 * the NetworkPolicy `<prefix>-netpol` and, with an exporter on `exporterPort`, the metrics endpoint.
 */
export function createDataStore(
    prefix: string,
    id: StoreIdentity,
    a: DataStoreArgs,
    s: { statefulSet: StatefulSetArgs; ingress: TrafficRule[]; egress: TrafficRule[]; exporterPort: number },
    parent: pulumi.Resource,
): void {
    createStatefulSet(prefix, s.statefulSet, parent);
    new k8s.networking.v1.NetworkPolicy(
        `${prefix}-netpol`,
        { metadata: id.meta(id.sts), spec: allowListPolicySpec(id.selector, s.ingress, s.egress) },
        { parent },
    );
    if (a.exporter) {
        createMetricsEndpoint(
            prefix,
            { namespace: a.namespace, workload: id.sts, labels: id.labels, selector: id.selector, port: s.exporterPort, capabilities: a.capabilities },
            parent,
        );
    }
}
