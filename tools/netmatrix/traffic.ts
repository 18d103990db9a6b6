/**
 * Flows as cyclonus traffic (`cyclonus analyze --mode query-traffic --traffic-path FILE`, the
 * JSON shape of cyclonus's `matcher.Traffic`). A NetworkPolicy engine also matches `ipBlock`s
 * against pod addresses, so every pod gets an address from its stack's pod network, and the
 * external ends get the addresses they have in that stack.
 */
import { ExternalTarget, Flow, StackName, isExternal } from "../../tests/flows";
import { RenderIndex, ResolvedPod, resolvePod } from "./resolve";

/**
 * Where pods, nodes and the API server are in each stack's network. prod: EKS with the VPC CNI
 * gives pods and nodes addresses from the VPC (Pulumi.prod.yaml `cluster.vpc.create.cidr`), and
 * pods reach the API server at the control plane's ENIs in the VPC. dev: the local cluster's real
 * nodes give pods 10.244.0.0/16; nodes are 10.250.0.1N and pods reach the API server at
 * 10.250.0.1 (tools/e2e/nodes.sh).
 */
export interface StackNetwork {
    /** Pod addresses are handed out from here (a /16; its x.y.0.0/24 stays for nodes and the API server). */
    podCidr: string;
    /** The API server's address as pods reach it. */
    kubeApi: string;
    /** A node's (kubelet's) address. */
    node: string;
}

export const STACK_NETWORKS: Record<StackName, StackNetwork> = {
    prod: { podCidr: "10.40.0.0/16", kubeApi: "10.40.0.10", node: "10.40.0.20" },
    dev: { podCidr: "10.244.0.0/16", kubeApi: "10.250.0.1", node: "10.250.0.11" },
};

/** A public address (TEST-NET-2) standing for the internet: LLM APIs, ServiceNow, S3. */
export const INTERNET_ADDRESS = "198.51.100.10";
/** A private address outside both stacks' networks (another VPC, an office network). */
export const PRIVATE_NETWORK_ADDRESS = "192.168.100.10";

/** The address an external destination has in a stack. */
export function externalAddress(external: ExternalTarget["external"], stack: StackName): string {
    switch (external) {
        case "internet":
            return INTERNET_ADDRESS;
        case "private-network":
            return PRIVATE_NETWORK_ADDRESS;
        case "kube-api":
            return STACK_NETWORKS[stack].kubeApi;
        case "nodes":
            return STACK_NETWORKS[stack].node;
    }
}

export interface CyclonusPeer {
    Internal?: { PodLabels: Record<string, string>; NamespaceLabels: Record<string, string>; Namespace: string };
    IP: string;
}

export interface CyclonusTraffic {
    Source: CyclonusPeer;
    Destination: CyclonusPeer;
    Protocol: string;
    ResolvedPort: number;
    ResolvedPortName: string;
}

/** Hands out one stable address per pod, in order of first use, inside the stack's pod /16. */
export class AddressBook {
    private readonly byPod = new Map<string, string>();
    private readonly base: number[];

    constructor(net: StackNetwork) {
        const m = /^(\d+)\.(\d+)\.0\.0\/16$/.exec(net.podCidr);
        if (!m) throw new Error(`podCidr must be a /16 like 10.244.0.0/16, got ${net.podCidr}`);
        this.base = [Number(m[1]), Number(m[2])];
    }

    addressOf(pod: ResolvedPod): string {
        const key = `${pod.namespace}/${JSON.stringify(Object.entries(pod.labels).sort())}`;
        let ip = this.byPod.get(key);
        if (!ip) {
            const n = this.byPod.size + 1; // from x.y.1.1: x.y.0.0/24 stays free for nodes and the API server
            ip = `${this.base[0]}.${this.base[1]}.${1 + Math.floor(n / 250)}.${1 + (n % 250)}`;
            this.byPod.set(key, ip);
        }
        return ip;
    }
}

function internal(pod: ResolvedPod, book: AddressBook): CyclonusPeer {
    return { Internal: { PodLabels: pod.labels, NamespaceLabels: pod.namespaceLabels, Namespace: pod.namespace }, IP: book.addressOf(pod) };
}

/** One flow as cyclonus traffic in a stack (the flow must already pass `flowProblems`). */
export function toTraffic(flow: Flow, stack: StackName, idx: RenderIndex, book: AddressBook): CyclonusTraffic {
    const resolve = (ref: Parameters<typeof resolvePod>[0]): ResolvedPod => {
        const r = resolvePod(ref, stack, idx);
        if (typeof r === "string") throw new Error(`${flow.id} [${stack}]: ${r}`);
        return r;
    };
    const source = internal(resolve(flow.from), book);
    let destination: CyclonusPeer;
    let portName = "";
    if (isExternal(flow.to)) {
        destination = { IP: externalAddress(flow.to.external, stack) };
    } else {
        const to = resolve(flow.to);
        destination = internal(to, book);
        portName = to.ports.find((p) => p.port === flow.port && p.protocol === flow.protocol)?.name ?? "";
    }
    return { Source: source, Destination: destination, Protocol: flow.protocol, ResolvedPort: flow.port, ResolvedPortName: portName };
}
