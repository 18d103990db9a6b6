import { strict as assert } from "assert";
import { RenderResult } from "../../../tools/lib/render";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";

describe("aws: the prod stack on EKS (Pulumi.prod.yaml under mocks)", function () {
    this.timeout(RENDER_TIMEOUT_MS);
    let r: RenderResult;
    before(async () => {
        r = await renderedStack("prod");
    });

    it("THEN cloud-resources lists the AWS side: VPC across 3 AZs, NAT per AZ, KMS-encrypted cluster, both node groups, OIDC and the seven EKS add-ons (EFS CSI, cert-manager and CloudWatch observability included)", () => {
        const count = (type: string) => r.cloudResources.filter((c) => c.type === type).length;
        assert.equal(count("aws:ec2/vpc:Vpc"), 1);
        assert.equal(count("aws:ec2/subnet:Subnet"), 6);
        assert.equal(count("aws:ec2/natGateway:NatGateway"), 3);
        assert.equal(count("aws:eks/cluster:Cluster"), 1);
        assert.equal(count("aws:kms/key:Key"), 1);
        assert.equal(count("aws:iam/openIdConnectProvider:OpenIdConnectProvider"), 1);
        const addons = r.cloudResources
            .filter((c) => c.type === "aws:eks/addon:Addon")
            .map((a) => a.inputs.addonName)
            .sort();
        assert.deepEqual(addons, [
            "amazon-cloudwatch-observability",
            "aws-ebs-csi-driver",
            "aws-efs-csi-driver",
            "cert-manager",
            "coredns",
            "kube-proxy",
            "vpc-cni",
        ]);
        const groups = r.cloudResources
            .filter((c) => c.type === "aws:eks/nodeGroup:NodeGroup")
            .map((g) => (g.inputs.labels as Record<string, string>)["node-group"]);
        assert.deepEqual(groups.sort(), ["compute", "memory"]);
        const cluster = r.cloudResources.find((c) => c.type === "aws:eks/cluster:Cluster")!.inputs as any;
        assert.ok(!(cluster.vpcConfig.publicAccessCidrs ?? []).includes("0.0.0.0/0"));
    });

    it("THEN EFS is on (cluster.efs.enabled): an encrypted file system, one mount target per private subnet and the EFS CSI add-on", () => {
        const of = (type: string) => r.cloudResources.filter((c) => c.type === type);
        const fs = of("aws:efs/fileSystem:FileSystem");
        assert.equal(fs.length, 1);
        assert.equal((fs[0].inputs as any).encrypted, true);
        assert.equal(of("aws:efs/mountTarget:MountTarget").length, 3);
        assert.ok(of("aws:eks/addon:Addon").some((a) => (a.inputs as any).addonName === "aws-efs-csi-driver"));
    });

    it("THEN the gp3 default class and the efs-sc class both retain data, so the Redis claim and agent-data-pvc survive claim deletion", () => {
        const classes = r.resources.filter((x) => x.type === "kubernetes:storage.k8s.io/v1:StorageClass");
        const byName = Object.fromEntries(classes.map((c) => [c.inputs.metadata?.name, c.inputs]));
        assert.equal(byName["gp3"]?.reclaimPolicy, "Retain");
        assert.equal(byName["efs-sc"]?.reclaimPolicy, "Retain");
        assert.equal(byName["efs-sc"]?.provisioner, "efs.csi.aws.com");
    });

    it("THEN every Kubernetes object, add-ons and workloads alike, is created on the EKS cluster's provider", () => {
        const kube = r.resources.filter((x) => x.custom && x.type.startsWith("kubernetes:"));
        assert.ok(kube.length > 50, `only ${kube.length} Kubernetes objects`);
        const providers = new Set(kube.map((x) => (x.provider ?? "").split("::").slice(0, 4).join("::")));
        assert.equal(providers.size, 1, `objects on several providers: ${[...providers].join(", ")}`);
        assert.match([...providers][0], /agent-platform:index:EksCluster\$pulumi:providers:kubernetes::[^:]+-k8s$/);
        const names = kube.map((x) => `${x.type.split(":").pop()}/${x.inputs.metadata?.name}`);
        for (const n of ["StorageClass/gp3", "Deployment/cluster-autoscaler", "Deployment/metrics-server"]) assert.ok(names.includes(n), `missing ${n}`);
    });
});
