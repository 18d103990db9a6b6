/** The managed node groups: their role, a launch template each (IMDSv2, encrypted gp3), and the groups. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { autoscalerDiscoveryTags } from "./cluster-autoscaler";
import { ROOT_DEVICE_NAME } from "./defaults";
import { managedPolicyArn, serviceTrustPolicy } from "./iam-policies";
import { ResolvedEksCluster, ResolvedNodeGroup } from "./resolved";

/** Rolling node updates replace at most a third of a group at once. */
const NODE_UPDATE_MAX_UNAVAILABLE_PERCENT = 33;

/** The resource options a managed node group gets: the autoscaler owns `desiredSize`. Pure. */
export function nodeGroupResourceOptions(ignoreDesiredSizeChanges: boolean): Pick<pulumi.CustomResourceOptions, "ignoreChanges"> {
    return ignoreDesiredSizeChanges ? { ignoreChanges: ["scalingConfig.desiredSize"] } : {};
}

/** Launch template data for a node group: IMDSv2 only, encrypted gp3 root volume, no SSH key. Pure. */
export function launchTemplateSpec(group: ResolvedNodeGroup, clusterName: string, imdsHopLimit: number, tags: Record<string, string>) {
    const instanceTags = { ...tags, Name: `${clusterName}-${group.name}`, "node-group": group.name };
    return {
        description: `EKS ${clusterName} node group ${group.name}: IMDSv2, encrypted gp3 root volume`,
        metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: imdsHopLimit,
            instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
            {
                deviceName: ROOT_DEVICE_NAME,
                ebs: { volumeSize: group.diskSizeGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            },
        ],
        monitoring: { enabled: true },
        tagSpecifications: [
            { resourceType: "instance", tags: instanceTags },
            { resourceType: "volume", tags: instanceTags },
        ],
        updateDefaultVersion: true,
        tags,
    };
}

/** What the node groups are made from; `owner` is their parent (the EksCluster). */
export interface NodeGroupInputs {
    name: string;
    settings: ResolvedEksCluster;
    cluster: aws.eks.Cluster;
    privateSubnetIds: pulumi.Input<string>[];
    tags: Record<string, string>;
    partition: pulumi.Output<string>;
    /** The add-ons nodes need to join (vpc-cni, kube-proxy). */
    joinAddons: pulumi.Resource[];
    owner: pulumi.Resource;
}

/** The node role and one managed node group per `nodeGroups` entry, by config name. */
export function createNodeGroups({ name, settings: s, cluster, privateSubnetIds, tags, partition, joinAddons, owner }: NodeGroupInputs): {
    nodeRole: aws.iam.Role;
    nodeGroups: Record<string, aws.eks.NodeGroup>;
} {
    const parent = { parent: owner };
    const policyArn = (policy: string) => partition.apply((p) => managedPolicyArn(p, policy));
    const nodeRole = new aws.iam.Role(
        `${name}-node-role`,
        { assumeRolePolicy: JSON.stringify(serviceTrustPolicy("ec2.amazonaws.com")), description: `EKS ${s.clusterName} managed nodes`, tags },
        parent,
    );
    const nodePolicies = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"].map(
        (policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, { role: nodeRole.name, policyArn: policyArn(policy) }, parent),
    );

    const nodeGroups: Record<string, aws.eks.NodeGroup> = {};
    for (const g of s.nodeGroups) {
        const lt = new aws.ec2.LaunchTemplate(`${name}-${g.name}-lt`, launchTemplateSpec(g, s.clusterName, s.imdsHopLimit, tags), parent);
        nodeGroups[g.name] = new aws.eks.NodeGroup(
            `${name}-${g.name}`,
            {
                clusterName: cluster.name,
                // A prefix (not a fixed name) so replacements can create-before-delete.
                nodeGroupNamePrefix: `${g.name}-`,
                version: cluster.version,
                nodeRoleArn: nodeRole.arn,
                subnetIds: g.subnetIds ?? privateSubnetIds,
                instanceTypes: g.instanceTypes,
                capacityType: g.capacityType,
                amiType: g.amiType,
                scalingConfig: { minSize: g.minSize, maxSize: g.maxSize, desiredSize: g.desiredSize },
                updateConfig: { maxUnavailablePercentage: NODE_UPDATE_MAX_UNAVAILABLE_PERCENT },
                labels: g.labels,
                taints: g.taints,
                launchTemplate: { id: lt.id, version: lt.latestVersion.apply((v) => String(v)) },
                tags: { ...tags, ...autoscalerDiscoveryTags(s.clusterName), "node-group": g.name },
            },
            { parent: owner, dependsOn: [...nodePolicies, ...joinAddons], ...nodeGroupResourceOptions(s.ignoreDesiredSizeChanges) },
        );
    }
    return { nodeRole, nodeGroups };
}
