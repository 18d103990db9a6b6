/** Label conventions shared by every component (and mirrored by the policy pack). */

/** Marks a workload that must run exactly one replica (queue pollers, MID servers). */
export const SINGLETON_LABEL = "agent-platform.io/singleton";
/** Marks a StatefulSet that runs a Raft consensus group. */
export const RAFT_LABEL = "agent-platform.io/raft";
export const NAME_LABEL = "app.kubernetes.io/name";
export const PART_OF_LABEL = "app.kubernetes.io/part-of";
export const COMPONENT_LABEL = "app.kubernetes.io/component";
export const MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";

export type Labels = Record<string, string>;

/** The labels a Service or NetworkPolicy uses to select a workload's pods. Never changes for a workload. */
export function selectorLabels(workload: string): Labels {
    return { [NAME_LABEL]: workload };
}

/** Recommended `app.kubernetes.io/*` labels plus caller extras (extras cannot override the selector). */
export function standardLabels(workload: string, opts: { partOf?: string; component?: string; extra?: Labels } = {}): Labels {
    return {
        ...(opts.extra ?? {}),
        ...(opts.partOf ? { [PART_OF_LABEL]: opts.partOf } : {}),
        ...(opts.component ? { [COMPONENT_LABEL]: opts.component } : {}),
        [MANAGED_BY_LABEL]: "pulumi",
        ...selectorLabels(workload),
    };
}
