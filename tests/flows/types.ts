/**
 * The shape of the connectivity matrix: one list of network flows, read by both tiers.
 *
 * * the static tier (`npm run netmatrix`) evaluates every flow against the rendered dev and prod
 *   NetworkPolicies with cyclonus;
 * * the real-pods e2e tier tries every dev flow from inside the source pod.
 *
 * A flow goes from a pod to a pod (optionally through a Service) or to an address outside the
 * cluster's pod network, on one port and protocol, and is either intended (`allow`) or must be
 * refused (`deny`). Each flow cites the seed lines it comes from.
 */

/** The stacks whose renders are evaluated. */
export type StackName = "dev" | "prod";
export const STACKS: readonly StackName[] = ["dev", "prod"];

/** The system a flow belongs to (its seed), or `platform` for cluster-wide flows. */
export type SystemId = "terminal-mid" | "inquisitor" | "claude-code" | "production-agents" | "ushadow" | "platform";

/** Seed document per system (the file /work/shared/seeds/<id>_*.txt) and its length in lines. */
export const SEEDS: Record<"000" | "001" | "002" | "003" | "004", { system: SystemId; lines: number }> = {
    "000": { system: "terminal-mid", lines: 663 },
    "001": { system: "inquisitor", lines: 570 },
    "002": { system: "claude-code", lines: 698 },
    "003": { system: "production-agents", lines: 590 },
    "004": { system: "ushadow", lines: 342 },
};

export type Labels = Record<string, string>;
export type Protocol = "TCP" | "UDP";

/** A pod: its namespace and labels that pick it (a subset of the pod's labels). */
export interface PodRef {
    namespace: string;
    podLabels: Labels;
    /** Display name (the workload's name, or the platform pod's role). */
    name: string;
}

/**
 * A destination pod. `service`, when given, is a Service in `namespace` that selects this pod and
 * has a port whose targetPort is the flow's port (the e2e tier connects through it; the
 * NetworkPolicy sees the pod's port either way).
 */
export interface PodTarget extends PodRef {
    service?: string;
}

/**
 * A destination outside the pod network: `internet` is any public address (the LLM and
 * ServiceNow APIs, S3); `kube-api` is the Kubernetes API server's endpoint as pods reach it;
 * `nodes` are the nodes' kubelets; `private-network` is a private address outside the cluster's
 * network (another VPC, an office network) that no allowance meant for the cluster may open.
 */
export interface ExternalTarget {
    external: "internet" | "kube-api" | "nodes" | "private-network";
}

export type FlowTarget = PodTarget | ExternalTarget;

export function isExternal(t: FlowTarget): t is ExternalTarget {
    return "external" in t;
}

export type Expectation = "allow" | "deny";

export interface Flow {
    /** Stable and unique: `<ns>/<from> -> <ns>/<to>:<port>/<protocol>` (known violations refer to it). */
    id: string;
    system: SystemId;
    from: PodRef;
    to: FlowTarget;
    /** The destination pod's port (what a NetworkPolicy matches), not a Service port. */
    port: number;
    protocol: Protocol;
    expect: Expectation;
    /** `<seed>:<line>` or `<seed>:<first>-<last>`, e.g. `002:291-300`. */
    seed: string;
    /** Why the seed lines make this flow intended or forbidden. */
    why: string;
    /** A repository file backing the flow besides the seed, `path:line` (e.g. the ushadow compose file). */
    ref?: string;
    /** The issue that asked for this flow, when an issue (not only the seed) did. */
    issue?: number;
    /** The stacks whose render has both ends of this flow. */
    stacks: readonly StackName[];
}

/**
 * A flow that a stack's render gets wrong today, and the issue that will fix it. The static tier
 * fails on a wrong verdict that is not listed here, and on a listed one that has become right
 * (so the list only shrinks as fixes land).
 */
export interface KnownViolation {
    flow: string;
    stack: StackName;
    issue: number;
    note: string;
}
