import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Labels } from "./labels";

export interface ServiceAccountSpec {
    /** ServiceAccount name. @default the workload name */
    name?: string;
    /** Least-privilege namespaced rules; a Role + RoleBinding are created when non-empty. */
    rules?: k8s.types.input.rbac.v1.PolicyRule[];
    /** Mount an API token into pods. @default true when `rules` is non-empty, else false */
    automountToken?: boolean;
    /** Role name, where a seed names it (`claude-code-role`). @default the ServiceAccount name */
    roleName?: string;
    /** RoleBinding name (`claude-code-binding`). @default the ServiceAccount name */
    roleBindingName?: string;
    /** e.g. `eks.amazonaws.com/role-arn` for IRSA. */
    annotations?: Record<string, pulumi.Input<string>>;
}

/** A dedicated ServiceAccount (token not automounted) plus a Role/RoleBinding for its rules. */
export function createServiceAccount(
    prefix: string,
    namespace: pulumi.Input<string>,
    workload: string,
    labels: Labels,
    spec: ServiceAccountSpec,
    parent: pulumi.Resource,
): { name: string; automountToken: boolean; resource: k8s.core.v1.ServiceAccount } {
    const name = spec.name ?? workload;
    const rules = spec.rules ?? [];
    const meta = { name, namespace, labels };
    const resource = new k8s.core.v1.ServiceAccount(
        `${prefix}-sa`,
        {
            metadata: { ...meta, ...(spec.annotations ? { annotations: spec.annotations } : {}) },
            automountServiceAccountToken: false,
        },
        { parent },
    );
    if (rules.length) {
        const roleName = spec.roleName ?? name;
        const role = new k8s.rbac.v1.Role(`${prefix}-role`, { metadata: { ...meta, name: roleName }, rules }, { parent });
        new k8s.rbac.v1.RoleBinding(
            `${prefix}-rolebinding`,
            {
                metadata: { ...meta, name: spec.roleBindingName ?? name },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: roleName },
                subjects: [{ kind: "ServiceAccount", name, namespace }],
            },
            { parent, dependsOn: [role, resource] },
        );
    }
    return { name, automountToken: spec.automountToken ?? rules.length > 0, resource };
}
