/**
 * Opt-in EFS for ReadWriteMany volumes: an encrypted file system, a security group admitting NFS
 * only from the cluster's nodes, one mount target per private subnet. The CSI add-on, its IRSA
 * role and the StorageClass are wired by `EksCluster` (they need the cluster and its provider).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NFS_PORT } from "./defaults";
import { ResolvedEfs } from "./resolved";

/** Inputs of the `aws.efs.FileSystem` for `efs` (pure). `kmsKeyArn` is used with `kmsKey: "cluster"`. */
export function efsFileSystemSpec(
    efs: ResolvedEfs,
    clusterName: string,
    kmsKeyArn: pulumi.Input<string>,
    tags: Record<string, string>,
): aws.efs.FileSystemArgs {
    return {
        encrypted: true,
        // Unset means the AWS-managed key aws/elasticfilesystem.
        ...(efs.kmsKey === "cluster" ? { kmsKeyId: kmsKeyArn } : {}),
        performanceMode: efs.performanceMode,
        throughputMode: efs.throughputMode,
        ...(efs.provisionedThroughputMibps !== undefined ? { provisionedThroughputInMibps: efs.provisionedThroughputMibps } : {}),
        ...(efs.transitionToIa ? { lifecyclePolicies: [{ transitionToIa: efs.transitionToIa }] } : {}),
        tags: { ...tags, Name: `${clusterName}-efs` },
    };
}

/** The only ingress rule of the mount targets' security group: NFS (TCP 2049) from the node security group (pure). */
export function efsNfsIngressRule(
    securityGroupId: pulumi.Input<string>,
    nodeSecurityGroupId: pulumi.Input<string>,
    tags: Record<string, string>,
): aws.vpc.SecurityGroupIngressRuleArgs {
    return {
        securityGroupId,
        description: "NFS from the cluster's nodes",
        ipProtocol: "tcp",
        fromPort: NFS_PORT,
        toPort: NFS_PORT,
        referencedSecurityGroupId: nodeSecurityGroupId,
        tags,
    };
}

export interface EfsPlan {
    clusterName: string;
    efs: ResolvedEfs;
    vpcId: pulumi.Input<string>;
    /** One mount target per subnet (one private subnet per AZ). */
    privateSubnetIds: pulumi.Input<string>[];
    /**
     * The security group of the nodes: EKS attaches the cluster security group to managed node
     * groups whose launch template sets none (ours), so pods on every node reach NFS through it.
     */
    nodeSecurityGroupId: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    tags: Record<string, string>;
}

export interface Efs {
    fileSystem: aws.efs.FileSystem;
    securityGroup: aws.ec2.SecurityGroup;
    nfsIngress: aws.vpc.SecurityGroupIngressRule;
    mountTargets: aws.efs.MountTarget[];
}

/** Creates the file system, its security group and mount targets under `parent`; names prefixed with `name`. */
export function createEfs(name: string, plan: EfsPlan, parent: pulumi.Resource): Efs {
    const opts = { parent };
    const fileSystem = new aws.efs.FileSystem(`${name}-efs`, efsFileSystemSpec(plan.efs, plan.clusterName, plan.kmsKeyArn, plan.tags), opts);
    const sgTags = { ...plan.tags, Name: `${plan.clusterName}-efs` };
    // No inline rules: the provider removes AWS's default allow-all egress, and mount targets only
    // answer on inbound connections (security groups are stateful). The one ingress rule is its
    // own resource (aws.vpc.SecurityGroupIngressRule, the provider's recommended form).
    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-efs-sg`,
        { vpcId: plan.vpcId, description: `EFS mount targets of EKS ${plan.clusterName}: NFS from the cluster's nodes only`, tags: sgTags },
        opts,
    );
    const nfsIngress = new aws.vpc.SecurityGroupIngressRule(`${name}-efs-nfs`, efsNfsIngressRule(securityGroup.id, plan.nodeSecurityGroupId, sgTags), opts);
    const mountTargets = plan.privateSubnetIds.map(
        (subnetId, i) => new aws.efs.MountTarget(`${name}-efs-mt-${i}`, { fileSystemId: fileSystem.id, subnetId, securityGroups: [securityGroup.id] }, opts),
    );
    return { fileSystem, securityGroup, nfsIngress, mountTargets };
}
