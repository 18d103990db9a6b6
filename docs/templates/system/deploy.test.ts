/**
 * TEMPLATE: copy to tests/unit/systems/<name>.test.ts (see CONTRIBUTING.md). Renders both stacks
 * under the mock runtime and asserts on the objects (GIVEN / WHEN / THEN), not on snapshots.
 */
import { strict as assert } from "assert";
import { renderStack, RenderResult } from "../../../tools/lib/render";
import { RENDER_TIMEOUT_MS } from "../../helpers/stacks";
import { find } from "../../helpers/mocks";
import { AGENT, NAMESPACE } from "../../../stacks/systems/echo";

describe("system echo", () => {
    const rendered: Record<string, RenderResult> = {};
    before(async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        for (const stack of ["dev", "prod"]) rendered[stack] = await renderStack(stack, { redact: false });
    });

    for (const stack of ["dev", "prod"]) {
        it(`GIVEN Pulumi.${stack}.yaml WHEN rendered THEN the agent runs at least two replicas in its namespace`, () => {
            const deployment = find(rendered[stack].objects, "Deployment", AGENT, NAMESPACE);
            assert.ok(deployment.spec.replicas >= 2);
        });
    }
});
