/** Pure builders for NetworkPolicies: a default-deny per namespace and allow-lists per workload. */
import * as k8s from "@pulumi/kubernetes";
import { Labels, selectorLabels } from "./labels";
import { Protocol } from "./pod";

type PolicyPeer = k8s.types.input.networking.v1.NetworkPolicyPeer;
type PolicyPort = k8s.types.input.networking.v1.NetworkPolicyPort;

/**
 * Who may talk to (or be talked to by) a workload; one of four forms:
 * * `workload` (with `namespace` for another namespace): pods of a workload, by `app.kubernetes.io/name`;
 * * `namespace` alone: every pod in a namespace;
 * * `namespaceLabels` (with `podLabels`): pods carrying these labels in namespaces carrying those (e.g. the Prometheus scraper);
 * * `cidr` (with `except`): an address block, e.g. `0.0.0.0/0` minus the cluster's private ranges for "the internet".
 */
export interface NetworkPeer {
    /** Pods of this workload (its `app.kubernetes.io/name`). */
    workload?: string;
    /** The namespace: of `workload`'s pods, or every pod in it when given alone. @default this namespace (with `workload`) */
    namespace?: string;
    /** Pod labels, with `namespaceLabels`. @default every pod of those namespaces */
    podLabels?: Labels;
    /** Labels of the namespaces whose pods (carrying `podLabels`) are meant. */
    namespaceLabels?: Labels;
    /** An address block, e.g. `0.0.0.0/0`. */
    cidr?: string;
    /** Blocks inside `cidr` that are excluded. @default none */
    except?: string[];
}

/** A port of an allow rule, with its protocol. */
export interface TrafficPort {
    /** Port number. */
    port: number;
    /** Transport protocol. @default "TCP" */
    protocol?: Protocol;
}

/** One allow rule: these peers, on these ports (all ports when neither `ports` nor `portSpecs` is given). */
export interface TrafficRule {
    /** Who the rule admits (ingress) or reaches (egress); at least one. */
    peers: NetworkPeer[];
    /** TCP port numbers. @default all ports, unless `portSpecs` names some */
    ports?: number[];
    /** Ports with their protocol (UDP, or TCP spelled out), after `ports`. @default none */
    portSpecs?: TrafficPort[];
}

/** The form a peer takes, or a problem message when its fields mix forms (or name none). */
export function peerForm(peer: NetworkPeer): "workload" | "cidr" | "labels" | "namespace" | string {
    const forms = [peer.workload !== undefined && "workload", peer.cidr !== undefined && "cidr", peer.namespaceLabels !== undefined && "labels"].filter(
        (f): f is string => typeof f === "string",
    );
    if (forms.length > 1) return `mixes ${forms.join(" and ")}: give one of workload, namespace, namespaceLabels or cidr`;
    const form = forms[0] ?? (peer.namespace !== undefined ? "namespace" : undefined);
    if (form === undefined) return "names nobody: give one of workload, namespace, namespaceLabels or cidr";
    const stray = [
        form !== "workload" && form !== "namespace" && peer.namespace !== undefined && "namespace",
        form !== "labels" && peer.podLabels !== undefined && "podLabels",
        form !== "cidr" && peer.except !== undefined && "except",
    ].filter((f): f is string => typeof f === "string");
    return stray.length ? `sets ${stray.join(", ")}, which a ${form} peer does not take` : form;
}

/** Private ranges excluded from "internet" egress so a 443 rule does not open the cluster network. */
export const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"];

/** The internet on HTTPS: what agents calling external LLM APIs need. */
export const INTERNET_HTTPS: TrafficRule = { peers: [{ cidr: "0.0.0.0/0", except: PRIVATE_RANGES }], ports: [443] };

const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

export function toPolicyPeer(peer: NetworkPeer): PolicyPeer {
    const form = peerForm(peer);
    if (form === "workload" && peer.workload !== undefined) {
        return {
            podSelector: { matchLabels: selectorLabels(peer.workload) },
            ...(peer.namespace ? { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } } } : {}),
        };
    }
    if (form === "cidr" && peer.cidr !== undefined) return { ipBlock: { cidr: peer.cidr, ...(peer.except ? { except: peer.except } : {}) } };
    if (form === "labels" && peer.namespaceLabels !== undefined) {
        return { namespaceSelector: { matchLabels: peer.namespaceLabels }, ...(peer.podLabels ? { podSelector: { matchLabels: peer.podLabels } } : {}) };
    }
    if (form === "namespace" && peer.namespace !== undefined) return { namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: peer.namespace } } };
    throw new Error(`network peer ${JSON.stringify(peer)} ${form}`);
}

export function toPolicyPorts(rule: Pick<TrafficRule, "ports" | "portSpecs">): PolicyPort[] | undefined {
    const ports = [
        ...(rule.ports ?? []).map((port) => ({ port, protocol: "TCP" })),
        ...(rule.portSpecs ?? []).map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" })),
    ];
    return ports.length ? ports : undefined;
}

function toRules(rules: TrafficRule[], direction: "from" | "to") {
    return rules.map((r) => {
        if (r.peers.length === 0) throw new Error(`network rule (${direction}) needs at least one peer`);
        const ports = toPolicyPorts(r);
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
