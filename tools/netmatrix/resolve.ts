/**
 * Ties the flow list to a stack's render: each flow end must be exactly one rendered workload
 * (or a declared platform pod), serving the flow's port, through the named Service. Pure
 * functions over the rendered objects; the unit test and `npm run netmatrix` share them.
 */
import { K8sObject } from "../lib/render";
import { Flow, KnownViolation, Labels, PodRef, Protocol, SEEDS, StackName, isExternal, platformPod } from "../../tests/flows";

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export interface ContainerPort {
    port: number;
    name?: string;
    protocol: Protocol;
}

/** A pod the render would create (one per workload), with its full labels and declared ports. */
export interface RenderedWorkload {
    kind: string;
    namespace: string;
    name: string;
    labels: Labels;
    ports: ContainerPort[];
}

export interface RenderIndex {
    /** Namespace name -> its labels (with `kubernetes.io/metadata.name`, as the API server sets it). */
    namespaces: Map<string, Labels>;
    workloads: RenderedWorkload[];
    services: K8sObject[];
}

/** A flow end resolved to what a NetworkPolicy engine needs. */
export interface ResolvedPod {
    namespace: string;
    namespaceLabels: Labels;
    labels: Labels;
    ports: ContainerPort[];
    /** Where it came from: a rendered workload (`Deployment/ns/name`) or a platform pod. */
    origin: string;
}

function podTemplate(o: K8sObject): any | undefined {
    switch (o.kind) {
        case "Deployment":
        case "StatefulSet":
        case "DaemonSet":
        case "ReplicaSet":
        case "Job":
            return o.spec?.template;
        case "CronJob":
            return o.spec?.jobTemplate?.spec?.template;
        case "Pod":
            return o;
        default:
            return undefined;
    }
}

export function indexRender(objects: readonly K8sObject[]): RenderIndex {
    const namespaces = new Map<string, Labels>();
    const workloads: RenderedWorkload[] = [];
    const services: K8sObject[] = [];
    for (const o of objects) {
        if (o.kind === "Namespace") namespaces.set(o.metadata.name, { ...(o.metadata.labels ?? {}), [NAMESPACE_NAME_LABEL]: o.metadata.name });
        if (o.kind === "Service") services.push(o);
        const t = podTemplate(o);
        if (!t) continue;
        const ports: ContainerPort[] = (t.spec?.containers ?? []).flatMap((c: any) =>
            (c.ports ?? []).map((p: any) => ({
                port: p.containerPort,
                ...(p.name ? { name: p.name } : {}),
                protocol: p.protocol ?? "TCP",
            })),
        );
        workloads.push({ kind: o.kind, namespace: o.metadata.namespace ?? "default", name: o.metadata.name, labels: t.metadata?.labels ?? {}, ports });
    }
    return { namespaces, workloads, services };
}

function matches(selector: Labels, labels: Labels): boolean {
    return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Labels a namespace carries: the rendered Namespace's, or only its name label for one the cluster provides. */
export function namespaceLabels(ns: string, idx: RenderIndex): Labels {
    return idx.namespaces.get(ns) ?? { [NAMESPACE_NAME_LABEL]: ns };
}

/** Resolves a PodRef in a render: one rendered workload, else a declared platform pod; otherwise a problem. */
export function resolvePod(ref: PodRef, stack: StackName, idx: RenderIndex): ResolvedPod | string {
    if (Object.keys(ref.podLabels).length === 0) return `${ref.namespace}/${ref.name}: podLabels is empty (would select every pod)`;
    const hits = idx.workloads.filter((w) => w.namespace === ref.namespace && matches(ref.podLabels, w.labels));
    if (hits.length > 1)
        return `${ref.namespace}/${ref.name}: podLabels ${JSON.stringify(ref.podLabels)} select ${hits.length} workloads (${hits.map((h) => h.name).join(", ")}) in the ${stack} render`;
    if (hits.length === 1) {
        const w = hits[0];
        return {
            namespace: w.namespace,
            namespaceLabels: namespaceLabels(w.namespace, idx),
            labels: w.labels,
            ports: w.ports,
            origin: `${w.kind}/${w.namespace}/${w.name}`,
        };
    }
    const p = platformPod(ref);
    if (p && p.stacks.includes(stack)) {
        return {
            namespace: p.namespace,
            namespaceLabels: { ...(p.namespaceLabels ?? {}), ...namespaceLabels(p.namespace, idx) },
            labels: p.podLabels,
            ports: p.ports,
            origin: `platform/${p.namespace}/${p.name}`,
        };
    }
    return `${ref.namespace}/${ref.name}: podLabels ${JSON.stringify(ref.podLabels)} match no workload in namespace ${ref.namespace} of the ${stack} render and no platform pod (tests/flows/platform.ts)`;
}

const SEED_REF = /^(\d{3}):(\d+)(?:-(\d+))?$/;

/** Problems with a seed citation (`<seed>:<line>[-<line>]` inside the seed's length). */
export function seedProblem(seed: string): string | undefined {
    const m = SEED_REF.exec(seed);
    if (!m) return `seed "${seed}" is not <seed>:<line> or <seed>:<first>-<last>`;
    const doc = SEEDS[m[1] as keyof typeof SEEDS];
    if (!doc) return `seed "${seed}" names no seed document (${Object.keys(SEEDS).join(", ")})`;
    const first = Number(m[2]);
    const last = m[3] ? Number(m[3]) : first;
    if (first < 1 || last < first || last > doc.lines) return `seed "${seed}": lines must be 1 <= first <= last <= ${doc.lines}`;
    return undefined;
}

/** The Service port that reaches `port` on the pod (targetPort by number or by container port name). */
function servicePortFor(svc: K8sObject, port: number, pod: ResolvedPod): boolean {
    const names = new Set(
        pod.ports
            .filter((p) => p.port === port)
            .map((p) => p.name)
            .filter(Boolean),
    );
    return (svc.spec?.ports ?? []).some((sp: any) => {
        const target = sp.targetPort ?? sp.port;
        return target === port || (typeof target === "string" && names.has(target));
    });
}

/** Every problem with one flow in one stack's render (empty when the flow is sound there). */
export function flowProblems(flow: Flow, stack: StackName, idx: RenderIndex): string[] {
    const problems: string[] = [];
    const at = (msg: string) => problems.push(`${flow.id} [${stack}]: ${msg}`);
    const seed = seedProblem(flow.seed);
    if (seed) at(seed);
    if (!Number.isInteger(flow.port) || flow.port < 1 || flow.port > 65535) at(`port ${flow.port} is not a port number`);
    const from = resolvePod(flow.from, stack, idx);
    if (typeof from === "string") at(`from ${from}`);
    if (isExternal(flow.to)) return problems;
    const to = resolvePod(flow.to, stack, idx);
    if (typeof to === "string") {
        at(`to ${to}`);
        return problems;
    }
    if (!to.ports.some((p) => p.port === flow.port && p.protocol === flow.protocol)) {
        at(
            `to ${to.origin} declares no ${flow.protocol} port ${flow.port} (it declares ${to.ports.map((p) => `${p.port}/${p.protocol}`).join(", ") || "none"}); a flow to a port nobody serves proves nothing`,
        );
    }
    const { namespace, service } = flow.to;
    // A platform pod's Service is the cluster's (kube-dns, istiod): not in the render to check.
    if (service && !to.origin.startsWith("platform/")) {
        const svc = idx.services.find((s) => s.metadata.namespace === namespace && s.metadata.name === service);
        if (!svc) at(`to service ${namespace}/${service} is not in the ${stack} render`);
        else if (!svc.spec?.selector || !matches(svc.spec.selector, to.labels)) at(`to service ${service} does not select ${to.origin}`);
        else if (!servicePortFor(svc, flow.port, to)) at(`to service ${service} has no port with targetPort ${flow.port}`);
    }
    return problems;
}

/** Problems with the whole list in one stack: each flow's, duplicate ids, and known violations that name nothing. */
export function matrixProblems(flows: readonly Flow[], known: readonly KnownViolation[], stack: StackName, idx: RenderIndex): string[] {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const f of flows) {
        if (seen.has(f.id)) problems.push(`${f.id}: duplicate flow id`);
        seen.add(f.id);
        if (f.stacks.includes(stack)) problems.push(...flowProblems(f, stack, idx));
    }
    const seenKnown = new Set<string>();
    for (const k of known.filter((v) => v.stack === stack)) {
        const key = `${k.stack} ${k.flow}`;
        if (seenKnown.has(key)) problems.push(`known violation ${key}: listed twice`);
        seenKnown.add(key);
        const f = flows.find((x) => x.id === k.flow);
        if (!f) problems.push(`known violation ${key}: no flow has this id`);
        else if (!f.stacks.includes(stack)) problems.push(`known violation ${key}: the flow does not apply to ${stack}`);
        if (!Number.isInteger(k.issue) || k.issue < 1) problems.push(`known violation ${key}: issue must be an issue number`);
        if (!k.note.trim()) problems.push(`known violation ${key}: note is empty`);
    }
    return problems;
}
