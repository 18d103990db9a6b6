/**
 * Which Services `pulumi up` waits for.
 *
 * Pulumi's Kubernetes provider holds a Service that has a selector until its Endpoints have seen
 * no change for 10 s (a fixed settle timer in its await logic). Every such Service costs at least
 * 10 s and holds one of the engine's parallel steps meanwhile: in the dev stack 28 Services took
 * 8.8 s each and kept the Deployments queued behind them waiting (bench: Real deploy).
 *
 * The components await the workload behind each of their Services (the Deployment or StatefulSet
 * rollout, i.e. its pods Ready), and the policy pack's `net-dangling-refs` checks before `up` that
 * each selector matches a workload's pods, so the Service's own await tells nothing new: it is
 * skipped. A LoadBalancer Service keeps it, since its address is news (on clusters without load
 * balancers the stack skips that one too, stacks/awaits.ts).
 */
export const SKIP_AWAIT = "pulumi.com/skipAwait";

/** The metadata.annotations of a Service of `type` (default ClusterIP): the caller's plus the await skip. */
export function serviceAnnotations<V = string>(type: unknown, annotations?: Record<string, V>): Record<string, V | string> | undefined {
    return type === "LoadBalancer" ? annotations : { ...annotations, [SKIP_AWAIT]: "true" };
}
