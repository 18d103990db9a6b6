/**
 * Issue 19, dashboards: one Grafana dashboard per system as a ConfigMap the Grafana sidecar loads;
 * every panel query reads a metric the system exposes or a kube-state-metrics series.
 */
import { strict as assert } from "assert";
import {
    DashboardInput,
    EXPORTER_METRICS,
    KSM_METRICS,
    dashboardConfigMap,
    exposedMetrics,
    metricsInQuery,
    systemDashboard,
} from "../../../components/kube/dashboards";
import { customMetricsOf } from "../../../components/kube/custom-metrics";
import { POSTGRES_EXPORTER_IMAGE } from "../../../components/kube/postgres";
import { REDIS_EXPORTER_IMAGE } from "../../../components/kube/redis";
import { SystemKey } from "../../../stacks/config";
import { SYSTEM_APP_METRICS } from "../../../stacks/dashboards";
import { RenderResult } from "../../../tools/lib/render";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";

const input: DashboardInput = {
    system: "claudeCode",
    namespace: "claude-code",
    workloads: [
        { kind: "Deployment", name: "worker-agent" },
        { kind: "StatefulSet", name: "postgres" },
    ],
    hpas: [{ name: "worker-agent-hpa", target: "worker-agent", minReplicas: 5, maxReplicas: 100 }],
    cronJobs: ["postgres-backup"],
    exporters: ["postgres", "redis"],
    metrics: [
        { name: "active_tasks_per_pod", type: "gauge" },
        { name: "task_duration_seconds", type: "histogram" },
    ],
};

/** README "What it deploys": each system's namespace. */
const NAMESPACES: Record<SystemKey, string> = {
    terminalMid: "claude-mid-service",
    inquisitor: "inquisitor-system",
    claudeCode: "claude-code",
    productionAgents: "production-agents",
    ushadow: "ushadow",
};

const queries = (d: { panels: { targets: { expr: string }[] }[] }) => d.panels.flatMap((p) => p.targets.map((t) => t.expr));
/** A query's metric is allowed when the system exposes it (a histogram through its `_bucket` series) or kube-state-metrics serves it. */
function foreignMetrics(exprs: string[], exposed: { name: string; type: string }[]): string[] {
    const ok = new Set<string>([
        ...KSM_METRICS,
        ...exposed.map((m) => m.name),
        ...exposed.filter((m) => m.type === "histogram").map((m) => `${m.name}_bucket`),
    ]);
    return exprs.flatMap((e) =>
        metricsInQuery(e)
            .filter((m) => !ok.has(m))
            .map((m) => `${m} in ${e}`),
    );
}

describe("kube: Grafana dashboards per system (issue 19)", () => {
    it("GIVEN a system's objects THEN the dashboard shows replicas, HPA bounds, restarts, p95 of the histogram, exporter health and backup age", () => {
        const d = systemDashboard(input);
        const titles = d.panels.map((p) => p.title);
        assert.deepEqual(titles, [
            "Replicas",
            "worker-agent: replicas vs HPA 5..100",
            "Container restarts (1h)",
            "p95 task_duration_seconds",
            "active_tasks_per_pod",
            "Redis up",
            "Postgres up",
            "Backup age (since last successful run)",
        ]);
        const q = queries(d);
        assert.ok(q.includes('histogram_quantile(0.95, sum by (le) (rate(task_duration_seconds_bucket{namespace="claude-code"}[5m])))'));
        assert.ok(q.includes('kube_horizontalpodautoscaler_spec_max_replicas{namespace="claude-code",horizontalpodautoscaler="worker-agent-hpa"}'));
        assert.ok(q.includes('time() - kube_cronjob_status_last_successful_time{namespace="claude-code",cronjob="postgres-backup"}'));
        assert.deepEqual(foreignMetrics(q, exposedMetrics(input)), []);
        assert.deepEqual(new Set(d.panels.map((p) => p.id)).size, d.panels.length, "panel ids are unique");
    });

    it("GIVEN no histogram, exporter or CronJob THEN those panels are absent (no query of a metric nobody serves)", () => {
        const d = systemDashboard({ ...input, exporters: [], cronJobs: [], metrics: [] });
        assert.deepEqual(
            queries(d)
                .flatMap((e) => metricsInQuery(e))
                .filter((m) => !(KSM_METRICS as readonly string[]).includes(m)),
            [],
        );
    });

    it("GIVEN the same input twice THEN the JSON is identical (no diff on a second up), and bad input is one error naming the field", () => {
        assert.equal(
            JSON.stringify(systemDashboard(input)),
            JSON.stringify(systemDashboard({ ...input, hpas: [...input.hpas], cronJobs: [...input.cronJobs] })),
        );
        assert.throws(
            () => systemDashboard({ ...input, metrics: [{ name: "bad name", type: "gauge" }] }),
            /metrics\[\]\.name: must be a Prometheus metric name \(bad name\)/,
        );
        assert.throws(() => systemDashboard({ ...input, hpas: [{ name: "h", target: "t", minReplicas: 5, maxReplicas: 2 }] }), /hpas\[h\]/);
    });

    it("GIVEN a query THEN metricsInQuery finds its metrics and not its functions, label names or keywords", () => {
        assert.deepEqual(metricsInQuery('sum by (pod, container) (increase(kube_pod_container_status_restarts_total{namespace="x"}[1h]))'), [
            "kube_pod_container_status_restarts_total",
        ]);
        assert.deepEqual(metricsInQuery('time() - a_b{x="y"} > on(namespace) c'), ["a_b", "c"]);
    });

    it("GIVEN the ConfigMap THEN it sits in monitoring with the sidecar's label grafana_dashboard=1", () => {
        const cm = dashboardConfigMap(input) as any;
        assert.equal(cm.metadata.namespace, "monitoring");
        assert.equal(cm.metadata.name, "grafana-dashboard-claude-code");
        assert.equal(cm.metadata.labels.grafana_dashboard, "1");
        assert.doesNotThrow(() => JSON.parse(cm.data["claude-code.json"]));
    });

    describe("the renders", function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const r: Record<string, RenderResult> = {};
        before(async () => {
            r.prod = await renderedStack("prod");
            r.dev = await renderedStack("dev");
        });

        /** What the system in `namespace` exposes, read from the render itself. */
        function exposedIn(x: RenderResult, key: SystemKey, namespace: string) {
            const inNs = x.objects.filter((o) => o.metadata.namespace === namespace) as any[];
            const images = inNs.flatMap((o) => (o.spec?.template?.spec?.containers ?? []).map((c: { image: string }) => c.image));
            const has = (image: string) => images.some((i) => i.startsWith(image.split(":")[0]));
            return [
                ...SYSTEM_APP_METRICS[key],
                ...inNs
                    .filter((o) => o.kind === "HorizontalPodAutoscaler")
                    .flatMap((h) => customMetricsOf(h))
                    .map((name) => ({ name, type: "gauge" })),
                ...(has(REDIS_EXPORTER_IMAGE) ? EXPORTER_METRICS.redis : []),
                ...(has(POSTGRES_EXPORTER_IMAGE) ? EXPORTER_METRICS.postgres : []),
            ];
        }

        for (const stack of ["prod", "dev"]) {
            it(`GIVEN ${stack} THEN every enabled system has one dashboard ConfigMap with valid JSON whose queries read only its own or kube-state-metrics series`, () => {
                const namespaces = Object.fromEntries(r[stack].objects.filter((o) => o.kind === "Namespace").map((o) => [o.metadata.name, true]));
                const systems = (Object.keys(NAMESPACES) as SystemKey[]).map((key) => ({ key, ns: NAMESPACES[key] })).filter((s) => namespaces[s.ns]);
                assert.ok(systems.length >= 5, `${stack}: expected the five systems' namespaces`);
                for (const { key, ns } of systems) {
                    const cm = r[stack].objects.find(
                        (o) => o.kind === "ConfigMap" && o.metadata.namespace === "monitoring" && o.metadata.name === `grafana-dashboard-${ns}`,
                    ) as any;
                    assert.ok(cm, `${stack}: no dashboard for ${key} (${ns})`);
                    assert.equal(cm.metadata.labels.grafana_dashboard, "1");
                    const d = JSON.parse(cm.data[`${ns}.json`]);
                    assert.ok(d.panels.length >= 2, `${ns}: panels`);
                    assert.deepEqual(foreignMetrics(queries(d), exposedIn(r[stack], key, ns)), [], `${stack}/${ns}`);
                    assert.ok(
                        queries(d).every((q) => q.includes(`namespace="${ns}"`)),
                        `${ns}: every query is scoped to the system's namespace`,
                    );
                }
            });
        }

        it("GIVEN prod THEN the dashboards cover HPA bounds, Redis and Postgres health, the backup's age and the inquisitor's p95 latency", () => {
            const json = (ns: string) => JSON.parse((r.prod.objects.find((o) => o.metadata.name === `grafana-dashboard-${ns}`) as any).data[`${ns}.json`]);
            const cc = queries(json("claude-code")).join("\n");
            for (const m of [
                "kube_horizontalpodautoscaler_spec_max_replicas",
                "redis_up",
                "pg_up",
                "kube_cronjob_status_last_successful_time",
                "active_tasks_per_pod",
            ])
                assert.ok(cc.includes(m), m);
            assert.ok(
                queries(json("inquisitor-system")).some(
                    (q) => q.startsWith("histogram_quantile(0.95") && q.includes("inquisitor_inquiry_duration_seconds_bucket"),
                ),
            );
        });
    });
});
