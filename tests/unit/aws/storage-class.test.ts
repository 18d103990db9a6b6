import { strict as assert } from "assert";
import { efsStorageClass, gp3StorageClass } from "../../../components/aws/storage-class";

const { StorageClass } = require("kubernetes-models/storage.k8s.io/v1/StorageClass");

describe("aws/storage-class gp3StorageClass", () => {
    it("GIVEN the gp3 class WHEN built THEN it is the encrypted EBS CSI default, bound on first consumer and expandable", () => {
        const sc = gp3StorageClass("Retain") as any;
        new StorageClass(sc).validate();
        assert.equal(sc.metadata.name, "gp3");
        assert.equal(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
        assert.equal(sc.provisioner, "ebs.csi.aws.com");
        assert.deepEqual(sc.parameters, { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" });
        assert.equal(sc.volumeBindingMode, "WaitForFirstConsumer");
        assert.equal(sc.allowVolumeExpansion, true);
    });

    for (const policy of ["Retain", "Delete"] as const) {
        it(`GIVEN reclaim policy ${policy} WHEN built THEN the class carries it verbatim`, () => {
            const sc = gp3StorageClass(policy) as any;
            new StorageClass(sc).validate();
            assert.equal(sc.reclaimPolicy, policy);
        });
    }
});

describe("aws/storage-class efsStorageClass", () => {
    const build = (reclaimPolicy: "Retain" | "Delete" = "Retain") =>
        efsStorageClass({ name: "efs-sc", fileSystemId: "fs-0123456789abcdef0", reclaimPolicy }) as any;

    it("GIVEN a file system id WHEN built THEN it is a valid efs.csi.aws.com class provisioning owner-only access points", () => {
        const sc = build();
        new StorageClass(sc).validate();
        assert.equal(sc.metadata.name, "efs-sc");
        assert.equal(sc.provisioner, "efs.csi.aws.com");
        assert.deepEqual(sc.parameters, { provisioningMode: "efs-ap", fileSystemId: "fs-0123456789abcdef0", directoryPerms: "700" });
        assert.equal(sc.volumeBindingMode, "Immediate");
    });

    it("GIVEN the EFS class WHEN built THEN it is not the cluster default (EBS gp3 stays the default) and has no EBS-only parameters", () => {
        const sc = build();
        assert.equal(sc.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"], undefined);
        assert.equal(sc.parameters.encrypted, undefined);
        assert.equal(sc.parameters.type, undefined);
    });

    it("GIVEN Retain or Delete WHEN built THEN the reclaim policy is carried verbatim", () => {
        assert.equal(build("Retain").reclaimPolicy, "Retain");
        assert.equal(build("Delete").reclaimPolicy, "Delete");
    });

    it("GIVEN the same inputs twice WHEN serialised THEN the output is byte-identical (no diff on a second up)", () => {
        assert.equal(JSON.stringify(build()), JSON.stringify(build()));
    });
});
