/**
 * IrsaRole for a service account in a namespace given as an Output or a PlatformNamespace (issue
 * 14, item 3): the trust policy's `sub` and the role's description name the namespace the Output
 * resolves to.
 */
import { strict as assert } from "assert";
import { IrsaRole } from "../../../components/aws/irsa";
import { PlatformNamespace } from "../../../components/kube/platform-namespace";
import { runUnderMocks } from "../../../tools/lib/mock-runtime";

const PS = { level: "restricted", enforce: true } as const;
const OIDC = { oidcProviderArn: "arn:aws:iam::111122223333:oidc-provider/oidc.example/id/1", oidcIssuerUrl: "https://oidc.example/id/1" };

describe("IrsaRole in a namespace given as an Output or a PlatformNamespace", function () {
    this.timeout(60_000);

    it("GIVEN a PlatformNamespace's name Output and the PlatformNamespace itself THEN each trust policy admits exactly that namespace's service account", async () => {
        const run = await runUnderMocks(
            () => {
                const ns = new PlatformNamespace("apps", { name: "apps", podSecurity: PS });
                new IrsaRole("by-output", { ...OIDC, namespace: ns.name, serviceAccount: "dump", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] });
                new IrsaRole("by-namespace", { ...OIDC, namespace: ns, serviceAccount: "api", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] });
            },
            { config: { "aws:region": "us-east-1" } },
        );
        const role = (name: string) => {
            const r = run.resources.find((x) => x.type === "aws:iam/role:Role" && x.name === name);
            assert.ok(r, `no role ${name}`);
            return r.inputs as { assumeRolePolicy: string; description: string };
        };
        const sub = (name: string) => JSON.parse(role(name).assumeRolePolicy).Statement[0].Condition.StringEquals["oidc.example/id/1:sub"];
        assert.equal(sub("by-output-role"), "system:serviceaccount:apps:dump");
        assert.equal(role("by-output-role").description, "IRSA role for apps/dump");
        assert.equal(sub("by-namespace-role"), "system:serviceaccount:apps:api");
        assert.equal(role("by-namespace-role").description, "IRSA role for apps/api");
    });
});
