/**
 * The SDK passes every promise it makes for a resource or an Output (several per resource)
 * through `debuggablePromise`, which stores `new Error().stack` on it. That stack is read only
 * when PULUMI_DEBUG_PROMISE_LEAKS is set, to print where a leaked promise was made. Capturing and
 * formatting it otherwise was a quarter of the CPU of evaluating prod (warm, in one process:
 * 2.61 s -> 1.96 s per render, median of 5 interleaved). After `skipUnreadPromiseStacks()` the
 * SDK's function runs with `Error.stackTraceLimit` 0, so the stack it stores is just "Error";
 * with PULUMI_DEBUG_PROMISE_LEAKS set it runs as before. The stack trace Pulumi captures per
 * resource for its source position (`Resource.callsites`) is not touched.
 */

interface Debuggable {
    debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
    debugPromiseLeaks: boolean;
}

const WRAPPED = Symbol.for("agent-platform:debuggablePromise without unread stacks");

/** Idempotent; affects the SDK instance this module resolves (the program's, under the engine too). */
export function skipUnreadPromiseStacks(): void {
    // internal to the SDK: the module every SDK file calls debuggablePromise through; a require
    // gives the mutable exports object itself (an import would be a read-only namespace copy)
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sdk = require("@pulumi/pulumi/runtime/debuggable") as Debuggable;
    const original = sdk.debuggablePromise as Debuggable["debuggablePromise"] & { [WRAPPED]?: true };
    if (original[WRAPPED]) return;
    const wrapped = function <T>(p: Promise<T>, ctx: unknown): Promise<T> {
        if (sdk.debugPromiseLeaks) return original(p, ctx);
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return original(p, ctx);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
    sdk.debuggablePromise = Object.assign(wrapped, { [WRAPPED]: true as const });
}
