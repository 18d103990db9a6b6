/**
 * The rendered prod stack under policy/config/prod.json: zero mandatory violations. Deliberate
 * exceptions are `exemptions` entries ({name, reason}) in prod.json.
 */
import * as assert from "assert";
import { evaluate, fromK8sObject, InputResource, urnFor } from "../../../policy/lib/harness";
import { allRules } from "../../../policy/rules/all";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";
import { PROD } from "./helpers";

describe("policy pack on the rendered prod stack", function () {
    let resources: InputResource[] = [];

    before(async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const r = await renderedStack("prod");
        resources = [
            ...r.objects.map((o) => fromK8sObject(o)),
            ...r.cloudResources.map((c) => ({ type: c.type, name: c.name, props: c.inputs, urn: urnFor(c.type, c.name) })),
        ];
    });

    it("GIVEN the prod render WHEN checked under prod.json THEN there is no mandatory violation", async () => {
        const v = await evaluate(allRules, resources, { config: PROD });
        const mandatory = [...new Set(v.filter((x) => x.level === "mandatory").map((x) => `${x.policy} ${x.resource}: ${x.message}`))].sort();
        assert.deepStrictEqual(mandatory, []);
    });

    it("GIVEN prod.json WHEN its exemptions are read THEN each names a resource the prod render has", () => {
        const names = new Set(resources.map((r) => (r.props?.metadata?.name ? (r.props.metadata.namespace ? `${r.props.metadata.namespace}/${r.props.metadata.name}` : r.props.metadata.name) : r.name)));
        for (const [rule, cfg] of Object.entries(PROD)) {
            for (const { name: exempt } of (typeof cfg === "object" && Array.isArray((cfg as { exemptions?: unknown }).exemptions) ? (cfg as { exemptions: { name: string }[] }).exemptions : [])) {
                assert.ok(names.has(exempt), `${rule} exempts ${exempt}, which the prod stack does not create (stale exemption)`);
            }
        }
    });

    it("GIVEN the prod render THEN the EKS rules see the cluster, node groups, launch templates and KMS key", () => {
        for (const t of ["aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:ec2/launchTemplate:LaunchTemplate", "aws:kms/key:Key"]) {
            assert.ok(resources.some((r) => r.type === t), t);
        }
    });
});
