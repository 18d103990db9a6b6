/**
 * ServiceEndpoint, MetricsService, WebIngress, MeshPolicy and ConfigBundle in a namespace that is
 * an Output or a PlatformNamespace (issue 14, item 3): every object, CRD-backed ones included,
 * lands in the namespace the Output resolves to, and the plain-string URL is set only when the
 * name is known while the program runs.
 */
import * as assert from "assert";
import { ClusterCapabilities } from "../../../components/kube/capabilities";
import { ConfigBundle } from "../../../components/kube/config-bundle";
import { MetricsService } from "../../../components/kube/monitoring";
import { NamespaceInput } from "../../../components/kube/namespace-ref";
import { PlatformNamespace } from "../../../components/kube/platform-namespace";
import { ServiceEndpoint } from "../../../components/kube/service-endpoint";
import { MeshPolicy } from "../../../components/kube/service-mesh";
import { WebIngress } from "../../../components/kube/web-ingress";
import { Rendered, one, render } from "./data-helpers";

const PS = { level: "restricted", enforce: true } as const;
const CAPS: ClusterCapabilities = { serviceMonitor: true, certManager: true, istio: true };

/** Every edge component in `ns`, with every optional object on (ServiceMonitor, ACME solver policy, PeerAuthentications). */
function edge(ns: NamespaceInput): { endpoint: ServiceEndpoint } {
    const endpoint = new ServiceEndpoint("ep", { namespace: ns, name: "api-extra", workload: "api", ports: [{ name: "http", port: 8080 }] });
    new MetricsService("metrics", { namespace: ns, workload: "api", port: 9000, serviceMonitor: { enabled: true }, capabilities: CAPS });
    new WebIngress("web", { namespace: ns, hosts: ["app.example.com"], routes: [{ path: "/", service: "api", port: 8080 }], capabilities: CAPS });
    new MeshPolicy("mesh", { namespace: ns, plaintextPorts: [{ workload: "api", ports: [9000] }], capabilities: CAPS });
    new ConfigBundle("settings", {
        namespace: ns,
        configMap: { name: "api-config", data: { MODE: "x" } },
        secret: { name: "api-secrets", data: { TOKEN: "t" } },
    });
    return { endpoint };
}

const KINDS = ["Service", "ServiceMonitor", "Ingress", "NetworkPolicy", "PeerAuthentication", "ConfigMap", "Secret"];

function assertAllIn(r: Rendered, ns: string): void {
    const namespaced = r.objects.filter((o) => o.kind !== "Namespace");
    assert.deepStrictEqual([...new Set(namespaced.map((o) => o.kind))].sort(), [...KINDS].sort());
    assert.deepStrictEqual(
        namespaced.filter((o) => o.metadata.namespace !== ns).map((o) => `${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`),
        [],
    );
    assert.strictEqual(one(r, "NetworkPolicy", "web-acme-http01-solver").metadata.namespace, ns);
    assert.strictEqual(one(r, "PeerAuthentication", "api-plaintext-ports").metadata.namespace, ns);
}

describe("edge components in a namespace given as an Output or a PlatformNamespace", () => {
    it("GIVEN a PlatformNamespace's name Output THEN every object is in it and no URL is guessed", async () => {
        const made: { endpoint?: ServiceEndpoint } = {};
        const r = await render(() => {
            const ns = new PlatformNamespace("apps", { name: "apps", podSecurity: PS });
            Object.assign(made, edge(ns.name));
        });
        assertAllIn(r, "apps");
        assert.strictEqual(made.endpoint?.url, undefined);
    });

    it("GIVEN the PlatformNamespace itself THEN every object is in it and the endpoint's URL names it", async () => {
        const made: { endpoint?: ServiceEndpoint } = {};
        const r = await render(() => {
            const ns = new PlatformNamespace("apps", { name: "apps", podSecurity: PS });
            Object.assign(made, edge(ns));
        });
        assertAllIn(r, "apps");
        assert.strictEqual(made.endpoint?.url, "http://api-extra.apps.svc.cluster.local:8080");
    });

    it("GIVEN a bad plain namespace THEN each component still refuses it by name", () => {
        const bad = /namespace must be a DNS-1123 label/;
        assert.throws(() => new ServiceEndpoint("e", { namespace: "Bad_NS", workload: "w", ports: [{ name: "http", port: 80 }] }), bad);
        assert.throws(() => new MetricsService("m", { namespace: "Bad_NS", workload: "w", port: 9000 }), bad);
        assert.throws(() => new WebIngress("w", { namespace: "Bad_NS", hosts: ["a.example.com"], routes: [{ path: "/", service: "s", port: 80 }] }), bad);
        assert.throws(() => new MeshPolicy("p", { namespace: "Bad_NS" }), bad);
        assert.throws(() => new ConfigBundle("c", { namespace: "Bad_NS", configMap: { name: "c", data: {} } }), bad);
    });
});
