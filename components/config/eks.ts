/**
 * Stack-config schema of `agent-platform:cluster` when `provider: eks`, and the pure mapper to
 * `EksClusterArgs`. The rules live once, in `components/aws/validation.ts`; the schema's
 * refinement reports the environment-independent ones, `validateEksForEnvironment` the ones
 * that depend on the environment (prod: groups span >= 2 AZs, no 0.0.0.0/0 public endpoint).
 */
import { z } from "zod";
import { CAPABILITY_ADDONS, DEFAULT_CLUSTER_ISSUER } from "../aws/defaults";
import { EksClusterArgs, EksEnvironment } from "../aws/types";
import { EFS_TRANSITIONS_TO_IA, ValidationIssue } from "../aws/rules";
import { validateEksClusterArgs } from "../aws/validation";

const nonEmpty = z.string().min(1);

const vpcCreateSchema = z
    .object({
        cidr: nonEmpty.optional(),
        azCount: z.number().int().optional(),
        availabilityZones: z.array(nonEmpty).optional(),
        natGateways: z.enum(["single", "onePerAz"]).optional(),
    })
    .strict();

const vpcExistingSchema = z
    .object({
        vpcId: nonEmpty,
        privateSubnetIds: z.array(nonEmpty),
        publicSubnetIds: z.array(nonEmpty).optional(),
        /** The VPC's CIDR (scopes API-server egress); looked up from the VPC when omitted. */
        cidr: nonEmpty.optional(),
    })
    .strict();

const taintSchema = z
    .object({
        key: nonEmpty,
        value: z.string().optional(),
        effect: z.enum(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"]),
    })
    .strict();

const nodeGroupSchema = z
    .object({
        instanceTypes: z.array(nonEmpty),
        capacityType: z.enum(["ON_DEMAND", "SPOT"]).optional(),
        minSize: z.number().int(),
        maxSize: z.number().int(),
        desiredSize: z.number().int().optional(),
        labels: z.record(z.string(), z.string()).optional(),
        taints: z.array(taintSchema).optional(),
        diskSizeGiB: z.number().int().optional(),
        amiType: nonEmpty.optional(),
        subnetIds: z.array(nonEmpty).optional(),
    })
    .strict();

const irsaRoleSchema = z
    .object({
        namespace: nonEmpty,
        serviceAccount: nonEmpty,
        policyArns: z.array(nonEmpty).optional(),
        s3Access: z.object({ bucket: nonEmpty, prefix: z.string().optional(), readOnly: z.boolean().optional() }).strict().optional(),
    })
    .strict();

const reclaimPolicySchema = z.enum(["Retain", "Delete"]);

/** Opt-in EFS (ReadWriteMany StorageClass); the rules between fields live in components/aws/validation.ts. */
const efsSchema = z
    .object({
        enabled: z.boolean(),
        /** @default "efs-sc" */
        storageClassName: nonEmpty.optional(),
        performanceMode: z.enum(["generalPurpose", "maxIO"]).optional(),
        throughputMode: z.enum(["elastic", "bursting", "provisioned"]).optional(),
        provisionedThroughputMibps: z.number().int().optional(),
        kmsKey: z.enum(["cluster", "aws-managed"]).optional(),
        transitionToIa: z.enum(EFS_TRANSITIONS_TO_IA).optional(),
        reclaimPolicy: reclaimPolicySchema.optional(),
    })
    .strict();

const addonMode = z.enum(["install", "external"]);
const helmAddonSchema = z.object({ mode: addonMode.optional(), version: nonEmpty.optional() }).strict();

/**
 * `cluster.platformAddons`: what the systems rely on. An entry installs the add-on (`mode:
 * install`, the default) or records that someone else runs it (`mode: external`); no entry means
 * the cluster does not provide it. Field rules live in components/aws/validation.ts.
 */
const platformAddonsSchema = z
    .object({
        prometheusOperator: helmAddonSchema.optional(),
        vpa: helmAddonSchema.optional(),
        velero: helmAddonSchema
            .extend({ bucket: nonEmpty.optional(), noncurrentVersionDays: z.number().int().optional(), defaultVolumesToFsBackup: z.boolean().optional() })
            .strict()
            .optional(),
        certManager: helmAddonSchema
            .extend({ acmeEmail: nonEmpty.optional(), issuerName: nonEmpty.optional(), acmeServer: nonEmpty.optional() })
            .strict()
            .optional(),
        istio: helmAddonSchema.extend({ cni: z.boolean().optional() }).strict().optional(),
        ingressNginx: helmAddonSchema
            .extend({ scheme: z.enum(["internet-facing", "internal"]).optional() })
            .strict()
            .optional(),
        externalSecrets: helmAddonSchema.extend({ secretsPrefix: nonEmpty.optional() }).strict().optional(),
    })
    .strict();

const bucketSchema = z.object({ expirationDays: z.number().int().optional(), noncurrentVersionDays: z.number().int().optional() }).strict();

/** `agent-platform:cluster` with `provider: eks`. */
export const eksClusterConfigSchema = z
    .object({
        provider: z.literal("eks"),
        /** EKS cluster name. @default the Pulumi component name (stacks use the stack name). */
        name: nonEmpty.optional(),
        /** AWS region; must equal `aws:region`. */
        region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, { message: "must be an AWS region such as us-east-1" }),
        kubernetesVersion: z.string().optional(),
        vpc: z.object({ create: vpcCreateSchema.optional(), existing: vpcExistingSchema.optional() }).strict().optional(),
        endpoint: z
            .object({ privateAccess: z.boolean().optional(), publicAccess: z.boolean().optional(), publicAccessCidrs: z.array(nonEmpty).optional() })
            .strict()
            .optional(),
        adminPrincipals: z.array(nonEmpty).optional(),
        bootstrapCreatorAdmin: z.boolean().optional(),
        nodeGroups: z.record(z.string(), nodeGroupSchema),
        ignoreDesiredSizeChanges: z.boolean().optional(),
        autoscaler: z
            .object({
                enabled: z.boolean().optional(),
                minNodes: z.number().int().optional(),
                maxNodes: z.number().int().optional(),
                image: nonEmpty.optional(),
                expander: z.enum(["least-waste", "random", "most-pods", "price", "priority"]).optional(),
                scaleDownUnneededTime: nonEmpty.optional(),
            })
            .strict()
            .optional(),
        metricsServer: z.object({ enabled: z.boolean().optional(), image: nonEmpty.optional() }).strict().optional(),
        addons: z
            .object({
                vpcCni: nonEmpty.optional(),
                coredns: nonEmpty.optional(),
                kubeProxy: nonEmpty.optional(),
                awsEbsCsiDriver: nonEmpty.optional(),
                awsEfsCsiDriver: nonEmpty.optional(),
            })
            .strict()
            .optional(),
        /** gp3 default class; `defaultReclaimPolicy` defaults to Retain in prod, Delete in dev. */
        storage: z.object({ defaultReclaimPolicy: reclaimPolicySchema.optional() }).strict().optional(),
        efs: efsSchema.optional(),
        logRetentionDays: z.number().int().optional(),
        imdsHopLimit: z.number().int().optional(),
        irsaRoles: z.record(z.string(), irsaRoleSchema).optional(),
        platformAddons: platformAddonsSchema.optional(),
        /** S3 buckets this stack creates, by bucket name (e.g. the Postgres dump target of irsaRoles.postgres-backup). */
        buckets: z.record(z.string(), bucketSchema).optional(),
        /** Container logs/metrics: the amazon-cloudwatch-observability add-on, its IRSA role and log groups. */
        cloudwatchObservability: z
            .object({ enabled: z.boolean(), logRetentionDays: z.number().int().optional(), version: nonEmpty.optional() })
            .strict()
            .optional(),
        /** ECR repositories for the project's own images (scan on push, immutable tags, lifecycle). */
        ecr: z
            .object({
                repositories: z.array(nonEmpty).optional(),
                untaggedDays: z.number().int().optional(),
                keepImages: z.number().int().optional(),
                pullThroughCache: z.array(z.enum(["ecr-public", "k8s", "quay"])).optional(),
            })
            .strict()
            .optional(),
        tags: z.record(z.string(), z.string()).optional(),
    })
    .strict()
    .superRefine((cfg, ctx) => {
        // Environment-independent rules (the dev profile is the weakest): min <= desired <= max,
        // >= 1 instance type, vpc.create XOR vpc.existing, public endpoint needs CIDRs, ...
        for (const issue of baseIssues(cfg)) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message });
    });

export type EksClusterConfig = z.infer<typeof eksClusterConfigSchema>;

/** EKS cluster name when `cluster.name` is unset: `agent-platform-<env>`. */
export function defaultEksClusterName(env: EksEnvironment): string {
    return `agent-platform-${env}`;
}

/** Pure mapper from the config section to the component args. */
export function toEksClusterArgs(cfg: EksClusterConfig, env: EksEnvironment): EksClusterArgs {
    return {
        clusterName: nameFor(cfg, env),
        environment: env,
        region: cfg.region,
        kubernetesVersion: cfg.kubernetesVersion,
        vpc: cfg.vpc,
        endpoint: cfg.endpoint,
        adminPrincipals: cfg.adminPrincipals,
        bootstrapCreatorAdmin: cfg.bootstrapCreatorAdmin,
        nodeGroups: cfg.nodeGroups,
        ignoreDesiredSizeChanges: cfg.ignoreDesiredSizeChanges,
        autoscaler: cfg.autoscaler,
        metricsServer: cfg.metricsServer,
        addons: cfg.addons,
        storage: cfg.storage,
        efs: cfg.efs,
        logRetentionDays: cfg.logRetentionDays,
        imdsHopLimit: cfg.imdsHopLimit,
        irsaRoles: cfg.irsaRoles,
        platformAddons: cfg.platformAddons,
        buckets: cfg.buckets,
        cloudwatchObservability: cfg.cloudwatchObservability,
        ecr: cfg.ecr,
        tags: cfg.tags,
    };
}

function nameFor(cfg: EksClusterConfig, env: EksEnvironment): string {
    return cfg.name ?? defaultEksClusterName(env);
}

function baseIssues(cfg: EksClusterConfig): ValidationIssue[] {
    return validateEksClusterArgs(nameFor(cfg, "dev"), toEksClusterArgs(cfg, "dev"));
}

function key(i: ValidationIssue): string {
    return `${i.path.join(".")}\u0000${i.message}`;
}

/**
 * The issues `env` adds on top of the schema's own refinement (for dev: none; for prod: groups
 * spanning < 2 AZs, 0.0.0.0/0 on the public endpoint, ...). Paths are relative to `cluster`.
 */
export function validateEksForEnvironment(cfg: EksClusterConfig, env: EksEnvironment): ValidationIssue[] {
    const already = new Set(baseIssues(cfg).map(key));
    return validateEksClusterArgs(nameFor(cfg, env), toEksClusterArgs(cfg, env)).filter((i) => !already.has(key(i)));
}

/** The platform facts the EKS add-on rules need (a slice of the parsed platform config). */
export interface EksCapabilityContext {
    environment: EksEnvironment;
    /** `agent-platform:crds`: the capabilities the stack declares present. */
    crds: Partial<Record<keyof typeof CAPABILITY_ADDONS, boolean>>;
    /** Whether an enabled system turns the Istio mesh on. */
    meshOn: boolean;
    /** ClusterIssuers enabled systems name, with the config path that names each. */
    issuers: { path: string[]; name: string }[];
}

/**
 * Rules between `crds`, the systems and `cluster.platformAddons` on EKS (paths from the config
 * root). A capability declared present must be installed or marked external; with the mesh on in
 * prod an external Istio must run its CNI node agent (Pod Security `restricted` rejects
 * `istio-init`); an installed cert-manager's issuer must be the one the systems name. Pure.
 */
export function eksCapabilityIssues(cfg: EksClusterConfig, ctx: EksCapabilityContext): ValidationIssue[] {
    const issues: ValidationIssue[] = [];
    const addons = cfg.platformAddons ?? {};
    for (const [capability, addon] of Object.entries(CAPABILITY_ADDONS) as [
        keyof typeof CAPABILITY_ADDONS,
        keyof NonNullable<EksClusterConfig["platformAddons"]>,
    ][]) {
        if (ctx.crds[capability] && !addons[addon]) {
            issues.push({
                path: ["crds", capability],
                message: `is declared present, but cluster.platformAddons.${addon} neither installs it nor marks it external: add cluster.platformAddons.${addon} ({ mode: install } or { mode: external }) or set crds.${capability} to false`,
            });
        }
    }
    const istio = addons.istio;
    if (ctx.meshOn && ctx.environment === "prod" && istio?.mode === "external" && istio.cni !== true) {
        issues.push({
            path: ["cluster", "platformAddons", "istio", "cni"],
            message:
                "must be true with the mesh on in prod: without Istio's CNI node agent every injected pod carries istio-init (NET_ADMIN, NET_RAW), which Pod Security restricted rejects",
        });
    }
    const cm = addons.certManager;
    if (cm && (cm.mode ?? "install") === "install") {
        const issuer = cm.issuerName ?? DEFAULT_CLUSTER_ISSUER;
        for (const named of ctx.issuers) {
            if (named.name !== issuer) {
                issues.push({
                    path: named.path,
                    message: `names ClusterIssuer ${JSON.stringify(named.name)}, but cluster.platformAddons.certManager creates ${JSON.stringify(issuer)}`,
                });
            }
        }
    }
    return issues;
}
