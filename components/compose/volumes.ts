/**
 * Compose volumes -> Kubernetes volumes: named volumes become PVCs (one owner per claim, sized
 * from the options or kompose labels), tmpfs and anonymous volumes become emptyDirs, bind mounts
 * are rejected unless mapped to emptyDirs explicitly, and writable paths get emptyDirs under a
 * read-only root filesystem.
 */
import type { VolumeSpec as AgentVolumeSpec } from "../kube/agent-service";
import { sanitizeDnsLabel, truncateLabel } from "../kube/names";
import { isQuantity } from "../kube/quantity";
import { mountPathProblem } from "../input/files";
import { ComposeError } from "./errors";
import type { ComposeProject, ComposeService, ComposeVolumeMount } from "./model";
import {
    AccessMode,
    BindMountMode,
    CompileOptions,
    DEFAULT_SCRATCH_SIZE,
    DEFAULT_VOLUME_SIZE,
    KOMPOSE_LABELS,
    ServiceContext,
    ServiceDeploymentSpec,
    Warn,
} from "./spec";

export interface VolumePlan {
    claimName: string;
    /** The compose service whose AgentService creates the PVC (first by name). */
    owner: string;
    external: boolean;
    size: string;
    storageClassName?: string;
    accessModes: AccessMode[];
    labels: Record<string, string>;
}

/**
 * One PVC per named (non-external) volume that an active service mounts, owned by the first
 * service (in name order) that mounts it; the others mount it as an existing claim.
 */
export function planVolumes(project: ComposeProject, options: Pick<CompileOptions, "volumes">, warn: Warn): Map<string, VolumePlan> {
    const plans = new Map<string, VolumePlan>();
    const users = new Map<string, string[]>();
    for (const svc of project.services) {
        for (const m of svc.volumes) if (m.type === "volume") users.set(m.source as string, [...(users.get(m.source as string) ?? []), svc.name]);
    }
    const claimOwners = new Map<string, string>();
    for (const [vol, svcNames] of [...users.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
        const decl = project.volumes[vol];
        const spec = options.volumes?.[vol] ?? {};
        const claimName = sanitizeDnsLabel(vol);
        if (!claimName) throw new ComposeError({ file: project.file, field: `volumes.${vol}` }, "cannot be turned into a Kubernetes name");
        const other = claimOwners.get(claimName);
        if (other)
            throw new ComposeError({ file: project.file, field: `volumes.${vol}` }, `becomes PVC "${claimName}", the same as volume "${other}"; rename one`);
        claimOwners.set(claimName, vol);
        const labelFrom = (key: string) =>
            svcNames.map((s) => project.services.find((x) => x.name === s)?.labels[key]).find((v) => v !== undefined) ?? decl.labels[key];
        const size = spec.size ?? labelFrom(KOMPOSE_LABELS.volumeSize) ?? DEFAULT_VOLUME_SIZE;
        if (!isQuantity(size)) throw new ComposeError({ file: project.file, field: `volumes.${vol}` }, `size "${size}" is not a Kubernetes quantity like 10Gi`);
        const accessModes = spec.accessModes ?? ["ReadWriteOnce"];
        if (svcNames.length > 1 && accessModes.every((a) => a === "ReadWriteOnce" || a === "ReadWriteOncePod")) {
            warn(
                undefined,
                `volumes.${vol}`,
                `is mounted by ${svcNames.join(", ")} but is ReadWriteOnce; their pods must share a node (set accessModes: ["ReadWriteMany"] if the storage supports it)`,
            );
        }
        const storageClassName = spec.storageClassName ?? labelFrom(KOMPOSE_LABELS.volumeStorageClass);
        plans.set(vol, {
            claimName: decl.external ? sanitizeDnsLabel(vol) : claimName,
            owner: [...svcNames].sort()[0],
            external: decl.external,
            size,
            ...(storageClassName ? { storageClassName } : {}),
            accessModes,
            labels: {},
        });
    }
    return plans;
}

export interface ServiceVolumes {
    volumes: AgentVolumeSpec[];
    /** Services owning a PVC this one mounts as an existing claim. */
    claimOwners: string[];
    /** The service mounts a ReadWriteOnce claim (its pods must share a node: Recreate, no autoscaling). */
    usesRwoClaim: boolean;
}

/** One compose mount as an AgentService volume (`i` numbers the unnamed ones). */
function mountVolume(
    svc: ComposeService,
    m: ComposeVolumeMount,
    i: number,
    plans: Map<string, VolumePlan>,
    bindMounts: "reject" | "emptyDir",
    ctx: ServiceContext,
): AgentVolumeSpec {
    const ro = m.readOnly ? { readOnly: true } : {};
    switch (m.type) {
        case "volume": {
            const plan = plans.get(m.source as string) as VolumePlan;
            const name = truncateLabel(`vol-${plan.claimName}`);
            if (plan.external || plan.owner !== svc.name) return { name, mountPath: m.target, existingClaim: plan.claimName, ...ro };
            return {
                name,
                mountPath: m.target,
                ...ro,
                claim: {
                    name: plan.claimName,
                    size: plan.size,
                    accessModes: plan.accessModes,
                    ...(plan.storageClassName ? { storageClassName: plan.storageClassName } : {}),
                },
            };
        }
        case "tmpfs":
            return { name: `tmpfs-${i}`, mountPath: m.target, emptyDir: { medium: "Memory" }, ...ro };
        case "anonymous":
            ctx.warn(
                svc.name,
                m.field,
                `anonymous volume at ${m.target} becomes an emptyDir (data is lost when the pod is replaced); use a named volume to keep it`,
            );
            return { name: `anon-${i}`, mountPath: m.target, emptyDir: { sizeLimit: DEFAULT_SCRATCH_SIZE }, ...ro };
        case "bind":
            if (bindMounts === "reject") {
                throw new ComposeError(
                    ctx.at(m.field),
                    `bind mount "${m.source}" -> ${m.target} cannot be deployed to Kubernetes (no host paths); use a named volume, or set bindMounts: "emptyDir" to map bind mounts to empty directories explicitly`,
                );
            }
            ctx.warn(
                svc.name,
                m.field,
                `bind mount "${m.source}" mapped to an empty directory at ${m.target} (bindMounts: "emptyDir"); its host contents are not copied`,
            );
            return { name: `bind-${i}`, mountPath: m.target, emptyDir: { sizeLimit: DEFAULT_SCRATCH_SIZE }, ...ro };
    }
}

/** Extra writable paths (emptyDirs) under a read-only root filesystem; AgentService mounts /tmp itself. */
function writablePaths(svc: ComposeService, spec: ServiceDeploymentSpec, readOnlyRoot: boolean, ctx: ServiceContext): AgentVolumeSpec[] {
    if (!readOnlyRoot) {
        if (spec.writablePaths?.length)
            ctx.warn(svc.name, "writablePaths", "ignored: the root filesystem is writable (security.readOnlyRootFilesystem: false)");
        return [];
    }
    const mounted = new Set(["/tmp", ...svc.volumes.map((m) => m.target)]);
    const out: AgentVolumeSpec[] = [];
    (spec.writablePaths ?? []).forEach((entry, i) => {
        const { path, sizeLimit } = entry;
        const problem = mountPathProblem(path);
        if (problem) throw new ComposeError(ctx.optAt(`writablePaths[${i}]`), problem);
        if (sizeLimit !== undefined && !isQuantity(sizeLimit))
            throw new ComposeError(ctx.optAt(`writablePaths[${i}].sizeLimit`), `"${sizeLimit}" is not a Kubernetes quantity`);
        if (mounted.has(path)) return;
        mounted.add(path);
        out.push({ name: `writable-${i + 1}`, mountPath: path, emptyDir: { sizeLimit: sizeLimit ?? DEFAULT_SCRATCH_SIZE } });
    });
    return out;
}

/** Every volume of one service, in mount order, then its writable paths. */
export function serviceVolumes(
    svc: ComposeService,
    spec: ServiceDeploymentSpec,
    plans: Map<string, VolumePlan>,
    o: { bindMounts: BindMountMode; readOnlyRoot: boolean },
    ctx: ServiceContext,
): ServiceVolumes {
    const volumes = svc.volumes.map((m, i) => mountVolume(svc, m, i, plans, o.bindMounts, ctx));
    const claimOwners = new Set<string>();
    let usesRwoClaim = false;
    for (const m of svc.volumes) {
        if (m.type !== "volume") continue;
        const plan = plans.get(m.source as string) as VolumePlan;
        if (!plan.external && plan.owner !== svc.name) claimOwners.add(plan.owner);
        if (plan.accessModes.includes("ReadWriteOnce") || plan.accessModes.includes("ReadWriteOncePod")) usesRwoClaim = true;
    }
    return { volumes: [...volumes, ...writablePaths(svc, spec, o.readOnlyRoot, ctx)], claimOwners: [...claimOwners].sort(), usesRwoClaim };
}
