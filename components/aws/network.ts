/**
 * The cluster VPC: one public and one private subnet per AZ, Internet gateway, NAT gateways
 * (one per AZ or a single one), route tables, a locked-down default security group and the
 * subnet tags the AWS load balancer integrations discover subnets by.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { NatGatewayStrategy } from "./types";
import { SubnetPlan } from "./subnets";

export interface NetworkPlan {
    clusterName: string;
    cidr: string;
    azCount: number;
    /** Explicit AZ names, else the region's first `azCount` available (non-opt-in) AZs. */
    availabilityZones?: string[];
    natGateways: NatGatewayStrategy;
    subnets: SubnetPlan;
    /** Region to look AZs up in. @default the AWS provider's region */
    region?: string;
    tags: Record<string, string>;
}

export interface Network {
    vpcId: pulumi.Output<string>;
    privateSubnetIds: pulumi.Output<string>[];
    publicSubnetIds: pulumi.Output<string>[];
    natGatewayCount: number;
}

/** Tags of a cluster subnet: the cluster tag plus the ELB role tag (AWS Load Balancer Controller docs). */
export function subnetTags(clusterName: string, tier: "public" | "private"): Record<string, string> {
    return {
        [`kubernetes.io/cluster/${clusterName}`]: "shared",
        [tier === "public" ? "kubernetes.io/role/elb" : "kubernetes.io/role/internal-elb"]: "1",
    };
}

/** How many NAT gateways the strategy creates. */
export function natGatewayCount(strategy: NatGatewayStrategy, azCount: number): number {
    return strategy === "onePerAz" ? azCount : 1;
}

/** The AZ of subnet `i`: as configured, else the region's i-th available AZ (an error when it has too few). */
function availabilityZoneName(plan: NetworkPlan, parent: pulumi.Resource): (i: number) => pulumi.Input<string> {
    if (plan.availabilityZones) {
        const names = plan.availabilityZones;
        return (i) => names[i];
    }
    const azs = aws.getAvailabilityZonesOutput(
        { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }], ...(plan.region ? { region: plan.region } : {}) },
        { parent },
    );
    return (i) =>
        azs.names.apply((names) => {
            if (names.length < plan.azCount) {
                throw new Error(`vpc.create.azCount is ${plan.azCount} but the region has only ${names.length} available AZs (${names.join(", ")})`);
            }
            return names[i];
        });
}

/** Creates the network under `parent`; child names are prefixed with `name`. */
export function createNetwork(name: string, plan: NetworkPlan, parent: pulumi.Resource): Network {
    const opts = { parent };
    const tag = (suffix: string, extra: Record<string, string> = {}) => ({ ...plan.tags, Name: `${plan.clusterName}-${suffix}`, ...extra });
    const azName = availabilityZoneName(plan, parent);

    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: plan.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: tag("vpc") }, opts);
    // CIS AWS 5.4: the default security group must allow no traffic.
    new aws.ec2.DefaultSecurityGroup(`${name}-default-sg`, { vpcId: vpc.id, ingress: [], egress: [], tags: tag("default-deny") }, opts);
    const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: tag("igw") }, opts);

    const publicRt = new aws.ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: tag("public") }, opts);
    new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, opts);

    const publicSubnets: aws.ec2.Subnet[] = [];
    const privateSubnets: aws.ec2.Subnet[] = [];
    for (let i = 0; i < plan.azCount; i++) {
        const az = azName(i);
        const pub = new aws.ec2.Subnet(
            `${name}-public-${i}`,
            {
                vpcId: vpc.id,
                cidrBlock: plan.subnets.public[i],
                availabilityZone: az,
                // Only NAT gateways and load balancers live here; nothing gets a public IP implicitly.
                mapPublicIpOnLaunch: false,
                tags: tag(`public-${i}`, subnetTags(plan.clusterName, "public")),
            },
            opts,
        );
        new aws.ec2.RouteTableAssociation(`${name}-public-${i}-rta`, { subnetId: pub.id, routeTableId: publicRt.id }, opts);
        publicSubnets.push(pub);
        privateSubnets.push(
            new aws.ec2.Subnet(
                `${name}-private-${i}`,
                {
                    vpcId: vpc.id,
                    cidrBlock: plan.subnets.private[i],
                    availabilityZone: az,
                    mapPublicIpOnLaunch: false,
                    tags: tag(`private-${i}`, subnetTags(plan.clusterName, "private")),
                },
                opts,
            ),
        );
    }

    const natCount = natGatewayCount(plan.natGateways, plan.azCount);
    const nats: aws.ec2.NatGateway[] = [];
    for (let i = 0; i < natCount; i++) {
        const eip = new aws.ec2.Eip(`${name}-nat-${i}-eip`, { domain: "vpc", tags: tag(`nat-${i}`) }, opts);
        nats.push(
            new aws.ec2.NatGateway(
                `${name}-nat-${i}`,
                { allocationId: eip.id, subnetId: publicSubnets[i].id, connectivityType: "public", tags: tag(`nat-${i}`) },
                { parent, dependsOn: [igw] },
            ),
        );
    }
    for (let i = 0; i < plan.azCount; i++) {
        // onePerAz: each AZ egresses through its own NAT, so losing an AZ never cuts the others off.
        const nat = nats[plan.natGateways === "onePerAz" ? i : 0];
        const rt = new aws.ec2.RouteTable(`${name}-private-${i}-rt`, { vpcId: vpc.id, tags: tag(`private-${i}`) }, opts);
        new aws.ec2.Route(`${name}-private-${i}-default`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, opts);
        new aws.ec2.RouteTableAssociation(`${name}-private-${i}-rta`, { subnetId: privateSubnets[i].id, routeTableId: rt.id }, opts);
    }
    return {
        vpcId: vpc.id,
        privateSubnetIds: privateSubnets.map((s) => s.id),
        publicSubnetIds: publicSubnets.map((s) => s.id),
        natGatewayCount: natCount,
    };
}
