/**
 * Pure IPv4 subnet planning for the EKS VPC.
 *
 * Layout for `n = nextPow2(azCount)`: the first half of the VPC is split into `n` private
 * subnets (one per AZ; VPC-CNI gives every pod a VPC IP, so these are large), the second half
 * starts with `n` public subnets 8x smaller (NAT gateways and load balancers only); the rest of
 * the second half stays free for later use. Adding AZs up to `n` never moves existing subnets.
 */
import { MAX_SUBNET_PREFIX, MAX_VPC_PREFIX, MIN_VPC_PREFIX, PUBLIC_SUBNET_EXTRA_BITS } from "./defaults";

export interface SubnetPlan {
    /** One private subnet CIDR per AZ, in AZ order. */
    private: string[];
    /** One public subnet CIDR per AZ, in AZ order. */
    public: string[];
}

export interface ParsedCidr {
    /** Network address as an unsigned 32-bit integer. */
    base: number;
    prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/p`; throws naming the value when it is not a canonical IPv4 CIDR. */
export function parseCidr(cidr: string): ParsedCidr {
    const m = CIDR_RE.exec(cidr);
    if (!m) throw new Error(`"${cidr}" is not an IPv4 CIDR (a.b.c.d/p)`);
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`"${cidr}" is not an IPv4 CIDR (octet > 255 or prefix > 32)`);
    const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if ((base & mask) >>> 0 !== base) throw new Error(`"${cidr}" has host bits set (network address is ${formatCidr({ base: (base & mask) >>> 0, prefix })})`);
    return { base, prefix };
}

export function formatCidr({ base, prefix }: ParsedCidr): string {
    return `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.${base & 255}/${prefix}`;
}

/** Terraform's `cidrsubnet(cidr, newBits, index)`. */
export function cidrSubnet(parent: ParsedCidr, newBits: number, index: number): ParsedCidr {
    const prefix = parent.prefix + newBits;
    if (prefix > 32) throw new Error(`cannot add ${newBits} bits to /${parent.prefix}`);
    if (index < 0 || index >= 2 ** newBits) throw new Error(`subnet index ${index} out of range for ${newBits} new bits`);
    return { base: (parent.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}

/** Whether `inner` lies completely inside `outer`. */
export function cidrContains(outer: ParsedCidr, inner: ParsedCidr): boolean {
    if (inner.prefix < outer.prefix) return false;
    const outerSize = 2 ** (32 - outer.prefix);
    return inner.base >= outer.base && inner.base + 2 ** (32 - inner.prefix) <= outer.base + outerSize;
}

/** Whether two CIDRs share any address. */
export function cidrOverlaps(a: ParsedCidr, b: ParsedCidr): boolean {
    const aEnd = a.base + 2 ** (32 - a.prefix);
    const bEnd = b.base + 2 ** (32 - b.prefix);
    return a.base < bEnd && b.base < aEnd;
}

function log2Ceil(n: number): number {
    let bits = 0;
    while (2 ** bits < n) bits++;
    return bits;
}

/**
 * Plans one private and one public subnet per AZ inside `vpcCidr`.
 * Throws (naming `vpc.create.cidr` / `vpc.create.azCount`) when the VPC is too small.
 */
export function planSubnets(vpcCidr: string, azCount: number): SubnetPlan {
    if (!Number.isInteger(azCount) || azCount < 1) throw new Error(`vpc.create.azCount must be an integer >= 1, got ${azCount}`);
    let vpc: ParsedCidr;
    try {
        vpc = parseCidr(vpcCidr);
    } catch (e) {
        // No `{ cause }`: `pulumi up` compiles the program with a TypeScript that predates ErrorOptions (TS2554).
        // eslint-disable-next-line preserve-caught-error
        throw new Error(`vpc.create.cidr: ${(e as Error).message}`);
    }
    if (vpc.prefix < MIN_VPC_PREFIX || vpc.prefix > MAX_VPC_PREFIX) {
        throw new Error(`vpc.create.cidr prefix must be between /${MIN_VPC_PREFIX} and /${MAX_VPC_PREFIX}, got ${vpcCidr}`);
    }
    const slotBits = log2Ceil(azCount);
    const privateBits = slotBits + 1;
    const publicBits = privateBits + PUBLIC_SUBNET_EXTRA_BITS;
    if (vpc.prefix + publicBits > MAX_SUBNET_PREFIX) {
        throw new Error(
            `vpc.create.cidr ${vpcCidr} is too small for ${azCount} AZs: public subnets would be /${vpc.prefix + publicBits}, AWS subnets must be /${MAX_SUBNET_PREFIX} or larger`,
        );
    }
    const slots = 2 ** slotBits;
    const privateSubnets: string[] = [];
    const publicSubnets: string[] = [];
    for (let i = 0; i < azCount; i++) {
        privateSubnets.push(formatCidr(cidrSubnet(vpc, privateBits, i)));
        // The second half starts at private slot `slots`, i.e. public slot `slots * 2^extra`.
        publicSubnets.push(formatCidr(cidrSubnet(vpc, publicBits, slots * 2 ** PUBLIC_SUBNET_EXTRA_BITS + i)));
    }
    return { private: privateSubnets, public: publicSubnets };
}
