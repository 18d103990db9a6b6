/** The gp3 encrypted default StorageClass served by the EBS CSI driver (pure builder). */
import { GP3_STORAGE_CLASS_NAME } from "./defaults";
import { KubeObject } from "./k8s-objects";

/**
 * gp3 (cheaper and faster baseline than gp2), encrypted, WaitForFirstConsumer so the volume is
 * created in the AZ of the scheduled pod, expandable, marked as the cluster default.
 */
export function gp3StorageClass(): KubeObject {
    return {
        apiVersion: "storage.k8s.io/v1",
        kind: "StorageClass",
        metadata: {
            name: GP3_STORAGE_CLASS_NAME,
            labels: { "app.kubernetes.io/part-of": "agent-platform" },
            annotations: { "storageclass.kubernetes.io/is-default-class": "true" },
        },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
        reclaimPolicy: "Delete",
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
    };
}
