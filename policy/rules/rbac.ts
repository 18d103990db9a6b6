/** RBAC with least privilege (seed checklists: "RBAC is configured (with least privilege)"). */
import { isKind, Json, K8sObject, k8sNamespaceOf } from "../lib/k8s";
import { groupBy, k8sItems, PlatformRule, resourceRule, stackRule, StackViolation } from "../lib/rule";

const ROLE_KINDS = ["Role", "ClusterRole"];
const BINDING_KINDS = ["RoleBinding", "ClusterRoleBinding"];

function has(list: Json, value: string): boolean {
    return Array.isArray(list) && (list.includes(value) || list.includes("*"));
}

/** Whether an RBAC rule grants `verb` on `resource` in the core group. */
export function grants(rule: Json, resource: string, verbs: string[]): boolean {
    const [base] = resource.split("/");
    const resources: string[] = Array.isArray(rule?.resources) ? rule.resources : [];
    const resOk = resources.includes(resource) || resources.includes("*") || (resource.includes("/") && resources.includes(`${base}/*`));
    return has(rule?.apiGroups, "") && resOk && verbs.some((v) => has(rule?.verbs, v));
}

/** exec/attach grants (GET opens the websocket as well as POST/create). */
function execAttachGrants(role: K8sObject): string[] {
    const out: string[] = [];
    for (const sub of ["pods/exec", "pods/attach"]) {
        if ((role.rules ?? []).some((r: Json) => grants(r, sub, ["create", "get"]))) out.push(sub);
    }
    return out;
}

function isAdminEquivalent(role: K8sObject): boolean {
    return (role.rules ?? []).some((r: Json) => [r?.apiGroups, r?.resources, r?.verbs].every((l) => Array.isArray(l) && l.includes("*")));
}

export const rbacRules: PlatformRule[] = [
    resourceRule({
        name: "rbac-no-cluster-admin",
        area: "rbac",
        description: "No RoleBinding/ClusterRoleBinding grants cluster-admin (or another forbidden role).",
        severity: "critical",
        enforcementLevel: "advisory",
        remediationSteps: "Bind a Role that lists only the resources and verbs the workload uses (AgentService creates one).",
        defaults: { forbiddenRoles: ["cluster-admin"] },
        knobs: { forbiddenRoles: "ClusterRole names that must never be bound" },
        appliesTo: (t) => isKind(t, BINDING_KINDS),
        check: (o: K8sObject, cfg) =>
            cfg.forbiddenRoles.includes(o.roleRef?.name) && o.roleRef?.kind === "ClusterRole"
                ? [`binds ClusterRole ${o.roleRef.name} to ${(o.subjects ?? []).map((s: Json) => `${s?.kind} ${s?.name}`).join(", ") || "no subjects"}`]
                : [],
    }),
    resourceRule({
        name: "rbac-no-wildcards",
        area: "rbac",
        description: "Roles name their apiGroups, resources and verbs explicitly (no `*`).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Replace `*` with the explicit list (seed 004 lists its minimum permissions).",
        appliesTo: (t) => isKind(t, ROLE_KINDS),
        check: (o: K8sObject) =>
            (o.rules ?? []).flatMap((r: Json, i: number) =>
                (["apiGroups", "resources", "verbs"] as const)
                    .filter((f) => Array.isArray(r?.[f]) && r[f].includes("*"))
                    .map((f) => `rules[${i}].${f} contains "*"`),
            ),
    }),
    resourceRule({
        name: "rbac-no-exec-attach",
        area: "rbac",
        description: "No Role grants pods/exec or pods/attach (a shell in any pod of the namespace).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Drop pods/exec and pods/attach from the role; debug with ephemeral containers under a break-glass role.",
        appliesTo: (t) => isKind(t, ROLE_KINDS),
        check: (o: K8sObject) => execAttachGrants(o).map((sub) => `grants ${sub}`),
    }),
    resourceRule({
        name: "rbac-limit-secrets-pod-create",
        area: "rbac",
        description: "Roles do not list/watch/get Secrets without resourceNames, nor create Pods (both amount to reading every secret in scope).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Grant get on named secrets (resourceNames) instead of list/watch; create workloads through a controller rather than pods.",
        appliesTo: (t) => isKind(t, ROLE_KINDS),
        check: (o: K8sObject) => {
            const out: string[] = [];
            const rules: Json[] = o.rules ?? [];
            // resourceNames scope a rule to the named objects: list/watch/get then see only those Secrets.
            const unscoped = rules.filter((r) => !(Array.isArray(r?.resourceNames) && r.resourceNames.length));
            if (unscoped.some((r) => grants(r, "secrets", ["list", "watch"]))) out.push("can list/watch secrets");
            if (unscoped.some((r) => grants(r, "secrets", ["get"]))) out.push("can get any secret (no resourceNames)");
            // create cannot be scoped by resourceNames: the name is not known when the request is authorised.
            if (rules.some((r) => grants(r, "pods", ["create"]))) out.push("can create pods");
            return out;
        },
    }),
    stackRule({
        name: "rbac-risky-binding",
        area: "rbac",
        description: "No binding in the stack points at a Role/ClusterRole of the stack that is admin-equivalent (all `*`) or grants pods/exec/attach.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Narrow the bound role, or remove the binding.",
        check: (items) => {
            const k = k8sItems(items);
            const bindings = k.filter((i) => BINDING_KINDS.includes(i.obj.kind));
            if (bindings.length === 0) return undefined;
            const out: StackViolation[] = [];
            const byKindName = groupBy(k, (i) => `${i.obj.kind}\0${i.obj.metadata?.name}`);
            for (const b of bindings) {
                const ref = b.obj.roleRef ?? {};
                const role = (byKindName.get(`${ref.kind}\0${ref.name}`) ?? []).find(
                    (i) =>
                        i.obj.kind === ref.kind &&
                        i.obj.metadata?.name === ref.name &&
                        (ref.kind === "ClusterRole" || k8sNamespaceOf(i.obj) === k8sNamespaceOf(b.obj)),
                );
                if (!role) continue;
                const where =
                    b.obj.kind === "ClusterRoleBinding"
                        ? `ClusterRoleBinding ${b.obj.metadata?.name}`
                        : `RoleBinding ${k8sNamespaceOf(b.obj)}/${b.obj.metadata?.name}`;
                if (isAdminEquivalent(role.obj))
                    out.push({ message: `${where}: binds ${ref.kind} ${ref.name}, which grants everything (admin-equivalent)`, urn: b.urn });
                const exec = execAttachGrants(role.obj);
                if (exec.length) out.push({ message: `${where}: binds ${ref.kind} ${ref.name}, which grants ${exec.join(", ")}`, urn: b.urn });
            }
            return out;
        },
    }),
];
