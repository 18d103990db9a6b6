/**
 * Child: evaluates one stack under the mock runtime (the `npm run render` path) in a fresh process
 * and reports phase times and memory. `render-child.ts <stack> [--out DIR [--no-redact]]`
 * (`--no-redact` keeps Secret values so the render can be applied with kubectl.)
 *
 * `performance.now()` counts from process start, so `bootMs` is node + ts-node start-up.
 * Peak memory is getrusage's maxRSS of this process (the whole process's high-water mark).
 */
import { performance } from "perf_hooks";

const bootMs = performance.now();
const baseRssKiB = Math.round(process.memoryUsage().rss / 1024);

function timed<T>(f: () => T): [T, number] {
    const t = performance.now();
    const v = f();
    return [v, performance.now() - t];
}

async function main(): Promise<void> {
    const [stack, flag, out, redactFlag] = process.argv.slice(2);
    // Module loading, split so the profile shows what dominates start-up (each require is cached
    // afterwards, so the program's own imports of them cost nothing later).
    const [, pulumiMs] = timed(() => require("@pulumi/pulumi"));
    const [, k8sMs] = timed(() => require("@pulumi/kubernetes"));
    const [, awsMs] = timed(() => require("@pulumi/aws"));
    const [, randomMs] = timed(() => require("@pulumi/random"));
    const [render, toolsMs] = timed(() => require("../../tools/lib/render") as typeof import("../../tools/lib/render"));
    const t = performance.now();
    const result = await render.renderStack(stack, { redact: redactFlag !== "--no-redact" });
    const programMs = performance.now() - t;
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
