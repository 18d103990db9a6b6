/**
 * The Kubernetes Service of a compose service: its type (options, else the kompose label, else
 * ClusterIP; `headless` from the label), NodePort numbers, and the in-cluster URL others use.
 */
import { serviceUrl } from "../kube/names";
import { INFRA_KINDS, DiscoveredInfrastructure, InfraKind } from "./discovery";
import { ComposeError } from "./errors";
import type { ComposeService } from "./model";
import type { NamedPort } from "./ports";
import { DEFAULT_SERVICE_TYPE, KOMPOSE_LABELS, ServiceContext, ServiceDeploymentSpec, ServiceType } from "./spec";

export type ResolvedServiceType = ServiceType | "Headless";

/** seed 004 / Kubernetes: NodePorts live in 30000-32767. */
export const NODE_PORT_RANGE = [30000, 32767] as const;

export function resolveServiceType(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: Pick<ServiceContext, "at" | "optAt">): ResolvedServiceType {
    if (spec.serviceType !== undefined) {
        if (!["ClusterIP", "NodePort", "LoadBalancer"].includes(spec.serviceType))
            throw new ComposeError(ctx.optAt("serviceType"), `must be ClusterIP, NodePort or LoadBalancer, got "${spec.serviceType}"`);
        return spec.serviceType;
    }
    const label = svc.labels[KOMPOSE_LABELS.serviceType];
    if (label === undefined) return DEFAULT_SERVICE_TYPE;
    const map: Record<string, ResolvedServiceType> = { clusterip: "ClusterIP", nodeport: "NodePort", loadbalancer: "LoadBalancer", headless: "Headless" };
    const t = map[label.toLowerCase()];
    if (!t) throw new ComposeError(ctx.at(`labels.${KOMPOSE_LABELS.serviceType}`), `must be clusterip, nodeport, loadbalancer or headless, got "${label}"`);
    return t;
}

/** The node port of one Service port: the kompose label (first port only), else a published port in range. */
export function nodePortFor(port: NamedPort, label: string | undefined, ctx: Pick<ServiceContext, "at">): number | undefined {
    if (label !== undefined) {
        const n = Number(label);
        if (!Number.isInteger(n) || n < NODE_PORT_RANGE[0] || n > NODE_PORT_RANGE[1])
            throw new ComposeError(
                ctx.at(`labels.${KOMPOSE_LABELS.nodePort}`),
                `must be a port in ${NODE_PORT_RANGE[0]}-${NODE_PORT_RANGE[1]}, got "${label}"`,
            );
        return n;
    }
    if (port.published !== undefined && port.published >= NODE_PORT_RANGE[0] && port.published <= NODE_PORT_RANGE[1]) return port.published;
    return undefined;
}

/** NodePort numbers by port name (empty unless the type is NodePort). */
export function nodePorts(
    svc: ComposeService,
    ports: readonly NamedPort[],
    type: ResolvedServiceType,
    ctx: Pick<ServiceContext, "at">,
): Record<string, number> {
    const out: Record<string, number> = {};
    if (type !== "NodePort") return out;
    ports.forEach((p, i) => {
        const n = nodePortFor(p, i === 0 ? svc.labels[KOMPOSE_LABELS.nodePort] : undefined, ctx);
        if (n !== undefined) out[p.name] = n;
    });
    return out;
}

/** URL scheme by what the service is: infrastructure by kind, otherwise by port name. */
export function urlScheme(portName: string, kind: InfraKind | undefined): string {
    const byKind: Record<InfraKind, string> = { mongo: "mongodb", redis: "redis", postgres: "postgresql", neo4j: "bolt", qdrant: "http" };
    if (kind) return byKind[kind];
    if (portName.startsWith("https")) return "https";
    if (portName.startsWith("grpc")) return "grpc";
    return "http";
}

/** In-cluster URL; infrastructure is addressed on its client port (neo4j: bolt 7687, not the 7474 browser). */
export function composeServiceUrl(service: string, ports: readonly NamedPort[], infra: DiscoveredInfrastructure, namespace: string): string | undefined {
    if (ports.length === 0) return undefined;
    const kind = INFRA_KINDS.find((k) => infra[k]?.service === service);
    const urlPort = (kind && ports.find((p) => p.containerPort === infra[kind]?.port)) || ports[0];
    return serviceUrl(urlScheme(urlPort.name, kind), service, namespace, urlPort.containerPort);
}
