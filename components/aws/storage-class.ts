/** The cluster's StorageClasses: gp3 default (EBS CSI) and the opt-in EFS class (pure builders). */
import * as pulumi from "@pulumi/pulumi";
import { EFS_DIRECTORY_PERMS, GP3_STORAGE_CLASS_NAME } from "./defaults";
import { KubeObject } from "./k8s-objects";
import { ReclaimPolicy } from "./types";

const PART_OF = { "app.kubernetes.io/part-of": "agent-platform" };

/**
 * gp3 (cheaper and faster baseline than gp2), encrypted, WaitForFirstConsumer so the volume is
 * created in the AZ of the scheduled pod, expandable, marked as the cluster default.
 * `reclaimPolicy` is `Retain` in prod (volumes outlive their claims) and `Delete` in dev.
 */
export function gp3StorageClass(reclaimPolicy: ReclaimPolicy): KubeObject {
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: {
            name: GP3_STORAGE_CLASS_NAME,
            labels: { ...PART_OF },
            annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
        reclaimPolicy,
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}

export interface EfsStorageClassArgs {
    /** StorageClass name (seed 003 claims ask for `efs-sc`). */
    name: string;
    /** The EFS file system the driver creates access points on. */
    fileSystemId: pulumi.Input<string>;
    reclaimPolicy: ReclaimPolicy;
}

/**
 * ReadWriteMany class served by the EFS CSI driver: dynamic provisioning creates one EFS access
 * point per claim (`efs-ap`), its root directory owner-only (`700`; the access point enforces a
 * per-claim uid/gid). Immediate binding: EFS is regional, every AZ has a mount target, so there is
 * no zone to wait for. Not the default class (EBS stays the default for single-writer volumes).
 */
export function efsStorageClass(args: EfsStorageClassArgs): KubeObject {
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: { name: args.name, labels: { ...PART_OF } },
        provisioner: "efs.csi.aws.com",
        parameters: { directoryPerms: EFS_DIRECTORY_PERMS, fileSystemId: args.fileSystemId, provisioningMode: "efs-ap" },
        reclaimPolicy: args.reclaimPolicy,
        volumeBindingMode: "Immediate",
    };
}
