/** What the compose field parsers share: the per-service context and value helpers. */
import { ComposeError, excerpt } from "./errors";
import { interpolate, InterpolationError, VariableLookup } from "./interpolate";
import { ComposeVolumeDecl } from "./model";

/** What every field parser of one service gets. */
export interface ServiceContext {
    file: string;
    lookup: VariableLookup;
    readFile?: (path: string) => string;
    volumes: Record<string, ComposeVolumeDecl>;
    serviceNames: string[];
    warn: (service: string | undefined, field: string | undefined, message: string) => void;
}

// ---------------------------------------------------------------- helpers

export function interpolateAt(value: string | number | boolean, lookup: VariableLookup, location: { file: string; service?: string; field?: string }) {
    if (typeof value !== "string") return { value: String(value), variables: [] as string[] };
    try {
        return interpolate(value, lookup);
    } catch (e) {
        if (e instanceof InterpolationError) throw new ComposeError(location, e.message);
        throw e;
    }
}

export function isMap(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isScalar(v: unknown): v is string | number | boolean {
    return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

export function typeName(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "a list";
    if (typeof v === "object") return "a mapping";
    return `${typeof v} ${typeof v === "string" ? excerpt(v) : JSON.stringify(v)}`;
}
