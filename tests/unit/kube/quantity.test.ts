import { strict as assert } from "assert";
import * as fc from "fast-check";
import { cpuMillis, formatCpu, formatMemory, isQuantity, memoryMi, parseQuantity, quantityForKey } from "../../../components/kube/quantity";

describe("kube/quantity", () => {
    it("GIVEN Kubernetes quantities THEN they parse to base units (cores, bytes)", () => {
        assert.equal(parseQuantity("500m"), 0.5);
        assert.equal(parseQuantity("2"), 2);
        assert.equal(parseQuantity("10Gi"), 10 * 2 ** 30);
        assert.equal(parseQuantity("1G"), 1e9);
        assert.equal(parseQuantity("1.5Ki"), 1536);
    });

    it("GIVEN shapes Kubernetes rejects THEN they are not quantities", () => {
        for (const q of ["", "ten", "10 Gi", "10GB", "10K", "-1", "1e", "Gi"]) assert.ok(!isQuantity(q), q);
        for (const q of ["0", "100Mi", "250m", "3", "1Ti", "2E"]) assert.ok(isQuantity(q), q);
    });

    it("GIVEN any binary size THEN memoryMi and formatMemory agree", () => {
        fc.assert(fc.property(fc.integer({ min: 1, max: 1 << 20 }), (mi) => memoryMi(formatMemory(mi)) === mi && memoryMi(`${mi}Mi`) === mi));
    });

    it("GIVEN a memory quantity in milli-bytes THEN memoryMi refuses it (a typo for Mi)", () => {
        assert.throws(() => memoryMi("512m"), /memory quantity must look like 512Mi or 2Gi, got "512m"/);
    });

    it("GIVEN quota keys THEN values compare within their unit", () => {
        assert.equal(quantityForKey("requests.cpu", "1500m"), quantityForKey("requests.cpu", "1.5"));
        assert.equal(quantityForKey("limits.memory", "1Gi"), 1024);
        assert.equal(quantityForKey("requests.storage", "2Gi"), 2048);
        assert.equal(quantityForKey("pods", "40"), 40);
        assert.equal(cpuMillis(formatCpu(4500)), 4500);
    });
});
