/**
 * Shared helpers for the data/edge/operations component tests: render under mocks, pick
 * Kubernetes objects, schema-validate them, and check that secrets stay in Secrets.
 */
import * as assert from "assert";
import { RecordedResource, runUnderMocks } from "../../../tools/lib/mock-runtime";

const MODELS: Record<string, () => new (o: any) => { validate(): void }> = {
    "v1/ConfigMap": () => require("kubernetes-models/v1/ConfigMap").ConfigMap,
    "v1/Secret": () => require("kubernetes-models/v1/Secret").Secret,
    "v1/Service": () => require("kubernetes-models/v1/Service").Service,
    "v1/ServiceAccount": () => require("kubernetes-models/v1/ServiceAccount").ServiceAccount,
    "v1/PersistentVolumeClaim": () => require("kubernetes-models/v1/PersistentVolumeClaim").PersistentVolumeClaim,
    "apps/v1/StatefulSet": () => require("kubernetes-models/apps/v1/StatefulSet").StatefulSet,
    "batch/v1/CronJob": () => require("kubernetes-models/batch/v1/CronJob").CronJob,
    "policy/v1/PodDisruptionBudget": () => require("kubernetes-models/policy/v1/PodDisruptionBudget").PodDisruptionBudget,
    "networking.k8s.io/v1/NetworkPolicy": () => require("kubernetes-models/networking.k8s.io/v1/NetworkPolicy").NetworkPolicy,
    "networking.k8s.io/v1/Ingress": () => require("kubernetes-models/networking.k8s.io/v1/Ingress").Ingress,
    "storage.k8s.io/v1/StorageClass": () => require("kubernetes-models/storage.k8s.io/v1/StorageClass").StorageClass,
};
/** Kinds served by CRDs: no OpenAPI model to validate against. */
const CRD_GROUPS = ["monitoring.coreos.com/", "velero.io/", "cert-manager.io/", "autoscaling.k8s.io/"];

export interface K8sObj {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; [k: string]: any };
    [k: string]: any;
}

export interface Rendered {
    resources: RecordedResource[];
    /** Kubernetes objects (custom resources of the kubernetes provider). */
    objects: (K8sObj & { $secretPaths: string[]; $name: string })[];
    logs: string[];
}

/** Runs `program` under mocks, capturing `pulumi.log.info` lines (the CRD-skip messages). */
export async function render(program: () => unknown): Promise<Rendered> {
    const logs: string[] = [];
    const { resources } = await runUnderMocks(program, { onInfo: (msg) => logs.push(msg) });
    const objects = resources
        .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
        .map((r) => Object.assign({}, r.inputs as K8sObj, { $secretPaths: r.secretPaths, $name: r.name }));
    return { resources, objects, logs };
}

export function byKind(r: Rendered, kind: string): (K8sObj & { $secretPaths: string[]; $name: string })[] {
    return r.objects.filter((o) => o.kind === kind);
}

export function one(r: Rendered, kind: string, name?: string): K8sObj & { $secretPaths: string[]; $name: string } {
    const found = byKind(r, kind).filter((o) => name === undefined || o.metadata.name === name);
    assert.strictEqual(found.length, 1, `expected one ${kind}${name ? ` ${name}` : ""}, got ${found.map((o) => o.metadata.name).join(",") || "none"}`);
    return found[0];
}

function strip(o: K8sObj): K8sObj {
    const { $secretPaths: _s, $name: _n, ...rest } = o as K8sObj & { $secretPaths?: string[]; $name?: string };
    return rest as K8sObj;
}

/** Validates every non-CRD object against the OpenAPI schema; fails on kinds with no model registered. */
export function validateAll(r: Rendered): number {
    let n = 0;
    for (const o of r.objects) {
        if (CRD_GROUPS.some((g) => o.apiVersion.startsWith(g))) continue;
        const model = MODELS[`${o.apiVersion}/${o.kind}`];
        assert.ok(model, `no schema model registered for ${o.apiVersion}/${o.kind}`);
        const Model = model();
        try {
            new Model(strip(o)).validate();
        } catch (e) {
            assert.fail(`${o.kind}/${o.metadata.name} fails schema validation: ${(e as Error).message}`);
        }
        n++;
    }
    return n;
}

/** Every pod spec (StatefulSet, Deployment, CronJob) in the render. */
export function podSpecs(r: Rendered): { owner: string; spec: any }[] {
    const out: { owner: string; spec: any }[] = [];
    for (const o of r.objects) {
        if (o.kind === "CronJob") out.push({ owner: `${o.kind}/${o.metadata.name}`, spec: o.spec.jobTemplate.spec.template.spec });
        else if (o.spec?.template?.spec) out.push({ owner: `${o.kind}/${o.metadata.name}`, spec: o.spec.template.spec });
    }
    return out;
}

export function allContainers(spec: any): any[] {
    return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/**
 * The password appears nowhere but in Secrets, and there only under secret paths: not in any
 * ConfigMap, literal env value, command, args or annotation.
 */
export function assertPasswordOnlyInSecrets(r: Rendered, password: string): void {
    assert.ok(password.length >= 8, "test password too short to search for");
    for (const o of r.objects) {
        const text = JSON.stringify(strip(o));
        if (o.kind === "Secret") {
            assert.ok(
                o.$secretPaths.some((p) => p.startsWith("stringData")),
                `Secret ${o.metadata.name} data must be a secret Output`,
            );
            continue;
        }
        assert.ok(!text.includes(password), `${o.kind}/${o.metadata.name} contains the password`);
    }
    for (const { owner, spec } of podSpecs(r)) {
        for (const c of allContainers(spec)) {
            for (const e of c.env ?? []) {
                if (e.value !== undefined) assert.ok(!String(e.value).includes(password), `${owner} ${c.name} env ${e.name} holds the password literally`);
            }
        }
    }
    for (const cm of byKind(r, "ConfigMap")) {
        for (const [k, v] of Object.entries(cm.data ?? {}))
            assert.ok(!String(v).includes(password), `ConfigMap ${cm.metadata.name} key ${k} holds the password`);
    }
}

/** Pod hardening every workload here must meet (Pod Security `restricted` + the production pack). */
export function assertHardened(owner: string, spec: any, opts: { probes: boolean }): void {
    assert.strictEqual(spec.automountServiceAccountToken, false, `${owner}: token must not be automounted`);
    assert.ok(spec.serviceAccountName, `${owner}: needs a dedicated ServiceAccount`);
    assert.strictEqual(spec.securityContext.runAsNonRoot, true, `${owner}: runAsNonRoot`);
    assert.strictEqual(spec.securityContext.seccompProfile.type, "RuntimeDefault", `${owner}: seccomp`);
    for (const c of allContainers(spec)) {
        const sc = c.securityContext;
        assert.strictEqual(sc.allowPrivilegeEscalation, false, `${owner} ${c.name}: allowPrivilegeEscalation`);
        assert.strictEqual(sc.readOnlyRootFilesystem, true, `${owner} ${c.name}: readOnlyRootFilesystem`);
        assert.deepStrictEqual(sc.capabilities.drop, ["ALL"], `${owner} ${c.name}: drop ALL`);
        assert.ok(sc.runAsUser > 0, `${owner} ${c.name}: non-zero uid`);
        assert.ok(
            c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.cpu && c.resources.limits.memory,
            `${owner} ${c.name}: requests+limits`,
        );
        assert.ok(!/:latest$/.test(c.image) && /:[^/]+$/.test(c.image), `${owner} ${c.name}: image ${c.image} must be pinned`);
        if (opts.probes && !(spec.initContainers ?? []).includes(c)) {
            for (const p of ["livenessProbe", "readinessProbe", "startupProbe"]) assert.ok(c[p], `${owner} ${c.name}: ${p}`);
        }
    }
}
