/**
 * What `policy:check` prints besides the violation lines: the rule list (`--list`), one rule's
 * explanation (`--explain`), the severity filter (`--min-level`) and SARIF 2.1.0 (`--format
 * sarif`, the format GitHub code scanning ingests). Pure functions over the pack's rules.
 */
import * as path from "path";
import { EnforcementLevel } from "@pulumi/policy";
import { enforcementLevelOf, InputResource, PackConfig, Violation } from "./harness";
import { PlatformRule, resourceRef } from "./rule";

export type MinLevel = "advisory" | "mandatory";
export const MIN_LEVELS: readonly MinLevel[] = ["advisory", "mandatory"];

/** Violations at `min` or above (mandatory > advisory). */
export function atLeast(violations: Violation[], min: MinLevel): Violation[] {
    return min === "mandatory" ? violations.filter((v) => v.level === "mandatory") : violations;
}

/** One line per rule: name, level under `config`, area, scope and title; sorted by area, then name. */
export function listRules(rules: readonly PlatformRule[], config: PackConfig): string {
    const rows = [...rules]
        .sort((a, b) => a.area.localeCompare(b.area) || a.policy.name.localeCompare(b.policy.name))
        .map((r) => [r.policy.name, enforcementLevelOf(r.policy, config), r.area, r.scope, r.policy.displayName ?? r.policy.description]);
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => String(row[i]).length)));
    return rows.map((row) => row.map((c, i) => (i < 4 ? String(c).padEnd(widths[i]) : c)).join("  ")).join("\n");
}

/** The rule named `name`, or undefined. */
export function findRule(rules: readonly PlatformRule[], name: string): PlatformRule | undefined {
    return rules.find((r) => r.policy.name === name);
}

/** Rule names close to `name` (same words in another order, a prefix, or a shared word), for "did you mean". */
export function similarRules(rules: readonly PlatformRule[], name: string): string[] {
    const words = new Set(
        name
            .toLowerCase()
            .split(/[-_\s]+/)
            .filter((w) => w.length > 2),
    );
    return rules
        .map((r) => r.policy.name)
        .filter((n) => n.startsWith(name) || n.split("-").some((w) => words.has(w)))
        .slice(0, 5);
}

/**
 * `--explain`: what the rule checks and why, its level under `config`, how to fix it, its knobs,
 * `examples` (a passing and a failing one, policy/examples/explain.ts) and where it is documented.
 */
export function explainRule(rule: PlatformRule, config: PackConfig, examples?: string): string {
    const p = rule.policy;
    // Knob descriptions and defaults as published to CrossGuard (the universal exemptions/reason knobs left out).
    const knobs = Object.entries((p.configSchema?.properties ?? {}) as Record<string, { description?: string; default?: unknown }>).filter(
        ([k]) => k !== "exemptions" && k !== "reason",
    );
    return [
        `${p.name}: ${p.displayName ?? ""}`.trimEnd(),
        `  level:     ${enforcementLevelOf(p, config)} (own default ${p.enforcementLevel ?? "advisory"})`,
        `  area:      ${rule.area} (${rule.scope} rule${rule.remediates ? ", offers a remediation" : ""})`,
        `  severity:  ${p.severity ?? "-"}`,
        "",
        `Why: ${p.description}`,
        "",
        `Fix: ${p.remediationSteps ?? "-"}`,
        ...(knobs.length
            ? [
                  "",
                  "Settings (in the pack config, under the rule's name):",
                  ...knobs.map(([k, v]) => `  ${k}: ${v.description} (default ${JSON.stringify(v.default)})`),
              ]
            : []),
        ...(examples ? ["", examples] : []),
        "",
        `Exempt one object: "exemptions": [{"name": "<namespace>/<name>", "reason": "...", "expires": "YYYY-MM-DD"}] in the pack config, or the annotation agent-platform.io/policy-exempt.${p.name}: "<reason>".`,
        `Docs: ${p.url ?? "-"}`,
    ].join("\n");
}

const SARIF_LEVEL: Record<EnforcementLevel, string> = { mandatory: "error", advisory: "warning", remediate: "warning", disabled: "none" };

/**
 * SARIF 2.1.0 for GitHub code scanning: one run, every rule in `tool.driver.rules`, one result per
 * violation located at the file its object came from (paths relative to `root`); stack findings
 * point at the first input.
 */
export function toSarif(
    rules: readonly PlatformRule[],
    config: PackConfig,
    violations: Violation[],
    resources: InputResource[],
    inputs: string[],
    root: string,
): object {
    const sourceOf = new Map(resources.filter((r) => r.source).map((r) => [resourceRef(r.type, r.name, r.props), r.source!]));
    // A source is `file#<document index>`; SARIF wants the file.
    const uri = (source: string) =>
        path
            .relative(root, path.resolve(source.replace(/#\d+$/, "")))
            .split(path.sep)
            .join("/");
    const index = new Map(rules.map((r, i) => [r.policy.name, i]));
    return {
        $schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [
            {
                tool: {
                    driver: {
                        name: "agent-platform-policy",
                        rules: rules.map((r) => ({
                            id: r.policy.name,
                            name: r.policy.name,
                            shortDescription: { text: r.policy.displayName ?? r.policy.name },
                            fullDescription: { text: r.policy.description },
                            help: { text: r.policy.remediationSteps ?? r.policy.description },
                            defaultConfiguration: { level: SARIF_LEVEL[enforcementLevelOf(r.policy, config)] },
                            properties: { tags: [r.area, r.scope] },
                        })),
                    },
                },
                results: violations.map((v) => ({
                    ruleId: v.policy,
                    ...(index.has(v.policy) ? { ruleIndex: index.get(v.policy) } : {}),
                    level: SARIF_LEVEL[v.level],
                    message: { text: v.message },
                    locations: [{ physicalLocation: { artifactLocation: { uri: uri(sourceOf.get(v.resource) ?? inputs[0]) }, region: { startLine: 1 } } }],
                    partialFingerprints: { "agent-platform/resource": `${v.policy}|${v.resource}` },
                })),
            },
        ],
    };
}
