import { strict as assert } from "assert";
import { devFlows, groupBySource } from "../../e2e/lib/flows";

describe("e2e connectivity matrix: flows grouped by source workload", () => {
    const flows = devFlows();
    const groups = groupBySource(flows);
    const source = (f: (typeof flows)[number]) => `${f.from.namespace}/${f.from.name}`;

    it("GIVEN the dev flows THEN every flow is in exactly one group, in its original order within the group", () => {
        assert.equal(groups.flat().length, flows.length);
        assert.equal(new Set(groups.flat()).size, flows.length);
        for (const g of groups)
            assert.deepEqual(
                g,
                flows.filter((f) => source(f) === source(g[0])),
            );
    });

    it("GIVEN the dev flows THEN each group has one source and no two groups share one (a pod's ephemeral clients never run side by side)", () => {
        const sources = groups.map((g) => new Set(g.map(source)));
        assert.ok(sources.every((s) => s.size === 1));
        assert.equal(new Set(groups.map((g) => source(g[0]))).size, groups.length);
        assert.ok(groups.length > 5, `only ${groups.length} sources: the matrix would barely run in parallel`);
    });
});
