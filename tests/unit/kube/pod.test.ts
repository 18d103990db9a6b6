import { strict as assert } from "assert";
import { DEFAULT_RESOURCES, DEFAULT_UID, buildContainer, buildPodSpec, buildProbe, topologySpread } from "../../../components/kube/pod";

describe("pod helpers", () => {
    const container = () =>
        buildContainer({
            name: "api",
            image: "ghcr.io/acme/api:1.0.0",
            ports: [{ containerPort: 3000 }, { name: "metrics", containerPort: 9090 }],
            probes: { health: { path: "/health" } },
        });

    it("GIVEN a plain container spec WHEN built THEN it is hardened by default", () => {
        const c = container() as any;
        assert.deepEqual(c.securityContext, {
            runAsNonRoot: true,
            runAsUser: DEFAULT_UID,
            runAsGroup: DEFAULT_UID,
            allowPrivilegeEscalation: false,
            privileged: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.deepEqual(c.resources, DEFAULT_RESOURCES);
        assert.ok(
            c.volumeMounts.some((m: any) => m.mountPath === "/tmp"),
            "read-only root FS needs a writable /tmp",
        );
    });

    it("GIVEN a health check WHEN built THEN liveness, readiness and startup probes all use it on the first port", () => {
        const c = container() as any;
        for (const p of [c.livenessProbe, c.readinessProbe, c.startupProbe]) assert.deepEqual(p.httpGet, { path: "/health", port: "http" });
        assert.equal(c.startupProbe.failureThreshold, 30);
    });

    it("GIVEN explicit opt-outs WHEN built THEN they are honoured and visible", () => {
        const c = buildContainer({ name: "mid", image: "servicenow/mid-server:yokohama", security: { runAsUser: 1001, readOnlyRootFilesystem: false } }) as any;
        assert.equal(c.securityContext.readOnlyRootFilesystem, false);
        assert.equal(c.securityContext.runAsUser, 1001);
        assert.equal(c.securityContext.runAsNonRoot, true);
    });

    it("GIVEN uid 0 WHEN built THEN it is rejected", () => {
        assert.throws(() => buildContainer({ name: "x", image: "x:1", security: { runAsUser: 0 } }), /runAsUser must be a non-zero uid/);
    });

    it("GIVEN a probe with two handlers or no port WHEN built THEN it is rejected", () => {
        assert.throws(() => buildProbe({ path: "/h", tcp: true }, "liveness", "http"), /exactly one of path, command or tcp, got 2/);
        assert.throws(() => buildProbe({ path: "/h" }, "readiness", undefined), /readiness probe needs a port/);
        assert.deepEqual(buildProbe({ command: ["pg_isready"] }, "liveness", undefined).exec, { command: ["pg_isready"] });
    });

    it("GIVEN a pod spec WHEN built THEN the token is not mounted, seccomp is set and replicas spread", () => {
        const spec = buildPodSpec({
            containers: [container()],
            serviceAccountName: "api",
            selector: { app: "api" },
            placement: { spreadAcrossZones: true },
        }) as any;
        assert.equal(spec.automountServiceAccountToken, false);
        assert.deepEqual(spec.securityContext.seccompProfile, { type: "RuntimeDefault" });
        assert.deepEqual(
            spec.topologySpreadConstraints.map((t: any) => t.topologyKey),
            ["kubernetes.io/hostname", "topology.kubernetes.io/zone"],
        );
        assert.ok(spec.volumes.some((v: any) => v.name === "tmp" && v.emptyDir));
        assert.ok(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution);
    });

    it("GIVEN disk use that is real WHEN the pod spec is built THEN ephemeral-storage covers it; a read-only root with a small /tmp gets none", () => {
        const mk = (security: { readOnlyRootFilesystem?: boolean }, mounts: { name: string; mountPath: string }[] = []) =>
            buildContainer({ name: "c", image: "x:1", security, volumeMounts: mounts });
        const spec = buildPodSpec({
            serviceAccountName: "sa",
            selector: { app: "x" },
            containers: [mk({}), mk({ readOnlyRootFilesystem: false }), mk({}, [{ name: "dump", mountPath: "/backup" }])],
            volumes: [{ name: "dump", emptyDir: { sizeLimit: "20Gi" } }],
        }) as any;
        const disk = (i: number) => [spec.containers[i].resources.requests["ephemeral-storage"], spec.containers[i].resources.limits["ephemeral-storage"]];
        assert.deepEqual(disk(0), [undefined, undefined], "read-only root, 256Mi /tmp: nothing to declare");
        assert.deepEqual(disk(1), ["2304Mi", "2304Mi"], "writable root: 2Gi allowance + /tmp");
        assert.deepEqual(disk(2), ["20736Mi", "20736Mi"], "20Gi scratch + /tmp");
        const explicit = buildPodSpec({
            serviceAccountName: "sa",
            selector: { app: "x" },
            containers: [
                buildContainer({
                    name: "c",
                    image: "x:1",
                    security: { readOnlyRootFilesystem: false },
                    resources: {
                        requests: { cpu: "1", memory: "1Gi", ephemeralStorage: "1Gi" },
                        limits: { cpu: "1", memory: "1Gi", ephemeralStorage: "5Gi" },
                    },
                }),
            ],
        }) as any;
        assert.equal(explicit.containers[0].resources.limits["ephemeral-storage"], "5Gi", "explicit settings are kept");
    });

    it("GIVEN dev placement WHEN spread THEN only nodes are spread", () => {
        assert.equal(topologySpread({ a: "b" }, false).length, 1);
    });
});
