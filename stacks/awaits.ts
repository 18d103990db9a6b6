import * as pulumi from "@pulumi/pulumi";

export const SKIP_AWAIT_ANNOTATION = "pulumi.com/skipAwait";

/** True for the objects whose readiness needs a load balancer address. */
export function needsLoadBalancer(type: string, props: { spec?: { type?: unknown } } | undefined): boolean {
    return type === "kubernetes:networking.k8s.io/v1:Ingress" || (type === "kubernetes:core/v1:Service" && props?.spec?.type === "LoadBalancer");
}

/**
 * On a cluster that cannot provision load balancers (kind, kwok, bare metal without MetalLB),
 * Ingress and LoadBalancer Service status never gets an address, so Pulumi's await would time
 * out. This transformation (given to the systems, it reaches every child) marks just those
 * objects; Deployments, StatefulSets, PVCs and Services' endpoints are still awaited.
 */
export const skipLoadBalancerAwaits: pulumi.ResourceTransformation = (args) => {
    if (!needsLoadBalancer(args.type, args.props)) return undefined;
    const metadata = args.props.metadata ?? {};
    const annotations = pulumi.output(metadata.annotations ?? {}).apply((a: Record<string, string>) => ({ ...a, [SKIP_AWAIT_ANNOTATION]: "true" }));
    return { props: { ...args.props, metadata: { ...metadata, annotations } }, opts: args.opts };
};
