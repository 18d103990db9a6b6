/**
 * `agent-platform:secrets`: where the secure values the systems read come from. `config` (the
 * default): Pulumi stack secrets (`pulumi config set --secret`). `externalSecrets`: AWS Secrets
 * Manager through the External Secrets Operator; each secure key `K` is the Secrets Manager
 * secret `<prefix>K`, and each system Secret holding it gets an ExternalSecret that merges it in.
 * Generated values (Redis/Postgres passwords, encryption keys) stay generated either way.
 */
import { z } from "zod";
import { CLUSTER_SECRET_STORE } from "../aws/defaults";

export const SECRET_SOURCES = ["config", "externalSecrets"] as const;
export type SecretSource = (typeof SECRET_SOURCES)[number];

/** Secrets Manager secret names: letters, digits and `/_+=.@-` (AWS Secrets Manager API reference, CreateSecret Name). */
export const SECRETS_MANAGER_NAME = /^[A-Za-z0-9/_+=.@-]+$/;

/** How often the operator re-reads Secrets Manager (a rotated value reaches the Secret within this). */
export const DEFAULT_REFRESH_INTERVAL = "1h";

export const secretsSchema = z
    .object({
        source: z.enum(SECRET_SOURCES).default("config"),
        /** Secrets Manager name prefix of this stack's secrets, e.g. `agent-platform/prod/`; required with externalSecrets. */
        prefix: z.string().min(1).regex(SECRETS_MANAGER_NAME, "must be a Secrets Manager name prefix (letters, digits, / _ + = . @ -)").optional(),
        /** The ClusterSecretStore the ExternalSecrets name. */
        store: z.string().min(1).default(CLUSTER_SECRET_STORE),
        /** Go duration, e.g. `1h`, `15m`. */
        refreshInterval: z
            .string()
            .regex(/^([0-9]+(h|m|s))+$/, "must be a duration such as 1h or 15m")
            .default(DEFAULT_REFRESH_INTERVAL),
    })
    .strict();

export type SecretsConfig = z.infer<typeof secretsSchema>;

/** What the rest of the config must provide for `secrets` (paths from the config root). Pure. */
export function secretsIssues(
    s: SecretsConfig,
    ctx: { crds: { externalSecrets?: boolean }; externalSecretsAddon?: { mode?: string; secretsPrefix?: string } },
): { path: string[]; message: string }[] {
    if (s.source !== "externalSecrets") return [];
    const issues: { path: string[]; message: string }[] = [];
    if (s.prefix === undefined)
        issues.push({
            path: ["secrets", "prefix"],
            message: "is required with secrets.source externalSecrets (the Secrets Manager name prefix of this stack's secrets, e.g. agent-platform/prod/)",
        });
    if (!ctx.crds.externalSecrets)
        issues.push({
            path: ["secrets", "source"],
            message: "externalSecrets needs crds.externalSecrets: true (the External Secrets Operator's CRDs must be installed)",
        });
    const addon = ctx.externalSecretsAddon;
    if (addon && (addon.mode ?? "install") === "install") {
        if (addon.secretsPrefix !== undefined && s.prefix !== undefined && !s.prefix.startsWith(addon.secretsPrefix)) {
            issues.push({
                path: ["secrets", "prefix"],
                message: `must start with cluster.platformAddons.externalSecrets.secretsPrefix ${JSON.stringify(addon.secretsPrefix)} (the operator's IRSA role reads only those secrets), got ${JSON.stringify(s.prefix)}`,
            });
        }
        if (s.store !== CLUSTER_SECRET_STORE)
            issues.push({
                path: ["secrets", "store"],
                message: `must be ${JSON.stringify(CLUSTER_SECRET_STORE)}, the ClusterSecretStore cluster.platformAddons.externalSecrets creates, got ${JSON.stringify(s.store)}`,
            });
    }
    return issues;
}

/** The Secrets Manager secret holding secure config key `key`. */
export function remoteSecretName(prefix: string, key: string): string {
    return `${prefix}${key}`;
}
