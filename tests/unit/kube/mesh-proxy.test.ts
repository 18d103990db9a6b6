import { strict as assert } from "assert";
import { ISTIO_PROXY_RESOURCES, meshProxyAnnotations, meshProxyFromAnnotations } from "../../../components/kube/mesh-proxy";

describe("kube/mesh-proxy", () => {
    it("GIVEN a proxy size THEN the annotations carry it and read back to the same size", () => {
        const r = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
        assert.deepEqual(meshProxyFromAnnotations(meshProxyAnnotations(r)), r);
        assert.equal(meshProxyAnnotations(r)["sidecar.istio.io/proxyCPULimit"], "500m");
    });

    it("GIVEN no sizing annotations THEN no size; some THEN Istio's defaults fill the rest", () => {
        assert.equal(meshProxyFromAnnotations({ "other/annotation": "x" }), undefined);
        assert.equal(meshProxyFromAnnotations(undefined), undefined);
        assert.deepEqual(meshProxyFromAnnotations({ "sidecar.istio.io/proxyCPU": "50m" }), {
            ...ISTIO_PROXY_RESOURCES,
            requests: { ...ISTIO_PROXY_RESOURCES.requests, cpu: "50m" },
        });
    });
});
