import { strict as assert } from "assert";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";
import { alertOptionsOf } from "../../../stacks/dashboards";

const alertsOf = (rule: any): string[] => (rule.spec.groups as { rules: { alert: string }[] }[]).flatMap((g) => g.rules.map((r) => r.alert)).sort();

describe("alerts: one PrometheusRule per system", () => {
    it("GIVEN what a system registered THEN its alert options follow its exporters, dump CronJobs and Raft leader gauge", () => {
        const base = { system: "x", namespace: "x", workloads: [], hpas: [] };
        assert.deepEqual(alertOptionsOf({ ...base, cronJobs: [], exporters: [], metrics: [] }), { redis: false, postgres: false, backupCronJobs: [] });
        assert.deepEqual(
            alertOptionsOf({
                ...base,
                cronJobs: ["postgres-backup"],
                exporters: ["postgres", "redis"],
                metrics: [
                    { name: "app_tasks", type: "gauge" },
                    { name: "app_raft_leader", type: "gauge" },
                ],
            }),
            { redis: true, postgres: true, backupCronJobs: ["postgres-backup"], raftLeaderMetric: "app_raft_leader" },
        );
    });

    for (const stack of ["dev", "prod"] as const) {
        it(`GIVEN ${stack} WHEN rendered THEN every system namespace has its alerts: workloads everywhere, data stores, dumps and Raft where they run`, async function () {
            this.timeout(RENDER_TIMEOUT_MS);
            const { objects } = await renderedStack(stack);
            const rules = objects.filter((o) => o.kind === "PrometheusRule");
            const namespaces = objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name);
            for (const ns of ["claude-code", "claude-mid-service", "inquisitor-system", "production-agents", "ushadow"]) {
                if (stack === "prod") assert.ok(namespaces.includes(ns), `${ns} is a system namespace of prod`);
                const rule = rules.find((r) => r.metadata.namespace === ns);
                assert.ok(rule, `PrometheusRule in ${ns}`);
                assert.equal(rule.metadata.name, `${ns}-alerts`);
                assert.ok(alertsOf(rule).includes("PodCrashLooping"), ns);
            }
            const byNs = (ns: string) => alertsOf(rules.find((r) => r.metadata.namespace === ns));
            for (const a of ["RedisDown", "PostgresDown", "PostgresBackupJobFailed", "PostgresBackupTooOld"]) assert.ok(byNs("claude-code").includes(a), a);
            for (const a of ["RaftLeaderMissing", "RaftMultipleLeaders"]) assert.ok(byNs("inquisitor-system").includes(a), a);
            assert.ok(!byNs("claude-mid-service").some((a) => /Redis|Postgres|Raft/.test(a)), "terminal-mid runs no data store or Raft");
        });
    }
});
