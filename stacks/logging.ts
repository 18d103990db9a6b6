/**
 * Container logs on an existing cluster: `logging.fluentBit` (components/config/logging.ts)
 * deploys the opt-in Fluent Bit DaemonSet, its API-server egress scoped like every other
 * API-server rule (`cluster.apiServerCidrs`; the VPC CIDR on EKS).
 */
import * as pulumi from "@pulumi/pulumi";
import { PlatformConfig } from "./config";
import { FluentBit, FluentBitOutputArgs } from "agent-platform";
import { apiServerScope } from "agent-platform/config";

/** The config's `logging.fluentBit.output`. */
type FluentBitOutput = NonNullable<NonNullable<NonNullable<PlatformConfig["logging"]>["fluentBit"]>["output"]>;

/** The Fluent Bit DaemonSet when `logging.fluentBit.enabled`, else nothing. */
export function deployLogging(config: PlatformConfig, opts: pulumi.ComponentResourceOptions): FluentBit | undefined {
    const fb = config.logging?.fluentBit;
    if (!fb?.enabled || !fb.output) return undefined;
    return new FluentBit(
        "logging",
        {
            namespace: fb.namespace,
            ...(fb.image ? { image: fb.image } : {}),
            output: fluentBitOutput(fb.output),
            ...(fb.output.type === "cloudwatchLogs" && fb.output.roleArn ? { roleArn: fb.output.roleArn } : {}),
            kubeApiCidrs: [...apiServerScope(config.cluster)],
            enforcePodSecurity: config.environment === "prod",
        },
        opts,
    );
}

/** The config's output (a `type` and its fields) as the component's (one field per kind). Pure. */
export function fluentBitOutput(o: FluentBitOutput): FluentBitOutputArgs {
    switch (o.type) {
        case "cloudwatchLogs": {
            const { type: _t, roleArn: _r, ...cloudwatchLogs } = o;
            return { cloudwatchLogs };
        }
        case "forward": {
            const { type: _t, ...forward } = o;
            return { forward };
        }
        case "http": {
            const { type: _t, ...http } = o;
            return { http };
        }
    }
}
