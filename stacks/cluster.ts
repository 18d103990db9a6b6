import * as k8s from "@pulumi/kubernetes";
import { PlatformConfig } from "../components/config";

/**
 * The Kubernetes provider every workload uses. An explicit provider with stable inputs:
 * changing the ambient kubeconfig never silently retargets (or replaces) the workloads.
 */
export function clusterProvider(config: PlatformConfig): k8s.Provider {
    const cluster = config.cluster;
    if (cluster.provider === "existing") {
        return new k8s.Provider("cluster", {
            ...(cluster.context ? { context: cluster.context } : {}),
            ...(cluster.kubeconfig ? { kubeconfig: cluster.kubeconfig } : {}),
        });
    }
    throw new Error("agent-platform:cluster.provider eks: the EksCluster component is not wired yet");
}
