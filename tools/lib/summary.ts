/**
 * Reading and printing the `summary` stack output (stacks/summary.ts): pure functions, so the
 * printer's text and the readiness count are unit-tested without a cluster.
 */
import type { SystemSummary, WorkloadSummary } from "../../stacks/summary";
import { UserError } from "./cli";

export type { SystemSummary, WorkloadSummary };
export type StackSummary = Record<string, SystemSummary>;

function isSystemSummary(v: unknown): v is SystemSummary {
    const s = v as SystemSummary;
    return (
        !!s && typeof s === "object" && typeof s.namespace === "string" && Array.isArray(s.workloads) && Array.isArray(s.secretKeys) && Array.isArray(s.skipped)
    );
}

/**
 * Parses `pulumi stack output summary --json`, or the whole `pulumi stack output --json` (then its
 * `summary` key). Throws UserError naming what is wrong.
 */
export function parseSummary(text: string, source: string): StackSummary {
    let v: unknown;
    try {
        v = JSON.parse(text);
    } catch (e) {
        throw new UserError(`${source}: not JSON (${(e as Error).message})`);
    }
    if (v && typeof v === "object" && !Array.isArray(v) && "summary" in v && !isSystemSummary((v as Record<string, unknown>).summary))
        v = (v as Record<string, unknown>).summary;
    if (!v || typeof v !== "object" || Array.isArray(v))
        throw new UserError(`${source}: expected the summary stack output, an object of systems (pulumi stack output summary --json)`);
    for (const [key, s] of Object.entries(v)) {
        if (!isSystemSummary(s)) throw new UserError(`${source}: summary.${key}: expected {namespace, workloads, urls, ingressHosts, secretKeys, skipped}`);
    }
    return v as StackSummary;
}

/** One workload as `kubectl get -o json` reports it (the fields readiness needs). */
export interface LiveWorkload {
    kind: string;
    metadata: { name: string; namespace?: string };
    spec?: { replicas?: number };
    status?: { readyReplicas?: number; numberReady?: number; desiredNumberScheduled?: number };
}

export interface Readiness {
    ready: number;
    total: number;
    /** `Deployment api 0/2`, `StatefulSet db missing` */
    notReady: string[];
}

/** Which of the summary's workloads are Ready in the cluster (CronJobs have no pods to wait for and are left out). */
export function readiness(workloads: readonly WorkloadSummary[], live: readonly LiveWorkload[]): Readiness {
    const byKey = new Map(live.map((w) => [`${w.kind}/${w.metadata.name}`, w]));
    const counted = workloads.filter((w) => w.kind !== "CronJob");
    const notReady: string[] = [];
    for (const w of counted) {
        const l = byKey.get(`${w.kind}/${w.name}`);
        if (!l) {
            notReady.push(`${w.kind} ${w.name} missing`);
            continue;
        }
        const [ready, want] =
            w.kind === "DaemonSet"
                ? [l.status?.numberReady ?? 0, l.status?.desiredNumberScheduled ?? 0]
                : [l.status?.readyReplicas ?? 0, l.spec?.replicas ?? 1];
        if (ready < want) notReady.push(`${w.kind} ${w.name} ${ready}/${want}`);
    }
    return { ready: counted.length - notReady.length, total: counted.length, notReady };
}

function table(rows: [string, string][], indent: string): string[] {
    const w = Math.max(0, ...rows.map((r) => r[0].length));
    return rows.map(([a, b]) => `${indent}${a.padEnd(w)}  ${b}`.trimEnd());
}

/** The operator-facing text: one block per system. `live` adds Ready counts (from the cluster). */
export function formatSummary(summary: StackSummary, live?: Record<string, Readiness>): string {
    const blocks = Object.entries(summary).map(([key, s]) => {
        const lines = [`${key}: namespace ${s.namespace}`];
        const r = live?.[key];
        const counted = s.workloads.filter((w) => w.kind !== "CronJob").length;
        lines.push(
            r
                ? `  workloads: ${r.ready}/${r.total} Ready${r.notReady.length ? ` (not ready: ${r.notReady.join(", ")})` : ""}`
                : `  workloads: ${counted}${s.workloads.length > counted ? ` (+${s.workloads.length - counted} CronJob)` : ""} (--live counts the Ready ones)`,
        );
        lines.push(
            ...table(
                s.workloads.map((w) => [`${w.kind} ${w.name}`, w.replicas === undefined ? "" : `replicas ${w.replicas}`]),
                "    ",
            ),
        );
        const urls = Object.entries(s.urls);
        if (urls.length) lines.push("  in-cluster URLs:", ...table(urls, "    "));
        lines.push(`  ingress hosts: ${s.ingressHosts.length ? s.ingressHosts.join(", ") : "none"}`);
        lines.push(`  secret keys read: ${s.secretKeys.length ? s.secretKeys.join(", ") : "none"}`);
        if (s.skipped.length) lines.push(`  skipped, CRD absent (${s.skipped.length}):`, ...s.skipped.map((x) => `    ${x}`));
        else lines.push("  skipped, CRD absent: none");
        if (s.portForward) lines.push(`  main UI: ${s.portForward.command}   then open ${s.portForward.url}`);
        return lines.join("\n");
    });
    return blocks.length ? blocks.join("\n\n") + "\n" : "no systems enabled\n";
}
