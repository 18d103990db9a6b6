/**
 * Where a `pulumi up` spends its time, from the engine's event stream (`pulumi up --json`: one
 * JSON engine event per line, `timestamp` in whole seconds): when the first resource step began
 * (start-up and program evaluation before it), and per resource type how long each step took
 * from its pre-event to its outputs (for Kubernetes objects: the provider's create plus await).
 */

export interface TypeTiming {
    type: string;
    count: number;
    meanS: number;
    maxS: number;
    sumS: number;
}

export interface EngineProfile {
    /** Seconds from the first event to the first resource step. */
    firstStepS: number;
    /** Seconds from the first event to the last resource's outputs. */
    lastOutputsS: number;
    types: TypeTiming[];
}

interface EngineEvent {
    timestamp: number;
    resourcePreEvent?: { metadata: { urn: string; type: string } };
    resOutputsEvent?: { metadata: { urn: string } };
}

export function engineProfile(jsonLines: string): EngineProfile {
    const events: EngineEvent[] = jsonLines
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as EngineEvent)
        .filter((e) => typeof e.timestamp === "number");
    if (events.length === 0) throw new Error("the event stream is empty (was `pulumi up --json` run?)");
    const t0 = events[0]!.timestamp;
    const started = new Map<string, { t: number; type: string }>();
    const byType = new Map<string, number[]>();
    let firstStep = Infinity;
    let lastOutputs = 0;
    for (const e of events) {
        if (e.resourcePreEvent) {
            const { urn, type } = e.resourcePreEvent.metadata;
            started.set(urn, { t: e.timestamp, type });
            if (!type.startsWith("pulumi:")) firstStep = Math.min(firstStep, e.timestamp - t0);
        } else if (e.resOutputsEvent) {
            const s = started.get(e.resOutputsEvent.metadata.urn);
            if (!s || s.type.startsWith("pulumi:pulumi:Stack")) continue;
            byType.set(s.type, [...(byType.get(s.type) ?? []), e.timestamp - s.t]);
            lastOutputs = Math.max(lastOutputs, e.timestamp - t0);
        }
    }
    const types = [...byType].map(([type, d]) => {
        const sumS = d.reduce((a, b) => a + b, 0);
        return { type, count: d.length, meanS: sumS / d.length, maxS: Math.max(...d), sumS };
    });
    types.sort((a, b) => b.sumS - a.sumS || a.type.localeCompare(b.type));
    return { firstStepS: Number.isFinite(firstStep) ? firstStep : 0, lastOutputsS: lastOutputs, types };
}

interface Span {
    name: string;
    service: string;
    /** Seconds, on the trace's own clock. */
    start: number;
    end: number;
}

/** Every span of an OpenTelemetry trace file (`--otel-traces file://...`: one JSON document per line). */
function spansOf(otelJsonLines: string): Span[] {
    const out: Span[] = [];
    for (const line of otelJsonLines.split("\n").filter((l) => l.startsWith("{"))) {
        const doc = JSON.parse(line) as {
            resourceSpans?: {
                resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
                scopeSpans?: { spans?: { name: string; startTimeUnixNano: string; endTimeUnixNano: string }[] }[];
            }[];
        };
        for (const rs of doc.resourceSpans ?? []) {
            const service = rs.resource?.attributes?.find((a) => a.key === "service.name")?.value.stringValue ?? "";
            for (const ss of rs.scopeSpans ?? [])
                for (const s of ss.spans ?? [])
                    out.push({ name: s.name, service, start: Number(BigInt(s.startTimeUnixNano)) / 1e9, end: Number(BigInt(s.endTimeUnixNano)) / 1e9 });
        }
    }
    return out;
}

/** Where a traced `pulumi preview` (with a policy pack) spends its time, in seconds. */
export interface PreviewPhases {
    /** The whole CLI span. */
    totalS: number;
    /** The policy pack's plug-in start-up (Analyzer/GetPluginInfo); the engine starts the program after it. */
    packStartS: number;
    /** CLI span start to the program's start (CLI, state, plug-ins, pack start-up). */
    beforeProgramS: number;
    /** The program's evaluation in the language host (language-runtime.runProgram). */
    programS: number;
    /** The end of the program's evaluation to the end of the CLI span: registrations the engine still steps through, the stack analysis, shutdown. */
    afterProgramS: number;
    /** Sum of the engine's calls into the pack: Analyze, Remediate and AnalyzeStack. */
    packCallsS: number;
    /** Sum of the engine's provider Check and Diff calls. */
    checkDiffS: number;
    /** The SDK's debug/info log calls to the engine, one gRPC round trip each. */
    logCalls: number;
}

export function previewPhases(otelJsonLines: string): PreviewPhases {
    const spans = spansOf(otelJsonLines);
    const cli = spans.filter((s) => s.service === "pulumi-cli");
    const one = (name: string, from = spans): Span => {
        const s = from.find((x) => x.name === name);
        if (!s) throw new Error(`the trace has no span ${name}`);
        return s;
    };
    const sum = (names: string[]) => cli.filter((s) => names.includes(s.name)).reduce((a, s) => a + s.end - s.start, 0);
    const whole = one("pulumi", cli);
    const program = one("language-runtime.runProgram");
    const pack = cli.find((s) => s.name === "pulumirpc.Analyzer/GetPluginInfo");
    return {
        totalS: whole.end - whole.start,
        packStartS: pack ? pack.end - pack.start : 0,
        beforeProgramS: one("run-program", cli).start - whole.start,
        programS: program.end - program.start,
        afterProgramS: whole.end - program.end,
        packCallsS: sum(["pulumirpc.Analyzer/Analyze", "pulumirpc.Analyzer/Remediate", "pulumirpc.Analyzer/AnalyzeStack"]),
        checkDiffS: sum(["pulumirpc.ResourceProvider/Check", "pulumirpc.ResourceProvider/Diff"]),
        logCalls: cli.filter((s) => s.name === "pulumirpc.Engine/Log").length,
    };
}
