import { strict as assert } from "assert";
import * as fc from "fast-check";
import { RaftCluster, RaftClusterArgs, raftClusterProblems, raftFaultTolerance, raftPeers } from "../../../components/kube/raft-cluster";
import { ValidationError } from "../../../components/kube/problems";
import { RAFT_LABEL } from "../../../components/kube/labels";
import { find, render } from "../../helpers/mocks";
import { validateObjects } from "../../helpers/k8s-schema";

describe("RaftCluster", () => {
    it("GIVEN 3 replicas WHEN created THEN StatefulSet, headless + client Services, peers env and a quorum-safe PDB exist", async () => {
        const { objects } = await render(
            () =>
                new RaftCluster("inq", {
                    namespace: "inquisitor-system",
                    name: "inquisitor",
                    image: "ghcr.io/wadelabs/harness:1.4.2",
                    replicas: 3,
                    volumes: [
                        { name: "manifests", mountPath: "/app/manifests", size: "5Gi" },
                        { name: "artifacts", mountPath: "/app/artifacts", size: "10Gi" },
                    ],
                }),
        );
        validateObjects(objects);
        const sts = find(objects, "StatefulSet", "inquisitor", "inquisitor-system");
        assert.equal(sts.spec.replicas, 3);
        assert.equal(sts.spec.serviceName, "inquisitor-headless");
        assert.equal(sts.spec.podManagementPolicy, "Parallel");
        assert.deepEqual(
            sts.spec.volumeClaimTemplates.map((v: any) => v.metadata.name),
            ["manifests", "artifacts"],
        );
        assert.equal(sts.metadata.labels[RAFT_LABEL], "true");
        const c = sts.spec.template.spec.containers[0];
        assert.deepEqual(
            c.ports.map((p: any) => [p.name, p.containerPort]),
            [
                ["http", 8000],
                ["raft", 4321],
            ],
        );
        const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom.fieldRef.fieldPath]));
        assert.equal(
            env.RAFT_PEERS,
            "inquisitor-0.inquisitor-headless.inquisitor-system.svc.cluster.local:4321,inquisitor-1.inquisitor-headless.inquisitor-system.svc.cluster.local:4321,inquisitor-2.inquisitor-headless.inquisitor-system.svc.cluster.local:4321",
        );
        assert.equal(env.POD_NAME, "metadata.name");
        assert.equal(env.POD_NAMESPACE, "metadata.namespace");
        assert.equal(env.NODE_ID, "metadata.name");
        assert.deepEqual([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path], ["/health", "/ready"]);
        const headless = find(objects, "Service", "inquisitor-headless");
        assert.equal(headless.spec.clusterIP, "None");
        assert.equal(headless.spec.publishNotReadyAddresses, true);
        const client = find(objects, "Service", "inquisitor");
        assert.deepEqual([client.spec.type, client.spec.ports[0].port, client.spec.ports[0].targetPort], ["ClusterIP", 80, "http"]);
        assert.equal(find(objects, "PodDisruptionBudget", "inquisitor").spec.maxUnavailable, 1);
        const np = find(objects, "NetworkPolicy", "inquisitor");
        assert.equal(np.spec.ingress[0].ports[0].port, 4321);
    });

    it("GIVEN a node-id env var name WHEN created THEN the pod name is exposed under it", async () => {
        const { objects } = await render(
            () =>
                new RaftCluster("r", {
                    namespace: "ns",
                    image: "a/b:1",
                    replicas: 3,
                    nodeIdEnvVar: "RAFT_NODE_ID",
                    volumes: [{ name: "log", mountPath: "/log", size: "1Gi" }],
                }),
        );
        const env = find(objects, "StatefulSet", "r").spec.template.spec.containers[0].env;
        assert.deepEqual(env.find((e: any) => e.name === "RAFT_NODE_ID").valueFrom, { fieldRef: { fieldPath: "metadata.name" } });
        assert.equal(
            env.find((e: any) => e.name === "NODE_ID"),
            undefined,
        );
    });

    it("GIVEN 5 replicas WHEN created THEN the PDB tolerates 2 and the peer list has 5 members", async () => {
        const { objects } = await render(
            () => new RaftCluster("r", { namespace: "ns", image: "a/b:1", replicas: 5, volumes: [{ name: "log", mountPath: "/log", size: "1Gi" }] }),
        );
        assert.equal(find(objects, "PodDisruptionBudget", "r").spec.maxUnavailable, 2);
    });

    it("GIVEN any replica count WHEN validated THEN only odd counts >= 3 pass, with the rule in the message", () => {
        fc.assert(
            fc.property(fc.integer({ min: -5, max: 99 }), (n) => {
                const ok = n >= 3 && n % 2 === 1;
                const args: RaftClusterArgs = { namespace: "ns", image: "a/b:1", replicas: n, volumes: [{ name: "log", mountPath: "/log", size: "1Gi" }] };
                const problems = raftClusterProblems("r", args);
                if (ok) assert.deepStrictEqual(problems, []);
                else {
                    assert.deepStrictEqual(problems, [{ path: "replicas", rule: "must be odd and >= 3 (2f+1)", value: n }]);
                    assert.throws(
                        () => new RaftCluster("r", args),
                        (e: unknown) =>
                            e instanceof ValidationError &&
                            new RegExp(`invalid RaftCluster args for r:\\n  - replicas must be odd and >= 3 \\(2f\\+1\\), got ${n}`).test(e.message),
                    );
                }
            }),
            { numRuns: 200 },
        );
    });

    it("GIVEN 2f+1 members WHEN a PDB is sized THEN it allows exactly f disruptions and peers are stable", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 20 }), (f) => {
                assert.equal(raftFaultTolerance(2 * f + 1), f);
                const peers = raftPeers("r", "r-headless", "ns", 2 * f + 1, 4321).split(",");
                assert.equal(new Set(peers).size, 2 * f + 1);
                peers.forEach((p, i) => assert.equal(p, `r-${i}.r-headless.ns.svc.cluster.local:4321`));
            }),
            { numRuns: 50 },
        );
    });

    it("GIVEN 4 replicas WHEN constructed THEN it fails before registering anything", async () => {
        let thrown: Error | undefined;
        const { resources } = await render(() => {
            try {
                new RaftCluster("r", { namespace: "ns", image: "a/b:1", replicas: 4, volumes: [{ name: "log", mountPath: "/log", size: "1Gi" }] });
            } catch (e) {
                thrown = e as Error;
            }
        });
        assert.match(thrown?.message ?? "", /invalid RaftCluster args for r:\n {2}- replicas must be odd and >= 3 \(2f\+1\), got 4/);
        assert.equal(resources.length, 0);
    });
});
