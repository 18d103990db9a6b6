/**
 * Storage and backups (seed checklists: "persistent storage is configured", "backup strategy is
 * in place"; seed 001: "persistent storage configured for manifests and artifacts").
 */
import { isKind, Json, K8sObject, k8sNamespaceOf, podTemplate } from "../lib/k8s";
import { k8sItems, PlatformRule, resourceRule, stackRule, StackViolation } from "../lib/rule";

// Data directories of the images the seeds run (postgres, redis, bitnami charts, seed 001's
// manifest/artifact stores) plus the platform's convention /data.
export const DATA_PATHS = [
    "/data",
    "/var/lib/postgresql/data",
    "/var/lib/postgresql",
    "/var/lib/redis",
    "/bitnami",
    "/var/lib/mysql",
    "/manifests",
    "/artifacts",
];
// Provisioners that understand `parameters.encrypted` (EBS CSI and the in-tree plugin).
export const EBS_PROVISIONERS = ["ebs.csi.aws.com", "kubernetes.io/aws-ebs"];
/** Regional, sizeless file systems: no zone to wait for, nothing to expand. */
export const REGIONAL_FILE_PROVISIONERS = ["efs.csi.aws.com", "filestore.csi.storage.gke.io", "file.csi.azure.com", "nfs.csi.k8s.io"];
const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

function underDataPath(mountPath: string, dataPaths: string[]): boolean {
    const p = mountPath.replace(/\/+$/, "");
    return dataPaths.some((d) => p === d || p.startsWith(d + "/"));
}

/** Names of volumes backed by a PersistentVolumeClaim (pod volumes + volumeClaimTemplates). */
function persistentVolumeNames(o: K8sObject, podSpec: Json): Set<string> {
    const names = new Set<string>();
    for (const v of podSpec?.volumes ?? []) if (v?.persistentVolumeClaim || v?.ephemeral) names.add(v.name);
    for (const t of o.spec?.volumeClaimTemplates ?? []) if (t?.metadata?.name) names.add(t.metadata.name);
    return names;
}

/** Whether a StorageClass is the cluster default. */
function isDefaultClass(sc: K8sObject): boolean {
    return sc.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true";
}

export const storageRules: PlatformRule[] = [
    resourceRule({
        name: "stor-persistent-state",
        area: "storage",
        description:
            "Stateful data lives on PersistentVolumeClaims: StatefulSets have volumeClaimTemplates or PVC volumes, and nothing mounts an emptyDir at a data path.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Mount a PersistentVolumeClaim (or volumeClaimTemplates) at the data path; Redis/Postgres/RaftCluster components do.",
        defaults: { dataPaths: DATA_PATHS },
        knobs: { dataPaths: "mount paths that hold durable data" },
        appliesTo: (t) => isKind(t, ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Pod"]),
        check: (o: K8sObject, cfg) => {
            const pod = podTemplate(o);
            if (!pod) return [];
            const out: string[] = [];
            const persistent = persistentVolumeNames(o, pod.spec);
            if (o.kind === "StatefulSet" && persistent.size === 0)
                out.push("is a StatefulSet without volumeClaimTemplates or PVC volumes; its state dies with the pod");
            for (const c of [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? [])]) {
                for (const m of c?.volumeMounts ?? []) {
                    if (m?.mountPath && underDataPath(m.mountPath, cfg.dataPaths) && !persistent.has(m.name)) {
                        out.push(`container "${c.name}" mounts non-persistent volume "${m.name}" at data path ${m.mountPath}`);
                    }
                }
            }
            return out;
        },
    }),
    resourceRule({
        name: "stor-class-safe",
        area: "storage",
        description:
            "StorageClasses encrypt EBS volumes; zonal block-storage classes allow expansion and bind WaitForFirstConsumer (regional file systems such as EFS need neither).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: 'Set reclaimPolicy: Retain, parameters.encrypted: "true", allowVolumeExpansion: true, volumeBindingMode: WaitForFirstConsumer.',
        defaults: { requireRetain: false },
        knobs: { requireRetain: "require reclaimPolicy Retain on every class (stor-data-retained already requires it for classes that hold data)" },
        appliesTo: (t) => isKind(t, ["StorageClass"]),
        check: (o: K8sObject, cfg) => {
            const out: string[] = [];
            if (cfg.requireRetain && o.reclaimPolicy !== "Retain")
                out.push(`reclaimPolicy is ${o.reclaimPolicy ?? "Delete (default)"}; deleting a PVC would delete the data`);
            if (EBS_PROVISIONERS.includes(o.provisioner) && String(o.parameters?.encrypted) !== "true")
                out.push('EBS volumes are not encrypted (parameters.encrypted: "true")');
            // EFS/NFS volumes are regional and sizeless: binding early is safe and expansion has no meaning.
            if (REGIONAL_FILE_PROVISIONERS.includes(o.provisioner)) return out;
            if (o.allowVolumeExpansion !== true) out.push("does not set allowVolumeExpansion: true");
            if (o.volumeBindingMode !== "WaitForFirstConsumer")
                out.push(`volumeBindingMode is ${o.volumeBindingMode ?? "Immediate (default)"}; zonal volumes may land away from their pod`);
            return out;
        },
    }),
    stackRule({
        name: "stor-data-retained",
        area: "storage",
        description:
            "Every PVC and volumeClaimTemplate uses a StorageClass from the stack with reclaimPolicy Retain (explicit class or the stack's default class).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Set storageClassName to the retained class (EksCluster's gp3 class) or make that class the default.",
        check: (items) => {
            const k = k8sItems(items);
            const classes = k.filter((i) => i.obj.kind === "StorageClass");
            if (classes.length === 0) return undefined; // the cluster's classes are not managed here
            const claims: { who: string; urn: string; className?: string }[] = [];
            for (const i of k) {
                if (i.obj.kind === "PersistentVolumeClaim")
                    claims.push({
                        who: `PersistentVolumeClaim ${k8sNamespaceOf(i.obj)}/${i.obj.metadata?.name}`,
                        urn: i.urn,
                        className: i.obj.spec?.storageClassName,
                    });
                if (i.obj.kind === "StatefulSet")
                    for (const t of i.obj.spec?.volumeClaimTemplates ?? []) {
                        claims.push({
                            who: `StatefulSet ${k8sNamespaceOf(i.obj)}/${i.obj.metadata?.name} volumeClaimTemplate ${t?.metadata?.name}`,
                            urn: i.urn,
                            className: t?.spec?.storageClassName,
                        });
                    }
            }
            if (claims.length === 0) return undefined;
            const byName = new Map(classes.map((c) => [c.obj.metadata?.name, c]));
            const dflt = classes.find((c) => isDefaultClass(c.obj));
            const out: StackViolation[] = [];
            for (const c of claims) {
                const sc = c.className ? byName.get(c.className) : dflt;
                if (!sc) {
                    out.push({
                        message: `${c.who}: StorageClass ${c.className ?? "(cluster default)"} is not managed by this stack, so its reclaim policy is unknown`,
                        urn: c.urn,
                    });
                } else if (sc.obj.reclaimPolicy !== "Retain") {
                    out.push({ message: `${c.who}: StorageClass ${sc.obj.metadata?.name} has reclaimPolicy ${sc.obj.reclaimPolicy ?? "Delete"}`, urn: c.urn });
                }
            }
            return out;
        },
    }),
    stackRule({
        name: "stor-backup",
        area: "storage",
        description: "Every namespace holding persistent data is backed up: a Velero Schedule including it, or a backup CronJob in it.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Add Backups (Velero Schedule for the namespace) or the Postgres dump CronJob; name or label backup CronJobs `backup`.",
        check: (items) => {
            const k = k8sItems(items);
            const dataNs = new Map<string, string>();
            for (const i of k) {
                const hasData = i.obj.kind === "PersistentVolumeClaim" || (i.obj.kind === "StatefulSet" && (i.obj.spec?.volumeClaimTemplates ?? []).length > 0);
                const ns = k8sNamespaceOf(i.obj);
                if (hasData && !dataNs.has(ns)) dataNs.set(ns, i.urn);
            }
            if (dataNs.size === 0) return undefined;
            const schedules = k.filter((i) => i.obj.kind === "Schedule" && String(i.obj.apiVersion).startsWith("velero.io/"));
            const out: StackViolation[] = [];
            for (const [ns, urn] of [...dataNs.entries()].sort()) {
                const velero = schedules.some((s) => {
                    const incl: string[] = s.obj.spec?.template?.includedNamespaces ?? [];
                    const excl: string[] = s.obj.spec?.template?.excludedNamespaces ?? [];
                    return (incl.includes(ns) || incl.includes("*") || incl.length === 0) && !excl.includes(ns);
                });
                const cron = k.some(
                    (i) =>
                        i.obj.kind === "CronJob" &&
                        k8sNamespaceOf(i.obj) === ns &&
                        (/backup|dump/i.test(i.obj.metadata?.name ?? "") || Object.values(i.obj.metadata?.labels ?? {}).some((v) => /backup/i.test(String(v)))),
                );
                if (!velero && !cron) out.push({ message: `Namespace ${ns}: holds persistent data but no Velero Schedule or backup CronJob covers it`, urn });
            }
            return out;
        },
    }),
];
