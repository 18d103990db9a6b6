/**
 * Availability: replicas, Raft quorum, singletons, HPA, PDB, spread, rollouts.
 *
 * One selector decides whether a workload is a singleton (label agent-platform.io/singleton:
 * "true", seed 000: "the ECC poller should stay at 1 replica") or replicated: every
 * min-replica/HPA/PDB/spread rule exempts singletons and avail-singleton holds them to one
 * replica, so a workload is never both.
 */
import { countedRule } from "../lib/counted";
import {
    intOrPercent,
    isKind,
    isRaft,
    LONG_RUNNING_KINDS,
    isSingleton,
    Json,
    K8sObject,
    k8sNamespaceOf,
    podTemplate,
    RAFT_LABEL,
    SCALABLE_KINDS,
    selectorMatches,
    SINGLETON_LABEL,
    SYSTEM_NAMESPACES,
} from "../lib/k8s";
import { knobChecks } from "../lib/config";
import { podRule } from "../lib/pod";
import { groupBy, k8sItems, PlatformRule, resourceRule, StackItem, stackRule, StackViolation } from "../lib/rule";

type K8sItem = StackItem & { obj: K8sObject };

/** Raft tolerates f failures with 2f+1 members. */
export function raftFaultTolerance(replicas: number): number {
    return Math.floor((replicas - 1) / 2);
}

const HOSTNAME = "kubernetes.io/hostname";
/** Rollout strategies the API knows (apps/v1). */
const DEPLOYMENT_STRATEGIES = ["RollingUpdate", "Recreate"];
const SET_UPDATE_STRATEGIES = ["RollingUpdate", "OnDelete"];
const ZONE = "topology.kubernetes.io/zone";

/** Whether a pod-affinity term's namespaces can include the pod's own namespace. */
function termCoversNamespace(term: Json, ns: string): boolean {
    const names: string[] = Array.isArray(term?.namespaces) ? term.namespaces : [];
    const nsSel = term?.namespaceSelector ?? undefined;
    // namespaces and namespaceSelector are ORed; with neither, the term means the pod's own namespace.
    if (names.length === 0 && nsSel === undefined) return true;
    if (names.includes(ns)) return true;
    if (nsSel === undefined) return false;
    const byName = nsSel.matchLabels?.["kubernetes.io/metadata.name"];
    // Other namespace labels are not visible to a policy: assume they select the own namespace.
    return byName === undefined || byName === ns;
}

export interface SpreadAnalysis {
    /** Topology keys that really spread the workload's own replicas. */
    keys: Set<string>;
    /** Why a declared constraint or term never applies to the workload's own pods. */
    dead: string[];
}

/**
 * The topology keys that spread a workload's own replicas. A topology spread constraint counts
 * when its labelSelector selects the pod's own labels; an anti-affinity term also needs its
 * namespaces to include the pod's namespace. Terms that can never match are reported.
 */
export function analyzeSpread(pod: { spec: Json; labels: Record<string, string> }, ns: string): SpreadAnalysis {
    const keys = new Set<string>();
    const dead: string[] = [];
    for (const t of pod.spec?.topologySpreadConstraints ?? []) {
        if (!t?.topologyKey) continue;
        if (selectorMatches(t.labelSelector, pod.labels)) keys.add(t.topologyKey);
        else dead.push(`topologySpreadConstraint on ${t.topologyKey} does not select its own pods (labelSelector ${JSON.stringify(t.labelSelector ?? null)})`);
    }
    const anti = pod.spec?.affinity?.podAntiAffinity;
    const terms: Json[] = [
        ...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w: Json) => w?.podAffinityTerm),
    ];
    for (const t of terms) {
        if (!t?.topologyKey) continue;
        if (!termCoversNamespace(t, ns)) {
            dead.push(
                `podAntiAffinity term on ${t.topologyKey} lists namespaces [${(t.namespaces ?? []).join(", ")}]${t.namespaceSelector ? ` / namespaceSelector ${JSON.stringify(t.namespaceSelector)}` : ""} without its own namespace ${ns}; it never matches its own replicas`,
            );
        } else if (!selectorMatches(t.labelSelector, pod.labels)) {
            dead.push(`podAntiAffinity term on ${t.topologyKey} does not select its own pods (labelSelector ${JSON.stringify(t.labelSelector ?? null)})`);
        } else keys.add(t.topologyKey);
    }
    return { keys, dead };
}

/**
 * HPAs by target and PDBs by namespace and first selector label, built once per input list, so
 * the per-workload lookups below stay linear in the number of objects (a scan of every object
 * per workload was quadratic).
 */
interface ScalingIndex {
    hpas: Map<string, K8sItem>;
    pdbs: Map<string, { at: number; pdb: K8sItem }[]>;
}
const scalingIndexes = new WeakMap<K8sItem[], ScalingIndex>();
const targetKey = (ns: string | undefined, kind: unknown, name: unknown) => JSON.stringify([ns ?? "", kind, name]);
/** A PDB is filed under its first matchLabels pair; selectors without one go under the namespace alone. */
const pdbKey = (ns: string | undefined, label?: [string, string]) => JSON.stringify([ns ?? "", ...(label ?? [])]);

function scalingIndex(items: K8sItem[]): ScalingIndex {
    const cached = scalingIndexes.get(items);
    if (cached) return cached;
    const index: ScalingIndex = { hpas: new Map(), pdbs: new Map() };
    items.forEach((i, at) => {
        const ns = k8sNamespaceOf(i.obj);
        if (i.obj.kind === "HorizontalPodAutoscaler") {
            const key = targetKey(ns, i.obj.spec?.scaleTargetRef?.kind, i.obj.spec?.scaleTargetRef?.name);
            if (!index.hpas.has(key)) index.hpas.set(key, i);
        } else if (i.obj.kind === "PodDisruptionBudget") {
            const first = Object.entries(i.obj.spec?.selector?.matchLabels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))[0] as
                [string, string] | undefined;
            const key = pdbKey(ns, first);
            const bucket = index.pdbs.get(key) ?? [];
            bucket.push({ at, pdb: i });
            index.pdbs.set(key, bucket);
        }
    });
    scalingIndexes.set(items, index);
    return index;
}

/** The HPA that targets a workload, if any. */
function hpaFor(workload: K8sItem, items: K8sItem[]): K8sItem | undefined {
    return scalingIndex(items).hpas.get(targetKey(k8sNamespaceOf(workload.obj), workload.obj.kind, workload.obj.metadata?.name));
}

/** PDBs whose selector selects the workload's pods, in input order. */
function pdbsFor(workload: K8sItem, items: K8sItem[]): K8sItem[] {
    const tpl = podTemplate(workload.obj);
    if (!tpl) return [];
    const ns = k8sNamespaceOf(workload.obj);
    const { pdbs } = scalingIndex(items);
    const candidates = [pdbKey(ns), ...Object.entries(tpl.labels ?? {}).map((l) => pdbKey(ns, l as [string, string]))].flatMap((k) => pdbs.get(k) ?? []);
    return candidates
        .filter((c) => selectorMatches(c.pdb.obj.spec?.selector, tpl.labels))
        .sort((a, b) => a.at - b.at)
        .map((c) => c.pdb);
}

/** How many pods a PDB lets the eviction API take down when `replicas` are healthy. */
export function allowedDisruptions(pdbSpec: Json, replicas: number): number {
    if (pdbSpec?.maxUnavailable !== undefined) return intOrPercent(pdbSpec.maxUnavailable, replicas) ?? 0;
    if (pdbSpec?.minAvailable !== undefined) return replicas - (intOrPercent(pdbSpec.minAvailable, replicas) ?? replicas);
    return 0;
}

function scalableWorkloads(items: K8sItem[]): K8sItem[] {
    return items.filter((i) => isKind(i.type, SCALABLE_KINDS));
}

/** Expected healthy replica count: static replicas, else the HPA minimum, else 1 (the API default). */
function expectedReplicas(w: K8sItem, items: K8sItem[]): number {
    if (typeof w.obj.spec?.replicas === "number") return w.obj.spec.replicas;
    const hpa = hpaFor(w, items);
    return typeof hpa?.obj.spec?.minReplicas === "number" ? hpa.obj.spec.minReplicas : 1;
}

export const availabilityRules: PlatformRule[] = [
    resourceRule({
        name: "avail-min-replicas",
        area: "availability",
        description: "Replicated workloads with a static replica count run at least minReplicas (singletons are exempt; HPA-owned workloads set no replicas).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: `Raise spec.replicas, let an HPA own the count (remove spec.replicas), or mark a poller ${SINGLETON_LABEL}: "true".`,
        defaults: { minReplicas: 2 },
        knobs: { minReplicas: "minimum static replica count for non-singleton Deployments/StatefulSets" },
        checks: { minReplicas: knobChecks.atLeast(1) },
        appliesTo: (t) => isKind(t, SCALABLE_KINDS),
        check: (o: K8sObject, cfg) => {
            if (isSingleton(o)) return [];
            const r = o.spec?.replicas;
            return typeof r === "number" && r < cfg.minReplicas ? [`runs ${r} replica(s), fewer than ${cfg.minReplicas}`] : [];
        },
    }),
    resourceRule({
        name: "avail-raft-quorum",
        area: "availability",
        description: `Raft groups (${RAFT_LABEL}: "true") are StatefulSets with odd replicas >= 3 (2f+1), per-replica volumeClaimTemplates and members spread across nodes (seed 001).`,
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Use RaftCluster: it validates replicas, adds volumeClaimTemplates and hostname spread.",
        appliesTo: (t) => isKind(t, ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]),
        check: (o: K8sObject) => {
            if (!isRaft(o)) return [];
            if (o.kind !== "StatefulSet") return [`is labelled ${RAFT_LABEL} but is a ${o.kind}; Raft members need stable identities (StatefulSet)`];
            const out: string[] = [];
            const r = o.spec?.replicas;
            if (typeof r !== "number") out.push("sets no spec.replicas; a Raft group needs a fixed odd member count");
            else if (r < 3 || r % 2 === 0) out.push(`raft replicas must be odd and >= 3 (2f+1), got ${r}`);
            if (!Array.isArray(o.spec?.volumeClaimTemplates) || o.spec.volumeClaimTemplates.length === 0)
                out.push("has no volumeClaimTemplates; each member needs its own persistent log");
            const tpl = podTemplate(o);
            if (!tpl || !analyzeSpread(tpl, k8sNamespaceOf(o)).keys.has(HOSTNAME))
                out.push(`does not spread members across nodes (${HOSTNAME} anti-affinity or topology spread)`);
            return out;
        },
    }),
    stackRule({
        name: "avail-raft-pdb",
        area: "availability",
        description: "Each Raft StatefulSet is covered by a PDB that keeps quorum: maxUnavailable <= f (or minAvailable >= f+1).",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Create a PodDisruptionBudget with maxUnavailable = f = (replicas-1)/2 (RaftCluster does).",
        check: (items) => {
            const k = k8sItems(items);
            const rafts = k.filter((i) => i.obj.kind === "StatefulSet" && isRaft(i.obj));
            if (rafts.length === 0) return undefined;
            const out: StackViolation[] = [];
            for (const w of rafts) {
                const r = typeof w.obj.spec?.replicas === "number" ? w.obj.spec.replicas : 1;
                const f = raftFaultTolerance(r);
                const pdbs = pdbsFor(w, k);
                const who = `StatefulSet ${k8sNamespaceOf(w.obj)}/${w.obj.metadata?.name}`;
                if (pdbs.length === 0) {
                    out.push({ message: `${who}: Raft group has no PodDisruptionBudget (needs maxUnavailable <= ${f})`, urn: w.urn });
                    continue;
                }
                for (const p of pdbs) {
                    const allowed = allowedDisruptions(p.obj.spec, r);
                    if (allowed > f)
                        out.push({
                            message: `${who}: PodDisruptionBudget ${p.obj.metadata?.name} allows ${allowed} disruptions, more than f=${f} for ${r} members (quorum loss)`,
                            urn: p.urn,
                        });
                    if (allowed < 1 && f >= 1)
                        out.push({ message: `${who}: PodDisruptionBudget ${p.obj.metadata?.name} allows no disruption; node drains would block`, urn: p.urn });
                }
            }
            return out;
        },
    }),
    resourceRule({
        name: "avail-singleton",
        area: "availability",
        description: `Singletons (${SINGLETON_LABEL}: "true") run exactly 1 replica, and Deployments use strategy Recreate so two pollers never overlap (seed 000).`,
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Use SingletonWorker: replicas 1, strategy Recreate, no HPA.",
        appliesTo: (t) => isKind(t, ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"]),
        check: (o: K8sObject) => {
            if (!isSingleton(o)) return [];
            if (!SCALABLE_KINDS.includes(o.kind)) return [`is labelled ${SINGLETON_LABEL} but is a ${o.kind}; use a Deployment or StatefulSet`];
            const out: string[] = [];
            if (o.spec?.replicas !== 1) out.push(`singleton must set replicas: 1, got ${o.spec?.replicas ?? "unset"}`);
            if (o.kind === "Deployment" && o.spec?.strategy?.type !== "Recreate")
                out.push(`singleton Deployment must use strategy Recreate, got ${o.spec?.strategy?.type ?? "RollingUpdate (default)"}`);
            return out;
        },
    }),
    stackRule({
        name: "avail-singleton-exempt",
        area: "availability",
        description: "No HPA targets a singleton, and no PDB blocks evicting it (its one pod must be drainable).",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Delete the HPA targeting the singleton; give its PDB maxUnavailable: 1 or remove it.",
        check: (items) => {
            const k = k8sItems(items);
            const singles = scalableWorkloads(k).filter((w) => isSingleton(w.obj));
            if (singles.length === 0) return undefined;
            const out: StackViolation[] = [];
            for (const w of singles) {
                const who = `${w.obj.kind} ${k8sNamespaceOf(w.obj)}/${w.obj.metadata?.name}`;
                const hpa = hpaFor(w, k);
                if (hpa) out.push({ message: `${who}: singleton is targeted by HorizontalPodAutoscaler ${hpa.obj.metadata?.name}`, urn: hpa.urn });
                for (const p of pdbsFor(w, k)) {
                    if (allowedDisruptions(p.obj.spec, 1) < 1)
                        out.push({
                            message: `${who}: PodDisruptionBudget ${p.obj.metadata?.name} allows no disruption of the singleton; node drains would block`,
                            urn: p.urn,
                        });
                }
            }
            return out;
        },
    }),
    stackRule({
        name: "avail-hpa-present",
        area: "availability",
        description: "Every replicated Deployment/StatefulSet (not singleton, not Raft) is targeted by an HPA (seed 003: HPA configured).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps:
            "Give the AgentService an `autoscaling` block, or exempt a workload that deliberately runs a fixed replica count (exemptions: [{name: namespace/name, reason}]).",
        defaults: { systemNamespaces: SYSTEM_NAMESPACES },
        knobs: { systemNamespaces: "namespaces of cluster add-ons, not judged" },
        check: (items, cfg) => {
            const k = k8sItems(items);
            const ws = scalableWorkloads(k).filter((w) => !isSingleton(w.obj) && !isRaft(w.obj) && !cfg.systemNamespaces.includes(k8sNamespaceOf(w.obj)));
            if (ws.length === 0) return undefined;
            return ws
                .filter((w) => !hpaFor(w, k))
                .map((w) => ({
                    message: `${w.obj.kind} ${k8sNamespaceOf(w.obj)}/${w.obj.metadata?.name}: no HorizontalPodAutoscaler targets this replicated workload`,
                    urn: w.urn,
                }));
        },
    }),
    resourceRule({
        name: "avail-hpa-sane",
        area: "availability",
        description: "HPAs keep minReplicas >= the floor, maxReplicas > minReplicas, and scale on at least one metric.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Set minReplicas >= 2, maxReplicas above it and a cpu/memory/pods metric (seed 002: worker HPA 5..100, cpu 70%, memory 80%).",
        defaults: { minReplicas: 2 },
        knobs: { minReplicas: "lowest allowed HPA minReplicas" },
        checks: { minReplicas: knobChecks.atLeast(1) },
        appliesTo: (t) => isKind(t, ["HorizontalPodAutoscaler"]),
        check: (o: K8sObject, cfg) => {
            const out: string[] = [];
            const min = o.spec?.minReplicas ?? 1;
            const max = o.spec?.maxReplicas;
            if (min < cfg.minReplicas) out.push(`minReplicas ${min} is below ${cfg.minReplicas}`);
            if (typeof max !== "number" || max <= min) out.push(`maxReplicas ${max ?? "unset"} must exceed minReplicas ${min}`);
            const hasMetric = (Array.isArray(o.spec?.metrics) && o.spec.metrics.length > 0) || o.spec?.targetCPUUtilizationPercentage !== undefined;
            if (!hasMetric) out.push("defines no metrics to scale on");
            if (!o.spec?.scaleTargetRef?.name) out.push("has no scaleTargetRef");
            return out;
        },
    }),
    stackRule({
        name: "avail-hpa-target",
        area: "availability",
        description: "Each HPA targets a workload in the stack, and that workload leaves spec.replicas unset so the HPA owns the count.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Point scaleTargetRef at an existing Deployment/StatefulSet and remove its static spec.replicas.",
        check: (items) => {
            const k = k8sItems(items);
            const hpas = k.filter((i) => i.obj.kind === "HorizontalPodAutoscaler");
            if (hpas.length === 0) return undefined;
            const out: StackViolation[] = [];
            const byId = groupBy(k, (w) => `${w.obj.kind}\0${w.obj.metadata?.name}\0${k8sNamespaceOf(w.obj)}`);
            for (const h of hpas) {
                const ref = h.obj.spec?.scaleTargetRef ?? {};
                const ns = k8sNamespaceOf(h.obj);
                const target = byId
                    .get(`${ref.kind}\0${ref.name}\0${ns}`)
                    ?.find((w) => w.obj.kind === ref.kind && w.obj.metadata?.name === ref.name && k8sNamespaceOf(w.obj) === ns);
                const who = `HorizontalPodAutoscaler ${ns}/${h.obj.metadata?.name}`;
                if (!target) out.push({ message: `${who}: targets ${ref.kind ?? "?"} ${ref.name ?? "?"}, which is not in the stack`, urn: h.urn });
                else if (target.obj.spec?.replicas !== undefined)
                    out.push({
                        message: `${who}: its target ${ref.kind} ${ref.name} also sets spec.replicas ${target.obj.spec.replicas}; every update would fight the HPA`,
                        urn: target.urn,
                    });
            }
            return out;
        },
    }),
    stackRule({
        name: "avail-pdb-present",
        area: "availability",
        description:
            "Every replicated Deployment/StatefulSet is covered by a PDB, and no PDB of a non-singleton workload blocks every drain (minAvailable equal to the replica count, the HPA minimum or a single replica).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Add a PodDisruptionBudget (AgentService does) with maxUnavailable: 1 or minAvailable below the replica count.",
        check: (items) => {
            const k = k8sItems(items);
            const ws = scalableWorkloads(k).filter((w) => !isSingleton(w.obj));
            if (ws.length === 0) return undefined;
            const out: StackViolation[] = [];
            for (const w of ws) {
                const replicas = expectedReplicas(w, k);
                const who = `${w.obj.kind} ${k8sNamespaceOf(w.obj)}/${w.obj.metadata?.name}`;
                const pdbs = pdbsFor(w, k);
                // An explicit single replica needs no PDB (nothing to keep available across a drain), but
                // one that keeps its only pod blocks every drain. An unset count means "HPA-owned" by the
                // platform's convention, so it needs a PDB too.
                const single = typeof w.obj.spec?.replicas === "number" && w.obj.spec.replicas < 2;
                if (pdbs.length === 0) {
                    if (!single) out.push({ message: `${who}: no PodDisruptionBudget selects its pods`, urn: w.urn });
                    continue;
                }
                if (pdbs.length > 1)
                    out.push({
                        message: `${who}: ${pdbs.length} PodDisruptionBudgets select its pods; the eviction API refuses pods with more than one`,
                        urn: w.urn,
                    });
                for (const p of pdbs) {
                    if (allowedDisruptions(p.obj.spec, replicas) < 1)
                        out.push({ message: `${who}: PodDisruptionBudget ${p.obj.metadata?.name} allows no disruption at ${replicas} replica(s)`, urn: p.urn });
                }
            }
            return out;
        },
    }),
    resourceRule({
        name: "avail-pdb-sane",
        area: "availability",
        description: "PDBs select pods and never forbid all voluntary disruptions (maxUnavailable 0, minAvailable 100%).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Use maxUnavailable: 1 (or f for Raft); set unhealthyPodEvictionPolicy: AlwaysAllow so crash-looping pods never block drains.",
        defaults: { requireAlwaysAllow: false },
        knobs: { requireAlwaysAllow: "require unhealthyPodEvictionPolicy: AlwaysAllow" },
        appliesTo: (t) => isKind(t, ["PodDisruptionBudget"]),
        check: (o: K8sObject, cfg) => {
            const out: string[] = [];
            const s = o.spec ?? {};
            if (s.maxUnavailable !== undefined && s.minAvailable !== undefined) out.push("sets both maxUnavailable and minAvailable");
            if (s.maxUnavailable !== undefined && (s.maxUnavailable === 0 || /^0+%?$/.test(String(s.maxUnavailable))))
                out.push("maxUnavailable 0 forbids every voluntary disruption (node drains hang)");
            if (s.minAvailable !== undefined && String(s.minAvailable) === "100%") out.push("minAvailable 100% forbids every voluntary disruption");
            if (s.maxUnavailable === undefined && s.minAvailable === undefined) out.push("sets neither maxUnavailable nor minAvailable");
            if (!s.selector) out.push("has no selector");
            if (cfg.requireAlwaysAllow && s.unhealthyPodEvictionPolicy !== "AlwaysAllow") out.push("does not set unhealthyPodEvictionPolicy: AlwaysAllow");
            return out;
        },
    }),
    podRule({
        name: "avail-spread",
        area: "availability",
        description: "Replicated workloads spread pods across nodes (and zones when requireZoneSpread) via topologySpreadConstraints or podAntiAffinity.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Add topologySpreadConstraints on kubernetes.io/hostname and topology.kubernetes.io/zone (components' topologySpread does).",
        kinds: SCALABLE_KINDS,
        defaults: { requireZoneSpread: false },
        knobs: { requireZoneSpread: `also require a ${ZONE} constraint` },
        check: (pod, o, cfg) => {
            if (isSingleton(o)) return [];
            if (typeof o.spec?.replicas === "number" && o.spec.replicas < 2) return [];
            const { keys, dead } = analyzeSpread(pod, k8sNamespaceOf(o));
            const out: string[] = [...dead];
            if (!keys.has(HOSTNAME)) out.push(`replicas are not spread across nodes (${HOSTNAME})`);
            if (cfg.requireZoneSpread && !keys.has(ZONE)) out.push(`replicas are not spread across zones (${ZONE})`);
            return out;
        },
    }),
    resourceRule({
        name: "avail-rolling-update",
        area: "availability",
        description:
            "Rollout strategies exist (Deployments RollingUpdate/Recreate, StatefulSets/DaemonSets RollingUpdate/OnDelete), and replicated workloads roll out gradually: RollingUpdate with maxUnavailable below the replica count, never OnDelete.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Use RollingUpdate with maxSurge 1 / maxUnavailable 0 (AgentService default); only singletons use Recreate.",
        appliesTo: (t) => isKind(t, ["Deployment", "StatefulSet", "DaemonSet"]),
        check: (o: K8sObject) => {
            // A type the API does not know is rejected by the API server (or ignored by older ones): singletons included.
            if (o.kind === "Deployment" && o.spec?.strategy?.type !== undefined && !DEPLOYMENT_STRATEGIES.includes(o.spec.strategy.type)) {
                return [`strategy type ${o.spec.strategy.type} does not exist (${DEPLOYMENT_STRATEGIES.join(" or ")})`];
            }
            if (o.kind !== "Deployment" && o.spec?.updateStrategy?.type !== undefined && !SET_UPDATE_STRATEGIES.includes(o.spec.updateStrategy.type)) {
                return [`updateStrategy type ${o.spec.updateStrategy.type} does not exist (${SET_UPDATE_STRATEGIES.join(" or ")})`];
            }
            if (isSingleton(o)) return [];
            if (o.kind === "Deployment") {
                const s = o.spec?.strategy ?? {};
                if (s.type === "Recreate") return ["uses strategy Recreate; every rollout takes the whole service down"];
                const replicas = typeof o.spec?.replicas === "number" ? o.spec.replicas : 2;
                const mu = intOrPercent(s.rollingUpdate?.maxUnavailable, replicas, true);
                if (mu !== undefined && mu >= replicas)
                    return [`rollingUpdate.maxUnavailable ${s.rollingUpdate.maxUnavailable} takes every replica down at once`];
                return [];
            }
            return o.spec?.updateStrategy?.type === "OnDelete" ? ["uses updateStrategy OnDelete; changes never roll out by themselves"] : [];
        },
    }),
    countedRule({
        name: "avail-priority-class",
        area: "availability",
        description: "Long-running pods set a priorityClassName so the scheduler knows what to preempt first. Reported once per stack, with a count.",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps:
            "Create PriorityClasses for the tiers (e.g. data stores above stateless APIs above batch) and set spec.priorityClassName on each workload's pod template.",
        kinds: LONG_RUNNING_KINDS,
        finding: "long-running workloads set no priorityClassName, so the scheduler preempts them in no particular order",
        check: (o) => (podTemplate(o) && !podTemplate(o)!.spec.priorityClassName ? ["no priorityClassName"] : []),
    }),
    resourceRule({
        name: "avail-no-naked-pods",
        area: "availability",
        description:
            "No bare Pods: a controller (Deployment, StatefulSet, Job...) must own every pod (ownerReferences with controller: true) so it is recreated.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Wrap the pod in a Deployment (long-running) or Job (run-to-completion).",
        appliesTo: (t) => isKind(t, ["Pod"]),
        check: (o: K8sObject) =>
            (o.metadata?.ownerReferences ?? []).some((r) => r?.controller === true)
                ? []
                : ["is a bare Pod (no controller ownerReference); nothing recreates it after a node failure"],
    }),
];
