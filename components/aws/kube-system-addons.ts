/**
 * The kube-system add-ons the EksCluster deploys itself (cluster-autoscaler, metrics-server),
 * each with its own NetworkPolicy: nothing else reaches them, they reach only what they need.
 * Pure: the objects as data, registered by the component.
 */
import * as pulumi from "@pulumi/pulumi";
import { clusterAutoscalerManifests } from "./cluster-autoscaler";
import { KubeObject } from "./k8s-objects";
import { clusterAutoscalerNetworkPolicy, metricsServerNetworkPolicy } from "./kube-system-policies";
import { metricsServerManifests } from "./metrics-server";
import { ResolvedEksCluster } from "./resolved";

export interface KubeSystemAddonInputs {
    region: pulumi.Input<string>;
    /** The autoscaler's IRSA role (set when the autoscaler is enabled). */
    autoscalerRoleArn?: pulumi.Input<string>;
    vpcCidr: pulumi.Input<string>;
    serviceCidr: pulumi.Input<string>;
}

/** The enabled add-ons' manifests, then their NetworkPolicies. */
export function kubeSystemAddonObjects(
    s: Pick<ResolvedEksCluster, "clusterName" | "autoscaler" | "metricsServer" | "environment">,
    i: KubeSystemAddonInputs,
): KubeObject[] {
    const objects: KubeObject[] = [];
    if (s.autoscaler.enabled && i.autoscalerRoleArn) {
        objects.push(
            ...clusterAutoscalerManifests({
                clusterName: s.clusterName,
                region: i.region,
                image: s.autoscaler.image,
                maxNodes: s.autoscaler.maxNodes,
                expander: s.autoscaler.expander,
                scaleDownUnneededTime: s.autoscaler.scaleDownUnneededTime,
                roleArn: i.autoscalerRoleArn,
            }),
        );
    }
    if (s.metricsServer.enabled) {
        objects.push(...metricsServerManifests({ image: s.metricsServer.image, replicas: s.environment === "prod" ? 2 : 1 }));
    }
    const policyScope = { apiServerCidrs: [i.vpcCidr, i.serviceCidr], vpcCidr: i.vpcCidr };
    if (s.autoscaler.enabled) objects.push(clusterAutoscalerNetworkPolicy(policyScope));
    if (s.metricsServer.enabled) objects.push(metricsServerNetworkPolicy(policyScope));
    return objects;
}
