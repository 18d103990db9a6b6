/**
 * The Istio sidecar (`istio-proxy`) a meshed pod runs: its default size, and the pod annotations
 * that size it per workload. Quotas count it (PlatformNamespace adds it to every footprint in a
 * meshed namespace), so a meshed namespace never runs out of room for its proxies.
 */
import { ResourceSpec } from "./pod";

/** Istio's default sidecar resources (what a pod without sizing annotations gets). */
export const ISTIO_PROXY_RESOURCES: ResourceSpec = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "2000m", memory: "1Gi" } };

const ANNOTATION = {
    requestCpu: "sidecar.istio.io/proxyCPU",
    limitCpu: "sidecar.istio.io/proxyCPULimit",
    requestMemory: "sidecar.istio.io/proxyMemory",
    limitMemory: "sidecar.istio.io/proxyMemoryLimit",
} as const;

/** Pod annotations that size the injected proxy. */
export function meshProxyAnnotations(r: ResourceSpec): Record<string, string> {
    return {
        [ANNOTATION.requestCpu]: r.requests.cpu,
        [ANNOTATION.limitCpu]: r.limits.cpu,
        [ANNOTATION.requestMemory]: r.requests.memory,
        [ANNOTATION.limitMemory]: r.limits.memory,
    };
}

/** The proxy size the annotations ask for (Istio's default for what they leave out); undefined without any. */
export function meshProxyFromAnnotations(annotations: Record<string, string> | undefined): ResourceSpec | undefined {
    const a = annotations ?? {};
    if (!Object.values(ANNOTATION).some((k) => a[k] !== undefined)) return undefined;
    const d = ISTIO_PROXY_RESOURCES;
    return {
        requests: { cpu: a[ANNOTATION.requestCpu] ?? d.requests.cpu, memory: a[ANNOTATION.requestMemory] ?? d.requests.memory },
        limits: { cpu: a[ANNOTATION.limitCpu] ?? d.limits.cpu, memory: a[ANNOTATION.limitMemory] ?? d.limits.memory },
    };
}
