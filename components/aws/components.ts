/**
 * The EKS part's components in the package schema (`pulumi package get-schema`, `pulumi package
 * add`): the package's main entry exposes these, loaded on first read (see ./lazy.ts and README).
 * `ClusterAddons` is not among them: it is `EksCluster`'s child, wired from the cluster's resolved
 * settings, provider and readiness resources, so it is TypeScript only (`agent-platform/aws`).
 */
export { EksCluster } from "./eks-cluster";
export { IrsaRole } from "./irsa";
