/** Hygiene: namespaces, labels, runbooks, API versions, env, Jobs, Pod Security Admission labels. */
import { countedRule } from "../lib/counted";
import { allContainers, CLUSTER_SCOPED_KINDS, isKind, K8sObject, kindOf, MANAGED_BY_LABEL, NAME_LABEL, parseK8sType, PART_OF_LABEL } from "../lib/k8s";
import { knobChecks } from "../lib/config";
import { podRule } from "../lib/pod";
import { PlatformRule, resourceRule } from "../lib/rule";

/** Annotation holding a workload's runbook URL (proxy for seed 003 "runbooks created"). */
export const RUNBOOK_ANNOTATION = "agent-platform.io/runbook";

// apiVersions removed from Kubernetes (deprecation guide, through v1.32) plus PodSecurityPolicy.
export const REMOVED_APIS: { group: string; version: string; kinds?: string[]; replacement: string }[] = [
    { group: "extensions", version: "v1beta1", replacement: "apps/v1, networking.k8s.io/v1" },
    { group: "apps", version: "v1beta1", replacement: "apps/v1" },
    { group: "apps", version: "v1beta2", replacement: "apps/v1" },
    { group: "policy", version: "v1beta1", replacement: "policy/v1 (PodSecurityPolicy: Pod Security Admission)" },
    { group: "batch", version: "v1beta1", replacement: "batch/v1" },
    { group: "autoscaling", version: "v2beta1", replacement: "autoscaling/v2" },
    { group: "autoscaling", version: "v2beta2", replacement: "autoscaling/v2" },
    { group: "networking.k8s.io", version: "v1beta1", replacement: "networking.k8s.io/v1" },
    { group: "rbac.authorization.k8s.io", version: "v1beta1", replacement: "rbac.authorization.k8s.io/v1" },
    {
        group: "storage.k8s.io",
        version: "v1beta1",
        kinds: ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment", "CSIStorageCapacity"],
        replacement: "storage.k8s.io/v1",
    },
    { group: "flowcontrol.apiserver.k8s.io", version: "v1beta2", replacement: "flowcontrol.apiserver.k8s.io/v1" },
    { group: "flowcontrol.apiserver.k8s.io", version: "v1beta3", replacement: "flowcontrol.apiserver.k8s.io/v1" },
];

// Pod Security Admission levels, weakest first.
const PSA_LEVELS = ["privileged", "baseline", "restricted"];

export const hygieneRules: PlatformRule[] = [
    resourceRule({
        name: "hyg-namespace",
        area: "hygiene",
        description: "Namespaced objects name their namespace explicitly, and not a forbidden one such as `default`.",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Set metadata.namespace to the system's PlatformNamespace.",
        defaults: { forbiddenNamespaces: ["default", "kube-public", "kube-node-lease"] },
        knobs: { forbiddenNamespaces: "namespaces the platform never deploys into" },
        appliesTo: (t) => parseK8sType(t) !== undefined && !CLUSTER_SCOPED_KINDS.includes(kindOf(t)!) && !/List$/.test(kindOf(t)!),
        check: (o: K8sObject, cfg) => {
            const ns = o.metadata?.namespace;
            if (!ns) return ["sets no metadata.namespace (lands in the provider's default namespace)"];
            return cfg.forbiddenNamespaces.includes(ns) ? [`is deployed into namespace ${ns}`] : [];
        },
    }),
    podRule({
        name: "hyg-labels",
        area: "hygiene",
        description: `Pod templates carry the recommended labels (${NAME_LABEL}, ${PART_OF_LABEL}, ${MANAGED_BY_LABEL}: pulumi).`,
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Build labels with standardLabels(workload, { partOf: system }).",
        defaults: { requiredLabels: [NAME_LABEL, PART_OF_LABEL, MANAGED_BY_LABEL], managedBy: "pulumi" },
        knobs: { requiredLabels: "labels every pod template must carry", managedBy: `required value of ${MANAGED_BY_LABEL}` },
        check: (pod, _o, cfg) => {
            const out = cfg.requiredLabels.filter((l) => !pod.labels[l]).map((l) => `pod template lacks label ${l}`);
            const mb = pod.labels[MANAGED_BY_LABEL];
            if (mb !== undefined && cfg.managedBy && mb !== cfg.managedBy)
                out.push(`pod template label ${MANAGED_BY_LABEL} is ${mb}, expected ${cfg.managedBy}`);
            return out;
        },
    }),
    countedRule({
        name: "hyg-runbook-annotation",
        area: "hygiene",
        description: `Long-running workloads link their runbook (annotation ${RUNBOOK_ANNOTATION}: https URL) - proxy for seed 003 "runbooks created". Reported once per stack, with a count.`,
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: `Write a runbook per workload (symptoms, dashboards, restore steps) and annotate the workload ${RUNBOOK_ANNOTATION}: https://... pointing at it.`,
        kinds: ["Deployment", "StatefulSet", "DaemonSet"],
        finding: `workloads link no runbook (${RUNBOOK_ANNOTATION}: https URL)`,
        check: (o: K8sObject) => {
            const v = o.metadata?.annotations?.[RUNBOOK_ANNOTATION] ?? o.spec?.template?.metadata?.annotations?.[RUNBOOK_ANNOTATION];
            if (!v) return [`has no ${RUNBOOK_ANNOTATION} annotation`];
            return /^https:\/\/\S+$/.test(v) ? [] : [`${RUNBOOK_ANNOTATION} "${v}" is not an https URL`];
        },
    }),
    resourceRule({
        name: "hyg-deprecated-api",
        area: "hygiene",
        description:
            "No removed or deprecated API versions (PodSecurityPolicy, extensions/v1beta1, */v1beta1...): they fail on current clusters and block upgrades.",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps:
            "Move to the replacement API (e.g. apps/v1, policy/v1, autoscaling/v2); replace PodSecurityPolicy with Pod Security Admission labels.",
        appliesTo: (t) => parseK8sType(t) !== undefined,
        check: (_o, _c, ctx) => {
            const p = parseK8sType(ctx.type)!;
            if (p.kind === "PodSecurityPolicy") return ["PodSecurityPolicy was removed in Kubernetes 1.25; use Pod Security Admission namespace labels"];
            const hit = REMOVED_APIS.find((r) => r.group === p.group && r.version === p.version && (!r.kinds || r.kinds.includes(p.kind)));
            return hit ? [`uses removed API ${p.group}/${p.version}; use ${hit.replacement}`] : [];
        },
    }),
    podRule({
        name: "hyg-env-dup",
        area: "hygiene",
        description: "No container defines the same env var twice (the last silently wins).",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Remove the duplicate env entry.",
        check: (pod) =>
            allContainers(pod.spec).flatMap((r) => {
                const seen = new Set<string>();
                const dups = new Set<string>();
                for (const e of r.container.env ?? []) {
                    if (seen.has(e?.name)) dups.add(e.name);
                    seen.add(e?.name);
                }
                return [...dups].map((d) => `${r.label} defines env ${d} more than once`);
            }),
    }),
    resourceRule({
        name: "hyg-jobs",
        area: "hygiene",
        description:
            "Standalone Jobs clean up (ttlSecondsAfterFinished); CronJobs leave cleanup to their history limits (no TTL in the job template), have a startingDeadlineSeconds and do not run concurrently.",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps:
            "Set ttlSecondsAfterFinished on standalone Jobs; on CronJobs remove it from the jobTemplate, set successful/failedJobsHistoryLimit, startingDeadlineSeconds and concurrencyPolicy Forbid.",
        appliesTo: (t) => isKind(t, ["Job", "CronJob"]),
        check: (o: K8sObject) => {
            const out: string[] = [];
            if (o.kind === "Job") {
                if (o.spec?.ttlSecondsAfterFinished === undefined) out.push("sets no ttlSecondsAfterFinished; finished pods pile up");
                if (!["Never", "OnFailure"].includes(o.spec?.template?.spec?.restartPolicy)) out.push("pod restartPolicy must be Never or OnFailure");
            } else {
                // The CronJob controller prunes its Jobs by successful/failedJobsHistoryLimit; a TTL deletes
                // them (failed ones included) behind its back, before anyone can read why a run failed.
                if (o.spec?.jobTemplate?.spec?.ttlSecondsAfterFinished !== undefined)
                    out.push(
                        `jobTemplate sets ttlSecondsAfterFinished ${o.spec.jobTemplate.spec.ttlSecondsAfterFinished}; the CronJob's history limits already prune its Jobs, and the TTL deletes failed runs before they can be inspected`,
                    );
                if (o.spec?.startingDeadlineSeconds === undefined) out.push("sets no startingDeadlineSeconds; after 100 missed runs it stops scheduling");
                if ((o.spec?.concurrencyPolicy ?? "Allow") === "Allow") out.push("concurrencyPolicy Allow lets runs overlap");
                if (!["Never", "OnFailure"].includes(o.spec?.jobTemplate?.spec?.template?.spec?.restartPolicy))
                    out.push("pod restartPolicy must be Never or OnFailure");
            }
            return out;
        },
    }),
    resourceRule({
        name: "hyg-namespace-pss",
        area: "hygiene",
        description: "Namespaces enforce a Pod Security Admission level at least `level` (restricted in prod).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Label the namespace pod-security.kubernetes.io/enforce: restricted (PlatformNamespace does in prod).",
        defaults: { level: "baseline" },
        knobs: { level: "weakest acceptable pod-security.kubernetes.io/enforce level (privileged, baseline, restricted)" },
        checks: { level: knobChecks.oneOf(PSA_LEVELS) },
        appliesTo: (t) => isKind(t, ["Namespace"]),
        check: (o: K8sObject, cfg) => {
            const v = o.metadata?.labels?.["pod-security.kubernetes.io/enforce"];
            if (!v) return [`has no pod-security.kubernetes.io/enforce label (want ${cfg.level})`];
            return PSA_LEVELS.indexOf(v) < PSA_LEVELS.indexOf(cfg.level) ? [`enforces Pod Security level ${v}, weaker than ${cfg.level}`] : [];
        },
    }),
];
