/**
 * Process items a policy cannot observe, enforced through proxies (catalog section 6):
 * the upgrade/rollback rehearsal date is recorded as a stack tag.
 */
import { knobChecks } from "../lib/config";
import { PlatformRule, stackRule } from "../lib/rule";

/** Stack tag holding the ISO date (YYYY-MM-DD) of the last upgrade/rollback rehearsal. */
export const REHEARSAL_TAG = "agent-platform:upgrade-rehearsed";
const DAY_MS = 24 * 60 * 60 * 1000;

/** Age in whole days of an ISO date relative to `now`; undefined when unparsable. */
export function ageInDays(isoDate: string, now: Date): number | undefined {
    if (!/^\d{4}-\d{2}-\d{2}/.test(isoDate)) return undefined;
    const t = Date.parse(isoDate);
    return Number.isNaN(t) ? undefined : Math.floor((now.getTime() - t) / DAY_MS);
}

export const processRules: PlatformRule[] = [
    stackRule({
        name: "proc-upgrade-rehearsed",
        area: "process",
        description: `The stack records a recent upgrade/rollback rehearsal (stack tag ${REHEARSAL_TAG}: YYYY-MM-DD, at most maxAgeDays old) - seed 001/003 "upgrade/rollback procedure tested".`,
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: `Rehearse upgrade + rollback on dev, then \`pulumi stack tag set ${REHEARSAL_TAG} $(date +%F)\`.`,
        defaults: { maxAgeDays: 90 },
        knobs: { maxAgeDays: "how old the last rehearsal may be" },
        checks: { maxAgeDays: knobChecks.atLeast(1) },
        check: (_items, cfg, ctx) => {
            const v = ctx.stackTags.get(REHEARSAL_TAG);
            if (!v) return [{ message: `stack: no ${REHEARSAL_TAG} tag; upgrade/rollback has never been rehearsed` }];
            const age = ageInDays(v, ctx.now);
            if (age === undefined) return [{ message: `stack: tag ${REHEARSAL_TAG} "${v}" is not a YYYY-MM-DD date` }];
            return age > cfg.maxAgeDays ? [{ message: `stack: last upgrade/rollback rehearsal ${v} is ${age} days old (max ${cfg.maxAgeDays})` }] : [];
        },
    }),
];
