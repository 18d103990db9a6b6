import { strict as assert } from "assert";
import { composeServiceUrl, nodePorts, resolveServiceType, urlScheme } from "../../../components/compose/service";
import { context, service } from "./fixtures";

describe("compose/service", () => {
    it("GIVEN options, the kompose label or nothing THEN the type resolves in that order; headless only from the label", () => {
        assert.equal(resolveServiceType(service(), {}, context()), "ClusterIP");
        assert.equal(resolveServiceType(service({ labels: { "kompose.service.type": "headless" } }), {}, context()), "Headless");
        assert.equal(resolveServiceType(service({ labels: { "kompose.service.type": "headless" } }), { serviceType: "NodePort" }, context()), "NodePort");
        assert.throws(
            () => resolveServiceType(service({ labels: { "kompose.service.type": "external" } }), {}, context()),
            /labels.kompose.service.type: must be clusterip, nodeport, loadbalancer or headless/,
        );
    });

    it("GIVEN a NodePort service THEN the label numbers the first port and published ports in range keep theirs", () => {
        const ports = [
            { name: "http", containerPort: 80, protocol: "TCP" as const },
            { name: "admin", containerPort: 81, protocol: "TCP" as const, published: 30081 },
            { name: "x", containerPort: 82, protocol: "TCP" as const, published: 8082 },
        ];
        assert.deepEqual(nodePorts(service({ labels: { "kompose.service.nodeport.port": "30080" } }), ports, "NodePort", context()), {
            http: 30080,
            admin: 30081,
        });
        assert.deepEqual(nodePorts(service(), ports, "ClusterIP", context()), {});
        assert.throws(
            () => nodePorts(service({ labels: { "kompose.service.nodeport.port": "80" } }), ports, "NodePort", context()),
            /must be a port in 30000-32767, got "80"/,
        );
    });

    it("GIVEN infrastructure THEN its URL uses its scheme and client port; others go by port name", () => {
        const neo4j = [
            { name: "http", containerPort: 7474, protocol: "TCP" as const },
            { name: "bolt", containerPort: 7687, protocol: "TCP" as const },
        ];
        const infra = { neo4j: { service: "neo4j", namespace: "apps", port: 7687 } } as any;
        assert.equal(composeServiceUrl("neo4j", neo4j, infra, "apps"), "bolt://neo4j.apps.svc.cluster.local:7687");
        assert.equal(
            composeServiceUrl("api", [{ name: "https", containerPort: 8443, protocol: "TCP" }], {}, "apps"),
            "https://api.apps.svc.cluster.local:8443",
        );
        assert.equal(composeServiceUrl("worker", [], {}, "apps"), undefined);
        assert.equal(urlScheme("grpc-api", undefined), "grpc");
    });
});
