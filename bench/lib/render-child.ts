/**
 * Child: evaluates one stack under the mock runtime (the `npm run render` path) in a fresh process
 * and reports phase times and memory. `render-child.ts <stack> [--out DIR [--no-redact]]`
 * (`--no-redact` keeps Secret values so the render can be applied with kubectl.)
 *
 * `performance.now()` counts from process start, so `bootMs` is node + ts-node start-up.
 * Peak memory is getrusage's maxRSS of this process (the whole process's high-water mark).
 */
import "../../tools/lib/sdk-load"; // first, as in `npm run render`: before anything loads @pulumi/pulumi
import { performance } from "perf_hooks";

const bootMs = performance.now();
const baseRssKiB = Math.round(process.memoryUsage().rss / 1024);

function timed<T>(f: () => T): [T, number] {
    const t = performance.now();
    const v = f();
    return [v, performance.now() - t];
}

/** Times the first (uncached) require of `request`, wherever it happens; 0 if it never does. */
function timeFirstRequire(request: string): { ms: () => number } {
    const Module = require("module") as { _load: (request: string, ...rest: unknown[]) => unknown };
    const load = Module._load;
    let ms: number | undefined;
    Module._load = function (this: unknown, r: string, ...rest: unknown[]) {
        if (r !== request || ms !== undefined) return load.call(this, r, ...rest);
        const t = performance.now();
        try {
            return load.call(this, r, ...rest);
        } finally {
            ms = performance.now() - t;
        }
    };
    return { ms: () => ms ?? 0 };
}

async function main(): Promise<void> {
    const [stack, flag, out, redactFlag] = process.argv.slice(2);
    // Module loading, split so the profile shows what dominates start-up (each require is cached
    // afterwards, so the program's own imports of them cost nothing later).
    const [, pulumiMs] = timed(() => require("@pulumi/pulumi"));
    const [, k8sMs] = timed(() => require("@pulumi/kubernetes"));
    const [, randomMs] = timed(() => require("@pulumi/random"));
    const [render, toolsMs] = timed(() => require("../../tools/lib/render") as typeof import("../../tools/lib/render"));
    // @pulumi/aws is loaded by the program itself, only for a stack that provisions EKS
    // (stacks/cluster.ts): its first require is timed there and not counted as the program's.
    const aws = timeFirstRequire("@pulumi/aws");
    const t = performance.now();
    const result = await render.renderStack(stack, { redact: redactFlag !== "--no-redact" });
    const awsMs = aws.ms();
    const programMs = performance.now() - t - awsMs;
    if (flag === "--out" && out) render.writeRender(result, out);
    const report = {
        stack,
        bootMs,
        pulumiMs,
        k8sMs,
        awsMs,
        randomMs,
        toolsMs,
        /** Program: TypeScript transpile + evaluation of stacks/ and components/ under mocks. */
        programMs,
        totalMs: performance.now(),
        objects: result.objects.length,
        cloudResources: result.cloudResources.length,
        resources: result.resources.length,
        baseRssKiB,
        peakRssKiB: process.resourceUsage().maxRSS,
    };
    process.stdout.write(JSON.stringify(report) + "\n");
}

main().catch((e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exitCode = 1;
});
