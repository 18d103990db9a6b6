/** Pure builders for NetworkPolicies: a default-deny per namespace and allow-lists per workload. */
import * as k8s from "@pulumi/kubernetes";
import { Labels, selectorLabels } from "./labels";

type PolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type PolicyPort = k8s.types.input.networking.v1.NetworkPolicyPort;

/** Who may talk to (or be talked to by) a workload. Exactly one field. */
export type NetworkPeer =
    /** Pods of a workload (by `app.kubernetes.io/name`), in this namespace unless `namespace` is given. */
    | { workload: string; namespace?: string }
    /** Every pod in a namespace (this one when `namespace` is `"."`). */
    | { namespace: string }
    /** Pods carrying these labels in namespaces carrying `namespaceLabels` (e.g. the Prometheus scraper). */
    | { podLabels?: Labels; namespaceLabels: Labels }
    /** An address block, e.g. `0.0.0.0/0` minus the cluster's private ranges for "the internet". */
    | { cidr: string; except?: string[] };

/** One allow rule: these peers, on these ports (all ports when omitted). */
export interface TrafficRule {
    peers: NetworkPeer[];
    ports?: (number | { port: number | string; protocol?: "TCP" | "UDP" })[];
}

/** Private ranges excluded from "internet" egress so a 443 rule does not open the cluster network. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"];

/** The internet on HTTPS: what agents calling external LLM APIs need. */
export const INTERNET_HTTPS: TrafficRule = { peers: [{ cidr: "0.0.0.0/0", except: PRIVATE_RANGES }], ports: [443] };

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export function toPolicyPeer(peer: NetworkPeer): PolicyPeer {
    if ("workload" in peer) {
        return {
            podSelector: { matchLabels: selectorLabels(peer.workload) },
            ...(peer.namespace ? { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } } } : {}),
        };
    }
    if ("cidr" in peer) return { ipBlock: { cidr: peer.cidr, ...(peer.except ? { except: peer.except } : {}) } };
    if ("namespaceLabels" in peer) {
        return { namespaceSelector: { matchLabels: peer.namespaceLabels }, ...(peer.podLabels ? { podSelector: { matchLabels: peer.podLabels } } : {}) };
    }
    return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } } };
}

export function toPolicyPorts(ports: TrafficRule["ports"]): PolicyPort[] | undefined {
    if (!ports || ports.length === 0) return undefined;
    return ports.map((p) => (typeof p === "number" ? { port: p, protocol: "TCP" } : { port: p.port, protocol: p.protocol ?? "TCP" }));
}

function toRules(rules: TrafficRule[], direction: "from" | "to") {
    return rules.map((r) => {
        if (r.peers.length === 0) throw new Error(`network rule (${direction}) needs at least one peer`);
        const ports = toPolicyPorts(r.ports);
        return { [direction]: r.peers.map(toPolicyPeer), ...(ports ? { ports } : {}) };
    });
}

/**
 * The spec of a workload's allow-list policy. Only the directions with rules are restricted here
 * (the namespace default-deny covers the rest), unless `isolateIngress` closes ingress without rules.
 */
export function allowListPolicySpec(
    podSelector: Labels,
    ingress: TrafficRule[],
    egress: TrafficRule[],
    opts: { isolateIngress?: boolean } = {},
): k8s.types.input.networking.v1.NetworkPolicySpec {
    const restrictIngress = ingress.length > 0 || opts.isolateIngress === true;
    const policyTypes = [...(restrictIngress ? ["Ingress"] : []), ...(egress.length ? ["Egress"] : [])];
    return {
        podSelector: { matchLabels: podSelector },
        policyTypes,
        ...(restrictIngress ? { ingress: toRules(ingress, "from") } : {}),
        ...(egress.length ? { egress: toRules(egress, "to") } : {}),
    };
}

/** Deny all ingress and egress for every pod in the namespace. */
export function defaultDenySpec(): k8s.types.input.networking.v1.NetworkPolicySpec {
    return { podSelector: {}, policyTypes: ["Ingress", "Egress"] };
}

/** Let every pod resolve names through the cluster DNS (kube-system, port 53 UDP+TCP). */
export function dnsEgressSpec(): k8s.types.input.networking.v1.NetworkPolicySpec {
    return {
        podSelector: {},
        policyTypes: ["Egress"],
        egress: [
            {
                to: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: "kube-system" } } }],
                ports: [
                    { port: 53, protocol: "UDP" },
                    { port: 53, protocol: "TCP" },
                ],
            },
        ],
    };
}
