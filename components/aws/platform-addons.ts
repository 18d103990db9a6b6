/**
 * The cluster add-ons the systems rely on: Prometheus Operator, VPA, Velero (bucket, IRSA role,
 * backup storage and volume snapshot locations, node agent), cert-manager with the ACME
 * ClusterIssuer, Istio with its CNI node agent, and ingress-nginx behind an NLB.
 *
 * cert-manager is an EKS (community) add-on; AWS offers none for the others, so they are pinned
 * Helm releases (`ADDON_CHARTS`). Pure builders produce the values; `ClusterAddons` wires them,
 * and `dependOnAddons` makes every object that needs an add-on (a CRD-backed kind, an Ingress, a
 * pod in a namespace the mesh may inject) depend on it, so a first `pulumi up` on a fresh cluster
 * never meets an unknown kind or a missing webhook.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createBucket } from "./buckets";
import {
    ADDON_CHARTS,
    CERT_MANAGER_ADDON_NAME,
    CLUSTER_SECRET_STORE,
    EXTERNAL_SECRETS_SERVICE_ACCOUNT,
    INGRESS_CLASS_NAME,
    PinnedChart,
    VELERO_AWS_PLUGIN_IMAGE,
    VELERO_LOCATION_NAME,
    VELERO_SERVICE_ACCOUNT,
} from "./defaults";
import { secretsManagerReadPolicy, veleroPolicy } from "./iam-policies";
import { IrsaRole } from "./irsa";
import { KubeObject } from "./k8s-objects";
import { EksEnvironment, LoadBalancerScheme, PlatformAddonsArgs } from "./types";
import { ResolvedPlatformAddons } from "./resolved";

/** The add-ons, by their `platformAddons` key. */
export type AddonKey = keyof PlatformAddonsArgs;
export const ADDON_KEYS: readonly AddonKey[] = ["prometheusOperator", "vpa", "velero", "certManager", "istio", "ingressNginx", "externalSecrets"];

/** API groups of the CRD-backed kinds each add-on serves. */
export const ADDON_API_GROUPS: Readonly<Record<AddonKey, readonly string[]>> = {
    prometheusOperator: ["monitoring.coreos.com"],
    vpa: ["autoscaling.k8s.io"],
    velero: ["velero.io"],
    certManager: ["cert-manager.io", "acme.cert-manager.io"],
    istio: ["networking.istio.io", "security.istio.io", "telemetry.istio.io"],
    ingressNginx: [],
    externalSecrets: ["external-secrets.io", "generators.external-secrets.io"],
};

/** Kinds whose pods Istio's injector must see: in a meshed namespace they are admitted only after istiod runs. */
const POD_KINDS = new Set(["core/Pod", "apps/Deployment", "apps/StatefulSet", "apps/DaemonSet", "apps/ReplicaSet", "batch/Job", "batch/CronJob"]);

/**
 * The add-ons an object of Pulumi type `type` (`kubernetes:<group>/<version>:<Kind>`) needs
 * before it is created (pure):
 * * a CRD-backed kind: the add-on serving its API group (else "no matches for kind");
 * * an Ingress: the ingress controller (Pulumi awaits its address) and cert-manager (its TLS secret);
 * * anything with pods: Istio, whose injector adds the sidecar at admission (a pod admitted
 *   before istiod runs has none, and STRICT mTLS then refuses it).
 */
export function addonsNeededBy(type: string): AddonKey[] {
    const m = /^kubernetes:([^/]+)\/[^:]+:(.+)$/.exec(type);
    if (!m) return [];
    const [, group, kind] = m;
    const byGroup = ADDON_KEYS.filter((k) => ADDON_API_GROUPS[k].includes(group));
    if (byGroup.length) return byGroup;
    if (group === "networking.k8s.io" && kind === "Ingress") return ["ingressNginx", "certManager"];
    if (POD_KINDS.has(`${group}/${kind}`)) return ["istio"];
    return [];
}

/** What each installed add-on's dependents wait for. */
export type AddonReadiness = Partial<Record<AddonKey, pulumi.Resource[]>>;

/**
 * A transformation for the systems' components (inherited by every child): adds the add-ons an
 * object needs (`addonsNeededBy`) to its `dependsOn`. Add-ons that are external or absent add nothing.
 */
export function dependOnAddons(ready: AddonReadiness): pulumi.ResourceTransformation {
    return (t) => {
        const needs = addonsNeededBy(t.type).flatMap((k) => ready[k] ?? []);
        if (needs.length === 0) return undefined;
        return { props: t.props, opts: pulumi.mergeOptions(t.opts, { dependsOn: needs }) };
    };
}

const PART_OF = { "app.kubernetes.io/part-of": "agent-platform", "app.kubernetes.io/managed-by": "pulumi" };
const replicasFor = (env: EksEnvironment) => (env === "prod" ? 2 : 1);

/**
 * kube-prometheus-stack values: the operator with its CRDs; a Prometheus that selects every
 * ServiceMonitor/PodMonitor/PrometheusRule in the cluster (the chart's default is only its own
 * release's); no Grafana (its chart default admin password is public); no scrapes of control-plane
 * components EKS does not expose. Pure.
 */
export function prometheusOperatorValues(env: EksEnvironment, storageClassName: string): Record<string, unknown> {
    return {
        crds: { enabled: true },
        grafana: { enabled: false },
        kubeControllerManager: { enabled: false },
        kubeEtcd: { enabled: false },
        kubeProxy: { enabled: false },
        kubeScheduler: { enabled: false },
        alertmanager: { alertmanagerSpec: { replicas: replicasFor(env) } },
        prometheus: {
            prometheusSpec: {
                replicas: replicasFor(env),
                retention: env === "prod" ? "15d" : "2d",
                serviceMonitorSelectorNilUsesHelmValues: false,
                podMonitorSelectorNilUsesHelmValues: false,
                ruleSelectorNilUsesHelmValues: false,
                storageSpec: {
                    volumeClaimTemplate: {
                        spec: { storageClassName, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: env === "prod" ? "50Gi" : "10Gi" } } },
                    },
                },
            },
        },
    };
}

/** VPA values: recommender, updater and admission controller (the systems' VPAs may run in Auto mode). Pure. */
export function vpaValues(): Record<string, unknown> {
    return { recommender: { enabled: true }, updater: { enabled: true }, admissionController: { enabled: true } };
}

export interface VeleroValuesArgs {
    bucket: string;
    region: string;
    roleArn: string;
    defaultVolumesToFsBackup: boolean;
}

/**
 * Velero values: the AWS plugin, credentials from IRSA (no Secret), backup storage location and
 * EBS volume snapshot location `default` (the name the systems' Schedules use), and the node agent
 * for file-system backups (Kopia) of volumes that cannot be snapshotted (EFS). Pure.
 */
export function veleroValues(a: VeleroValuesArgs): Record<string, unknown> {
    return {
        initContainers: [
            {
                name: "velero-plugin-for-aws",
                image: VELERO_AWS_PLUGIN_IMAGE,
                imagePullPolicy: "IfNotPresent",
                volumeMounts: [{ mountPath: "/target", name: "plugins" }],
            },
        ],
        credentials: { useSecret: false },
        serviceAccount: { server: { create: true, name: VELERO_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": a.roleArn } } },
        configuration: {
            backupStorageLocation: [{ name: VELERO_LOCATION_NAME, provider: "aws", bucket: a.bucket, default: true, config: { region: a.region } }],
            volumeSnapshotLocation: [{ name: VELERO_LOCATION_NAME, provider: "aws", config: { region: a.region } }],
            uploaderType: "kopia",
            defaultVolumesToFsBackup: a.defaultVolumesToFsBackup,
        },
        deployNodeAgent: true,
        snapshotsEnabled: true,
        upgradeCRDs: true,
    };
}

/**
 * istiod values: the CNI node agent sets up traffic redirection, so injected pods carry no
 * `istio-init` (NET_ADMIN, NET_RAW) and pass Pod Security `restricted`; native sidecars
 * (Kubernetes >= 1.29) let Jobs complete, because the proxy stops with the main container. Pure.
 */
export function istiodValues(env: EksEnvironment): Record<string, unknown> {
    return {
        pilot: {
            cni: { enabled: true },
            env: { ENABLE_NATIVE_SIDECARS: "true" },
            replicaCount: replicasFor(env),
            autoscaleMin: replicasFor(env),
        },
    };
}

/** In-tree service annotations for an AWS Network Load Balancer (internal when asked). */
export function nlbAnnotations(scheme: LoadBalancerScheme): Record<string, string> {
    return {
        "service.beta.kubernetes.io/aws-load-balancer-type": "nlb",
        ...(scheme === "internal" ? { "service.beta.kubernetes.io/aws-load-balancer-internal": "true" } : {}),
    };
}

/** ingress-nginx values: IngressClass `nginx` (seed 002), an NLB keeping client addresses, no snippets. Pure. */
export function ingressNginxValues(env: EksEnvironment, scheme: LoadBalancerScheme): Record<string, unknown> {
    return {
        controller: {
            replicaCount: replicasFor(env),
            ingressClass: INGRESS_CLASS_NAME,
            ingressClassResource: { name: INGRESS_CLASS_NAME, enabled: true, default: false },
            allowSnippetAnnotations: false,
            service: { type: "LoadBalancer", externalTrafficPolicy: "Local", annotations: nlbAnnotations(scheme) },
        },
    };
}

/** External Secrets Operator values: its CRDs, and credentials from IRSA on its service account. Pure. */
export function externalSecretsValues(roleArn: string): Record<string, unknown> {
    return {
        installCRDs: true,
        serviceAccount: { create: true, name: EXTERNAL_SECRETS_SERVICE_ACCOUNT, annotations: { "eks.amazonaws.com/role-arn": roleArn } },
    };
}

/**
 * The ClusterSecretStore the systems' ExternalSecrets name: AWS Secrets Manager in the cluster's
 * region, with the operator's own (IRSA) credentials, so no access key exists anywhere. Pure.
 */
export function secretsManagerStore(region: pulumi.Input<string>): KubeObject {
    return {
        apiVersion: "external-secrets.io/v1",
        kind: "ClusterSecretStore",
        metadata: { name: CLUSTER_SECRET_STORE, labels: { ...PART_OF, "app.kubernetes.io/name": CLUSTER_SECRET_STORE } },
        spec: { provider: { aws: { service: "SecretsManager", region } } },
    };
}

export interface AcmeIssuerArgs {
    name: string;
    email: string;
    server: string;
}

/** The ACME ClusterIssuer the Ingresses name (HTTP-01 through the `nginx` class). Pure. */
export function acmeClusterIssuer(a: AcmeIssuerArgs): KubeObject {
    return {
        apiVersion: "cert-manager.io/v1",
        kind: "ClusterIssuer",
        metadata: { name: a.name, labels: { ...PART_OF, "app.kubernetes.io/name": a.name } },
        spec: {
            acme: {
                email: a.email,
                server: a.server,
                privateKeySecretRef: { name: `${a.name}-account-key` },
                solvers: [{ http01: { ingress: { ingressClassName: INGRESS_CLASS_NAME } } }],
            },
        },
    };
}

export interface ClusterAddonsArgs {
    addons: ResolvedPlatformAddons;
    environment: EksEnvironment;
    /** Region of the Velero bucket and snapshots (the cluster's). */
    region: pulumi.Input<string>;
    oidcProviderArn: pulumi.Input<string>;
    oidcIssuerUrl: pulumi.Input<string>;
    /** AWS partition (for ARNs in policies). */
    partition: pulumi.Input<string>;
    clusterName: pulumi.Input<string>;
    /** The default StorageClass (Prometheus' volumes). */
    storageClassName: string;
    /** The cluster's Kubernetes provider. */
    provider: k8s.Provider;
    /** What in-cluster parts wait for: nodes, cluster-admin access, the default StorageClass. */
    clusterReady: pulumi.Resource[];
    tags: Record<string, string>;
}

/**
 * The installed add-ons (children of the cluster component). `ready` says what dependents wait
 * for; `dependOnAddons(addons.ready)` applies it to the systems.
 */
export class ClusterAddons extends pulumi.ComponentResource {
    /** What objects needing each installed add-on wait for (absent: external or not provided). */
    public readonly ready: AddonReadiness = {};
    /** The add-ons installed here, sorted. */
    public readonly installed: AddonKey[];
    /** Velero's backup bucket name and IRSA role ARN, when Velero is installed here. */
    public readonly veleroBucket?: string;
    public readonly veleroRoleArn?: pulumi.Output<string>;
    /** The ACME ClusterIssuer's name, when cert-manager is installed here. */
    public readonly clusterIssuer?: string;
    /** The ClusterSecretStore's name, when the External Secrets Operator is installed here. */
    public readonly secretStore?: string;

    constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("agent-platform:index:ClusterAddons", name, {}, opts);
        const a = args.addons;
        const env = args.environment;
        const kube = { parent: this, provider: args.provider };
        const release = (id: string, chart: PinnedChart, version: string, values: pulumi.Input<Record<string, unknown>>, dependsOn: pulumi.Resource[] = []) =>
            new k8s.helm.v3.Release(
                `${name}-${id}`,
                {
                    name: id,
                    chart: chart.chart,
                    version,
                    repositoryOpts: { repo: chart.repo },
                    namespace: chart.namespace,
                    createNamespace: true,
                    values,
                    // Wait for every object of the chart to be ready (the default), long enough for CRDs and webhooks.
                    timeout: 900,
                    cleanupOnFail: true,
                    maxHistory: 10,
                },
                { ...kube, dependsOn: [...args.clusterReady, ...dependsOn] },
            );

        if (a.prometheusOperator?.mode === "install") {
            this.ready.prometheusOperator = [
                release(
                    "kube-prometheus-stack",
                    ADDON_CHARTS.prometheusOperator,
                    a.prometheusOperator.version,
                    prometheusOperatorValues(env, args.storageClassName),
                ),
            ];
        }
        if (a.vpa?.mode === "install") {
            this.ready.vpa = [release("vpa", ADDON_CHARTS.vpa, a.vpa.version, vpaValues())];
        }
        if (a.velero?.mode === "install") {
            const v = a.velero;
            const bucket = createBucket(
                name,
                { name: v.bucket, noncurrentVersionDays: v.noncurrentVersionDays },
                { tags: args.tags, retainOnDelete: env === "prod" },
                this,
            );
            const role = new IrsaRole(
                `${name}-velero`,
                {
                    oidcProviderArn: args.oidcProviderArn,
                    oidcIssuerUrl: args.oidcIssuerUrl,
                    namespace: ADDON_CHARTS.velero.namespace,
                    serviceAccount: VELERO_SERVICE_ACCOUNT,
                    inlinePolicy: pulumi.output(args.partition).apply((p) => veleroPolicy(p, v.bucket)),
                    tags: args.tags,
                },
                { parent: this },
            );
            this.veleroBucket = v.bucket;
            this.veleroRoleArn = role.roleArn;
            const values = pulumi
                .all([args.region, role.roleArn])
                .apply(([region, roleArn]) => veleroValues({ bucket: v.bucket, region, roleArn, defaultVolumesToFsBackup: v.defaultVolumesToFsBackup }));
            this.ready.velero = [release("velero", ADDON_CHARTS.velero, v.version, values, [...bucket.ready, role])];
        }
        if (a.ingressNginx?.mode === "install") {
            this.ready.ingressNginx = [
                release("ingress-nginx", ADDON_CHARTS.ingressNginx, a.ingressNginx.version, ingressNginxValues(env, a.ingressNginx.scheme)),
            ];
        }
        if (a.certManager?.mode === "install") {
            const cm = a.certManager;
            const addon = new aws.eks.Addon(
                `${name}-cert-manager`,
                {
                    clusterName: args.clusterName,
                    addonName: CERT_MANAGER_ADDON_NAME,
                    ...(cm.version ? { addonVersion: cm.version } : {}),
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                    tags: args.tags,
                },
                { parent: this, dependsOn: args.clusterReady },
            );
            const issuer = acmeClusterIssuer({ name: cm.issuerName, email: cm.acmeEmail, server: cm.acmeServer });
            const issuerResource = new k8s.apiextensions.CustomResource(
                `${name}-clusterissuer-${cm.issuerName}`,
                issuer as k8s.apiextensions.CustomResourceArgs,
                {
                    ...kube,
                    dependsOn: [...args.clusterReady, addon],
                },
            );
            this.clusterIssuer = cm.issuerName;
            this.ready.certManager = [addon, issuerResource];
        }
        if (a.istio?.mode === "install") {
            const version = a.istio.version;
            const base = release("istio-base", ADDON_CHARTS.istioBase, version, { defaultRevision: "default" });
            const cni = release("istio-cni", ADDON_CHARTS.istioCni, version, {}, [base]);
            this.ready.istio = [release("istiod", ADDON_CHARTS.istiod, version, istiodValues(env), [base, cni])];
        }
        if (a.externalSecrets?.mode === "install") {
            const e = a.externalSecrets;
            const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
            const role = new IrsaRole(
                `${name}-external-secrets`,
                {
                    oidcProviderArn: args.oidcProviderArn,
                    oidcIssuerUrl: args.oidcIssuerUrl,
                    namespace: ADDON_CHARTS.externalSecrets.namespace,
                    serviceAccount: EXTERNAL_SECRETS_SERVICE_ACCOUNT,
                    inlinePolicy: pulumi
                        .all([args.partition, args.region, account])
                        .apply(([p, r, acct]) => secretsManagerReadPolicy(p, r, acct, e.secretsPrefix)),
                    tags: args.tags,
                },
                { parent: this },
            );
            const operator = release(
                "external-secrets",
                ADDON_CHARTS.externalSecrets,
                e.version,
                role.roleArn.apply((arn) => externalSecretsValues(arn)),
                [role],
            );
            const store = new k8s.apiextensions.CustomResource(
                `${name}-clustersecretstore`,
                secretsManagerStore(args.region) as k8s.apiextensions.CustomResourceArgs,
                {
                    ...kube,
                    dependsOn: [...args.clusterReady, operator],
                },
            );
            this.secretStore = CLUSTER_SECRET_STORE;
            this.ready.externalSecrets = [operator, store];
        }
        this.installed = ADDON_KEYS.filter((k) => this.ready[k]).sort();
        this.registerOutputs({ installed: this.installed, ...(this.veleroRoleArn ? { veleroRoleArn: this.veleroRoleArn } : {}) });
    }
}
