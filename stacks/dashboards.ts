/**
 * One Grafana dashboard per system (components/kube/dashboards.ts), built from what the system
 * registers (workloads, HPAs, CronJobs, exporter sidecars, as recorded here) and the application
 * metrics its seed documents.
 */
import * as pulumi from "@pulumi/pulumi";
import { SYSTEMS, SystemKey } from "./config";
import {
    ClusterCapabilities,
    customMetricsOf,
    AppMetric,
    DashboardInput,
    ExporterKind,
    SystemDashboard,
    MonitoringRules,
    AlertOptions,
    POSTGRES_EXPORTER_IMAGE,
    REDIS_EXPORTER_IMAGE,
} from "agent-platform";
import { SystemOutputs } from "./systems/types";

/** The application metrics each system's pods serve, as its seed names them (its definition's `appMetrics`). */
export const SYSTEM_APP_METRICS = Object.fromEntries((Object.keys(SYSTEMS) as SystemKey[]).map((key) => [key, SYSTEMS[key].appMetrics ?? []])) as {
    [K in SystemKey]: AppMetric[];
};

type Recorded =
    | { kind: "Deployment" | "StatefulSet"; namespace: string; name: string; images: string[] }
    | { kind: "HorizontalPodAutoscaler"; namespace: string; name: string; target: string; minReplicas: number; maxReplicas: number; metrics: string[] }
    | { kind: "CronJob"; namespace: string; name: string };

const KINDS: Record<string, Recorded["kind"]> = {
    "kubernetes:apps/v1:Deployment": "Deployment",
    "kubernetes:apps/v1:StatefulSet": "StatefulSet",
    "kubernetes:autoscaling/v2:HorizontalPodAutoscaler": "HorizontalPodAutoscaler",
    "kubernetes:batch/v1:CronJob": "CronJob",
};

const imageRepo = (image: string) => image.split("@")[0].replace(/:[^/:]+$/, "");
const EXPORTERS: [string, ExporterKind][] = [
    [imageRepo(REDIS_EXPORTER_IMAGE), "redis"],
    [imageRepo(POSTGRES_EXPORTER_IMAGE), "postgres"],
];

/** The dashboard input of one namespace from the recorded objects. Pure. */
export function dashboardInput(system: SystemKey, namespace: string, recorded: readonly Recorded[]): DashboardInput {
    const mine = recorded.filter((r) => r.namespace === namespace);
    const hpas = mine.flatMap((r) => (r.kind === "HorizontalPodAutoscaler" ? [r] : []));
    const own = SYSTEM_APP_METRICS[system];
    const hpaMetrics = [...new Set(hpas.flatMap((h) => h.metrics))]
        .filter((m) => !own.some((o) => o.name === m))
        .map((name): AppMetric => ({ name, type: "gauge" }));
    return {
        system,
        namespace,
        workloads: mine.flatMap((r) => (r.kind === "Deployment" || r.kind === "StatefulSet" ? [{ kind: r.kind, name: r.name }] : [])),
        hpas: hpas.map(({ name, target, minReplicas, maxReplicas }) => ({ name, target, minReplicas, maxReplicas })),
        cronJobs: mine.flatMap((r) => (r.kind === "CronJob" ? [r.name] : [])),
        exporters: [
            ...new Set(
                mine
                    .flatMap((r) => (r.kind === "Deployment" || r.kind === "StatefulSet" ? r.images : []))
                    .flatMap((i) => EXPORTERS.filter(([repo]) => imageRepo(i) === repo).map(([, e]) => e)),
            ),
        ].sort(),
        metrics: [...own, ...hpaMetrics],
    };
}

/** The alerts a system's recorded objects call for: its data stores' exporters, its dumps, its Raft leader gauge. Pure. */
export function alertOptionsOf(input: DashboardInput): AlertOptions {
    const leader = input.metrics.find((m) => /_raft_leader$/.test(m.name));
    return {
        redis: input.exporters.includes("redis"),
        postgres: input.exporters.includes("postgres"),
        backupCronJobs: input.cronJobs,
        ...(leader ? { raftLeaderMetric: leader.name } : {}),
    };
}

/** Makes a component's objects wait for `deps`. */
const after =
    (deps: pulumi.Resource[]): pulumi.ResourceTransformation =>
    (t) => ({ props: t.props, opts: pulumi.mergeOptions(t.opts, { dependsOn: deps }) });

/** Records the objects the dashboards and alerts draw on as the systems register them (pass `transformation` before image overrides). */
export class DashboardRecorder {
    private readonly recorded: pulumi.Output<Recorded>[] = [];

    readonly transformation: pulumi.ResourceTransformation = (a) => {
        const kind = KINDS[a.type];
        if (!kind) return undefined;
        const p = a.props as {
            metadata?: { name?: pulumi.Input<string>; namespace?: pulumi.Input<string> };
            spec?: Record<string, unknown> & {
                minReplicas?: pulumi.Input<number>;
                maxReplicas?: pulumi.Input<number>;
                scaleTargetRef?: { name?: pulumi.Input<string> };
            };
        };
        const meta = pulumi.all([p.metadata?.name, p.metadata?.namespace]);
        if (kind === "HorizontalPodAutoscaler") {
            this.recorded.push(
                pulumi.unsecret(
                    pulumi
                        .all([meta, p.spec?.scaleTargetRef?.name, p.spec?.minReplicas, p.spec?.maxReplicas])
                        .apply(([[name, namespace], target, min, max]) => ({
                            kind,
                            name: name ?? a.name,
                            namespace: namespace ?? "default",
                            target: target ?? name ?? a.name,
                            minReplicas: min ?? 1,
                            maxReplicas: max ?? 1,
                            metrics: customMetricsOf(a.props as never),
                        })),
                ),
            );
        } else if (kind === "CronJob") {
            this.recorded.push(pulumi.unsecret(meta.apply(([name, namespace]) => ({ kind, name: name ?? a.name, namespace: namespace ?? "default" }))));
        } else {
            const template = (p.spec as { template?: { spec?: { containers?: pulumi.Input<{ image?: pulumi.Input<string> }[]> } } } | undefined)?.template;
            const images = pulumi.output(template?.spec?.containers ?? []).apply((cs) => cs.map((c) => String(c.image ?? "")));
            this.recorded.push(
                pulumi.unsecret(
                    pulumi
                        .all([meta, images])
                        .apply(([[name, namespace], imgs]) => ({ kind, name: name ?? a.name, namespace: namespace ?? "default", images: imgs })),
                ),
            );
        }
        return undefined;
    };

    /** One dashboard (in `monitoring`) and one PrometheusRule (in the system's namespace) per deployed system. */
    deploy(
        systems: Partial<Record<SystemKey, SystemOutputs>>,
        groups: Partial<Record<SystemKey, pulumi.Resource>>,
        capabilities: ClusterCapabilities,
        opts: pulumi.ComponentResourceOptions,
    ): SystemDashboard[] {
        const all = pulumi.all(this.recorded);
        return (Object.entries(systems) as [SystemKey, SystemOutputs][]).map(([key, out]) => {
            const input = all.apply((r) => dashboardInput(key, out.namespace, r));
            new MonitoringRules(
                `${key}-alerts`,
                { namespace: out.namespace, capabilities, resolvedOptions: input.apply(alertOptionsOf) },
                // In the system's namespace: its objects wait for the system (so for the namespace); a
                // component's dependsOn does not reach its children, a transformation does.
                { ...opts, transformations: [...(opts.transformations ?? []), ...(groups[key] ? [after([groups[key]!])] : [])] },
            );
            return new SystemDashboard(key, { namespace: out.namespace, input, capabilities }, opts);
        });
    }
}
