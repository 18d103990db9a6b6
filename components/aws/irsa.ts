/**
 * IRSA: an IAM role that exactly one Kubernetes service account can assume through the
 * cluster's OIDC provider. Used for the EBS CSI driver, cluster-autoscaler and backup jobs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy, PolicyDocument } from "./iam-policies";
import { componentType, withOldTypeAlias } from "../kube/type-token";
import { NamespaceInput, knownNamespace, namespaceName, ofNamespace } from "../kube/namespace-ref";

/** Arguments of `IrsaRole`. */
export interface IrsaRoleArgs {
    /** ARN of the cluster's IAM OIDC provider. */
    oidcProviderArn: pulumi.Input<string>;
    /** The cluster's OIDC issuer URL. */
    oidcIssuerUrl: pulumi.Input<string>;
    /**
     * Namespace of the service account (in the trust policy's `sub` condition): a PlatformNamespace,
     * or a name, plain or an Output.
     */
    namespace: NamespaceInput;
    /** Name of the service account. */
    serviceAccount: string;
    /** Managed policy ARNs to attach. @default [] */
    policyArns?: pulumi.Input<string>[];
    /** Inline policy: an IAM policy document as JSON (`policyJson(doc)` makes one from a `PolicyDocument`). @default none */
    inlinePolicy?: pulumi.Input<string>;
    /** Tags of the IAM role. @default {} */
    tags?: Record<string, string>;
}

/** An IAM policy document as the JSON `IrsaRoleArgs.inlinePolicy` takes. */
export function policyJson(doc: pulumi.Input<PolicyDocument>): pulumi.Output<string> {
    return pulumi.output(doc).apply((p) => JSON.stringify(p));
}

/** The IAM role resources, kept out of the schema's outputs (see EksCluster). */
const roles = new WeakMap<IrsaRole, aws.iam.Role>();

/** An IAM role bound to `system:serviceaccount:<namespace>:<serviceAccount>`. */
export class IrsaRole extends pulumi.ComponentResource {
    /** The IAM role (TypeScript only; other languages use `roleArn`). */
    public get role(): aws.iam.Role {
        const role = roles.get(this);
        if (!role) throw new Error("IrsaRole: role is read before it is created");
        return role;
    }
    public readonly roleArn: pulumi.Output<string>;
    /** The `eks.amazonaws.com/role-arn` annotation to put on the ServiceAccount. */
    public readonly serviceAccountAnnotations: pulumi.Output<Record<string, string>>;

    constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
        if (!args.namespace || !args.serviceAccount) {
            throw new Error(
                `IrsaRole ${name}: namespace and serviceAccount are both required, got namespace=${JSON.stringify(knownNamespace(args.namespace) ?? "(an Output)")} serviceAccount=${JSON.stringify(args.serviceAccount)}`,
            );
        }
        if ((args.policyArns ?? []).length === 0 && args.inlinePolicy === undefined) {
            throw new Error(`IrsaRole ${name}: set policyArns or inlinePolicy (a role without permissions is useless)`);
        }
        super(componentType("IrsaRole"), name, {}, withOldTypeAlias("agent-platform:aws:IrsaRole", opts));
        const trust = pulumi
            .all([args.oidcProviderArn, args.oidcIssuerUrl, namespaceName(args.namespace)])
            .apply(([oidcProviderArn, oidcIssuerUrl, namespace]) =>
                JSON.stringify(irsaTrustPolicy({ oidcProviderArn, oidcIssuerUrl, namespace, serviceAccount: args.serviceAccount })),
            );
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: trust,
                description: ofNamespace(args.namespace, (ns) => `IRSA role for ${ns}/${args.serviceAccount}`),
                tags: args.tags,
            },
            { parent: this },
        );
        roles.set(this, role);
        (args.policyArns ?? []).forEach((policyArn, i) => {
            new aws.iam.RolePolicyAttachment(`${name}-policy-${i}`, { role: role.name, policyArn }, { parent: this });
        });
        if (args.inlinePolicy !== undefined) {
            new aws.iam.RolePolicy(`${name}-inline`, { role: role.name, policy: args.inlinePolicy }, { parent: this });
        }
        this.roleArn = role.arn;
        this.serviceAccountAnnotations = role.arn.apply((arn): Record<string, string> => ({ "eks.amazonaws.com/role-arn": arn }));
        this.registerOutputs({ roleArn: this.roleArn });
    }
}
