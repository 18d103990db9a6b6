/** The network rules of `EksClusterArgs`: VPC (created or existing), API endpoint access, admin principals. Pure. */
import * as defaults from "./defaults";
import { duplicates, isInt, issueList, knownStrings, NAT_STRATEGIES, ValidationIssue } from "./rules";
import { parseCidr, planSubnets } from "./subnets";
import { EksClusterArgs } from "./types";

/** The `vpc` rules: exactly one of create/existing, enough distinct subnets or AZs, a CIDR that fits them. */
export function validateVpc(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const vpc = args.vpc ?? {};
    if (vpc.create && vpc.existing) {
        add(["vpc"], "vpc.create and vpc.existing are mutually exclusive: set exactly one");
    } else if (vpc.existing) {
        const ex = vpc.existing;
        if (!ex.vpcId) add(["vpc", "existing", "vpcId"], "vpc.existing.vpcId must be a non-empty VPC id (or an Output of one)");
        const priv = ex.privateSubnetIds ?? [];
        if (new Set(priv).size < defaults.MIN_AZ_COUNT) {
            add(
                ["vpc", "existing", "privateSubnetIds"],
                `vpc.existing.privateSubnetIds must list at least ${defaults.MIN_AZ_COUNT} distinct subnets in different AZs (EKS requirement), got ${priv.length}`,
            );
        }
        if (ex.cidr !== undefined) {
            try {
                parseCidr(ex.cidr);
            } catch (e) {
                add(["vpc", "existing", "cidr"], `vpc.existing.cidr: ${(e as Error).message}`);
            }
        }
        for (const d of duplicates(knownStrings([...priv, ...(ex.publicSubnetIds ?? [])]))) {
            add(["vpc", "existing"], `vpc.existing subnet ids must be unique across privateSubnetIds and publicSubnetIds, got ${d} twice`);
        }
    } else {
        const c = vpc.create ?? {};
        const azs = c.availabilityZones;
        const azCount = azs?.length ?? c.azCount ?? defaults.DEFAULT_AZ_COUNT;
        if (azs) {
            for (const d of duplicates(azs)) add(["vpc", "create", "availabilityZones"], `vpc.create.availabilityZones must be unique, got ${d} twice`);
            if (c.azCount !== undefined && c.azCount !== azs.length) {
                add(
                    ["vpc", "create", "azCount"],
                    `vpc.create.azCount (${c.azCount}) must equal the length of vpc.create.availabilityZones (${azs.length}) when both are set`,
                );
            }
        }
        if (!isInt(azCount) || azCount < defaults.MIN_AZ_COUNT || azCount > defaults.MAX_AZ_COUNT) {
            add(
                ["vpc", "create", azs ? "availabilityZones" : "azCount"],
                `vpc.create.azCount must be an integer between ${defaults.MIN_AZ_COUNT} and ${defaults.MAX_AZ_COUNT} (EKS needs subnets in >= 2 AZs), got ${azCount}`,
            );
        } else {
            try {
                planSubnets(c.cidr ?? defaults.DEFAULT_VPC_CIDR, azCount);
            } catch (e) {
                add(["vpc", "create", "cidr"], (e as Error).message);
            }
        }
        if (c.natGateways !== undefined && !NAT_STRATEGIES.includes(c.natGateways)) {
            add(["vpc", "create", "natGateways"], `vpc.create.natGateways must be "single" or "onePerAz", got ${JSON.stringify(c.natGateways)}`);
        }
    }
    return issues;
}

/** The `endpoint` and `adminPrincipals` rules (who reaches the API server, and from where). */
export function validateAccess(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const env = args.environment ?? "prod";
    // --- endpoint
    const ep = args.endpoint ?? {};
    const privateAccess = ep.privateAccess ?? true;
    const publicAccess = ep.publicAccess ?? false;
    const cidrs = ep.publicAccessCidrs ?? [];
    if (!privateAccess && !publicAccess)
        add(["endpoint"], "endpoint.privateAccess and endpoint.publicAccess cannot both be false (the API server would be unreachable)");
    if (publicAccess && cidrs.length === 0) {
        add(
            ["endpoint", "publicAccessCidrs"],
            "endpoint.publicAccessCidrs must list at least one CIDR when endpoint.publicAccess is true (EKS would otherwise allow 0.0.0.0/0)",
        );
    }
    if (!publicAccess && cidrs.length > 0)
        add(["endpoint", "publicAccessCidrs"], "endpoint.publicAccessCidrs is set but endpoint.publicAccess is false; remove it or enable public access");
    cidrs.forEach((cidr, i) => {
        let parsed;
        try {
            parsed = parseCidr(cidr);
        } catch (e) {
            add(["endpoint", "publicAccessCidrs", String(i)], `endpoint.publicAccessCidrs[${i}]: ${(e as Error).message}`);
            return;
        }
        if (env === "prod" && parsed.prefix === 0) {
            add(
                ["endpoint", "publicAccessCidrs", String(i)],
                `endpoint.publicAccessCidrs must not contain ${cidr} in prod (the API server would be open to the internet)`,
            );
        }
    });
    if (privateAccess === false && env === "prod" && publicAccess) {
        add(["endpoint", "privateAccess"], "endpoint.privateAccess must be true in prod (nodes must reach the API server inside the VPC)");
    }

    // --- access
    const admins = args.adminPrincipals ?? [];
    admins.forEach((arn, i) => {
        if (typeof arn === "string" && !/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/.test(arn)) {
            add(
                ["adminPrincipals", String(i)],
                `adminPrincipals[${i}] must be an IAM role or user ARN (arn:aws:iam::<account>:role/<name>), got ${JSON.stringify(arn)}`,
            );
        }
    });
    for (const d of duplicates(knownStrings(admins))) add(["adminPrincipals"], `adminPrincipals must be unique, got ${d} twice`);
    return issues;
}
