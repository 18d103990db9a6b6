/**
 * Network exposure and isolation (seed checklists: "network policies are applied").
 * Coverage rules are stack policies: they match NetworkPolicy selectors against the pod
 * templates of workloads in the same stack.
 */
import { isKind, Json, K8sObject, k8sNamespaceOf, LabelPairIndex, mapSelectorMatches, podTemplate, selectorMatches, SYSTEM_NAMESPACES } from "../lib/k8s";
import { groupBy, k8sItems, PlatformRule, resourceRule, StackItem, stackRule, StackViolation } from "../lib/rule";

type K8sItem = StackItem & { obj: K8sObject };

// AWS Load Balancer Controller / in-tree annotations that make a LoadBalancer Service internal.
export const INTERNAL_LB_ANNOTATIONS: Record<string, string> = {
    "service.beta.kubernetes.io/aws-load-balancer-internal": "true",
    "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal",
};
const WORKLOAD_KINDS = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob", "Pod"];

function workloads(k: K8sItem[]): K8sItem[] {
    return k.filter((i) => isKind(i.type, WORKLOAD_KINDS) && podTemplate(i.obj));
}

function who(o: K8sObject): string {
    return `${o.kind} ${k8sNamespaceOf(o)}/${o.metadata?.name}`;
}

function isDefaultDeny(np: K8sObject, direction: "Ingress" | "Egress"): boolean {
    const s = np.spec ?? {};
    const selectsAll = s.podSelector && Object.keys(s.podSelector.matchLabels ?? {}).length === 0 && (s.podSelector.matchExpressions ?? []).length === 0;
    const types: string[] = s.policyTypes ?? (s.egress ? ["Ingress", "Egress"] : ["Ingress"]);
    if (!selectsAll || !types.includes(direction)) return false;
    const rules: Json[] = direction === "Ingress" ? (s.ingress ?? []) : (s.egress ?? []);
    // Default-deny means no rule admits everything: `- {}` would allow all traffic.
    return !rules.some((r) => r && Object.keys(r).length === 0);
}

export const networkRules: PlatformRule[] = [
    resourceRule({
        name: "net-no-public-service",
        area: "network",
        description: "Services are not exposed as NodePort or public LoadBalancer, and set no externalIPs, unless allow-listed.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Use ClusterIP behind an Ingress (WebIngress), annotate the LoadBalancer internal, or list it in allowedServices (namespace/name).",
        defaults: { allowedServices: [] as string[] },
        knobs: { allowedServices: "namespace/name of Services allowed to be public" },
        appliesTo: (t) => isKind(t, ["Service"]),
        check: (o: K8sObject, cfg) => {
            if (cfg.allowedServices.includes(`${k8sNamespaceOf(o)}/${o.metadata?.name}`)) return [];
            const out: string[] = [];
            const type = o.spec?.type ?? "ClusterIP";
            const ann = o.metadata?.annotations ?? {};
            const internal = Object.entries(INTERNAL_LB_ANNOTATIONS).some(([k, v]) => ann[k] === v);
            if (type === "NodePort") out.push("is a NodePort Service (opens a port on every node)");
            if (type === "LoadBalancer" && !internal) out.push("is a public LoadBalancer Service (annotate it internal or route through an Ingress)");
            if (Array.isArray(o.spec?.externalIPs) && o.spec.externalIPs.length) out.push(`sets externalIPs ${o.spec.externalIPs.join(", ")}`);
            return out;
        },
    }),
    resourceRule({
        name: "net-ingress-tls",
        area: "network",
        description: "Ingresses terminate TLS for every host they route, and every rule names a host.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Add spec.tls with the hosts and a cert-manager issued secret (WebIngress does).",
        appliesTo: (t) => isKind(t, ["Ingress"]),
        check: (o: K8sObject) => {
            const out: string[] = [];
            const tlsHosts = new Set<string>((o.spec?.tls ?? []).flatMap((t: Json) => t?.hosts ?? []));
            if ((o.spec?.tls ?? []).length === 0) out.push("has no tls section; traffic is served in clear text");
            for (const r of o.spec?.rules ?? []) {
                if (!r?.host) out.push("has a rule without host (catches every hostname)");
                else if (tlsHosts.size && !tlsHosts.has(r.host)) out.push(`host ${r.host} is not covered by spec.tls`);
            }
            if (o.spec?.defaultBackend) out.push("sets a defaultBackend, reachable for any hostname");
            return out;
        },
    }),
    resourceRule({
        name: "net-selector-match",
        area: "network",
        description: "A workload's selector matches its own pod template labels.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Make spec.selector.matchLabels a subset of spec.template.metadata.labels.",
        appliesTo: (t) => isKind(t, ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]),
        check: (o: K8sObject) => {
            const tpl = podTemplate(o);
            if (!tpl) return [];
            if (!o.spec?.selector) return ["has no spec.selector"];
            return selectorMatches(o.spec.selector, tpl.labels) ? [] : ["spec.selector does not match spec.template.metadata.labels"];
        },
    }),
    stackRule({
        name: "net-default-deny",
        area: "network",
        description: "Every namespace with workloads has a default-deny NetworkPolicy (podSelector {}, Ingress and, with requireEgress, Egress).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Create the namespace with PlatformNamespace (default-deny + DNS egress).",
        defaults: { requireEgress: true, systemNamespaces: SYSTEM_NAMESPACES },
        knobs: { requireEgress: "the default-deny must also cover Egress", systemNamespaces: "namespaces of cluster add-ons, not judged" },
        check: (items, cfg) => {
            const k = k8sItems(items);
            const ws = workloads(k).filter((w) => !cfg.systemNamespaces.includes(k8sNamespaceOf(w.obj)));
            if (ws.length === 0) return undefined;
            const out: StackViolation[] = [];
            const namespaces = [...new Set(ws.map((w) => k8sNamespaceOf(w.obj)))].sort();
            // Per namespace: its NetworkPolicies, its Namespace object and its first workload (one pass each, not one per namespace).
            const policiesByNs = groupBy(k, (i) => (i.obj.kind === "NetworkPolicy" ? k8sNamespaceOf(i.obj) : undefined));
            const firstOf = (list: K8sItem[], key: (i: K8sItem) => unknown) => {
                const m = new Map<unknown, K8sItem>();
                for (const i of list) if (!m.has(key(i))) m.set(key(i), i);
                return m;
            };
            const namespaceObjects = firstOf(
                k.filter((i) => i.obj.kind === "Namespace"),
                (i) => i.obj.metadata?.name,
            );
            const firstWorkload = firstOf(ws, (w) => k8sNamespaceOf(w.obj));
            for (const ns of namespaces) {
                const nps = policiesByNs.get(ns) ?? [];
                const urn = namespaceObjects.get(ns)?.urn ?? firstWorkload.get(ns)!.urn;
                if (!nps.some((n) => isDefaultDeny(n.obj, "Ingress"))) out.push({ message: `Namespace ${ns}: no default-deny ingress NetworkPolicy`, urn });
                if (cfg.requireEgress && !nps.some((n) => isDefaultDeny(n.obj, "Egress")))
                    out.push({ message: `Namespace ${ns}: no default-deny egress NetworkPolicy`, urn });
            }
            return out;
        },
    }),
    stackRule({
        name: "net-policy-coverage",
        area: "network",
        description: "Every workload's pods are selected by a NetworkPolicy in their namespace other than the default-deny (an explicit allow-list).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Declare the workload's allowed peers (AgentService `allowFrom`) so it gets its own NetworkPolicy.",
        defaults: { systemNamespaces: SYSTEM_NAMESPACES },
        knobs: { systemNamespaces: "namespaces of cluster add-ons, not judged" },
        check: (items, cfg) => {
            const k = k8sItems(items);
            const ws = workloads(k).filter((w) => !cfg.systemNamespaces.includes(k8sNamespaceOf(w.obj)));
            if (ws.length === 0) return undefined;
            const out: StackViolation[] = [];
            // The NetworkPolicies of the workload's namespace whose podSelector may select its pods (the rest cannot).
            const policies = new LabelPairIndex<K8sItem>();
            for (const i of k) if (i.obj.kind === "NetworkPolicy") policies.addSelector(k8sNamespaceOf(i.obj), i.obj.spec?.podSelector?.matchLabels, i);
            for (const w of ws) {
                const labels = podTemplate(w.obj)!.labels;
                const ns = k8sNamespaceOf(w.obj);
                const covered = policies
                    .selecting(ns, labels)
                    .some(
                        (i) =>
                            !isDefaultDeny(i.obj, "Ingress") &&
                            !isDefaultDeny(i.obj, "Egress") &&
                            Object.keys(i.obj.spec?.podSelector?.matchLabels ?? {}).length + (i.obj.spec?.podSelector?.matchExpressions ?? []).length > 0 &&
                            selectorMatches(i.obj.spec?.podSelector, labels),
                    );
                if (!covered) out.push({ message: `${who(w.obj)}: no NetworkPolicy names its pods (only namespace-wide policies apply)`, urn: w.urn });
            }
            return out;
        },
    }),
    stackRule({
        name: "net-dangling-refs",
        area: "network",
        description:
            "Service selectors select pods of a workload in the stack, and Ingress backends name Services in the stack and a port those Services expose.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Fix the Service selector / Ingress backend name and port so it points at an existing workload / Service port (by number or name).",
        check: (items) => {
            const k = k8sItems(items);
            const services = k.filter((i) => i.obj.kind === "Service");
            const ingresses = k.filter((i) => i.obj.kind === "Ingress");
            if (services.length + ingresses.length === 0) return undefined;
            const ws = workloads(k);
            // Workloads by namespace and pod label pair: a selector can only select those carrying each of its pairs.
            const byLabels = new LabelPairIndex<K8sItem>();
            for (const w of ws) byLabels.addLabels(k8sNamespaceOf(w.obj), podTemplate(w.obj)!.labels, w);
            const out: StackViolation[] = [];
            for (const s of services) {
                const sel = s.obj.spec?.selector;
                if (!sel || Object.keys(sel).length === 0 || s.obj.spec?.type === "ExternalName") continue;
                const ns = k8sNamespaceOf(s.obj);
                if (!byLabels.withPairs(ns, sel).some((w) => mapSelectorMatches(sel, podTemplate(w.obj)!.labels))) {
                    out.push({ message: `${who(s.obj)}: selector ${JSON.stringify(sel)} matches no workload's pods`, urn: s.urn });
                }
            }
            // The first Service of each namespace and name (what a scan in stack order finds).
            const serviceNamed = new Map<unknown, Map<unknown, K8sItem>>();
            for (const s of services) {
                const ns = k8sNamespaceOf(s.obj);
                if (!serviceNamed.has(ns)) serviceNamed.set(ns, new Map());
                const named = serviceNamed.get(ns)!;
                if (!named.has(s.obj.metadata?.name)) named.set(s.obj.metadata?.name, s);
            }
            for (const ing of ingresses) {
                const ns = k8sNamespaceOf(ing.obj);
                const backends: Json[] = [
                    ...(ing.obj.spec?.defaultBackend ? [ing.obj.spec.defaultBackend] : []),
                    ...(ing.obj.spec?.rules ?? []).flatMap((r: Json) => (r?.http?.paths ?? []).map((p: Json) => p?.backend)),
                ];
                for (const b of backends) {
                    const name = b?.service?.name;
                    if (!name) continue;
                    const svc = serviceNamed.get(ns)?.get(name);
                    if (!svc) {
                        out.push({ message: `${who(ing.obj)}: backend Service ${name} is not in the stack`, urn: ing.urn });
                        continue;
                    }
                    const port = b.service.port ?? {};
                    const wanted = port.number ?? port.name;
                    const ports: Json[] = svc.obj.spec?.ports ?? [];
                    const exposed =
                        port.number !== undefined
                            ? ports.some((p) => Number(p?.port) === Number(port.number))
                            : port.name !== undefined
                              ? ports.some((p) => p?.name === port.name)
                              : true;
                    if (!exposed) {
                        out.push({
                            message: `${who(ing.obj)}: backend Service ${name} port ${wanted} is not a port of the Service (it exposes ${ports.map((p) => (p?.name ? `${p.name}/${p.port}` : String(p?.port))).join(", ") || "none"})`,
                            urn: ing.urn,
                        });
                    }
                }
            }
            return out;
        },
    }),
];
