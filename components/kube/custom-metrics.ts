/**
 * Custom metrics for the HPAs: a prometheus-adapter configuration that serves every Pods/Object
 * metric the stack's HPAs declare (seed 002 `active_tasks_per_pod`, seed 003 "custom metrics ...
 * already configured in hpa.yaml"), and the APIService `v1beta1.custom.metrics.k8s.io` that routes
 * the custom metrics API to the adapter. Without both an HPA reports FailedGetPodsMetric and never
 * scales on the metric. Gated on `customMetrics` (the adapter runs in `monitoring` and reads the
 * ConfigMap). Pure builders first, then the thin component.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { stringify } from "yaml";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { standardLabels } from "./labels";
import { componentType } from "./type-token";

export const ADAPTER_NAME = "prometheus-adapter";
export const ADAPTER_NAMESPACE = "monitoring";
export const CUSTOM_METRICS_API_SERVICE = "v1beta1.custom.metrics.k8s.io";

/** One prometheus-adapter discovery rule (docs/config.md of kubernetes-sigs/prometheus-adapter). */
export interface AdapterRule {
    seriesQuery: string;
    resources: { overrides: Record<string, { resource: string }> };
    name: { matches: string; as: string };
    metricsQuery: string;
}

/** A metric name usable in PromQL and the custom metrics API. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * The rule serving `metric` per pod: the series the Prometheus Operator scrapes carry `namespace`
 * and `pod` labels, which map to those resources; the value is summed per pod. Pure.
 */
export function adapterRule(metric: string): AdapterRule {
    if (!METRIC_NAME.test(metric)) throw new Error(`custom metric ${JSON.stringify(metric)}: not a Prometheus metric name`);
    return {
        seriesQuery: `${metric}{namespace!="",pod!=""}`,
        resources: { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } },
        name: { matches: `^${metric}$`, as: metric },
        metricsQuery: "sum(<<.Series>>{<<.LabelMatchers>>}) by (<<.GroupBy>>)",
    };
}

/** The adapter's config (`config.yaml`): one rule per metric, sorted and unique. Pure. */
export function adapterConfig(metrics: readonly string[]): { rules: AdapterRule[] } {
    return { rules: [...new Set(metrics)].sort().map(adapterRule) };
}

interface HpaLike {
    metadata?: { name?: unknown; namespace?: unknown };
    spec?: { metrics?: { type?: string; pods?: { metric?: { name?: string } }; object?: { metric?: { name?: string } } }[] };
}

/** The Pods and Object metric names an HPA spec declares (the ones the custom metrics API serves). Pure. */
export function customMetricsOf(hpa: HpaLike): string[] {
    return (hpa.spec?.metrics ?? []).flatMap((m) => {
        if (m.type === "Pods" && m.pods?.metric?.name) return [m.pods.metric.name];
        if (m.type === "Object" && m.object?.metric?.name) return [m.object.metric.name];
        return [];
    });
}

/** `<namespace>/<hpa>: <metric>` for every HPA metric no rule of `config` serves. Pure. */
export function unservedMetrics(hpas: readonly HpaLike[], config: { rules: { name: { matches: string; as?: string } }[] }): string[] {
    const served = (metric: string) =>
        config.rules.some((r) => (r.name.as ? r.name.as === metric && new RegExp(r.name.matches).test(metric) : new RegExp(r.name.matches).test(metric)));
    return hpas.flatMap((h) =>
        customMetricsOf(h)
            .filter((m) => !served(m))
            .map((m) => `${String(h.metadata?.namespace)}/${String(h.metadata?.name)}: ${m}`),
    );
}

/** The rules ConfigMap the adapter reads (`--config=/etc/adapter/config.yaml`). Pure. */
export function adapterConfigMap(metrics: readonly string[]): Record<string, unknown> {
    return {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
            name: ADAPTER_NAME,
            namespace: ADAPTER_NAMESPACE,
            labels: standardLabels(ADAPTER_NAME, { partOf: "agent-platform", component: "custom-metrics" }),
        },
        data: { "config.yaml": stringify(adapterConfig(metrics)) },
    };
}

/**
 * The APIService that routes custom.metrics.k8s.io to the adapter's Service. TLS: the adapter
 * serves a self-signed certificate, as the prometheus-adapter chart's default APIService assumes. Pure.
 */
export function customMetricsApiService(): Record<string, unknown> {
    return {
        apiVersion: "apiregistration.k8s.io/v1",
        kind: "APIService",
        metadata: { name: CUSTOM_METRICS_API_SERVICE, labels: standardLabels(ADAPTER_NAME, { partOf: "agent-platform", component: "custom-metrics" }) },
        spec: {
            service: { name: ADAPTER_NAME, namespace: ADAPTER_NAMESPACE, port: 443 },
            group: "custom.metrics.k8s.io",
            version: "v1beta1",
            insecureSkipTLSVerify: true,
            groupPriorityMinimum: 100,
            versionPriority: 100,
        },
    };
}

/** The arguments of `CustomMetricsAdapter`. */
export interface CustomMetricsAdapterArgs {
    /** Every Pods/Object metric the stack's HPAs declare. */
    metrics: string[];
    /** What the cluster runs: the rules and APIService are created only with `customMetrics`. @default none installed */
    capabilities?: ClusterCapabilities;
}

/** The adapter's rules ConfigMap and the custom metrics APIService, when the cluster runs the adapter. */
export class CustomMetricsAdapter extends pulumi.ComponentResource {
    public readonly created: boolean;

    constructor(name: string, args: CustomMetricsAdapterArgs, opts?: pulumi.ComponentResourceOptions) {
        super(componentType("CustomMetricsAdapter"), name, {}, opts);
        this.created =
            args.metrics.length > 0 &&
            crdAvailable(args.capabilities, "customMetrics", `prometheus-adapter rules and APIService ${CUSTOM_METRICS_API_SERVICE}`, this);
        if (this.created) {
            const cm = new k8s.core.v1.ConfigMap(`${name}-rules`, adapterConfigMap(args.metrics) as k8s.core.v1.ConfigMapArgs, { parent: this });
            new k8s.apiregistration.v1.APIService(`${name}-apiservice`, customMetricsApiService() as k8s.apiregistration.v1.APIServiceArgs, {
                parent: this,
                dependsOn: [cm],
            });
        }
        this.registerOutputs({ created: this.created });
    }
}
