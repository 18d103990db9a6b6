import * as pulumi from "@pulumi/pulumi";
import { collectSkipped } from "agent-platform";
import { ConfigError } from "agent-platform/config";
import { PlatformConfig, SYSTEMS, SystemKey } from "../config";
import { SystemRecorder, SystemSummary } from "../summary";
import { CheckContext, ConfigSecretKeys, SystemContext, SystemDefinition, SystemOutputs } from "./types";

/** Each enabled system's section with its definition, in registry order. */
function enabledSystems(config: PlatformConfig): { key: SystemKey; def: SystemDefinition<never>; section: never }[] {
    return (Object.keys(SYSTEMS) as SystemKey[]).flatMap((key) =>
        config[key]?.enabled ? [{ key, def: SYSTEMS[key] as unknown as SystemDefinition<never>, section: config[key] as never }] : [],
    );
}

/** Every enabled system's declared config-sourced Secret keys (`configSecrets` of its definition). */
export function configSecretKeys(config: PlatformConfig, ctx: CheckContext): ConfigSecretKeys[] {
    return enabledSystems(config).flatMap(({ def, section }) => def.configSecrets?.(section, ctx) ?? []);
}

/**
 * Runs every enabled system's checks and throws one ConfigError listing all their problems. The
 * program calls it before the cluster or any system registers a resource.
 */
export function checkSystems(config: PlatformConfig, ctx: CheckContext): void {
    const issues = enabledSystems(config).flatMap(({ def, section }) => def.check?.(section, ctx) ?? []);
    if (issues.length > 0) throw new ConfigError(issues);
}

/** Groups one system's components in previews and carries the Kubernetes provider to them. */
class System extends pulumi.ComponentResource {
    constructor(key: SystemKey, opts: pulumi.ComponentResourceOptions) {
        super(`agent-platform:system:${key}`, key, {}, opts);
    }
    complete(outputs: SystemOutputs): void {
        this.registerOutputs(outputs as unknown as pulumi.Inputs);
    }
}

/**
 * Deploys every enabled system, each under its own component so previews group by system.
 * Returns each system's outputs and its summary (what runs, how to reach it: stacks/summary.ts).
 */
export function deploySystems(
    config: PlatformConfig,
    ctx: Omit<SystemContext, "parent">,
    opts: pulumi.ComponentResourceOptions,
): {
    outputs: Record<string, SystemOutputs>;
    summary: Record<string, pulumi.Output<SystemSummary>>;
    /** Each system's component, for what must come after the system (its namespace) exists. */
    groups: Record<string, pulumi.Resource>;
} {
    const outputs: Record<string, SystemOutputs> = {};
    const groups: Record<string, pulumi.Resource> = {};
    const summary: Record<string, pulumi.Output<SystemSummary>> = {};
    for (const { key, def, section } of enabledSystems(config)) {
        const recorder = new SystemRecorder();
        const group = new System(key, { ...opts, transformations: [...(opts.transformations ?? []), recorder.transformation] });
        const { result, skipped } = collectSkipped(() => def.deploy(section, { ...ctx, secret: recorder.secret(ctx.secret), parent: group }));
        outputs[key] = result;
        summary[key] = recorder.summary(key, result, skipped);
        group.complete(outputs[key]);
        groups[key] = group;
    }
    return { outputs, summary, groups };
}
