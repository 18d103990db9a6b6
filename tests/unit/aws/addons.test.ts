import { strict as assert } from "assert";
import { autoscalerDiscoveryTags, clusterAutoscalerArgs, clusterAutoscalerManifests } from "../../../components/aws/cluster-autoscaler";
import { KubeObject } from "../../../components/aws/k8s-objects";
import { buildKubeconfig, getTokenArgs } from "../../../components/aws/kubeconfig";
import { metricsServerManifests } from "../../../components/aws/metrics-server";

const { Deployment } = require("kubernetes-models/apps/v1/Deployment");
const { ClusterRole } = require("kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole");
const { Service } = require("kubernetes-models/v1/Service");

const CA = {
    clusterName: "agent-platform-prod",
    region: "us-east-1",
    image: "registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0",
    maxNodes: 100,
    expander: "least-waste" as const,
    scaleDownUnneededTime: "10m",
    roleArn: "arn:aws:iam::123456789012:role/ca",
};

function byKind(objs: KubeObject[], kind: string): KubeObject[] {
    return objs.filter((o) => o.kind === kind);
}

function assertHardened(deployment: KubeObject): void {
    const pod = (deployment.spec as any).template.spec;
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
    for (const c of pod.containers) {
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, `${c.name} readOnlyRootFilesystem`);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false);
        assert.equal(c.securityContext.runAsNonRoot, true);
        assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
        assert.equal(c.securityContext.seccompProfile.type, "RuntimeDefault");
        assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory, `${c.name} requests+limits`);
        assert.ok(c.startupProbe && c.livenessProbe && c.readinessProbe, `${c.name} probes`);
        assert.doesNotMatch(c.image, /:latest$/);
    }
}

describe("aws/cluster-autoscaler", () => {
    it("GIVEN a cluster WHEN args are built THEN auto-discovery uses the cluster's owned tag and the overall max", () => {
        const args = clusterAutoscalerArgs(CA);
        assert.ok(args.includes("--cloud-provider=aws"));
        assert.ok(args.includes("--node-group-auto-discovery=asg:tag=k8s.io/cluster-autoscaler/enabled,k8s.io/cluster-autoscaler/agent-platform-prod"));
        assert.ok(args.includes("--max-nodes-total=100"));
        assert.ok(args.includes("--expander=least-waste"));
        assert.ok(args.includes("--balance-similar-node-groups=true"));
        assert.deepEqual(Object.keys(autoscalerDiscoveryTags("x")), ["k8s.io/cluster-autoscaler/enabled", "k8s.io/cluster-autoscaler/x"]);
    });

    it("GIVEN the manifests WHEN built THEN the ServiceAccount carries the IRSA role and the Deployment is hardened, valid and a single replica", () => {
        const objs = clusterAutoscalerManifests(CA);
        const [sa] = byKind(objs, "ServiceAccount");
        assert.deepEqual(sa.metadata, {
            name: "cluster-autoscaler",
            namespace: "kube-system",
            labels: sa.metadata.labels,
            annotations: { "eks.amazonaws.com/role-arn": CA.roleArn },
        });
        const [dep] = byKind(objs, "Deployment");
        new Deployment(dep).validate();
        assertHardened(dep);
        const spec = dep.spec as any;
        assert.equal(spec.replicas, 1);
        assert.deepEqual(spec.strategy, { type: "Recreate" });
        assert.equal(dep.metadata.labels!["agent-platform.io/singleton"], "true");
        assert.equal(spec.template.spec.serviceAccountName, "cluster-autoscaler");
        assert.equal(spec.template.metadata.annotations["cluster-autoscaler.kubernetes.io/safe-to-evict"], "false");
        assert.deepEqual(spec.template.spec.containers[0].env, [{ name: "AWS_REGION", value: "us-east-1" }]);
        for (const cr of byKind(objs, "ClusterRole")) new ClusterRole(cr).validate();
        // Bindings point at the objects that exist.
        const crb = byKind(objs, "ClusterRoleBinding")[0] as any;
        assert.deepEqual(crb.subjects, [{ kind: "ServiceAccount", name: "cluster-autoscaler", namespace: "kube-system" }]);
        assert.equal(crb.roleRef.name, byKind(objs, "ClusterRole")[0].metadata.name);
    });
});

describe("aws/metrics-server", () => {
    it("GIVEN 2 replicas WHEN built THEN the Deployment is hardened and valid, a PDB keeps one up, and the APIService points at the Service", () => {
        const objs = metricsServerManifests({ image: "registry.k8s.io/metrics-server/metrics-server:v0.7.2", replicas: 2 });
        const [dep] = byKind(objs, "Deployment");
        new Deployment(dep).validate();
        assertHardened(dep);
        assert.equal((dep.spec as any).replicas, 2);
        const spread = (dep.spec as any).template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey);
        assert.deepEqual(spread, ["kubernetes.io/hostname", "topology.kubernetes.io/zone"]);
        const [svc] = byKind(objs, "Service");
        new Service(svc).validate();
        assert.deepEqual((byKind(objs, "APIService")[0].spec as any).service, { name: svc.metadata.name, namespace: svc.metadata.namespace });
        assert.deepEqual((byKind(objs, "PodDisruptionBudget")[0].spec as any).minAvailable, 1);
        // Every object has an explicit, stable name.
        for (const o of objs) assert.ok(o.metadata.name.length > 0);
    });

    it("GIVEN 1 replica WHEN built THEN no PDB is created (it would block node drains)", () => {
        assert.equal(byKind(metricsServerManifests({ image: "x:1", replicas: 1 }), "PodDisruptionBudget").length, 0);
    });
});

describe("aws/kubeconfig", () => {
    it("GIVEN cluster facts WHEN the kubeconfig is built THEN it uses an aws eks get-token exec credential and holds no token", () => {
        const kc = buildKubeconfig({ clusterName: "c1", endpoint: "https://e", certificateAuthorityData: "Q0E=", region: "eu-west-1" }) as any;
        assert.equal(kc["current-context"], "c1");
        assert.deepEqual(kc.clusters[0].cluster, { server: "https://e", "certificate-authority-data": "Q0E=" });
        const exec = kc.users[0].user.exec;
        assert.equal(exec.command, "aws");
        assert.deepEqual(exec.args, ["eks", "get-token", "--cluster-name", "c1", "--region", "eu-west-1", "--output", "json"]);
        assert.deepEqual(getTokenArgs("c1", "eu-west-1"), exec.args);
        assert.equal(kc.users[0].user.token, undefined);
        assert.equal(exec.env, undefined);
        const withProfile = buildKubeconfig({
            clusterName: "c1",
            endpoint: "https://e",
            certificateAuthorityData: "Q0E=",
            region: "eu-west-1",
            awsProfile: "prod",
        }) as any;
        assert.deepEqual(withProfile.users[0].user.exec.env, [{ name: "AWS_PROFILE", value: "prod" }]);
    });

    it("GIVEN the same inputs twice WHEN serialised THEN the kubeconfig is byte-identical (stable provider inputs)", () => {
        const a = JSON.stringify(buildKubeconfig({ clusterName: "c", endpoint: "https://e", certificateAuthorityData: "x", region: "us-east-1" }));
        const b = JSON.stringify(buildKubeconfig({ clusterName: "c", endpoint: "https://e", certificateAuthorityData: "x", region: "us-east-1" }));
        assert.equal(a, b);
    });
});
