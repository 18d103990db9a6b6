import { strict as assert } from "assert";
import { engineProfile, traceSpans } from "../../../bench/lib/engine-events";

const ev = (timestamp: number, body: object) => JSON.stringify({ sequence: 0, timestamp, ...body });
const pre = (t: number, urn: string, type: string) => ev(t, { resourcePreEvent: { metadata: { urn, type, op: "create" } } });
const outs = (t: number, urn: string) => ev(t, { resOutputsEvent: { metadata: { urn } } });

describe("bench: the engine event profile", () => {
    it("GIVEN an up's event stream THEN it reports the start-up before the first step and each type's step times, slowest total first", () => {
        const stream = [
            ev(100, { preludeEvent: { config: {} } }),
            pre(100, "stack", "pulumi:pulumi:Stack"),
            pre(105, "p", "pulumi:providers:kubernetes"),
            outs(105, "p"),
            pre(107, "svc1", "kubernetes:core/v1:Service"),
            pre(107, "dep", "kubernetes:apps/v1:Deployment"),
            outs(108, "dep"),
            pre(108, "svc2", "kubernetes:core/v1:Service"),
            outs(117, "svc1"),
            outs(119, "svc2"),
            "not json: a progress line",
            outs(120, "stack"),
        ].join("\n");
        const p = engineProfile(stream);
        assert.equal(p.firstStepS, 7, "the provider's own step does not count as the first resource");
        assert.equal(p.lastOutputsS, 19, "the stack's outputs do not count");
        assert.deepEqual(p.types[0], { type: "kubernetes:core/v1:Service", count: 2, meanS: 10.5, maxS: 11, sumS: 21 });
        assert.deepEqual(
            p.types.map((t) => t.type),
            ["kubernetes:core/v1:Service", "kubernetes:apps/v1:Deployment", "pulumi:providers:kubernetes"],
        );
    });

    it("GIVEN no events THEN it says the stream is empty", () => {
        assert.throws(() => engineProfile("warning: nothing\n"), /event stream is empty/);
    });
});

describe("bench: trace spans", () => {
    it("GIVEN an OpenTelemetry JSON trace THEN every span's duration is listed under its name", () => {
        const span = (name: string, start: bigint, end: bigint) => ({ name, startTimeUnixNano: String(start), endTimeUnixNano: String(end) });
        const doc = {
            resourceSpans: [{ scopeSpans: [{ spans: [span("pulumi", 0n, 9_500_000_000n), span("language-runtime.runProgram", 1n, 4_000_000_001n)] }] }],
        };
        const other = { resourceSpans: [{ scopeSpans: [{ spans: [span("language-runtime.runProgram", 0n, 500_000_000n)] }] }] };
        const spans = traceSpans([JSON.stringify(doc), JSON.stringify(other), ""].join("\n"));
        assert.deepEqual(spans.get("pulumi"), [9.5]);
        assert.deepEqual(spans.get("language-runtime.runProgram"), [4, 0.5]);
    });
});
