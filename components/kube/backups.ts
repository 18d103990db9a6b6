/**
 * Backups: Velero `Schedule`/`Backup` objects for whole namespaces (CRD-gated), and the cron
 * schedule rule every backup shares (the database dump job lives in pg-dump.ts). Pure spec
 * builders first, then the thin `Backups` component.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { standardLabels } from "./labels";
import { dns1123Problems } from "./names";
import { Problem, assertNoProblems, check } from "./problems";
import { componentType, withOldTypeAlias } from "./type-token";

// seed 002 (Velero Backup) and seed 001 (`velero schedule create ... --include-namespaces`).
export const VELERO_NAMESPACE = "velero";
// seed 002: `ttl: 720h0m0s  # 30 days retention`.
export const DEFAULT_VELERO_TTL = "720h0m0s";
// seed 001: `--schedule="@daily"`; 03:00 so the 02:00 database dump (seed 002) is already on its volume.
export const DEFAULT_VELERO_SCHEDULE = "0 3 * * *";
const CRON_MACRO = /^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/;
/** Five cron fields as CronJob (robfig/cron standard parser) reads them: range and names per field. */
const CRON_FIELDS: ReadonlyArray<{ min: number; max: number; names?: readonly string[] }> = [
    { min: 0, max: 59 },
    { min: 0, max: 23 },
    { min: 1, max: 31 },
    { min: 1, max: 12, names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"] },
    { min: 0, max: 6, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] },
];

/** One cron field: `*`, `?` (day fields), `a`, `a-b`, each optionally `/step`, comma-separated; values in range. */
function isCronField(text: string, index: number): boolean {
    const { min, max, names } = CRON_FIELDS[index];
    const value = (v: string): number | undefined => {
        if (/^\d{1,2}$/.test(v)) return Number(v);
        const i = names?.indexOf(v.toLowerCase()) ?? -1;
        return i < 0 ? undefined : i + min;
    };
    return text.split(",").every((part) => {
        const [range, step, ...extra] = part.split("/");
        if (extra.length > 0 || (step !== undefined && !/^\d{1,2}$/.test(step)) || (step !== undefined && Number(step) < 1)) return false;
        if (range === "*" || (range === "?" && (index === 2 || index === 4))) return true;
        const [a, b, ...more] = range.split("-");
        if (more.length > 0) return false;
        const lo = value(a);
        const hi = b === undefined ? lo : value(b);
        // robfig/cron (CronJob's parser) bounds: day of week 0-6, so 7 is refused as it is there.
        return lo !== undefined && hi !== undefined && lo >= min && hi <= max && lo <= hi;
    });
}
const GO_DURATION = /^(?=\d)(\d+h)?(\d+m)?(\d+s)?$/;

/** A five-field cron expression with every field in range, or a macro such as `@daily` (what CronJob and Velero accept). */
export function isCronSchedule(s: string): boolean {
    const t = s.trim();
    if (CRON_MACRO.test(t)) return true;
    if (t.length > 200) return false;
    const fields = t.split(/\s+/);
    return fields.length === 5 && fields.every((f, i) => isCronField(f, i));
}

export const CRON_RULE = "must be a five-field cron expression or a macro such as @daily";

/** What a Velero backup covers and how long it is kept. */
export interface VeleroBackupTemplate {
    /** Namespaces to back up (seed 002: `claude-code`). */
    includedNamespaces: string[];
    /** Go duration. @default "720h0m0s" (30 days, seed 002) */
    ttl?: string;
    /** BackupStorageLocation. @default "default" */
    storageLocation?: string;
    /** Velero VolumeSnapshotLocations for volume snapshots. @default ["default"] */
    volumeSnapshotLocations?: string[];
    /** Snapshot PersistentVolumes. @default true */
    snapshotVolumes?: boolean;
    /** Copy volume contents with the file-system backup instead of snapshots. @default false */
    defaultVolumesToFsBackup?: boolean;
    /** Resource kinds left out of the backup. @default none */
    excludedResources?: string[];
}

export function veleroTemplateProblems(t: VeleroBackupTemplate): Problem[] {
    const ttl = t.ttl ?? DEFAULT_VELERO_TTL;
    return [
        ...check(t.includedNamespaces.length > 0, "includedNamespaces", "must name at least one namespace", t.includedNamespaces),
        ...dns1123Problems(t.includedNamespaces.filter((ns) => ns !== "*").map((ns): [string, string] => ["includedNamespaces[]", ns])),
        ...check(GO_DURATION.test(ttl), "ttl", "must be a Go duration such as 720h0m0s", ttl),
    ];
}

/** `spec` of a velero.io/v1 Backup (also the `template` of a Schedule). Keys in a fixed order. */
export function veleroBackupSpec(t: VeleroBackupTemplate) {
    return {
        includedNamespaces: [...t.includedNamespaces].sort(),
        ...(t.excludedResources?.length ? { excludedResources: [...t.excludedResources].sort() } : {}),
        storageLocation: t.storageLocation ?? "default",
        volumeSnapshotLocations: t.volumeSnapshotLocations ?? ["default"],
        snapshotVolumes: t.snapshotVolumes ?? true,
        ...(t.defaultVolumesToFsBackup ? { defaultVolumesToFsBackup: true } : {}),
        ttl: t.ttl ?? DEFAULT_VELERO_TTL,
    };
}

/** `spec` of a velero.io/v1 Schedule. */
export function veleroScheduleSpec(schedule: string, t: VeleroBackupTemplate) {
    return {
        schedule,
        // Backups must outlive the Schedule object (a stack destroy must not cascade to them).
        useOwnerReferencesInBackup: false,
        template: veleroBackupSpec(t),
    };
}

/** The arguments of `Backups`. */
export interface BackupsArgs extends VeleroBackupTemplate {
    /** Schedule cron. @default "0 3 * * *" */
    schedule?: string;
    /** `false`: no Schedule, on-demand backups only (`schedule` must then be unset). @default true */
    scheduleEnabled?: boolean;
    /** Schedule object name (seed 001: `inquisitor-daily`). @default the component name */
    scheduleName?: string;
    /** One-off Backup objects to create now, by name (seed 002: `claude-code-daily-backup`). @default [] */
    onDemand?: string[];
    /** Namespace Velero runs in (its objects must live there). @default "velero" */
    veleroNamespace?: string;
    /** Velero objects are created only when `capabilities.velero` is true. @default none */
    capabilities?: ClusterCapabilities;
    /** `app.kubernetes.io/part-of`: the system. @default none */
    partOf?: string;
}

export function backupsProblems(name: string, a: BackupsArgs): Problem[] {
    return [
        ...veleroTemplateProblems(a),
        ...dns1123Problems([
            ["scheduleName", a.scheduleName ?? name],
            ["veleroNamespace", a.veleroNamespace ?? VELERO_NAMESPACE],
            ...(a.onDemand ?? []).map((b): [string, string] => ["onDemand[]", b]),
        ]),
        ...check(a.schedule === undefined || isCronSchedule(a.schedule), "schedule", CRON_RULE, a.schedule),
        ...check(!(a.scheduleEnabled === false && a.schedule !== undefined), "schedule", "is set but scheduleEnabled is false", a.schedule),
        ...check(
            !(a.scheduleEnabled === false && (a.onDemand ?? []).length === 0),
            "scheduleEnabled",
            "is false and onDemand is empty: nothing would be backed up",
        ),
    ];
}

/**
 * Velero backups of whole namespaces: a daily `Schedule` (TTL 30 days) and optional one-off
 * `Backup`s, created in Velero's namespace. Skipped with an info log when the cluster has no Velero.
 */
export class Backups extends pulumi.ComponentResource {
    /** Names of the Velero objects (empty when Velero is not installed). */
    public readonly scheduleName?: string;
    public readonly backupNames: string[];

    constructor(name: string, args: BackupsArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("Backups", name, backupsProblems(name, args));
        super(componentType("Backups"), name, {}, withOldTypeAlias("agent-platform:kube:Backups", opts));
        const a = args;
        const ns = a.veleroNamespace ?? VELERO_NAMESPACE;
        const scheduleName = a.scheduleName ?? name;
        const labels = standardLabels(scheduleName, { partOf: a.partOf, component: "backup" });
        this.backupNames = [];
        const what = `Velero backups of ${a.includedNamespaces.join(",")}`;
        if (crdAvailable(a.capabilities, "velero", what, this)) {
            if (a.scheduleEnabled !== false) {
                this.scheduleName = scheduleName;
                new k8s.apiextensions.CustomResource(
                    `${name}-schedule`,
                    {
                        apiVersion: "velero.io/v1",
                        kind: "Schedule",
                        metadata: { name: scheduleName, namespace: ns, labels },
                        spec: veleroScheduleSpec(a.schedule ?? DEFAULT_VELERO_SCHEDULE, a),
                    },
                    { parent: this },
                );
            }
            for (const b of a.onDemand ?? []) {
                this.backupNames.push(b);
                new k8s.apiextensions.CustomResource(
                    `${name}-${b}`,
                    {
                        apiVersion: "velero.io/v1",
                        kind: "Backup",
                        metadata: { name: b, namespace: ns, labels },
                        spec: veleroBackupSpec(a),
                        // A finished Backup is a record, not desired state: never delete it with the stack.
                    },
                    { parent: this, retainOnDelete: true },
                );
            }
        }
        this.registerOutputs({ scheduleName: this.scheduleName, backupNames: this.backupNames });
    }
}
