import { strict as assert } from "assert";
import { Flow } from "../../flows";
import { STRANGER } from "../../flows/platform";
import { K8sObject } from "../../../tools/lib/render";
import { indexRender } from "../../../tools/netmatrix/resolve";
import { AddressBook, INTERNET_ADDRESS, PRIVATE_NETWORK_ADDRESS, STACK_NETWORKS, toTraffic } from "../../../tools/netmatrix/traffic";

const labels = (name: string) => ({ "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "demo" });

const OBJECTS: K8sObject[] = [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "demo", labels: { "app.kubernetes.io/part-of": "demo" } } },
    {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "api", namespace: "demo" },
        spec: { template: { metadata: { labels: labels("api") }, spec: { containers: [{ name: "api", ports: [{ name: "http", containerPort: 8000 }] }] } } },
    },
    {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "job", namespace: "demo" },
        spec: { jobTemplate: { spec: { template: { metadata: { labels: labels("job") }, spec: { containers: [{ name: "job" }] } } } } },
    },
];

const ref = (name: string) => ({ namespace: "demo", name, podLabels: { "app.kubernetes.io/name": name } });
const base = {
    system: "claude-code" as const,
    protocol: "TCP" as const,
    expect: "allow" as const,
    seed: "002:1",
    why: "test",
    stacks: ["dev", "prod"] as const,
};

describe("netmatrix: flows as cyclonus traffic", () => {
    const idx = indexRender(OBJECTS);

    it("GIVEN a flow between rendered workloads WHEN converted THEN both ends carry the pods' full labels, the namespace's labels and the port's name", () => {
        const f: Flow = { ...base, id: "t1", from: ref("job"), to: ref("api"), port: 8000 };
        const t = toTraffic(f, "prod", idx, new AddressBook(STACK_NETWORKS.prod));
        assert.deepEqual(t.Source.Internal, {
            PodLabels: labels("job"),
            NamespaceLabels: { "app.kubernetes.io/part-of": "demo", "kubernetes.io/metadata.name": "demo" },
            Namespace: "demo",
        });
        assert.deepEqual(t.Destination.Internal?.PodLabels, labels("api"));
        assert.deepEqual([t.Protocol, t.ResolvedPort, t.ResolvedPortName], ["TCP", 8000, "http"]);
    });

    it("GIVEN external destinations WHEN converted THEN the internet is a public address, another private network a private one, the API server and nodes the stack's", () => {
        const book = new AddressBook(STACK_NETWORKS.dev);
        const internet = toTraffic({ ...base, id: "t2", from: ref("api"), to: { external: "internet" }, port: 443 }, "dev", idx, book);
        const api = toTraffic({ ...base, id: "t3", from: ref("api"), to: { external: "kube-api" }, port: 443 }, "dev", idx, book);
        assert.deepEqual(internet.Destination, { IP: INTERNET_ADDRESS });
        assert.deepEqual(api.Destination, { IP: STACK_NETWORKS.dev.kubeApi });
        const nodes = toTraffic({ ...base, id: "t5", from: ref("api"), to: { external: "nodes" }, port: 10250 }, "prod", idx, book);
        const lan = toTraffic({ ...base, id: "t6", from: ref("api"), to: { external: "private-network" }, port: 443 }, "prod", idx, book);
        assert.deepEqual([nodes.Destination, lan.Destination], [{ IP: STACK_NETWORKS.prod.node }, { IP: PRIVATE_NETWORK_ADDRESS }]);
    });

    it("GIVEN a platform pod (not rendered) WHEN converted THEN it carries its declared labels and its namespace's name label", () => {
        const t = toTraffic({ ...base, id: "t4", from: STRANGER, to: ref("api"), port: 8000 }, "prod", idx, new AddressBook(STACK_NETWORKS.prod));
        assert.deepEqual(t.Source.Internal, {
            PodLabels: STRANGER.podLabels,
            NamespaceLabels: { "kubernetes.io/metadata.name": "default" },
            Namespace: "default",
        });
    });

    it("GIVEN many pods WHEN given addresses THEN each pod keeps one address, all distinct, inside the stack's pod network and off its .0 /24", () => {
        const book = new AddressBook(STACK_NETWORKS.prod);
        const ips = Array.from({ length: 600 }, (_, i) =>
            book.addressOf({ namespace: "n", namespaceLabels: {}, labels: { i: String(i) }, ports: [], origin: "x" }),
        );
        assert.equal(new Set(ips).size, 600);
        for (const ip of ips) assert.match(ip, /^10\.40\.([1-9]|[1-9]\d|1\d\d|2[0-5]\d)\.([1-9]|[1-9]\d|1\d\d|2[0-4]\d|250)$/);
        assert.equal(book.addressOf({ namespace: "n", namespaceLabels: {}, labels: { i: "7" }, ports: [], origin: "x" }), ips[7]);
    });

    it("GIVEN a pod network that is not a /16 WHEN an address book is made THEN it says what it needs", () => {
        assert.throws(
            () => new AddressBook({ podCidr: "10.0.0.0/8", kubeApi: "10.0.0.1", node: "10.0.0.2" }),
            /podCidr must be a \/16 like 10.244.0.0\/16, got 10.0.0.0\/8/,
        );
    });
});
