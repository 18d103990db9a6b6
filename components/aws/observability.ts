/**
 * Container logs and metrics on EKS: the `amazon-cloudwatch-observability` add-on (CloudWatch
 * agent + Fluent Bit) with its IRSA role, and the Container Insights log groups created first,
 * with our retention (the add-on would otherwise create them with "never expire").
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "./irsa";

/** The EKS add-on (EKS user guide, "Amazon CloudWatch Observability"). */
export const CLOUDWATCH_ADDON_NAME = "amazon-cloudwatch-observability";
/** Its namespace and service account (the IRSA role is bound to them). */
export const CLOUDWATCH_NAMESPACE = "amazon-cloudwatch";
export const CLOUDWATCH_SERVICE_ACCOUNT = "cloudwatch-agent";
/** The managed policy the agent needs (CloudWatch Container Insights docs). */
export const CLOUDWATCH_AGENT_POLICY = "CloudWatchAgentServerPolicy";
/** Container Insights log group kinds Fluent Bit writes to. */
export const CONTAINER_INSIGHTS_LOG_KINDS = ["application", "dataplane", "host", "performance"] as const;

/** `/aws/containerinsights/<cluster>/<kind>` for every kind, sorted (pure). */
export function containerInsightsLogGroups(clusterName: string): string[] {
    return CONTAINER_INSIGHTS_LOG_KINDS.map((k) => `/aws/containerinsights/${clusterName}/${k}`);
}

export interface CloudWatchObservabilityPlan {
    clusterName: string;
    /** The EKS cluster's name output (the add-on waits for the cluster). */
    eksClusterName: pulumi.Input<string>;
    retentionDays: number;
    version?: string;
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuerUrl: pulumi.Input<string>;
    /** ARN of CloudWatchAgentServerPolicy in the cluster's partition. */
    agentPolicyArn: pulumi.Input<string>;
    /** The add-on runs agents on nodes: it waits for them. */
    nodesReady: pulumi.Resource[];
    tags: Record<string, string>;
}

export interface CloudWatchObservability {
    addon: aws.eks.Addon;
    logGroups: aws.cloudwatch.LogGroup[];
    roleArn: pulumi.Output<string>;
}

/** Creates the log groups, the IRSA role and the add-on under `parent` (names prefixed with `name`). */
export function createCloudWatchObservability(name: string, a: CloudWatchObservabilityPlan, parent: pulumi.Resource): CloudWatchObservability {
    const logGroups = CONTAINER_INSIGHTS_LOG_KINDS.map(
        (kind) =>
            new aws.cloudwatch.LogGroup(
                `${name}-containerinsights-${kind}`,
                { name: `/aws/containerinsights/${a.clusterName}/${kind}`, retentionInDays: a.retentionDays, tags: a.tags },
                { parent },
            ),
    );
    const role = new IrsaRole(
        `${name}-cloudwatch-agent`,
        {
            oidcProviderArn: a.oidcProviderArn,
            oidcIssuerUrl: a.oidcIssuerUrl,
            namespace: CLOUDWATCH_NAMESPACE,
            serviceAccount: CLOUDWATCH_SERVICE_ACCOUNT,
            policyArns: [a.agentPolicyArn],
            tags: a.tags,
        },
        { parent },
    );
    const addon = new aws.eks.Addon(
        `${name}-${CLOUDWATCH_ADDON_NAME}`,
        {
            clusterName: a.eksClusterName,
            addonName: CLOUDWATCH_ADDON_NAME,
            ...(a.version ? { addonVersion: a.version } : {}),
            serviceAccountRoleArn: role.roleArn,
            resolveConflictsOnCreate: "OVERWRITE",
            resolveConflictsOnUpdate: "OVERWRITE",
            tags: a.tags,
        },
        { parent, dependsOn: [...a.nodesReady, ...logGroups, role] },
    );
    return { addon, logGroups, roleArn: role.roleArn };
}
