/**
 * The EKS control plane: the secrets envelope-encryption key, the cluster role, the control-plane
 * log group (our retention), the cluster itself, and the admin principals' access entries.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { CONTROL_PLANE_LOG_TYPES, KMS_DELETION_WINDOW_DAYS } from "./defaults";
import { managedPolicyArn, PolicyDocument, serviceTrustPolicy } from "./iam-policies";
import { ResolvedEksCluster } from "./resolved";

/** EKS access policy granting cluster-admin (EKS access entries docs). */
const CLUSTER_ADMIN_ACCESS_POLICY = "AmazonEKSClusterAdminPolicy";

/** What the control-plane resources are made from; `owner` is their parent (the EksCluster). */
export interface ControlPlaneInputs {
    name: string;
    settings: ResolvedEksCluster;
    privateSubnetIds: pulumi.Input<string>[];
    tags: Record<string, string>;
    partition: pulumi.Output<string>;
    owner: pulumi.Resource;
}

export interface ControlPlane {
    /** The KMS key that envelope-encrypts Kubernetes secrets (also used for EFS and ECR). */
    key: aws.kms.Key;
    cluster: aws.eks.Cluster;
    /** The admin principals' access policy associations (the Kubernetes provider waits for them). */
    adminAccess: pulumi.Resource[];
}

/** Stable short suffix for names derived from ARNs. */
function shortHash(value: string): string {
    return createHash("sha256").update(value).digest("hex").slice(0, 8);
}

export function createControlPlane(inputs: ControlPlaneInputs): ControlPlane {
    const key = createSecretsKey(inputs);
    const cluster = createCluster(inputs, key, createClusterRole(inputs, key));
    return { key, cluster, adminAccess: grantAdmins(inputs, cluster) };
}

function createSecretsKey({ name, settings: s, tags, owner }: ControlPlaneInputs): aws.kms.Key {
    const parent = { parent: owner };
    const key = new aws.kms.Key(
        `${name}-secrets-key`,
        {
            description: `EKS ${s.clusterName} Kubernetes secrets envelope encryption`,
            enableKeyRotation: true,
            deletionWindowInDays: KMS_DELETION_WINDOW_DAYS,
            tags,
        },
        parent,
    );
    new aws.kms.Alias(`${name}-secrets-key-alias`, { name: `alias/eks/${s.clusterName}-secrets`, targetKeyId: key.keyId }, parent);
    return key;
}

/** The control plane's role with the EKS policy and the use of the secrets key (returned as what the cluster waits for). */
function createClusterRole(
    { name, settings: s, tags, partition, owner }: ControlPlaneInputs,
    key: aws.kms.Key,
): { role: aws.iam.Role; grants: pulumi.Resource[] } {
    const parent = { parent: owner };
    const policyArn = (policy: string) => partition.apply((p) => managedPolicyArn(p, policy));
    const clusterRole = new aws.iam.Role(
        `${name}-cluster-role`,
        { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("eks.amazonaws.com")), description: `EKS ${s.clusterName} control plane`, tags },
        parent,
    );
    const clusterPolicy = new aws.iam.RolePolicyAttachment(
        `${name}-cluster-policy`,
        { role: clusterRole.name, policyArn: policyArn("AmazonEKSClusterPolicy") },
        parent,
    );
    // terraform-aws-modules/eks "ClusterEncryption": the cluster role may use the secrets key.
    const clusterKms = new aws.iam.RolePolicy(
        `${name}-cluster-kms`,
        {
            role: clusterRole.id,
            policy: key.arn.apply((arn) =>
                JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"], Resource: arn }],
                } satisfies PolicyDocument),
            ),
        },
        parent,
    );
    return { role: clusterRole, grants: [clusterPolicy, clusterKms] };
}

function createCluster(
    { name, settings: s, privateSubnetIds, tags, owner }: ControlPlaneInputs,
    key: aws.kms.Key,
    role: { role: aws.iam.Role; grants: pulumi.Resource[] },
): aws.eks.Cluster {
    const parent = { parent: owner };
    const clusterRole = role.role;
    // Created before the cluster so retention is ours, not EKS's "never expire".
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-cluster-logs`,
        { name: `/aws/eks/${s.clusterName}/cluster`, retentionInDays: s.logRetentionDays, tags },
        parent,
    );

    return new aws.eks.Cluster(
        `${name}-cluster`,
        {
            name: s.clusterName,
            version: s.kubernetesVersion,
            roleArn: clusterRole.arn,
            vpcConfig: {
                subnetIds: privateSubnetIds,
                endpointPrivateAccess: s.endpoint.privateAccess,
                endpointPublicAccess: s.endpoint.publicAccess,
                ...(s.endpoint.publicAccess ? { publicAccessCidrs: s.endpoint.publicAccessCidrs } : {}),
            },
            accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: s.bootstrapCreatorAdmin },
            encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
            enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
            tags,
        },
        { parent: owner, dependsOn: [...role.grants, logGroup] },
    );
}

function grantAdmins({ name, settings: s, tags, partition, owner }: ControlPlaneInputs, cluster: aws.eks.Cluster): pulumi.Resource[] {
    const parent = { parent: owner };
    const adminAccess: pulumi.Resource[] = [];
    let outputIndex = 0;
    for (const principalArn of s.adminPrincipals) {
        // A known ARN names its entry (stable whatever the list order); an Output ARN (a role made
        // in the same program) is named by its position among the Outputs.
        const id = typeof principalArn === "string" ? shortHash(principalArn) : `output-${outputIndex++}`;
        const entry = new aws.eks.AccessEntry(`${name}-admin-${id}`, { clusterName: cluster.name, principalArn, type: "STANDARD", tags }, parent);
        adminAccess.push(
            new aws.eks.AccessPolicyAssociation(
                `${name}-admin-${id}-policy`,
                {
                    clusterName: cluster.name,
                    principalArn,
                    policyArn: partition.apply((p) => `arn:${p}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_ACCESS_POLICY}`),
                    accessScope: { type: "cluster" },
                },
                { parent: owner, dependsOn: [entry] },
            ),
        );
    }
    return adminAccess;
}
