import * as pulumi from "@pulumi/pulumi";
import { ConfigError, PlatformConfig, SYSTEMS, SystemKey } from "../../components/config";
import { collectSkipped } from "../../components/kube";
import { SystemRecorder, SystemSummary } from "../summary";
import { ConfigSecretKeys, SystemContext, SystemModule, SystemOutputs } from "./types";
import { deployTerminalMid, terminalMidConfigSecrets } from "./terminal-mid";
import { deployInquisitor } from "./inquisitor";
import { claudeCodeConfigSecrets, deployClaudeCode } from "./claude-code";
import { deployProductionAgents, productionAgentsConfigSecrets } from "./production-agents";
import { deployUshadow, ushadowConfigSecrets, ushadowProblems } from "./ushadow";

/** The modules, keyed like their config sections: a config section without a module is a type error. */
export const SYSTEM_MODULES: { [K in SystemKey]: SystemModule<NonNullable<PlatformConfig[K]>> } = {
    terminalMid: deployTerminalMid,
    inquisitor: deployInquisitor,
    claudeCode: deployClaudeCode,
    productionAgents: deployProductionAgents,
    ushadow: deployUshadow,
};

/**
 * Checks beyond the schema (files the config names, compose projects compiled with stand-ins),
 * per system; each returns `agent-platform:<key>: rule` problems and registers nothing.
 */
export const SYSTEM_CHECKS: {
    [K in SystemKey]?: (config: NonNullable<PlatformConfig[K]>, ctx: Pick<SystemContext, "capabilities" | "environment">) => string[];
} = {
    ushadow: ushadowProblems,
};

/**
 * Which keys of which Secret hold secure config values, per system (a system without one reads
 * only generated secrets). With `secrets.source: externalSecrets` these come from AWS Secrets Manager.
 */
export const SYSTEM_CONFIG_SECRETS: {
    [K in SystemKey]?: (config: NonNullable<PlatformConfig[K]>, ctx: Pick<SystemContext, "capabilities" | "environment">) => ConfigSecretKeys[];
} = {
    terminalMid: terminalMidConfigSecrets,
    claudeCode: () => claudeCodeConfigSecrets(),
    productionAgents: () => productionAgentsConfigSecrets(),
    ushadow: ushadowConfigSecrets,
};

/** Every enabled system's declared config-sourced Secret keys. */
export function configSecretKeys(config: PlatformConfig, ctx: Pick<SystemContext, "capabilities" | "environment">): ConfigSecretKeys[] {
    const out: ConfigSecretKeys[] = [];
    for (const key of Object.keys(SYSTEMS) as SystemKey[]) {
        const section = config[key];
        const declare = SYSTEM_CONFIG_SECRETS[key] as ((c: typeof section, x: typeof ctx) => ConfigSecretKeys[]) | undefined;
        if (section?.enabled && declare) out.push(...declare(section, ctx));
    }
    return out;
}

/**
 * Runs every enabled system's checks and throws one ConfigError listing all their problems. The
 * program calls it before the cluster or any system registers a resource.
 */
export function checkSystems(config: PlatformConfig, ctx: Pick<SystemContext, "capabilities" | "environment">): void {
    const issues: string[] = [];
    for (const key of Object.keys(SYSTEMS) as SystemKey[]) {
        const section = config[key];
        const check = SYSTEM_CHECKS[key] as ((c: typeof section, x: typeof ctx) => string[]) | undefined;
        if (section?.enabled && check) issues.push(...check(section, ctx));
    }
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
} {
    const outputs: Record<string, SystemOutputs> = {};
    const summary: Record<string, pulumi.Output<SystemSummary>> = {};
    for (const key of Object.keys(SYSTEMS) as SystemKey[]) {
        const section = config[key];
        if (!section?.enabled) continue;
        const module = SYSTEM_MODULES[key] as SystemModule<typeof section>;
        const recorder = new SystemRecorder();
        const group = new System(key, { ...opts, transformations: [...(opts.transformations ?? []), recorder.transformation] });
        const { result, skipped } = collectSkipped(() => module(section, { ...ctx, secret: recorder.secret(ctx.secret), parent: group }));
        outputs[key] = result;
        summary[key] = recorder.summary(key, result, skipped);
        group.complete(outputs[key]);
    }
    return { outputs, summary };
}
