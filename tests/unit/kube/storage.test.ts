import * as assert from "assert";
import { formatProblem } from "../../../components/kube/problems";
import * as fc from "fast-check";
import { EBS_CSI_PROVISIONER, EbsStorageClass, EbsStorageClassArgs, ebsStorageClassProblems, ebsStorageClassSpec } from "../../../components/kube/storage";
import { one, render, validateAll } from "./data-helpers";

describe("kube/storage", () => {
    it("GIVEN seed 002 fast-ssd defaults WHEN building THEN EBS CSI gp3 3000/125 ext4 encrypted, expandable, Retain, WaitForFirstConsumer", () => {
        const s = ebsStorageClassSpec({});
        assert.strictEqual(s.provisioner, "ebs.csi.aws.com");
        assert.deepStrictEqual(s.parameters, { type: "gp3", iops: "3000", throughput: "125", "csi.storage.k8s.io/fstype": "ext4", encrypted: "true" });
        assert.strictEqual(s.reclaimPolicy, "Retain");
        assert.strictEqual(s.allowVolumeExpansion, true);
        assert.strictEqual(s.volumeBindingMode, "WaitForFirstConsumer");
    });
    it("GIVEN dev WHEN reclaimPolicy Delete and a KMS key THEN both are rendered", () => {
        const s = ebsStorageClassSpec({ reclaimPolicy: "Delete", kmsKeyId: "arn:aws:kms:eu-west-1:1:key/abc" });
        assert.strictEqual(s.reclaimPolicy, "Delete");
        assert.strictEqual(s.parameters.kmsKeyId, "arn:aws:kms:eu-west-1:1:key/abc");
    });
    it("GIVEN any legal gp3 iops/throughput pair THEN there are no problems; above the 0.25 MiB/s-per-IOPS ratio THEN one (property)", () => {
        fc.assert(
            fc.property(fc.integer({ min: 3000, max: 16000 }), fc.integer({ min: 125, max: 1000 }), (iops, tp) => {
                const problems = ebsStorageClassProblems("sc", { iops, throughput: tp }).map(formatProblem);
                assert.strictEqual(problems.length === 0, tp <= iops * 0.25, JSON.stringify({ iops, tp, problems }));
            }),
            { numRuns: 100 },
        );
    });
    const cases: [string, EbsStorageClassArgs, RegExp][] = [
        ["iops below gp3 floor", { iops: 100 }, /iops for gp3 must be an integer in 3000..16000, got 100/],
        ["throughput above gp3 max", { iops: 16000, throughput: 2000 }, /throughput for gp3 must be an integer in 125..1000 MiB\/s, got 2000/],
        ["throughput on gp2", { type: "gp2", throughput: 250 }, /throughput is only settable for gp3, not gp2, got 250/],
        ["iops on st1", { type: "st1", iops: 4000 }, /iops is only settable for gp3, io1 and io2, not st1, got 4000/],
        ["kms without encryption", { encrypted: false, kmsKeyId: "k" }, /kmsKeyId is set but encrypted is false/],
        ["bad name", { name: "Fast_SSD" }, /name must be a DNS-1123 label .* got "Fast_SSD"/],
    ];
    for (const [label, args, re] of cases) {
        it(`GIVEN ${label} WHEN validated THEN it fails naming the rule`, () => {
            assert.ok(
                ebsStorageClassProblems("sc", args)
                    .map(formatProblem)
                    .some((p) => re.test(p)),
            );
            assert.throws(() => new EbsStorageClass("sc", args), re);
        });
    }
    it("GIVEN the component WHEN rendered THEN one schema-valid cluster-scoped StorageClass fast-ssd, not the default class", async () => {
        const r = await render(() => new EbsStorageClass("fast-ssd", {}));
        assert.strictEqual(validateAll(r), 1);
        const sc = one(r, "StorageClass", "fast-ssd");
        assert.strictEqual(sc.provisioner, EBS_CSI_PROVISIONER);
        assert.strictEqual(sc.metadata.namespace, undefined);
        assert.strictEqual(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "false");
        assert.strictEqual(sc.reclaimPolicy, "Retain");
    });
});
