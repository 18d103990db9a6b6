/**
 * Issue 19, regions: the same program deploys one stack per region (`Pulumi.prod-<region>.yaml`).
 * Two prod regions' renders differ only in what must differ per region: the AWS region, the
 * cluster name, the VPC CIDR, the globally unique bucket names, the public hosts and the region
 * tag. Normalizing exactly those differences makes the renders identical.
 */
import { strict as assert } from "assert";
import { RenderResult, renderStack } from "../../../tools/lib/render";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";

/** What must differ between prod (us-east-1) and prod-eu-west-1, as (eu-west-1 value, us-east-1 value), longest first. */
const REGIONAL: [string, string][] = [
    ["agent-platform-prod-eu-west-1-velero", "agent-platform-prod-velero"],
    ["claude-code-backups-eu-west-1", "claude-code-backups"],
    ["dashboard.eu-west-1.claude-code.company.com", "dashboard.claude-code.company.com"],
    ["memory.eu-west-1.ushadow.company.com", "memory.ushadow.company.com"],
    ["agent-platform-prod-eu-west-1", "agent-platform-prod"],
    ["10.41.", "10.40."],
    ["eu-west-1", "us-east-1"],
];

/**
 * Values derived from the per-region ones: the OIDC issuer id (the mock derives it from the cluster
 * name, EKS assigns one per cluster) and a pod template's config hash (the ConfigMap it hashes holds
 * the region's public host).
 */
const DERIVED: [RegExp, string][] = [[/\/id\/[0-9A-F]{32}/g, "/id/<oidc>"]];
const HASH_KEY = "agent-platform.io/config-hash";

function normalize(r: RenderResult, regional: [string, string][]): unknown {
    const walk = (v: unknown): unknown => {
        if (typeof v === "string")
            return DERIVED.reduce(
                (s, [re, to]) => s.replace(re, to),
                regional.reduce((s, [from, to]) => s.split(from).join(to), v),
            );
        if (Array.isArray(v)) return v.map(walk);
        if (v && typeof v === "object") {
            // The region tag exists only on the second region's resources.
            return Object.fromEntries(
                Object.entries(v)
                    .filter(([k, x]) => !(k === "region" && x === "eu-west-1" && regional.length > 0 && isTags(v)))
                    .map(([k, x]) => [walk(k) as string, k === HASH_KEY ? "<hash>" : walk(x)]),
            );
        }
        return v;
    };
    const isTags = (o: object) => "project" in o && "environment" in o;
    return { objects: walk(r.objects), cloud: walk(r.cloudResources) };
}

describe("stacks: a second prod region (issue 19)", function () {
    this.timeout(RENDER_TIMEOUT_MS * 2);
    let us: RenderResult;
    let eu: RenderResult;
    before(async () => {
        us = await renderedStack("prod");
        eu = await renderStack("prod-eu-west-1", { redact: false });
    });

    it("GIVEN prod and prod-eu-west-1 WHEN the per-region values are normalized THEN the renders are identical", () => {
        const a = JSON.stringify(normalize(us, []), null, 1).split("\n");
        const b = JSON.stringify(normalize(eu, REGIONAL), null, 1).split("\n");
        const diff = b.map((l, i) => (l !== a[i] ? `${i}: ${a[i].slice(0, 160)} -> ${l.slice(0, 160)}` : "")).filter(Boolean);
        assert.equal(a.length, b.length, "the same resources in both regions");
        assert.deepEqual(diff.slice(0, 10), [], "differences beyond the per-region values");
    });

    it("GIVEN the two regions THEN each per-region value really differs (region, cluster, CIDR, buckets, hosts)", () => {
        const text = (r: RenderResult) => JSON.stringify([r.objects, r.cloudResources]);
        const [u, e] = [text(us), text(eu)];
        for (const [euValue, usValue] of REGIONAL) {
            assert.ok(e.includes(euValue), `prod-eu-west-1 lacks ${euValue}`);
            assert.ok(u.includes(usValue) && !u.includes(euValue), `prod holds ${euValue} or lacks ${usValue}`);
        }
    });
});
