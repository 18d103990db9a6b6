import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { efsFileSystemSpec, efsNfsIngressRule } from "../../../components/aws/efs";
import { EksCluster } from "../../../components/aws/eks-cluster";
import { EksClusterArgs } from "../../../components/aws/types";
import { ResolvedEfs } from "../../../components/aws/resolved";
import { resolveEksClusterArgs, validateEksClusterArgs } from "../../../components/aws/validation";
import { RecordedResource, runUnderMocks } from "../../../tools/lib/mock-runtime";

const CONFIG = { "aws:region": "us-east-1" };
const EFS_TYPES = [
    "aws:efs/fileSystem:FileSystem",
    "aws:efs/mountTarget:MountTarget",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
];

function args(overrides: Partial<EksClusterArgs> = {}): EksClusterArgs {
    return {
        clusterName: "agent-platform-prod",
        region: "us-east-1",
        nodeGroups: {
            compute: { instanceTypes: ["c7i.2xlarge"], minSize: 2, maxSize: 80 },
            memory: { instanceTypes: ["r6i.xlarge"], minSize: 2, maxSize: 20 },
        },
        ...overrides,
    };
}

interface Rendered {
    resources: RecordedResource[];
    cluster: EksCluster;
    dependsOn: Record<string, string[]>;
    outputs: { efsFileSystemId?: string };
}

async function render(a: EksClusterArgs): Promise<Rendered> {
    const dependsOn: Record<string, string[]> = {};
    const run = await runUnderMocks(
        () =>
            new EksCluster("prod", a, {
                transformations: [
                    (t) => {
                        dependsOn[t.name] = ((t.opts.dependsOn ?? []) as pulumi.Resource[]).map((r) => (r as unknown as { __name?: string }).__name ?? "?");
                        return undefined;
                    },
                ],
            }),
        { config: CONFIG },
    );
    const c = run.result;
    const efsFileSystemId = c.efsFileSystemId ? await new Promise<string>((resolve) => c.efsFileSystemId!.apply(resolve)) : undefined;
    return { resources: run.resources, cluster: c, dependsOn, outputs: { efsFileSystemId } };
}

function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
    return resources.filter((r) => r.type === type);
}
function one(resources: RecordedResource[], type: string, name?: string): RecordedResource {
    const hits = ofType(resources, type).filter((r) => name === undefined || r.name === name);
    assert.equal(hits.length, 1, `expected one ${type} ${name ?? ""}, got ${hits.map((h) => h.name).join(", ")}`);
    return hits[0];
}
function storageClass(resources: RecordedResource[], name: string): RecordedResource | undefined {
    return ofType(resources, "kubernetes:storage.k8s.io/v1:StorageClass").find((r) => r.inputs.metadata.name === name);
}

const RESOLVED: ResolvedEfs = {
    storageClassName: "efs-sc",
    performanceMode: "generalPurpose",
    throughputMode: "elastic",
    kmsKey: "cluster",
    reclaimPolicy: "Retain",
};

describe("aws/efs pure builders", () => {
    it("GIVEN the default EFS settings WHEN the file system spec is built THEN it is encrypted with the cluster key, generalPurpose/elastic, no lifecycle policy", () => {
        const spec = efsFileSystemSpec(RESOLVED, "c1", "arn:aws:kms:us-east-1:1:key/k", { team: "x" }) as any;
        assert.equal(spec.encrypted, true);
        assert.equal(spec.kmsKeyId, "arn:aws:kms:us-east-1:1:key/k");
        assert.equal(spec.performanceMode, "generalPurpose");
        assert.equal(spec.throughputMode, "elastic");
        assert.equal(spec.provisionedThroughputInMibps, undefined);
        assert.equal(spec.lifecyclePolicies, undefined);
        assert.deepEqual(spec.tags, { team: "x", Name: "c1-efs" });
    });

    it("GIVEN kmsKey aws-managed, provisioned throughput and an IA transition WHEN built THEN no key is pinned (AWS default key), throughput and lifecycle are set", () => {
        const spec = efsFileSystemSpec(
            { ...RESOLVED, kmsKey: "aws-managed", throughputMode: "provisioned", provisionedThroughputMibps: 64, transitionToIa: "AFTER_30_DAYS" },
            "c1",
            "arn:k",
            {},
        ) as any;
        assert.equal(spec.encrypted, true);
        assert.equal("kmsKeyId" in spec, false);
        assert.equal(spec.throughputMode, "provisioned");
        assert.equal(spec.provisionedThroughputInMibps, 64);
        assert.deepEqual(spec.lifecyclePolicies, [{ transitionToIa: "AFTER_30_DAYS" }]);
    });

    it("GIVEN a node security group WHEN the NFS rule is built THEN it admits TCP 2049 from that group only (no CIDR)", () => {
        const rule = efsNfsIngressRule("sg-efs", "sg-nodes", {}) as any;
        assert.deepEqual(
            [rule.securityGroupId, rule.ipProtocol, rule.fromPort, rule.toPort, rule.referencedSecurityGroupId],
            ["sg-efs", "tcp", 2049, 2049, "sg-nodes"],
        );
        assert.equal(rule.cidrIpv4, undefined);
        assert.equal(rule.cidrIpv6, undefined);
    });
});

describe("aws/validation efs and storage rules", () => {
    const issues = (a: EksClusterArgs) => validateEksClusterArgs("prod", a);
    const expectIssue = (a: EksClusterArgs, path: string, pattern: RegExp) => {
        const all = issues(a);
        assert.ok(
            all.some((i) => i.path.join(".") === path && pattern.test(i.message)),
            `expected ${path} ~ ${pattern}, got ${JSON.stringify(all)}`,
        );
    };

    it("GIVEN efs enabled with defaults WHEN resolved THEN efs-sc, generalPurpose, elastic, cluster key and Retain in prod / Delete in dev", () => {
        assert.deepEqual(issues(args({ efs: { enabled: true } })), []);
        assert.deepEqual(resolveEksClusterArgs("prod", args({ efs: { enabled: true } })).efs, RESOLVED);
        assert.equal(resolveEksClusterArgs("dev", args({ environment: "dev", efs: { enabled: true } })).efs!.reclaimPolicy, "Delete");
        assert.equal(resolveEksClusterArgs("prod", args({ efs: { enabled: true, reclaimPolicy: "Delete" } })).efs!.reclaimPolicy, "Delete");
    });

    it("GIVEN efs absent or enabled: false WHEN resolved THEN efs is undefined", () => {
        assert.equal(resolveEksClusterArgs("prod", args()).efs, undefined);
        assert.equal(resolveEksClusterArgs("prod", args({ efs: { enabled: false } })).efs, undefined);
    });

    it("GIVEN EFS options or the EFS add-on version while efs is disabled WHEN validated THEN each names the field and efs.enabled", () => {
        expectIssue(
            args({ efs: { enabled: false, throughputMode: "bursting" } }),
            "efs.throughputMode",
            /^efs\.throughputMode is set but efs\.enabled is not true; enable EFS or remove efs\.throughputMode$/,
        );
        expectIssue(
            args({ addons: { awsEfsCsiDriver: "v2.1.0-eksbuild.1" } }),
            "addons.awsEfsCsiDriver",
            /addons\.awsEfsCsiDriver is set but efs\.enabled is not true/,
        );
    });

    it("GIVEN maxIO with elastic throughput WHEN validated THEN the mutual exclusion names both fields", () => {
        expectIssue(
            args({ efs: { enabled: true, performanceMode: "maxIO" } }),
            "efs.performanceMode",
            /efs\.performanceMode "maxIO" and efs\.throughputMode "elastic" are mutually exclusive/,
        );
        assert.deepEqual(issues(args({ efs: { enabled: true, performanceMode: "maxIO", throughputMode: "bursting" } })), []);
    });

    it("GIVEN provisioned throughput without MiB/s, out of range, or MiB/s without provisioned WHEN validated THEN each is reported with the value", () => {
        expectIssue(
            args({ efs: { enabled: true, throughputMode: "provisioned" } }),
            "efs.provisionedThroughputMibps",
            /is required when efs\.throughputMode is "provisioned"/,
        );
        expectIssue(
            args({ efs: { enabled: true, throughputMode: "provisioned", provisionedThroughputMibps: 0 } }),
            "efs.provisionedThroughputMibps",
            /between 1 and 3414 \(EFS quota\), got 0$/,
        );
        expectIssue(
            args({ efs: { enabled: true, provisionedThroughputMibps: 100 } }),
            "efs.provisionedThroughputMibps",
            /only allowed with efs\.throughputMode "provisioned", got throughputMode "elastic"/,
        );
    });

    it("GIVEN an existing VPC without private subnets WHEN efs is enabled THEN it asks for private subnets for the mount targets", () => {
        expectIssue(
            args({ vpc: { existing: { vpcId: "vpc-1", privateSubnetIds: [] } }, efs: { enabled: true } }),
            "efs.enabled",
            /^efs\.enabled requires private subnets for the EFS mount targets: vpc\.existing\.privateSubnetIds is empty$/,
        );
    });

    it("GIVEN a bad or clashing StorageClass name WHEN validated THEN the name rule fails", () => {
        expectIssue(args({ efs: { enabled: true, storageClassName: "EFS_SC" } }), "efs.storageClassName", /DNS-1123 subdomain.*got "EFS_SC"/);
        expectIssue(args({ efs: { enabled: true, storageClassName: "gp3" } }), "efs.storageClassName", /must differ from the gp3 default class "gp3"/);
    });

    it("GIVEN invalid enum values from untyped config WHEN validated THEN each lists the allowed values", () => {
        const bad = { enabled: true, kmsKey: "mine", transitionToIa: "AFTER_2_DAYS", reclaimPolicy: "Recycle" } as unknown as EksClusterArgs["efs"];
        expectIssue(args({ efs: bad }), "efs.kmsKey", /must be "cluster" or "aws-managed", got "mine"/);
        expectIssue(args({ efs: bad }), "efs.transitionToIa", /must be one of AFTER_1_DAY, .*got "AFTER_2_DAYS"/);
        expectIssue(args({ efs: bad }), "efs.reclaimPolicy", /must be "Retain" or "Delete", got "Recycle"/);
        expectIssue(
            args({ storage: { defaultReclaimPolicy: "Recycle" as "Retain" } }),
            "storage.defaultReclaimPolicy",
            /must be "Retain" or "Delete", got "Recycle"/,
        );
    });

    it("GIVEN an invalid efs config WHEN the component is constructed THEN it throws before registering anything", async () => {
        let error: Error | undefined;
        const { resources } = await runUnderMocks(
            () => {
                try {
                    new EksCluster("prod", args({ efs: { enabled: true, performanceMode: "maxIO" } }));
                } catch (e) {
                    error = e as Error;
                }
            },
            { config: CONFIG },
        );
        assert.match(error?.message ?? "", /efs\.performanceMode "maxIO" and efs\.throughputMode "elastic" are mutually exclusive/);
        assert.equal(resources.length, 0);
    });
});

describe("aws/EksCluster EFS under mocks", function () {
    this.timeout(120000);

    describe("GIVEN prod with efs: { enabled: true } WHEN rendered", () => {
        let r: Rendered;
        before(async () => {
            r = await render(args({ efs: { enabled: true }, tags: { project: "agent-platform" } }));
        });

        it("THEN one encrypted EFS file system uses the cluster's KMS key, generalPurpose and elastic throughput", () => {
            const fs = one(r.resources, "aws:efs/fileSystem:FileSystem", "prod-efs").inputs;
            assert.equal(fs.encrypted, true);
            assert.equal(fs.kmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/prod-secrets-key");
            assert.equal(fs.performanceMode, "generalPurpose");
            assert.equal(fs.throughputMode, "elastic");
            assert.equal(fs.tags.project, "agent-platform");
            assert.equal(fs.tags["agent-platform/cluster"], "agent-platform-prod");
        });

        it("THEN the mount-target security group in the cluster VPC admits only NFS 2049 from the node (cluster) security group and has no inline rules", () => {
            const sg = one(r.resources, "aws:ec2/securityGroup:SecurityGroup", "prod-efs-sg").inputs;
            assert.equal(sg.vpcId, "prod-vpc-id");
            assert.equal(sg.ingress, undefined);
            assert.equal(sg.egress, undefined);
            const rules = ofType(r.resources, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
            assert.equal(rules.length, 1);
            const rule = rules[0].inputs;
            assert.deepEqual([rule.securityGroupId, rule.ipProtocol, rule.fromPort, rule.toPort], ["prod-efs-sg-id", "tcp", 2049, 2049]);
            assert.equal(rule.referencedSecurityGroupId, "sg-agent-platform-prod");
            assert.equal(rule.cidrIpv4, undefined);
        });

        it("THEN there is one mount target per private subnet, each in the EFS security group", () => {
            const mts = ofType(r.resources, "aws:efs/mountTarget:MountTarget");
            assert.deepEqual(mts.map((m) => m.inputs.subnetId).sort(), ["prod-private-0-id", "prod-private-1-id", "prod-private-2-id"]);
            for (const m of mts) {
                assert.equal(m.inputs.fileSystemId, "prod-efs-id");
                assert.deepEqual(m.inputs.securityGroups, ["prod-efs-sg-id"]);
            }
        });

        it("THEN the aws-efs-csi-driver add-on uses an IRSA role trusted only by kube-system:efs-csi-controller-sa with AmazonEFSCSIDriverPolicy", () => {
            const addon = ofType(r.resources, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "aws-efs-csi-driver")!;
            assert.ok(addon, "no aws-efs-csi-driver add-on");
            assert.equal(addon.inputs.serviceAccountRoleArn, "arn:aws:iam::123456789012:role/prod-efs-csi-role");
            assert.equal(addon.inputs.addonVersion, undefined);
            const trust = JSON.parse(one(r.resources, "aws:iam/role:Role", "prod-efs-csi-role").inputs.assumeRolePolicy);
            const cond = trust.Statement[0].Condition.StringEquals;
            const sub = Object.entries(cond).find(([k]) => k.endsWith(":sub"))![1];
            assert.equal(sub, "system:serviceaccount:kube-system:efs-csi-controller-sa");
            assert.equal(trust.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
            const attach = one(r.resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "prod-efs-csi-policy-0").inputs;
            assert.equal(attach.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy");
            assert.ok(r.dependsOn["prod-aws-efs-csi-driver"].length >= 2, "the add-on must wait for the node groups");
        });

        it("THEN the efs-sc StorageClass on the cluster's provider provisions access points on the file system and retains data", () => {
            const sc = storageClass(r.resources, "efs-sc")!;
            assert.ok(sc, "no efs-sc StorageClass");
            assert.match(sc.provider ?? "", /pulumi:providers:kubernetes::prod-k8s::/);
            assert.equal(sc.inputs.provisioner, "efs.csi.aws.com");
            assert.deepEqual(sc.inputs.parameters, { provisioningMode: "efs-ap", fileSystemId: "prod-efs-id", directoryPerms: "700" });
            assert.equal(sc.inputs.reclaimPolicy, "Retain");
            assert.equal(sc.inputs.volumeBindingMode, "Immediate");
            assert.equal(sc.inputs.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"], undefined);
            // after the node groups (2), the CSI add-on, the NFS rule and the 3 mount targets
            assert.ok(r.dependsOn["prod-storageclass-efs-sc"].length >= 7, `dependsOn ${r.dependsOn["prod-storageclass-efs-sc"].length}`);
        });

        it("THEN the component exposes efsFileSystemId, the class name and the CSI role", () => {
            assert.equal(r.outputs.efsFileSystemId, "prod-efs-id");
            assert.equal(r.cluster.efsStorageClassName, "efs-sc");
            assert.ok(r.cluster.efsCsiRoleArn);
        });

        it("THEN every EFS child is parented to the component and pinned to the cluster region", () => {
            for (const t of EFS_TYPES)
                for (const res of ofType(r.resources, t)) {
                    assert.match(res.name, /^prod-efs/);
                    assert.equal(res.inputs.region, "us-east-1", `${res.type} ${res.name}`);
                }
        });
    });

    it("GIVEN efs disabled (default) WHEN rendered THEN nothing EFS-related exists: no file system, mount target, security group, add-on, IRSA role, StorageClass or output", async () => {
        const r = await render(args());
        for (const t of EFS_TYPES) assert.equal(ofType(r.resources, t).length, 0, t);
        assert.equal(ofType(r.resources, "aws:eks/addon:Addon").filter((a) => a.inputs.addonName === "aws-efs-csi-driver").length, 0);
        assert.equal(r.resources.filter((x) => x.name.includes("efs")).length, 0);
        assert.equal(storageClass(r.resources, "efs-sc"), undefined);
        assert.equal(r.cluster.efsFileSystemId, undefined);
        assert.equal(r.cluster.efsStorageClassName, undefined);
    });

    it("GIVEN dev, an existing VPC, aws-managed key, bursting, IA after 30 days and a custom class name WHEN rendered THEN mount targets follow the given subnets and the class deletes data", async () => {
        const r = await render(
            args({
                environment: "dev",
                clusterName: "dev-eks",
                vpc: { existing: { vpcId: "vpc-123", privateSubnetIds: ["subnet-a", "subnet-b"] } },
                nodeGroups: { general: { instanceTypes: ["t3.large"], minSize: 3, maxSize: 4 } },
                addons: { awsEfsCsiDriver: "v2.1.4-eksbuild.1" },
                efs: { enabled: true, storageClassName: "shared-rwx", kmsKey: "aws-managed", throughputMode: "bursting", transitionToIa: "AFTER_30_DAYS" },
            }),
        );
        const fs = one(r.resources, "aws:efs/fileSystem:FileSystem").inputs;
        assert.equal(fs.encrypted, true);
        assert.equal(fs.kmsKeyId, undefined);
        assert.equal(fs.throughputMode, "bursting");
        assert.deepEqual(fs.lifecyclePolicies, [{ transitionToIa: "AFTER_30_DAYS" }]);
        assert.equal(one(r.resources, "aws:ec2/securityGroup:SecurityGroup").inputs.vpcId, "vpc-123");
        assert.deepEqual(
            ofType(r.resources, "aws:efs/mountTarget:MountTarget").map((m) => m.inputs.subnetId),
            ["subnet-a", "subnet-b"],
        );
        const addon = ofType(r.resources, "aws:eks/addon:Addon").find((a) => a.inputs.addonName === "aws-efs-csi-driver")!;
        assert.equal(addon.inputs.addonVersion, "v2.1.4-eksbuild.1");
        const sc = storageClass(r.resources, "shared-rwx")!;
        assert.equal(sc.inputs.reclaimPolicy, "Delete");
        assert.equal(storageClass(r.resources, "gp3")!.inputs.reclaimPolicy, "Delete");
    });
});

describe("aws/EksCluster gp3 reclaim policy under mocks", function () {
    this.timeout(120000);

    it("GIVEN prod without storage settings WHEN rendered THEN the gp3 default class retains volumes", async () => {
        const r = await render(args());
        assert.equal(storageClass(r.resources, "gp3")!.inputs.reclaimPolicy, "Retain");
    });

    it("GIVEN dev without storage settings WHEN rendered THEN the gp3 default class deletes volumes", async () => {
        const r = await render(args({ environment: "dev" }));
        assert.equal(storageClass(r.resources, "gp3")!.inputs.reclaimPolicy, "Delete");
    });

    it("GIVEN an explicit storage.defaultReclaimPolicy WHEN rendered THEN it overrides the environment default both ways", async () => {
        const prodDelete = await render(args({ storage: { defaultReclaimPolicy: "Delete" } }));
        assert.equal(storageClass(prodDelete.resources, "gp3")!.inputs.reclaimPolicy, "Delete");
        const devRetain = await render(args({ environment: "dev", storage: { defaultReclaimPolicy: "Retain" } }));
        assert.equal(storageClass(devRetain.resources, "gp3")!.inputs.reclaimPolicy, "Retain");
    });
});
