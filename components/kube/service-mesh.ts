/**
 * Istio mesh policy for a namespace (seed 002 "Service Mesh: Istio for traffic management and
 * security"): a namespace-wide `PeerAuthentication` requiring mutual TLS, plus a NetworkPolicy
 * letting every pod's sidecar reach istiod (PlatformNamespace's default-deny would otherwise keep
 * every injected pod from ever becoming ready). The sidecar-injection label itself is set by
 * PlatformNamespace (`istioInjection`). The PeerAuthentication is CRD-gated on `capabilities.istio`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { Labels, standardLabels } from "./labels";
import { dns1123Problems } from "./names";
import { assertNoProblems } from "./problems";
import { TrafficRule, allowListPolicySpec } from "./network";

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

export type MtlsMode = "STRICT" | "PERMISSIVE";

export interface MeshPolicyArgs {
    /** Namespace the policy covers (all its workloads). */
    namespace: string;
    /** PeerAuthentication name. @default "default" (Istio's convention for the namespace-wide policy) */
    name?: string;
    /** @default "STRICT": plaintext traffic into the namespace's sidecars is refused */
    mtlsMode?: MtlsMode;
    /** Namespace istiod runs in. @default "istio-system" */
    istioNamespace?: string;
    /** The PeerAuthentication is created only when `capabilities.istio` is true. */
    capabilities?: ClusterCapabilities;
    partOf?: string;
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
        assertNoProblems("MeshPolicy", name, dns1123Problems([["namespace", args.namespace], ["name", objName]]));
        super("agent-platform:kube:MeshPolicy", name, {}, opts);
        if (crdAvailable(args.capabilities, "istio", `PeerAuthentication ${args.namespace}/${objName}`, this)) {
            this.peerAuthenticationName = objName;
            new k8s.apiextensions.CustomResource(`${name}-peerauthentication`, {
                apiVersion: "security.istio.io/v1",
                kind: "PeerAuthentication",
                metadata: {
                    name: objName,
                    namespace: args.namespace,
                    labels: standardLabels(objName, { partOf: args.partOf, component: "mesh", extra: args.labels }),
                },
                spec: peerAuthenticationSpec(args.mtlsMode ?? "STRICT"),
            }, { parent: this });
        }
        // Sidecars fetch config and certificates from istiod; without this the namespace default-deny starves them.
        new k8s.networking.v1.NetworkPolicy(`${name}-istiod-egress`, {
            metadata: {
                name: ISTIOD_EGRESS_POLICY,
                namespace: args.namespace,
                labels: standardLabels(ISTIOD_EGRESS_POLICY, { partOf: args.partOf, component: "mesh", extra: args.labels }),
            },
            spec: { ...allowListPolicySpec({}, [], [istiodEgress(args.istioNamespace)]) },
        }, { parent: this });
        this.registerOutputs({ peerAuthenticationName: this.peerAuthenticationName });
    }
}
