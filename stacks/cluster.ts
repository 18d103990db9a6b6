import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import type { EksCluster, AddonReadiness } from "agent-platform/aws";
import { existingNetworkPolicyEnforcement, NetworkPolicyEnforcement, toEksClusterArgs } from "agent-platform/config";
import { PlatformConfig } from "./config";

/**
 * The EKS part of the package (`agent-platform/aws`, which loads `@pulumi/aws`: about a quarter
 * of the program's module loading), required only by a stack that provisions EKS or has add-ons
 * to wait for. A stack on an existing cluster never loads it.
 */
function eksPart(): typeof import("agent-platform/aws") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("agent-platform/aws") as typeof import("agent-platform/aws");
}

/**
 * `dependOnAddons` of `agent-platform/aws`: objects needing a platform add-on wait for it. With no
 * add-on to wait for (an existing cluster, or add-ons that are external) it changes nothing, so
 * the EKS part is not loaded for it.
 */
export function dependOnAddons(ready: AddonReadiness): pulumi.ResourceTransformation {
    if (Object.keys(ready).length === 0) return () => undefined;
    return eksPart().dependOnAddons(ready);
}

export interface ClusterTarget {
    /** The provider every Kubernetes resource of the systems uses. */
    provider: k8s.Provider;
    /** Stack outputs describing the cluster. */
    outputs: Record<string, pulumi.Input<unknown>>;
    /** Present when this stack provisions EKS. */
    eks?: EksCluster;
    /** What objects needing a platform add-on wait for (empty when the cluster's add-ons are external). */
    addons: AddonReadiness;
    /** Whether the cluster's CNI enforces NetworkPolicies. */
    networkPolicies: NetworkPolicyEnforcement;
}

/**
 * The cluster the systems deploy to. An explicit provider with stable inputs: changing the
 * ambient kubeconfig never silently retargets (or replaces) the workloads.
 */
export function clusterTarget(config: PlatformConfig, opts: pulumi.ComponentResourceOptions = {}): ClusterTarget {
    const cluster = config.cluster;
    if (cluster.provider === "existing") {
        const provider = new k8s.Provider("cluster", {
            ...(cluster.context ? { context: cluster.context } : {}),
            ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
            // The stack is the source of truth: `pulumi up` takes back the fields it declares
            // from a manual edit (`kubectl scale` leaves .spec.replicas owned by "kubectl", and
            // without force the apply fails with a field conflict instead of repairing the drift).
            // Fields the stack leaves to controllers (HPA-owned replicas) are never declared.
            enablePatchForce: true,
        });
        const networkPolicies = existingNetworkPolicyEnforcement(cluster);
        if (networkPolicies !== "enforced") {
            pulumi.log.warn(
                networkPolicies === "unknown"
                    ? "agent-platform:cluster.networkPolicies is not set: nothing says this cluster's CNI enforces the systems' NetworkPolicies (set it to enforced or not-enforced)"
                    : "agent-platform:cluster.networkPolicies is not-enforced: the systems' NetworkPolicies are accepted and ignored on this cluster",
            );
        }
        return {
            provider,
            addons: {},
            networkPolicies,
            outputs: {
                provider: "existing",
                context: cluster.context ?? "(current context)",
                networkPolicies,
                ...(cluster.apiServerCidrs ? { apiServerCidrs: cluster.apiServerCidrs } : {}),
            },
        };
    }
    const eks = new (eksPart().EksCluster)("eks", toEksClusterArgs(cluster, config.environment), opts);
    return {
        provider: eks.provider,
        eks,
        addons: eks.addons.ready,
        networkPolicies: eks.networkPolicyEnforcement,
        outputs: {
            provider: "eks",
            clusterName: eks.clusterName,
            endpoint: eks.endpoint,
            kubeconfig: eks.kubeconfig,
            oidcProviderArn: eks.oidcProviderArn,
            oidcIssuerUrl: eks.oidcIssuerUrl,
            nodeGroupNames: eks.nodeGroupNames,
            vpcCidr: eks.vpcCidr,
            apiServerCidrs: eks.apiServerCidrs,
            networkPolicies: eks.networkPolicyEnforcement,
            addons: eks.addons.installed,
            ...(eks.efsFileSystemId ? { efsFileSystemId: eks.efsFileSystemId } : {}),
        },
    };
}
