/**
 * The one schema for `agent-platform:*` stack config, and the loader that turns raw config
 * into a typed PlatformConfig or throws one ConfigError naming every bad key path and rule.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { crdsSchema } from "./capabilities";
import { existingClusterIssues, existingClusterSchema } from "./cluster";
import { imageOverridesSchema } from "./images";
import { eksClusterSchema, validateEksForEnvironment } from "./eks-section";
import { eksCapabilityIssues } from "./eks";
import { limitProblems, limitsSchema } from "./limits";
import { DEFAULT_REFRESH_INTERVAL, secretsIssues, secretsSchema } from "./secrets";
import { CLUSTER_SECRET_STORE } from "../aws/defaults";
import { claudeCodeSchema, claudeCodeSecrets } from "./systems/claude-code";
import { inquisitorSchema, inquisitorSecrets } from "./systems/inquisitor";
import { productionAgentsSchema, productionAgentsSecrets } from "./systems/production-agents";
import { terminalMidRequiredSecrets, terminalMidSchema, terminalMidSecrets } from "./systems/terminal-mid";
import { ushadowSchema, ushadowSecrets } from "./systems/ushadow";

export const PROJECT = "agent-platform";

/**
 * Each system's config key, schema, the secure keys it may read, and (when not all of them)
 * which of those its section requires.
 */
export const SYSTEMS = {
    terminalMid: { schema: terminalMidSchema, secrets: terminalMidSecrets, requiredSecrets: terminalMidRequiredSecrets },
    inquisitor: { schema: inquisitorSchema, secrets: inquisitorSecrets },
    claudeCode: { schema: claudeCodeSchema, secrets: claudeCodeSecrets },
    productionAgents: { schema: productionAgentsSchema, secrets: productionAgentsSecrets },
    ushadow: { schema: ushadowSchema, secrets: ushadowSecrets },
} as const;
export type SystemKey = keyof typeof SYSTEMS;

/** Every secure key any system reads; each must be set with `pulumi config set --secret`. */
export const SECRET_KEYS: readonly string[] = [...new Set(Object.values(SYSTEMS).flatMap((s) => [...s.secrets]))].sort();

export const platformConfigSchema = z
    .object({
        environment: z.enum(["dev", "prod"]),
        cluster: z.discriminatedUnion("provider", [existingClusterSchema, eksClusterSchema]),
        crds: crdsSchema.default({
            serviceMonitor: false,
            vpa: false,
            velero: false,
            certManager: false,
            istio: false,
            externalSecrets: false,
            customMetrics: false,
        }),
        /** Where the secure values come from: stack config (default) or AWS Secrets Manager through ExternalSecrets. */
        secrets: secretsSchema.default({ source: "config", store: CLUSTER_SECRET_STORE, refreshInterval: DEFAULT_REFRESH_INTERVAL }),
        /** Maxima the rest of the config is held to (replicas, volume sizes, public CIDR share, admin policies). */
        limits: limitsSchema,
        images: imageOverridesSchema.default({}),
        terminalMid: terminalMidSchema.optional(),
        inquisitor: inquisitorSchema.optional(),
        claudeCode: claudeCodeSchema.optional(),
        productionAgents: productionAgentsSchema.optional(),
        ushadow: ushadowSchema.optional(),
    })
    .strict()
    .superRefine((cfg, ctx) => {
        for (const issue of limitProblems(cfg as unknown as Record<string, unknown>, cfg.limits, cfg.environment))
            ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
        if (cfg.cluster.provider === "eks") {
            for (const issue of validateEksForEnvironment(cfg.cluster, cfg.environment)) {
                ctx.addIssue({ code: "custom", path: ["cluster", ...issue.path], message: issue.message });
            }
            const issuers = [
                ...(cfg.claudeCode?.enabled ? [{ path: ["claudeCode", "clusterIssuer"], name: cfg.claudeCode.clusterIssuer }] : []),
                ...(cfg.ushadow?.enabled ? [{ path: ["ushadow", "clusterIssuer"], name: cfg.ushadow.clusterIssuer }] : []),
            ];
            const meshOn = !!(cfg.claudeCode?.enabled && cfg.claudeCode.serviceMesh);
            for (const issue of eksCapabilityIssues(cfg.cluster, { environment: cfg.environment, crds: cfg.crds, meshOn, issuers })) {
                ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
            }
        } else {
            for (const issue of existingClusterIssues(cfg.cluster, cfg.environment))
                ctx.addIssue({ code: "custom", path: ["cluster", ...issue.path], message: issue.message });
        }
        if (cfg.inquisitor?.publicExposure && cfg.inquisitor.loadBalancerScheme === "internet-facing" && !cfg.inquisitor.loadBalancerSourceRanges) {
            ctx.addIssue({
                code: "custom",
                path: ["inquisitor", "loadBalancerSourceRanges"],
                message: "is required for an internet-facing client Service: name the client ranges (0.0.0.0/0 only if the whole internet is meant)",
            });
        }
        if (cfg.environment === "prod" && cfg.inquisitor?.publicExposure && cfg.cluster.provider === "existing" && !cfg.cluster.loadBalancers) {
            ctx.addIssue({
                code: "custom",
                path: ["inquisitor", "publicExposure"],
                message: "needs a cluster that provides LoadBalancers (cluster.loadBalancers is false)",
            });
        }
        const backup = cfg.claudeCode?.enabled ? cfg.claudeCode.backup.destination : undefined;
        if (backup && "s3" in backup && !backup.s3.roleArn && !(cfg.cluster.provider === "eks" && cfg.cluster.irsaRoles?.["postgres-backup"])) {
            ctx.addIssue({
                code: "custom",
                path: ["claudeCode", "backup", "destination", "s3", "roleArn"],
                message: "required unless cluster.irsaRoles.postgres-backup creates the role (EKS)",
            });
        }
        const eso = cfg.cluster.provider === "eks" ? cfg.cluster.platformAddons?.externalSecrets : undefined;
        for (const issue of secretsIssues(cfg.secrets, { crds: cfg.crds, externalSecretsAddon: eso }))
            ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
        if (cfg.claudeCode?.serviceMesh && !cfg.crds.istio) {
            ctx.addIssue({
                code: "custom",
                path: ["claudeCode", "serviceMesh"],
                message: "needs crds.istio: true (the mesh's PeerAuthentication is an Istio CRD)",
            });
        }
    });

export type PlatformConfig = z.infer<typeof platformConfigSchema>;
export type Environment = PlatformConfig["environment"];

/**
 * A stack config that breaks one or more rules; `issues` are `key.path: rule` lines. A RunError,
 * so the Pulumi runtime prints the message without a stack trace (`pulumi up --debug` logs it).
 */
export class ConfigError extends pulumi.RunError {
    constructor(public readonly issues: string[]) {
        super(`invalid stack config (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n  - ${issues.join("\n  - ")}`);
        this.name = "ConfigError";
    }
}

/** Pulumi hands structured config over as JSON strings; plain strings stay strings. */
function parseValue(raw: string): unknown {
    const t = raw.trim();
    if (/^[[{]/.test(t) || t === "true" || t === "false" || /^-?[0-9]+(\.[0-9]+)?$/.test(t)) {
        try {
            return JSON.parse(t);
        } catch {
            return raw;
        }
    }
    return raw;
}

/** `agent-platform:a.b.0`; a segment that is empty or holds characters a key name never has is quoted, so the message still names it. */
function keyPath(path: PropertyKey[]): string {
    // Nested keys may be image references (`images.redis:7.4.1-alpine`, `images.1111.dkr.ecr...`).
    const plain = (k: string, i: number) => (i > 0 ? /^[A-Za-z0-9_][A-Za-z0-9_./:@-]*$/ : /^[A-Za-z_][A-Za-z0-9_./-]*$/).test(k);
    return `${PROJECT}:${path
        .map(String)
        .map((k, i) => (plain(k, i) ? k : JSON.stringify(k)))
        .join(".")}`;
}

/**
 * The secure keys the enabled systems read: one entry per system and key its section needs,
 * wherever the values come from (`secrets.source`).
 */
export function neededSecrets(cfg: PlatformConfig): { key: string; system: SystemKey }[] {
    const out: { key: string; system: SystemKey }[] = [];
    for (const [system, def] of Object.entries(SYSTEMS) as [SystemKey, (typeof SYSTEMS)[SystemKey]][]) {
        const section = cfg[system];
        if (!section?.enabled) continue;
        const keys = "requiredSecrets" in def ? def.requiredSecrets(section as never) : def.secrets;
        for (const key of keys) out.push({ key, system });
    }
    return out;
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
    const values: Record<string, unknown> = {};
    const issues: string[] = [];
    const prefix = `${PROJECT}:`;
    for (const [k, v] of Object.entries(raw)) {
        if (!k.startsWith(prefix)) continue;
        const key = k.slice(prefix.length);
        if (SECRET_KEYS.includes(key)) {
            if (!isSecret(k)) issues.push(`${k}: must be stored encrypted (pulumi config set --secret ${key} ...)`);
            continue;
        }
        values[key] = parseValue(v);
    }
    const parsed = platformConfigSchema.safeParse(values);
    if (!parsed.success) {
        for (const issue of parsed.error.issues) {
            if (issue.code === "unrecognized_keys") {
                for (const extra of issue.keys) issues.push(`${keyPath([...issue.path, extra])}: unknown key (not in the schema)`);
            } else {
                issues.push(`${keyPath(issue.path)}: ${issue.message}`);
            }
        }
    } else {
        for (const { key, system } of requiredSecrets(parsed.data)) {
            if (raw[`${prefix}${key}`] === undefined) issues.push(`${prefix}${key}: required secret for ${system} (pulumi config set --secret ${key} ...)`);
        }
    }
    if (issues.length) throw new ConfigError(issues);
    return parsed.data!;
}
