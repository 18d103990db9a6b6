/**
 * stacks/promise-stacks.ts (issue 20): the SDK's per-promise stack trace, read only under
 * PULUMI_DEBUG_PROMISE_LEAKS, is not captured otherwise; the per-resource source position is.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { skipUnreadPromiseStacks } from "../../../stacks/promise-stacks";
import { runUnderMocks } from "../../../tools/lib/mock-runtime";

const sdk = require("@pulumi/pulumi/runtime/debuggable") as {
    debuggablePromise<T>(p: Promise<T>, ctx: unknown): Promise<T>;
    debugPromiseLeaks: boolean;
};
const stackOf = (p: Promise<unknown>) => (p as unknown as { _debugStackTrace: string })._debugStackTrace;
const FRAME = /\n\s+at /;

describe("stacks/promise-stacks: no stack trace per SDK promise unless leak debugging asks for it", () => {
    it("GIVEN skipUnreadPromiseStacks THEN a promise the SDK tracks carries no frames, and it still resolves", async () => {
        skipUnreadPromiseStacks();
        skipUnreadPromiseStacks(); // idempotent: one wrapper
        const limit = Error.stackTraceLimit;
        const p = Promise.resolve(42);
        assert.equal(await sdk.debuggablePromise(p, "test"), 42);
        assert.doesNotMatch(stackOf(p), FRAME);
        assert.equal(Error.stackTraceLimit, limit, "the process's own limit is restored");
        assert.match(new Error().stack!, FRAME);
    });

    it("GIVEN PULUMI_DEBUG_PROMISE_LEAKS (the SDK's flag) THEN the promise keeps its stack trace as before", async () => {
        skipUnreadPromiseStacks();
        const was = sdk.debugPromiseLeaks;
        sdk.debugPromiseLeaks = true;
        try {
            const p = Promise.resolve(1);
            await sdk.debuggablePromise(p, "test");
            assert.match(stackOf(p), FRAME);
        } finally {
            sdk.debugPromiseLeaks = was;
        }
    });

    it("GIVEN a resource registered under the mock runtime THEN Pulumi still records the caller's source position", async () => {
        let position: { uri: string; line: number } | undefined;
        const Resource = pulumi.Resource as unknown as { stackTrace(skip: number): ({ uri: string; line: number } | undefined)[] };
        const original = Resource.stackTrace;
        Resource.stackTrace = (skip) => {
            const trace = original.call(Resource, skip);
            position ??= trace[0];
            return trace;
        };
        try {
            // a component class, as Pulumi expects: the position is the frame below its constructor
            class Thing extends pulumi.ComponentResource {
                constructor(name: string) {
                    super("test:index:Thing", name);
                }
            }
            await runUnderMocks(() => new Thing("thing"));
        } finally {
            Resource.stackTrace = original;
        }
        assert.ok(position, "no source position");
        assert.match(position.uri, /promise-stacks\.test\.ts$/);
    });
});
