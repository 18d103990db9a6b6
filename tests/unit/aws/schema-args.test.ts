/**
 * The EKS components' tokens and the argument shapes other languages use (issue 14, items 3-4):
 * `agent-platform:index:<Name>` with an alias to the old `agent-platform:aws:<Name>` token (a stack
 * deployed before keeps its resources), Outputs where a program passes other resources' ids and
 * ARNs, and the main entry's lazy EKS exports.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "../../../components/aws/eks-cluster";
import { IrsaRole } from "../../../components/aws/irsa";
import { EKS_COMPONENT_NAMES, defineLazyEksComponents } from "../../../components/aws/lazy";
import { EksClusterArgs } from "../../../components/aws/types";
import { validateEksClusterArgs } from "../../../components/aws/validation";
import { runUnderMocks } from "../../../tools/lib/mock-runtime";

const CONFIG = { "aws:region": "us-east-1" };

function args(overrides: Partial<EksClusterArgs> = {}): EksClusterArgs {
    return {
        clusterName: "c1",
        region: "us-east-1",
        nodeGroups: { compute: { instanceTypes: ["c7i.2xlarge"], minSize: 3, maxSize: 10 } },
        ...overrides,
    };
}

/** The URNs a resource's aliases resolve to (the SDK keeps them on the resource). */
function aliasUrns(r: pulumi.Resource): Promise<string[]> {
    const aliases = (r as unknown as { __aliases: pulumi.Input<string>[] }).__aliases;
    return new Promise((resolve) => pulumi.all(aliases).apply((urns) => resolve(urns)));
}

describe("EKS components: type tokens and aliases", function () {
    this.timeout(60_000);

    it("GIVEN an EksCluster and a standalone IrsaRole THEN they register as agent-platform:index:<Name> with an alias URN of their old aws token", async () => {
        const run = await runUnderMocks(
            async () => {
                const eks = new EksCluster("prod", args());
                const role = new IrsaRole("backup", {
                    oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/x",
                    oidcIssuerUrl: "https://oidc.example/id/1",
                    namespace: "ns",
                    serviceAccount: "sa",
                    policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
                });
                return { eks: await aliasUrns(eks), role: await aliasUrns(role) };
            },
            { config: CONFIG },
        );
        const types = new Set(run.resources.filter((r) => !r.custom).map((r) => r.type));
        assert.deepEqual([...types].sort(), ["agent-platform:index:ClusterAddons", "agent-platform:index:EksCluster", "agent-platform:index:IrsaRole"]);
        assert.deepEqual(run.result.eks, ["urn:pulumi:test::agent-platform::agent-platform:aws:EksCluster::prod"]);
        assert.deepEqual(run.result.role, ["urn:pulumi:test::agent-platform::agent-platform:aws:IrsaRole::backup"]);
    });
});

describe("EKS components: Outputs for ids and ARNs", function () {
    this.timeout(60_000);

    it("GIVEN an existing VPC whose ids and an admin role ARN are Outputs THEN the cluster uses them, and a known ARN keeps its hash-named access entry", async () => {
        const run = await runUnderMocks(
            () =>
                new EksCluster(
                    "byo",
                    args({
                        vpc: {
                            existing: {
                                vpcId: pulumi.output("vpc-0123"),
                                privateSubnetIds: [pulumi.output("subnet-a"), pulumi.output("subnet-b"), "subnet-c"],
                                cidr: "10.1.0.0/16",
                            },
                        },
                        adminPrincipals: [pulumi.output("arn:aws:iam::111122223333:role/made-here"), "arn:aws:iam::111122223333:role/admins"],
                    }),
                ),
            { config: CONFIG },
        );
        const cluster = run.resources.find((r) => r.type === "aws:eks/cluster:Cluster");
        assert.deepEqual(cluster?.inputs.vpcConfig.subnetIds, ["subnet-a", "subnet-b", "subnet-c"]);
        const entries = run.resources.filter((r) => r.type === "aws:eks/accessEntry:AccessEntry");
        const byName = Object.fromEntries(entries.map((e) => [e.name, e.inputs.principalArn]));
        assert.equal(byName["byo-admin-output-0"], "arn:aws:iam::111122223333:role/made-here");
        const hashed = Object.keys(byName).filter((n) => /^byo-admin-[0-9a-f]{8}$/.test(n));
        assert.deepEqual(
            hashed.map((n) => byName[n]),
            ["arn:aws:iam::111122223333:role/admins"],
        );
    });

    it("GIVEN Output ids THEN the rules still check the known values: a bad known ARN and a duplicate known subnet are reported, the Outputs are not", () => {
        const issues = validateEksClusterArgs(
            "c1",
            args({
                vpc: { existing: { vpcId: pulumi.output("vpc-1"), privateSubnetIds: ["subnet-a", "subnet-a", pulumi.output("subnet-b")] } },
                adminPrincipals: [pulumi.output("not-checked-here"), "not-an-arn"],
            }),
        ).map((i) => i.message);
        assert.ok(
            issues.some((m) => /adminPrincipals\[1\] must be an IAM role or user ARN/.test(m)),
            issues.join("\n"),
        );
        assert.ok(!issues.some((m) => /adminPrincipals\[0\]/.test(m)), issues.join("\n"));
        assert.ok(
            issues.some((m) => /subnet ids must be unique .* subnet-a twice/.test(m)),
            issues.join("\n"),
        );
    });
});

describe("EKS components on the package's main entry", () => {
    it("GIVEN an exports object THEN EksCluster and IrsaRole are enumerable getters that load the classes only when read", () => {
        const target: Record<string, unknown> = {};
        defineLazyEksComponents(target);
        assert.deepEqual(Object.keys(target), [...EKS_COMPONENT_NAMES]);
        for (const name of EKS_COMPONENT_NAMES) assert.equal(typeof Object.getOwnPropertyDescriptor(target, name)?.get, "function");
        assert.equal(target.EksCluster, EksCluster);
        assert.equal(target.IrsaRole, IrsaRole);
    });
});
