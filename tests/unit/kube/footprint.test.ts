/** Each component reports its footprint at maximum scale; PlatformNamespace sums them into its quota. */
import { strict as assert } from "assert";
import { AgentServiceArgs, agentServiceFootprint } from "../../../components/kube/agent-service";
import { pgDumpFootprint } from "../../../components/kube/pg-dump";
import { quotaHard } from "../../../components/kube/platform-namespace";
import { postgresFootprints } from "../../../components/kube/postgres";
import { raftClusterFootprint } from "../../../components/kube/raft-cluster";
import { redisFootprint } from "../../../components/kube/redis";
import { singletonWorkerFootprint } from "../../../components/kube/singleton-worker";
import { quotaFor, withMeshSidecars } from "../../../components/kube/quota";
import { ISTIO_PROXY_RESOURCES, meshProxyAnnotations } from "../../../components/kube/mesh-proxy";

const base: AgentServiceArgs = { namespace: "ns", image: "ghcr.io/acme/a:1", ports: [{ name: "http", containerPort: 80 }] };
const r = (cpu: string, memory: string, lcpu: string, lmemory: string) => ({ requests: { cpu, memory }, limits: { cpu: lcpu, memory: lmemory } });

describe("component footprints", () => {
    it("GIVEN an HPA-owned rolling Deployment THEN its HPA maximum plus one surge pod", () => {
        assert.equal(agentServiceFootprint({ ...base, hpa: { minReplicas: 2, maxReplicas: 10, cpuUtilization: 70 } }).pods, 11);
        assert.equal(agentServiceFootprint({ ...base, replicas: 3 }).pods, 4);
        assert.equal(agentServiceFootprint({ ...base, replicas: 0 }).pods, 0);
    });

    it("GIVEN Recreate, a singleton or a StatefulSet THEN no surge pod, and per-replica claims multiply", () => {
        assert.equal(agentServiceFootprint({ ...base, replicas: 2, strategy: "Recreate" }).pods, 2);
        assert.equal(singletonWorkerFootprint({ ...base }).pods, 1);
        const sts = agentServiceFootprint({
            ...base,
            replicas: 3,
            replicaVolumes: [{ name: "d", mountPath: "/d", size: "5Gi" }],
            volumes: [{ name: "c", mountPath: "/c", claim: { name: "c", size: "1Gi" } }],
        });
        assert.deepEqual([sts.pods, sts.claims], [3, ["1Gi", "5Gi", "5Gi", "5Gi"]]);
    });

    it("GIVEN sidecar-sizing annotations THEN the footprint carries that proxy size", () => {
        assert.deepEqual(
            agentServiceFootprint({ ...base, podAnnotations: meshProxyAnnotations(r("100m", "128Mi", "500m", "256Mi")) }).meshSidecar,
            r("100m", "128Mi", "500m", "256Mi"),
        );
        assert.equal(agentServiceFootprint(base).meshSidecar, undefined);
    });

    it("GIVEN data stores THEN members, exporters and claims are counted", () => {
        const redis = redisFootprint({ namespace: "ns", serviceName: "redis", clients: ["a"], replicas: 3, exporter: true, storage: { size: "2Gi" } });
        assert.deepEqual(redis, { pods: 3, resources: r("125m", "288Mi", "1100m", "1152Mi"), claims: ["2Gi", "2Gi", "2Gi"] });
        const pg = postgresFootprints({ namespace: "ns", clients: ["a"], backup: { destination: { pvc: { size: "20Gi" } } } });
        assert.deepEqual(
            pg.map((f) => f.claims),
            [["100Gi"], ["20Gi"]],
        );
        assert.deepEqual(pgDumpFootprint({ s3: { bucket: "b", roleArn: "arn" } }).resources, r("100m", "256Mi", "1", "1Gi"));
        const raft = raftClusterFootprint({
            namespace: "ns",
            image: "i:1",
            replicas: 3,
            volumes: [
                { name: "log", mountPath: "/l", size: "1Gi" },
                { name: "d", mountPath: "/d", size: "2Gi" },
            ],
        });
        assert.deepEqual([raft.pods, raft.claims?.length], [3, 6]);
    });

    it("GIVEN a meshed namespace THEN every pod also counts its proxy (its own size, else Istio's default)", () => {
        const plain = { pods: 2, resources: r("100m", "128Mi", "500m", "512Mi") };
        const sized = { ...plain, meshSidecar: r("100m", "128Mi", "500m", "256Mi") };
        assert.deepEqual(
            withMeshSidecars([plain, sized], ISTIO_PROXY_RESOURCES).map((f) => f.resources),
            [r("200m", "256Mi", "2500m", "1536Mi"), r("200m", "256Mi", "1", "768Mi")],
        );
    });

    it("GIVEN footprints and a floor THEN the quota is the need, raised to the floor key by key; without footprints the floor as given", () => {
        const footprints = [{ pods: 10, resources: r("1", "1Gi", "2", "2Gi") }];
        const need = quotaFor(footprints);
        const hard = quotaHard({ hard: { "requests.cpu": "100", services: "5" }, footprints }, false);
        assert.equal(hard["requests.cpu"], "100");
        assert.equal(hard["limits.cpu"], need["limits.cpu"]);
        assert.equal(hard.services, "5");
        assert.deepEqual(Object.keys(hard), [...Object.keys(hard)].sort());
        assert.deepEqual(quotaHard({ hard: { pods: "3" } }, true), { pods: "3" });
        assert.notDeepEqual(quotaHard({ footprints }, true), quotaHard({ footprints }, false));
    });
});
