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

/** Span durations (s) of an OpenTelemetry trace file (`--otel-traces file://...`), by span name. */
export function traceSpans(otelJsonLines: string): Map<string, number[]> {
    const spans = new Map<string, number[]>();
    for (const line of otelJsonLines.split("\n").filter((l) => l.startsWith("{"))) {
        const doc = JSON.parse(line) as {
            resourceSpans?: { scopeSpans?: { spans?: { name: string; startTimeUnixNano: string; endTimeUnixNano: string }[] }[] }[];
        };
        for (const rs of doc.resourceSpans ?? [])
            for (const ss of rs.scopeSpans ?? [])
                for (const s of ss.spans ?? []) {
                    const d = Number(BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1e9;
                    spans.set(s.name, [...(spans.get(s.name) ?? []), d]);
                }
    }
    return spans;
}
