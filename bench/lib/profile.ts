/**
 * Aggregates a V8 `.cpuprofile` (from `node --cpu-prof`) into self time per origin: an npm
 * package (`@pulumi/aws`), the project's own directories (`components/`, `stacks/`, ...),
 * node internals, GC, or idle.
 */
import * as fs from "fs";
import * as path from "path";

interface ProfileNode {
    id: number;
    callFrame: { functionName: string; url: string };
}
interface CpuProfile {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
}

export function origin(url: string, functionName: string, repoRoot: string): string {
    if (!url) return functionName.startsWith("(") ? functionName : "(native)";
    const file = url.startsWith("file://") ? decodeURIComponent(url.slice("file://".length)) : url;
    const nm = file.lastIndexOf("node_modules/");
    if (nm >= 0) {
        const parts = file.slice(nm + "node_modules/".length).split("/");
        return parts[0].startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
    }
    if (file.startsWith("node:") || !path.isAbsolute(file)) return "(node internals)";
    const rel = path.relative(repoRoot, file);
    return rel.startsWith("..") ? "(other)" : `${rel.split(path.sep)[0]}/`;
}

/** Self time in ms per origin, largest first. */
export function selfTimeByOrigin(profileFile: string, repoRoot: string): { origin: string; ms: number }[] {
    const p = JSON.parse(fs.readFileSync(profileFile, "utf8")) as CpuProfile;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const totals = new Map<string, number>();
    for (let i = 0; i < p.samples.length; i++) {
        const n = byId.get(p.samples[i]);
        if (!n) continue;
        const o = origin(n.callFrame.url, n.callFrame.functionName, repoRoot);
        totals.set(o, (totals.get(o) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
    }
    return [...totals.entries()].map(([o, ms]) => ({ origin: o, ms })).sort((a, b) => b.ms - a.ms);
}
