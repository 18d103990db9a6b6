import { strict as assert } from "assert";
import { SingletonWorker } from "../../../components/kube/singleton-worker";
import { SINGLETON_LABEL } from "../../../components/kube/labels";
import { find, kinds, render } from "../../helpers/mocks";
import { validateObjects } from "../../helpers/k8s-schema";

describe("SingletonWorker", () => {
    it("GIVEN a poller WHEN created THEN it runs exactly one replica with Recreate, no HPA, no PDB, and the singleton label", async () => {
        const { objects, resources } = await render(
            () =>
                new SingletonWorker("poller", {
                    namespace: "claude-mid-service",
                    name: "claude-ecc-poller",
                    image: "ghcr.io/acme/ecc-poller:1.0.0",
                    service: { enabled: false },
                    probes: { health: { command: ["/bin/ecc-poller", "healthcheck"] } },
                }),
        );
        validateObjects(objects);
        const d = find(objects, "Deployment", "claude-ecc-poller");
        assert.equal(d.spec.replicas, 1);
        assert.deepEqual(d.spec.strategy, { type: "Recreate" });
        assert.equal(d.metadata.labels[SINGLETON_LABEL], "true");
        assert.equal(d.spec.template.metadata.labels[SINGLETON_LABEL], "true");
        assert.equal(kinds(objects, "HorizontalPodAutoscaler").length + kinds(objects, "PodDisruptionBudget").length + kinds(objects, "Service").length, 0);
        assert.ok(resources.some((r) => r.type === "agent-platform:index:SingletonWorker"));
    });

    for (const [what, args, expected] of [
        ["two replicas", { replicas: 2 }, /replicas must be exactly 1 for a singleton, got 2/],
        ["an hpa", { hpa: { minReplicas: 1, maxReplicas: 3, cpuUtilization: 70 } }, /hpa is not allowed/],
        ["RollingUpdate", { strategy: "RollingUpdate" }, /strategy must be Recreate/],
    ] as const) {
        it(`GIVEN ${what} WHEN constructed THEN it fails before anything is registered`, async () => {
            let thrown: Error | undefined;
            const { resources } = await render(() => {
                try {
                    new SingletonWorker("p", { namespace: "ns", image: "a/b:1", ...(args as object) });
                } catch (e) {
                    thrown = e as Error;
                }
            });
            assert.match(thrown?.message ?? "", expected);
            assert.equal(resources.length, 0);
        });
    }
});
