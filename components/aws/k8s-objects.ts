/**
 * Shared helpers for the cluster add-on Kubernetes objects: a kind -> Pulumi class mapper, so
 * the add-on modules stay pure data builders. (Their pods are hardened with the same
 * security-context builders as every workload: components/kube/pod.ts.)
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

/** A Service with the project's await choice (components/kube/service-await.ts). */
function withServiceAwait(obj: KubeObject): KubeObject {
    const type = (obj.spec as { type?: string } | undefined)?.type;
    return { ...obj, metadata: { ...obj.metadata, annotations: serviceAnnotations(type, obj.metadata.annotations) } };
}

/** Registers one plain Kubernetes object with its typed Pulumi class. */
export function createKubeObject(prefix: string, obj: KubeObject, opts: pulumi.CustomResourceOptions): pulumi.CustomResource {
    const name = objectResourceName(prefix, obj);
    const a = obj as unknown;
    switch (`${obj.apiVersion}/${obj.kind}`) {
        case "v1/ServiceAccount":
            return new k8s.core.v1.ServiceAccount(name, a as k8s.core.v1.ServiceAccountArgs, opts);
        case "v1/Service":
            return new k8s.core.v1.Service(name, withServiceAwait(obj) as k8s.core.v1.ServiceArgs, opts);
        case "apps/v1/Deployment":
            return new k8s.apps.v1.Deployment(name, a as k8s.apps.v1.DeploymentArgs, opts);
        case "policy/v1/PodDisruptionBudget":
            return new k8s.policy.v1.PodDisruptionBudget(name, a as k8s.policy.v1.PodDisruptionBudgetArgs, opts);
        case "rbac.authorization.k8s.io/v1/ClusterRole":
            return new k8s.rbac.v1.ClusterRole(name, a as k8s.rbac.v1.ClusterRoleArgs, opts);
        case "rbac.authorization.k8s.io/v1/ClusterRoleBinding":
            return new k8s.rbac.v1.ClusterRoleBinding(name, a as k8s.rbac.v1.ClusterRoleBindingArgs, opts);
        case "rbac.authorization.k8s.io/v1/Role":
            return new k8s.rbac.v1.Role(name, a as k8s.rbac.v1.RoleArgs, opts);
        case "rbac.authorization.k8s.io/v1/RoleBinding":
            return new k8s.rbac.v1.RoleBinding(name, a as k8s.rbac.v1.RoleBindingArgs, opts);
        case "storage.k8s.io/v1/StorageClass":
            return new k8s.storage.v1.StorageClass(name, a as k8s.storage.v1.StorageClassArgs, opts);
        case "networking.k8s.io/v1/NetworkPolicy":
            return new k8s.networking.v1.NetworkPolicy(name, a as k8s.networking.v1.NetworkPolicyArgs, opts);
        case "apiregistration.k8s.io/v1/APIService":
            return new k8s.apiregistration.v1.APIService(name, a as k8s.apiregistration.v1.APIServiceArgs, opts);
        default:
            throw new Error(`createKubeObject: unsupported kind ${obj.apiVersion}/${obj.kind} (${obj.metadata.name})`);
    }
}
