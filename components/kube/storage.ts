/**
 * StorageClass for EBS volumes through the EBS CSI driver (seed 002's `fast-ssd`). The seed's
 * in-tree `kubernetes.io/aws-ebs` provisioner is deprecated (CSI migration, removed in 1.27):
 * this always uses `ebs.csi.aws.com` with the same parameters.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { MANAGED_BY_LABEL, PART_OF_LABEL } from "./labels";
import { dns1123Problem } from "./names";
import { Problem, assertNoProblems, check } from "./problems";
import { componentType, withOldTypeAlias } from "./type-token";
import { ReclaimPolicy } from "../aws/enums";

export { ReclaimPolicy };

export const EBS_CSI_PROVISIONER = "ebs.csi.aws.com";
// seed 002 `fast-ssd`: gp3, iops 3000, throughput 125, ext4, allowVolumeExpansion, Retain, WaitForFirstConsumer.
export const FAST_SSD_DEFAULTS = { type: "gp3", iops: 3000, throughput: 125, fsType: "ext4" } as const;
// AWS gp3 limits: 3000..16000 IOPS, 125..1000 MiB/s, at most 0.25 MiB/s per provisioned IOPS.
export const GP3_LIMITS = { minIops: 3000, maxIops: 16000, minThroughput: 125, maxThroughput: 1000, throughputPerIops: 0.25 } as const;
export const IS_DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

/** A filesystem the EBS CSI driver formats volumes with. */
export const FsType = { Ext4: "ext4", Xfs: "xfs" } as const;
/** A filesystem the EBS CSI driver formats volumes with: `ext4` or `xfs`. */
export type FsType = (typeof FsType)[keyof typeof FsType];

/** An EBS volume type. */
export const EbsVolumeType = { Gp3: "gp3", Gp2: "gp2", Io1: "io1", Io2: "io2", St1: "st1", Sc1: "sc1" } as const;
/** An EBS volume type: `gp3`, `gp2`, `io1`, `io2`, `st1` or `sc1`. */
export type EbsVolumeType = (typeof EbsVolumeType)[keyof typeof EbsVolumeType];

/** When a StorageClass binds and provisions a claim's volume. */
export const VolumeBindingMode = {
    /** Provision when the first pod using the claim is scheduled, in that pod's zone. */
    WaitForFirstConsumer: "WaitForFirstConsumer",
    /** Provision as soon as the claim is created (the zone may not be the pod's). */
    Immediate: "Immediate",
} as const;
/** When a StorageClass binds and provisions a claim's volume: `WaitForFirstConsumer` or `Immediate`. */
export type VolumeBindingMode = (typeof VolumeBindingMode)[keyof typeof VolumeBindingMode];

/** The arguments of an `EbsStorageClass`. */
export interface EbsStorageClassArgs {
    /** StorageClass name (cluster-scoped; seed 002: `fast-ssd`). @default the component name */
    name?: string;
    /** EBS volume type of the provisioned volumes. @default "gp3" */
    type?: EbsVolumeType;
    /** Provisioned IOPS (gp3, io1, io2). @default 3000 for gp3 */
    iops?: number;
    /** Provisioned throughput in MiB/s (gp3 only). @default 125 for gp3 */
    throughput?: number;
    /** Filesystem the volumes are formatted with. @default "ext4" */
    fsType?: FsType;
    /** Encrypt volumes at rest. @default true */
    encrypted?: boolean;
    /** KMS key for encryption. @default the account's EBS default key */
    kmsKeyId?: pulumi.Input<string>;
    /** `Retain` keeps the EBS volume when its claim is deleted (prod); `Delete` removes it (dev). @default "Retain" */
    reclaimPolicy?: ReclaimPolicy;
    /** Claims of this class may be resized (grown) in place. @default true */
    allowVolumeExpansion?: boolean;
    /** When the volume is provisioned. @default "WaitForFirstConsumer" (the volume is created in the zone the pod lands in) */
    volumeBindingMode?: VolumeBindingMode;
    /** Mark as the cluster default StorageClass. @default false */
    isDefault?: boolean;
    /** `app.kubernetes.io/part-of` label on the StorageClass. @default none */
    partOf?: string;
}

export function ebsStorageClassProblems(name: string, a: EbsStorageClassArgs): Problem[] {
    const p: Problem[] = [...dns1123Problem("name", a.name ?? name)];
    const type = a.type ?? "gp3";
    if (type === "gp3") {
        const iops = a.iops ?? FAST_SSD_DEFAULTS.iops;
        const tp = a.throughput ?? FAST_SSD_DEFAULTS.throughput;
        const L = GP3_LIMITS;
        p.push(
            ...check(
                Number.isInteger(iops) && iops >= L.minIops && iops <= L.maxIops,
                "iops",
                `for gp3 must be an integer in ${L.minIops}..${L.maxIops}`,
                iops,
            ),
        );
        p.push(
            ...check(
                Number.isInteger(tp) && tp >= L.minThroughput && tp <= L.maxThroughput,
                "throughput",
                `for gp3 must be an integer in ${L.minThroughput}..${L.maxThroughput} MiB/s`,
                tp,
            ),
        );
        p.push(
            ...check(
                tp <= iops * L.throughputPerIops,
                "throughput",
                `for gp3 must be <= 0.25 MiB/s per IOPS (${iops * L.throughputPerIops} at ${iops} IOPS)`,
                tp,
            ),
        );
    } else {
        p.push(...check(a.throughput === undefined, "throughput", `is only settable for gp3, not ${type}`, a.throughput));
        p.push(...check(a.iops === undefined || type === "io1" || type === "io2", "iops", `is only settable for gp3, io1 and io2, not ${type}`, a.iops));
    }
    p.push(
        ...check(
            !(a.kmsKeyId !== undefined && a.encrypted === false),
            "kmsKeyId",
            "is set but encrypted is false: a KMS key only applies to encrypted volumes",
        ),
    );
    return p;
}

/** The StorageClass body (everything but metadata); parameters are strings as the CSI driver expects. */
export function ebsStorageClassSpec(a: EbsStorageClassArgs) {
    const type = a.type ?? "gp3";
    const iops = a.iops ?? (type === "gp3" ? FAST_SSD_DEFAULTS.iops : undefined);
    const tp = a.throughput ?? (type === "gp3" ? FAST_SSD_DEFAULTS.throughput : undefined);
    const encrypted = a.encrypted ?? true;
    const parameters: Record<string, pulumi.Input<string>> = {
        type,
        "csi.storage.k8s.io/fstype": a.fsType ?? FAST_SSD_DEFAULTS.fsType,
        encrypted: String(encrypted),
        ...(iops !== undefined ? { iops: String(iops) } : {}),
        ...(tp !== undefined ? { throughput: String(tp) } : {}),
        ...(encrypted && a.kmsKeyId !== undefined ? { kmsKeyId: a.kmsKeyId } : {}),
    };
    return {
        provisioner: EBS_CSI_PROVISIONER,
        parameters,
        reclaimPolicy: a.reclaimPolicy ?? "Retain",
        allowVolumeExpansion: a.allowVolumeExpansion ?? true,
        volumeBindingMode: a.volumeBindingMode ?? "WaitForFirstConsumer",
    };
}

/** An EBS CSI StorageClass (encrypted, expandable, zone-aware, Retain by default). */
export class EbsStorageClass extends pulumi.ComponentResource {
    public readonly storageClassName: string;

    constructor(name: string, args: EbsStorageClassArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("EbsStorageClass", name, ebsStorageClassProblems(name, args));
        super(componentType("EbsStorageClass"), name, {}, withOldTypeAlias("agent-platform:kube:EbsStorageClass", opts));
        const scName = args.name ?? name;
        this.storageClassName = scName;
        new k8s.storage.v1.StorageClass(
            `${name}-sc`,
            {
                metadata: {
                    name: scName,
                    labels: { [MANAGED_BY_LABEL]: "pulumi", ...(args.partOf ? { [PART_OF_LABEL]: args.partOf } : {}) },
                    annotations: { [IS_DEFAULT_CLASS_ANNOTATION]: String(args.isDefault ?? false) },
                },
                ...ebsStorageClassSpec(args),
                // StorageClass parameters are immutable: changing them replaces the object (new claims only).
            },
            { parent: this, deleteBeforeReplace: true },
        );
        this.registerOutputs({ storageClassName: scName });
    }
}
