/** EksCluster's TypeScript-only state, kept off the class's properties (which are its schema outputs). */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EksCluster } from "./eks-cluster";
import type { ClusterAddons } from "./platform-addons";
import { ResolvedEksCluster } from "./resolved";

/**
 * What an EksCluster keeps for TypeScript callers only: its typed settings and resource objects.
 * They are getters, not properties, because a component's properties are its outputs in the
 * package schema (what Python, Go, .NET and YAML programs see), and those are plain values and
 * Outputs; an `aws.eks.Cluster` output would make every schema user load the AWS schema.
 */
export interface EksClusterHandles {
    settings: ResolvedEksCluster;
    baseName: string;
    partition: pulumi.Output<string>;
    cluster?: aws.eks.Cluster;
    nodeGroups?: Record<string, aws.eks.NodeGroup>;
    provider?: k8s.Provider;
    buckets?: Record<string, aws.s3.Bucket>;
    addons?: ClusterAddons;
}
export const handles = new WeakMap<EksCluster, EksClusterHandles>();

/** A handle set in the constructor; reading it earlier is a bug in this file. */
export function handle<K extends keyof EksClusterHandles>(owner: EksCluster, key: K): NonNullable<EksClusterHandles[K]> {
    const value = handles.get(owner)?.[key];
    if (value === undefined) throw new Error(`EksCluster: ${key} is read before it is created`);
    return value as NonNullable<EksClusterHandles[K]>;
}
