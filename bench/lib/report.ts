/** The benchmark's results: rows of figures, the machine, and the markdown/JSON writers. */
import { execSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface Row {
    section: string;
    figure: string;
    /** A number, or `"unavailable"` / `"failed"` with the reason in `how`. */
    value: number | string;
    unit: string;
    /** The issue's target for this figure, when it has one. */
    goal?: string;
    how: string;
}

export interface Machine {
    nproc: number;
    cpuModel: string;
    memoryGiB: number;
    node: string;
    platform: string;
    loadAvgStart: number[];
    loadAvgEnd?: number[];
}

export interface Results {
    date: string;
    command: string;
    git: { commit: string; dirtyFiles: number };
    machine: Machine;
    durationS?: number;
    rows: Row[];
    /** Supporting data (growth points, phase breakdowns, profiles), rendered as extra tables. */
    details: Record<string, unknown>;
    notes: string[];
}

export function machine(): Machine {
    return {
        nproc: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
        node: process.version,
        platform: `${os.type()} ${os.release()} ${os.arch()}`,
        loadAvgStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    };
}

export function gitState(root: string): { commit: string; dirtyFiles: number } {
    try {
        const commit = execSync("git rev-parse --short HEAD", { cwd: root, encoding: "utf8" }).trim();
        const dirty = execSync("git status --porcelain", { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean).length;
        return { commit, dirtyFiles: dirty };
    } catch {
        return { commit: "unknown", dirtyFiles: -1 };
    }
}

function fmt(v: number | string): string {
    if (typeof v === "string") return `**${v}**`;
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
}

function table(headers: string[], rows: (string | number)[][]): string {
    const esc = (c: string | number) => String(c).replace(/\|/g, "\\|").replace(/\n/g, " ");
    return [`| ${headers.join(" | ")} |`, `|${headers.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${r.map(esc).join(" | ")} |`)].join("\n");
}

/** A supporting table, printed after its section's figures. */
interface Detail {
    section?: string;
    title: string;
    headers: string[];
    rows: (string | number)[][];
}

export function toMarkdown(r: Results): string {
    const m = r.machine;
    const out: string[] = [
        "# Benchmarks",
        "",
        `Latest run: ${r.date}, commit \`${r.git.commit}\`${r.git.dirtyFiles > 0 ? ` (working tree had ${r.git.dirtyFiles} uncommitted paths from concurrent work)` : ""}, ${r.durationS ?? "?"} s in all.`,
        "",
        `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB memory, node ${m.node}, ${m.platform}; ` +
            `load average (1/5/15 min) ${m.loadAvgStart.join(" / ")} at start, ${(m.loadAvgEnd ?? []).join(" / ")} at end. ` +
            "The machine was shared with other builds and tests: absolute times are noisy, ratios measured within this one run are the stable figures.",
        "",
        `Reproduce: \`${r.command}\``,
        "",
    ];
    const sections = [...new Set(r.rows.map((x) => x.section))];
    const details = Object.entries(r.details)
        .map(([name, d]) => ({ name, ...(d as Detail) }))
        .filter((d) => d.headers);
    const detail = (d: Detail & { name: string }) =>
        out.push(
            `### ${d.title ?? d.name}`,
            "",
            table(
                d.headers,
                d.rows.map((row) => row.map((c) => (typeof c === "number" ? fmt(c) : c))),
            ),
            "",
        );
    for (const s of sections) {
        out.push(
            `## ${s}`,
            "",
            table(
                ["figure", "value", "unit", "goal", "how measured"],
                r.rows.filter((x) => x.section === s).map((x) => [x.figure, fmt(x.value), x.unit, x.goal ?? "", x.how]),
            ),
            "",
        );
        details.filter((d) => d.section === s).forEach(detail);
    }
    details.filter((d) => !d.section || !sections.includes(d.section)).forEach(detail);
    if (r.notes.length) out.push("## Notes", "", ...r.notes.map((n) => `* ${n}`), "");
    return out.join("\n");
}

/**
 * `now` plus the sections of `earlier` that `now` did not measure (a partial run with --merge):
 * their rows and tables are kept as they were, each row's "how" and a note naming the run they
 * come from (date, commit, load), so no figure is passed off as this run's.
 */
export function mergeEarlier(now: Results, earlier: Results): Results {
    const measured = new Set(now.rows.map((x) => x.section));
    const from = `run of ${earlier.date}, commit ${earlier.git.commit}, load ${earlier.machine.loadAvgStart.join(" / ")}`;
    const kept = earlier.rows.filter((x) => !measured.has(x.section));
    if (kept.length === 0) return now;
    const keptSections = [...new Set(kept.map((x) => x.section))];
    const keptDetails = Object.entries(earlier.details).filter(([name, d]) => {
        const section = (d as Detail).section;
        return !(name in now.details) && section !== undefined && keptSections.includes(section);
    });
    return {
        ...now,
        rows: [...now.rows, ...kept.map((x) => ({ ...x, how: `${x.how} [earlier ${from}]` }))],
        details: { ...now.details, ...Object.fromEntries(keptDetails) },
        notes: [...now.notes, `Sections not measured in this run, kept from the ${from}: ${keptSections.join("; ")}.`],
    };
}

export function writeResults(r: Results, dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "results.json"), JSON.stringify(r, null, 2) + "\n");
    fs.writeFileSync(path.join(dir, "results.md"), toMarkdown(r));
}
