/**
 * Network flows declared once: `allow(from, to, ports)` records one edge, and both NetworkPolicy
 * sides follow from it (the caller's egress, the callee's ingress), so a system never writes the
 * same flow twice. Pure data: the graph is built before the components, which take their
 * allow-lists (`network`, `clients`) from it.
 */
import { NetworkPeer, TrafficRule } from "./network";

/** A workload of this namespace: its name, or a component that knows it. */
export type WorkloadRef = string | { workloadName: string } | { statefulSetName: string };

/** Either side of a flow: workloads of this namespace, or external peers (namespaces, address blocks, labelled pods). */
export type FlowPeer = WorkloadRef | NetworkPeer;

type Ports = NonNullable<TrafficRule["ports"]>;

interface Flow {
    from: NetworkPeer[];
    to: NetworkPeer[];
    ports: Ports;
}

function workloadName(ref: WorkloadRef): string {
    if (typeof ref === "string") return ref;
    return "workloadName" in ref ? ref.workloadName : ref.statefulSetName;
}

function toPeer(p: FlowPeer): NetworkPeer {
    if (typeof p === "string" || "workloadName" in p || "statefulSetName" in p) return { workload: workloadName(p as WorkloadRef) };
    return p;
}

/** A workload of this namespace (no `namespace`): peers like it share one rule per port set. */
function isLocalWorkload(p: NetworkPeer): p is { workload: string } {
    return "workload" in p && p.namespace === undefined;
}

const isWorkload = (p: NetworkPeer, name: string) => isLocalWorkload(p) && p.workload === name;

/**
 * Rules in the order their first flow was declared: local workloads on the same ports share one
 * rule (peers in declaration order); every other peer list is a rule of its own.
 */
function rules(sides: { peers: NetworkPeer[]; ports: Ports }[]): TrafficRule[] {
    const out: TrafficRule[] = [];
    const byKey = new Map<string, TrafficRule>();
    for (const s of sides) {
        const local = s.peers.every(isLocalWorkload);
        const key = `${local ? "workloads" : JSON.stringify(s.peers)}|${JSON.stringify(s.ports)}`;
        const rule = byKey.get(key);
        if (!rule) {
            const fresh = { peers: [...s.peers], ports: [...s.ports] };
            byKey.set(key, fresh);
            out.push(fresh);
        } else if (local) {
            for (const p of s.peers) if (!rule.peers.some((q) => isWorkload(q, (p as { workload: string }).workload))) rule.peers.push(p);
        }
    }
    return out;
}

/** The flows of one namespace. */
export class TrafficGraph {
    private readonly flows: Flow[] = [];

    /** `from` may reach `to` on `ports`: one edge, both sides. Lists make one rule with several peers. */
    allow(from: FlowPeer | FlowPeer[], to: FlowPeer | FlowPeer[], ports: number | Ports): this {
        const list = (x: FlowPeer | FlowPeer[]) => (Array.isArray(x) ? x : [x]).map(toPeer);
        const flow = { from: list(from), to: list(to), ports: typeof ports === "number" ? [ports] : ports };
        if (flow.from.length === 0 || flow.to.length === 0) throw new Error("a flow needs at least one peer on each side");
        if (![...flow.from, ...flow.to].some(isLocalWorkload)) throw new Error("a flow needs a workload of this namespace on one side");
        this.flows.push(flow);
        return this;
    }

    /** Who may connect to the workload, and on which ports. */
    ingressOf(ref: WorkloadRef): TrafficRule[] {
        const name = workloadName(ref);
        return rules(this.flows.filter((f) => f.to.some((p) => isWorkload(p, name))).map((f) => ({ peers: f.from, ports: f.ports })));
    }

    /** Where the workload may connect, and on which ports. */
    egressOf(ref: WorkloadRef): TrafficRule[] {
        const name = workloadName(ref);
        return rules(this.flows.filter((f) => f.from.some((p) => isWorkload(p, name))).map((f) => ({ peers: f.to, ports: f.ports })));
    }

    /** Both allow-lists, as AgentService's `network` takes them (empty directions left out). */
    network(ref: WorkloadRef): { ingress?: TrafficRule[]; egress?: TrafficRule[] } {
        const ingress = this.ingressOf(ref);
        const egress = this.egressOf(ref);
        return { ...(ingress.length ? { ingress } : {}), ...(egress.length ? { egress } : {}) };
    }

    /** The local workloads that call `ref` (a data store's `clients`), in declaration order. */
    clientsOf(ref: WorkloadRef): string[] {
        const name = workloadName(ref);
        const out: string[] = [];
        for (const f of this.flows) {
            if (!f.to.some((p) => isWorkload(p, name))) continue;
            for (const p of f.from) if (isLocalWorkload(p) && !out.includes(p.workload)) out.push(p.workload);
        }
        return out;
    }
}
