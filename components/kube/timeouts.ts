/**
 * How long `pulumi up` waits for a Deployment or StatefulSet, derived from its probes.
 *
 * Pulumi's Kubernetes provider waits 10 minutes for a Deployment or StatefulSet to become ready,
 * and a Deployment's own `progressDeadlineSeconds` (also 10 minutes by default) marks a rollout
 * failed when no new pod becomes ready in that time; Pulumi reports that as a failed update. A
 * workload whose probes allow a slower start (the MID server's startup probe allows 30 minutes)
 * would fail its first deploy while it is still legitimately starting. Here the probe budget of
 * one pod gives both numbers:
 *
 * * one pod: for each container, its startup probe's worst case (initialDelay + period x
 *   failureThreshold + timeout) then its readiness probe's (same formula), the slowest container
 *   counting; native sidecars (init containers with `restartPolicy: Always`) start first, so their
 *   startup budget adds; plus `POD_MARGIN_SECONDS` for scheduling, a node scale-up, image pull
 *   and volume attach;
 * * one batch: one pod, plus the old pods' `terminationGracePeriodSeconds` when they must be gone
 *   before the new ones start (Recreate, StatefulSet rolling updates);
 * * create: one batch, except OrderedReady StatefulSets (one pod after the other);
 * * update: one batch per surge batch (Deployment RollingUpdate: `ceil(replicas / (maxSurge +
 *   maxUnavailable))`; Recreate: one) or per pod (StatefulSet RollingUpdate).
 *
 * Only what exceeds the defaults is set, so fast workloads keep Pulumi's and Kubernetes' defaults.
 */
import * as pulumi from "@pulumi/pulumi";

/** Pulumi's default await for Deployments and StatefulSets, and Kubernetes' default `progressDeadlineSeconds`. */
export const DEFAULT_AWAIT_SECONDS = 600;
/** Per pod, on top of its probes: scheduling, a cluster-autoscaler node, image pull, volume attach. */
export const POD_MARGIN_SECONDS = 180;
/** Kubernetes' default `terminationGracePeriodSeconds`. */
const DEFAULT_GRACE_SECONDS = 30;
// Kubernetes' probe defaults, for probes that leave a field unset.
const PROBE_DEFAULTS = { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, failureThreshold: 3 };

/** The probe fields the budget reads (a built `core/v1` Probe). */
export interface ProbeTiming {
    initialDelaySeconds?: number;
    periodSeconds?: number;
    timeoutSeconds?: number;
    failureThreshold?: number;
}
interface ContainerTiming {
    startupProbe?: ProbeTiming;
    readinessProbe?: ProbeTiming;
    restartPolicy?: string;
}
/** The pod spec fields the budget reads. */
export interface PodTiming {
    containers: ContainerTiming[];
    initContainers?: ContainerTiming[];
    terminationGracePeriodSeconds?: number;
}

export type IntOrPercent = number | string;
export type Rollout =
    | { kind: "Deployment"; replicas: number; strategy: { type: string; rollingUpdate?: { maxSurge?: IntOrPercent; maxUnavailable?: IntOrPercent } } }
    | { kind: "StatefulSet"; replicas: number; podManagementPolicy: "OrderedReady" | "Parallel" };

export interface RolloutTiming {
    /** Seconds one pod may take from creation to ready. */
    podSeconds: number;
    createSeconds: number;
    updateSeconds: number;
    /** `customTimeouts` for the workload's resource options; absent when both fit Pulumi's default. */
    customTimeouts?: pulumi.CustomTimeouts;
    /** Fields for a Deployment's spec: `progressDeadlineSeconds` when one batch exceeds the default. */
    spec: { progressDeadlineSeconds?: number };
}

/** Worst case for a probe to succeed: it may fail `failureThreshold - 1` times and time out each attempt. */
export function probeSeconds(p: ProbeTiming | undefined): number {
    if (!p) return 0;
    const v = { ...PROBE_DEFAULTS, ...p };
    return v.initialDelaySeconds + v.periodSeconds * v.failureThreshold + v.timeoutSeconds;
}

/** Seconds from pod creation until the pod is ready, at the probes' worst case, plus the margin. */
export function podReadySeconds(pod: PodTiming): number {
    const sidecars = (pod.initContainers ?? []).filter((c) => c.restartPolicy === "Always");
    const sidecarStart = sidecars.reduce((sum, c) => sum + probeSeconds(c.startupProbe), 0);
    const slowest = Math.max(0, ...[...pod.containers, ...sidecars].map((c) => probeSeconds(c.startupProbe) + probeSeconds(c.readinessProbe)));
    return sidecarStart + slowest + POD_MARGIN_SECONDS;
}

/** `maxSurge`/`maxUnavailable` as a pod count (percentages: surge rounds up, unavailable down, as Kubernetes does). */
export function resolveIntOrPercent(v: IntOrPercent | undefined, replicas: number, roundUp: boolean, fallback: string): number {
    const value = v ?? fallback;
    if (typeof value === "number") return value;
    const m = /^(\d+)%$/.exec(value);
    if (!m) throw new Error(`rollout: "${value}" is neither a pod count nor a percentage`);
    const exact = (Number(m[1]) * replicas) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Sequential batches of a create and of an update. */
export function rolloutBatches(r: Rollout): { create: number; update: number } {
    const replicas = Math.max(1, r.replicas);
    if (r.kind === "StatefulSet") return { create: r.podManagementPolicy === "OrderedReady" ? replicas : 1, update: replicas };
    if (r.strategy.type === "Recreate") return { create: 1, update: 1 };
    const ru = r.strategy.rollingUpdate ?? {};
    const batch = resolveIntOrPercent(ru.maxSurge, replicas, true, "25%") + resolveIntOrPercent(ru.maxUnavailable, replicas, false, "25%");
    return { create: 1, update: Math.ceil(replicas / Math.max(1, batch)) };
}

const asDuration = (seconds: number) => `${Math.ceil(seconds / 60)}m`;

/** The await budget of a workload (see the module comment); `replicas` is the most pods one update rolls (an HPA's maximum). */
export function rolloutTiming(pod: PodTiming, rollout: Rollout): RolloutTiming {
    const podSeconds = podReadySeconds(pod);
    const grace = pod.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    const waitsForOld = rollout.kind === "StatefulSet" || rollout.strategy.type === "Recreate";
    const batchSeconds = podSeconds + (waitsForOld ? grace : 0);
    const batches = rolloutBatches(rollout);
    const createSeconds = batches.create * podSeconds;
    const updateSeconds = batches.update * batchSeconds;
    const customTimeouts: pulumi.CustomTimeouts = {
        ...(createSeconds > DEFAULT_AWAIT_SECONDS ? { create: asDuration(createSeconds) } : {}),
        ...(updateSeconds > DEFAULT_AWAIT_SECONDS ? { update: asDuration(updateSeconds) } : {}),
    };
    return {
        podSeconds,
        createSeconds,
        updateSeconds,
        ...(Object.keys(customTimeouts).length ? { customTimeouts } : {}),
        spec: rollout.kind === "Deployment" && batchSeconds > DEFAULT_AWAIT_SECONDS ? { progressDeadlineSeconds: Math.ceil(batchSeconds) } : {},
    };
}
