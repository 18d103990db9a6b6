/**
 * The one schema for `agent-platform:*` stack config: the platform-wide sections
 * (components/config) and one optional section per registered system (stacks/systems/registry.ts),
 * and the loader that turns raw config into a typed PlatformConfig or throws one ConfigError
 * naming every bad key path and rule.
 */
import { z } from "zod";
import { ConfigIssue, PlatformBase, SystemFacts, loadStackConfig, platformBaseIssues, platformBaseShape } from "agent-platform/config";
import { SYSTEMS } from "./systems/registry";

export { SYSTEMS };
export type SystemKey = keyof typeof SYSTEMS;
type AnySystem = (typeof SYSTEMS)[SystemKey];
type SystemSection<K extends SystemKey> = z.output<(typeof SYSTEMS)[K]["schema"]>;

/** Every secure key any system reads; each must be set with `pulumi config set --secret`. */
export const SECRET_KEYS: readonly string[] = [...new Set(Object.values(SYSTEMS).flatMap((s) => [...s.secrets]))].sort();

const systemKeys = Object.keys(SYSTEMS) as SystemKey[];
const systemFields = Object.fromEntries(systemKeys.map((key) => [key, SYSTEMS[key].schema.optional()])) as {
    [K in SystemKey]: z.ZodOptional<(typeof SYSTEMS)[K]["schema"]>;
};

/** Each present system section with its definition (the section typed `never`: each definition takes its own). */
function sections(cfg: Partial<Record<SystemKey, { enabled: boolean }>>): { key: SystemKey; def: AnySystem; section: never }[] {
    return systemKeys.flatMap((key) => (cfg[key] ? [{ key, def: SYSTEMS[key], section: cfg[key] as never }] : []));
}

/** What the enabled systems bring to the platform-wide rules (the mesh, the ClusterIssuers they name). */
function systemFacts(cfg: Partial<Record<SystemKey, { enabled: boolean }>>): SystemFacts {
    const enabled = sections(cfg).filter((s) => (s.section as { enabled: boolean }).enabled);
    return {
        meshOn: enabled.some(({ def, section }) => def.serviceMesh?.(section) ?? false),
        issuers: enabled.flatMap(({ key, def, section }) => (def.clusterIssuers?.(section) ?? []).map((i) => ({ path: [key, ...i.path], name: i.name }))),
    };
}

/** The rules of each present section against the platform-wide ones, with paths from the config root. */
function systemIssues(cfg: PlatformBase & Partial<Record<SystemKey, { enabled: boolean }>>): ConfigIssue[] {
    return sections(cfg).flatMap(({ key, def, section }) => (def.issues?.(section, cfg) ?? []).map((i) => ({ path: [key, ...i.path], message: i.message })));
}

export const platformConfigSchema = z
    .object({ ...platformBaseShape, ...systemFields })
    .strict()
    .superRefine((cfg, ctx) => {
        for (const issue of [...platformBaseIssues(cfg, cfg as unknown as Record<string, unknown>, systemFacts(cfg)), ...systemIssues(cfg)]) {
            ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
        }
    });

export type PlatformConfig = z.infer<typeof platformConfigSchema>;

/**
 * The secure keys the enabled systems read: one entry per system and key its section needs,
 * wherever the values come from (`secrets.source`).
 */
export function neededSecrets(cfg: PlatformConfig): { key: string; system: SystemKey }[] {
    return sections(cfg)
        .filter((s) => (s.section as { enabled: boolean }).enabled)
        .flatMap(({ key, def, section }) => (def.requiredSecrets?.(section) ?? def.secrets).map((k) => ({ key: k, system: key })));
}

/**
 * The secure keys a valid config must hold (`pulumi config set --secret`): the needed ones when
 * they come from stack config; none when they come from AWS Secrets Manager (`secrets.source: externalSecrets`).
 */
export function requiredSecrets(cfg: PlatformConfig): { key: string; system: SystemKey }[] {
    return (cfg.secrets?.source ?? "config") === "config" ? neededSecrets(cfg) : [];
}

/**
 * Validates raw config (`{"agent-platform:environment": "dev", ...}`, as `pulumi.runtime.allConfig()`
 * returns it) and returns the typed config, or throws one ConfigError listing every problem.
 * Pure: `isSecret` says which keys Pulumi holds encrypted.
 */
export function loadPlatformConfig(raw: Record<string, string>, isSecret: (key: string) => boolean): PlatformConfig {
    return loadStackConfig(platformConfigSchema, { keys: SECRET_KEYS, required: requiredSecrets }, raw, isSecret);
}

/** One system's parsed section. */
export type SystemConfig<K extends SystemKey> = NonNullable<SystemSection<K>>;
