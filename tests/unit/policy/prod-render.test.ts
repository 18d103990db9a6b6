/**
 * The rendered dev and prod stacks under their own pack configs: zero mandatory violations, and
 * a quiet report (at most QUIET_LINES advisory lines as `policy:check` prints them, each with
 * its fix). Deliberate exceptions are `exemptions` entries ({name, reason}) or rules disabled
 * with a `reason` in policy/config/<stack>.json; blanket rules report once per stack with a count.
 */
import * as assert from "assert";
import { evaluate, fromK8sObject, InputResource, urnFor } from "../../../policy/lib/harness";
import { allRules } from "../../../policy/rules/all";
import { formatViolations } from "../../../tools/policy-check";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";
import { DEV, PROD } from "./helpers";

/** The most advisory lines a stack's own report may print (issue 15: "quiet by default"). */
const QUIET_LINES = 10;

for (const [stack, config] of [
    ["prod", PROD],
    ["dev", DEV],
] as const) {
    describe(`policy pack on the rendered ${stack} stack`, function () {
        let resources: InputResource[] = [];

        before(async function () {
            this.timeout(RENDER_TIMEOUT_MS);
            const r = await renderedStack(stack);
            resources = [
                ...r.objects.map((o) => fromK8sObject(o)),
                ...r.cloudResources.map((c) => ({ type: c.type, name: c.name, props: c.inputs, urn: urnFor(c.type, c.name) })),
            ];
        });

        it(`GIVEN the ${stack} render WHEN checked under ${stack}.json THEN there is no mandatory violation`, async () => {
            const v = await evaluate(allRules, resources, { config });
            const mandatory = [...new Set(v.filter((x) => x.level === "mandatory").map((x) => `${x.policy} ${x.resource}: ${x.message}`))].sort();
            assert.deepStrictEqual(mandatory, []);
        });

        it(`GIVEN the ${stack} render WHEN policy:check prints its report THEN it is at most ${QUIET_LINES} lines, and each finding is a different rule with a fix`, async () => {
            // No stack tags, as `npm run policy:check -- rendered/${stack}` runs it.
            const v = await evaluate(allRules, resources, { config });
            const fixes = new Map(allRules.map((r) => [r.policy.name, r.policy.remediationSteps ?? ""]));
            const text = formatViolations(v, fixes);
            const lines = text === "" ? [] : text.split("\n");
            assert.ok(lines.length <= QUIET_LINES, `${lines.length} lines:\n${text}`);
            assert.strictEqual(
                new Set(v.map((x) => x.policy)).size,
                v.length,
                `a rule reports more than once (blanket rules report once per stack with a count):\n${text}`,
            );
            for (const x of v) assert.ok((fixes.get(x.policy) ?? "").length > 20, `${x.policy} prints no fix`);
        });

        it(`GIVEN ${stack}.json WHEN its exemptions are read THEN each names a resource the ${stack} render has`, () => {
            const names = new Set(
                resources.map((r) =>
                    r.props?.metadata?.name
                        ? r.props.metadata.namespace
                            ? `${r.props.metadata.namespace}/${r.props.metadata.name}`
                            : r.props.metadata.name
                        : r.name,
                ),
            );
            for (const [rule, cfg] of Object.entries(config)) {
                for (const { name: exempt } of typeof cfg === "object" && Array.isArray((cfg as { exemptions?: unknown }).exemptions)
                    ? (cfg as { exemptions: { name: string }[] }).exemptions
                    : []) {
                    assert.ok(names.has(exempt), `${rule} exempts ${exempt}, which the ${stack} stack does not create (stale exemption)`);
                }
            }
        });

        if (stack === "prod") {
            it("GIVEN the prod render THEN the EKS rules see the cluster, node groups, launch templates and KMS key", () => {
                for (const t of ["aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:ec2/launchTemplate:LaunchTemplate", "aws:kms/key:Key"]) {
                    assert.ok(
                        resources.some((r) => r.type === t),
                        t,
                    );
                }
            });
        }
    });
}
