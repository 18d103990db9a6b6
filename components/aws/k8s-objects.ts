/**
 * Shared helpers for the cluster add-on Kubernetes objects: a kind -> Pulumi class mapper, so
 * the add-on modules stay pure data builders, and the object shapes every kube-system add-on
 * repeats (labels, ServiceAccount, role bindings, hardened resources). (Their pods are hardened
 * with the same security-context builders as every workload: components/kube/pod.ts.)
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { serviceAnnotations } from "../kube/service-await";

/** A Kubernetes object as plain data (values may be Pulumi inputs, e.g. an IRSA role ARN). */
export interface KubeObject {
    apiVersion: string;
    kind: string;
    metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, pulumi.Input<string>> };
    [field: string]: unknown;
}

/** Pulumi resource name for an object: `<prefix>-<kind>-<name>` with `:` made safe. */
export function objectResourceName(prefix: string, obj: KubeObject): string {
    return `${prefix}-${obj.kind.toLowerCase()}-${obj.metadata.name.replace(/[:]/g, "-")}`;
}

type KubeClass = new (name: string, args: never, opts: pulumi.CustomResourceOptions) => pulumi.CustomResource;

/** The typed Pulumi class of each `apiVersion/kind` the add-ons use. */
const KUBE_CLASSES: Readonly<Record<string, KubeClass>> = {
    "v1/ServiceAccount": k8s.core.v1.ServiceAccount,
    "v1/Service": k8s.core.v1.Service,
    "apps/v1/Deployment": k8s.apps.v1.Deployment,
    "policy/v1/PodDisruptionBudget": k8s.policy.v1.PodDisruptionBudget,
    "rbac.authorization.k8s.io/v1/ClusterRole": k8s.rbac.v1.ClusterRole,
    "rbac.authorization.k8s.io/v1/ClusterRoleBinding": k8s.rbac.v1.ClusterRoleBinding,
    "rbac.authorization.k8s.io/v1/Role": k8s.rbac.v1.Role,
    "rbac.authorization.k8s.io/v1/RoleBinding": k8s.rbac.v1.RoleBinding,
    "storage.k8s.io/v1/StorageClass": k8s.storage.v1.StorageClass,
    "networking.k8s.io/v1/NetworkPolicy": k8s.networking.v1.NetworkPolicy,
    "apiregistration.k8s.io/v1/APIService": k8s.apiregistration.v1.APIService,
};

/** A Service with the project's await choice (components/kube/service-await.ts). */
function withServiceAwait(obj: KubeObject): KubeObject {
    const type = (obj.spec as { type?: string } | undefined)?.type;
    return { ...obj, metadata: { ...obj.metadata, annotations: serviceAnnotations(type, obj.metadata.annotations) } };
}

/** Registers one plain Kubernetes object with its typed Pulumi class (a Service with its await choice). */
export function createKubeObject(prefix: string, obj: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const kind = `${obj.apiVersion}/${obj.kind}`;
    const cls = KUBE_CLASSES[kind];
    if (!cls) throw new Error(`createKubeObject: unsupported kind ${obj.apiVersion}/${obj.kind} (${obj.metadata.name})`);
    return new cls(objectResourceName(prefix, obj), (kind === "v1/Service" ? withServiceAwait(obj) : obj) as never, opts);
}

/** Labels of a kube-system add-on this component deploys (name, part-of, managed-by). */
export function addonLabels(name: string): Record<string, string> {
    return { "app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "agent-platform", "app.kubernetes.io/managed-by": "pulumi" };
}

/** Container requests/limits of an add-on: cpu, memory and the ephemeral storage its logs (and temp files) may use. */
export function addonResources(requests: [cpu: string, memory: string, ephemeral: string], limits: [cpu: string, memory: string, ephemeral: string]) {
    const spec = ([cpu, memory, ephemeral]: [string, string, string]) => ({ cpu, memory, "ephemeral-storage": ephemeral });
    return { requests: spec(requests), limits: spec(limits) };
}

/** Where an add-on runs: its name (ServiceAccount, workload) and namespace, and its labels. */
export interface AddonIdentity {
    name: string;
    namespace: string;
    labels: Record<string, string>;
}

/** The add-on's ServiceAccount (annotated, e.g. with an IRSA role). */
export function addonServiceAccount(a: AddonIdentity, annotations?: Record<string, pulumi.Input<string>>): KubeObject {
    return {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name: a.name, namespace: a.namespace, labels: a.labels, ...(annotations ? { annotations } : {}) },
    };
}

/**
 * A (Cluster)RoleBinding `bindingName` of the add-on's ServiceAccount to `role` (a Role binds
 * in the add-on's namespace; a RoleBinding to a ClusterRole too).
 */
export function addonBinding(
    a: AddonIdentity,
    kind: "ClusterRoleBinding" | "RoleBinding",
    bindingName: string,
    role: { kind: "ClusterRole" | "Role"; name: string },
): KubeObject {
    return {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind,
        metadata: { name: bindingName, ...(kind === "RoleBinding" ? { namespace: a.namespace } : {}), labels: a.labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: role.kind, name: role.name },
        subjects: [{ kind: "ServiceAccount", name: a.name, namespace: a.namespace }],
    };
}
