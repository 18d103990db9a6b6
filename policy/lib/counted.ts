/**
 * Blanket checks, reported once per stack with a count instead of once per object. A rule that
 * holds for nearly every object of a stack (no PriorityClass, no runbook link) says one thing
 * about the stack; thirty copies of it bury the findings that are about one object.
 */
import { isKind, K8sObject, k8sNamespaceOf } from "./k8s";
import { k8sItems, PlatformRule, stackRule, StackRuleSpec } from "./rule";

export interface CountedRuleSpec<C> extends Omit<StackRuleSpec<C>, "check"> {
    /** Kinds the rule judges. */
    kinds: readonly string[];
    /** What one object lacks (empty when it is fine). */
    check: (obj: K8sObject, config: C) => string[];
    /** The finding, after its count: `workloads set no priorityClassName`. */
    finding: string;
}

/** How many offenders a finding names before "and N more". */
export const NAMED_OFFENDERS = 5;

export function countedRule<C extends object = Record<string, never>>(spec: CountedRuleSpec<C>): PlatformRule {
    const { kinds, check, finding, ...meta } = spec;
    return stackRule<C>({
        ...meta,
        check: (items, config, ctx) => {
            const judged = k8sItems(items).filter((i) => isKind(i.type, kinds) && !ctx.exempt(i.urn));
            if (judged.length === 0) return undefined;
            const offenders = judged
                .filter((i) => check(i.obj, config).length > 0)
                .map((i) => `${k8sNamespaceOf(i.obj)}/${i.obj.metadata?.name}`)
                .sort();
            if (offenders.length === 0) return [];
            const named = offenders.slice(0, NAMED_OFFENDERS).join(", ");
            const more = offenders.length > NAMED_OFFENDERS ? `, and ${offenders.length - NAMED_OFFENDERS} more` : "";
            return [{ message: `stack: ${offenders.length} of ${judged.length} ${finding} (${named}${more})` }];
        },
    });
}
