/**
 * Loads resources for `policy:check`: multi-document YAML (files or directories, `kind: List`
 * expanded) and `cloud-resources.json` (`[{type, name, inputs}]`, written by `npm run render`).
 */
import * as fs from "fs";
import * as path from "path";
import { parseAllDocuments } from "yaml";
import { fromK8sObject, InputResource, urnFor } from "./harness";
import { Json, K8sObject } from "./k8s";

export const CLOUD_RESOURCES_FILE = "cloud-resources.json";

export class InputError extends Error {}

/** Kubernetes objects of a YAML text; `kind: List` items are expanded, empty documents skipped. */
export function parseYamlObjects(text: string, source: string, onSkip?: (message: string) => void): K8sObject[] {
    const out: K8sObject[] = [];
    for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length) throw new InputError(`${source}: invalid YAML: ${doc.errors[0].message}`);
        const v: Json = doc.toJS();
        if (v === null || v === undefined) continue;
        const items: Json[] = v.kind === "List" || (typeof v.kind === "string" && v.kind.endsWith("List") && Array.isArray(v.items)) ? v.items ?? [] : [v];
        for (const o of items) {
            if (!o || typeof o !== "object" || typeof o.kind !== "string" || typeof o.apiVersion !== "string") {
                const message = `${source}: document is not a Kubernetes object (needs apiVersion and kind)`;
                if (!onSkip) throw new InputError(message);
                onSkip(`${message}; skipped`);
                continue;
            }
            out.push(o as K8sObject);
        }
    }
    return out;
}

/** Non-Kubernetes resources from a cloud-resources.json array. */
export function parseCloudResources(text: string, source: string): InputResource[] {
    let v: Json;
    try { v = JSON.parse(text); } catch (e) { throw new InputError(`${source}: invalid JSON: ${(e as Error).message}`); }
    if (!Array.isArray(v)) throw new InputError(`${source}: expected a JSON array of {type, name, inputs}`);
    return v.map((r: Json, i: number) => {
        if (typeof r?.type !== "string" || typeof r?.name !== "string") throw new InputError(`${source}[${i}]: needs string type and name`);
        return { type: r.type, name: r.name, props: r.inputs ?? {}, urn: urnFor(r.type, r.name), source };
    });
}

function walk(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((e) => {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) return e.name === "node_modules" || e.name.startsWith(".") ? [] : walk(p);
            return /\.ya?ml$/i.test(e.name) || e.name === CLOUD_RESOURCES_FILE ? [p] : [];
        });
}

/**
 * Reads every resource under the given files/directories. Files named explicitly must hold only
 * Kubernetes objects; YAML found by walking a directory (Helm values, CI files...) that is not a
 * Kubernetes object is skipped and reported through `onSkip`.
 */
export function loadResources(inputs: string[], onSkip: (message: string) => void = () => undefined): InputResource[] {
    const out: InputResource[] = [];
    for (const input of inputs) {
        if (!fs.existsSync(input)) throw new InputError(`${input}: no such file or directory`);
        const walked = fs.statSync(input).isDirectory();
        for (const f of walked ? walk(input) : [input]) {
            const text = fs.readFileSync(f, "utf8");
            if (/\.json$/i.test(f)) out.push(...parseCloudResources(text, f));
            else out.push(...parseYamlObjects(text, f, walked ? onSkip : undefined).map((o) => fromK8sObject(o, f)));
        }
    }
    // The same file reached twice (named and inside a named directory) counts once; the same
    // object name in different files (fixture corpora, overlays) stays, with a unique URN.
    const seen = new Set<string>();
    const urns = new Set<string>();
    const kept: InputResource[] = [];
    for (const r of out) {
        const key = `${path.resolve(r.source ?? "")}\0${r.urn}`;
        if (seen.has(key)) continue;
        seen.add(key);
        let urn = r.urn!;
        for (let n = 2; urns.has(urn); n++) urn = `${r.urn}#${n}`;
        urns.add(urn);
        kept.push({ ...r, urn });
    }
    return kept;
}
