/**
 * Monitoring: a PrometheusRule of platform alerts (built by the pure `platformAlertRules`),
 * and a metrics Service with `prometheus.io/*` annotations (seed 001) plus an optional
 * ServiceMonitor (seed 002). Both CRD objects are gated on `capabilities.serviceMonitor`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { COMPONENT_LABEL, Labels, selectorLabels, standardLabels } from "./labels";
import { dns1123Problem, dns1123Problems, targetPortProblems } from "./names";
import { Problem, assertNoProblems, check } from "./problems";
import { prometheusScrapeAnnotations, serviceMonitorSpec } from "./service-monitor";
import { serviceAnnotations } from "./service-await";
import { componentType, withOldTypeAlias } from "./type-token";
import { NamespaceInput, knownNamespace, knownNamespaceNames, namespaceName, ofNamespace } from "./namespace-ref";

/** One Prometheus alerting rule. */
export interface AlertRule {
    alert: string;
    expr: string;
    /** Prometheus duration. */
    for: string;
    labels: Record<string, string>;
    annotations: { summary: string; description: string };
}

/** A PrometheusRule group. */
export interface AlertGroup {
    name: string;
    rules: AlertRule[];
}

/** Which alerts a namespace gets beyond the workload ones (what its data stores, dumps and Raft members serve). */
export interface AlertOptions {
    /** Add Redis alerts (needs the redis exporter). @default false */
    redis?: boolean;
    /** Add Postgres-down alerts (needs the postgres exporter). @default false */
    postgres?: boolean;
    /** CronJob names of database dumps to alert on (seed 002: `postgres-backup`). @default [] */
    backupCronJobs?: string[];
    /** Hours after which a dump with no success alerts. @default 26 (daily + 2h slack) */
    backupMaxAgeHours?: number;
    /** A 0/1 gauge per member saying "I am the leader" (seed 001: `inquisitor_raft_leader`). @default no Raft alerts */
    raftLeaderMetric?: string;
    /** Labels added to every alert, for routing (next to its `severity`, "warning" or "critical"). @default none */
    extraLabels?: Record<string, string>;
}

/** The alerts of one namespace. */
export interface PlatformAlertOptions extends AlertOptions {
    /** Namespace whose workloads are watched (every expression is scoped to it). */
    namespace: string;
}

// Alert windows: long enough to ignore a rollout, short enough to page within a quarter hour.
export const ALERT_FOR = { crashLoop: "15m", unavailable: "15m", hpaMax: "15m", down: "2m", raft: "2m", backup: "0m" } as const;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

export function platformAlertProblems(o: PlatformAlertOptions): Problem[] {
    return [...dns1123Problem("namespace", o.namespace), ...alertOptionsProblems(o)];
}

/** The rules of the options other than the namespace (which MonitoringRules may get as an Output). */
export function alertOptionsProblems(o: AlertOptions): Problem[] {
    const age = o.backupMaxAgeHours ?? 26;
    return [
        ...dns1123Problems((o.backupCronJobs ?? []).map((c): [string, string] => ["backupCronJobs[]", c])),
        ...check(
            o.raftLeaderMetric === undefined || METRIC_NAME.test(o.raftLeaderMetric),
            "raftLeaderMetric",
            "must be a Prometheus metric name",
            o.raftLeaderMetric,
        ),
        ...check(age > 0, "backupMaxAgeHours", "must be > 0", age),
    ];
}

/** An alert of the namespace's groups: the options' extra labels on every one. */
type RuleOf = (alert: string, expr: string, forDur: string, severity: "warning" | "critical", summary: string, description: string) => AlertRule;

function ruleOf(o: PlatformAlertOptions): RuleOf {
    return (alert, expr, forDur, severity, summary, description) => ({
        alert,
        expr,
        for: forDur,
        labels: { severity, ...(o.extraLabels ?? {}) },
        annotations: { summary, description },
    });
}

/** Workloads that crash, stay unavailable or run out of autoscaling headroom. */
function workloadAlerts(ns: string, rule: RuleOf): AlertRule[] {
    return [
        rule(
            "PodCrashLooping",
            `max_over_time(kube_pod_container_status_waiting_reason{${ns},reason="CrashLoopBackOff"}[5m]) >= 1`,
            ALERT_FOR.crashLoop,
            "warning",
            "Pod is crash looping",
            "Container {{ $labels.container }} of pod {{ $labels.namespace }}/{{ $labels.pod }} has been in CrashLoopBackOff for 15 minutes.",
        ),
        rule(
            "DeploymentReplicasUnavailable",
            `kube_deployment_status_replicas_unavailable{${ns}} > 0`,
            ALERT_FOR.unavailable,
            "warning",
            "Deployment has unavailable replicas",
            "Deployment {{ $labels.namespace }}/{{ $labels.deployment }} has had {{ $value }} unavailable replicas for 15 minutes.",
        ),
        rule(
            "StatefulSetReplicasNotReady",
            `kube_statefulset_status_replicas_ready{${ns}} < kube_statefulset_status_replicas{${ns}}`,
            ALERT_FOR.unavailable,
            "warning",
            "StatefulSet has replicas that are not ready",
            "StatefulSet {{ $labels.namespace }}/{{ $labels.statefulset }} has had replicas not ready for 15 minutes.",
        ),
        rule(
            "HpaAtMaxReplicas",
            `kube_horizontalpodautoscaler_status_current_replicas{${ns}} >= on(namespace, horizontalpodautoscaler) kube_horizontalpodautoscaler_spec_max_replicas{${ns}}`,
            ALERT_FOR.hpaMax,
            "warning",
            "HPA is pinned at its maximum",
            "HPA {{ $labels.namespace }}/{{ $labels.horizontalpodautoscaler }} has run at maxReplicas for 15 minutes; demand may exceed capacity.",
        ),
    ];
}

/** Redis down, or its metrics gone. */
function redisAlerts(o: PlatformAlertOptions, ns: string, rule: RuleOf): AlertRule[] {
    return [
        rule(
            "RedisDown",
            `redis_up{${ns}} == 0`,
            ALERT_FOR.down,
            "critical",
            "Redis is down",
            "The redis exporter in {{ $labels.namespace }}/{{ $labels.pod }} cannot reach Redis.",
        ),
        rule(
            "RedisMetricsAbsent",
            `absent(redis_up{${ns}})`,
            ALERT_FOR.unavailable,
            "warning",
            "No Redis metrics",
            `Prometheus has scraped no redis_up series in namespace ${o.namespace} for 15 minutes.`,
        ),
    ];
}

/** Postgres down. */
function postgresAlerts(ns: string, rule: RuleOf): AlertRule[] {
    return [
        rule(
            "PostgresDown",
            `pg_up{${ns}} == 0`,
            ALERT_FOR.down,
            "critical",
            "Postgres is down",
            "The postgres exporter in {{ $labels.namespace }}/{{ $labels.pod }} cannot reach PostgreSQL.",
        ),
    ];
}

/** Each backup CronJob: a failed run, or no success within `backupMaxAgeHours`. */
function backupAlerts(o: PlatformAlertOptions, ns: string, rule: RuleOf): AlertRule[] {
    const age = (o.backupMaxAgeHours ?? 26) * 3600;
    return [...(o.backupCronJobs ?? [])]
        .sort()
        .flatMap((cj) => [
            rule(
                "PostgresBackupJobFailed",
                `max by (namespace, job_name) (kube_job_status_failed{${ns},job_name=~"${cj}-[0-9]+"}) > 0`,
                ALERT_FOR.backup,
                "critical",
                "Database backup job failed",
                `Backup job {{ $labels.job_name }} of CronJob ${o.namespace}/${cj} failed.`,
            ),
            rule(
                "PostgresBackupTooOld",
                `time() - kube_cronjob_status_last_successful_time{${ns},cronjob="${cj}"} > ${age}`,
                ALERT_FOR.backup,
                "critical",
                "No recent successful database backup",
                `CronJob ${o.namespace}/${cj} has not succeeded for more than ${o.backupMaxAgeHours ?? 26} hours.`,
            ),
        ]);
}

/** A Raft cluster without a leader, or with several. */
function raftAlerts(o: PlatformAlertOptions, leaderMetric: string, ns: string, rule: RuleOf): AlertRule[] {
    const m = `${leaderMetric}{${ns}}`;
    return [
        rule(
            "RaftLeaderMissing",
            `sum(${m}) < 1`,
            ALERT_FOR.raft,
            "critical",
            "Raft cluster has no leader",
            `No member in ${o.namespace} reports ${leaderMetric} == 1: the cluster cannot commit writes.`,
        ),
        rule(
            "RaftMultipleLeaders",
            `sum(${m}) > 1`,
            ALERT_FOR.raft,
            "critical",
            "Raft cluster reports several leaders",
            `More than one member in ${o.namespace} reports ${leaderMetric} == 1 (split brain or stale metrics).`,
        ),
    ];
}

/** The alert groups for one namespace. Pure and deterministic (same options -> same rules). */
export function platformAlertRules(o: PlatformAlertOptions): AlertGroup[] {
    const ns = `namespace="${o.namespace}"`;
    const rule = ruleOf(o);
    const data: AlertRule[] = [
        ...(o.redis ? redisAlerts(o, ns, rule) : []),
        ...(o.postgres ? postgresAlerts(ns, rule) : []),
        ...backupAlerts(o, ns, rule),
        ...(o.raftLeaderMetric ? raftAlerts(o, o.raftLeaderMetric, ns, rule) : []),
    ];
    return [{ name: `${o.namespace}.workloads`, rules: workloadAlerts(ns, rule) }, ...(data.length ? [{ name: `${o.namespace}.data`, rules: data }] : [])];
}

/** The arguments of `MonitoringRules`: the alerts of one namespace and where the PrometheusRule goes. */
export interface MonitoringRulesArgs extends AlertOptions {
    /**
     * Namespace whose workloads are watched (every expression is scoped to it) and where the
     * PrometheusRule goes: a PlatformNamespace (the rule then waits for it), or a name, plain or an
     * Output (a plain name must exist already, or be ordered with `dependsOn`).
     */
    namespace: NamespaceInput;
    /** PrometheusRule name. @default `<namespace>-alerts` */
    name?: string;
    /** Labels the Prometheus `ruleSelector` matches (kube-prometheus-stack: `release: <release>`). @default {} */
    ruleLabels?: Record<string, string>;
    /** What the cluster runs; the PrometheusRule is created only with `serviceMonitor` (Prometheus Operator CRDs). @default none installed */
    capabilities?: ClusterCapabilities;
    /** System the PrometheusRule belongs to (`app.kubernetes.io/part-of`). @default none */
    partOf?: string;
    /**
     * Options known only once other resources resolve (a stack deriving them from the objects it
     * registered); the fields they set override the plain ones, and are checked by the same rules
     * when they resolve.
     * @default none
     */
    resolvedOptions?: pulumi.Input<AlertOptions>;
}

/** A PrometheusRule with the platform alerts for one namespace (skipped with a log line without the Operator). */
export class MonitoringRules extends pulumi.ComponentResource {
    /** The PrometheusRule's name, when known while the program runs (`name` given, or a namespace that is not an Output). */
    public readonly ruleName?: string;
    public readonly created: boolean;

    constructor(name: string, args: MonitoringRulesArgs, opts?: pulumi.ComponentResourceOptions) {
        const ruleName = args.name ?? ofNamespace(args.namespace, (ns) => `${ns}-alerts`);
        assertNoProblems("MonitoringRules", name, [
            ...dns1123Problems(knownNamespaceNames(args.namespace)),
            ...alertOptionsProblems(args),
            ...(typeof ruleName === "string" ? dns1123Problem("name", ruleName) : []),
        ]);
        super(componentType("MonitoringRules"), name, {}, withOldTypeAlias("agent-platform:kube:MonitoringRules", opts));
        if (typeof ruleName === "string") this.ruleName = ruleName;
        const where = `PrometheusRule ${knownNamespace(args.namespace) ?? "(namespace)"}/${this.ruleName ?? "(namespace)-alerts"}`;
        this.created = crdAvailable(args.capabilities, "serviceMonitor", where, this);
        if (this.created) {
            const labelsOf = (n: string): Labels => ({ ...standardLabels(n, { partOf: args.partOf, component: "monitoring" }), ...(args.ruleLabels ?? {}) });
            new k8s.apiextensions.CustomResource(
                `${name}-rules`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "PrometheusRule",
                    metadata: {
                        name: ruleName,
                        namespace: namespaceName(args.namespace),
                        labels: typeof ruleName === "string" ? labelsOf(ruleName) : ruleName.apply(labelsOf),
                    },
                    spec: {
                        groups: pulumi.all([namespaceName(args.namespace), args.resolvedOptions ?? {}]).apply(([namespace, resolved]) => {
                            const options = { ...args, ...resolved, namespace } as PlatformAlertOptions;
                            assertNoProblems("MonitoringRules", name, platformAlertProblems(options));
                            return platformAlertRules(options);
                        }),
                    },
                },
                { parent: this },
            );
        }
        this.registerOutputs({ ruleName: this.ruleName, created: this.created });
    }
}

/** The ServiceMonitor of a MetricsService: it scrapes just that Service's `metrics` port at its `path`. */
export interface MetricsServiceMonitor {
    /** `false`: no ServiceMonitor. @default true */
    enabled?: boolean;
    /** ServiceMonitor name. @default the Service name */
    name?: string;
    /** Scrape interval, a Prometheus duration. @default "30s" */
    interval?: string;
}

/** The arguments of `MetricsService`. */
export interface MetricsServiceArgs {
    /**
     * Namespace of the workload, the Service and the ServiceMonitor: a PlatformNamespace (they then
     * wait for it), or a name, plain or an Output (a plain name must exist already, or be ordered
     * with `dependsOn`).
     */
    namespace: NamespaceInput;
    /** Workload whose pods serve metrics (selector `app.kubernetes.io/name`). */
    workload: string;
    /** Service name (seed 001: `inquisitor-metrics`). @default `<workload>-metrics` */
    name?: string;
    /** Port the Service listens on, also the scrape annotation's port (seed 001: 8000). */
    port: number;
    /** Container port number to target (at most one of `targetPort` and `targetPortName`). @default the port */
    targetPort?: number;
    /** Container port name to target, e.g. `http` (at most one of `targetPort` and `targetPortName`). @default the port */
    targetPortName?: string;
    /** HTTP path of the metrics. @default "/metrics" */
    path?: string;
    /** A ServiceMonitor for the Service, created only with `capabilities.serviceMonitor`. @default none */
    serviceMonitor?: MetricsServiceMonitor;
    /** What the cluster runs (the ServiceMonitor needs `serviceMonitor`). @default none installed */
    capabilities?: ClusterCapabilities;
    /** System the Service belongs to (`app.kubernetes.io/part-of`). @default none */
    partOf?: string;
    /** Extra labels on the Service and the ServiceMonitor. @default none */
    labels?: Labels;
}

export function metricsServiceProblems(a: MetricsServiceArgs): Problem[] {
    return [
        ...dns1123Problems([...knownNamespaceNames(a.namespace), ["workload", a.workload], ["name", a.name ?? `${a.workload}-metrics`]]),
        ...check(Number.isInteger(a.port) && a.port >= 1 && a.port <= 65535, "port", "must be 1..65535", a.port),
        ...check(a.path === undefined || a.path.startsWith("/"), "path", "must start with '/'", a.path),
        ...targetPortProblems(undefined, a),
        ...(a.serviceMonitor?.name !== undefined ? dns1123Problem("serviceMonitor.name", a.serviceMonitor.name) : []),
    ];
}

/**
 * A Service exposing a workload's metrics port with `prometheus.io/scrape|port|path`
 * annotations (seed 001), and optionally a ServiceMonitor selecting just this Service.
 */
export class MetricsService extends pulumi.ComponentResource {
    public readonly serviceName: string;

    constructor(name: string, args: MetricsServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("MetricsService", name, metricsServiceProblems(args));
        const svcName = args.name ?? `${args.workload}-metrics`;
        super(componentType("MetricsService"), name, {}, withOldTypeAlias("agent-platform:kube:MetricsService", opts));
        this.serviceName = svcName;
        const ns = namespaceName(args.namespace);
        const path = args.path ?? "/metrics";
        const labels = { ...standardLabels(args.workload, { partOf: args.partOf, extra: args.labels }), [COMPONENT_LABEL]: "metrics" };
        const svc = new k8s.core.v1.Service(
            `${name}-svc`,
            {
                metadata: {
                    name: svcName,
                    namespace: ns,
                    labels,
                    annotations: serviceAnnotations("ClusterIP", prometheusScrapeAnnotations(args.port, path)),
                },
                spec: {
                    type: "ClusterIP",
                    selector: selectorLabels(args.workload),
                    ports: [{ name: "metrics", port: args.port, targetPort: args.targetPortName ?? args.targetPort ?? args.port, protocol: "TCP" }],
                },
            },
            { parent: this },
        );
        const o = args.serviceMonitor;
        if (
            o &&
            o.enabled !== false &&
            crdAvailable(args.capabilities, "serviceMonitor", `ServiceMonitor ${knownNamespace(args.namespace) ?? "(namespace)"}/${o.name ?? svcName}`, this)
        ) {
            new k8s.apiextensions.CustomResource(
                `${name}-monitor`,
                {
                    apiVersion: "monitoring.coreos.com/v1",
                    kind: "ServiceMonitor",
                    metadata: { name: o.name ?? svcName, namespace: ns, labels },
                    spec: serviceMonitorSpec(selectorLabels(args.workload), {
                        interval: o.interval,
                        port: "metrics",
                        path,
                        selector: { ...selectorLabels(args.workload), [COMPONENT_LABEL]: "metrics" },
                    }),
                },
                { parent: this, dependsOn: [svc] },
            );
        }
        this.registerOutputs({ serviceName: svcName });
    }
}
