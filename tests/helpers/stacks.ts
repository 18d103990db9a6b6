/**
 * One render per stack per test process: every system test file asserts on the same render,
 * so the program runs once per stack instead of once per file.
 */
import { RenderResult, renderStack } from "../../tools/lib/render";

const cache = new Map<string, Promise<RenderResult>>();

/** The render of `Pulumi.<stack>.yaml` with Secret values unredacted (tests check they are secret, not what they are). */
export function renderedStack(stack: "dev" | "prod" | "prod-eu-west-1"): Promise<RenderResult> {
    if (!cache.has(stack)) cache.set(stack, renderStack(stack, { redact: false }));
    return cache.get(stack)!;
}

/** Mocha `before` timeout for a first render on a loaded 2-core machine. */
export const RENDER_TIMEOUT_MS = 120_000;

/** The keys an ExternalSecret merges into Secret `namespace/name` (data key -> remote key); {} without one. */
export function externalKeys(objects: RenderResult["objects"], namespace: string, name: string): Record<string, string> {
    const es = objects.find((o) => o.kind === "ExternalSecret" && o.metadata.namespace === namespace && o.metadata.name === name) as
        { spec: { data: { secretKey: string; remoteRef: { key: string } }[] } } | undefined;
    return Object.fromEntries((es?.spec.data ?? []).map((d) => [d.secretKey, d.remoteRef.key]));
}
