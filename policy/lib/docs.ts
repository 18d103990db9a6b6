/**
 * policy/README.md's Rules table, generated from the rules and the two pack configs, with one
 * anchor per rule: the `url` each policy publishes (rule.ts ruleUrl) points at it.
 * `npm run policy:check -- --readme-table` prints it; a unit test compares the README with it.
 */
import type { PolicyComplianceFramework } from "@pulumi/policy";
import { enforcementLevelOf, PackConfig } from "./harness";
import { PlatformRule } from "./rule";

export const TABLE_BEGIN = "<!-- rules-table:begin (npm run policy:check -- --readme-table) -->";
export const TABLE_END = "<!-- rules-table:end -->";

/** `PSS restricted: Seccomp`, `CIS 5.1.5`, `CIS EKS 2.1.1`, `NSA/CISA: Secrets`. */
export function frameworkLabel(f: PolicyComplianceFramework | undefined): string {
    if (!f) return "";
    const spec = f.specification ?? "";
    if (f.name.startsWith("Kubernetes Pod Security")) return `PSS ${spec}`;
    const control = spec.match(/^[\d.]+/)?.[0];
    if (f.name.startsWith("CIS Amazon EKS")) return `CIS EKS ${control ?? spec}`;
    if (f.name.startsWith("CIS")) return `CIS ${control ?? spec}`;
    return `NSA/CISA: ${spec}`;
}

const cell = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The markdown table: one row per rule, its anchor in the first cell. */
export function rulesTable(rules: readonly PlatformRule[], dev: PackConfig, prod: PackConfig): string {
    const rows = rules.map((r) => {
        const p = r.policy;
        const knobs = Object.keys(r.schema.defaults).filter((k) => k !== "exemptions" && k !== "reason");
        const scope = r.scope === "resource" && r.remediates ? "resource + remediate" : r.scope;
        const checks = `${p.description}${knobs.length ? ` Knobs: ${knobs.join(", ")}.` : ""}`;
        return `| <a id="${p.name}"></a>\`${p.name}\` | ${r.area} | ${scope} | ${p.severity} | ${enforcementLevelOf(p, dev)} | ${enforcementLevelOf(p, prod)} | ${cell(frameworkLabel(p.framework))} | ${cell(checks)} |`;
    });
    return ["| policy | area | scope | severity | dev | prod | framework | checks |", "|---|---|---|---|---|---|---|---|", ...rows].join("\n");
}

/** The anchors a markdown text offers: explicit `<a id|name="...">` and GitHub's heading slugs. */
export function anchorsOf(markdown: string): Set<string> {
    const out = new Set<string>();
    for (const m of markdown.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(m[1]);
    for (const m of markdown.matchAll(/^#{1,6}\s+(.+)$/gm)) {
        out.add(
            m[1]
                .trim()
                .toLowerCase()
                .replace(/[^\p{L}\p{N}\s_-]/gu, "")
                .replace(/\s/g, "-"),
        );
    }
    return out;
}

/** The README text between the table markers, or undefined when a marker is missing. */
export function readmeTable(readme: string): string | undefined {
    const b = readme.indexOf(TABLE_BEGIN),
        e = readme.indexOf(TABLE_END);
    if (b < 0 || e < b) return undefined;
    return readme.slice(b + TABLE_BEGIN.length, e).trim();
}
