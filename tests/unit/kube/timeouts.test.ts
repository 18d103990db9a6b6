import { strict as assert } from "assert";
import {
    DEFAULT_AWAIT_SECONDS,
    POD_MARGIN_SECONDS,
    PodTiming,
    podReadySeconds,
    probeSeconds,
    resolveIntOrPercent,
    rolloutBatches,
    rolloutTiming,
} from "../../../components/kube/timeouts";

// terminal-mid's MID server: startup 60 x 30s (timeout 15), readiness 2 x 60s (timeout 15), Recreate.
const MID: PodTiming = {
    containers: [
        {
            startupProbe: { initialDelaySeconds: 0, periodSeconds: 30, timeoutSeconds: 15, failureThreshold: 60 },
            readinessProbe: { initialDelaySeconds: 0, periodSeconds: 60, timeoutSeconds: 15, failureThreshold: 2 },
        },
    ],
    terminationGracePeriodSeconds: 60,
};
// An agent with the platform's default probes (startup 30 x 10s).
const FAST: PodTiming = {
    containers: [
        {
            startupProbe: { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 30 },
            readinessProbe: { initialDelaySeconds: 5, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 3 },
        },
    ],
};
const ROLLING = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };

describe("kube/timeouts: Pulumi's await and the Deployment progress deadline follow the probes", () => {
    it("a probe's worst case is initialDelay + period x failureThreshold + timeout, with Kubernetes' defaults for unset fields", () => {
        assert.equal(probeSeconds({ initialDelaySeconds: 0, periodSeconds: 30, timeoutSeconds: 15, failureThreshold: 60 }), 1815);
        assert.equal(probeSeconds({}), 0 + 10 * 3 + 1);
        assert.equal(probeSeconds(undefined), 0);
    });

    it("a pod's budget is its slowest container's startup then readiness, native sidecars first, plus the margin", () => {
        assert.equal(podReadySeconds(MID), 1815 + 135 + POD_MARGIN_SECONDS);
        const withSidecar: PodTiming = {
            ...FAST,
            initContainers: [
                { restartPolicy: "Always", startupProbe: { periodSeconds: 5, failureThreshold: 12, timeoutSeconds: 1 } },
                { startupProbe: { periodSeconds: 100, failureThreshold: 100 } }, // a plain init container: not a sidecar, ignored
            ],
        };
        assert.equal(podReadySeconds(withSidecar), 61 + podReadySeconds(FAST));
        const twoContainers: PodTiming = { containers: [...FAST.containers, ...MID.containers] };
        assert.equal(podReadySeconds(twoContainers), podReadySeconds(MID));
    });

    it("percentages resolve as Kubernetes does (surge up, unavailable down); anything else is refused", () => {
        assert.equal(resolveIntOrPercent("25%", 10, true, "25%"), 3);
        assert.equal(resolveIntOrPercent("25%", 10, false, "25%"), 2);
        assert.equal(resolveIntOrPercent(undefined, 4, true, "25%"), 1);
        assert.throws(() => resolveIntOrPercent("1.5", 4, true, "25%"), /rollout: "1.5" is neither a pod count nor a percentage/);
    });

    it("batches: a Deployment creates at once and updates per surge batch; a StatefulSet updates one pod at a time", () => {
        assert.deepEqual(rolloutBatches({ kind: "Deployment", replicas: 100, strategy: ROLLING }), { create: 1, update: 100 });
        assert.deepEqual(rolloutBatches({ kind: "Deployment", replicas: 10, strategy: { type: "RollingUpdate" } }), { create: 1, update: 2 });
        assert.deepEqual(rolloutBatches({ kind: "Deployment", replicas: 3, strategy: { type: "Recreate" } }), { create: 1, update: 1 });
        assert.deepEqual(rolloutBatches({ kind: "StatefulSet", replicas: 3, podManagementPolicy: "Parallel" }), { create: 1, update: 3 });
        assert.deepEqual(rolloutBatches({ kind: "StatefulSet", replicas: 3, podManagementPolicy: "OrderedReady" }), { create: 3, update: 3 });
    });

    it("the MID server (30-minute startup probe, Recreate) gets create/update timeouts and a progress deadline beyond its budget", () => {
        const t = rolloutTiming(MID, { kind: "Deployment", replicas: 1, strategy: { type: "Recreate" } });
        const pod = 1815 + 135 + POD_MARGIN_SECONDS;
        assert.equal(t.podSeconds, pod);
        assert.deepEqual(t.customTimeouts, { create: `${Math.ceil(pod / 60)}m`, update: `${Math.ceil((pod + 60) / 60)}m` });
        assert.equal(t.spec.progressDeadlineSeconds, pod + 60);
        assert.ok(t.createSeconds > 30 * 60);
    });

    it("a fast single pod keeps Pulumi's and Kubernetes' defaults (nothing set)", () => {
        const t = rolloutTiming(FAST, { kind: "Deployment", replicas: 1, strategy: ROLLING });
        assert.ok(t.podSeconds <= DEFAULT_AWAIT_SECONDS);
        assert.equal(t.customTimeouts, undefined);
        assert.deepEqual(t.spec, {});
    });

    it("fast pods rolled one at a time over many replicas get only an update timeout; the per-batch deadline stays default", () => {
        const t = rolloutTiming(FAST, { kind: "Deployment", replicas: 100, strategy: ROLLING });
        assert.deepEqual(t.customTimeouts, { update: `${Math.ceil((100 * t.podSeconds) / 60)}m` });
        assert.deepEqual(t.spec, {});
        const sts = rolloutTiming(FAST, { kind: "StatefulSet", replicas: 5, podManagementPolicy: "OrderedReady" });
        assert.deepEqual(sts.customTimeouts, { create: `${Math.ceil((5 * sts.podSeconds) / 60)}m`, update: `${Math.ceil((5 * (sts.podSeconds + 30)) / 60)}m` });
        assert.deepEqual(sts.spec, {}, "StatefulSets have no progress deadline");
    });
});
