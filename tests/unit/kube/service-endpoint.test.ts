import { strict as assert } from "assert";
import { formatProblem } from "../../../components/kube/problems";
import { ServiceEndpoint, serviceEndpointProblems } from "../../../components/kube/service-endpoint";
import { prometheusScrapeAnnotations } from "../../../components/kube/service-monitor";
import { ServiceType } from "../../../components/kube/agent-service-args";
import { find, render } from "../../helpers/mocks";
import { validateObjects } from "../../helpers/k8s-schema";

describe("ServiceEndpoint", () => {
    it("GIVEN a workload and annotations WHEN created THEN one Service selects the workload's pods and carries the annotations", async () => {
        let url = "";
        const { objects } = await render(() => {
            const e = new ServiceEndpoint("m", {
                namespace: "inquisitor-system",
                name: "inquisitor-metrics",
                workload: "inquisitor",
                component: "metrics",
                ports: [{ name: "metrics", port: 8000, targetPortName: "http" }],
                annotations: prometheusScrapeAnnotations(8000),
            });
            url = e.url ?? "";
        });
        validateObjects(objects);
        assert.equal(objects.length, 1);
        const svc = find(objects, "Service", "inquisitor-metrics", "inquisitor-system");
        assert.deepEqual(svc.spec.selector, { "app.kubernetes.io/name": "inquisitor" });
        assert.equal(svc.metadata.labels["app.kubernetes.io/name"], "inquisitor-metrics");
        assert.equal(svc.metadata.annotations["prometheus.io/scrape"], "true");
        assert.deepEqual(svc.spec.ports, [{ name: "metrics", port: 8000, targetPort: "http", protocol: "TCP" }]);
        assert.equal(svc.spec.type, "ClusterIP");
        assert.equal(url, "http://inquisitor-metrics.inquisitor-system.svc.cluster.local:8000");
    });

    it("GIVEN no targetPort WHEN created THEN the Service targets the same port number", async () => {
        const { objects } = await render(() => new ServiceEndpoint("x", { namespace: "ns", workload: "w", ports: [{ name: "http", port: 8080 }] }));
        assert.equal(find(objects, "Service", "x").spec.ports[0].targetPort, 8080);
    });

    it("GIVEN a targetPort number and type LoadBalancer WHEN created THEN the Service targets that number and is a LoadBalancer", async () => {
        const { objects } = await render(
            () =>
                new ServiceEndpoint("x", {
                    namespace: "ns",
                    workload: "w",
                    type: ServiceType.LoadBalancer,
                    ports: [{ name: "http", port: 80, targetPort: 8080 }],
                }),
        );
        const svc = find(objects, "Service", "x");
        assert.equal(svc.spec.ports[0].targetPort, 8080);
        assert.equal(svc.spec.type, "LoadBalancer");
    });

    const bad: [string, Parameters<typeof serviceEndpointProblems>[1], RegExp][] = [
        ["no ports", { namespace: "ns", workload: "w", ports: [] }, /ports must name at least one port/],
        [
            "a long port name",
            { namespace: "ns", workload: "w", ports: [{ name: "prometheus-metrics", port: 1 }] },
            /ports\[0\].name must be a valid port name .* got "prometheus-metrics"/,
        ],
        [
            "a repeated port name",
            {
                namespace: "ns",
                workload: "w",
                ports: [
                    { name: "a", port: 1 },
                    { name: "a", port: 2 },
                ],
            },
            /ports\[1\].name must be unique, got "a"/,
        ],
        ["port 0", { namespace: "ns", workload: "w", ports: [{ name: "a", port: 0 }] }, /must be in 1..65535, got 0/],
        ["a bad workload", { namespace: "ns", workload: "W!", ports: [{ name: "a", port: 1 }] }, /workload must be a DNS-1123 label/],
        [
            "both target port forms",
            { namespace: "ns", workload: "w", ports: [{ name: "a", port: 1, targetPort: 2, targetPortName: "http" }] },
            /ports\[0\] takes at most one of targetPort and targetPortName/,
        ],
        [
            "a bad target port name",
            { namespace: "ns", workload: "w", ports: [{ name: "a", port: 1, targetPortName: "HTTP_port" }] },
            /ports\[0\].targetPortName must be a valid port name .* got "HTTP_port"/,
        ],
        [
            "target port 0",
            { namespace: "ns", workload: "w", ports: [{ name: "a", port: 1, targetPort: 0 }] },
            /ports\[0\].targetPort must be in 1..65535, got 0/,
        ],
    ];
    for (const [what, args, message] of bad) {
        it(`GIVEN ${what} WHEN validated THEN the problem is named`, () => {
            assert.match(serviceEndpointProblems("e", args).map(formatProblem).join("\n"), message);
            assert.throws(() => new ServiceEndpoint("e", args), message);
        });
    }
});
