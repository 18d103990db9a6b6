/**
 * Istio mesh policy for a namespace (seed 002 "Service Mesh: Istio for traffic management and
 * security"): a namespace-wide `PeerAuthentication` requiring mutual TLS, plus a NetworkPolicy
 * letting every pod's sidecar reach istiod (PlatformNamespace's default-deny would otherwise keep
 * every injected pod from ever becoming ready). The sidecar-injection label itself is set by
 * PlatformNamespace (`istioInjection`). The PeerAuthentication is CRD-gated on `capabilities.istio`.
 *
 * Peers outside the mesh: the ingress controller (ingress-nginx) and Prometheus run without
 * sidecars, so under STRICT their plaintext requests would be refused. We keep them out of the
 * mesh and open port-level PERMISSIVE exactly where the NetworkPolicies already let them in: one
 * workload-selected PeerAuthentication per such workload (`<workload>-plaintext-ports`, STRICT
 * with `portLevelMtls` PERMISSIVE on those container ports), computed by `unmeshedIngressPorts`
 * from the same ingress rules the NetworkPolicies are built from. Why not mesh them instead:
 * Prometheus would have to scrape with the mesh's certificates (a sidecar with
 * outbound capture disabled plus certificate mounts) and ingress-nginx would need a sidecar and
 * upstream-host rewriting, both cluster-wide changes to shared add-ons for one namespace. The
 * cost: on those ports the meshed callers still use mTLS, but a plaintext connection is accepted
 * from whoever the NetworkPolicy admits (only the controller's and Prometheus's namespaces, on
 * only those ports); every other port stays STRICT.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { isDeepStrictEqual } from "util";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { Labels, selectorLabels, standardLabels } from "./labels";
import { dns1123Problems } from "./names";
import { assertNoProblems } from "./problems";
import { NetworkPeer, TrafficRule, allowListPolicySpec } from "./network";
import { componentType, withOldTypeAlias } from "./type-token";
import { NamespaceInput, knownNamespace, knownNamespaceNames, namespaceName } from "./namespace-ref";

/** Namespace istiod runs in (Istio's default install). */
export const ISTIO_SYSTEM_NAMESPACE = "istio-system";
/** istiod's xDS + CA port (sidecars fetch config and certificates there). */
export const ISTIOD_XDS_PORT = 15012;

/** The egress every meshed workload needs in a default-deny namespace: its sidecar talks to istiod. */
export function istiodEgress(namespace = ISTIO_SYSTEM_NAMESPACE): TrafficRule {
    return { peers: [{ namespace }], ports: [ISTIOD_XDS_PORT] };
}

/** Name of the namespace-wide NetworkPolicy admitting sidecar -> istiod traffic. */
export const ISTIOD_EGRESS_POLICY = "allow-istiod-egress";

/** Istio mutual TLS for a namespace. */
export const MtlsMode = {
    /** Only mTLS from mesh peers. */
    Strict: "STRICT",
    /** mTLS and plaintext. */
    Permissive: "PERMISSIVE",
} as const;
/** Istio mutual TLS for a namespace: `STRICT` or `PERMISSIVE`. */
export type MtlsMode = (typeof MtlsMode)[keyof typeof MtlsMode];

/** A workload's container ports that accept plaintext from peers outside the mesh (port-level PERMISSIVE). */
export interface PlaintextPorts {
    /** The workload (its `app.kubernetes.io/name`). */
    workload: string;
    /** Its container ports that accept plaintext. */
    ports: number[];
}

/**
 * The ports on which each workload's ingress rules admit one of the `unmeshed` peers (ingress
 * controller, Prometheus): exactly where port-level PERMISSIVE is needed. A rule that admits such a
 * peer on all ports or on a named port cannot be expressed as port-level mTLS and is refused.
 */
export function unmeshedIngressPorts(ingress: Record<string, TrafficRule[]>, unmeshed: NetworkPeer[]): PlaintextPorts[] {
    const out: PlaintextPorts[] = [];
    for (const [workload, rules] of Object.entries(ingress)) {
        const ports = new Set<number>();
        for (const rule of rules) {
            if (!rule.peers.some((p) => unmeshed.some((u) => isDeepStrictEqual(p, u)))) continue;
            const listed = [...(rule.ports ?? []), ...(rule.portSpecs ?? []).map((p) => p.port)];
            if (!listed.length)
                throw new Error(`MeshPolicy: ${workload} admits a peer outside the mesh on all ports; port-level PERMISSIVE needs the ports listed`);
            for (const port of listed) ports.add(port);
        }
        if (ports.size) out.push({ workload, ports: [...ports].sort((a, b) => a - b) });
    }
    return out;
}

/** `spec` of a workload's PeerAuthentication: STRICT except PERMISSIVE on `ports`. */
export function plaintextPortsSpec(p: PlaintextPorts) {
    return {
        selector: { matchLabels: selectorLabels(p.workload) },
        mtls: { mode: "STRICT" },
        portLevelMtls: Object.fromEntries(p.ports.map((port) => [String(port), { mode: "PERMISSIVE" }])),
    };
}

export interface MeshPolicyArgs {
    /**
     * Namespace the policy covers (all its workloads): a PlatformNamespace (the policies then wait
     * for it), or a name, plain or an Output (a plain name must exist already, or be ordered with `dependsOn`).
     */
    namespace: NamespaceInput;
    /** PeerAuthentication name. @default "default" (Istio's convention for the namespace-wide policy) */
    name?: string;
    /** Mutual TLS mode of the namespace. @default "STRICT": plaintext traffic into the namespace's sidecars is refused */
    mtlsMode?: MtlsMode;
    /** Namespace istiod runs in. @default "istio-system" */
    istioNamespace?: string;
    /** Workload ports reached by peers outside the mesh (see `unmeshedIngressPorts`). @default none */
    plaintextPorts?: PlaintextPorts[];
    /** The PeerAuthentication is created only when `capabilities.istio` is true. */
    capabilities?: ClusterCapabilities;
    /** System the policies belong to (`app.kubernetes.io/part-of`). @default none */
    partOf?: string;
    /** Extra labels on the policies. @default none */
    labels?: Labels;
}

/** `spec` of a namespace-wide security.istio.io/v1 PeerAuthentication (no selector: every workload). */
export function peerAuthenticationSpec(mode: MtlsMode = "STRICT") {
    return { mtls: { mode } };
}

export class MeshPolicy extends pulumi.ComponentResource {
    /** Name of the PeerAuthentication, when created. */
    public readonly peerAuthenticationName?: string;

    constructor(name: string, args: MeshPolicyArgs, opts?: pulumi.ComponentResourceOptions) {
        const objName = args.name ?? "default";
        assertNoProblems(
            "MeshPolicy",
            name,
            dns1123Problems([
                ...knownNamespaceNames(args.namespace),
                ["name", objName],
                ...(args.plaintextPorts ?? []).map((p): [string, string] => [`plaintextPorts.${p.workload}`, `${p.workload}-plaintext-ports`]),
            ]),
        );
        super(componentType("MeshPolicy"), name, {}, withOldTypeAlias("agent-platform:kube:MeshPolicy", opts));
        const ns = namespaceName(args.namespace);
        if (crdAvailable(args.capabilities, "istio", `PeerAuthentication ${knownNamespace(args.namespace) ?? "(namespace)"}/${objName}`, this)) {
            this.peerAuthenticationName = objName;
            new k8s.apiextensions.CustomResource(
                `${name}-peerauthentication`,
                {
                    apiVersion: "security.istio.io/v1",
                    kind: "PeerAuthentication",
                    metadata: {
                        name: objName,
                        namespace: ns,
                        labels: standardLabels(objName, { partOf: args.partOf, component: "mesh", extra: args.labels }),
                    },
                    spec: peerAuthenticationSpec(args.mtlsMode ?? "STRICT"),
                },
                { parent: this },
            );
            for (const p of args.plaintextPorts ?? []) {
                const paName = `${p.workload}-plaintext-ports`;
                new k8s.apiextensions.CustomResource(
                    `${name}-${paName}`,
                    {
                        apiVersion: "security.istio.io/v1",
                        kind: "PeerAuthentication",
                        metadata: {
                            name: paName,
                            namespace: ns,
                            labels: standardLabels(paName, { partOf: args.partOf, component: "mesh", extra: args.labels }),
                        },
                        spec: plaintextPortsSpec(p),
                    },
                    { parent: this },
                );
            }
        }
        // Sidecars fetch config and certificates from istiod; without this the namespace default-deny starves them.
        new k8s.networking.v1.NetworkPolicy(
            `${name}-istiod-egress`,
            {
                metadata: {
                    name: ISTIOD_EGRESS_POLICY,
                    namespace: ns,
                    labels: standardLabels(ISTIOD_EGRESS_POLICY, { partOf: args.partOf, component: "mesh", extra: args.labels }),
                },
                spec: { ...allowListPolicySpec({}, [], [istiodEgress(args.istioNamespace)]) },
            },
            { parent: this },
        );
        this.registerOutputs({ peerAuthenticationName: this.peerAuthenticationName });
    }
}
