/**
 * Verdicts against expectations: each flow in each stack is `ok`, a `known` violation (listed,
 * still wrong), a `regression` (wrong and not listed) or `stale` (listed but now right, so the
 * entry must go). Only regressions and stale entries fail the step. Pure functions.
 */
import { Flow, KnownViolation, StackName, isExternal } from "../../tests/flows";
import { CyclonusVerdict } from "./cyclonus";

export type Status = "ok" | "known" | "regression" | "stale";

export interface MatrixRow {
    stack: StackName;
    flow: string;
    system: string;
    from: string;
    to: string;
    port: number;
    protocol: string;
    expect: Flow["expect"];
    actual: Flow["expect"];
    /** Which side refuses (or, for an allowed flow, nothing). */
    blockedBy: ("ingress" | "egress")[];
    status: Status;
    seed: string;
    why: string;
    /** The issue of the known violation, when listed. */
    issue?: number;
}

export function judge(stack: StackName, flows: readonly Flow[], verdicts: readonly CyclonusVerdict[], known: readonly KnownViolation[]): MatrixRow[] {
    if (flows.length !== verdicts.length) throw new Error(`${flows.length} flows but ${verdicts.length} verdicts`);
    return flows.map((f, i) => {
        const v = verdicts[i];
        const actual = v.allowed ? "allow" : "deny";
        const listed = known.find((k) => k.stack === stack && k.flow === f.id);
        const right = actual === f.expect;
        const status: Status = right ? (listed ? "stale" : "ok") : listed ? "known" : "regression";
        return {
            stack,
            flow: f.id,
            system: f.system,
            from: `${f.from.namespace}/${f.from.name}`,
            to: isExternal(f.to) ? f.to.external : `${f.to.namespace}/${f.to.name}`,
            port: f.port,
            protocol: f.protocol,
            expect: f.expect,
            actual,
            blockedBy: [...(v.egress ? [] : ["egress" as const]), ...(v.ingress ? [] : ["ingress" as const])],
            status,
            seed: f.seed,
            why: f.why,
            ...(listed ? { issue: listed.issue } : {}),
        };
    });
}

export interface MatrixSummary {
    stack: StackName;
    flows: number;
    allowOk: number;
    denyOk: number;
    /** Intended flows the policies block. */
    blockedIntended: number;
    /** Must-deny flows the policies allow. */
    allowedForbidden: number;
    known: number;
    regressions: number;
    stale: number;
}

export function summarize(stack: StackName, rows: readonly MatrixRow[]): MatrixSummary {
    const r = rows.filter((x) => x.stack === stack);
    const count = (p: (x: MatrixRow) => boolean) => r.filter(p).length;
    return {
        stack,
        flows: r.length,
        allowOk: count((x) => x.expect === "allow" && x.actual === "allow"),
        denyOk: count((x) => x.expect === "deny" && x.actual === "deny"),
        blockedIntended: count((x) => x.expect === "allow" && x.actual === "deny"),
        allowedForbidden: count((x) => x.expect === "deny" && x.actual === "allow"),
        known: count((x) => x.status === "known"),
        regressions: count((x) => x.status === "regression"),
        stale: count((x) => x.status === "stale"),
    };
}

const STATUS_MARK: Record<Status, string> = { ok: "ok", known: "KNOWN", regression: "REGRESSION", stale: "STALE" };

/** A fixed-width table, one row per flow; `all` false prints only the rows that are not `ok`. */
export function formatTable(rows: readonly MatrixRow[], all: boolean): string {
    const shown = rows.filter((r) => all || r.status !== "ok");
    const head = ["stack", "status", "expect", "actual", "blocked by", "from", "to", "port", "seed", "issue"];
    const body = shown.map((r) => [
        r.stack,
        STATUS_MARK[r.status],
        r.expect,
        r.actual,
        r.blockedBy.join("+") || "-",
        r.from,
        r.to,
        `${r.port}/${r.protocol}`,
        r.seed,
        r.issue ? `#${r.issue}` : "",
    ]);
    const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
    const line = (cells: string[]) =>
        cells
            .map((c, i) => c.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

export function formatSummary(s: MatrixSummary): string {
    return (
        `${s.stack}: ${s.flows} flows: ${s.allowOk} intended allowed, ${s.denyOk} forbidden denied; ` +
        `${s.blockedIntended} intended blocked, ${s.allowedForbidden} forbidden allowed ` +
        `(${s.known} known, ${s.regressions} regressions, ${s.stale} stale known entries)`
    );
}
