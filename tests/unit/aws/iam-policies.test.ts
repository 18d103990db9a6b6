import { strict as assert } from "assert";
import * as fc from "fast-check";
import { clusterAutoscalerPolicy, irsaTrustPolicy, oidcIssuerHostPath, s3AccessPolicy, serviceTrustPolicy } from "../../../components/aws/iam-policies";

const OIDC_ARN = "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC123";
const ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABC123";

describe("aws/iam-policies", () => {
    it("GIVEN a service account WHEN the IRSA trust policy is built THEN only that account with the STS audience may assume it", () => {
        const doc = irsaTrustPolicy({ oidcProviderArn: OIDC_ARN, oidcIssuerUrl: ISSUER, namespace: "kube-system", serviceAccount: "ebs-csi-controller-sa" });
        assert.equal(doc.Statement.length, 1);
        const st = doc.Statement[0];
        assert.equal(st.Effect, "Allow");
        assert.equal(st.Action, "sts:AssumeRoleWithWebIdentity");
        assert.deepEqual(st.Principal, { Federated: OIDC_ARN });
        assert.deepEqual(st.Condition, {
            StringEquals: {
                "oidc.eks.us-east-1.amazonaws.com/id/ABC123:aud": "sts.amazonaws.com",
                "oidc.eks.us-east-1.amazonaws.com/id/ABC123:sub": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
            },
        });
        // StringEquals, never StringLike: a wildcard would let any service account in.
        assert.ok(!JSON.stringify(doc).includes("*"));
    });

    it("GIVEN any namespace/service account WHEN built THEN sub is exact and the issuer has no scheme", () => {
        const label = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,20}[a-z0-9])?$/);
        fc.assert(
            fc.property(label, label, (ns, sa) => {
                const cond = irsaTrustPolicy({ oidcProviderArn: OIDC_ARN, oidcIssuerUrl: `${ISSUER}/`, namespace: ns, serviceAccount: sa }).Statement[0]
                    .Condition!.StringEquals;
                assert.equal(cond["oidc.eks.us-east-1.amazonaws.com/id/ABC123:sub"], `system:serviceaccount:${ns}:${sa}`);
                assert.ok(Object.keys(cond).every((k) => !k.startsWith("https://")));
            }),
        );
        assert.equal(oidcIssuerHostPath("https://x.example/id/1/"), "x.example/id/1");
    });

    it("GIVEN a service WHEN the service trust policy is built THEN it allows sts:AssumeRole for that service only", () => {
        assert.deepEqual(serviceTrustPolicy("eks.amazonaws.com").Statement, [
            { Effect: "Allow", Principal: { Service: "eks.amazonaws.com" }, Action: "sts:AssumeRole" },
        ]);
    });

    it("GIVEN a cluster name WHEN the autoscaler policy is built THEN write actions require the owned-cluster tag and only describe calls are unconditioned", () => {
        const doc = clusterAutoscalerPolicy("agent-platform-prod");
        const write = doc.Statement.find((s) => (s.Action as string[]).includes("autoscaling:SetDesiredCapacity"))!;
        assert.deepEqual(write.Action, ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]);
        assert.deepEqual(write.Condition, { StringEquals: { "aws:ResourceTag/k8s.io/cluster-autoscaler/agent-platform-prod": "owned" } });
        for (const st of doc.Statement.filter((s) => s !== write)) {
            assert.equal(st.Condition, undefined);
            for (const action of st.Action as string[]) assert.match(action, /:(Describe|Get)/, `${action} is not read-only`);
        }
    });

    it("GIVEN a bucket and prefix WHEN the S3 policy is built THEN access is confined to that prefix", () => {
        const doc = s3AccessPolicy("aws", "backups", "/postgres/");
        assert.deepEqual(doc.Statement[0].Condition, { StringLike: { "s3:prefix": ["postgres/*"] } });
        assert.equal(doc.Statement[1].Resource, "arn:aws:s3:::backups/postgres/*");
        assert.deepEqual(doc.Statement[1].Action, ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"]);
        assert.deepEqual(s3AccessPolicy("aws-cn", "b", undefined, true).Statement[1], {
            Sid: "Objects",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: "arn:aws-cn:s3:::b/*",
        });
        assert.ok(!JSON.stringify(doc).includes("s3:DeleteObject"));
    });
});
