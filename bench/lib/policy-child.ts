/**
 * Child: the `npm run policy:check` code path (loadResources + evaluate with every rule of the
 * pack) over a directory, timed in-process. `policy-child.ts <dir> <config.json> <reps>`
 * Reports the median of <reps> passes of each phase (the first pass pays JIT warm-up).
 */
import { performance } from "perf_hooks";
import { evaluate } from "../../policy/lib/harness";
import { loadResources } from "../../policy/lib/load";
import { allRules } from "../../policy/rules/all";
import { readPackConfig } from "../../tools/policy-check";
import { median } from "./stats";

async function main(): Promise<void> {
    const [dir, configFile, repsArg] = process.argv.slice(2);
    const reps = Number(repsArg ?? 3);
    const config = readPackConfig(configFile);
    const loadMs: number[] = [],
        evalMs: number[] = [];
    let resources = 0,
        violations = 0,
        mandatory = 0;
    for (let i = 0; i < reps; i++) {
        let t = performance.now();
        const rs = loadResources([dir]);
        loadMs.push(performance.now() - t);
        t = performance.now();
        const vs = await evaluate(allRules, rs, { config });
        evalMs.push(performance.now() - t);
        resources = rs.length;
        violations = vs.length;
        mandatory = vs.filter((v) => v.level === "mandatory").length;
    }
    process.stdout.write(
        JSON.stringify({
            resources,
            rules: allRules.length,
            violations,
            mandatory,
            loadMs: median(loadMs),
            evalMs: median(evalMs),
            firstLoadMs: loadMs[0],
            firstEvalMs: evalMs[0],
            peakRssKiB: process.resourceUsage().maxRSS,
        }) + "\n",
    );
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
});
