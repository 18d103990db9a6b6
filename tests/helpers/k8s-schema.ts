/**
 * Validates Kubernetes objects against the OpenAPI schemas shipped by kubernetes-models
 * (the same schemas the API server publishes). CRD-backed kinds have no schema there:
 * they get a structural check and are listed so tests can see what was not schema-checked.
 */
/** API groups served by CRDs in this project (ServiceMonitor, VPA, Velero, cert-manager, Istio). */
const CRD_GROUPS = new Set(["monitoring.coreos.com", "autoscaling.k8s.io", "velero.io", "cert-manager.io", "security.istio.io", "external-secrets.io"]);

type Validator = new (obj: unknown) => { validate(): void };
const cache = new Map<string, Validator | null>();

/** `apps/v1` -> `kubernetes-models/apps/v1/<Kind>`; core `v1` -> `kubernetes-models/v1/<Kind>`. */
function modelPath(apiVersion: string, kind: string): string {
    return `kubernetes-models/${apiVersion}/${kind}`;
}

function validatorFor(apiVersion: string, kind: string): Validator | null {
    const key = `${apiVersion}/${kind}`;
    if (!cache.has(key)) {
        let v: Validator | null;
        try {
            v = (require(modelPath(apiVersion, kind)) as Record<string, Validator>)[kind] ?? null;
        } catch {
            v = null;
        }
        cache.set(key, v);
    }
    return cache.get(key)!;
}

export interface SchemaReport {
    validated: number;
    crdObjects: string[];
}

/** Throws with the object's identity and the JSON path of the first schema violation. */
export function validateObjects(objects: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[]): SchemaReport {
    const report: SchemaReport = { validated: 0, crdObjects: [] };
    for (const o of objects) {
        const id = `${o.kind} ${o.metadata?.namespace ?? "_cluster"}/${o.metadata?.name}`;
        if (!o.apiVersion || !o.kind || !o.metadata?.name) throw new Error(`${id}: apiVersion, kind and metadata.name are required`);
        const group = o.apiVersion.includes("/") ? o.apiVersion.split("/")[0] : "";
        if (CRD_GROUPS.has(group)) {
            if (typeof (o as any).spec !== "object") throw new Error(`${id}: custom resource without a spec`);
            report.crdObjects.push(id);
            continue;
        }
        const V = validatorFor(o.apiVersion, o.kind);
        if (!V) throw new Error(`${id}: no OpenAPI schema for ${o.apiVersion} ${o.kind} (unknown or removed API)`);
        try {
            new V(o).validate();
        } catch (e) {
            throw new Error(`${id} fails the ${o.apiVersion} ${o.kind} schema: ${(e as Error).message}`, { cause: e });
        }
        report.validated++;
    }
    return report;
}
