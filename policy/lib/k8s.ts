/**
 * Pure helpers over plain Kubernetes objects (`{apiVersion, kind, metadata, spec}`).
 *
 * CrossGuard hands Kubernetes resources to policies as their inputs, which have exactly this
 * shape, and `policy:check` parses the same shape from YAML; every rule is written against it.
 */

/* eslint-disable @typescript-eslint/no-explicit-any */
/** A JSON value as it arrives from resource inputs or YAML. */
export type Json = any;

export interface ObjectMeta {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { apiVersion?: string; kind?: string; name?: string; uid?: string; controller?: boolean }[];
}

export interface K8sObject {
    apiVersion: string;
    kind: string;
    metadata?: ObjectMeta;
    [field: string]: Json;
}

// Conventions shared with components/kube/labels.ts (mirrored here: the pack is self-contained).
/** Workloads that must run exactly one replica (queue pollers, MID servers, single-instance databases). */
export const SINGLETON_LABEL = "agent-platform.io/singleton";
/** StatefulSets that run a Raft consensus group (2f+1 members). */
export const RAFT_LABEL = "agent-platform.io/raft";
export const NAME_LABEL = "app.kubernetes.io/name";
export const PART_OF_LABEL = "app.kubernetes.io/part-of";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

/** The Pulumi type token of a Kubernetes object: `kubernetes:<group>/<version>:<Kind>`, core group = `core`. */
export function typeToken(obj: { apiVersion?: string; kind?: string }): string {
    const apiVersion = String(obj.apiVersion ?? "");
    const slash = apiVersion.indexOf("/");
    const group = slash < 0 ? "core" : apiVersion.slice(0, slash);
    const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
    return `kubernetes:${group}/${version}:${obj.kind ?? ""}`;
}

export interface ParsedType {
    group: string;
    version: string;
    kind: string;
}

/** Parses `kubernetes:<group>/<version>:<Kind>`; undefined for any other provider's token. */
export function parseK8sType(type: string): ParsedType | undefined {
    // Every rule asks for every resource: one parse per distinct type token (a stack has few).
    if (PARSED_TYPES.has(type)) return PARSED_TYPES.get(type);
    const m = /^kubernetes:([^/:]+)\/([^:]+):(.+)$/.exec(type);
    // Helm releases (`kubernetes:helm.sh/v3:Release`) are provider resources, not API objects.
    const parsed = !m || m[1] === "helm.sh" ? undefined : Object.freeze({ group: m[1], version: m[2], kind: m[3] });
    if (PARSED_TYPES.size < 10_000) PARSED_TYPES.set(type, parsed);
    return parsed;
}
const PARSED_TYPES = new Map<string, ParsedType | undefined>();

/** Kind of a Kubernetes type token (`kubernetes:apps/v1:Deployment` -> `Deployment`). */
export function kindOf(type: string): string | undefined {
    return parseK8sType(type)?.kind;
}

/** Kinds that embed a pod template (or are a pod). Matched on kind, any group/version. */
export const POD_KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"] as const;
/** Pod-carrying kinds whose containers run indefinitely (probes, replicas, spread apply). */
export const LONG_RUNNING_KINDS = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"];
/** Kinds whose replica count the platform manages (HPA, PDB, min-replicas, singleton). */
export const SCALABLE_KINDS = ["Deployment", "StatefulSet"];

export function isKind(type: string, kinds: readonly string[]): boolean {
    const k = kindOf(type);
    return k !== undefined && kinds.includes(k);
}

export function name(obj: K8sObject): string {
    return obj.metadata?.name ?? "<unnamed>";
}

/** The object's namespace; `default` when unset (what the provider would use). */
export function namespace(obj: K8sObject): string {
    return obj.metadata?.namespace ?? "default";
}

/**
 * Namespaces of cluster add-ons that must run there (cluster-autoscaler, metrics-server): the
 * namespace-level rules (quota, default-deny, policy coverage, scrape coverage, HPA presence)
 * skip them, as Polaris' default exemptions do. Knob `systemNamespaces` on those rules.
 */
export const SYSTEM_NAMESPACES = ["kube-system"];

/** Alias of `namespace` for call sites where `namespace` would shadow a variable. */
export const k8sNamespaceOf = namespace;

export function labels(obj: K8sObject): Record<string, string> {
    return obj.metadata?.labels ?? {};
}

/** Kinds that live outside namespaces. */
export const CLUSTER_SCOPED_KINDS = [
    "Namespace",
    "Node",
    "PersistentVolume",
    "StorageClass",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PriorityClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "PodSecurityPolicy",
    "CSIDriver",
    "VolumeSnapshotClass",
    "ClusterIssuer",
    "ClusterSecretStore",
    "IngressClass",
    "APIService",
    "RuntimeClass",
];

/** `Deployment agents/worker` or `ClusterRole reader`: how every message names a resource. */
export function describe(obj: K8sObject): string {
    const kind = obj.kind ?? "Object";
    if (CLUSTER_SCOPED_KINDS.includes(kind)) return `${kind} ${name(obj)}`;
    return `${kind} ${namespace(obj)}/${name(obj)}`;
}

export interface PodTemplate {
    /** The pod spec (never undefined once found). */
    spec: Json;
    /** Labels the pods get. */
    labels: Record<string, string>;
    annotations: Record<string, string>;
    /** Where the pod spec sits, e.g. `spec.template.spec`. */
    path: string;
}

/** The pod spec embedded in a workload (or the Pod itself); undefined for other kinds. */
export function podTemplate(obj: K8sObject): PodTemplate | undefined {
    const spec = obj.spec;
    switch (obj.kind) {
        case "Pod":
            return spec ? { spec, labels: labels(obj), annotations: obj.metadata?.annotations ?? {}, path: "spec" } : undefined;
        case "CronJob": {
            const t = spec?.jobTemplate?.spec?.template;
            return t?.spec
                ? { spec: t.spec, labels: t.metadata?.labels ?? {}, annotations: t.metadata?.annotations ?? {}, path: "spec.jobTemplate.spec.template.spec" }
                : undefined;
        }
        case "Deployment":
        case "StatefulSet":
        case "DaemonSet":
        case "ReplicaSet":
        case "ReplicationController":
        case "Job": {
            const t = spec?.template;
            return t?.spec
                ? { spec: t.spec, labels: t.metadata?.labels ?? {}, annotations: t.metadata?.annotations ?? {}, path: "spec.template.spec" }
                : undefined;
        }
        default:
            return undefined;
    }
}

export type ContainerKind = "container" | "initContainer" | "ephemeralContainer";

export interface ContainerRef {
    container: Json;
    kind: ContainerKind;
    /** `container "app"`, `initContainer "migrate"`: how messages name a container. */
    label: string;
    /** Init containers with `restartPolicy: Always` run for the pod's lifetime (native sidecars). */
    longRunning: boolean;
}

/** Every container of a pod spec: containers, initContainers and ephemeralContainers. */
export function allContainers(podSpec: Json): ContainerRef[] {
    const out: ContainerRef[] = [];
    const add = (list: Json, kind: ContainerKind) => {
        if (!Array.isArray(list)) return;
        for (const c of list) {
            const longRunning = kind === "container" || (kind === "initContainer" && c?.restartPolicy === "Always");
            out.push({ container: c ?? {}, kind, label: `${kind} "${c?.name ?? "?"}"`, longRunning });
        }
    };
    add(podSpec?.containers, "container");
    add(podSpec?.initContainers, "initContainer");
    add(podSpec?.ephemeralContainers, "ephemeralContainer");
    return out;
}

/** Fields a container securityContext inherits from the pod securityContext when it leaves them unset. */
const INHERITED_FIELDS = ["runAsNonRoot", "runAsUser", "runAsGroup", "seccompProfile", "seLinuxOptions", "windowsOptions", "appArmorProfile"] as const;

/** The container's securityContext with pod-level defaults applied (container-level wins). */
export function effectiveSecurityContext(podSpec: Json, container: Json): Json {
    const pod = podSpec?.securityContext ?? {};
    const own = container?.securityContext ?? {};
    const out: Json = { ...own };
    for (const f of INHERITED_FIELDS) {
        if (out[f] === undefined && pod[f] !== undefined) out[f] = pod[f];
    }
    return out;
}

export interface LabelSelector {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/**
 * Whether a label selector selects `target`. An empty selector selects everything
 * (NetworkPolicy/PDB semantics); an undefined one selects nothing.
 */
export function selectorMatches(selector: LabelSelector | undefined, target: Record<string, string>): boolean {
    if (!selector) return false;
    for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (target[k] !== v) return false;
    for (const e of selector.matchExpressions ?? []) {
        const has = Object.prototype.hasOwnProperty.call(target, e.key);
        const values = e.values ?? [];
        switch (e.operator) {
            case "In":
                if (!has || !values.includes(target[e.key])) return false;
                break;
            case "NotIn":
                if (has && values.includes(target[e.key])) return false;
                break;
            case "Exists":
                if (!has) return false;
                break;
            case "DoesNotExist":
                if (has) return false;
                break;
            default:
                return false;
        }
    }
    return true;
}

/** A Service-style selector (plain map): empty or missing selects nothing. */
export function mapSelectorMatches(selector: Record<string, string> | undefined, target: Record<string, string>): boolean {
    if (!selector || Object.keys(selector).length === 0) return false;
    return Object.entries(selector).every(([k, v]) => target[k] === v);
}

/**
 * Objects filed by namespace and label pair, so a stack rule finds the few a selector concerns
 * instead of testing every object of the namespace (quadratic in its size). Candidates are a
 * superset of the matches, in input order: callers still apply the full selector test.
 */
export class LabelPairIndex<T> {
    private readonly byNs = new Map<string, { pairs: Map<string, Map<unknown, { at: number; item: T }[]>>; rest: { at: number; item: T }[] }>();
    private count = 0;

    private ns(ns: string) {
        let n = this.byNs.get(ns);
        if (!n) this.byNs.set(ns, (n = { pairs: new Map(), rest: [] }));
        return n;
    }

    private file(ns: string, key: string, value: unknown, entry: { at: number; item: T }): void {
        const pairs = this.ns(ns).pairs;
        let values = pairs.get(key);
        if (!values) pairs.set(key, (values = new Map()));
        const bucket = values.get(value);
        if (bucket) bucket.push(entry);
        else values.set(value, [entry]);
    }

    /** Files `item` under every pair of `labels` (for queries by a selector: `withPairs`). */
    addLabels(ns: string, labels: Json, item: T): void {
        const entry = { at: this.count++, item };
        for (const [k, v] of Object.entries(labels ?? {})) this.file(ns, k, v, entry);
    }

    /** Files `item` under the first pair of `selector`, or among the namespace's rest without one (for queries by labels: `selecting`). */
    addSelector(ns: string, selector: Json, item: T): void {
        const entry = { at: this.count++, item };
        const first = Object.entries(selector ?? {})[0];
        if (first) this.file(ns, first[0], first[1], entry);
        else this.ns(ns).rest.push(entry);
    }

    /** Items filed by `addLabels` in `ns` that carry every pair of a non-empty `selector` could match: the smallest bucket of its pairs. */
    withPairs(ns: string, selector: Json): T[] {
        const n = this.byNs.get(ns);
        let best: { at: number; item: T }[] | undefined;
        for (const [k, v] of Object.entries(selector ?? {})) {
            const bucket = n?.pairs.get(k)?.get(v) ?? [];
            if (!best || bucket.length < best.length) best = bucket;
        }
        return (best ?? []).map((e) => e.item);
    }

    /** Items filed by `addSelector` in `ns` whose selector may select `labels`, in the order they were added. */
    selecting(ns: string, labels: Json): T[] {
        const n = this.byNs.get(ns);
        if (!n) return [];
        const found = [...n.rest];
        for (const [k, v] of Object.entries(labels ?? {})) {
            const bucket = n.pairs.get(k)?.get(v);
            if (bucket) found.push(...bucket);
        }
        return found.sort((a, b) => a.at - b.at).map((e) => e.item);
    }
}

export function isSingleton(obj: K8sObject): boolean {
    return labels(obj)[SINGLETON_LABEL] === "true";
}

export function isRaft(obj: K8sObject): boolean {
    return labels(obj)[RAFT_LABEL] === "true";
}

/** Integer or percentage (`"25%"`) to an absolute count against `total` (percentages round up like the API does for maxSurge; pass `roundDown` for maxUnavailable). */
export function intOrPercent(value: Json, total: number, roundDown = false): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "number") return value;
    const m = /^(\d+)%$/.exec(String(value));
    if (m) {
        const raw = (Number(m[1]) * total) / 100;
        return roundDown ? Math.floor(raw) : Math.ceil(raw);
    }
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
}

const BINARY_SUFFIX: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL_SUFFIX: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Parses a Kubernetes quantity (`500m`, `1.5`, `512Mi`, `1e3`); undefined when malformed. */
export function parseQuantity(q: Json): number | undefined {
    if (typeof q === "number") return q;
    if (typeof q !== "string") return undefined;
    const m = /^([+-]?[0-9.]+(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(q.trim());
    if (!m) return undefined;
    const n = Number(m[1]);
    if (!Number.isFinite(n)) return undefined;
    const suffix = m[2] ?? "";
    return n * (BINARY_SUFFIX[suffix] ?? DECIMAL_SUFFIX[suffix] ?? 1);
}

/** Deep structural equality for JSON values (key order ignored). */
export function jsonEqual(a: Json, b: Json): boolean {
    if (a === b) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => jsonEqual(a[k], b[k]));
}

/** A JSON deep copy (resource inputs are plain data). */
export function clone<T>(v: T): T {
    return v === undefined ? v : JSON.parse(JSON.stringify(v));
}
