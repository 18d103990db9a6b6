import { strict as assert } from "assert";
import { plaintextPortsSpec, unmeshedIngressPorts } from "../../../components/kube/service-mesh";
import { NetworkPeer } from "../../../components/kube/network";

const NGINX: NetworkPeer = { namespaceLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } };
const PROM: NetworkPeer = { namespaceLabels: { "kubernetes.io/metadata.name": "monitoring" } };

describe("kube/service-mesh: port-level PERMISSIVE for the peers outside the mesh", () => {
    it("collects, per workload, the ports its ingress rules open to an un-meshed peer; meshed callers' ports stay STRICT", () => {
        const got = unmeshedIngressPorts(
            {
                api: [
                    { peers: [{ workload: "web" }], ports: [8080] },
                    { peers: [PROM], ports: [9090] },
                    { peers: [NGINX, { workload: "x" }], ports: [8080], portSpecs: [{ port: 8443 }] },
                ],
                db: [{ peers: [{ workload: "api" }], ports: [5432] }],
            },
            [NGINX, PROM],
        );
        assert.deepEqual(got, [{ workload: "api", ports: [8080, 8443, 9090] }]);
    });

    it("refuses what port-level mTLS cannot express: all ports", () => {
        assert.throws(() => unmeshedIngressPorts({ api: [{ peers: [PROM] }] }, [PROM]), /MeshPolicy: api admits a peer outside the mesh on all ports/);
    });

    it("the PeerAuthentication selects the workload, stays STRICT and relaxes only the listed ports", () => {
        assert.deepEqual(plaintextPortsSpec({ workload: "api", ports: [3000, 9121] }), {
            selector: { matchLabels: { "app.kubernetes.io/name": "api" } },
            mtls: { mode: "STRICT" },
            portLevelMtls: { 3000: { mode: "PERMISSIVE" }, 9121: { mode: "PERMISSIVE" } },
        });
    });
});
