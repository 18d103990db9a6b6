/**
 * The argument shapes Pulumi's schema inference accepts (issue 14): enums, named interfaces,
 * explicit `enabled` flags and split `port`/`portName` fields render exactly what the earlier
 * unions did.
 */
import { strict as assert } from "assert";
import { AgentService, AgentServiceArgs } from "../../../components/kube/agent-service";
import { DeploymentStrategy, ServiceType, StorageMedium, VpaUpdateMode } from "../../../components/kube/agent-service-args";
import { peerForm, toPolicyPeer, toPolicyPorts } from "../../../components/kube/network";
import { PlatformNamespace, PodSecurityLevel } from "../../../components/kube/platform-namespace";
import { AntiAffinity, Protocol, buildContainer, buildProbe, securityIds } from "../../../components/kube/pod";
import { MaxmemoryPolicy, redisConfig } from "../../../components/kube/redis";
import { SingletonWorker } from "../../../components/kube/singleton-worker";
import { find, kinds, render } from "../../helpers/mocks";

const base: AgentServiceArgs = { namespace: "ns", image: "a/b:1", ports: [{ name: "http", containerPort: 8080 }] };

describe("schema-friendly argument shapes", () => {
    it("GIVEN the enums THEN their values are the strings the Kubernetes objects (and Redis) carry", () => {
        assert.deepEqual(Object.values(PodSecurityLevel), ["privileged", "baseline", "restricted"]);
        assert.deepEqual(Object.values(Protocol), ["TCP", "UDP"]);
        assert.deepEqual(Object.values(AntiAffinity), ["preferred", "required", "none"]);
        assert.deepEqual(Object.values(ServiceType), ["ClusterIP", "NodePort", "LoadBalancer"]);
        assert.deepEqual(Object.values(DeploymentStrategy), ["RollingUpdate", "Recreate"]);
        assert.deepEqual(Object.values(VpaUpdateMode), ["Off", "Initial", "Recreate", "Auto"]);
        assert.deepEqual(Object.values(StorageMedium), ["Memory", "HugePages"]);
        assert.match(redisConfig({ maxmemoryPolicy: MaxmemoryPolicy.AllkeysLru }), /^maxmemory-policy allkeys-lru$/m);
    });

    it("GIVEN a PlatformNamespace with an enum level THEN the Pod Security labels carry its value", async () => {
        const { objects } = await render(() => new PlatformNamespace("n", { name: "apps", podSecurity: { level: PodSecurityLevel.Baseline, enforce: true } }));
        const labels = find(objects, "Namespace", "apps").metadata.labels;
        assert.equal(labels["pod-security.kubernetes.io/enforce"], "baseline");
        assert.equal(labels["pod-security.kubernetes.io/warn"], "baseline");
    });

    it("GIVEN service and pdb with enabled: false THEN neither object exists; percentages and counts map to the PDB's fields", async () => {
        const { objects } = await render(() => {
            new AgentService("off", { ...base, name: "off", replicas: 3, service: { enabled: false }, pdb: { enabled: false } });
            new AgentService("pct", { ...base, name: "pct", replicas: 3, pdb: { minAvailablePercent: "50%" } });
            new AgentService("cnt", { ...base, name: "cnt", replicas: 3, pdb: { maxUnavailable: 2 } });
            new AgentService("dflt", { ...base, name: "dflt", replicas: 3, pdb: {} });
        });
        assert.ok(!kinds(objects, "Service").some((s) => s.metadata.name === "off"));
        assert.ok(!kinds(objects, "PodDisruptionBudget").some((s) => s.metadata.name === "off"));
        assert.equal(find(objects, "PodDisruptionBudget", "pct").spec.minAvailable, "50%");
        assert.equal(find(objects, "PodDisruptionBudget", "cnt").spec.maxUnavailable, 2);
        assert.equal(find(objects, "PodDisruptionBudget", "dflt").spec.maxUnavailable, 1);
    });

    it("GIVEN a pdb with two bounds, a bound while disabled or a bad percentage THEN construction fails naming the key", () => {
        assert.throws(() => new AgentService("x", { ...base, replicas: 3, pdb: { minAvailable: 1, maxUnavailable: 1 } }), /pdb takes at most one of/);
        assert.throws(
            () => new AgentService("x", { ...base, replicas: 3, pdb: { enabled: false, maxUnavailable: 1 } }),
            /pdb.maxUnavailable is not allowed with pdb.enabled: false/,
        );
        assert.throws(
            () => new AgentService("x", { ...base, replicas: 3, pdb: { maxUnavailablePercent: "half" } }),
            /pdb.maxUnavailablePercent must be a percentage/,
        );
        assert.throws(
            () => new AgentService("x", { ...base, service: { ports: [{ port: 80, targetPort: 8080, targetPortName: "http" }] } }),
            /service.ports\[0\] takes at most one of targetPort and targetPortName/,
        );
    });

    it("GIVEN targetPortName and a probe portName THEN the Service and the probe name the port", async () => {
        const { objects } = await render(
            () =>
                new AgentService("w", {
                    ...base,
                    name: "w",
                    service: { type: ServiceType.ClusterIP, ports: [{ name: "web", port: 80, targetPortName: "http" }] },
                    probes: { health: { tcp: true, portName: "http" } },
                }),
        );
        assert.equal(find(objects, "Service", "w").spec.ports[0].targetPort, "http");
        assert.deepEqual(find(objects, "Deployment", "w").spec.template.spec.containers[0].livenessProbe.tcpSocket, { port: "http" });
        assert.throws(() => buildProbe({ tcp: true, port: 1, portName: "http" }, "liveness", undefined), /liveness probe sets both port and portName/);
    });

    it("GIVEN a SingletonWorker THEN it is its own component (not an AgentService) whose children keep their names", async () => {
        const { objects, resources } = await render(() => new SingletonWorker("poller", { namespace: "ns", image: "a/b:1", service: { enabled: false } }));
        assert.ok(!(SingletonWorker.prototype instanceof AgentService));
        assert.ok(!resources.some((r) => r.type.endsWith(":AgentService")));
        assert.ok(resources.some((r) => r.type === "kubernetes:apps/v1:Deployment" && r.name === "poller-deploy"));
        assert.equal(find(objects, "Deployment", "poller").spec.strategy.type, "Recreate");
    });

    it("GIVEN the keep-the-image's-id flags THEN the ids are left out; a flag next to its id is refused", () => {
        assert.deepEqual(securityIds({ keepImageUser: true }), { uid: null, gid: null, fsGroup: null });
        assert.deepEqual(securityIds({ runAsUser: 5, noFsGroup: true }), { uid: 5, gid: 5, fsGroup: null });
        assert.deepEqual(securityIds({ keepImageUser: true, runAsGroup: 7 }), { uid: null, gid: 7, fsGroup: 7 });
        assert.throws(() => securityIds({ runAsUser: 5, keepImageUser: true }), /security.runAsUser and security.keepImageUser exclude each other/);
    });

    it("GIVEN ephemeralStorage THEN the container carries the API's ephemeral-storage key", () => {
        const c = buildContainer({
            name: "c",
            image: "a/b:1",
            resources: { requests: { cpu: "1", memory: "1Gi", ephemeralStorage: "2Gi" }, limits: { cpu: "1", memory: "1Gi" } },
        });
        assert.deepEqual(c.resources, { requests: { cpu: "1", memory: "1Gi", "ephemeral-storage": "2Gi" }, limits: { cpu: "1", memory: "1Gi" } });
    });

    it("GIVEN peers of each form THEN they map to their selectors; a peer mixing forms or naming nobody is refused", () => {
        assert.equal(peerForm({ workload: "a", namespace: "b" }), "workload");
        assert.equal(peerForm({ namespace: "b" }), "namespace");
        assert.equal(peerForm({ namespaceLabels: { a: "b" }, podLabels: { c: "d" } }), "labels");
        assert.equal(peerForm({ cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] }), "cidr");
        assert.deepEqual(toPolicyPeer({ cidr: "1.2.3.4/32" }), { ipBlock: { cidr: "1.2.3.4/32" } });
        assert.throws(() => toPolicyPeer({ workload: "a", cidr: "1.2.3.4/32" }), /mixes workload and cidr/);
        assert.throws(() => toPolicyPeer({}), /names nobody/);
        assert.throws(() => toPolicyPeer({ cidr: "1.2.3.4/32", namespace: "x" }), /sets namespace, which a cidr peer does not take/);
    });

    it("GIVEN TCP ports and port specs THEN the policy lists the TCP ports first, then the specs with their protocol", () => {
        assert.deepEqual(toPolicyPorts({ ports: [443], portSpecs: [{ port: 53, protocol: Protocol.UDP }, { port: 53 }] }), [
            { port: 443, protocol: "TCP" },
            { port: 53, protocol: "UDP" },
            { port: 53, protocol: "TCP" },
        ]);
        assert.equal(toPolicyPorts({}), undefined);
    });
});
