/**
 * Pure builders for hardened pod specs: security contexts, probes, resources, topology spread.
 * Every workload component builds its pods through these, so the hardening is in one place.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { uniquePortNames, isValidPortName } from "./names";
import { Labels } from "./labels";

type Container = k8s.types.input.core.v1.Container;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Probe = k8s.types.input.core.v1.Probe;

/** Non-root uid used when a workload does not name its own (outside the range distro images reserve). */
export const DEFAULT_UID = 10001;

/** CPU and memory quantities, e.g. `{ cpu: "500m", memory: "512Mi" }`. */
export interface CpuMemory {
    /** CPU quantity, e.g. `500m`. */
    cpu: string;
    /** Memory quantity, e.g. `512Mi`. */
    memory: string;
}

/** Quantities of one container's requests or limits. */
export interface ResourceQuantities {
    /** CPU, e.g. `100m`. */
    cpu: string;
    /** Memory, e.g. `128Mi`. */
    memory: string;
    /** Local disk (Kubernetes `ephemeral-storage`), e.g. `1Gi`. @default derived from the pod's scratch volumes and root filesystem */
    ephemeralStorage?: string;
}

/** Requests/limits for one container; `ephemeralStorage` is derived by buildPodSpec when unset. */
export interface ResourceSpec {
    /** What the scheduler reserves. */
    requests: ResourceQuantities;
    /** What the container may use at most. */
    limits: ResourceQuantities;
}

/** The Kubernetes form of one container's quantities (`ephemeral-storage` spelled as the API does). */
export function k8sQuantities(q: ResourceQuantities): Record<string, string> {
    return { cpu: q.cpu, memory: q.memory, ...(q.ephemeralStorage !== undefined ? { "ephemeral-storage": q.ephemeralStorage } : {}) };
}

// seed 004: compose services default to 100m/128Mi requests and 500m/512Mi limits; a sane floor for any agent.
export const DEFAULT_RESOURCES: ResourceSpec = {
    requests: { cpu: "100m", memory: "128Mi" },
    limits: { cpu: "500m", memory: "512Mi" },
};

/** How the kubelet checks a container. Exactly one of `path` (HTTP GET), `command` (exec) or `tcp`. */
export interface HealthCheck {
    /** HTTP path, e.g. `/health`. */
    path?: string;
    /** Exec probe command. */
    command?: string[];
    /** Plain TCP connect. */
    tcp?: boolean;
    /** Port number (at most one of `port` and `portName`). @default the container's first port */
    port?: number;
    /** Port name, e.g. `http` (at most one of `port` and `portName`). @default the container's first port */
    portName?: string;
    /** Seconds before the first check. @default 10 liveness, 5 readiness, 0 startup */
    initialDelaySeconds?: number;
    /** Seconds between checks. @default 10 liveness, 5 readiness, 10 startup */
    periodSeconds?: number;
    /** Seconds a check may take. @default 5 liveness, 3 readiness, 5 startup */
    timeoutSeconds?: number;
    /** Failed checks in a row that count as failure. @default 3 liveness and readiness, 30 startup */
    failureThreshold?: number;
}

/** Liveness, readiness and startup checks. `health` fills whichever of the three is missing. */
export interface ProbeSet {
    /** The check for every probe not given on its own. @default none */
    health?: HealthCheck;
    /** Restart the container when it fails. @default `health` */
    liveness?: HealthCheck;
    /** Take the pod out of its Services while it fails. @default `health` */
    readiness?: HealthCheck;
    /** Hold liveness and readiness until it passes once. @default `health` */
    startup?: HealthCheck;
}

/** A port's transport protocol. */
export const Protocol = {
    TCP: "TCP",
    UDP: "UDP",
} as const;
/** A port's transport protocol: `TCP` or `UDP`. */
export type Protocol = (typeof Protocol)[keyof typeof Protocol];

/** A container port. */
export interface PortSpec {
    /** Preferred port name; made DNS-1123, <= 15 characters and unique per container. @default `http` (`udp` for UDP) */
    name?: string;
    /** Port number in the container. */
    containerPort: number;
    /** Transport protocol. @default "TCP" */
    protocol?: Protocol;
}

export interface SecurityOptions {
    /**
     * Opt-out for images that must run as root: with `false`, `runAsUser: 0` is allowed and
     * `runAsNonRoot` is false on the pod and its containers. @default true
     */
    runAsNonRoot?: boolean;
    /** uid. @default DEFAULT_UID (10001), or the image's USER with `keepImageUser` */
    runAsUser?: number;
    /** Keep the image's USER: no `runAsUser` in the security contexts (`runAsUser` must be unset). @default false */
    keepImageUser?: boolean;
    /** gid. @default runAsUser (none with `keepImageUser`) */
    runAsGroup?: number;
    /** Keep the image's group: no `runAsGroup` in the security contexts (`runAsGroup` must be unset). @default false */
    keepImageGroup?: boolean;
    /** Group owning mounted volumes. @default runAsGroup */
    fsGroup?: number;
    /** No `fsGroup`: volumes keep their ownership (`fsGroup` must be unset). @default false */
    noFsGroup?: boolean;
    /** Opt-out for images that write outside mounted volumes. @default true */
    readOnlyRootFilesystem?: boolean;
}

/** The ids in effect: `null` means "not set" (the image's own), defaults follow uid -> gid -> fsGroup. */
export function securityIds(opts: SecurityOptions = {}): { uid: number | null; gid: number | null; fsGroup: number | null } {
    const given = (v: number | undefined, keep: boolean | undefined, what: string, flag: string): number | null | undefined => {
        if (keep && v !== undefined) throw new Error(`security.${what} and security.${flag} exclude each other, got ${what} ${v}`);
        return keep ? null : v;
    };
    const user = given(opts.runAsUser, opts.keepImageUser, "runAsUser", "keepImageUser");
    const group = given(opts.runAsGroup, opts.keepImageGroup, "runAsGroup", "keepImageGroup");
    const fs = given(opts.fsGroup, opts.noFsGroup, "fsGroup", "noFsGroup");
    const uid = user === undefined ? DEFAULT_UID : user;
    const gid = group === undefined ? uid : group;
    return { uid, gid, fsGroup: fs === undefined ? gid : fs };
}

/** `{ [key]: value }` unless the value is null (the field is left to the image). */
const idField = (key: string, v: number | null) => (v === null ? {} : { [key]: v });

export interface ContainerSpec {
    name: string;
    image: k8s.types.input.core.v1.Container["image"];
    command?: pulumi.Input<string>[];
    args?: string[];
    ports?: PortSpec[];
    env?: k8s.types.input.core.v1.EnvVar[];
    envFrom?: k8s.types.input.core.v1.EnvFromSource[];
    volumeMounts?: k8s.types.input.core.v1.VolumeMount[];
    resources?: ResourceSpec;
    probes?: ProbeSet;
    security?: SecurityOptions;
    imagePullPolicy?: "Always" | "IfNotPresent";
    /** Working directory (compose `working_dir`). @default the image's */
    workingDir?: string;
    /** Allocate a TTY (compose `tty`). @default false */
    tty?: boolean;
    /** Keep stdin open (compose `stdin_open`). @default false */
    stdin?: boolean;
}

// Probe timing defaults: liveness is lenient (restart is expensive), readiness quick, startup
// gives slow starters up to 5 minutes (30 x 10s) before liveness takes over.
const PROBE_DEFAULTS = {
    liveness: { initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
    readiness: { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
    startup: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
} as const;

export function buildProbe(check: HealthCheck, kind: keyof typeof PROBE_DEFAULTS, defaultPort: number | string | undefined): Probe {
    const modes = [check.path !== undefined, check.command !== undefined, check.tcp === true].filter(Boolean).length;
    if (modes !== 1) throw new Error(`${kind} probe must set exactly one of path, command or tcp, got ${modes}`);
    const d = PROBE_DEFAULTS[kind];
    if (check.port !== undefined && check.portName !== undefined) throw new Error(`${kind} probe sets both port and portName; give one`);
    const port = check.portName ?? check.port ?? defaultPort;
    if ((check.path !== undefined || check.tcp) && port === undefined) {
        throw new Error(`${kind} probe needs a port: the container has no ports and the check names none`);
    }
    const handler: Probe =
        check.path !== undefined
            ? { httpGet: { path: check.path, port: port! } }
            : check.command !== undefined
              ? { exec: { command: check.command } }
              : { tcpSocket: { port: port! } };
    return {
        ...handler,
        initialDelaySeconds: check.initialDelaySeconds ?? d.initialDelaySeconds,
        periodSeconds: check.periodSeconds ?? d.periodSeconds,
        timeoutSeconds: check.timeoutSeconds ?? d.timeoutSeconds,
        failureThreshold: check.failureThreshold ?? d.failureThreshold,
    };
}

/** The container-level hardening: nothing a restricted Pod Security profile would reject. */
export function containerSecurityContext(opts: SecurityOptions = {}): k8s.types.input.core.v1.SecurityContext {
    const nonRoot = opts.runAsNonRoot ?? true;
    const { uid, gid } = securityIds(opts);
    if (uid === 0 && nonRoot) throw new Error("security.runAsUser must be a non-zero uid (runAsNonRoot), got 0");
    return {
        runAsNonRoot: nonRoot,
        ...idField("runAsUser", uid),
        ...idField("runAsGroup", gid),
        allowPrivilegeEscalation: false,
        privileged: false,
        readOnlyRootFilesystem: opts.readOnlyRootFilesystem ?? true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
    };
}

export function podSecurityContext(opts: SecurityOptions = {}): k8s.types.input.core.v1.PodSecurityContext {
    const { uid, gid, fsGroup } = securityIds(opts);
    return {
        runAsNonRoot: opts.runAsNonRoot ?? true,
        ...idField("runAsUser", uid),
        ...idField("runAsGroup", gid),
        ...idField("fsGroup", fsGroup),
        seccompProfile: { type: "RuntimeDefault" },
    };
}

/** Scratch space at /tmp so read-only root filesystems still work. */
export const TMP_VOLUME = "tmp";

/** One hardened container: probes, requests+limits, unique port names, /tmp mount. */
export function buildContainer(spec: ContainerSpec): Container {
    const ports = spec.ports ?? [];
    const names = uniquePortNames(ports.map((p) => p.name ?? (p.protocol === "UDP" ? "udp" : "http")));
    const firstPort: string | undefined = names[0];
    const probes = spec.probes ?? {};
    const pick = (k: "liveness" | "readiness" | "startup") => probes[k] ?? probes.health;
    const liveness = pick("liveness");
    const readiness = pick("readiness");
    const startup = pick("startup");
    const resources = spec.resources ?? DEFAULT_RESOURCES;
    const mounts = [...(spec.volumeMounts ?? [])];
    if (!mounts.some((m) => m.mountPath === "/tmp")) mounts.push({ name: TMP_VOLUME, mountPath: "/tmp" });
    for (const n of names) if (!isValidPortName(n)) throw new Error(`container ${spec.name}: port name "${n}" is not a valid port name`);
    return {
        name: spec.name,
        image: spec.image,
        imagePullPolicy: spec.imagePullPolicy ?? "IfNotPresent",
        ...(spec.command ? { command: spec.command } : {}),
        ...(spec.args ? { args: spec.args } : {}),
        ports: ports.map((p, i) => ({ name: names[i], containerPort: p.containerPort, protocol: p.protocol ?? "TCP" })),
        ...(spec.env && spec.env.length ? { env: spec.env } : {}),
        ...(spec.envFrom && spec.envFrom.length ? { envFrom: spec.envFrom } : {}),
        resources: { requests: k8sQuantities(resources.requests), limits: k8sQuantities(resources.limits) },
        ...(liveness ? { livenessProbe: buildProbe(liveness, "liveness", firstPort) } : {}),
        ...(readiness ? { readinessProbe: buildProbe(readiness, "readiness", firstPort) } : {}),
        ...(startup ? { startupProbe: buildProbe(startup, "startup", firstPort) } : {}),
        securityContext: containerSecurityContext(spec.security),
        volumeMounts: mounts,
        ...(spec.workingDir ? { workingDir: spec.workingDir } : {}),
        ...(spec.tty ? { tty: true } : {}),
        ...(spec.stdin ? { stdin: true } : {}),
    };
}

/** How hard replicas are kept off one node. */
export const AntiAffinity = {
    /** The scheduler tries to place replicas on different nodes. */
    Preferred: "preferred",
    /** Two replicas never share a node (a replica stays pending instead). */
    Required: "required",
    /** No pod anti-affinity. */
    None: "none",
} as const;
/** How hard replicas are kept off one node: `preferred`, `required` or `none`. */
export type AntiAffinity = (typeof AntiAffinity)[keyof typeof AntiAffinity];

/** Where the pods run. */
export interface PodPlacement {
    /** Spread replicas across nodes (always) and zones (prod). @default false */
    spreadAcrossZones?: boolean;
    /** `required` anti-affinity keeps two replicas off one node; `preferred` only tries. @default "preferred" */
    antiAffinity?: AntiAffinity;
    /** Node labels the pods require. @default none */
    nodeSelector?: Record<string, string>;
    /** Taints the pods tolerate. @default none */
    tolerations?: k8s.types.input.core.v1.Toleration[];
}

export function topologySpread(selector: Labels, spreadAcrossZones: boolean): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    const byNode = { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: selector } };
    const byZone = { ...byNode, topologyKey: "topology.kubernetes.io/zone" };
    return spreadAcrossZones ? [byNode, byZone] : [byNode];
}

export function antiAffinity(selector: Labels, mode: "preferred" | "required"): k8s.types.input.core.v1.Affinity {
    const term = { labelSelector: { matchLabels: selector }, topologyKey: "kubernetes.io/hostname" };
    return mode === "required"
        ? { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } }
        : { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: term }] } };
}

export interface PodSpecArgs {
    containers: Container[];
    initContainers?: Container[];
    serviceAccountName: string;
    /** @default false: pods get no API token unless they call the API. */
    automountServiceAccountToken?: boolean;
    volumes?: k8s.types.input.core.v1.Volume[];
    selector: Labels;
    placement?: PodPlacement;
    security?: SecurityOptions;
    terminationGracePeriodSeconds?: number;
    /** Inject `<SVC>_PORT`-style variables of every Service (they clash with app env). @default unset (Kubernetes: true) */
    enableServiceLinks?: boolean;
}

/** emptyDir scratch above which a container declares ephemeral-storage (the pack's res-ephemeral-storage default). */
export const SCRATCH_THRESHOLD_MI = 1024;
/** What a writable root filesystem may grow to (logs, caches, self-upgrades of vendor images). */
export const WRITABLE_ROOT_ALLOWANCE_MI = 2048;

const MI: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024, k: 1e3 / 2 ** 20, M: 1e6 / 2 ** 20, G: 1e9 / 2 ** 20, T: 1e12 / 2 ** 20 };
function sizeMi(q: unknown): number | undefined {
    const m = typeof q === "string" ? /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(q) : undefined;
    return m ? Number(m[1]) * (m[2] ? MI[m[2]] : 1 / 2 ** 20) : undefined;
}

/**
 * Bounds disk use where it is real. A container that has a writable root filesystem, or mounts
 * more than SCRATCH_THRESHOLD_MI of disk-backed emptyDir, gets an ephemeral-storage request and
 * limit of its scratch plus (writable root) WRITABLE_ROOT_ALLOWANCE_MI: the scheduler reserves
 * the disk the pod may fill, and the kubelet never evicts it before its volumes are full.
 * Explicit ephemeral-storage settings are kept. Other containers (read-only root, small /tmp)
 * need none: the kubelet rotates their logs.
 */
export function withEphemeralStorage(container: Container, volumes: k8s.types.input.core.v1.Volume[]): Container {
    const res = container.resources as { requests?: Record<string, string>; limits?: Record<string, string> } | undefined;
    if (res?.requests?.["ephemeral-storage"] !== undefined || res?.limits?.["ephemeral-storage"] !== undefined) return container;
    const scratch = new Map<string, number>();
    for (const v of volumes) {
        const e = v.emptyDir as { medium?: string; sizeLimit?: string } | undefined;
        if (e && e.medium !== "Memory") scratch.set(v.name as string, sizeMi(e.sizeLimit) ?? 0);
    }
    const mounted = new Set(((container.volumeMounts ?? []) as { name: string }[]).map((m) => m.name).filter((n) => scratch.has(n)));
    const scratchMi = [...mounted].reduce((t, n) => t + scratch.get(n)!, 0);
    const writableRoot = (container.securityContext as { readOnlyRootFilesystem?: boolean } | undefined)?.readOnlyRootFilesystem !== true;
    if (!writableRoot && scratchMi <= SCRATCH_THRESHOLD_MI) return container;
    const disk = `${Math.ceil(scratchMi + (writableRoot ? WRITABLE_ROOT_ALLOWANCE_MI : 0))}Mi`;
    return {
        ...container,
        resources: {
            requests: { ...(res?.requests ?? {}), "ephemeral-storage": disk },
            limits: { ...(res?.limits ?? {}), "ephemeral-storage": disk },
        },
    };
}

/** A pod spec with hardened pod-level settings, a /tmp emptyDir and spread/anti-affinity. */
export function buildPodSpec(args: PodSpecArgs): PodSpec {
    const placement = args.placement ?? {};
    const volumes = [...(args.volumes ?? [])];
    if (!volumes.some((v) => v.name === TMP_VOLUME)) volumes.push({ name: TMP_VOLUME, emptyDir: { sizeLimit: "256Mi" } });
    const mode = placement.antiAffinity ?? "preferred";
    const bounded = (cs: Container[]) => cs.map((c) => withEphemeralStorage(c, volumes));
    return {
        serviceAccountName: args.serviceAccountName,
        automountServiceAccountToken: args.automountServiceAccountToken ?? false,
        securityContext: podSecurityContext(args.security),
        ...(args.initContainers ? { initContainers: bounded(args.initContainers) } : {}),
        containers: bounded(args.containers),
        volumes,
        topologySpreadConstraints: topologySpread(args.selector, placement.spreadAcrossZones ?? false),
        ...(mode !== "none" ? { affinity: antiAffinity(args.selector, mode) } : {}),
        ...(placement.nodeSelector ? { nodeSelector: placement.nodeSelector } : {}),
        ...(placement.tolerations ? { tolerations: placement.tolerations } : {}),
        ...(args.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: args.terminationGracePeriodSeconds } : {}),
        ...(args.enableServiceLinks !== undefined ? { enableServiceLinks: args.enableServiceLinks } : {}),
    };
}
