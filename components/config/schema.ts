/**
 * The platform-wide sections of the `agent-platform:*` stack config (environment, cluster, CRDs,
 * secrets, limits, images), the rules between them, and the loader that turns raw config into a
 * typed value or throws one ConfigError naming every bad key path and rule. The systems' sections
 * join these in `stacks/config.ts`, from the registry of `stacks/systems/`.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { crdsSchema } from "./capabilities";
import { existingClusterIssues, existingClusterSchema } from "./cluster";
import { imageOverridesSchema } from "./images";
import { loggingIssues, loggingSchema } from "./logging";
import { eksClusterSchema, validateEksForEnvironment } from "./eks-section";
import { eksCapabilityIssues } from "./eks";
import { limitProblems, limitsSchema } from "./limits";
import { DEFAULT_REFRESH_INTERVAL, secretsIssues, secretsSchema } from "./secrets";
import { CLUSTER_SECRET_STORE } from "../aws/defaults";

export const PROJECT = "agent-platform";

/** The sections every stack has, whatever systems it runs (the systems' sections are added to these). */
export const platformBaseShape = {
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
    /** Container logs on an existing cluster: the opt-in Fluent Bit DaemonSet (components/config/logging.ts). */
    logging: loggingSchema.optional(),
};

/** The platform-wide sections, parsed. */
export type PlatformBase = z.infer<z.ZodObject<typeof platformBaseShape>>;
export type Environment = PlatformBase["environment"];

/** One broken rule of the config: its key path from the config root and the rule. */
export interface ConfigIssue {
    path: (string | number)[];
    message: string;
}

/** What the enabled systems bring to the platform-wide rules. */
export interface SystemFacts {
    /** Whether an enabled system turns the Istio mesh on. */
    meshOn: boolean;
    /** ClusterIssuers enabled systems name, with the config path that names each. */
    issuers: { path: string[]; name: string }[];
}

/**
 * The rules between the platform-wide sections (limits over the whole config, `whole`, the
 * cluster per environment, EKS add-ons against the CRDs and the systems' facts, the secrets' source).
 */
export function platformBaseIssues(cfg: PlatformBase, whole: Record<string, unknown>, facts: SystemFacts): ConfigIssue[] {
    const issues: ConfigIssue[] = [...limitProblems(whole, cfg.limits, cfg.environment)];
    if (cfg.cluster.provider === "eks") {
        for (const issue of validateEksForEnvironment(cfg.cluster, cfg.environment)) issues.push({ path: ["cluster", ...issue.path], message: issue.message });
        issues.push(...eksCapabilityIssues(cfg.cluster, { environment: cfg.environment, crds: cfg.crds, ...facts }));
    } else {
        for (const issue of existingClusterIssues(cfg.cluster, cfg.environment)) issues.push({ path: ["cluster", ...issue.path], message: issue.message });
    }
    const eso = cfg.cluster.provider === "eks" ? cfg.cluster.platformAddons?.externalSecrets : undefined;
    issues.push(...secretsIssues(cfg.secrets, { crds: cfg.crds, externalSecretsAddon: eso }));
    issues.push(...loggingIssues(cfg.logging, cfg.cluster));
    return issues;
}

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

/** The secure keys of a config schema: all that it may read, and those a parsed config needs. */
export interface SecretRules<T> {
    /** Every secure key; each must be set with `pulumi config set --secret`. */
    keys: readonly string[];
    /** The secure keys a valid config must hold, with the system that reads each. */
    required(cfg: T): { key: string; system: string }[];
}

/**
 * Validates raw config (`{"agent-platform:environment": "dev", ...}`, as `pulumi.runtime.allConfig()`
 * returns it) against `schema` and returns the typed config, or throws one ConfigError listing
 * every problem. Pure: `isSecret` says which keys Pulumi holds encrypted.
 */
export function loadStackConfig<T>(schema: z.ZodType<T>, secrets: SecretRules<T>, raw: Record<string, string>, isSecret: (key: string) => boolean): T {
    const values: Record<string, unknown> = {};
    const issues: string[] = [];
    const prefix = `${PROJECT}:`;
    for (const [k, v] of Object.entries(raw)) {
        if (!k.startsWith(prefix)) continue;
        const key = k.slice(prefix.length);
        if (secrets.keys.includes(key)) {
            if (!isSecret(k)) issues.push(`${k}: must be stored encrypted (pulumi config set --secret ${key} ...)`);
            continue;
        }
        values[key] = parseValue(v);
    }
    const parsed = schema.safeParse(values);
    if (!parsed.success) {
        for (const issue of parsed.error.issues) {
            if (issue.code === "unrecognized_keys") {
                for (const extra of issue.keys) issues.push(`${keyPath([...issue.path, extra])}: unknown key (not in the schema)`);
            } else {
                issues.push(`${keyPath(issue.path)}: ${issue.message}`);
            }
        }
    } else {
        for (const { key, system } of secrets.required(parsed.data)) {
            if (raw[`${prefix}${key}`] === undefined) issues.push(`${prefix}${key}: required secret for ${system} (pulumi config set --secret ${key} ...)`);
        }
    }
    if (issues.length) throw new ConfigError(issues);
    return parsed.data!;
}
