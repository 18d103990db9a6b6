import { strict as assert } from "assert";
import { engineProfile, previewPhases } from "../../../bench/lib/engine-events";

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

describe("bench: the phases of a traced preview", () => {
    const S = 1_000_000_000n;
    const span = (name: string, start: bigint, end: bigint) => ({ name, startTimeUnixNano: String(start * S), endTimeUnixNano: String(end * S) });
    const service = (name: string, spans: object[]) => ({
        resource: { attributes: [{ key: "service.name", value: { stringValue: name } }] },
        scopeSpans: [{ spans }],
    });

    it("GIVEN an OpenTelemetry JSON trace of a preview with a pack THEN it splits the CLI run into start-up, pack start-up, program and the rest, and sums the engine's calls", () => {
        const cli = service("pulumi-cli", [
            span("pulumi", 100n, 120n),
            span("pulumirpc.Analyzer/GetPluginInfo", 101n, 103n),
            span("run-program", 104n, 119n),
            span("pulumirpc.Analyzer/Analyze", 106n, 107n),
            span("pulumirpc.Analyzer/AnalyzeStack", 118n, 119n),
            span("pulumirpc.ResourceProvider/Check", 108n, 109n),
            span("pulumirpc.ResourceProvider/Diff", 109n, 111n),
            span("pulumirpc.Engine/Log", 105n, 105n),
            span("pulumirpc.Engine/Log", 106n, 106n),
        ]);
        // The SDK's own view of a log call is not one more round trip.
        const sdk = service("pulumi-sdk-nodejs", [span("language-runtime.runProgram", 105n, 109n), span("pulumirpc.Engine/Log", 105n, 105n)]);
        const p = previewPhases([JSON.stringify({ resourceSpans: [cli] }), "not json", JSON.stringify({ resourceSpans: [sdk] })].join("\n"));
        assert.deepEqual(p, { totalS: 20, packStartS: 2, beforeProgramS: 4, programS: 4, afterProgramS: 11, packCallsS: 2, checkDiffS: 3, logCalls: 2 });
    });

    it("GIVEN a trace without a program span THEN it names the missing span", () => {
        const cli = service("pulumi-cli", [span("pulumi", 0n, 1n), span("run-program", 0n, 1n)]);
        assert.throws(() => previewPhases(JSON.stringify({ resourceSpans: [cli] })), /no span language-runtime\.runProgram/);
    });
});
