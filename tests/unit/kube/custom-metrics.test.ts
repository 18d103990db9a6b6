/**
 * Issue 19, custom metrics: the prometheus-adapter rules ConfigMap and the custom metrics
 * APIService serve every Pods/Object metric an HPA of either render declares.
 */
import { strict as assert } from "assert";
import { parse } from "yaml";
import { adapterConfig, adapterRule, customMetricsApiService, customMetricsOf, unservedMetrics } from "../../../components/kube/custom-metrics";
import { RenderResult } from "../../../tools/lib/render";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";

const hpa = (name: string, ...metrics: string[]) => ({
    metadata: { name, namespace: "ns" },
    spec: { metrics: [{ type: "Resource", resource: { name: "cpu" } }, ...metrics.map((m) => ({ type: "Pods", pods: { metric: { name: m } } }))] },
});

describe("kube: custom metrics for the HPAs (issue 19)", () => {
    it("GIVEN a Pods metric THEN its rule maps the namespace and pod labels and serves it under its own name", () => {
        const r = adapterRule("active_tasks_per_pod");
        assert.equal(r.seriesQuery, 'active_tasks_per_pod{namespace!="",pod!=""}');
        assert.deepEqual(r.resources.overrides, { namespace: { resource: "namespace" }, pod: { resource: "pod" } });
        assert.deepEqual(r.name, { matches: "^active_tasks_per_pod$", as: "active_tasks_per_pod" });
        assert.throws(() => adapterRule("bad name"), /not a Prometheus metric name/);
    });

    it("GIVEN HPAs THEN only their Pods/Object metrics count, and one no rule serves is reported", () => {
        assert.deepEqual(customMetricsOf(hpa("w", "a", "b")), ["a", "b"]);
        assert.deepEqual(unservedMetrics([hpa("w", "a", "b")], adapterConfig(["a", "b", "a"])), []);
        assert.deepEqual(unservedMetrics([hpa("w", "a", "queue_depth")], adapterConfig(["a"])), ["ns/w: queue_depth"]);
    });

    it("GIVEN the APIService THEN it routes custom.metrics.k8s.io v1beta1 to monitoring/prometheus-adapter", () => {
        const s = customMetricsApiService() as any;
        assert.equal(s.metadata.name, "v1beta1.custom.metrics.k8s.io");
        assert.deepEqual(s.spec.service, { name: "prometheus-adapter", namespace: "monitoring", port: 443 });
    });

    describe("the renders", function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const r: Record<string, RenderResult> = {};
        before(async () => {
            r.prod = await renderedStack("prod");
            r.dev = await renderedStack("dev");
        });
        const hpas = (x: RenderResult) => x.objects.filter((o) => o.kind === "HorizontalPodAutoscaler");

        it("GIVEN prod THEN the adapter's ConfigMap and APIService are rendered and serve every metric any HPA of prod or dev declares", () => {
            const cm = r.prod.objects.find(
                (o) => o.kind === "ConfigMap" && o.metadata.name === "prometheus-adapter" && o.metadata.namespace === "monitoring",
            ) as any;
            assert.ok(cm, "no prometheus-adapter ConfigMap in prod");
            assert.ok(r.prod.objects.some((o) => o.kind === "APIService" && o.metadata.name === "v1beta1.custom.metrics.k8s.io"));
            const config = parse(cm.data["config.yaml"]);
            const declared = [...hpas(r.prod), ...hpas(r.dev)].flatMap((h) => customMetricsOf(h as never));
            assert.ok(declared.includes("active_tasks_per_pod"), "seed 002's worker HPA declares active_tasks_per_pod");
            assert.deepEqual(unservedMetrics([...hpas(r.prod), ...hpas(r.dev)] as never, config), []);
        });

        it("GIVEN dev (no adapter declared in crds) THEN neither object is rendered", () => {
            assert.ok(!r.dev.objects.some((o) => o.kind === "APIService" || o.metadata.name === "prometheus-adapter"));
        });
    });
});
