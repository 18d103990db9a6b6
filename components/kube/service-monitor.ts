/** ServiceMonitor specs (Prometheus Operator) and the annotation-based scrape alternative. */
import { Labels } from "./labels";

export interface ServiceMonitorOptions {
    /** Service port name to scrape. */
    port: string;
    /** HTTP path of the metrics. @default "/metrics" */
    path?: string;
    /** Scrape interval, a Prometheus duration. @default "30s" */
    interval?: string;
    /** ServiceMonitor name (seed 002: `agent-metrics`). @default the workload name */
    name?: string;
    /** Select more than one workload's Services (e.g. every agent in a system). @default the workload's selector */
    selector?: Labels;
}

export function serviceMonitorSpec(selector: Labels, o: ServiceMonitorOptions) {
    return {
        selector: { matchLabels: o.selector ?? selector },
        endpoints: [{ port: o.port, path: o.path ?? "/metrics", interval: o.interval ?? "30s" }],
    };
}

/** `prometheus.io/*` annotations for scrapers that discover Services by annotation (seed 001). */
export function prometheusScrapeAnnotations(port: number, path = "/metrics"): Record<string, string> {
    return { "prometheus.io/scrape": "true", "prometheus.io/port": String(port), "prometheus.io/path": path };
}
