import { strict as assert } from "assert";
import * as fc from "fast-check";
import { INTERNET_HTTPS } from "../../../components/kube/network";
import { TrafficGraph } from "../../../components/kube/traffic";

const internet = INTERNET_HTTPS.peers[0];
const prometheus = { namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" } };

describe("kube/traffic", () => {
    it("GIVEN one flow THEN the caller's egress and the callee's ingress both carry it", () => {
        const g = new TrafficGraph().allow("api", "db", 5432);
        assert.deepEqual(g.egressOf("api"), [{ peers: [{ workload: "db" }], ports: [5432] }]);
        assert.deepEqual(g.ingressOf("db"), [{ peers: [{ workload: "api" }], ports: [5432] }]);
        assert.deepEqual(g.network("api"), { egress: [{ peers: [{ workload: "db" }], ports: [5432] }] });
        assert.deepEqual(g.clientsOf("db"), ["api"]);
    });

    it("GIVEN several callers on one port THEN they share one rule in declaration order; external peers keep rules of their own", () => {
        const g = new TrafficGraph()
            .allow("gateway", ["manager", "worker"], 3000)
            .allow("backend", "manager", 3000)
            .allow(prometheus, ["manager", "worker"], 3000)
            .allow("manager", internet, 443);
        assert.deepEqual(g.ingressOf("manager"), [
            { peers: [{ workload: "gateway" }, { workload: "backend" }], ports: [3000] },
            { peers: [prometheus], ports: [3000] },
        ]);
        assert.deepEqual(g.egressOf("gateway"), [{ peers: [{ workload: "manager" }, { workload: "worker" }], ports: [3000] }]);
        assert.deepEqual(g.egressOf("manager"), [INTERNET_HTTPS]);
    });

    it("GIVEN a list of external peers THEN it stays one rule; component references name their workload", () => {
        const g = new TrafficGraph().allow({ workloadName: "terminal" }, [{ cidr: "10.0.0.1/32" }, { cidr: "10.0.0.2/32" }], [443, 6443]);
        assert.deepEqual(g.egressOf({ statefulSetName: "terminal" }), [{ peers: [{ cidr: "10.0.0.1/32" }, { cidr: "10.0.0.2/32" }], ports: [443, 6443] }]);
    });

    it("GIVEN a flow without a local workload or with an empty side THEN it is refused", () => {
        assert.throws(() => new TrafficGraph().allow(prometheus, internet, 443), /needs a workload of this namespace/);
        assert.throws(() => new TrafficGraph().allow("a", [], 80), /at least one peer on each side/);
    });

    it("GIVEN any set of flows between workloads THEN every edge appears on both sides, exactly once per peer and port set", () => {
        const names = ["a", "b", "c", "d"];
        fc.assert(
            fc.property(fc.array(fc.tuple(fc.constantFrom(...names), fc.constantFrom(...names), fc.constantFrom(80, 443)), { maxLength: 12 }), (edges) => {
                const g = new TrafficGraph();
                for (const [f, t, p] of edges) g.allow(f, t, p);
                for (const [f, t, p] of edges) {
                    const out = g
                        .egressOf(f)
                        .filter((r) => r.ports![0] === p)
                        .flatMap((r) => r.peers);
                    const inn = g
                        .ingressOf(t)
                        .filter((r) => r.ports![0] === p)
                        .flatMap((r) => r.peers);
                    assert.equal(out.filter((x) => "workload" in x && x.workload === t).length, 1);
                    assert.equal(inn.filter((x) => "workload" in x && x.workload === f).length, 1);
                }
            }),
            { numRuns: 100 },
        );
    });
});
