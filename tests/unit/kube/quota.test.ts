import { strict as assert } from "assert";
import * as fc from "fast-check";
import { cpuMillis, formatCpu, formatMemory, memoryMi, quotaFor } from "../../../components/kube/quota";

describe("quota sizing", () => {
    it("GIVEN quantities WHEN parsed THEN cpu is in millicores and memory in MiB", () => {
        assert.deepEqual(["500m", "2", "1.5", "1000m"].map(cpuMillis), [500, 2000, 1500, 1000]);
        assert.deepEqual(["512Mi", "2Gi", "1024Ki", "1048576"].map(memoryMi), [512, 2048, 1, 1]);
        assert.throws(() => cpuMillis("2 cores"), /cpu quantity must look like 500m or 2, got "2 cores"/);
        assert.throws(() => memoryMi("2GB"), /memory quantity must look like 512Mi or 2Gi, got "2GB"/);
    });

    it("GIVEN any millicores or MiB WHEN formatted and parsed back THEN the value survives", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 1_000_000 }), (n) => cpuMillis(formatCpu(n)) === n && memoryMi(formatMemory(n)) === n));
    });

    it("GIVEN seed 001's Raft members and API tier WHEN sized THEN the quota covers max scale with 25% headroom, rounded up", () => {
        const hard = quotaFor([
            {
                pods: 3,
                resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
                claims: ["5Gi", "10Gi", "5Gi", "10Gi", "5Gi", "10Gi"],
            },
            { pods: 11, resources: { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } } },
        ]);
        assert.deepEqual(hard, {
            pods: "18", // 14 x 1.25 = 17.5
            "requests.cpu": "5500m", // (1500 + 2750) x 1.25 = 5312.5 -> 5500
            "requests.memory": "7680Mi", // (3072 + 2816) x 1.25 = 7360 -> 7680
            "limits.cpu": "17500m", // 14000 x 1.25
            "limits.memory": "22016Mi", // (6144 + 11264) x 1.25 = 21760 -> 22016
            "requests.storage": "57Gi", // 45Gi x 1.25 = 56.25 -> 57
            persistentvolumeclaims: "8", // 6 + 2 spare
        });
    });

    it("GIVEN any footprints WHEN sized THEN every total is at least the sum of what the pods ask for", () => {
        const res = fc.record({ cpu: fc.integer({ min: 1, max: 4000 }), mem: fc.integer({ min: 1, max: 8192 }) });
        fc.assert(
            fc.property(fc.array(fc.record({ pods: fc.integer({ min: 0, max: 20 }), req: res }), { minLength: 1, maxLength: 5 }), (fs) => {
                const hard = quotaFor(
                    fs.map((f) => ({
                        pods: f.pods,
                        resources: { requests: { cpu: `${f.req.cpu}m`, memory: `${f.req.mem}Mi` }, limits: { cpu: `${f.req.cpu}m`, memory: `${f.req.mem}Mi` } },
                    })),
                );
                const cpu = fs.reduce((s, f) => s + f.pods * f.req.cpu, 0);
                const mem = fs.reduce((s, f) => s + f.pods * f.req.mem, 0);
                return (
                    cpuMillis(hard["requests.cpu"]) >= cpu && memoryMi(hard["limits.memory"]) >= mem && Number(hard.pods) >= fs.reduce((s, f) => s + f.pods, 0)
                );
            }),
        );
    });

    it("GIVEN a negative pod count WHEN sized THEN it is rejected", () => {
        assert.throws(
            () => quotaFor([{ pods: -1, resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } } }]),
            /pods must be an integer >= 0, got -1/,
        );
    });
});
