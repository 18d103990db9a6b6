/** Plain Kubernetes objects -> YAML, with Secret values redacted unless asked otherwise. */
import * as YAML from "yaml";
import { KubeObject } from "./compile";

/** What replaces every Secret value in review output. */
export const REDACTED = "<redacted>";

export interface RenderOptions {
    /** Print Secret values instead of `<redacted>`. @default false */
    showSecrets?: boolean;
}

/** Returns a copy with every Secret `stringData`/`data` value replaced by `<redacted>` (keys kept). */
export function redactSecrets(obj: KubeObject): KubeObject {
    if (obj.kind !== "Secret") return obj;
    const out: KubeObject = { ...obj };
    for (const field of ["stringData", "data"] as const) {
        const values = obj[field] as Record<string, string> | undefined;
        if (values) out[field] = Object.fromEntries(Object.keys(values).map((k) => [k, REDACTED]));
    }
    return out;
}

/** One YAML document. */
export function renderObject(obj: KubeObject, options: RenderOptions = {}): string {
    return YAML.stringify(options.showSecrets ? obj : redactSecrets(obj), { lineWidth: 0, sortMapEntries: false, aliasDuplicateObjects: false });
}

/** Multi-document YAML (`---` between objects), in the compiler's stable order. */
export function renderYaml(objects: readonly KubeObject[], options: RenderOptions = {}): string {
    return objects.map((o) => renderObject(o, options)).join("---\n");
}

/** seed 004 manifest naming: `<name>-<kind>.yaml`, e.g. `mem0-ui-deployment.yaml`. */
export function objectFileName(obj: KubeObject): string {
    return `${obj.metadata.name}-${obj.kind.toLowerCase()}.yaml`;
}
