/**
 * Issue 19 items that live in components/aws: container logs (the CloudWatch observability
 * add-on, its IRSA role, log groups with our retention), scanned images (ECR repositories with
 * scan-on-push, immutable tags and a lifecycle policy; pull-through cache rules), and the External
 * Secrets Operator (Helm release, IRSA role scoped to the stack's secret prefix, ClusterSecretStore).
 */
import { strict as assert } from "assert";
import { containerInsightsLogGroups } from "../../../components/aws/observability";
import { ecrLifecyclePolicy, ecrRepositorySpec } from "../../../components/aws/ecr";
import { secretsManagerReadPolicy } from "../../../components/aws/iam-policies";
import { addonsNeededBy, externalSecretsValues, secretsManagerStore } from "../../../components/aws/platform-addons";
import { EksClusterArgs } from "../../../components/aws/types";
import { resolveEksClusterArgs, validateEksClusterArgs } from "../../../components/aws/validation";
import { evaluate, InputResource, urnFor } from "../../../policy/lib/harness";
import { allRules } from "../../../policy/rules/all";
import { RenderResult } from "../../../tools/lib/render";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";
import { PROD } from "../policy/helpers";

function base(extra: Partial<EksClusterArgs> = {}): EksClusterArgs {
    return { nodeGroups: { compute: { instanceTypes: ["c7i.2xlarge"], minSize: 3, maxSize: 10 } }, ...extra };
}
const messages = (args: EksClusterArgs) => validateEksClusterArgs("c", args).map((i) => `${i.path.join(".")} | ${i.message}`);

describe("aws: production checklist items (issue 19) - pure parts", () => {
    it("GIVEN a cluster THEN the Container Insights log groups are the four the add-on writes to", () => {
        assert.deepEqual(containerInsightsLogGroups("c1"), [
            "/aws/containerinsights/c1/application",
            "/aws/containerinsights/c1/dataplane",
            "/aws/containerinsights/c1/host",
            "/aws/containerinsights/c1/performance",
        ]);
    });

    it("GIVEN a repository THEN it scans on push, keeps tags immutable, is KMS-encrypted and never force-deleted", () => {
        const r = ecrRepositorySpec("agent-platform/x", "arn:aws:kms:us-east-1:1:key/k", {});
        assert.deepEqual(r.imageScanningConfiguration, { scanOnPush: true });
        assert.equal(r.imageTagMutability, "IMMUTABLE");
        assert.deepEqual(r.encryptionConfigurations, [{ encryptionType: "KMS", kmsKey: "arn:aws:kms:us-east-1:1:key/k" }]);
        assert.equal(r.forceDelete, false);
        const rules = ecrLifecyclePolicy(14, 100).rules as any[];
        assert.deepEqual(
            rules.map((x) => [x.selection.tagStatus, x.selection.countType, x.selection.countNumber]),
            [
                ["untagged", "sinceImagePushed", 14],
                ["any", "imageCountMoreThan", 100],
            ],
        );
    });

    it("GIVEN the operator's policy THEN it reads only the secrets under the stack's prefix", () => {
        const doc = secretsManagerReadPolicy("aws", "us-east-1", "111122223333", "agent-platform/prod/");
        assert.equal(doc.Statement.length, 1);
        assert.equal(doc.Statement[0].Resource, "arn:aws:secretsmanager:us-east-1:111122223333:secret:agent-platform/prod/*");
        assert.ok((doc.Statement[0].Action as string[]).every((a) => a.startsWith("secretsmanager:") && !a.includes("Put") && !a.includes("Delete")));
    });

    it("GIVEN the operator THEN its credentials come from IRSA and the store names no keys", () => {
        const v = externalSecretsValues("arn:aws:iam::1:role/eso") as any;
        assert.equal(v.serviceAccount.annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam::1:role/eso");
        assert.equal(v.installCRDs, true);
        const store = secretsManagerStore("us-east-1") as any;
        assert.equal(store.kind, "ClusterSecretStore");
        assert.deepEqual(store.spec.provider, { aws: { service: "SecretsManager", region: "us-east-1" } });
        assert.deepEqual(addonsNeededBy("kubernetes:external-secrets.io/v1:ExternalSecret"), ["externalSecrets"]);
    });

    it("GIVEN all three configured THEN they validate and resolve with their defaults", () => {
        const args = base({
            cloudwatchObservability: { enabled: true },
            ecr: { repositories: ["agent-platform/b", "agent-platform/a"], pullThroughCache: ["quay"] },
            platformAddons: { externalSecrets: { secretsPrefix: "agent-platform/prod/" } },
        });
        assert.deepEqual(messages(args), []);
        const r = resolveEksClusterArgs("c", args);
        assert.deepEqual(r.cloudwatchObservability, { logRetentionDays: 30 });
        assert.deepEqual(r.ecr, { repositories: ["agent-platform/a", "agent-platform/b"], untaggedDays: 14, keepImages: 100, pullThroughCache: ["quay"] });
        assert.equal(r.platformAddons.externalSecrets?.mode, "install");
        assert.equal(resolveEksClusterArgs("c", base()).cloudwatchObservability, undefined);
        assert.equal(resolveEksClusterArgs("c", base()).ecr, undefined);
    });

    const bad: [string, Partial<EksClusterArgs>, RegExp][] = [
        [
            "log retention while disabled",
            { cloudwatchObservability: { logRetentionDays: 30 } },
            /^cloudwatchObservability\.logRetentionDays \| .*enabled is not true/,
        ],
        [
            "a retention CloudWatch does not offer",
            { cloudwatchObservability: { enabled: true, logRetentionDays: 31 } },
            /^cloudwatchObservability\.logRetentionDays \| .*must be one of CloudWatch's values/,
        ],
        ["an ECR name with capitals", { ecr: { repositories: ["Agent/X"] } }, /^ecr\.repositories\.0 \| .*must be an ECR repository name/],
        ["a repository twice", { ecr: { repositories: ["a/b", "a/b"] } }, /^ecr\.repositories \| .*unique/],
        [
            "an unknown cache upstream",
            { ecr: { pullThroughCache: ["docker-hub" as never] } },
            /^ecr\.pullThroughCache\.0 \| .*must be one of ecr-public, k8s, quay/,
        ],
        ["the operator without a secret prefix", { platformAddons: { externalSecrets: {} } }, /^platformAddons\.externalSecrets\.secretsPrefix \| .*required/],
        [
            "a wildcard secret prefix",
            { platformAddons: { externalSecrets: { secretsPrefix: "*" } } },
            /^platformAddons\.externalSecrets\.secretsPrefix \| .*must be a Secrets Manager name prefix/,
        ],
    ];
    for (const [what, extra, pattern] of bad) {
        it(`GIVEN ${what} THEN one issue names the field and the rule`, () => {
            const m = messages(base(extra));
            assert.equal(m.length, 1, m.join("\n"));
            assert.match(m[0], pattern);
        });
    }
});

describe("aws: production checklist items (issue 19) - the prod render", function () {
    this.timeout(RENDER_TIMEOUT_MS);
    let r: RenderResult;
    const of = (type: string) => r.cloudResources.filter((c) => c.type === type);
    before(async () => {
        r = await renderedStack("prod");
    });

    it("THEN the CloudWatch observability add-on runs with its IRSA role, after log groups kept 30 days", () => {
        const addon = of("aws:eks/addon:Addon").find((a) => a.inputs.addonName === "amazon-cloudwatch-observability")!;
        assert.ok(addon, "no CloudWatch observability add-on");
        const roleArn = String(addon.inputs.serviceAccountRoleArn);
        const role = of("aws:iam/role:Role").find((x) => roleArn.endsWith(`/${x.name}`))!;
        assert.match(String(role.inputs.assumeRolePolicy), /system:serviceaccount:amazon-cloudwatch:cloudwatch-agent/);
        const groups = of("aws:cloudwatch/logGroup:LogGroup").filter((g) => String(g.inputs.name).startsWith("/aws/containerinsights/"));
        assert.deepEqual(
            groups.map((g) => [g.inputs.name, g.inputs.retentionInDays]).sort(),
            containerInsightsLogGroups("agent-platform-prod").map((n) => [n, 30]),
        );
    });

    it("THEN the project's images have ECR repositories scanned on push with immutable tags and a lifecycle policy, and public registries a pull-through cache", () => {
        const repos = of("aws:ecr/repository:Repository");
        assert.deepEqual(repos.map((x) => x.inputs.name).sort(), [
            "agent-platform/claude-ecc-poller",
            "agent-platform/claude-terminal-service",
            "agent-platform/production-agent",
        ]);
        for (const repo of repos) {
            assert.equal((repo.inputs.imageScanningConfiguration as any).scanOnPush, true);
            assert.equal(repo.inputs.imageTagMutability, "IMMUTABLE");
        }
        assert.equal(of("aws:ecr/lifecyclePolicy:LifecyclePolicy").length, repos.length);
        assert.deepEqual(
            of("aws:ecr/pullThroughCacheRule:PullThroughCacheRule")
                .map((x) => x.inputs.upstreamRegistryUrl)
                .sort(),
            ["public.ecr.aws", "quay.io", "registry.k8s.io"],
        );
    });

    it("THEN the External Secrets Operator is installed with an IRSA role scoped to agent-platform/prod/ and the ClusterSecretStore waits for it", () => {
        const eso = of("kubernetes:helm.sh/v3:Release").find((x) => x.inputs.name === "external-secrets")!;
        assert.ok(eso);
        const role = of("aws:iam/rolePolicy:RolePolicy")
            .map((p) => String(p.inputs.policy))
            .find((p) => p.includes("secretsmanager:GetSecretValue"))!;
        assert.match(role, /arn:aws:secretsmanager:us-east-1:123456789012:secret:agent-platform\/prod\/\*/);
        const store = r.objects.find((o) => o.kind === "ClusterSecretStore")!;
        assert.equal(store.metadata.name, "aws-secrets-manager");
    });

    it("THEN obs-logging is mandatory in prod.json, passes on the render, and fails without the add-on", async () => {
        assert.equal((PROD["obs-logging"] as { enforcementLevel: string }).enforcementLevel, "mandatory");
        const resources = (withAddon: boolean): InputResource[] => [
            ...r.objects.map((o) => ({
                type: `kubernetes:${o.apiVersion.includes("/") ? o.apiVersion : `core/${o.apiVersion}`}:${o.kind}`,
                name: o.metadata.name,
                props: o,
                urn: urnFor(o.kind, o.metadata.name),
            })),
            ...r.cloudResources
                .filter((c) => withAddon || c.inputs.addonName !== "amazon-cloudwatch-observability")
                .map((c) => ({ type: c.type, name: c.name, props: c.inputs, urn: urnFor(c.type, c.name) })),
        ];
        const rule = allRules.filter((x) => x.policy.name === "obs-logging");
        assert.deepEqual(await evaluate(rule, resources(true), { config: PROD }), []);
        const without = await evaluate(rule, resources(false), { config: PROD });
        assert.deepEqual(
            without.map((v) => v.level),
            ["mandatory"],
        );
    });
});
