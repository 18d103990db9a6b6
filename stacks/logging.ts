/**
 * Container logs on an existing cluster: `logging.fluentBit` (components/config/logging.ts)
 * deploys the opt-in Fluent Bit DaemonSet, its API-server egress scoped like every other
 * API-server rule (`cluster.apiServerCidrs`; the VPC CIDR on EKS).
 */
import * as pulumi from "@pulumi/pulumi";
import { PlatformConfig } from "./config";
import { FluentBit } from "agent-platform/logging";
import { apiServerScope } from "agent-platform/config";

/** The Fluent Bit DaemonSet when `logging.fluentBit.enabled`, else nothing. */
export function deployLogging(config: PlatformConfig, opts: pulumi.ComponentResourceOptions): FluentBit | undefined {
    const fb = config.logging?.fluentBit;
    if (!fb?.enabled || !fb.output) return undefined;
    return new FluentBit(
        "logging",
        {
            namespace: fb.namespace,
            ...(fb.image ? { image: fb.image } : {}),
            output: fb.output,
            ...(fb.output.type === "cloudwatchLogs" && fb.output.roleArn ? { roleArn: fb.output.roleArn } : {}),
            kubeApiCidrs: [...apiServerScope(config.cluster)],
            enforcePodSecurity: config.environment === "prod",
        },
        opts,
    );
}
