/** Public API of the AWS (EKS) components. */
export * from "./types";
export * from "./defaults";
export { EksCluster } from "./eks-cluster";
export { regionTransformation } from "./region";
export { launchTemplateSpec, nodeGroupResourceOptions } from "./node-groups";
export { IrsaRole, IrsaRoleArgs } from "./irsa";
export { planSubnets, parseCidr, formatCidr, cidrSubnet, cidrContains, cidrOverlaps, SubnetPlan, ParsedCidr } from "./subnets";
export { validateEksClusterArgs, resolveEksClusterArgs, formatIssues } from "./validation";
export { ValidationIssue, NODE_GROUP_LABEL } from "./rules";
export { ResolvedEksCluster, ResolvedEfs, ResolvedNodeGroup, ResolvedVpc, ResolvedPlatformAddons, ResolvedBucket } from "./resolved";
export {
    serviceTrustPolicy,
    irsaTrustPolicy,
    oidcIssuerHostPath,
    clusterAutoscalerPolicy,
    s3AccessPolicy,
    veleroPolicy,
    secretsManagerReadPolicy,
    managedPolicyArn,
    PolicyDocument,
    PolicyStatement,
    IrsaTrustArgs,
} from "./iam-policies";
export { buildKubeconfig, getTokenArgs, KubeconfigArgs } from "./kubeconfig";
export {
    clusterAutoscalerArgs,
    clusterAutoscalerManifests,
    autoscalerDiscoveryTags,
    CLUSTER_AUTOSCALER_NAME,
    CLUSTER_AUTOSCALER_NAMESPACE,
} from "./cluster-autoscaler";
export { metricsServerArgs, metricsServerManifests, METRICS_SERVER_NAME, METRICS_SERVER_NAMESPACE } from "./metrics-server";
export { gp3StorageClass, efsStorageClass, EfsStorageClassArgs } from "./storage-class";
export { createEfs, efsFileSystemSpec, efsNfsIngressRule, EfsPlan, Efs } from "./efs";
export { subnetTags, natGatewayCount } from "./network";
export { KubeObject } from "./k8s-objects";
export {
    ClusterAddons,
    ClusterAddonsArgs,
    AddonKey,
    AddonReadiness,
    ADDON_KEYS,
    ADDON_API_GROUPS,
    addonsNeededBy,
    dependOnAddons,
    prometheusOperatorValues,
    vpaValues,
    veleroValues,
    istiodValues,
    ingressNginxValues,
    nlbAnnotations,
    acmeClusterIssuer,
    externalSecretsValues,
    secretsManagerStore,
} from "./platform-addons";
export { createCloudWatchObservability, containerInsightsLogGroups, CloudWatchObservabilityPlan, CLOUDWATCH_ADDON_NAME } from "./observability";
export { createEcr, ecrLifecyclePolicy, ecrRepositorySpec, EcrPlan, PULL_THROUGH_UPSTREAMS } from "./ecr";
export { createBucket, bucketLifecycleRules, tlsOnlyBucketPolicy, Bucket } from "./buckets";
export { clusterAutoscalerNetworkPolicy, metricsServerNetworkPolicy, KubeSystemPolicyArgs } from "./kube-system-policies";
