/**
 * Pods that flows name but the stacks do not render: what the cluster provides (cluster DNS,
 * Prometheus, the ingress controller, istiod) and probe pods the e2e tier starts itself (a
 * stranger in `default`, seed 003's `kubectl run debug`). Each is declared once, with the labels
 * the policies select it by and the ports it serves; the e2e tier runs a stand-in with exactly
 * these labels and ports where the real one is absent.
 */
import { Labels, PodRef, PodTarget, Protocol, StackName, STACKS } from "./types";

export interface PlatformPod extends PodTarget {
    /** `cluster`: the cluster runs it; `probe`: the e2e tier starts it to try flows from or to. */
    provider: "cluster" | "probe";
    ports: { port: number; protocol: Protocol }[];
    stacks: readonly StackName[];
    /** Namespace labels besides `kubernetes.io/metadata.name` (which every namespace has). */
    namespaceLabels?: Labels;
}

const tcp = (...ports: number[]) => ports.map((port) => ({ port, protocol: "TCP" as const }));

/** CoreDNS behind Service `kube-dns`, labelled `k8s-app: kube-dns` (EKS add-on and upstream manifests). */
export const KUBE_DNS: PlatformPod = {
    namespace: "kube-system",
    name: "kube-dns",
    podLabels: { "k8s-app": "kube-dns" },
    service: "kube-dns",
    provider: "cluster",
    ports: [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
    ],
    stacks: STACKS,
};

/** The Prometheus that scrapes ServiceMonitors (config `monitoringNamespace`, default `monitoring`). */
export const PROMETHEUS: PlatformPod = {
    namespace: "monitoring",
    name: "prometheus",
    podLabels: { "app.kubernetes.io/name": "prometheus" },
    provider: "cluster",
    ports: tcp(9090),
    stacks: STACKS,
};

/** ingress-nginx's controller (config `ingressControllerNamespace`, default `ingress-nginx`): the internet-facing side. */
export const INGRESS_CONTROLLER: PlatformPod = {
    namespace: "ingress-nginx",
    name: "ingress-nginx-controller",
    podLabels: { "app.kubernetes.io/name": "ingress-nginx", "app.kubernetes.io/component": "controller" },
    provider: "cluster",
    ports: tcp(80, 443),
    stacks: STACKS,
};

/** istiod, which meshed sidecars fetch config and certificates from (prod runs the mesh). */
export const ISTIOD: PlatformPod = {
    namespace: "istio-system",
    name: "istiod",
    podLabels: { app: "istiod" },
    service: "istiod",
    provider: "cluster",
    ports: tcp(15012),
    stacks: ["prod"],
};

/** A pod no policy names, in a namespace with no policies: it may call anything and serves 8080 and 443. */
export const STRANGER: PlatformPod = {
    namespace: "default",
    name: "stranger",
    podLabels: { "app.kubernetes.io/name": "netmatrix-stranger" },
    provider: "probe",
    ports: tcp(443, 8080),
    stacks: STACKS,
};

/** Seed 003's troubleshooting pod (`kubectl run -it --rm debug ... -n production-agents`), labelled `run: debug` as kubectl does. */
export const AGENTS_DEBUG: PlatformPod = {
    namespace: "production-agents",
    name: "debug",
    podLabels: { run: "debug" },
    provider: "probe",
    ports: tcp(8080),
    stacks: STACKS,
};

/**
 * cert-manager's HTTP-01 solver for a namespace's Ingress certificate: cert-manager runs it in the
 * Ingress's namespace while a challenge is open, and the ACME server reaches it through the
 * ingress controller on 8089.
 */
function acmeSolver(namespace: string): PlatformPod {
    return {
        namespace,
        name: "acme-http01-solver",
        podLabels: { "acme.cert-manager.io/http01-solver": "true" },
        provider: "cluster",
        ports: tcp(8089),
        stacks: STACKS,
    };
}
export const CLAUDE_CODE_ACME_SOLVER = acmeSolver("claude-code");
export const USHADOW_ACME_SOLVER = acmeSolver("ushadow");

export const PLATFORM_PODS: readonly PlatformPod[] = [
    KUBE_DNS,
    PROMETHEUS,
    INGRESS_CONTROLLER,
    ISTIOD,
    STRANGER,
    AGENTS_DEBUG,
    CLAUDE_CODE_ACME_SOLVER,
    USHADOW_ACME_SOLVER,
];

/** The platform pod a PodRef names, if any (same namespace, same labels). */
export function platformPod(ref: PodRef): PlatformPod | undefined {
    return PLATFORM_PODS.find((p) => p.namespace === ref.namespace && sameLabels(p.podLabels, ref.podLabels));
}

function sameLabels(a: Labels, b: Labels): boolean {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
