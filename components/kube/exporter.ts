/**
 * A Prometheus exporter sidecar next to a data store (redis_exporter, postgres-exporter): the
 * container, a `<workload>-metrics` Service with scrape annotations, a ServiceMonitor where the
 * Prometheus Operator is installed, and the NetworkPolicy rule that lets the scraper in.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { COMPONENT_LABEL, Labels } from "./labels";
import { NamespaceInput, knownNamespace, namespaceName } from "./namespace-ref";
import { NetworkPeer, TrafficRule } from "./network";
import { ProbeSet, ResourceSpec, SecurityOptions, buildContainer } from "./pod";
import { sumResources } from "./quota";
import { prometheusScrapeAnnotations, serviceMonitorSpec } from "./service-monitor";
import { serviceAnnotations } from "./service-await";

/** Exporter sidecar requests/limits when the caller sets none. */
export const DEFAULT_EXPORTER_RESOURCES: ResourceSpec = {
    requests: { cpu: "25m", memory: "32Mi" },
    limits: { cpu: "100m", memory: "128Mi" },
};
/** Where Prometheus runs when the caller names no scraper: namespace `monitoring` (kube-prometheus-stack). */
export const DEFAULT_METRICS_SCRAPER: NetworkPeer = { namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" } };
/** Name of the exporter's container port and of the metrics Service port. */
export const METRICS_PORT_NAME = "metrics";

/** The exporter args a data store (Redis, Postgres) takes. */
export interface ExporterArgs {
    /** Exporter sidecar, metrics Service (prometheus.io annotations) and ServiceMonitor (CRD-gated). @default false */
    exporter?: boolean;
    /** Who may scrape the exporter. @default pods in namespace `monitoring` */
    metricsScraper?: NetworkPeer;
    /** What the cluster runs (the ServiceMonitor needs `serviceMonitor`). @default none installed */
    capabilities?: ClusterCapabilities;
    /** Exporter image, pinned; an Output too. @default the store's pinned exporter image */
    exporterImage?: pulumi.Input<string>;
    /** Exporter sidecar requests/limits (raise them to a namespace LimitRange's minimum). @default DEFAULT_EXPORTER_RESOURCES */
    exporterResources?: ResourceSpec;
}

/** One pod's resources: the main container's plus, when there is one, the exporter sidecar's (for quotas). */
export function withExporterResources(main: ResourceSpec, a: ExporterArgs): ResourceSpec {
    return a.exporter ? sumResources(main, a.exporterResources ?? DEFAULT_EXPORTER_RESOURCES) : main;
}

export interface ExporterSidecar {
    image: pulumi.Input<string>;
    port: number;
    env: k8s.types.input.core.v1.EnvVar[];
    resources?: ResourceSpec;
    probes: ProbeSet;
    security: SecurityOptions;
}

/** The hardened exporter container (`exporter`, port `metrics`). */
export function exporterContainer(e: ExporterSidecar): k8s.types.input.core.v1.Container {
    return buildContainer({
        name: "exporter",
        image: e.image,
        ports: [{ name: METRICS_PORT_NAME, containerPort: e.port }],
        env: e.env,
        resources: e.resources ?? DEFAULT_EXPORTER_RESOURCES,
        probes: e.probes,
        security: e.security,
    });
}

/** The ingress rule that admits the scraper on the exporter port. */
export function scraperRule(scraper: NetworkPeer | undefined, port: number): TrafficRule {
    return { peers: [scraper ?? DEFAULT_METRICS_SCRAPER], ports: [port] };
}

/** The scraper's ingress rule when the store runs an exporter on `port`, else none. */
export function scraperRules(a: ExporterArgs, port: number): TrafficRule[] {
    return a.exporter ? [scraperRule(a.metricsScraper, port)] : [];
}

export interface MetricsEndpointArgs {
    namespace: NamespaceInput;
    /** The workload whose pods serve the metrics; the Service is `<workload>-metrics`, the ServiceMonitor `<workload>`. */
    workload: string;
    labels: Labels;
    selector: Labels;
    port: number;
    capabilities?: ClusterCapabilities;
}

/** The metrics Service `<prefix>-metrics-svc` and, CRD permitting, the ServiceMonitor `<prefix>-monitor`. */
export function createMetricsEndpoint(prefix: string, a: MetricsEndpointArgs, parent: pulumi.Resource): void {
    const metricsLabels = { ...a.labels, [COMPONENT_LABEL]: "metrics" };
    const namespace = namespaceName(a.namespace);
    const service = new k8s.core.v1.Service(
        `${prefix}-metrics-svc`,
        {
            metadata: {
                name: `${a.workload}-metrics`,
                namespace,
                labels: metricsLabels,
                annotations: serviceAnnotations("ClusterIP", prometheusScrapeAnnotations(a.port)),
            },
            spec: {
                type: "ClusterIP",
                selector: a.selector,
                ports: [{ name: METRICS_PORT_NAME, port: a.port, targetPort: METRICS_PORT_NAME, protocol: "TCP" }],
            },
        },
        { parent },
    );
    if (crdAvailable(a.capabilities, "serviceMonitor", `ServiceMonitor ${knownNamespace(a.namespace) ?? "(namespace)"}/${a.workload}`, parent)) {
        new k8s.apiextensions.CustomResource(
            `${prefix}-monitor`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: { name: a.workload, namespace, labels: a.labels },
                spec: serviceMonitorSpec(a.selector, { port: METRICS_PORT_NAME, selector: { ...a.selector, [COMPONENT_LABEL]: "metrics" } }),
            },
            { parent, dependsOn: [service] },
        );
    }
}
