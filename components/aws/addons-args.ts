/**
 * The add-on layer of `EksClusterArgs`: `platformAddons` (Helm-installed or external), the
 * CloudWatch container logs, ECR repositories and cache rules, and the created buckets. Their
 * rules and their defaults. Pure.
 */
import * as defaults from "./defaults";
import { ResolvedBucket, ResolvedEksCluster, ResolvedHelmAddon, ResolvedPlatformAddons } from "./resolved";
import {
    ADDON_MODES,
    DNS1123_SUBDOMAIN_RE,
    duplicates,
    isInt,
    issueList,
    LOAD_BALANCER_SCHEMES as LB_SCHEMES,
    LOG_RETENTION_VALUES,
    PULL_THROUGH_PREFIXES,
    ValidationIssue,
} from "./rules";
import { AddonMode, BucketArgs, EksClusterArgs } from "./types";

/** S3 bucket naming rules (general purpose buckets): 3..63 lowercase letters, digits, dots, hyphens. */
const S3_BUCKET_RE = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const EMAIL_RE = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
/** Chart / add-on versions: a semantic version, optionally `v`-prefixed, with an optional suffix (`v1.17.2-eksbuild.1`). */
const VERSION_RE = /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/;

/** Settings each add-on accepts beyond `mode` and `version`, and which of them only make sense with `install`. */
const INSTALL_ONLY: Record<string, readonly string[]> = {
    prometheusOperator: [],
    vpa: [],
    velero: ["bucket", "noncurrentVersionDays", "defaultVolumesToFsBackup"],
    certManager: ["acmeEmail", "issuerName", "acmeServer"],
    istio: [],
    ingressNginx: ["scheme"],
    externalSecrets: ["secretsPrefix"],
};
/** ECR repository names (ECR API: lowercase path segments separated by `/`). */
const ECR_REPO_RE = /^(?=.{2,256}$)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** Secrets Manager name characters (no wildcard: the prefix scopes an IAM policy). */
const SECRETS_PREFIX_RE = /^[A-Za-z0-9/_+=.@-]{1,256}$/;

function isPositiveInt(n: unknown, max = 36500): boolean {
    return isInt(n) && n >= 1 && n <= max;
}

/** The rules of `platformAddons`, `cloudwatchObservability`, `ecr` and `buckets`. Pure. */
export function validatePlatformAddons(args: EksClusterArgs): ValidationIssue[] {
    return [...validateAddonModes(args), ...validateAddonSettings(args), ...validateCloudwatch(args), ...validateEcr(args), ...validateBuckets(args)];
}

/** Each add-on entry: a known mode, an exact version, and no install-only setting on an external add-on. */
function validateAddonModes(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const addons = args.platformAddons ?? {};
    for (const [key, entry] of Object.entries(addons) as [string, Record<string, unknown> | undefined][]) {
        if (entry === undefined) continue;
        const p = (...rest: string[]) => ["platformAddons", key, ...rest];
        const f = `platformAddons.${key}`;
        const mode = (entry.mode ?? "install") as AddonMode;
        if (!ADDON_MODES.includes(mode)) {
            add(p("mode"), `${f}.mode must be "install" or "external", got ${JSON.stringify(entry.mode)}`);
            continue;
        }
        if (entry.version !== undefined && (typeof entry.version !== "string" || !VERSION_RE.test(entry.version))) {
            add(p("version"), `${f}.version must be an exact version such as 1.2.3 or v1.17.2-eksbuild.1, got ${JSON.stringify(entry.version)}`);
        }
        if (mode === "external") {
            for (const k of ["version", ...(INSTALL_ONLY[key] ?? [])]) {
                if (entry[k] !== undefined) add(p(k), `${f}.${k} only applies with mode "install" (an external add-on is not installed here); remove it`);
            }
        }
    }
    return issues;
}

/** The settings an installed add-on needs (Velero's bucket, cert-manager's ACME account, ...). */
function validateAddonSettings(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const addons = args.platformAddons ?? {};
    const v = addons.velero;
    if (v && (v.mode ?? "install") === "install") {
        if (v.bucket === undefined)
            add(
                ["platformAddons", "velero", "bucket"],
                'platformAddons.velero.bucket is required with mode "install" (the S3 bucket Velero stores backups in; it is created)',
            );
        else if (!S3_BUCKET_RE.test(v.bucket))
            add(
                ["platformAddons", "velero", "bucket"],
                `platformAddons.velero.bucket must be an S3 bucket name (3..63 of a-z 0-9 . -), got ${JSON.stringify(v.bucket)}`,
            );
        else if (args.buckets?.[v.bucket] !== undefined) {
            add(["buckets", v.bucket], `buckets.${v.bucket} is also platformAddons.velero.bucket, which Velero creates; list it in one place only`);
        }
        if (v.noncurrentVersionDays !== undefined && !isPositiveInt(v.noncurrentVersionDays)) {
            add(
                ["platformAddons", "velero", "noncurrentVersionDays"],
                `platformAddons.velero.noncurrentVersionDays must be an integer >= 1, got ${JSON.stringify(v.noncurrentVersionDays)}`,
            );
        }
    }
    const cm = addons.certManager;
    if (cm && (cm.mode ?? "install") === "install") {
        if (cm.acmeEmail === undefined)
            add(
                ["platformAddons", "certManager", "acmeEmail"],
                'platformAddons.certManager.acmeEmail is required with mode "install" (the ACME account of the ClusterIssuer)',
            );
        else if (!EMAIL_RE.test(cm.acmeEmail))
            add(
                ["platformAddons", "certManager", "acmeEmail"],
                `platformAddons.certManager.acmeEmail must be an e-mail address, got ${JSON.stringify(cm.acmeEmail)}`,
            );
        if (cm.issuerName !== undefined && !DNS1123_SUBDOMAIN_RE.test(cm.issuerName)) {
            add(
                ["platformAddons", "certManager", "issuerName"],
                `platformAddons.certManager.issuerName must be a DNS-1123 subdomain, got ${JSON.stringify(cm.issuerName)}`,
            );
        }
        if (cm.acmeServer !== undefined && !/^https:\/\/[^\s]+$/.test(cm.acmeServer)) {
            add(
                ["platformAddons", "certManager", "acmeServer"],
                `platformAddons.certManager.acmeServer must be an https:// URL, got ${JSON.stringify(cm.acmeServer)}`,
            );
        }
    }
    const istio = addons.istio;
    if (istio && (istio.mode ?? "install") === "install" && istio.cni === false) {
        add(
            ["platformAddons", "istio", "cni"],
            'platformAddons.istio.cni cannot be false with mode "install": Istio is installed with its CNI node agent so injected pods need no NET_ADMIN/NET_RAW',
        );
    }
    const eso = addons.externalSecrets;
    if (eso && (eso.mode ?? "install") === "install") {
        if (eso.secretsPrefix === undefined)
            add(
                ["platformAddons", "externalSecrets", "secretsPrefix"],
                'platformAddons.externalSecrets.secretsPrefix is required with mode "install" (the operator may read the secrets under it only)',
            );
        else if (!SECRETS_PREFIX_RE.test(eso.secretsPrefix)) {
            add(
                ["platformAddons", "externalSecrets", "secretsPrefix"],
                `platformAddons.externalSecrets.secretsPrefix must be a Secrets Manager name prefix (letters, digits, / _ + = . @ -), got ${JSON.stringify(eso.secretsPrefix)}`,
            );
        }
    }
    const nginx = addons.ingressNginx;
    if (nginx?.scheme !== undefined && !LB_SCHEMES.includes(nginx.scheme)) {
        add(
            ["platformAddons", "ingressNginx", "scheme"],
            `platformAddons.ingressNginx.scheme must be "internet-facing" or "internal", got ${JSON.stringify(nginx.scheme)}`,
        );
    }
    return issues;
}

function validateCloudwatch(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const cw = args.cloudwatchObservability ?? {};
    if (cw.enabled !== true) {
        for (const k of ["logRetentionDays", "version"] as const) {
            if (cw[k] !== undefined)
                add(
                    ["cloudwatchObservability", k],
                    `cloudwatchObservability.${k} is set but cloudwatchObservability.enabled is not true; enable it or remove cloudwatchObservability.${k}`,
                );
        }
    } else {
        if (cw.logRetentionDays !== undefined && !LOG_RETENTION_VALUES.includes(cw.logRetentionDays)) {
            add(
                ["cloudwatchObservability", "logRetentionDays"],
                `cloudwatchObservability.logRetentionDays must be one of CloudWatch's values (${LOG_RETENTION_VALUES.join(", ")}), got ${cw.logRetentionDays}`,
            );
        }
        if (cw.version !== undefined && !VERSION_RE.test(cw.version))
            add(
                ["cloudwatchObservability", "version"],
                `cloudwatchObservability.version must be an exact version such as v4.1.0-eksbuild.1, got ${JSON.stringify(cw.version)}`,
            );
    }
    return issues;
}

function validateEcr(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    const ecr = args.ecr ?? {};
    (ecr.repositories ?? []).forEach((r, i) => {
        if (!ECR_REPO_RE.test(r))
            add(
                ["ecr", "repositories", String(i)],
                `ecr.repositories[${i}] must be an ECR repository name (lowercase path segments such as agent-platform/production-agent), got ${JSON.stringify(r)}`,
            );
    });
    for (const d of duplicates(ecr.repositories ?? [])) add(["ecr", "repositories"], `ecr.repositories must be unique, got ${d} twice`);
    if (ecr.untaggedDays !== undefined && !isPositiveInt(ecr.untaggedDays))
        add(["ecr", "untaggedDays"], `ecr.untaggedDays must be an integer >= 1, got ${JSON.stringify(ecr.untaggedDays)}`);
    if (ecr.keepImages !== undefined && !isPositiveInt(ecr.keepImages, 10000))
        add(["ecr", "keepImages"], `ecr.keepImages must be an integer between 1 and 10000, got ${JSON.stringify(ecr.keepImages)}`);
    (ecr.pullThroughCache ?? []).forEach((c, i) => {
        if (!PULL_THROUGH_PREFIXES.includes(c))
            add(
                ["ecr", "pullThroughCache", String(i)],
                `ecr.pullThroughCache[${i}] must be one of ${PULL_THROUGH_PREFIXES.join(", ")}, got ${JSON.stringify(c)}`,
            );
    });
    for (const d of duplicates(ecr.pullThroughCache ?? [])) add(["ecr", "pullThroughCache"], `ecr.pullThroughCache must be unique, got ${d} twice`);
    return issues;
}

function validateBuckets(args: EksClusterArgs): ValidationIssue[] {
    const { issues, add } = issueList();
    for (const [bucket, b] of Object.entries(args.buckets ?? {}) as [string, BucketArgs][]) {
        const p = (...rest: string[]) => ["buckets", bucket, ...rest];
        if (!S3_BUCKET_RE.test(bucket) || bucket.includes(".."))
            add(p(), `buckets key must be an S3 bucket name (3..63 of a-z 0-9 . -), got ${JSON.stringify(bucket)}`);
        if (b.expirationDays !== undefined && !isPositiveInt(b.expirationDays))
            add(p("expirationDays"), `buckets.${bucket}.expirationDays must be an integer >= 1, got ${JSON.stringify(b.expirationDays)}`);
        if (b.noncurrentVersionDays !== undefined && !isPositiveInt(b.noncurrentVersionDays)) {
            add(p("noncurrentVersionDays"), `buckets.${bucket}.noncurrentVersionDays must be an integer >= 1, got ${JSON.stringify(b.noncurrentVersionDays)}`);
        }
    }
    return issues;
}

/** The add-ons with their pinned chart versions and defaults filled. */
export function resolvePlatformAddons(args: EksClusterArgs): ResolvedPlatformAddons {
    const a = args.platformAddons ?? {};
    const out: ResolvedPlatformAddons = {};
    const helm = (entry: { mode?: AddonMode; version?: string }, chart: defaults.PinnedChart): ResolvedHelmAddon =>
        (entry.mode ?? "install") === "external" ? { mode: "external" } : { mode: "install", version: entry.version ?? chart.version };
    if (a.prometheusOperator) out.prometheusOperator = helm(a.prometheusOperator, defaults.ADDON_CHARTS.prometheusOperator);
    if (a.vpa) out.vpa = helm(a.vpa, defaults.ADDON_CHARTS.vpa);
    if (a.velero) {
        const v = a.velero;
        out.velero =
            (v.mode ?? "install") === "external"
                ? { mode: "external" }
                : {
                      mode: "install",
                      version: v.version ?? defaults.ADDON_CHARTS.velero.version,
                      bucket: v.bucket!,
                      noncurrentVersionDays: v.noncurrentVersionDays ?? defaults.DEFAULT_NONCURRENT_VERSION_DAYS,
                      defaultVolumesToFsBackup: v.defaultVolumesToFsBackup ?? false,
                  };
    }
    if (a.certManager) {
        const c = a.certManager;
        out.certManager =
            (c.mode ?? "install") === "external"
                ? { mode: "external" }
                : {
                      mode: "install",
                      ...(c.version !== undefined ? { version: c.version } : {}),
                      acmeEmail: c.acmeEmail!,
                      issuerName: c.issuerName ?? defaults.DEFAULT_CLUSTER_ISSUER,
                      acmeServer: c.acmeServer ?? defaults.LETSENCRYPT_PRODUCTION,
                  };
    }
    if (a.istio) {
        const i = a.istio;
        out.istio =
            (i.mode ?? "install") === "external"
                ? { mode: "external", cni: i.cni ?? false }
                : { mode: "install", version: i.version ?? defaults.ADDON_CHARTS.istiod.version };
    }
    if (a.ingressNginx) {
        const n = a.ingressNginx;
        out.ingressNginx =
            (n.mode ?? "install") === "external"
                ? { mode: "external" }
                : { mode: "install", version: n.version ?? defaults.ADDON_CHARTS.ingressNginx.version, scheme: n.scheme ?? "internet-facing" };
    }
    if (a.externalSecrets) {
        const e = a.externalSecrets;
        out.externalSecrets =
            (e.mode ?? "install") === "external"
                ? { mode: "external" }
                : { mode: "install", version: e.version ?? defaults.ADDON_CHARTS.externalSecrets.version, secretsPrefix: e.secretsPrefix! };
    }
    return out;
}

/** The container-log settings with defaults filled; nothing unless `cloudwatchObservability.enabled`. */
export function resolveCloudwatch(args: EksClusterArgs): Pick<ResolvedEksCluster, "cloudwatchObservability"> {
    if (args.cloudwatchObservability?.enabled !== true) return {};
    return {
        cloudwatchObservability: {
            logRetentionDays: args.cloudwatchObservability.logRetentionDays ?? defaults.DEFAULT_CONTAINER_LOG_RETENTION_DAYS,
            ...(args.cloudwatchObservability.version ? { version: args.cloudwatchObservability.version } : {}),
        },
    };
}

/** The ECR settings with defaults filled; nothing when no repository and no cache rule is asked for. */
export function resolveEcr(args: EksClusterArgs): Pick<ResolvedEksCluster, "ecr"> {
    const ecr = args.ecr;
    if (!ecr || (ecr.repositories?.length ?? 0) + (ecr.pullThroughCache?.length ?? 0) === 0) return {};
    return {
        ecr: {
            repositories: [...(ecr.repositories ?? [])].sort(),
            untaggedDays: ecr.untaggedDays ?? defaults.DEFAULT_ECR_UNTAGGED_DAYS,
            keepImages: ecr.keepImages ?? defaults.DEFAULT_ECR_KEEP_IMAGES,
            pullThroughCache: [...(ecr.pullThroughCache ?? [])].sort(),
        },
    };
}

/** The created buckets, sorted by name, with their lifecycle defaults filled. */
export function resolveBuckets(args: EksClusterArgs): ResolvedBucket[] {
    return Object.entries(args.buckets ?? {})
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([bucket, b]) => ({
            name: bucket,
            ...(b.expirationDays !== undefined ? { expirationDays: b.expirationDays } : {}),
            noncurrentVersionDays: b.noncurrentVersionDays ?? defaults.DEFAULT_NONCURRENT_VERSION_DAYS,
        }));
}
