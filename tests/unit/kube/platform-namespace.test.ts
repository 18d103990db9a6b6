import { strict as assert } from "assert";
import { PlatformNamespace } from "../../../components/kube/platform-namespace";
import { find, kinds, render } from "../../helpers/mocks";
import { validateObjects } from "../../helpers/k8s-schema";

describe("PlatformNamespace", () => {
    it("GIVEN prod settings WHEN created THEN restricted is enforced and a default-deny + DNS egress exist", async () => {
        const { objects } = await render(
            () =>
                new PlatformNamespace("agents", {
                    name: "production-agents",
                    podSecurity: { level: "restricted", enforce: true },
                    quota: { name: "agent-quota", hard: { "requests.cpu": "10", "limits.memory": "40Gi" } },
                    limits: { defaultLimit: { cpu: "1", memory: "1Gi" }, defaultRequest: { cpu: "100m", memory: "128Mi" } },
                }),
        );
        validateObjects(objects);
        const ns = find(objects, "Namespace", "production-agents");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/warn"], "restricted");
        assert.deepEqual(find(objects, "ResourceQuota", "agent-quota", "production-agents").spec.hard, { "requests.cpu": "10", "limits.memory": "40Gi" });
        assert.equal(find(objects, "LimitRange", "production-agents-limits").spec.limits[0].type, "Container");
        const deny = find(objects, "NetworkPolicy", "default-deny-all");
        assert.deepEqual(deny.spec, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
        const dns = find(objects, "NetworkPolicy", "allow-dns-egress");
        assert.deepEqual(
            dns.spec.egress[0].ports.map((p: any) => `${p.port}/${p.protocol}`),
            ["53/UDP", "53/TCP"],
        );
    });

    it("GIVEN dev settings WHEN created THEN Pod Security only warns and audits", async () => {
        const { objects } = await render(
            () => new PlatformNamespace("dev", { name: "dev-ns", podSecurity: { level: "restricted", enforce: false }, istioInjection: true }),
        );
        const labels = find(objects, "Namespace", "dev-ns").metadata.labels;
        assert.equal(labels["pod-security.kubernetes.io/enforce"], undefined);
        assert.equal(labels["pod-security.kubernetes.io/audit"], "restricted");
        assert.equal(labels["istio-injection"], "enabled");
        assert.equal(kinds(objects, "ResourceQuota").length, 0);
    });

    it("GIVEN retainOnDelete WHEN created THEN only the Namespace itself is kept on destroy (its retained claims survive with it)", async () => {
        for (const retain of [true, false]) {
            const seen: Record<string, unknown> = {};
            const transformations = [
                (t: any) => {
                    seen[t.type] = t.opts.retainOnDelete;
                    return undefined;
                },
            ];
            await render(
                () =>
                    new PlatformNamespace(
                        "data",
                        { name: "data-ns", podSecurity: { level: "restricted", enforce: true }, retainOnDelete: retain },
                        { transformations },
                    ),
            );
            assert.equal(seen["kubernetes:core/v1:Namespace"], retain);
            assert.ok(!seen["kubernetes:networking.k8s.io/v1:NetworkPolicy"], "policies are removed with the stack");
        }
    });

    it("GIVEN an invalid namespace name WHEN created THEN it fails before registering anything", async () => {
        let thrown: Error | undefined;
        const { resources } = await render(() => {
            try {
                new PlatformNamespace("bad", { name: "Bad_NS", podSecurity: { level: "restricted", enforce: true } });
            } catch (e) {
                thrown = e as Error;
            }
        });
        assert.match(thrown?.message ?? "", /invalid PlatformNamespace args for bad:\n {2}- name must be a DNS-1123 label/);
        assert.equal(resources.length, 0);
    });
});
