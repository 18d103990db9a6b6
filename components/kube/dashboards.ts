/**
 * Grafana dashboards, one per system (seed 003 "Grafana Dashboards", issue 19): a ConfigMap labelled
 * `grafana_dashboard: "1"` that the Grafana sidecar of kube-prometheus-stack loads. The dashboard
 * JSON is built by a pure function from what the system itself declares: its workloads, its HPAs
 * (replicas against their bounds), its data-store exporters (Redis/Postgres health), its CronJobs
 * (age of the last success) and its own application metrics (p95 latency of every histogram).
 * Every query names either one of those metrics or a kube-state-metrics series.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { standardLabels } from "./labels";
import { componentType } from "./type-token";
import { WorkloadKind } from "./agent-service-args";

/** Where the ConfigMaps live: the namespace of kube-prometheus-stack, the only one its Grafana sidecar watches by default (`sidecar.dashboards.searchNamespace` unset). */
export const DASHBOARD_NAMESPACE = "monitoring";
/** The sidecar's default label (kube-prometheus-stack `grafana.sidecar.dashboards.label`/`labelValue`). */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

/** The kube-state-metrics series the dashboards read (kube-state-metrics v2 names). */
export const KSM_METRICS = [
    "kube_cronjob_status_last_successful_time",
    "kube_deployment_status_replicas",
    "kube_horizontalpodautoscaler_spec_max_replicas",
    "kube_horizontalpodautoscaler_spec_min_replicas",
    "kube_horizontalpodautoscaler_status_current_replicas",
    "kube_pod_container_status_restarts_total",
    "kube_statefulset_status_replicas",
] as const;

/** The Prometheus type of an application metric. */
export const AppMetricType = {
    /** Only goes up: the dashboard plots its 5-minute rate. */
    Counter: "counter",
    /** Goes up and down: plotted per pod. */
    Gauge: "gauge",
    /** Buckets: the dashboard plots its p95. */
    Histogram: "histogram",
} as const;
/** The Prometheus type of an application metric: `counter`, `gauge` or `histogram`. */
export type AppMetricType = (typeof AppMetricType)[keyof typeof AppMetricType];

/** A metric a system's own pods serve. */
export interface AppMetric {
    /** Prometheus metric name (a histogram without its `_bucket` suffix). */
    name: string;
    /** Its Prometheus type. */
    type: AppMetricType;
}

/** A Deployment or StatefulSet of the system. */
export interface DashboardWorkload {
    /** What it runs as. */
    kind: WorkloadKind;
    /** Its Kubernetes name. */
    name: string;
}

/** A HorizontalPodAutoscaler of the system. */
export interface DashboardHpa {
    /** The HPA's name. */
    name: string;
    /** The workload it scales. */
    target: string;
    /** Its fewest replicas. */
    minReplicas: number;
    /** Its most replicas. */
    maxReplicas: number;
}

/** A data store's metrics exporter. */
export const ExporterKind = {
    /** redis_exporter. */
    Redis: "redis",
    /** postgres-exporter. */
    Postgres: "postgres",
} as const;
/** A data store's metrics exporter: `redis` or `postgres`. */
export type ExporterKind = (typeof ExporterKind)[keyof typeof ExporterKind];

/** What one system declares, as its objects and config say. */
export interface DashboardInput {
    /** The system (config key), used in the title and uid. */
    system: string;
    /** The system's namespace (every query is scoped to it). */
    namespace: string;
    /** Its Deployments and StatefulSets. */
    workloads: DashboardWorkload[];
    /** Its HorizontalPodAutoscalers. */
    hpas: DashboardHpa[];
    /** CronJobs whose last success matters (database dumps). */
    cronJobs: string[];
    /** Data stores with an exporter sidecar. */
    exporters: ExporterKind[];
    /** The system's own application metrics. */
    metrics: AppMetric[];
}

/** The metrics the exporters serve that the dashboards read (redis_exporter, postgres-exporter). */
export const EXPORTER_METRICS: Record<ExporterKind, AppMetric[]> = {
    redis: [
        { name: "redis_up", type: "gauge" },
        { name: "redis_connected_clients", type: "gauge" },
    ],
    postgres: [{ name: "pg_up", type: "gauge" }],
};

/** Every metric a system exposes: its own and its exporters'. Pure. */
export function exposedMetrics(i: DashboardInput): AppMetric[] {
    return [...i.metrics, ...i.exporters.flatMap((e) => EXPORTER_METRICS[e])];
}

interface Target {
    expr: string;
    legendFormat: string;
    refId: string;
}
export interface Panel {
    id: number;
    title: string;
    type: "timeseries" | "stat";
    datasource: { type: "prometheus"; uid: string };
    gridPos: { x: number; y: number; w: number; h: number };
    targets: Target[];
    fieldConfig: { defaults: { unit?: string }; overrides: [] };
    options: Record<string, unknown>;
}
export interface Dashboard {
    uid: string;
    title: string;
    tags: string[];
    timezone: "browser";
    schemaVersion: number;
    version: number;
    editable: boolean;
    refresh: string;
    time: { from: string; to: string };
    templating: { list: unknown[] };
    annotations: { list: unknown[] };
    panels: Panel[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Input problems, as `field: rule (value)` lines. Pure. */
export function dashboardProblems(i: DashboardInput): string[] {
    const out: string[] = [];
    if (!DNS_LABEL.test(i.namespace)) out.push(`namespace: must be a DNS-1123 label (${i.namespace})`);
    for (const m of i.metrics) if (!METRIC_NAME.test(m.name)) out.push(`metrics[].name: must be a Prometheus metric name (${m.name})`);
    for (const h of i.hpas)
        if (!(h.minReplicas >= 1 && h.maxReplicas >= h.minReplicas))
            out.push(`hpas[${h.name}]: minReplicas must be >= 1 and <= maxReplicas (${h.minReplicas}..${h.maxReplicas})`);
    return out;
}

/** Regex alternation of exact names (DNS-1123: no regex metacharacters but `.`, escaped), for a label matcher. */
const anyOf = (names: readonly string[]) => names.map((n) => n.replace(/\./g, "\\\\.")).join("|");

/** A panel before layout: what it shows (targets get refIds A, B, ...). */
interface PanelDraft {
    title: string;
    type: Panel["type"];
    targets: Target[];
    unit?: string;
}

function panel(title: string, type: Panel["type"], targets: [string, string][], unit?: string): PanelDraft {
    return {
        title,
        type,
        targets: targets.map(([expr, legendFormat], n) => ({ expr, legendFormat, refId: String.fromCharCode(65 + n) })),
        ...(unit ? { unit } : {}),
    };
}

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);

/** One panel of the Deployments' and StatefulSets' replica counts. */
function replicaPanels(input: DashboardInput, ns: string): PanelDraft[] {
    const byKind = (k: string) =>
        input.workloads
            .filter((w) => w.kind === k)
            .map((w) => w.name)
            .sort();
    const replicas: [string, string][] = [];
    if (byKind("Deployment").length) replicas.push([`kube_deployment_status_replicas{${ns},deployment=~"${anyOf(byKind("Deployment"))}"}`, "{{deployment}}"]);
    if (byKind("StatefulSet").length)
        replicas.push([`kube_statefulset_status_replicas{${ns},statefulset=~"${anyOf(byKind("StatefulSet"))}"}`, "{{statefulset}}"]);
    return replicas.length ? [panel("Replicas", "timeseries", replicas)] : [];
}

/** Per HPA, its current replicas against its bounds. */
function hpaPanels(input: DashboardInput, ns: string): PanelDraft[] {
    return [...input.hpas].sort(byName).map((h) => {
        const sel = `{${ns},horizontalpodautoscaler="${h.name}"}`;
        return panel(`${h.target}: replicas vs HPA ${h.minReplicas}..${h.maxReplicas}`, "timeseries", [
            [`kube_horizontalpodautoscaler_status_current_replicas${sel}`, "current"],
            [`kube_horizontalpodautoscaler_spec_min_replicas${sel}`, "min"],
            [`kube_horizontalpodautoscaler_spec_max_replicas${sel}`, "max"],
        ]);
    });
}

/** The application's own metrics: p95 of each histogram, each gauge by pod, the rate of each counter. */
function appMetricPanels(input: DashboardInput, ns: string): PanelDraft[] {
    const ofType = (t: AppMetricType) => [...input.metrics].filter((x) => x.type === t).sort(byName);
    return [
        ...ofType("histogram").map((m) =>
            panel(`p95 ${m.name}`, "timeseries", [[`histogram_quantile(0.95, sum by (le) (rate(${m.name}_bucket{${ns}}[5m])))`, "p95"]], "s"),
        ),
        ...ofType("gauge").map((m) => panel(m.name, "timeseries", [[`sum by (pod) (${m.name}{${ns}})`, "{{pod}}"]])),
        ...ofType("counter").map((m) => panel(`${m.name} (rate 5m)`, "timeseries", [[`sum(rate(${m.name}{${ns}}[5m]))`, "per second"]], "ops")),
    ];
}

/** The data stores' exporters (up, clients) and the age of each backup CronJob's last success. */
function dataPanels(input: DashboardInput, ns: string): PanelDraft[] {
    const exporters = [...new Set(input.exporters)].sort();
    const cronJobs = [...new Set(input.cronJobs)].sort();
    return [
        ...(exporters.includes("redis")
            ? [
                  panel("Redis up", "stat", [
                      [`min(redis_up{${ns}})`, "redis_up"],
                      [`sum(redis_connected_clients{${ns}})`, "clients"],
                  ]),
              ]
            : []),
        ...(exporters.includes("postgres") ? [panel("Postgres up", "stat", [[`min(pg_up{${ns}})`, "pg_up"]])] : []),
        ...(cronJobs.length
            ? [
                  panel(
                      "Backup age (since last successful run)",
                      "stat",
                      cronJobs.map((c) => [`time() - kube_cronjob_status_last_successful_time{${ns},cronjob="${c}"}`, c]),
                      "s",
                  ),
              ]
            : []),
    ];
}

/** Panels laid out two per row, 12 x 8 each, on the Prometheus datasource. */
function layout(drafts: PanelDraft[]): Panel[] {
    return drafts.map((p, n) => {
        const { unit, type, ...rest } = p;
        return {
            id: n + 1,
            ...rest,
            type,
            datasource: { type: "prometheus", uid: "prometheus" },
            gridPos: { x: (n % 2) * 12, y: Math.floor(n / 2) * 8, w: 12, h: 8 },
            fieldConfig: { defaults: unit ? { unit } : {}, overrides: [] },
            options: type === "stat" ? { reduceOptions: { calcs: ["lastNotNull"] } } : { legend: { displayMode: "list", placement: "bottom" } },
        };
    });
}

/**
 * The dashboard of one system. Pure and deterministic (sorted inputs, stable ids, no timestamps).
 * Panels: replicas per workload, HPA current against min/max, container restarts, p95 latency of
 * each histogram metric, Redis/Postgres exporter health, age of each CronJob's last success.
 */
export function systemDashboard(input: DashboardInput): Dashboard {
    const problems = dashboardProblems(input);
    if (problems.length > 0) throw new Error(`dashboard ${input.system}: ${problems.join("; ")}`);
    const ns = `namespace="${input.namespace}"`;
    const restarts = panel("Container restarts (1h)", "timeseries", [
        [`sum by (pod, container) (increase(kube_pod_container_status_restarts_total{${ns}}[1h]))`, "{{pod}}/{{container}}"],
    ]);
    return {
        uid: `agent-platform-${input.namespace}`.slice(0, 40),
        title: `agent-platform / ${input.system} (${input.namespace})`,
        tags: ["agent-platform", input.system],
        timezone: "browser",
        schemaVersion: 39,
        version: 1,
        editable: false,
        refresh: "1m",
        time: { from: "now-6h", to: "now" },
        templating: { list: [] },
        annotations: { list: [] },
        panels: layout([...replicaPanels(input, ns), ...hpaPanels(input, ns), restarts, ...appMetricPanels(input, ns), ...dataPanels(input, ns)]),
    };
}

/** The metric names a PromQL expression reads (identifiers not followed by `(`, minus keywords and label names). Pure. */
export function metricsInQuery(expr: string): string[] {
    const stripped = expr
        .replace(/\{[^}]*\}/g, "")
        .replace(/\[[^\]]*\]/g, "")
        .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, "");
    const words = [...stripped.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)].filter((m) => !m[2]).map((m) => m[1]);
    return [...new Set(words.filter((w) => !/^(le|by|without|on|ignoring|bool|and|or|unless)$/.test(w) && !/^\d/.test(w)))];
}

/** The sidecar's ConfigMap for one dashboard. Pure. */
export function dashboardConfigMap(
    input: DashboardInput,
    dashboardJson: pulumi.Input<string> = JSON.stringify(systemDashboard(input), null, 2),
): Record<string, unknown> {
    const name = `grafana-dashboard-${input.namespace}`;
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
            name,
            namespace: DASHBOARD_NAMESPACE,
            labels: { ...standardLabels(name, { partOf: "agent-platform", component: "dashboards" }), ...DASHBOARD_LABEL },
        },
        data: { [`${input.namespace}.json`]: dashboardJson },
    };
}

/** The arguments of `SystemDashboard`. */
export interface SystemDashboardArgs {
    /** What the system declares; resolved when its objects' names are Outputs. */
    input: pulumi.Input<DashboardInput>;
    /**
     * Namespace of the system, a plain name (not an Output, unlike other components' `namespace`):
     * the ConfigMap's name `grafana-dashboard-<namespace>` and its data key `<namespace>.json` (the
     * file Grafana's sidecar writes) are made from it when the component is constructed, before
     * `input` resolves. The ConfigMap itself goes to `monitoring`, not into this namespace.
     */
    namespace: string;
    /** What the cluster runs: the ConfigMap is created only with the Prometheus Operator stack (`serviceMonitor`), whose Grafana sidecar reads it. @default none installed */
    capabilities?: ClusterCapabilities;
}

/** One system's dashboard ConfigMap in `monitoring`. */
export class SystemDashboard extends pulumi.ComponentResource {
    public readonly created: boolean;

    constructor(name: string, args: SystemDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("SystemDashboard"), name, {}, opts);
        this.created = crdAvailable(
            args.capabilities,
            "serviceMonitor",
            `Grafana dashboard ConfigMap ${DASHBOARD_NAMESPACE}/grafana-dashboard-${args.namespace}`,
            this,
        );
        if (this.created) {
            const input = pulumi.output(args.input) as pulumi.Output<DashboardInput>;
            const json = input.apply((i) => JSON.stringify(systemDashboard(i), null, 2));
            const shape = { system: name, namespace: args.namespace, workloads: [], hpas: [], cronJobs: [], exporters: [], metrics: [] };
            new k8s.core.v1.ConfigMap(`${name}-dashboard`, dashboardConfigMap(shape, json) as k8s.core.v1.ConfigMapArgs, { parent: this });
        }
        this.registerOutputs({ created: this.created });
    }
}
