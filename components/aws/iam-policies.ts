/**
 * Pure IAM policy documents: trust policies (service and IRSA) and the permission policies of
 * the cluster-autoscaler and S3 backup roles. Plain objects; serialise with `JSON.stringify`.
 */
import { IRSA_AUDIENCE } from "./defaults";

export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: Record<string, string | string[]>;
    Action: string | string[];
    Resource?: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
    Statement: PolicyStatement[];
}

/** Trust policy letting an AWS service (e.g. `eks.amazonaws.com`, `ec2.amazonaws.com`) assume the role. */
export function serviceTrustPolicy(service: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
    };
}

export interface IrsaTrustArgs {
    /** ARN of the cluster's IAM OIDC provider. */
    oidcProviderArn: string;
    /** The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<ID>`). */
    oidcIssuerUrl: string;
    namespace: string;
    serviceAccount: string;
}

/** The issuer URL without its scheme, as IAM condition keys use it. */
export function oidcIssuerHostPath(issuerUrl: string): string {
    return issuerUrl.replace(/^https?:\/\//, "").replace(/\/+$/, "");
}

/**
 * IRSA trust policy: only the given service account (exact `sub`) with the STS audience
 * (`aud`) may assume the role through the cluster's OIDC provider (EKS IRSA docs).
 */
export function irsaTrustPolicy(args: IrsaTrustArgs): PolicyDocument {
    const issuer = oidcIssuerHostPath(args.oidcIssuerUrl);
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Effect: "Allow",
                Principal: { Federated: args.oidcProviderArn },
                Action: "sts:AssumeRoleWithWebIdentity",
                Condition: {
                    StringEquals: {
                        [`${issuer}:aud`]: IRSA_AUDIENCE,
                        [`${issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
                    },
                },
            },
        ],
    };
}

/** ARN of an AWS-managed policy in the given partition. */
export function managedPolicyArn(partition: string, policyName: string): string {
    return `arn:${partition}:iam::aws:policy/${policyName}`;
}

/**
 * cluster-autoscaler permissions (cluster-autoscaler AWS README, "Full Cluster Autoscaler
 * Features Policy"): describe calls on `*`, write calls only on ASGs tagged
 * `k8s.io/cluster-autoscaler/<cluster>=owned` (EKS managed node groups carry that tag).
 */
export function clusterAutoscalerPolicy(clusterName: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ScaleOwnedNodeGroupsOnly",
                Effect: "Allow",
                Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
                Resource: "*",
                Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
            },
            {
                Sid: "DescribeForDiscovery",
                Effect: "Allow",
                Action: [
                    "autoscaling:DescribeAutoScalingGroups",
                    "autoscaling:DescribeAutoScalingInstances",
                    "autoscaling:DescribeLaunchConfigurations",
                    "autoscaling:DescribeScalingActivities",
                    "autoscaling:DescribeTags",
                    "ec2:DescribeImages",
                    "ec2:DescribeInstanceTypes",
                    "ec2:DescribeLaunchTemplateVersions",
                    "ec2:GetInstanceTypesFromInstanceRequirements",
                    "eks:DescribeNodegroup",
                ],
                Resource: "*",
            },
        ],
    };
}

/** S3 access limited to one bucket (and optionally one key prefix), e.g. for database backups. */
export function s3AccessPolicy(partition: string, bucket: string, prefix?: string, readOnly = false): PolicyDocument {
    const bucketArn = `arn:${partition}:s3:::${bucket}`;
    const keyPrefix = prefix ? `${prefix.replace(/^\/+|\/+$/g, "")}/` : "";
    const list: PolicyStatement = { Sid: "ListBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: bucketArn };
    if (keyPrefix) list.Condition = { StringLike: { "s3:prefix": [`${keyPrefix}*`] } };
    const objectActions = readOnly ? ["s3:GetObject"] : ["s3:AbortMultipartUpload", "s3:GetObject", "s3:PutObject"];
    return {
        Version: "2012-10-17",
        Statement: [list, { Sid: "Objects", Effect: "Allow", Action: objectActions, Resource: `${bucketArn}/${keyPrefix}*` }],
    };
}

/**
 * Velero server permissions (velero-plugin-for-aws README, "Set permissions for Velero"): EBS
 * snapshots of the cluster's volumes (EC2 describe/create/delete on `*`: snapshot ids are not
 * known in advance) and objects in its one backup bucket.
 */
export function veleroPolicy(partition: string, bucket: string): PolicyDocument {
    const bucketArn = `arn:${partition}:s3:::${bucket}`;
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "VolumeSnapshots",
                Effect: "Allow",
                Action: [
                    "ec2:CreateSnapshot",
                    "ec2:CreateSnapshots",
                    "ec2:CreateTags",
                    "ec2:CreateVolume",
                    "ec2:DeleteSnapshot",
                    "ec2:DescribeSnapshots",
                    "ec2:DescribeVolumes",
                ],
                Resource: "*",
            },
            {
                Sid: "BackupObjects",
                Effect: "Allow",
                Action: ["s3:AbortMultipartUpload", "s3:DeleteObject", "s3:GetObject", "s3:ListMultipartUploadParts", "s3:PutObject"],
                Resource: `${bucketArn}/*`,
            },
            { Sid: "BackupBucket", Effect: "Allow", Action: ["s3:GetBucketLocation", "s3:ListBucket"], Resource: bucketArn },
        ],
    };
}

/**
 * Read access to the Secrets Manager secrets under one name prefix (External Secrets Operator,
 * "AWS Secrets Manager" provider docs): the operator can read the stack's secrets and no others.
 */
export function secretsManagerReadPolicy(partition: string, region: string, accountId: string, prefix: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "ReadStackSecrets",
                Effect: "Allow",
                Action: [
                    "secretsmanager:DescribeSecret",
                    "secretsmanager:GetResourcePolicy",
                    "secretsmanager:GetSecretValue",
                    "secretsmanager:ListSecretVersionIds",
                ],
                Resource: `arn:${partition}:secretsmanager:${region}:${accountId}:secret:${prefix}*`,
            },
        ],
    };
}
