import * as assert from "assert";
import { formatProblem } from "../../../components/kube/problems";
import { MetricsService, MonitoringRules, platformAlertProblems, platformAlertRules } from "../../../components/kube/monitoring";
import { byKind, one, render, validateAll } from "./data-helpers";

const alertNames = (groups: ReturnType<typeof platformAlertRules>) => groups.flatMap((g) => g.rules.map((r) => r.alert));

describe("kube/monitoring", () => {
    describe("platformAlertRules", () => {
        it("GIVEN only a namespace THEN the workload alerts exist, all scoped to it, with severities and for-durations", () => {
            const groups = platformAlertRules({ namespace: "claude-code" });
            assert.deepStrictEqual(alertNames(groups), ["PodCrashLooping", "DeploymentReplicasUnavailable", "StatefulSetReplicasNotReady", "HpaAtMaxReplicas"]);
            for (const r of groups.flatMap((g) => g.rules)) {
                assert.ok(r.expr.includes('namespace="claude-code"'), `${r.alert} must be namespace-scoped`);
                assert.ok(["warning", "critical"].includes(r.labels.severity));
                assert.match(r.for, /^\d+m$/);
                assert.ok(r.annotations.summary && r.annotations.description);
            }
            assert.match(groups[0].rules[0].expr, /CrashLoopBackOff/);
            assert.match(groups[0].rules[3].expr, /kube_horizontalpodautoscaler_status_current_replicas.*>=.*kube_horizontalpodautoscaler_spec_max_replicas/);
        });
        it("GIVEN redis, postgres, a backup CronJob and seed 001's raft leader metric THEN the data alerts are added", () => {
            const groups = platformAlertRules({
                namespace: "ns",
                redis: true,
                postgres: true,
                backupCronJobs: ["postgres-backup"],
                raftLeaderMetric: "inquisitor_raft_leader",
            });
            const names = alertNames(groups);
            for (const n of ["RedisDown", "PostgresDown", "PostgresBackupJobFailed", "PostgresBackupTooOld", "RaftLeaderMissing", "RaftMultipleLeaders"])
                assert.ok(names.includes(n), n);
            const all = groups.flatMap((g) => g.rules);
            assert.match(
                all.find((r) => r.alert === "PostgresBackupJobFailed")!.expr,
                /kube_job_status_failed\{namespace="ns",job_name=~"postgres-backup-\[0-9\]\+"\}/,
            );
            assert.match(all.find((r) => r.alert === "PostgresBackupTooOld")!.expr, /> 93600$/);
            assert.strictEqual(all.find((r) => r.alert === "RaftLeaderMissing")!.expr, 'sum(inquisitor_raft_leader{namespace="ns"}) < 1');
            assert.strictEqual(all.find((r) => r.alert === "RedisDown")!.labels.severity, "critical");
        });
        it("GIVEN the same options twice THEN the rules are identical (deterministic)", () => {
            const o = { namespace: "ns", backupCronJobs: ["b", "a"], redis: true };
            assert.deepStrictEqual(platformAlertRules(o), platformAlertRules({ ...o, backupCronJobs: ["a", "b"] }));
        });
        it("GIVEN bad options THEN each rule fails naming the value", () => {
            assert.match(platformAlertProblems({ namespace: "NS" }).map(formatProblem).join(), /namespace must be a DNS-1123 label/);
            assert.match(
                platformAlertProblems({ namespace: "ns", raftLeaderMetric: "raft-leader" }).map(formatProblem).join(),
                /raftLeaderMetric must be a Prometheus metric name, got "raft-leader"/,
            );
            assert.match(
                platformAlertProblems({ namespace: "ns", backupCronJobs: ["Bad"] })
                    .map(formatProblem)
                    .join(),
                /backupCronJobs\[\] must be a DNS-1123 label/,
            );
            assert.match(platformAlertProblems({ namespace: "ns", backupMaxAgeHours: 0 }).map(formatProblem).join(), /backupMaxAgeHours must be > 0, got 0/);
            assert.throws(() => new MonitoringRules("m", { namespace: "ns", raftLeaderMetric: "a b" }), /invalid MonitoringRules args/);
        });
    });

    describe("MonitoringRules", () => {
        it("GIVEN the Prometheus Operator WHEN rendered THEN a PrometheusRule with the groups and the ruleSelector labels", async () => {
            const r = await render(
                () =>
                    new MonitoringRules("alerts", {
                        namespace: "claude-code",
                        redis: true,
                        ruleLabels: { release: "kube-prometheus-stack" },
                        capabilities: { serviceMonitor: true },
                    }),
            );
            const pr = one(r, "PrometheusRule", "claude-code-alerts");
            assert.strictEqual(pr.apiVersion, "monitoring.coreos.com/v1");
            assert.strictEqual(pr.metadata.labels.release, "kube-prometheus-stack");
            assert.deepStrictEqual(
                pr.spec.groups.map((g: any) => g.name),
                ["claude-code.workloads", "claude-code.data"],
            );
        });
        it("GIVEN no Operator WHEN rendered THEN nothing is created and the skip is logged", async () => {
            const r = await render(() => new MonitoringRules("alerts", { namespace: "claude-code" }));
            assert.strictEqual(byKind(r, "PrometheusRule").length, 0);
            assert.ok(
                r.logs.some((l) => l.includes("skipped PrometheusRule claude-code/claude-code-alerts")),
                JSON.stringify(r.logs),
            );
        });
    });

    describe("MetricsService", () => {
        it("GIVEN seed 001's inquisitor-metrics WHEN rendered THEN a schema-valid Service with prometheus.io annotations on 8000", async () => {
            const r = await render(
                () => new MetricsService("inq-metrics", { namespace: "inquisitor-system", workload: "inquisitor", name: "inquisitor-metrics", port: 8000 }),
            );
            assert.strictEqual(validateAll(r), 1);
            const svc = one(r, "Service", "inquisitor-metrics");
            assert.deepStrictEqual(svc.metadata.annotations, {
                "prometheus.io/scrape": "true",
                "pulumi.com/skipAwait": "true",
                "prometheus.io/port": "8000",
                "prometheus.io/path": "/metrics",
            });
            assert.deepStrictEqual(svc.spec.selector, { "app.kubernetes.io/name": "inquisitor" });
            assert.strictEqual(svc.spec.ports[0].name, "metrics");
            assert.strictEqual(byKind(r, "ServiceMonitor").length, 0);
        });
        it("GIVEN serviceMonitor and the CRD WHEN rendered THEN a ServiceMonitor (seed 002 agent-metrics, 30s) selects only the metrics Service", async () => {
            const r = await render(
                () =>
                    new MetricsService("m", {
                        namespace: "claude-code",
                        workload: "manager-agent",
                        port: 9090,
                        serviceMonitor: { name: "agent-metrics" },
                        capabilities: { serviceMonitor: true },
                    }),
            );
            const sm = one(r, "ServiceMonitor", "agent-metrics");
            assert.deepStrictEqual(sm.spec.endpoints, [{ port: "metrics", path: "/metrics", interval: "30s" }]);
            assert.deepStrictEqual(sm.spec.selector.matchLabels, { "app.kubernetes.io/name": "manager-agent", "app.kubernetes.io/component": "metrics" });
            assert.strictEqual(one(r, "Service", "manager-agent-metrics").metadata.labels["app.kubernetes.io/component"], "metrics");
        });
        it("GIVEN targetPortName WHEN rendered THEN the metrics port targets the named container port", async () => {
            const r = await render(() => new MetricsService("m", { namespace: "ns", workload: "w", port: 8000, targetPortName: "http" }));
            assert.deepStrictEqual(one(r, "Service", "w-metrics").spec.ports, [{ name: "metrics", port: 8000, targetPort: "http", protocol: "TCP" }]);
        });
        it("GIVEN serviceMonitor enabled: false, or none, THEN no ServiceMonitor even with the CRD; { enabled: true } makes one named after the Service", async () => {
            const r = await render(() => {
                const base = { namespace: "ns", port: 8000, capabilities: { serviceMonitor: true } };
                new MetricsService("off", { ...base, workload: "off", serviceMonitor: { enabled: false, interval: "10s" } });
                new MetricsService("none", { ...base, workload: "none" });
                new MetricsService("on", { ...base, workload: "on", serviceMonitor: { enabled: true, interval: "10s" } });
            });
            assert.deepStrictEqual(
                byKind(r, "ServiceMonitor").map((m: any) => [m.metadata.name, m.spec.endpoints[0].interval]),
                [["on-metrics", "10s"]],
            );
        });
        it("GIVEN both target port forms or a bad ServiceMonitor name THEN construction fails naming the key", () => {
            assert.throws(
                () => new MetricsService("m", { namespace: "ns", workload: "w", port: 80, targetPort: 8080, targetPortName: "http" }),
                /targetPort takes at most one of targetPort and targetPortName/,
            );
            assert.throws(
                () => new MetricsService("m", { namespace: "ns", workload: "w", port: 80, serviceMonitor: { name: "Bad_Name" } }),
                /serviceMonitor.name must be a DNS-1123 label/,
            );
        });
        it("GIVEN a bad port or path THEN construction fails naming it", () => {
            assert.throws(() => new MetricsService("m", { namespace: "ns", workload: "w", port: 0 }), /port must be 1..65535, got 0/);
            assert.throws(
                () => new MetricsService("m", { namespace: "ns", workload: "w", port: 80, path: "metrics" }),
                /path must start with '\/', got "metrics"/,
            );
        });
    });
});
