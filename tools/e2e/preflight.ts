/**
 * Bring-your-own-cluster preflight for `npm run up:local -- --kubeconfig FILE [--context NAME]`:
 * before anything is deployed, check that the target cluster serves every CRD the stack config
 * declares (`agent-platform:crds.*`) and has the namespaces those declarations imply (Velero's).
 * Prints one message listing what is missing and which config key to change; exit 1.
 *
 * Usage: ts-node tools/e2e/preflight.ts --config Pulumi.dev.yaml [--context NAME]
 *        (kubectl from PATH, cluster from $KUBECONFIG)
 *        ts-node tools/e2e/preflight.ts --config Pulumi.dev.yaml --implied-namespaces
 *        (prints, one per line, the namespaces the declared capabilities imply; reads no cluster)
 * Exit codes: 0 ready, 1 something missing or the cluster unreachable, 2 usage.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as YAML from "yaml";
import { CAPABILITY_REQUIREMENTS, Capability } from "agent-platform/config";

export interface ClusterFacts {
    /** Names of the CRDs the cluster serves (`<plural>.<group>`). */
    crds: ReadonlySet<string>;
    namespaces: ReadonlySet<string>;
}

/** One line per declared capability the cluster lacks, naming the config key to change. */
export function preflightProblems(declared: Partial<Record<Capability, boolean>>, cluster: ClusterFacts): string[] {
    const problems: string[] = [];
    for (const [key, need] of Object.entries(CAPABILITY_REQUIREMENTS) as [Capability, (typeof CAPABILITY_REQUIREMENTS)[Capability]][]) {
        if (!declared[key]) continue;
        const missingCrds = need.crds.filter((c) => !cluster.crds.has(c));
        const missingNs = need.namespaces.filter((n) => !cluster.namespaces.has(n));
        if (missingCrds.length + missingNs.length === 0) continue;
        const what = [
            ...(missingCrds.length ? [`CRD ${missingCrds.join(", ")} not served`] : []),
            ...(missingNs.length ? [`namespace ${missingNs.join(", ")} missing`] : []),
        ].join("; ");
        problems.push(`agent-platform:crds.${key}: ${what} (install ${need.providedBy}, or set agent-platform:crds.${key} to false)`);
    }
    return problems;
}

/**
 * The namespaces a cluster serving the declared capabilities already has (Velero's `velero`, the
 * Prometheus Operator's `monitoring`), sorted: the local cluster and the e2e suites create them
 * as those add-ons would, from this one list.
 */
export function impliedNamespaces(declared: Partial<Record<Capability, boolean>>): string[] {
    const keys = Object.keys(CAPABILITY_REQUIREMENTS) as Capability[];
    return [...new Set(keys.filter((k) => declared[k]).flatMap((k) => CAPABILITY_REQUIREMENTS[k].namespaces))].sort();
}

/** The `agent-platform:crds` map of a stack config file. */
export function declaredCapabilities(stackYaml: string): Partial<Record<Capability, boolean>> {
    const doc = YAML.parse(stackYaml) as { config?: Record<string, unknown> } | null;
    const crds = doc?.config?.["agent-platform:crds"];
    return crds && typeof crds === "object" ? (crds as Partial<Record<Capability, boolean>>) : {};
}

function kubectlNames(args: string[], context?: string): Set<string> {
    const out = execFileSync("kubectl", [...(context ? ["--context", context] : []), ...args, "-o", "name"], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
        timeout: 60_000,
    });
    return new Set(
        out
            .split("\n")
            .filter(Boolean)
            .map((l) => l.slice(l.indexOf("/") + 1)),
    );
}

function main(argv: string[]): number {
    let config = "";
    let context: string | undefined;
    let listNamespaces = false;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "-h" || a === "--help") {
            console.log("usage: preflight.ts --config STACK_YAML [--context NAME]   (cluster from $KUBECONFIG)");
            console.log("       preflight.ts --config STACK_YAML --implied-namespaces   (print the namespaces the declared CRDs imply)");
            return 0;
        }
        if (a === "--implied-namespaces") {
            listNamespaces = true;
            continue;
        }
        if ((a === "--config" || a === "--context") && argv[i + 1] !== undefined) {
            if (a === "--config") config = argv[++i]!;
            else context = argv[++i];
            continue;
        }
        console.error(`preflight: unknown or incomplete argument ${a} (see --help)`);
        return 2;
    }
    if (!config) {
        console.error("preflight: --config STACK_YAML is required (see --help)");
        return 2;
    }
    const declared = declaredCapabilities(fs.readFileSync(config, "utf8"));
    if (listNamespaces) {
        for (const ns of impliedNamespaces(declared)) console.log(ns);
        return 0;
    }
    let facts: ClusterFacts;
    try {
        facts = { crds: kubectlNames(["get", "crds"], context), namespaces: kubectlNames(["get", "namespaces"], context) };
    } catch (e) {
        const err = e as { stderr?: string; message: string };
        console.error(`preflight: cannot read the cluster (${(err.stderr || err.message).trim().split("\n")[0]})`);
        return 1;
    }
    const problems = preflightProblems(declared, facts);
    if (problems.length) {
        console.error(`preflight: the cluster lacks what ${config} declares (${problems.length}):`);
        for (const p of problems) console.error(`  - ${p}`);
        return 1;
    }
    console.error(
        `preflight: the cluster serves every declared CRD (${
            Object.keys(declared)
                .filter((k) => declared[k as Capability])
                .join(", ") || "none declared"
        })`,
    );
    return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
