import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { parse } from "yaml";
import { eksClusterConfigSchema, EksClusterConfig, toEksClusterArgs, validateEksForEnvironment } from "../../../components/config/eks";
import { resolveEksClusterArgs } from "../../../components/aws/validation";

const EXAMPLE = join(__dirname, "../../../components/aws/examples/prod-cluster.yaml");

function minimal(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        provider: "eks",
        region: "us-east-1",
        nodeGroups: { compute: { instanceTypes: ["c7i.2xlarge"], minSize: 3, maxSize: 10 } },
        ...extra,
    };
}

function issuesOf(raw: unknown): { path: string; message: string }[] {
    const r = eksClusterConfigSchema.safeParse(raw);
    assert.equal(r.success, false, "config was accepted");
    return r.error!.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
}

function expectIssue(raw: unknown, path: string, pattern: RegExp): void {
    const issues = issuesOf(raw);
    assert.ok(
        issues.some((i) => i.path === path && pattern.test(i.message)),
        `expected ${path} ~ ${pattern}, got ${JSON.stringify(issues)}`,
    );
}

describe("config/eks eksClusterConfigSchema", () => {
    it("GIVEN the suggested prod block WHEN parsed THEN it is valid for prod, maps to args and resolves to seed 002 sizes", () => {
        const cfg = eksClusterConfigSchema.parse(parse(readFileSync(EXAMPLE, "utf8")));
        assert.deepEqual(validateEksForEnvironment(cfg, "prod"), []);
        const args = toEksClusterArgs(cfg, "prod");
        const r = resolveEksClusterArgs("prod", args);
        assert.equal(r.clusterName, "agent-platform-prod");
        assert.equal(r.environment, "prod");
        assert.ok(r.vpc.kind === "create" && r.vpc.natGateways === "onePerAz" && r.vpc.azCount === 3);
        assert.deepEqual(
            r.nodeGroups.map((g) => [g.name, g.labels["node-group"], g.instanceTypes[0]]),
            [
                ["compute", "compute", "c7i.2xlarge"],
                ["memory", "memory", "r6i.xlarge"],
            ],
        );
        assert.deepEqual([r.autoscaler.minNodes, r.autoscaler.maxNodes], [3, 100]);
        assert.equal(
            r.nodeGroups.reduce((s, g) => s + g.maxSize, 0),
            100,
        );
        assert.ok(!r.endpoint.publicAccessCidrs.includes("0.0.0.0/0"));
        assert.equal(r.storage.defaultReclaimPolicy, "Retain");
        assert.deepEqual(r.efs, {
            storageClassName: "efs-sc",
            performanceMode: "generalPurpose",
            throughputMode: "elastic",
            kmsKey: "cluster",
            reclaimPolicy: "Retain",
        });
    });

    it("GIVEN Pulumi.prod.yaml's cluster block WHEN parsed THEN EFS is enabled with the efs-sc class seed 003's agent-data-pvc asks for", () => {
        const stack = parse(readFileSync(join(__dirname, "../../../Pulumi.prod.yaml"), "utf8"));
        const cfg = eksClusterConfigSchema.parse(stack.config["agent-platform:cluster"]);
        assert.deepEqual(validateEksForEnvironment(cfg, "prod"), []);
        const r = resolveEksClusterArgs("prod", toEksClusterArgs(cfg, "prod"));
        assert.equal(r.efs?.storageClassName, "efs-sc");
        assert.equal(r.efs?.reclaimPolicy, "Retain");
        assert.equal(r.storage.defaultReclaimPolicy, "Retain");
    });

    it("GIVEN a minimal config without storage/efs WHEN mapped for dev and prod THEN gp3 is Delete in dev, Retain in prod, and EFS is off", () => {
        const cfg = eksClusterConfigSchema.parse(minimal());
        assert.equal(resolveEksClusterArgs("dev", toEksClusterArgs(cfg, "dev")).storage.defaultReclaimPolicy, "Delete");
        assert.equal(resolveEksClusterArgs("prod", toEksClusterArgs(cfg, "prod")).storage.defaultReclaimPolicy, "Retain");
        assert.equal(resolveEksClusterArgs("prod", toEksClusterArgs(cfg, "prod")).efs, undefined);
    });

    it("GIVEN efs and storage sections WHEN parsed THEN they map through to the args", () => {
        const cfg = eksClusterConfigSchema.parse(
            minimal({
                storage: { defaultReclaimPolicy: "Delete" },
                efs: { enabled: true, throughputMode: "provisioned", provisionedThroughputMibps: 128, transitionToIa: "AFTER_30_DAYS" },
            }),
        );
        const args = toEksClusterArgs(cfg, "prod");
        assert.deepEqual(args.storage, { defaultReclaimPolicy: "Delete" });
        assert.deepEqual(args.efs, { enabled: true, throughputMode: "provisioned", provisionedThroughputMibps: 128, transitionToIa: "AFTER_30_DAYS" });
    });

    it("GIVEN invalid efs settings WHEN parsed THEN zod and the shared rules report them at the efs path", () => {
        expectIssue(minimal({ efs: { throughputMode: "elastic" } }), "efs.enabled", /.+/);
        expectIssue(minimal({ efs: { enabled: true, throughputMode: "fast" } }), "efs.throughputMode", /.+/);
        expectIssue(minimal({ efs: { enabled: true, unknown: 1 } }), "efs", /unknown/);
        expectIssue(minimal({ storage: { defaultReclaimPolicy: "Recycle" } }), "storage.defaultReclaimPolicy", /.+/);
        expectIssue(
            minimal({ efs: { enabled: true, performanceMode: "maxIO" } }),
            "efs.performanceMode",
            /"maxIO" and efs\.throughputMode "elastic" are mutually exclusive/,
        );
        expectIssue(minimal({ efs: { enabled: false, storageClassName: "efs-sc" } }), "efs.storageClassName", /efs\.enabled is not true/);
        expectIssue(
            minimal({ vpc: { existing: { vpcId: "vpc-1", privateSubnetIds: [] } }, efs: { enabled: true } }),
            "efs.enabled",
            /requires private subnets/,
        );
    });

    it("GIVEN a minimal config WHEN mapped THEN the cluster name defaults per environment and the region is carried", () => {
        const cfg = eksClusterConfigSchema.parse(minimal());
        assert.equal(toEksClusterArgs(cfg, "dev").clusterName, "agent-platform-dev");
        assert.equal(toEksClusterArgs(cfg, "prod").region, "us-east-1");
        assert.equal(toEksClusterArgs(cfg, "prod").environment, "prod");
    });

    it("GIVEN both vpc.create and vpc.existing WHEN parsed THEN the mutual-exclusion refinement names both", () => {
        expectIssue(
            minimal({ vpc: { create: {}, existing: { vpcId: "vpc-1", privateSubnetIds: ["a", "b"] } } }),
            "vpc",
            /^vpc\.create and vpc\.existing are mutually exclusive: set exactly one$/,
        );
    });

    it("GIVEN desired outside min..max WHEN parsed THEN the min <= desired <= max rule fails at the group path", () => {
        expectIssue(
            minimal({ nodeGroups: { compute: { instanceTypes: ["c7i.large"], minSize: 3, desiredSize: 11, maxSize: 10 } } }),
            "nodeGroups.compute.desiredSize",
            /minSize <= desiredSize <= maxSize, got 3 <= 11 <= 10/,
        );
    });

    it("GIVEN an empty instance type list WHEN parsed THEN at least one is required", () => {
        expectIssue(
            minimal({ nodeGroups: { compute: { instanceTypes: [], minSize: 3, maxSize: 10 } } }),
            "nodeGroups.compute.instanceTypes",
            /at least one instance type/,
        );
    });

    it("GIVEN a public endpoint without CIDRs WHEN parsed THEN the schema rejects it in every environment", () => {
        expectIssue(minimal({ endpoint: { publicAccess: true } }), "endpoint.publicAccessCidrs", /at least one CIDR/);
    });

    it("GIVEN structural type errors WHEN parsed THEN zod reports the key path", () => {
        expectIssue(minimal({ vpc: { create: { natGateways: "perAz" } } }), "vpc.create.natGateways", /.+/);
        expectIssue(
            minimal({ nodeGroups: { compute: { instanceTypes: ["c7i.large"], minSize: 3, maxSize: 10, capacityType: "spot" } } }),
            "nodeGroups.compute.capacityType",
            /.+/,
        );
        expectIssue(minimal({ region: "US East" }), "region", /must be an AWS region/);
        expectIssue(minimal({ unknownKey: true }), "", /unknownKey/);
    });

    it("GIVEN 0.0.0.0/0 on the public endpoint WHEN checked for prod THEN validateEksForEnvironment reports it; for dev it does not", () => {
        const cfg = eksClusterConfigSchema.parse(minimal({ endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } }));
        assert.deepEqual(validateEksForEnvironment(cfg, "dev"), []);
        const prod = validateEksForEnvironment(cfg, "prod");
        assert.deepEqual(
            prod.map((i) => i.path),
            [["endpoint", "publicAccessCidrs", "0"]],
        );
        assert.match(prod[0].message, /must not contain 0\.0\.0\.0\/0 in prod/);
    });

    it("GIVEN a prod group pinned to one subnet of an existing VPC WHEN checked for prod THEN the >= 2 AZ rule is reported once", () => {
        const cfg: EksClusterConfig = eksClusterConfigSchema.parse(
            minimal({
                vpc: { existing: { vpcId: "vpc-1", privateSubnetIds: ["subnet-a", "subnet-b"] } },
                nodeGroups: { compute: { instanceTypes: ["c7i.large"], minSize: 3, maxSize: 10, subnetIds: ["subnet-a"] } },
            }),
        );
        const issues = validateEksForEnvironment(cfg, "prod");
        assert.deepEqual(issues, [{ path: ["nodeGroups", "compute", "subnetIds"], message: "nodeGroups.compute must span at least 2 AZs in prod, got 1" }]);
    });
});
