/**
 * IRSA: an IAM role that exactly one Kubernetes service account can assume through the
 * cluster's OIDC provider. Used for the EBS CSI driver, cluster-autoscaler and backup jobs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy, PolicyDocument } from "./iam-policies";

export interface IrsaRoleArgs {
    /** ARN of the cluster's IAM OIDC provider. */
    oidcProviderArn: pulumi.Input<string>;
    /** The cluster's OIDC issuer URL. */
    oidcIssuerUrl: pulumi.Input<string>;
    /** Namespace of the service account. */
    namespace: string;
    /** Name of the service account. */
    serviceAccount: string;
    /** Managed policy ARNs to attach. @default [] */
    policyArns?: pulumi.Input<string>[];
    /** Inline policy document. @default none */
    inlinePolicy?: pulumi.Input<PolicyDocument>;
    /** @default {} */
    tags?: Record<string, string>;
}

/** An IAM role bound to `system:serviceaccount:<namespace>:<serviceAccount>`. */
export class IrsaRole extends pulumi.ComponentResource {
    public readonly role: aws.iam.Role;
    public readonly roleArn: pulumi.Output<string>;
    /** The `eks.amazonaws.com/role-arn` annotation to put on the ServiceAccount. */
    public readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!args.namespace || !args.serviceAccount) {
            throw new Error(
                `IrsaRole ${name}: namespace and serviceAccount are both required, got namespace=${JSON.stringify(args.namespace)} serviceAccount=${JSON.stringify(args.serviceAccount)}`,
            );
        }
        if ((args.policyArns ?? []).length === 0 && args.inlinePolicy === undefined) {
            throw new Error(`IrsaRole ${name}: set policyArns or inlinePolicy (a role without permissions is useless)`);
        }
        super("agent-platform:aws:IrsaRole", name, {}, opts);
        const trust = pulumi
            .all([args.oidcProviderArn, args.oidcIssuerUrl])
            .apply(([oidcProviderArn, oidcIssuerUrl]) =>
                JSON.stringify(irsaTrustPolicy({ oidcProviderArn, oidcIssuerUrl, namespace: args.namespace, serviceAccount: args.serviceAccount })),
            );
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: trust,
                description: `IRSA role for ${args.namespace}/${args.serviceAccount}`,
                tags: args.tags,
            },
            { parent: this },
        );
        (args.policyArns ?? []).forEach((policyArn, i) => {
            new aws.iam.RolePolicyAttachment(`${name}-policy-${i}`, { role: this.role.name, policyArn }, { parent: this });
        });
        if (args.inlinePolicy !== undefined) {
            new aws.iam.RolePolicy(
                `${name}-inline`,
                { role: this.role.name, policy: pulumi.output(args.inlinePolicy).apply((p) => JSON.stringify(p)) },
                { parent: this },
            );
        }
        this.roleArn = this.role.arn;
        this.serviceAccountAnnotations = this.role.arn.apply((arn): Record<string, string> => ({ "eks.amazonaws.com/role-arn": arn }));
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
