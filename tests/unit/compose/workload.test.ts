import { strict as assert } from "assert";
import { metricsAndPodAnnotations, resolveScale, serviceArgs, buildWorkload, WorkloadContext } from "../../../components/compose/workload";
import { CONFIG_HASH_ANNOTATION } from "../../../components/compose/spec";
import { context, service } from "./fixtures";

const http = [{ name: "http", containerPort: 8000, protocol: "TCP" as const }];

function ctx(patch: Partial<WorkloadContext> = {}): WorkloadContext {
    return {
        ...context(),
        namespace: "apps",
        labels: {},
        ports: http,
        plans: new Map(),
        serviceType: "ClusterIP",
        nodePorts: {},
        spreadAcrossZones: false,
        serviceMonitors: false,
        bindMounts: "reject",
        ...patch,
    };
}

describe("compose/workload", () => {
    it("GIVEN replicas or autoscaling THEN the scale is checked; both at once is refused", () => {
        assert.deepEqual(resolveScale(service({ replicas: 3 }), {}, ctx()), { replicas: 3 });
        assert.throws(
            () => resolveScale(service(), { replicas: 2, autoscaling: { minReplicas: 1, maxReplicas: 3 } }, ctx()),
            /replicas and autoscaling are mutually exclusive/,
        );
        assert.throws(
            () => resolveScale(service(), { autoscaling: { minReplicas: 3, maxReplicas: 2 } }, ctx()),
            /autoscaling.maxReplicas: must be an integer >= minReplicas \(3\), got 2/,
        );
    });

    it("GIVEN metrics THEN a ServiceMonitor where the operator runs, scrape annotations otherwise; the config digest always", () => {
        const c = ctx({ config: { name: "api-config", data: { A: "1" } } });
        const withMonitor = metricsAndPodAnnotations({ metrics: { portName: "http" } }, { ...c, serviceMonitors: true });
        assert.deepEqual(withMonitor.serviceMonitor, { port: "http", path: "/metrics" });
        assert.deepEqual(Object.keys(withMonitor.podAnnotations), [CONFIG_HASH_ANNOTATION]);
        const scraped = metricsAndPodAnnotations({ metrics: { port: 8000, path: "/m" } }, c);
        assert.equal(scraped.serviceMonitor, undefined);
        assert.deepEqual([scraped.podAnnotations["prometheus.io/port"], scraped.podAnnotations["prometheus.io/path"]], ["8000", "/m"]);
        assert.throws(() => metricsAndPodAnnotations({ metrics: { portName: "nope" } }, c), /metrics.port: "nope" is not one of the service's ports/);
    });

    it("GIVEN a headless kompose type and node ports THEN the Service args say so; no ports, no Service", () => {
        assert.deepEqual(serviceArgs(ctx({ serviceType: "Headless" })), { type: "ClusterIP", headless: true });
        assert.deepEqual(serviceArgs(ctx({ serviceType: "NodePort", nodePorts: { http: 30080 }, annotations: { b: "1" }, serviceAnnotations: { a: "2" } })), {
            type: "NodePort",
            nodePorts: { http: 30080 },
            annotations: { a: "2", b: "1" },
        });
        assert.deepEqual(serviceArgs(ctx({ ports: [] })), { enabled: false });
    });

    it("GIVEN a compose service with working_dir, tty and stdin_open THEN they are AgentService args, and service links are off", () => {
        const w = buildWorkload(service({ workingDir: "/srv", tty: true, stdinOpen: true }), {}, ctx({ annotations: { a: "1" } }));
        assert.equal(w.component, "AgentService");
        assert.deepEqual(
            [w.args.workingDir, w.args.tty, w.args.stdin, w.args.enableServiceLinks, w.args.workloadAnnotations],
            ["/srv", true, true, false, { a: "1" }],
        );
    });

    it("GIVEN network rules THEN the policy isolates ingress; args AgentService would refuse are one compose error", () => {
        const w = buildWorkload(service(), {}, ctx({ network: { ingress: [], egress: [] } }));
        assert.equal(w.args.network?.isolateIngress, true);
        assert.throws(() => buildWorkload(service({ name: "Bad_Name" }), {}, ctx()), /cannot be deployed: name must be a DNS-1123 label/);
    });

    it("GIVEN one replica on a ReadWriteOnce claim THEN it is a singleton; asked to autoscale THEN it is refused", () => {
        const plans = new Map([
            ["data", { claimName: "data", owner: "api", external: false, size: "1Gi", accessModes: ["ReadWriteOnce" as const], labels: {} }],
        ]);
        const svc = service({ volumes: [{ type: "volume", source: "data", target: "/data", readOnly: false, field: "volumes[0]" }] });
        const w = buildWorkload(svc, {}, ctx({ plans }));
        assert.equal(w.component, "SingletonWorker");
        assert.equal(w.args.replicas, undefined);
        assert.throws(() => buildWorkload(svc, { autoscaling: { minReplicas: 1, maxReplicas: 2 } }, ctx({ plans })), /cannot autoscale/);
    });
});
