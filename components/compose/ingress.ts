/**
 * The Ingress of a compose service: from the options, else the kompose `expose` labels
 * (`true` or `host[/path]`, TLS secret, ingress class); one Prefix rule to one Service port, or
 * with `stripPath` one ingress-nginx regex rule that drops the path prefix before the backend.
 */
import { isDnsName } from "../kube/names";
import { sortKeys } from "../kube/sorted";
import { ComposeError } from "./errors";
import { baseLabels } from "./metadata";
import type { ComposeService } from "./model";
import { findPort, type NamedPort } from "./ports";
import { DEFAULT_INGRESS_PATH, IngressSpec, KOMPOSE_LABELS, KubeObject, ServiceContext, ServiceDeploymentSpec } from "./spec";

const isHost = (h: string) => isDnsName(h, { wildcard: true });

export function resolveIngress(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: Pick<ServiceContext, "at" | "optAt">): IngressSpec | undefined {
    if (spec.ingress !== undefined) {
        if (spec.ingress.enabled === false) return undefined;
        if (spec.ingress.host !== undefined && !isHost(spec.ingress.host))
            throw new ComposeError(ctx.optAt("ingress.host"), `must be a DNS host name, got "${spec.ingress.host}"`);
        return spec.ingress;
    }
    const expose = svc.labels[KOMPOSE_LABELS.expose];
    if (expose === undefined || expose.toLowerCase() === "false") return undefined;
    const ingress: IngressSpec = { enabled: true };
    if (expose.toLowerCase() !== "true") {
        const first = expose.split(",")[0].trim();
        const slash = first.indexOf("/");
        ingress.host = slash < 0 ? first : first.slice(0, slash);
        if (slash >= 0) ingress.path = first.slice(slash);
        if (!isHost(ingress.host)) throw new ComposeError(ctx.at(`labels.${KOMPOSE_LABELS.expose}`), `must be "true" or host[/path], got "${expose}"`);
    }
    const tlsSecret = svc.labels[KOMPOSE_LABELS.exposeTlsSecret];
    if (tlsSecret) {
        ingress.tls = true;
        ingress.tlsSecretName = tlsSecret;
    }
    const className = svc.labels[KOMPOSE_LABELS.exposeIngressClass];
    if (className) ingress.className = className;
    return ingress;
}

export interface IngressObjectArgs {
    service: string;
    namespace: string;
    partOf?: string;
    ports: readonly NamedPort[];
    /** The service's extra labels and annotations. */
    labels: Record<string, string>;
    annotations?: Record<string, string>;
}

/** The service port an Ingress routes to (`ingress.port`, else the first port), checked. */
export function ingressBackendPort(ingress: IngressSpec, ports: readonly NamedPort[], ctx: Pick<ServiceContext, "at" | "optAt">): NamedPort {
    if (ports.length === 0) throw new ComposeError(ctx.at("ports"), "an ingress was requested but the service has no ports to route to");
    if (ingress.port === undefined && ingress.portName === undefined) return ports[0];
    return findPort(ingress, ports, ctx.optAt("ingress.port"));
}

const NGINX = "nginx.ingress.kubernetes.io";
/** A path prefix `stripPath` can turn into a regex: `/` and then segments of plain URL characters, no trailing `/`. */
const STRIPPABLE_PATH = /^(\/[A-Za-z0-9._~-]+)+$/;

/**
 * The rule's path, its type and the annotations it needs. `stripPath`: ingress-nginx matches
 * `<path>` and everything under it and passes the rest of the URL (`/mem0/api/x` -> `/api/x`).
 */
function ingressPath(ingress: IngressSpec, ctx: Pick<ServiceContext, "optAt">): { path: string; pathType: string; annotations: Record<string, string> } {
    const path = ingress.path ?? DEFAULT_INGRESS_PATH;
    if (!path.startsWith("/")) throw new ComposeError(ctx.optAt("ingress.path"), `must start with "/", got "${path}"`);
    if (!ingress.stripPath) return { path, pathType: "Prefix", annotations: {} };
    if (!STRIPPABLE_PATH.test(path))
        throw new ComposeError(
            ctx.optAt("ingress.path"),
            `with stripPath must be a prefix such as /mem0 (segments of letters, digits, '.', '_', '~', '-'; no trailing '/'), got "${path}"`,
        );
    return {
        path: `${path}(/|$)(.*)`,
        pathType: "ImplementationSpecific",
        annotations: { [`${NGINX}/use-regex`]: "true", [`${NGINX}/rewrite-target`]: "/$2" },
    };
}

/** The `networking.k8s.io/v1` Ingress object `<svc>` for a resolved IngressSpec, its port and path checked. */
export function ingressObject(ingress: IngressSpec, a: IngressObjectArgs, ctx: Pick<ServiceContext, "at" | "optAt">): KubeObject {
    const backendPort = ingressBackendPort(ingress, a.ports, ctx);
    const { path, pathType, annotations: pathAnnotations } = ingressPath(ingress, ctx);
    if (ingress.tls && !ingress.host) throw new ComposeError(ctx.optAt("ingress.tls"), "TLS needs ingress.host (the certificate is issued for a host)");
    const rule = {
        ...(ingress.host ? { host: ingress.host } : {}),
        http: { paths: [{ path, pathType, backend: { service: { name: a.service, port: { name: backendPort.name } } } }] },
    };
    const annotations = { ...(a.annotations ?? {}), ...pathAnnotations, ...(ingress.annotations ?? {}) };
    return {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: {
            name: a.service,
            namespace: a.namespace,
            labels: sortKeys({ ...a.labels, ...baseLabels(a.service, a.partOf) }),
            ...(Object.keys(annotations).length ? { annotations: sortKeys(annotations) } : {}),
        },
        spec: {
            ...(ingress.className ? { ingressClassName: ingress.className } : {}),
            rules: [rule],
            ...(ingress.tls ? { tls: [{ hosts: [ingress.host as string], secretName: ingress.tlsSecretName ?? `${a.service}-tls` }] } : {}),
        },
    };
}
