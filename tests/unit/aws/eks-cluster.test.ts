import { strict as assert } from "assert";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "../../../components/aws/eks-cluster";
import { EksClusterArgs } from "../../../components/aws/types";
import { RecordedResource, runUnderMocks } from "../../../tools/lib/mock-runtime";

const CONFIG = { "aws:region": "us-east-1" };

function prodArgs(overrides: Partial<EksClusterArgs> = {}): EksClusterArgs {
    return {
        clusterName: "agent-platform-prod",
        region: "us-east-1",
        adminPrincipals: ["arn:aws:iam::111122223333:role/platform-admins"],
        nodeGroups: {
            compute: { instanceTypes: ["c7i.2xlarge", "c6i.2xlarge"], minSize: 2, desiredSize: 3, maxSize: 80, diskSizeGiB: 100 },
            memory: {
                instanceTypes: ["r6i.xlarge"],
                capacityType: "SPOT",
                minSize: 2,
                maxSize: 20,
                labels: { tier: "dashboard" },
                taints: [{ key: "dedicated", value: "dashboard", effect: "NO_SCHEDULE" }],
            },
        },
        irsaRoles: {
            "postgres-backup": {
                namespace: "production-agents",
                serviceAccount: "postgres-backup",
                s3Access: { bucket: "agent-platform-prod-backups", prefix: "postgres" },
            },
        },
        ...overrides,
    };
}

interface Captured {
    opts: Record<string, pulumi.ResourceOptions>;
}

/** Runs the component under mocks; a legacy transformation records each child's resource options. */
async function render(args: EksClusterArgs, extra?: (c: EksCluster) => void) {
    const captured: Captured = { opts: {} };
    const run = await runUnderMocks(
        () => {
            const c = new EksCluster("prod", args, {
                transformations: [
                    (t) => {
                        captured.opts[t.name] = t.opts;
                        return undefined;
                    },
                ],
            });
            extra?.(c);
            return c;
        },
        { config: CONFIG },
    );
    return { ...run, captured };
}

function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}
function one(resources: RecordedResource[], type: string, name?: string): RecordedResource {
    const hits = ofType(resources, type).filter((r) => name === undefined || r.name === name);
    assert.equal(hits.length, 1, `expected one ${type} ${name ?? ""}, got ${hits.map((h) => h.name).join(", ")}`);
    return hits[0];
}
function policyOf(r: RecordedResource): any {
    return JSON.parse(r.inputs.assumeRolePolicy ?? r.inputs.policy);
}

describe("aws/EksCluster under mocks (prod defaults)", function () {
    this.timeout(60000);
    let resources: RecordedResource[];
    let captured: Captured;
    let outputs: { kubeconfigSecret: boolean; nodeGroupNames: Record<string, string>; oidc: string };

    before(async () => {
        const run = await render(prodArgs(), (c) => {
            // A workload deployed the way stacks/index.ts does: on the cluster's provider.
            new k8s.apps.v1.Deployment(
                "workload",
                {
                    metadata: { name: "worker-agent", namespace: "default" },
                    spec: {
                        selector: { matchLabels: { app: "w" } },
                        template: { metadata: { labels: { app: "w" } }, spec: { containers: [{ name: "w", image: "w:1" }] } },
                    },
                },
                { provider: c.provider },
            );
        });
        resources = run.resources;
        captured = run.captured;
        const c = run.result;
        const secret = await new Promise<boolean>((resolve) => pulumi.isSecret(c.kubeconfig).then(resolve));
        const names = await new Promise<Record<string, string>>((resolve) => c.nodeGroupNames.apply(resolve));
        const oidc = await new Promise<string>((resolve) => c.oidcProviderArn.apply(resolve));
        outputs = { kubeconfigSecret: secret, nodeGroupNames: names, oidc };
    });

    it("THEN the network spans 3 AZs with tagged public/private subnets and one NAT gateway per AZ", () => {
        const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
        const priv = subnets.filter((s) => s.name.startsWith("prod-private-"));
        const pub = subnets.filter((s) => s.name.startsWith("prod-public-"));
        assert.equal(priv.length, 3);
        assert.equal(pub.length, 3);
        assert.deepEqual(priv.map((s) => s.inputs.availabilityZone).sort(), ["us-east-1a", "us-east-1b", "us-east-1c"]);
        for (const s of priv) {
            assert.equal(s.inputs.tags["kubernetes.io/role/internal-elb"], "1");
            assert.equal(s.inputs.tags["kubernetes.io/cluster/agent-platform-prod"], "shared");
            assert.equal(s.inputs.mapPublicIpOnLaunch, false);
        }
        for (const s of pub) assert.equal(s.inputs.tags["kubernetes.io/role/elb"], "1");
        assert.equal(ofType(resources, "aws:ec2/natGateway:NatGateway").length, 3);
        assert.equal(ofType(resources, "aws:ec2/internetGateway:InternetGateway").length, 1);
        const privateRoutes = ofType(resources, "aws:ec2/route:Route").filter((r) => r.name.startsWith("prod-private-"));
        assert.deepEqual(privateRoutes.map((r) => r.inputs.natGatewayId).sort(), ["prod-nat-0-id", "prod-nat-1-id", "prod-nat-2-id"]);
        assert.deepEqual(one(resources, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs.ingress ?? [], []);
    });

    it("THEN the control plane is private-only, KMS-encrypted with rotation, logs all five types and uses API access entries", () => {
        const cluster = one(resources, "aws:eks/cluster:Cluster").inputs;
        assert.equal(cluster.name, "agent-platform-prod");
        assert.equal(cluster.version, "1.33");
        assert.equal(cluster.vpcConfig.endpointPrivateAccess, true);
        assert.equal(cluster.vpcConfig.endpointPublicAccess, false);
        assert.equal(cluster.vpcConfig.publicAccessCidrs, undefined);
        assert.deepEqual(cluster.vpcConfig.subnetIds, ["prod-private-0-id", "prod-private-1-id", "prod-private-2-id"]);
        assert.deepEqual(cluster.encryptionConfig.resources, ["secrets"]);
        assert.equal(cluster.encryptionConfig.provider.keyArn, "arn:aws:kms:us-east-1:123456789012:key/prod-secrets-key");
        assert.deepEqual(cluster.enabledClusterLogTypes, ["api", "audit", "authenticator", "controllerManager", "scheduler"]);
        assert.equal(cluster.accessConfig.authenticationMode, "API");
        const key = one(resources, "aws:kms/key:Key").inputs;
        assert.equal(key.enableKeyRotation, true);
        assert.equal(one(resources, "aws:cloudwatch/logGroup:LogGroup").inputs.name, "/aws/eks/agent-platform-prod/cluster");
        assert.equal(one(resources, "aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, 90);
        assert.equal(policyOf(one(resources, "aws:iam/role:Role", "prod-cluster-role")).Statement[0].Principal.Service, "eks.amazonaws.com");
        const assoc = one(resources, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").inputs;
        assert.equal(assoc.principalArn, "arn:aws:iam::111122223333:role/platform-admins");
        assert.equal(assoc.policyArn, "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy");
        assert.deepEqual(assoc.accessScope, { type: "cluster" });
    });

    it("THEN each node group from the map has its sizes, labels, taints, capacity type and a hardened launch template", () => {
        const groups = ofType(resources, "aws:eks/nodeGroup:NodeGroup");
        assert.deepEqual(groups.map((g) => g.name).sort(), ["prod-compute", "prod-memory"]);
        const compute = one(resources, "aws:eks/nodeGroup:NodeGroup", "prod-compute").inputs;
        assert.deepEqual(compute.scalingConfig, { minSize: 2, maxSize: 80, desiredSize: 3 });
        assert.deepEqual(compute.instanceTypes, ["c7i.2xlarge", "c6i.2xlarge"]);
        assert.equal(compute.capacityType, "ON_DEMAND");
        assert.deepEqual(compute.labels, { "node-group": "compute" });
        assert.deepEqual(compute.subnetIds, ["prod-private-0-id", "prod-private-1-id", "prod-private-2-id"]);
        assert.equal(compute.remoteAccess, undefined);
        assert.equal(compute.tags["k8s.io/cluster-autoscaler/agent-platform-prod"], "owned");
        assert.equal(compute.tags["k8s.io/cluster-autoscaler/enabled"], "true");
        assert.deepEqual(compute.launchTemplate, { id: "prod-compute-lt-id", version: "1" });
        const memory = one(resources, "aws:eks/nodeGroup:NodeGroup", "prod-memory").inputs;
        assert.equal(memory.capacityType, "SPOT");
        assert.deepEqual(memory.labels, { "node-group": "memory", tier: "dashboard" });
        assert.deepEqual(memory.taints, [{ key: "dedicated", value: "dashboard", effect: "NO_SCHEDULE" }]);
        assert.deepEqual(memory.scalingConfig, { minSize: 2, maxSize: 20, desiredSize: 2 });
        for (const lt of ofType(resources, "aws:ec2/launchTemplate:LaunchTemplate")) {
            assert.equal(lt.inputs.metadataOptions.httpTokens, "required");
            assert.equal(lt.inputs.keyName, undefined);
            const ebs = lt.inputs.blockDeviceMappings[0].ebs;
            assert.equal(ebs.encrypted, "true");
            assert.equal(ebs.volumeType, "gp3");
        }
        assert.equal(one(resources, "aws:ec2/launchTemplate:LaunchTemplate", "prod-compute-lt").inputs.blockDeviceMappings[0].ebs.volumeSize, 100);
        assert.deepEqual(outputs.nodeGroupNames, { compute: "compute-mock", memory: "memory-mock" });
    });

    it("THEN desiredSize changes are ignored on every node group so the autoscaler owns it", () => {
        for (const g of ["prod-compute", "prod-memory"]) assert.deepEqual(captured.opts[g].ignoreChanges, ["scalingConfig.desiredSize"]);
    });

    it("THEN the OIDC provider and IRSA roles bind exactly the EBS CSI, autoscaler and backup service accounts", () => {
        const oidc = one(resources, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs;
        assert.deepEqual(oidc.clientIdLists, ["sts.amazonaws.com"]);
        assert.match(oidc.url, /^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//);
        const issuer = oidc.url.replace("https://", "");
        const subs = Object.fromEntries(
            ofType(resources, "aws:iam/role:Role")
                .filter((r) => policyOf(r).Statement[0].Action === "sts:AssumeRoleWithWebIdentity")
                .map((r) => {
                    const st = policyOf(r).Statement[0];
                    assert.equal(st.Principal.Federated, outputs.oidc);
                    assert.equal(st.Condition.StringEquals[`${issuer}:aud`], "sts.amazonaws.com");
                    return [r.name, st.Condition.StringEquals[`${issuer}:sub`]];
                }),
        );
        assert.deepEqual(subs, {
            "prod-ebs-csi-role": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
            "prod-cluster-autoscaler-role": "system:serviceaccount:kube-system:cluster-autoscaler",
            "prod-irsa-postgres-backup-role": "system:serviceaccount:production-agents:postgres-backup",
        });
        const caPolicy = JSON.parse(one(resources, "aws:iam/rolePolicy:RolePolicy", "prod-cluster-autoscaler-inline").inputs.policy);
        assert.deepEqual(caPolicy.Statement[0].Condition, { StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/agent-platform-prod": "owned" } });
        const backup = JSON.parse(one(resources, "aws:iam/rolePolicy:RolePolicy", "prod-irsa-postgres-backup-inline").inputs.policy);
        assert.equal(backup.Statement[1].Resource, "arn:aws:s3:::agent-platform-prod-backups/postgres/*");
    });

    it("THEN the four EKS add-ons exist and the EBS CSI driver uses its IRSA role", () => {
        const addons = ofType(resources, "aws:eks/addon:Addon");
        assert.deepEqual(addons.map((a) => a.inputs.addonName).sort(), ["aws-ebs-csi-driver", "coredns", "kube-proxy", "vpc-cni"]);
        const ebs = addons.find((a) => a.inputs.addonName === "aws-ebs-csi-driver")!;
        assert.equal(ebs.inputs.serviceAccountRoleArn, "arn:aws:iam::123456789012:role/prod-ebs-csi-role");
        // coredns and the EBS CSI driver need nodes; vpc-cni must exist before them.
        assert.ok((captured.opts["prod-coredns"].dependsOn as pulumi.Resource[]).length >= 2);
    });

    it("THEN the k8s provider's kubeconfig is a secret exec-credential kubeconfig built from the cluster's endpoint and CA", () => {
        assert.equal(outputs.kubeconfigSecret, true);
        const provider = one(resources, "pulumi:providers:kubernetes");
        assert.deepEqual(provider.secretPaths, ["kubeconfig"]);
        const kc = JSON.parse(provider.inputs.kubeconfig);
        assert.match(kc.clusters[0].cluster.server, /^https:\/\/.*\.eks\.amazonaws\.com$/);
        assert.equal(kc.clusters[0].cluster["certificate-authority-data"], Buffer.from("mock-ca-agent-platform-prod").toString("base64"));
        assert.deepEqual(kc.users[0].user.exec.args, [
            "eks",
            "get-token",
            "--cluster-name",
            "agent-platform-prod",
            "--region",
            "us-east-1",
            "--output",
            "json",
        ]);
        // Stable inputs only (no replacement on the next up): the kubeconfig and the drift-repair switch.
        assert.deepEqual(
            Object.keys(provider.inputs)
                .filter((k) => k !== "version")
                .sort(),
            ["enablePatchForce", "kubeconfig"],
        );
        assert.equal(String(provider.inputs.enablePatchForce), "true");
    });

    it("THEN every Kubernetes object (add-ons and workloads) is created on the EKS provider", () => {
        const kube = resources.filter((r) => r.type.startsWith("kubernetes:"));
        assert.ok(kube.length >= 15, `only ${kube.length} Kubernetes objects`);
        for (const r of kube) assert.match(r.provider ?? "", /pulumi:providers:kubernetes::prod-k8s::/, `${r.type} ${r.name} not on the EKS provider`);
        const kinds = kube.map((r) => `${r.type.split(":").pop()}/${r.inputs.metadata.name}`);
        for (const expected of [
            "StorageClass/gp3",
            "Deployment/cluster-autoscaler",
            "Deployment/metrics-server",
            "APIService/v1beta1.metrics.k8s.io",
            "Deployment/worker-agent",
        ]) {
            assert.ok(kinds.includes(expected), `missing ${expected}`);
        }
        const ms = kube.find((r) => r.name === "prod-deployment-metrics-server")!;
        assert.equal(ms.inputs.spec.replicas, 2);
    });

    it("THEN every child is parented to the component and named with its prefix", () => {
        for (const r of resources.filter((x) => x.type !== "agent-platform:index:EksCluster" && x.name !== "workload")) assert.match(r.name, /^prod-/);
        for (const [name, opts] of Object.entries(captured.opts)) if (name !== "prod") assert.ok(opts.parent, `${name} has no parent`);
    });
});

describe("aws/EksCluster under mocks (variants)", function () {
    this.timeout(60000);

    it("GIVEN dev with an existing VPC and ignoreDesiredSizeChanges false WHEN rendered THEN no network is created, subnets are used as given and desiredSize is managed", async () => {
        const { resources, captured } = await render({
            environment: "dev",
            clusterName: "dev-eks",
            vpc: { existing: { vpcId: "vpc-123", privateSubnetIds: ["subnet-a", "subnet-b"], publicSubnetIds: ["subnet-p"] } },
            endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] },
            ignoreDesiredSizeChanges: false,
            autoscaler: { enabled: false },
            metricsServer: { enabled: false },
            nodeGroups: { general: { instanceTypes: ["t3.large"], minSize: 3, maxSize: 4 } },
        });
        assert.equal(ofType(resources, "aws:ec2/vpc:Vpc").length, 0);
        assert.equal(ofType(resources, "aws:ec2/natGateway:NatGateway").length, 0);
        const cluster = one(resources, "aws:eks/cluster:Cluster").inputs;
        assert.deepEqual(cluster.vpcConfig.subnetIds, ["subnet-a", "subnet-b"]);
        assert.deepEqual(cluster.vpcConfig.publicAccessCidrs, ["0.0.0.0/0"]);
        assert.deepEqual(one(resources, "aws:eks/nodeGroup:NodeGroup").inputs.subnetIds, ["subnet-a", "subnet-b"]);
        assert.equal(captured.opts["prod-general"].ignoreChanges, undefined);
        assert.equal(resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment").length, 0);
        assert.equal(one(resources, "kubernetes:storage.k8s.io/v1:StorageClass").inputs.metadata.name, "gp3");
    });

    it("GIVEN a single NAT gateway WHEN rendered THEN every private route table uses it", async () => {
        const { resources } = await render(prodArgs({ vpc: { create: { natGateways: "single", azCount: 2 } } }));
        assert.equal(ofType(resources, "aws:ec2/natGateway:NatGateway").length, 1);
        const routes = ofType(resources, "aws:ec2/route:Route").filter((r) => r.name.startsWith("prod-private-"));
        assert.deepEqual(
            routes.map((r) => r.inputs.natGatewayId),
            ["prod-nat-0-id", "prod-nat-0-id"],
        );
    });

    it("GIVEN invalid args WHEN constructed THEN it throws before any resource is registered", async () => {
        let error: Error | undefined;
        const { resources } = await runUnderMocks(
            () => {
                try {
                    new EksCluster("prod", prodArgs({ vpc: { create: {}, existing: { vpcId: "v", privateSubnetIds: ["a", "b"] } } }));
                } catch (e) {
                    error = e as Error;
                }
            },
            { config: CONFIG },
        );
        assert.match(error?.message ?? "", /vpc\.create and vpc\.existing are mutually exclusive: set exactly one/);
        assert.equal(resources.length, 0);
    });

    it("GIVEN cluster region eu-west-1 while aws:region is us-east-1 WHEN rendered THEN every regional AWS resource, the AZs and the kubeconfig use eu-west-1", async () => {
        const { resources } = await render(prodArgs({ region: "eu-west-1" }));
        const regional = resources.filter((r) => r.type.startsWith("aws:") && !r.type.startsWith("aws:iam/"));
        assert.ok(regional.length > 20);
        for (const r of regional) assert.equal(r.inputs.region, "eu-west-1", `${r.type} ${r.name}`);
        for (const r of ofType(resources, "aws:iam/role:Role")) assert.equal(r.inputs.region, undefined);
        assert.deepEqual(
            ofType(resources, "aws:ec2/subnet:Subnet")
                .filter((s) => s.name.startsWith("prod-private-"))
                .map((s) => s.inputs.availabilityZone),
            ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
        );
        const kc = JSON.parse(one(resources, "pulumi:providers:kubernetes").inputs.kubeconfig);
        assert.deepEqual(kc.users[0].user.exec.args.slice(4, 6), ["--region", "eu-west-1"]);
        const ca = one(resources, "kubernetes:apps/v1:Deployment", "prod-deployment-cluster-autoscaler").inputs;
        assert.deepEqual(ca.spec.template.spec.containers[0].env, [{ name: "AWS_REGION", value: "eu-west-1" }]);
    });
});
