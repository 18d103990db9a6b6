/**
 * policy:check's full result (every violation, its message and order) does not depend on how
 * fast it is computed:
 * - `evaluate` (rules indexed by type, argument objects shared across rules) gives what running
 *   each policy on each resource by hand gives, on the prod render and a synthetic set;
 * - the synthetic benchmark set read from disk (the YAML reader) is the objects it was written
 *   from, and its violations are those main's code found before the speed-up (a digest).
 */
import * as assert from "assert";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EnforcementLevel, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
    enforcementLevelOf,
    evaluate,
    fromK8sObject,
    InputResource,
    PackConfig,
    policyKnobs,
    runResourcePolicy,
    runStackPolicy,
    urnFor,
    Violation,
} from "../../../policy/lib/harness";
import { loadResources } from "../../../policy/lib/load";
import { resourceRef } from "../../../policy/lib/rule";
import { allRules } from "../../../policy/rules/all";
import { syntheticObject, writeSyntheticManifests } from "../../../bench/lib/synthetic";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";
import { DEV, PROD } from "./helpers";

/** The violations of every rule, one policy run per rule x resource through the public runners. */
async function byHand(resources: InputResource[], config: PackConfig, stackTags = new Map<string, string>()): Promise<Violation[]> {
    const out: Violation[] = [];
    const urnOf = (r: InputResource) => r.urn ?? urnFor(r.type, r.name);
    for (const rule of allRules) {
        const p = rule.policy;
        const level = enforcementLevelOf(p, config);
        if (level === "disabled") continue;
        const reportLevel: EnforcementLevel = level === "remediate" ? "mandatory" : level;
        const knobs = policyKnobs(p.name, config);
        const add = (message: string, urn: string | undefined, fallback: string) => {
            const res = urn ? resources.find((r) => urnOf(r) === urn) : undefined;
            out.push({
                policy: p.name,
                level: reportLevel,
                severity: p.severity,
                resource: res ? resourceRef(res.type, res.name, res.props) : fallback,
                ...(urn ? { urn } : {}),
                message,
            });
        };
        if (rule.scope === "resource") {
            for (const r of resources) {
                if (rule.appliesTo && !rule.appliesTo(r.type)) continue;
                const o = await runResourcePolicy(p as ResourceValidationPolicy, r, knobs, stackTags);
                for (const m of o.messages) add(m.message, m.urn, resourceRef(r.type, r.name, r.props));
            }
        } else {
            const o = await runStackPolicy(p as StackValidationPolicy, resources, knobs, stackTags);
            for (const m of o.messages) add(m.message, m.urn, "stack");
        }
    }
    return out;
}

/** The synthetic set in memory: what bench/lib/synthetic.ts writes, in the order loadResources reads it (walked by name). */
function synthetic(count: number): InputResource[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-synthetic-"));
    try {
        writeSyntheticManifests(dir, count);
        return loadResources([dir]).map((r) => ({ ...r, source: path.relative(dir, r.source!) }));
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

const digest = (vs: Violation[]) => createHash("sha256").update(JSON.stringify(vs)).digest("hex");

/** `writeSyntheticManifests(dir, 500)` checked under prod.json and dev.json by main's policy:check before issue 20's speed-up (commit 079ed59). */
const SYNTHETIC_500 = {
    prod: { violations: 445, sha256: "3b59a89b06fc2aa8e31c4ac947ed60e2dad52e30ac26e087ed197e439de2f572" },
    dev: { violations: 344, sha256: "29d356b1128346d6fc21aef95d6af63f459114ffc95d94546dd541a2218f4417" },
};

describe("policy:check's result is the same on every code path", () => {
    it("GIVEN the prod render WHEN evaluated under prod.json and dev.json THEN evaluate gives every rule's findings by hand, in the same order", async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const r = await renderedStack("prod");
        const resources = [
            ...r.objects.map((o) => fromK8sObject(o)),
            ...r.cloudResources.map((c) => ({ type: c.type, name: c.name, props: c.inputs, urn: urnFor(c.type, c.name) })),
        ];
        const tags = new Map([["agent-platform:upgrade-rehearsed", "2025-01-31"]]);
        for (const config of [PROD, DEV]) {
            assert.deepStrictEqual(await evaluate(allRules, resources, { config }), await byHand(resources, config));
            assert.deepStrictEqual(await evaluate(allRules, resources, { config, stackTags: tags }), await byHand(resources, config, tags));
        }
    });

    it("GIVEN the synthetic set read from disk THEN it is the objects written, and evaluate gives the findings by hand and main's (digest)", async () => {
        const resources = synthetic(500);
        const written = resources.map((r) => {
            const [, kind, i] = /^bench-\d+\/(\w+)-agent-(\d+)\.yaml#1$/.exec(r.source!)!;
            const k = ["Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"].find((x) => x.toLowerCase() === kind)!;
            return syntheticObject(k as "Deployment", Number(i));
        });
        assert.deepStrictEqual(
            resources.map((r) => r.props),
            written,
        );
        for (const [name, config] of [
            ["prod", PROD],
            ["dev", DEV],
        ] as const) {
            const vs = await evaluate(allRules, resources, { config });
            assert.deepStrictEqual(vs, await byHand(resources, config));
            // A deliberate change of a rule, its message or a config changes this digest: regenerate it then.
            assert.deepStrictEqual({ violations: vs.length, sha256: digest(vs) }, SYNTHETIC_500[name], `${name}.json`);
        }
    });
});
