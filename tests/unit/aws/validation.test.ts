import { strict as assert } from "assert";
import { EksClusterArgs } from "../../../components/aws/types";
import { resolveEksClusterArgs, validateEksClusterArgs } from "../../../components/aws/validation";

/** A valid prod cluster: two groups spanning the default 3 AZs. */
export function validArgs(overrides: Partial<EksClusterArgs> = {}): EksClusterArgs {
    return {
        region: "us-east-1",
        nodeGroups: {
            compute: { instanceTypes: ["c7i.2xlarge"], minSize: 2, maxSize: 80 },
            memory: { instanceTypes: ["r6i.xlarge"], minSize: 1, maxSize: 20 },
        },
        ...overrides,
    };
}

function messages(args: EksClusterArgs): string[] {
    return validateEksClusterArgs("prod", args).map((i) => i.message);
}

function expectIssue(args: EksClusterArgs, path: string, pattern: RegExp): void {
    const issues = validateEksClusterArgs("prod", args);
    const hit = issues.find((i) => i.path.join(".") === path && pattern.test(i.message));
    assert.ok(hit, `expected an issue at ${path} matching ${pattern}, got ${JSON.stringify(issues)}`);
}

describe("aws/validation validateEksClusterArgs", () => {
    it("GIVEN the valid prod args WHEN validated THEN there are no issues", () => {
        assert.deepEqual(validateEksClusterArgs("prod", validArgs()), []);
    });

    it("GIVEN both vpc.create and vpc.existing WHEN validated THEN the exact mutual-exclusion message names both", () => {
        const args = validArgs({ vpc: { create: {}, existing: { vpcId: "vpc-1", privateSubnetIds: ["a", "b"] } } });
        assert.deepEqual(messages(args), ["vpc.create and vpc.existing are mutually exclusive: set exactly one"]);
    });

    it("GIVEN desiredSize above maxSize WHEN validated THEN min <= desired <= max names the group and the values", () => {
        const args = validArgs();
        args.nodeGroups.compute.desiredSize = 90;
        expectIssue(args, "nodeGroups.compute.desiredSize", /^nodeGroups\.compute must satisfy minSize <= desiredSize <= maxSize, got 2 <= 90 <= 80$/);
    });

    it("GIVEN minSize above maxSize WHEN validated THEN the same rule fails", () => {
        const args = validArgs();
        args.nodeGroups.memory = { instanceTypes: ["r6i.xlarge"], minSize: 5, maxSize: 3 };
        expectIssue(args, "nodeGroups.memory.desiredSize", /got 5 <= 5 <= 3/);
    });

    it("GIVEN no instance types WHEN validated THEN at least one is required", () => {
        const args = validArgs();
        args.nodeGroups.compute.instanceTypes = [];
        expectIssue(args, "nodeGroups.compute.instanceTypes", /must list at least one instance type, got \[\]/);
    });

    it("GIVEN malformed or duplicate instance types WHEN validated THEN each is reported", () => {
        const args = validArgs();
        args.nodeGroups.compute.instanceTypes = ["c7i.2xlarge", "c7i.2xlarge", "big"];
        expectIssue(args, "nodeGroups.compute.instanceTypes", /must be unique, got c7i\.2xlarge twice/);
        expectIssue(args, "nodeGroups.compute.instanceTypes.2", /must look like "c7i\.2xlarge", got "big"/);
    });

    it("GIVEN no node groups WHEN validated THEN at least one is required", () => {
        expectIssue(validArgs({ nodeGroups: {} }), "nodeGroups", /at least one managed node group/);
    });

    it("GIVEN an invalid group name WHEN validated THEN the name rule fails", () => {
        expectIssue(
            validArgs({ nodeGroups: { Compute_1: { instanceTypes: ["c7i.large"], minSize: 3, maxSize: 5 } } }),
            "nodeGroups.Compute_1",
            /lowercase alphanumeric/,
        );
    });

    it("GIVEN prod and an existing VPC with a group pinned to one subnet WHEN validated THEN the >= 2 AZ rule fails; dev accepts it", () => {
        const args = validArgs({
            vpc: { existing: { vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] } },
            nodeGroups: { compute: { instanceTypes: ["c7i.2xlarge"], minSize: 3, maxSize: 10, subnetIds: ["subnet-a"] } },
        });
        expectIssue(args, "nodeGroups.compute.subnetIds", /^nodeGroups\.compute must span at least 2 AZs in prod, got 1$/);
        assert.deepEqual(validateEksClusterArgs("dev", { ...args, environment: "dev" }), []);
    });

    it("GIVEN subnetIds on a group while the VPC is created WHEN validated THEN it asks for vpc.existing", () => {
        const args = validArgs();
        args.nodeGroups.compute.subnetIds = ["subnet-a", "subnet-b"];
        expectIssue(args, "nodeGroups.compute.subnetIds", /requires vpc\.existing/);
    });

    it("GIVEN azCount 1 WHEN validated THEN EKS's two-AZ minimum fails", () => {
        expectIssue(validArgs({ vpc: { create: { azCount: 1 } } }), "vpc.create.azCount", /between 2 and 6 .* got 1/);
    });

    it("GIVEN azCount disagreeing with availabilityZones WHEN validated THEN both fields are named", () => {
        expectIssue(
            validArgs({ vpc: { create: { azCount: 3, availabilityZones: ["us-east-1a", "us-east-1b"] } } }),
            "vpc.create.azCount",
            /vpc\.create\.azCount \(3\) must equal the length of vpc\.create\.availabilityZones \(2\)/,
        );
    });

    it("GIVEN a too-small VPC CIDR WHEN validated THEN the CIDR issue is reported at vpc.create.cidr", () => {
        expectIssue(validArgs({ vpc: { create: { cidr: "10.0.0.0/24" } } }), "vpc.create.cidr", /too small for 3 AZs/);
    });

    it("GIVEN an existing VPC with one private subnet WHEN validated THEN two are required", () => {
        expectIssue(
            validArgs({ vpc: { existing: { vpcId: "vpc-1", privateSubnetIds: ["subnet-a"] } } }),
            "vpc.existing.privateSubnetIds",
            /at least 2 distinct subnets/,
        );
    });

    it("GIVEN 0.0.0.0/0 on the public endpoint WHEN prod THEN it is rejected; WHEN dev THEN it is allowed", () => {
        const endpoint = { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] };
        expectIssue(validArgs({ endpoint }), "endpoint.publicAccessCidrs.0", /must not contain 0\.0\.0\.0\/0 in prod/);
        assert.deepEqual(validateEksClusterArgs("dev", validArgs({ endpoint, environment: "dev" })), []);
    });

    it("GIVEN a public endpoint without CIDRs WHEN validated THEN CIDRs are required (EKS would open it to the world)", () => {
        expectIssue(validArgs({ endpoint: { publicAccess: true } }), "endpoint.publicAccessCidrs", /at least one CIDR when endpoint\.publicAccess is true/);
    });

    it("GIVEN CIDRs while the public endpoint is off WHEN validated THEN the contradiction is reported", () => {
        expectIssue(
            validArgs({ endpoint: { publicAccessCidrs: ["203.0.113.0/24"] } }),
            "endpoint.publicAccessCidrs",
            /is set but endpoint\.publicAccess is false/,
        );
    });

    it("GIVEN both endpoints off WHEN validated THEN it is rejected naming both fields", () => {
        expectIssue(validArgs({ endpoint: { privateAccess: false } }), "endpoint", /endpoint\.privateAccess and endpoint\.publicAccess cannot both be false/);
    });

    it("GIVEN a prod cluster with only a public endpoint WHEN validated THEN private access is required", () => {
        expectIssue(
            validArgs({ endpoint: { privateAccess: false, publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] } }),
            "endpoint.privateAccess",
            /must be true in prod/,
        );
    });

    it("GIVEN group minimums below autoscaler.minNodes WHEN validated THEN the overall minimum rule fails", () => {
        const args = validArgs({ autoscaler: { minNodes: 5 } });
        expectIssue(args, "autoscaler.minNodes", /sum of nodeGroups\.\*\.minSize \(3\) must be >= autoscaler\.minNodes \(5\)/);
    });

    it("GIVEN autoscaler minNodes > maxNodes WHEN validated THEN min <= max fails", () => {
        expectIssue(validArgs({ autoscaler: { minNodes: 3, maxNodes: 2 } }), "autoscaler", /minNodes <= maxNodes, got 3 > 2/);
    });

    it("GIVEN prod with an explicit maxNodes above the sum of group maxima WHEN validated THEN it is reported as unreachable", () => {
        expectIssue(validArgs({ autoscaler: { maxNodes: 150 } }), "autoscaler.maxNodes", /unreachable: the sum of nodeGroups\.\*\.maxSize is 100/);
    });

    it("GIVEN a Kubernetes version without a mapped autoscaler image WHEN validated THEN autoscaler.image is required", () => {
        expectIssue(validArgs({ kubernetesVersion: "1.40" }), "autoscaler.image", /required for kubernetesVersion 1\.40/);
        assert.deepEqual(
            validateEksClusterArgs(
                "prod",
                validArgs({ kubernetesVersion: "1.40", autoscaler: { image: "registry.k8s.io/autoscaling/cluster-autoscaler:v1.40.0" } }),
            ),
            [],
        );
    });

    it("GIVEN malformed scalar settings WHEN validated THEN each names its field and value", () => {
        expectIssue(validArgs({ kubernetesVersion: "latest" }), "kubernetesVersion", /got "latest"/);
        expectIssue(validArgs({ clusterName: "-bad" }), "clusterName", /got "-bad"/);
        expectIssue(validArgs({ logRetentionDays: 45 }), "logRetentionDays", /got 45/);
        expectIssue(validArgs({ imdsHopLimit: 0 }), "imdsHopLimit", /between 1 and 64, got 0/);
        expectIssue(validArgs({ autoscaler: { scaleDownUnneededTime: "ten" } }), "autoscaler.scaleDownUnneededTime", /got "ten"/);
    });

    it("GIVEN a node-group label overriding the reserved node-group key WHEN validated THEN it is rejected", () => {
        const args = validArgs();
        args.nodeGroups.compute.labels = { "node-group": "memory" };
        expectIssue(args, "nodeGroups.compute.labels.node-group", /reserved and always equals the group name "compute", got "memory"/);
    });

    it("GIVEN bad taints and disk sizes WHEN validated THEN each is reported", () => {
        const args = validArgs();
        args.nodeGroups.compute.taints = [{ key: "", effect: "NoSchedule" as never }];
        args.nodeGroups.compute.diskSizeGiB = 8;
        expectIssue(args, "nodeGroups.compute.taints.0.key", /must be non-empty/);
        expectIssue(args, "nodeGroups.compute.taints.0.effect", /got "NoSchedule"/);
        expectIssue(args, "nodeGroups.compute.diskSizeGiB", /between 20 and 16384 .* got 8/);
    });

    it("GIVEN invalid admin principals WHEN validated THEN ARNs and uniqueness are checked", () => {
        const role = "arn:aws:iam::111122223333:role/admins";
        expectIssue(validArgs({ adminPrincipals: ["admins"] }), "adminPrincipals.0", /must be an IAM role or user ARN/);
        expectIssue(validArgs({ adminPrincipals: [role, role] }), "adminPrincipals", /must be unique/);
        expectIssue(validArgs({ adminPrincipals: ["arn:aws:sts::111122223333:assumed-role/admins/me"] }), "adminPrincipals.0", /IAM role or user ARN/);
    });

    it("GIVEN irsaRoles without permissions or with bad names WHEN validated THEN each is reported", () => {
        expectIssue(validArgs({ irsaRoles: { backup: { namespace: "db", serviceAccount: "backup" } } }), "irsaRoles.backup", /set policyArns or s3Access/);
        expectIssue(
            validArgs({ irsaRoles: { backup: { namespace: "DB", serviceAccount: "backup", policyArns: ["x"] } } }),
            "irsaRoles.backup.namespace",
            /DNS-1123/,
        );
        expectIssue(
            validArgs({ irsaRoles: { backup: { namespace: "db", serviceAccount: "backup", policyArns: ["x"] } } }),
            "irsaRoles.backup.policyArns.0",
            /IAM policy ARN/,
        );
        expectIssue(
            validArgs({ irsaRoles: { backup: { namespace: "db", serviceAccount: "backup", s3Access: { bucket: "B" } } } }),
            "irsaRoles.backup.s3Access.bucket",
            /S3 bucket name/,
        );
    });
});

describe("aws/validation resolveEksClusterArgs", () => {
    it("GIVEN prod args WHEN resolved THEN secure and HA defaults are filled in", () => {
        const r = resolveEksClusterArgs("prod", validArgs());
        assert.equal(r.clusterName, "prod");
        assert.equal(r.kubernetesVersion, "1.33");
        assert.deepEqual(r.endpoint, { privateAccess: true, publicAccess: false, publicAccessCidrs: [] });
        assert.equal(r.vpc.kind, "create");
        if (r.vpc.kind === "create") {
            assert.equal(r.vpc.natGateways, "onePerAz");
            assert.equal(r.vpc.azCount, 3);
        }
        assert.equal(r.ignoreDesiredSizeChanges, true);
        assert.deepEqual(
            r.nodeGroups.map((g) => [g.name, g.desiredSize, g.capacityType, g.labels["node-group"]]),
            [
                ["compute", 2, "ON_DEMAND", "compute"],
                ["memory", 1, "ON_DEMAND", "memory"],
            ],
        );
        assert.deepEqual([r.autoscaler.minNodes, r.autoscaler.maxNodes], [3, 100]);
        assert.match(r.autoscaler.image, /cluster-autoscaler:v1\.33\./);
    });

    it("GIVEN dev args WHEN resolved THEN a single NAT gateway is the default", () => {
        const r = resolveEksClusterArgs("dev", validArgs({ environment: "dev" }));
        assert.ok(r.vpc.kind === "create" && r.vpc.natGateways === "single");
    });

    it("GIVEN invalid args WHEN resolved THEN it throws listing every issue with the component name", () => {
        const args = validArgs({ vpc: { create: {}, existing: { vpcId: "v", privateSubnetIds: ["a", "b"] } }, imdsHopLimit: 99 });
        assert.throws(
            () => resolveEksClusterArgs("prod", args),
            (e: Error) => /^EksCluster prod: 2 invalid setting\(s\):/.test(e.message) && /mutually exclusive/.test(e.message) && /imdsHopLimit/.test(e.message),
        );
    });
});
