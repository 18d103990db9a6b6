/**
 * AWS behaviour under the Pulumi mocks: the invokes `EksCluster` makes and the computed
 * outputs other resources consume. Side-effect module; importing it registers everything.
 * Any AWS invoke not listed here still throws `Mock not implemented: <token>`.
 */
import * as pulumi from "@pulumi/pulumi";
import { registerMockInvoke, registerMockState } from "./mock-providers";

/** Account id every mocked ARN uses. */
export const MOCK_ACCOUNT_ID = "123456789012";
/** Region used when `aws:region` is not configured. */
export const MOCK_DEFAULT_REGION = "us-east-1";

/** The region the mocked AWS provider is in: the `aws:region` config value, else us-east-1. */
export function mockRegion(): string {
    return new pulumi.Config("aws").get("region") ?? MOCK_DEFAULT_REGION;
}

function arn(service: string, resource: string, region = mockRegion()): string {
    return `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${resource}`;
}

/** A deterministic fake OIDC id derived from the cluster name (32 upper-case hex chars). */
function oidcId(name: string): string {
    let h = 0;
    for (const c of name) h = (h * 31 + c.charCodeAt(0)) >>> 0;
    return h.toString(16).toUpperCase().padStart(8, "0").repeat(4);
}

registerMockInvoke("aws:index/getAvailabilityZones:getAvailabilityZones", (inputs) => {
    const region = inputs.region ?? mockRegion();
    const letters = ["a", "b", "c", "d", "e", "f"];
    return {
        id: region,
        region,
        names: letters.map((l) => `${region}${l}`),
        zoneIds: letters.map((_, i) => `use1-az${i + 1}`),
        groupNames: [region],
    };
});
registerMockInvoke("aws:index/getCallerIdentity:getCallerIdentity", () => ({
    id: MOCK_ACCOUNT_ID,
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mock`,
    userId: "AIDAMOCKMOCKMOCKMOCK",
}));
registerMockInvoke("aws:index/getPartition:getPartition", () => ({
    id: "aws",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
}));
registerMockInvoke("aws:index/getRegion:getRegion", () => {
    const region = mockRegion();
    return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com`, description: region };
});

/** An existing VPC looked up by id (EksCluster with `vpc.existing` and no `cidr`). */
registerMockInvoke("aws:ec2/getVpc:getVpc", (inputs) => ({
    id: inputs.id,
    arn: arn("ec2", `vpc/${inputs.id}`, inputs.region),
    cidrBlock: "10.0.0.0/16",
    ownerId: MOCK_ACCOUNT_ID,
}));

registerMockState("aws:eks/cluster:Cluster", (name, inputs) => {
    const region = inputs.region ?? mockRegion();
    const clusterName = inputs.name ?? name;
    return {
        name: clusterName,
        arn: arn("eks", `cluster/${clusterName}`),
        endpoint: `https://${oidcId(clusterName)}.gr7.${region}.eks.amazonaws.com`,
        version: inputs.version ?? "1.33",
        certificateAuthority: { data: Buffer.from(`mock-ca-${clusterName}`).toString("base64") },
        identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/${oidcId(clusterName)}` }] }],
        status: "ACTIVE",
        // EKS creates the cluster security group (managed nodes get it when their launch template sets none).
        vpcConfig: { ...(inputs.vpcConfig ?? {}), clusterSecurityGroupId: `sg-${clusterName}`, vpcId: `vpc-of-${clusterName}` },
        // EKS picks 172.20.0.0/16 for VPCs in 10.0.0.0/8 when no Service CIDR is given.
        kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: "172.20.0.0/16", ...(inputs.kubernetesNetworkConfig ?? {}) },
    };
});
registerMockState("aws:iam/openIdConnectProvider:OpenIdConnectProvider", (_name, inputs) => ({
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:oidc-provider/${String(inputs.url ?? "").replace(/^https:\/\//, "")}`,
}));
registerMockState("aws:iam/role:Role", (name, inputs) => ({
    name: inputs.name ?? name,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${inputs.name ?? name}`,
}));
registerMockState("aws:kms/key:Key", (name, inputs) => ({ arn: arn("kms", `key/${name}`, inputs.region), keyId: `${name}-key-id` }));
registerMockState("aws:ec2/launchTemplate:LaunchTemplate", (name) => ({ latestVersion: 1, defaultVersion: 1, arn: arn("ec2", `launch-template/${name}`) }));
registerMockState("aws:eks/nodeGroup:NodeGroup", (name, inputs) => {
    const nodeGroupName = inputs.nodeGroupName ?? `${inputs.nodeGroupNamePrefix ?? name}mock`;
    return {
        nodeGroupName,
        arn: arn("eks", `nodegroup/${inputs.clusterName}/${nodeGroupName}/mock`),
        status: "ACTIVE",
        resources: [{ autoscalingGroups: [{ name: `eks-${nodeGroupName}-asg` }], remoteAccessSecurityGroupId: "" }],
    };
});
registerMockState("aws:eks/addon:Addon", (_name, inputs) => ({
    arn: arn("eks", `addon/${inputs.clusterName}/${inputs.addonName}/mock`),
    addonVersion: inputs.addonVersion ?? "v0.0.0-eksbuild.1",
}));
registerMockState("aws:cloudwatch/logGroup:LogGroup", (_name, inputs) => ({ arn: arn("logs", `log-group:${inputs.name}`) }));
registerMockState("aws:efs/fileSystem:FileSystem", (name, inputs) => ({
    arn: arn("elasticfilesystem", `file-system/${name}-id`, inputs.region),
    dnsName: `${name}-id.efs.${inputs.region ?? mockRegion()}.amazonaws.com`,
    kmsKeyId: inputs.kmsKeyId ?? arn("kms", "alias/aws/elasticfilesystem", inputs.region),
    ownerId: MOCK_ACCOUNT_ID,
}));
registerMockState("aws:efs/mountTarget:MountTarget", (name, inputs) => ({
    dnsName: `${inputs.fileSystemId}.efs.${inputs.region ?? mockRegion()}.amazonaws.com`,
    networkInterfaceId: `eni-${name}`,
    ipAddress: "10.0.0.10",
}));
registerMockState("aws:ec2/securityGroup:SecurityGroup", (name, inputs) => ({
    arn: arn("ec2", `security-group/${name}-id`, inputs.region),
    ownerId: MOCK_ACCOUNT_ID,
}));
registerMockState("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", (name, inputs) => ({
    arn: arn("ec2", `security-group-rule/${name}-id`, inputs.region),
    securityGroupRuleId: `sgr-${name}`,
}));
