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
import { PolicyDocument, secretsManagerReadPolicy, veleroPolicy } from "./iam-policies";
import { IrsaRole, IrsaRoleArgs, policyJson } from "./irsa";
import { KubeObject } from "./k8s-objects";
import { componentType } from "../kube/type-token";
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

/** An add-on's resolved entry when it is installed here. */
type Installed<K extends AddonKey> = Extract<NonNullable<ResolvedPlatformAddons[K]>, { mode: "install" }>;

/**
 * A pinned Helm release of the add-on `id`: into the chart's namespace (created), waiting for
 * every object of the chart to be ready (the default), long enough for CRDs and webhooks. Pure.
 */
export function helmReleaseArgs(id: string, chart: PinnedChart, version: string, values: pulumi.Input<Record<string, unknown>>): k8s.helm.v3.ReleaseArgs {
    return {
        name: id,
        chart: chart.chart,
        version,
        repositoryOpts: { repo: chart.repo },
        namespace: chart.namespace,
        createNamespace: true,
        values,
        timeout: 900,
        cleanupOnFail: true,
        maxHistory: 10,
    };
}

/** The IRSA role of an add-on's service account in its chart's namespace. Pure. */
function addonRoleArgs(args: ClusterAddonsArgs, chart: PinnedChart, serviceAccount: string, inlinePolicy: pulumi.Input<PolicyDocument>): IrsaRoleArgs {
    return {
        oidcProviderArn: args.oidcProviderArn,
        oidcIssuerUrl: args.oidcIssuerUrl,
        namespace: chart.namespace,
        serviceAccount,
        inlinePolicy: policyJson(inlinePolicy),
        tags: args.tags,
    };
}

/** The cert-manager EKS add-on (its version when pinned, else EKS' default). Pure. */
function certManagerAddonArgs(args: ClusterAddonsArgs, cm: Installed<"certManager">): aws.eks.AddonArgs {
    return {
        clusterName: args.clusterName,
        addonName: CERT_MANAGER_ADDON_NAME,
        ...(cm.version ? { addonVersion: cm.version } : {}),
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags: args.tags,
    };
}

/** What the add-on installers share: the component's name, args and parent, and the Helm release maker. */
interface AddonWiring {
    name: string;
    args: ClusterAddonsArgs;
    parent: pulumi.Resource;
    /** Options of an in-cluster object waiting for the cluster and `dependsOn`. */
    kube: (dependsOn: pulumi.Resource[]) => pulumi.CustomResourceOptions;
    release: (
        id: string,
        chart: PinnedChart,
        version: string,
        values: pulumi.Input<Record<string, unknown>>,
        dependsOn?: pulumi.Resource[],
    ) => k8s.helm.v3.Release;
}

function addonWiring(name: string, args: ClusterAddonsArgs, parent: pulumi.Resource): AddonWiring {
    const kube = (dependsOn: pulumi.Resource[]) => ({ parent, provider: args.provider, dependsOn: [...args.clusterReady, ...dependsOn] });
    return {
        name,
        args,
        parent,
        kube,
        release: (id, chart, version, values, dependsOn = []) =>
            new k8s.helm.v3.Release(`${name}-${id}`, helmReleaseArgs(id, chart, version, values), kube(dependsOn)),
    };
}

/** Velero: its bucket, its IRSA role, and the release once both exist. */
function installVelero(w: AddonWiring, v: Installed<"velero">): { ready: pulumi.Resource[]; roleArn: pulumi.Output<string> } {
    const { name, args } = w;
    const bucket = createBucket(
        name,
        { name: v.bucket, noncurrentVersionDays: v.noncurrentVersionDays },
        { tags: args.tags, retainOnDelete: args.environment === "prod" },
        w.parent,
    );
    const policy = pulumi.output(args.partition).apply((p) => veleroPolicy(p, v.bucket));
    const role = new IrsaRole(`${name}-velero`, addonRoleArgs(args, ADDON_CHARTS.velero, VELERO_SERVICE_ACCOUNT, policy), { parent: w.parent });
    const values = pulumi
        .all([args.region, role.roleArn])
        .apply(([region, roleArn]) => veleroValues({ bucket: v.bucket, region, roleArn, defaultVolumesToFsBackup: v.defaultVolumesToFsBackup }));
    return { ready: [w.release("velero", ADDON_CHARTS.velero, v.version, values, [...bucket.ready, role])], roleArn: role.roleArn };
}

/** cert-manager (EKS add-on) and the ACME ClusterIssuer, which needs its CRDs. */
function installCertManager(w: AddonWiring, cm: Installed<"certManager">): pulumi.Resource[] {
    const addon = new aws.eks.Addon(`${w.name}-cert-manager`, certManagerAddonArgs(w.args, cm), { parent: w.parent, dependsOn: w.args.clusterReady });
    const issuer = acmeClusterIssuer({ name: cm.issuerName, email: cm.acmeEmail, server: cm.acmeServer });
    const issuerResource = new k8s.apiextensions.CustomResource(
        `${w.name}-clusterissuer-${cm.issuerName}`,
        issuer as k8s.apiextensions.CustomResourceArgs,
        w.kube([addon]),
    );
    return [addon, issuerResource];
}

/** Istio: base (CRDs), then the CNI node agent, then istiod. */
function installIstio(w: AddonWiring, version: string): pulumi.Resource[] {
    const base = w.release("istio-base", ADDON_CHARTS.istioBase, version, { defaultRevision: "default" });
    const cni = w.release("istio-cni", ADDON_CHARTS.istioCni, version, {}, [base]);
    return [w.release("istiod", ADDON_CHARTS.istiod, version, istiodValues(w.args.environment), [base, cni])];
}

/** External Secrets Operator with its IRSA role (read under the prefix), and the ClusterSecretStore. */
function installExternalSecrets(w: AddonWiring, e: Installed<"externalSecrets">): pulumi.Resource[] {
    const { name, args } = w;
    const account = aws.getCallerIdentityOutput({}, { parent: w.parent }).accountId;
    const policy = pulumi.all([args.partition, args.region, account]).apply(([p, r, acct]) => secretsManagerReadPolicy(p, r, acct, e.secretsPrefix));
    const role = new IrsaRole(`${name}-external-secrets`, addonRoleArgs(args, ADDON_CHARTS.externalSecrets, EXTERNAL_SECRETS_SERVICE_ACCOUNT, policy), {
        parent: w.parent,
    });
    const values = role.roleArn.apply((arn) => externalSecretsValues(arn));
    const operator = w.release("external-secrets", ADDON_CHARTS.externalSecrets, e.version, values, [role]);
    const store = new k8s.apiextensions.CustomResource(
        `${name}-clustersecretstore`,
        secretsManagerStore(args.region) as k8s.apiextensions.CustomResourceArgs,
        w.kube([operator]),
    );
    return [operator, store];
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
        super(componentType("ClusterAddons"), name, {}, opts);
        const a = args.addons;
        const env = args.environment;
        const w = addonWiring(name, args, this);
        if (a.prometheusOperator?.mode === "install") {
            const values = prometheusOperatorValues(env, args.storageClassName);
            this.ready.prometheusOperator = [w.release("kube-prometheus-stack", ADDON_CHARTS.prometheusOperator, a.prometheusOperator.version, values)];
        }
        if (a.vpa?.mode === "install") {
            this.ready.vpa = [w.release("vpa", ADDON_CHARTS.vpa, a.vpa.version, vpaValues())];
        }
        if (a.velero?.mode === "install") {
            const velero = installVelero(w, a.velero);
            this.veleroBucket = a.velero.bucket;
            this.veleroRoleArn = velero.roleArn;
            this.ready.velero = velero.ready;
        }
        if (a.ingressNginx?.mode === "install") {
            const values = ingressNginxValues(env, a.ingressNginx.scheme);
            this.ready.ingressNginx = [w.release("ingress-nginx", ADDON_CHARTS.ingressNginx, a.ingressNginx.version, values)];
        }
        if (a.certManager?.mode === "install") {
            this.ready.certManager = installCertManager(w, a.certManager);
            this.clusterIssuer = a.certManager.issuerName;
        }
        if (a.istio?.mode === "install") {
            this.ready.istio = installIstio(w, a.istio.version);
        }
        if (a.externalSecrets?.mode === "install") {
            this.ready.externalSecrets = installExternalSecrets(w, a.externalSecrets);
            this.secretStore = CLUSTER_SECRET_STORE;
        }
        this.installed = ADDON_KEYS.filter((k) => this.ready[k]).sort();
        this.registerOutputs({ installed: this.installed, ...(this.veleroRoleArn ? { veleroRoleArn: this.veleroRoleArn } : {}) });
    }
}
