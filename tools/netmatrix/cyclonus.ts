/**
 * cyclonus (github.com/mattfenwick/cyclonus), the NetworkPolicy engine of the static tier: built
 * once from the Go module proxy into the cache, run as `cyclonus analyze --mode query-traffic`,
 * and its report parsed back into one verdict per traffic.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";

export const CYCLONUS_VERSION = "v0.5.6";
const MODULE = "github.com/mattfenwick/cyclonus/cmd/cyclonus";

/** `$AP_CACHE` (default `${XDG_CACHE_HOME:-~/.cache}/agent-platform`)/cyclonus-<version>/cyclonus, where the e2e toolchain caches its binaries. */
export function cyclonusPath(): string {
    const cache = process.env.AP_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "agent-platform");
    return path.join(cache, `cyclonus-${CYCLONUS_VERSION}`, "cyclonus");
}

/** Builds cyclonus into its cache directory unless it is there (`go install`, niced: the machine is shared). */
export function ensureCyclonus(bin: string, log: (msg: string) => void): void {
    if (fs.existsSync(bin)) return;
    const dir = path.dirname(bin);
    fs.mkdirSync(dir, { recursive: true });
    log(`building cyclonus ${CYCLONUS_VERSION} into ${dir} (go install, once)`);
    const r = spawnSync("nice", ["-n", "5", "go", "install", `${MODULE}@${CYCLONUS_VERSION}`], {
        env: { ...process.env, GOBIN: dir },
        stdio: ["ignore", "inherit", "inherit"],
    });
    if (r.error) throw new Error(`cannot build cyclonus: ${r.error.message} (is Go installed?)`);
    if (r.status !== 0 || !fs.existsSync(bin)) throw new Error(`go install ${MODULE}@${CYCLONUS_VERSION} failed (exit ${r.status})`);
}

/** What cyclonus decided for one traffic: each direction and the whole. */
export interface CyclonusVerdict {
    allowed: boolean;
    /** The destination's ingress policies admit it (or none select the destination). */
    ingress: boolean;
    /** The source's egress policies let it out (or none select the source). */
    egress: boolean;
}

/**
 * Parses the report of `--mode query-traffic`: per traffic, an "Is traffic allowed?" table whose
 * rows list the policy targets that allow or deny it per direction, and whose footer says
 * `IS ALLOWED? | TRUE|FALSE`. A direction is open when no target selects the pod or one allows
 * it (cyclonus's rule); the footer must agree with that, or the report is not what we parse.
 */
export function parseQueryTraffic(report: string, expected: number): CyclonusVerdict[] {
    const blocks = report.split(/^Is traffic allowed\?$/m).slice(1);
    if (blocks.length !== expected) throw new Error(`cyclonus reported ${blocks.length} traffic verdicts, expected ${expected}`);
    return blocks.map((block, i) => {
        const table = block.split(/^Traffic:$/m)[0];
        const seen = { Ingress: { Allow: false, Deny: false }, Egress: { Allow: false, Deny: false } };
        let direction: "Ingress" | "Egress" | undefined;
        let footer: boolean | undefined;
        for (const line of table.split("\n")) {
            if (!line.startsWith("|")) continue;
            const cells = line
                .split("|")
                .slice(1, -1)
                .map((c) => c.trim());
            if (cells[0] === "IS ALLOWED?") {
                footer = cells[1] === "TRUE" ? true : cells[1] === "FALSE" ? false : undefined;
                continue;
            }
            if (cells[0] === "Ingress" || cells[0] === "Egress") direction = cells[0];
            if (direction && (cells[1] === "Allow" || cells[1] === "Deny")) seen[direction][cells[1]] = true;
        }
        if (footer === undefined) throw new Error(`cyclonus verdict ${i + 1}: no "IS ALLOWED?" footer`);
        const open = (d: { Allow: boolean; Deny: boolean }) => d.Allow || !d.Deny;
        const verdict = { allowed: footer, ingress: open(seen.Ingress), egress: open(seen.Egress) };
        if (verdict.allowed !== (verdict.ingress && verdict.egress)) {
            throw new Error(`cyclonus verdict ${i + 1}: footer says ${footer} but the rows say ingress ${verdict.ingress}, egress ${verdict.egress}`);
        }
        return verdict;
    });
}

/** Runs cyclonus over a directory of NetworkPolicy manifests and a traffic file. */
export function queryTraffic(bin: string, policyDir: string, trafficFile: string, count: number): CyclonusVerdict[] {
    const r = spawnSync(bin, ["analyze", "--mode", "query-traffic", "--policy-path", policyDir, "--traffic-path", trafficFile], {
        encoding: "utf8",
        maxBuffer: 256 * 1024 * 1024,
    });
    if (r.error) throw new Error(`cannot run ${bin}: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`cyclonus exited ${r.status}: ${(r.stderr || r.stdout).trim().split("\n").slice(-5).join("\n")}`);
    return parseQueryTraffic(r.stdout, count);
}
