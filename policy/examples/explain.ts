/**
 * A passing and a failing example per rule, for `policy:check --explain`: the passing one is an
 * object of the compliant example stack (compliant.ts), the failing one the first of the rule's
 * cases (cases.ts), a single mutation of it (printed as the changed lines of the passing one). Both are judged by the rule itself when printed,
 * so the example and its verdict cannot drift apart (tests/unit/policy/examples.test.ts).
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { stringify } from "yaml";
import { fromK8sObject, InputResource, PackConfig, policyKnobs, RuleOutcome, runResourcePolicy, runStackPolicy } from "../lib/harness";
import { clone, parseK8sType } from "../lib/k8s";
import { describeResource, PlatformRule, resourceRef } from "../lib/rule";
import { resourceCases, stackCases } from "./cases";
import { compliantStack, compliantTags, find } from "./compliant";

/** One side of an example: the resources that differ, and what the rule says about them. */
export interface ExampleSide {
    /** The resources shown (the changed ones for a stack rule; the stack holds the rest of the example stack). */
    resources: InputResource[];
    /** Resources of the passing side the failing side does not have. */
    removed: string[];
    /** The stack tags the rule was given. */
    stackTags: ReadonlyMap<string, string>;
    outcome: RuleOutcome;
}

export interface RuleExamples {
    rule: string;
    /** What the failing example breaks (the case's title). */
    title: string;
    passing: ExampleSide;
    failing: ExampleSide;
}

function run(rule: PlatformRule, resources: InputResource[], config: PackConfig, tags: ReadonlyMap<string, string>): Promise<RuleOutcome> {
    const knobs = policyKnobs(rule.policy.name, config);
    return rule.scope === "stack"
        ? runStackPolicy(rule.policy as StackValidationPolicy, resources, knobs, tags)
        : runResourcePolicy(rule.policy as ResourceValidationPolicy, resources[0], knobs, tags);
}

const refOf = (r: InputResource) => resourceRef(r.type, r.name, r.props);

/**
 * The rule's examples, judged under `config` (the examples are written for prod.json's knobs; a
 * case that needs other knobs carries them). Undefined when the rule has no case.
 */
export async function ruleExamples(rule: PlatformRule, config: PackConfig): Promise<RuleExamples | undefined> {
    const name = rule.policy.name;
    const tags = compliantTags();
    if (rule.scope === "resource") {
        const cases = resourceCases.filter((c) => c.policy === name);
        // A mutation of a compliant object shows the difference; prefer one under the given knobs.
        const c = cases.find((x) => typeof x.fixture === "string" && !x.config) ?? cases.find((x) => typeof x.fixture === "string") ?? cases[0];
        if (!c) return undefined;
        const knobs = { ...config, ...(c.config ?? {}) };
        let failing: InputResource;
        let passing: InputResource | undefined;
        if (typeof c.fixture === "string") {
            passing = find(compliantStack(), c.fixture);
            const props = clone(passing.props);
            c.mutate(props);
            failing = parseK8sType(passing.type) ? fromK8sObject(props) : { ...passing, props };
        } else {
            const o = c.fixture();
            c.mutate(o);
            failing = fromK8sObject(o);
            // No compliant original: the first example object the rule inspects and passes.
            for (const r of compliantStack().filter((x) => rule.appliesTo?.(x.type))) {
                const o2 = await run(rule, [r], knobs, tags);
                if (o2.notApplicable === undefined && o2.messages.length === 0) {
                    passing = r;
                    break;
                }
            }
            if (!passing) return undefined;
        }
        return {
            rule: name,
            title: c.title,
            passing: { resources: [passing], removed: [], stackTags: tags, outcome: await run(rule, [passing], knobs, tags) },
            failing: { resources: [failing], removed: [], stackTags: tags, outcome: await run(rule, [failing], knobs, tags) },
        };
    }
    const c = stackCases.find((x) => x.policy === name);
    if (!c) return undefined;
    const base = compliantStack();
    const work = compliantStack();
    const mutated = c.mutate(work) ?? work;
    const before = new Map(base.map((r) => [refOf(r), r]));
    const after = new Map(mutated.map((r) => [refOf(r), r]));
    const same = (a: InputResource, b: InputResource) => JSON.stringify(a.props) === JSON.stringify(b.props);
    const changed = [...after.keys()].filter((k) => !before.has(k) || !same(before.get(k)!, after.get(k)!));
    const removed = [...before.keys()].filter((k) => !after.has(k));
    const failTags = c.tags ?? tags;
    return {
        rule: name,
        title: c.title,
        passing: {
            resources: [...changed, ...removed].filter((k) => before.has(k)).map((k) => before.get(k)!),
            removed: [],
            stackTags: tags,
            outcome: await run(rule, base, config, tags),
        },
        failing: { resources: changed.map((k) => after.get(k)!), removed, stackTags: failTags, outcome: await run(rule, mutated, config, failTags) },
    };
}

/** A resource as YAML: a Kubernetes object as written, anything else as `<type> <name>` and its inputs. */
function yamlOf(r: InputResource): string[] {
    const body = parseK8sType(r.type) ? r.props : { type: r.type, name: r.name, inputs: r.props };
    return stringify(body, { lineWidth: 0 }).trimEnd().split("\n");
}

/** A line diff with full context: "  " kept, "- " only in `a`, "+ " only in `b` (longest common subsequence). */
export function lineDiff(a: string[], b: string[]): string[] {
    const n = a.length,
        m = b.length;
    const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
    for (let i = n - 1; i >= 0; i--)
        for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    const out: string[] = [];
    let i = 0,
        j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] === b[j]) {
            out.push(`  ${a[i]}`);
            i++;
            j++;
        } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
            out.push(`- ${a[i]}`);
            i++;
        } else {
            out.push(`+ ${b[j]}`);
            j++;
        }
    }
    return out;
}

/** The changed lines of a full-context diff with `context` lines around each change; skipped runs become "...". */
export function hunks(diff: string[], context = 3): string[] {
    const keep = diff.map(() => false);
    diff.forEach((l, i) => {
        if (l.startsWith("  ")) return;
        for (let k = Math.max(0, i - context); k <= Math.min(diff.length - 1, i + context); k++) keep[k] = true;
    });
    const out: string[] = [];
    diff.forEach((l, i) => {
        if (keep[i]) out.push(l);
        else if (i === 0 || keep[i - 1]) out.push("  ...");
    });
    return out;
}

const indent = (lines: string[], by = "    ") => lines.map((l) => `${by}${l}`.trimEnd());
const verdict = (o: RuleOutcome) => (o.messages.length ? o.messages.map((m) => `    -> ${m.message}`) : ["    -> no violation"]);
const tagLine = (t: ReadonlyMap<string, string>) => (t.size ? [...t].map(([k, v]) => `${k}=${v}`).join(", ") : "none");

/** The examples as `--explain` prints them: the passing objects in full, the failing ones as their changes to them. */
export function formatExamples(ex: RuleExamples, scope: PlatformRule["scope"]): string {
    const out: string[] = [];
    const inStack = scope === "stack" ? " (in the example stack of policy/examples/compliant.ts; shown: what the failing example changes)" : "";
    out.push("Examples (policy/examples; judged by the rule with prod.json's settings):", "");
    out.push(`Passing example${inStack}:`);
    for (const r of ex.passing.resources) out.push(`  ${describeResource(r.type, r.name, r.props)}`, ...indent(yamlOf(r)));
    if (scope === "stack" && !ex.passing.resources.length) out.push("  the example stack as it is");
    if (scope === "stack" && ex.failing.stackTags !== ex.passing.stackTags) out.push(`  stack tags: ${tagLine(ex.passing.stackTags)}`);
    out.push(...verdict(ex.passing.outcome), "");
    const before = new Map(ex.passing.resources.map((r) => [refOf(r), r]));
    const diffed = ex.failing.resources.some((r) => before.has(refOf(r)));
    out.push(`Failing example: ${ex.title}${diffed ? " (the passing example with the lines marked - removed and + added)" : ""}:`);
    for (const r of ex.failing.resources) {
        const was = before.get(refOf(r));
        const added = scope === "stack" && !was ? " (added)" : "";
        out.push(`  ${describeResource(r.type, r.name, r.props)}${added}`, ...indent(was ? hunks(lineDiff(yamlOf(was), yamlOf(r))) : yamlOf(r)));
    }
    for (const ref of ex.failing.removed) out.push(`  ${ref.replace("/", " ")} removed`);
    if (scope === "stack" && ex.failing.stackTags !== ex.passing.stackTags) out.push(`  stack tags: ${tagLine(ex.failing.stackTags)}`);
    out.push(...verdict(ex.failing.outcome));
    return out.join("\n");
}
