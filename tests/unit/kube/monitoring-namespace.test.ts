/**
 * MonitoringRules for a namespace given as an Output or a PlatformNamespace (issue 14, item 3):
 * the PrometheusRule lands in the namespace the Output resolves to, and its name, labels, groups
 * and every namespace-scoped expression are the ones a plain name gives.
 */
import * as assert from "assert";
import { MonitoringRules, MonitoringRulesArgs } from "../../../components/kube/monitoring";
import { NamespaceInput } from "../../../components/kube/namespace-ref";
import { PlatformNamespace } from "../../../components/kube/platform-namespace";
import { Rendered, one, render } from "./data-helpers";

const PS = { level: "restricted", enforce: true } as const;
const OPTIONS: Omit<MonitoringRulesArgs, "namespace"> = {
    redis: true,
    postgres: true,
    backupCronJobs: ["postgres-backup"],
    raftLeaderMetric: "inquisitor_raft_leader",
    ruleLabels: { release: "kube-prometheus-stack" },
    capabilities: { serviceMonitor: true },
};

/** The PrometheusRule of MonitoringRules in `ns` (made from the PlatformNamespace `apps`), and the component. */
async function rules(ns: (p: PlatformNamespace) => NamespaceInput): Promise<{ r: Rendered; made: MonitoringRules }> {
    let made: MonitoringRules | undefined;
    const r = await render(() => {
        const apps = new PlatformNamespace("apps", { name: "apps", podSecurity: PS });
        made = new MonitoringRules("alerts", { namespace: ns(apps), ...OPTIONS });
    });
    return { r, made: made! };
}

const ruleOf = (r: Rendered) => {
    const { $secretPaths: _s, $name: _n, ...rest } = one(r, "PrometheusRule");
    return rest;
};

describe("MonitoringRules in a namespace given as an Output or a PlatformNamespace", () => {
    it("GIVEN a PlatformNamespace's name Output THEN the PrometheusRule is the one the plain name gives, in that namespace", async () => {
        const plain = await rules(() => "apps");
        const output = await rules((p) => p.name);
        const rule = ruleOf(output.r);
        assert.strictEqual(rule.metadata.namespace, "apps");
        assert.strictEqual(rule.metadata.name, "apps-alerts");
        assert.strictEqual(rule.metadata.labels["app.kubernetes.io/name"], "apps-alerts");
        const exprs: string[] = rule.spec.groups.flatMap((g: { rules: { expr: string }[] }) => g.rules.map((x) => x.expr));
        assert.ok(exprs.length > 8, `only ${exprs.length} rules`);
        for (const e of exprs) if (!e.startsWith("sum(")) assert.match(e, /namespace="apps"/);
        assert.deepStrictEqual(rule, ruleOf(plain.r));
        // Not known while the program runs: the name is not guessed.
        assert.strictEqual(output.made.ruleName, undefined);
        assert.strictEqual(plain.made.ruleName, "apps-alerts");
    });

    it("GIVEN the PlatformNamespace itself THEN the rule's name is known and the rule is the plain name's", async () => {
        const plain = await rules(() => "apps");
        const byNamespace = await rules((p) => p);
        assert.strictEqual(byNamespace.made.ruleName, "apps-alerts");
        assert.deepStrictEqual(ruleOf(byNamespace.r), ruleOf(plain.r));
    });

    it("GIVEN a bad plain namespace or an Output with a bad backup CronJob THEN it refuses them by name", async () => {
        assert.throws(() => new MonitoringRules("m", { namespace: "Bad_NS" }), /namespace must be a DNS-1123 label/);
        await assert.rejects(
            render(() => {
                const apps = new PlatformNamespace("apps", { name: "apps", podSecurity: PS });
                new MonitoringRules("m", { namespace: apps.name, backupCronJobs: ["Bad_Job"] });
            }),
            /backupCronJobs\[\] must be a DNS-1123 label/,
        );
    });
});
