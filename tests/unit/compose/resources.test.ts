import { strict as assert } from "assert";
import { resolveResources } from "../../../components/compose/resources";
import { context, service } from "./fixtures";

describe("compose/resources", () => {
    it("GIVEN nothing THEN the seed 004 defaults apply", () => {
        assert.deepEqual(resolveResources(service(), {}, context()), { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
    });

    it("GIVEN compose deploy.resources and an option THEN the option wins per key", () => {
        const svc = service({ resources: { limits: { cpu: "2", memory: "1Gi" }, requests: { cpu: "250m" } } });
        const r = resolveResources(svc, { resources: { requests: { cpu: "1" } } }, context());
        assert.deepEqual(r, { requests: { cpu: "1", memory: "128Mi" }, limits: { cpu: "2", memory: "1Gi" } });
    });

    it("GIVEN an explicit request above the default limit THEN the default limit moves up to meet it", () => {
        assert.deepEqual(resolveResources(service(), { resources: { requests: { memory: "2Gi" } } }, context()).limits.memory, "2Gi");
    });

    it("GIVEN an explicit limit below the default request THEN the default request moves down to meet it", () => {
        assert.deepEqual(resolveResources(service(), { resources: { limits: { cpu: "50m" } } }, context()).requests.cpu, "50m");
    });

    it("GIVEN both explicit and crossed, or not a quantity, THEN one error names the option", () => {
        assert.throws(
            () => resolveResources(service(), { resources: { requests: { cpu: "2" }, limits: { cpu: "1" } } }, context()),
            /resources.requests.cpu: request 2 exceeds limit 1/,
        );
        assert.throws(
            () => resolveResources(service(), { resources: { limits: { memory: "lots" } } }, context()),
            /resources.limits.memory: "lots" is not a Kubernetes quantity/,
        );
    });
});
