/** Plain Kubernetes objects -> YAML, with Secret values redacted unless asked otherwise. */
import * as YAML from "yaml";

/** Any Kubernetes object: kind and name are all rendering needs. */
export interface RenderableObject {
    kind: string;
    metadata: { name: string };
    [field: string]: unknown;
}

/** What replaces every Secret value in review output. */
export const REDACTED = "<redacted>";

export interface RenderOptions {
    /** Print Secret values instead of `<redacted>`. @default false */
    showSecrets?: boolean;
}

/** Returns a copy with every Secret `stringData`/`data` value replaced by `<redacted>` (keys kept). */
export function redactSecrets<T extends RenderableObject>(obj: T): T {
    if (obj.kind !== "Secret") return obj;
    const out: T = { ...obj };
    for (const field of ["stringData", "data"] as const) {
        const values = obj[field] as Record<string, string> | undefined;
        if (values) (out as Record<string, unknown>)[field] = Object.fromEntries(Object.keys(values).map((k) => [k, REDACTED]));
    }
    return out;
}

/** One YAML document. */
export function renderObject(obj: RenderableObject, options: RenderOptions = {}): string {
    // YAML 1.1, as kubectl parses it: bare yes/no/on/off would come back as booleans.
    return YAML.stringify(options.showSecrets ? obj : redactSecrets(obj), {
        version: "1.1",
        lineWidth: 0,
        sortMapEntries: false,
        aliasDuplicateObjects: false,
    });
}

/** Multi-document YAML (`---` between objects), in the compiler's stable order. */
export function renderYaml(objects: readonly RenderableObject[], options: RenderOptions = {}): string {
    return objects.map((o) => renderObject(o, options)).join("---\n");
}
