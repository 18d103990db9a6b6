/** Test helpers over the shared mock runtime: run components, find what they rendered. */
import { RecordedResource, runUnderMocks } from "../../tools/lib/mock-runtime";
import { K8sObject, toK8sObject } from "../../tools/lib/render";

export interface Rendered {
    resources: RecordedResource[];
    /** Kubernetes objects as the API server would receive them (secrets NOT redacted). */
    objects: K8sObject[];
}

/** Runs `program` (which creates components) under mocks and returns what it registered. */
export async function render(program: () => unknown): Promise<Rendered> {
    const run = await runUnderMocks(program);
    const objects = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:")).map((r) => toK8sObject(r, false));
    return { resources: run.resources, objects };
}

export function find(objects: K8sObject[], kind: string, name: string, namespace?: string): K8sObject {
    const hit = objects.find((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
    if (!hit) throw new Error(`no ${kind} ${namespace ?? "*"}/${name} among: ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(", ")}`);
    return hit;
}

export function kinds(objects: K8sObject[], kind: string): K8sObject[] {
    return objects.filter((o) => o.kind === kind);
}

/** The recorded resource behind an object (for secretPaths and provider checks). */
export function recordOf(resources: RecordedResource[], kind: string, name: string): RecordedResource {
    const hit = resources.find((r) => r.inputs?.kind === kind && r.inputs?.metadata?.name === name);
    if (!hit) throw new Error(`no recorded ${kind} ${name}`);
    return hit;
}
