import { strict as assert } from "assert";
import * as fc from "fast-check";
import { cidrContains, cidrOverlaps, parseCidr, planSubnets } from "../../../components/aws/subnets";

describe("aws/subnets planSubnets", () => {
    it("GIVEN 10.0.0.0/16 and 3 AZs WHEN planned THEN private /19s fill the first half and public /22s start the second half", () => {
        const plan = planSubnets("10.0.0.0/16", 3);
        assert.deepEqual(plan.private, ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]);
        assert.deepEqual(plan.public, ["10.0.128.0/22", "10.0.132.0/22", "10.0.136.0/22"]);
    });

    it("GIVEN 2 AZs WHEN planned THEN each private subnet is a quarter of the VPC", () => {
        const plan = planSubnets("10.20.0.0/20", 2);
        assert.deepEqual(plan.private, ["10.20.0.0/22", "10.20.4.0/22"]);
        assert.deepEqual(plan.public, ["10.20.8.0/25", "10.20.8.128/25"]);
    });

    it("GIVEN a plan for 3 AZs WHEN a 4th AZ is added THEN the first three subnets do not move", () => {
        const three = planSubnets("10.1.0.0/16", 3);
        const four = planSubnets("10.1.0.0/16", 4);
        assert.deepEqual(four.private.slice(0, 3), three.private);
        assert.deepEqual(four.public.slice(0, 3), three.public);
    });

    it("GIVEN any VPC /16../24 and 1..6 AZs that fit WHEN planned THEN subnets are inside the VPC, pairwise disjoint and >= /28", () => {
        fc.assert(
            fc.property(
                fc.integer({ min: 0, max: 255 }),
                fc.integer({ min: 0, max: 255 }),
                fc.integer({ min: 16, max: 24 }),
                fc.integer({ min: 1, max: 6 }),
                (a, b, prefix, azCount) => {
                    const base = (((10 << 24) | (a << 16) | (b << 8)) >>> 0) & ((0xffffffff << (32 - prefix)) >>> 0);
                    const cidr = `${base >>> 24}.${(base >>> 16) & 255}.${(base >>> 8) & 255}.0/${prefix}`;
                    let plan;
                    try {
                        plan = planSubnets(cidr, azCount);
                    } catch (e) {
                        assert.match((e as Error).message, /too small/);
                        return;
                    }
                    const vpc = parseCidr(cidr);
                    const all = [...plan.private, ...plan.public].map(parseCidr);
                    assert.equal(plan.private.length, azCount);
                    assert.equal(plan.public.length, azCount);
                    for (const s of all) {
                        assert.ok(cidrContains(vpc, s), `${JSON.stringify(s)} outside ${cidr}`);
                        assert.ok(s.prefix <= 28);
                    }
                    for (let i = 0; i < all.length; i++) for (let j = i + 1; j < all.length; j++) assert.ok(!cidrOverlaps(all[i], all[j]));
                    // Private subnets are larger than public ones (pods take VPC IPs).
                    assert.ok(parseCidr(plan.private[0]).prefix < parseCidr(plan.public[0]).prefix);
                },
            ),
            { numRuns: 200 },
        );
    });

    it("GIVEN a /24 VPC and 3 AZs WHEN planned THEN it fails naming the field and the resulting prefix", () => {
        assert.throws(() => planSubnets("10.0.0.0/24", 3), /vpc\.create\.cidr 10\.0\.0\.0\/24 is too small for 3 AZs: public subnets would be \/30/);
    });

    it("GIVEN a /8 VPC WHEN planned THEN it fails with the allowed prefix range", () => {
        assert.throws(() => planSubnets("10.0.0.0/8", 3), /prefix must be between \/16 and \/24, got 10\.0\.0\.0\/8/);
    });

    it("GIVEN malformed CIDRs WHEN planned THEN each fails naming the value", () => {
        assert.throws(() => planSubnets("10.0.0/16", 3), /vpc\.create\.cidr: "10\.0\.0\/16" is not an IPv4 CIDR/);
        assert.throws(() => planSubnets("10.0.300.0/16", 3), /octet > 255/);
        assert.throws(() => planSubnets("10.0.1.0/16", 3), /host bits set \(network address is 10\.0\.0\.0\/16\)/);
        assert.throws(() => planSubnets("10.0.0.0/16", 0), /azCount must be an integer >= 1, got 0/);
    });
});
