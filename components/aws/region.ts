/**
 * `cluster.region` made authoritative: every regional AWS child of the EksCluster is pinned to
 * it, whatever `aws:region` says.
 */
import * as pulumi from "@pulumi/pulumi";

/** AWS resource types without a region (IAM is global). */
const GLOBAL_AWS_TYPE_PREFIXES = ["aws:iam/"];

/**
 * Pins every regional `aws:` child resource to `region` (the per-resource `region` input of
 * @pulumi/aws v7), so `cluster.region` is authoritative whatever `aws:region` says.
 */
export function regionTransformation(region: string): pulumi.ResourceTransformation {
    return (t) => {
        if (!t.type.startsWith("aws:") || GLOBAL_AWS_TYPE_PREFIXES.some((p) => t.type.startsWith(p))) return undefined;
        return { props: { ...t.props, region }, opts: t.opts };
    };
}

/** `opts` with the region transformation appended when `region` is set. */
export function withRegion(opts: pulumi.ComponentResourceOptions | undefined, region: string | undefined): pulumi.ComponentResourceOptions {
    return { ...opts, transformations: [...(opts?.transformations ?? []), ...(region ? [regionTransformation(region)] : [])] };
}
