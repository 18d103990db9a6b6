/**
 * EksCluster: VPC, EKS control plane, managed node groups, IRSA, add-ons, cluster-autoscaler,
 * metrics-server, gp3 default StorageClass, opt-in EFS (ReadWriteMany StorageClass), and a
 * `k8s.Provider` for everything deployed on it.
 * Built with `@pulumi/aws` resources only. All validation happens before `super(...)`.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { clusterAutoscalerManifests } from "./cluster-autoscaler";
import { EFS_CSI_CONTROLLER_SERVICE_ACCOUNT, GP3_STORAGE_CLASS_NAME, IRSA_AUDIENCE, VPC_CNI_CONFIGURATION } from "./defaults";
import { createBucket } from "./buckets";
import { createEcr } from "./ecr";
import { createEfs } from "./efs";
import { clusterAutoscalerPolicy, managedPolicyArn, PolicyDocument, s3AccessPolicy } from "./iam-policies";
import { IrsaRole } from "./irsa";
import { createKubeObject, KubeObject } from "./k8s-objects";
import { clusterAutoscalerNetworkPolicy, metricsServerNetworkPolicy } from "./kube-system-policies";
import { buildKubeconfig } from "./kubeconfig";
import { metricsServerManifests } from "./metrics-server";
import { createNetwork } from "./network";
import { CLOUDWATCH_AGENT_POLICY, createCloudWatchObservability } from "./observability";
import { ClusterAddons } from "./platform-addons";
import { efsStorageClass, gp3StorageClass } from "./storage-class";
import { EksClusterArgs } from "./types";
import { createControlPlane } from "./control-plane";
import { createNodeGroups } from "./node-groups";
import { ResolvedEksCluster } from "./resolved";
import { resolveEksClusterArgs } from "./validation";

/** AWS resource types without a region (IAM is global). */
const GLOBAL_AWS_TYPE_PREFIXES = ["aws:iam/"];

/**
 * Pins every regional `aws:` child resource to `region` (the per-resource `region` input of
 * @pulumi/aws v7), so `cluster.region` is authoritative whatever `aws:region` says.
 */
export function regionTransformation(region: string): pulumi.ResourceTransformation {
    return (t) => {
        if (!t.type.startsWith("aws:") || GLOBAL_AWS_TYPE_PREFIXES.some((p) => t.type.startsWith(p))) return undefined;
        return { props: { ...t.props, region }, opts: t.opts };
    };
}

export class EksCluster extends pulumi.ComponentResource {
    /** Validated, defaulted settings this cluster was built from. */
    public readonly settings: ResolvedEksCluster;
    public readonly cluster: aws.eks.Cluster;
    public readonly clusterName: pulumi.Output<string>;
    public readonly clusterArn: pulumi.Output<string>;
    public readonly endpoint: pulumi.Output<string>;
    /** The cluster's region (`args.region`, else the AWS provider's region). */
    public readonly region: pulumi.Output<string>;
    public readonly vpcId: pulumi.Output<string>;
    /**
     * The VPC's IPv4 CIDR. The API server's ENIs and the nodes live in it, so it is the range to
     * scope NetworkPolicy egress to the API server (and kubelets) to.
     */
    public readonly vpcCidr: pulumi.Output<string>;
    /** The cluster's Service CIDR (the `kubernetes` Service's ClusterIP is in it). */
    public readonly serviceCidr: pulumi.Output<string>;
    /**
     * Where pods reach the API server: the VPC CIDR (control-plane ENIs) and the Service CIDR
     * (the `kubernetes` ClusterIP). The scope of every NetworkPolicy egress to the API server.
     */
    public readonly apiServerCidrs: pulumi.Output<string[]>;
    public readonly privateSubnetIds: pulumi.Output<string[]>;
    public readonly publicSubnetIds: pulumi.Output<string[]>;
    public readonly oidcProviderArn: pulumi.Output<string>;
    public readonly oidcIssuerUrl: pulumi.Output<string>;
    public readonly kmsKeyArn: pulumi.Output<string>;
    public readonly nodeRoleArn: pulumi.Output<string>;
    /** Node-group config name -> EKS node group name. */
    public readonly nodeGroupNames: pulumi.Output<Record<string, string>>;
    public readonly nodeGroups: Record<string, aws.eks.NodeGroup>;
    /** Kubeconfig (JSON) with an `aws eks get-token` exec credential. Secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    /** The provider every Kubernetes resource of this cluster must use. */
    public readonly provider: k8s.Provider;
    /** Name of the gp3 default StorageClass. */
    public readonly storageClassName: string;
    public readonly ebsCsiRoleArn: pulumi.Output<string>;
    /** EFS file system id; set only with `efs.enabled`. */
    public readonly efsFileSystemId?: pulumi.Output<string>;
    /** Name of the ReadWriteMany EFS StorageClass; set only with `efs.enabled`. */
    public readonly efsStorageClassName?: string;
    /** IRSA role of the EFS CSI controller; set only with `efs.enabled`. */
    public readonly efsCsiRoleArn?: pulumi.Output<string>;
    public readonly autoscalerRoleArn?: pulumi.Output<string>;
    /** ARNs of the `irsaRoles` from the args, by name. */
    public readonly irsaRoleArns: Record<string, pulumi.Output<string>>;
    /** ECR repository URLs by repository name (`ecr.repositories`). */
    public readonly ecrRepositoryUrls: Record<string, pulumi.Output<string>> = {};
    /** The CloudWatch agent's IRSA role; set only with `cloudwatchObservability.enabled`. */
    public readonly cloudwatchAgentRoleArn?: pulumi.Output<string>;
    /** The buckets of `buckets`, by bucket name. */
    public readonly buckets: Record<string, aws.s3.Bucket>;
    /** The platform add-ons (`platformAddons`): what the systems depend on. */
    public readonly addons: ClusterAddons;
    /** Whether NetworkPolicies are enforced: always, the vpc-cni add-on runs its network policy agent. */
    public readonly networkPolicyEnforcement = "enforced" as const;
    private readonly partition: pulumi.Output<string>;
    private readonly baseName: string;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate everything before any resource (including this component) is registered.
        const s = resolveEksClusterArgs(name, args);
        super(
            "agent-platform:aws:EksCluster",
            name,
            {},
            {
                ...opts,
                transformations: [...(opts?.transformations ?? []), ...(s.region ? [regionTransformation(s.region)] : [])],
            },
        );
        this.settings = s;
        this.baseName = name;
        const parent = { parent: this };
        const tags = { ...s.tags, "agent-platform/cluster": s.clusterName };
        const partition = aws.getPartitionOutput({}, parent).partition;
        this.partition = partition;
        const policyArn = (policy: string) => partition.apply((p) => managedPolicyArn(p, policy));
        // With `region` set, every regional AWS child is pinned to it (see regionTransformation);
        // otherwise everything follows the AWS provider's region.
        this.region = s.region ? pulumi.output(s.region) : aws.getRegionOutput({}, parent).region;

        // --- network
        let privateSubnetIds: pulumi.Input<string>[];
        let publicSubnetIds: pulumi.Input<string>[];
        if (s.vpc.kind === "create") {
            const net = createNetwork(name, { clusterName: s.clusterName, ...s.vpc, region: s.region, tags }, this);
            this.vpcId = net.vpcId;
            this.vpcCidr = pulumi.output(s.vpc.cidr);
            privateSubnetIds = net.privateSubnetIds;
            publicSubnetIds = net.publicSubnetIds;
        } else {
            this.vpcId = pulumi.output(s.vpc.vpcId);
            this.vpcCidr = s.vpc.cidr !== undefined ? pulumi.output(s.vpc.cidr) : aws.ec2.getVpcOutput({ id: s.vpc.vpcId }, parent).cidrBlock;
            privateSubnetIds = s.vpc.privateSubnetIds;
            publicSubnetIds = s.vpc.publicSubnetIds;
        }
        this.privateSubnetIds = pulumi.output(privateSubnetIds);
        this.publicSubnetIds = pulumi.output(publicSubnetIds);

        // --- control plane
        const { key, cluster, adminAccess } = createControlPlane({ name, settings: s, privateSubnetIds, tags, partition, owner: this });
        this.kmsKeyArn = key.arn;
        this.cluster = cluster;
        this.clusterName = this.cluster.name;
        this.clusterArn = this.cluster.arn;
        this.serviceCidr = this.cluster.kubernetesNetworkConfig.apply((c) => c.serviceIpv4Cidr!);
        this.apiServerCidrs = pulumi.all([this.vpcCidr, this.serviceCidr]).apply(([vpc, svc]) => [vpc, svc]);
        this.endpoint = this.cluster.endpoint;

        // --- IRSA: the cluster's OIDC provider. No thumbprint is pinned: IAM validates EKS
        // issuers against its trusted root CAs and fills the thumbprint itself.
        const oidc = new aws.iam.OpenIdConnectProvider(
            `${name}-oidc`,
            { url: this.cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!), clientIdLists: [IRSA_AUDIENCE], tags },
            parent,
        );
        this.oidcProviderArn = oidc.arn;
        this.oidcIssuerUrl = this.cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!);
        const irsa = (
            roleName: string,
            namespace: string,
            serviceAccount: string,
            extra: { policyArns?: pulumi.Input<string>[]; inlinePolicy?: pulumi.Input<PolicyDocument> },
        ) =>
            new IrsaRole(
                `${name}-${roleName}`,
                { oidcProviderArn: oidc.arn, oidcIssuerUrl: this.oidcIssuerUrl, namespace, serviceAccount, tags, ...extra },
                parent,
            );

        // --- add-ons that nodes need to join (before compute, as terraform-aws-modules/eks does)
        const addon = (addonName: string, version: string | undefined, extra: Partial<aws.eks.AddonArgs> = {}, dependsOn: pulumi.Resource[] = []) =>
            new aws.eks.Addon(
                `${name}-${addonName}`,
                {
                    clusterName: this.cluster.name,
                    addonName,
                    ...(version ? { addonVersion: version } : {}),
                    resolveConflictsOnCreate: "OVERWRITE",
                    resolveConflictsOnUpdate: "OVERWRITE",
                    tags,
                    ...extra,
                },
                { parent: this, dependsOn },
            );
        // configurationValues: the network policy agent, so every NetworkPolicy is enforced (seed 003:
        // "Enable CNI plugin that supports network policies"); without it they are accepted and ignored.
        const vpcCni = addon("vpc-cni", s.addons.vpcCni, { configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) });
        const kubeProxy = addon("kube-proxy", s.addons.kubeProxy);

        // --- node groups
        const nodes = createNodeGroups({ name, settings: s, cluster, privateSubnetIds, tags, partition, joinAddons: [vpcCni, kubeProxy], owner: this });
        this.nodeRoleArn = nodes.nodeRole.arn;
        this.nodeGroups = nodes.nodeGroups;
        const nodeGroupList = Object.values(this.nodeGroups);
        this.nodeGroupNames = pulumi
            .all(Object.entries(this.nodeGroups).map(([k, ng]) => ng.nodeGroupName.apply((n) => [k, n] as const)))
            .apply((pairs) => Object.fromEntries(pairs));

        // --- add-ons that need running nodes
        addon("coredns", s.addons.coredns, {}, nodeGroupList);
        const ebsRole = irsa("ebs-csi", "kube-system", "ebs-csi-controller-sa", { policyArns: [policyArn("service-role/AmazonEBSCSIDriverPolicy")] });
        this.ebsCsiRoleArn = ebsRole.roleArn;
        const ebsCsi = addon("aws-ebs-csi-driver", s.addons.awsEbsCsiDriver, { serviceAccountRoleArn: ebsRole.roleArn }, nodeGroupList);

        // --- opt-in EFS (ReadWriteMany): file system, NFS security group, mount targets, CSI add-on
        let efsReady: pulumi.Resource[] = [];
        if (s.efs) {
            const efs = createEfs(
                name,
                {
                    clusterName: s.clusterName,
                    efs: s.efs,
                    vpcId: this.vpcId,
                    privateSubnetIds,
                    nodeSecurityGroupId: this.cluster.vpcConfig.clusterSecurityGroupId,
                    kmsKeyArn: key.arn,
                    tags,
                },
                this,
            );
            this.efsFileSystemId = efs.fileSystem.id;
            const efsRole = irsa("efs-csi", "kube-system", EFS_CSI_CONTROLLER_SERVICE_ACCOUNT, {
                policyArns: [policyArn("service-role/AmazonEFSCSIDriverPolicy")],
            });
            this.efsCsiRoleArn = efsRole.roleArn;
            const efsCsi = addon("aws-efs-csi-driver", s.addons.awsEfsCsiDriver, { serviceAccountRoleArn: efsRole.roleArn }, nodeGroupList);
            efsReady = [efsCsi, efs.nfsIngress, ...efs.mountTargets];
        }

        // --- extra IRSA roles (e.g. the Postgres backup job's S3 access)
        this.irsaRoleArns = {};
        for (const [roleName, spec] of Object.entries(s.irsaRoles).sort(([a], [b]) => (a < b ? -1 : 1))) {
            const s3 = spec.s3Access;
            const role = irsa(`irsa-${roleName}`, spec.namespace, spec.serviceAccount, {
                policyArns: spec.policyArns,
                inlinePolicy: s3 ? partition.apply((p) => s3AccessPolicy(p, s3.bucket, s3.prefix, s3.readOnly ?? false)) : undefined,
            });
            this.irsaRoleArns[roleName] = role.roleArn;
        }

        // --- container logs and metrics (CloudWatch agent + Fluent Bit), log groups with our retention
        if (s.cloudwatchObservability) {
            const cw = createCloudWatchObservability(
                name,
                {
                    clusterName: s.clusterName,
                    eksClusterName: this.cluster.name,
                    retentionDays: s.cloudwatchObservability.logRetentionDays,
                    version: s.cloudwatchObservability.version,
                    oidcProviderArn: oidc.arn,
                    oidcIssuerUrl: this.oidcIssuerUrl,
                    agentPolicyArn: policyArn(CLOUDWATCH_AGENT_POLICY),
                    nodesReady: nodeGroupList,
                    tags,
                },
                this,
            );
            this.cloudwatchAgentRoleArn = cw.roleArn;
        }

        // --- ECR repositories for the project's own images, pull-through cache rules
        if (s.ecr) {
            const repos = createEcr(name, { ...s.ecr, kmsKeyArn: key.arn, tags }, this);
            for (const [repoName, repo] of Object.entries(repos)) this.ecrRepositoryUrls[repoName] = repo.repositoryUrl;
        }

        // --- S3 buckets the stack owns (e.g. the Postgres dump target of an irsaRoles entry)
        this.buckets = {};
        for (const b of s.buckets) {
            this.buckets[b.name] = createBucket(name, b, { tags, retainOnDelete: s.environment === "prod" }, this).bucket;
        }

        // --- Kubernetes provider from stable inputs (no token in the kubeconfig)
        this.kubeconfig = pulumi.secret(
            pulumi
                .all([this.cluster.name, this.cluster.endpoint, this.cluster.certificateAuthority.data, this.region])
                .apply(([clusterName, endpoint, ca, region]) =>
                    JSON.stringify(buildKubeconfig({ clusterName, endpoint, certificateAuthorityData: ca, region })),
                ),
        );
        // enablePatchForce: the stack takes back the fields it declares after a manual `kubectl`
        // edit (as on existing clusters, stacks/cluster.ts); HPA-owned replicas are never declared.
        this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enablePatchForce: true }, { parent: this, dependsOn: adminAccess });

        // --- in-cluster add-ons on the cluster's own provider, after nodes exist
        const kubeOpts = { parent: this, provider: this.provider, dependsOn: [...nodeGroupList, ...adminAccess] };
        const objects: KubeObject[] = [];
        this.storageClassName = GP3_STORAGE_CLASS_NAME;
        const gp3 = createKubeObject(name, gp3StorageClass(s.storage.defaultReclaimPolicy), { ...kubeOpts, dependsOn: [...kubeOpts.dependsOn, ebsCsi] });
        if (s.efs && this.efsFileSystemId) {
            this.efsStorageClassName = s.efs.storageClassName;
            createKubeObject(name, efsStorageClass({ name: s.efs.storageClassName, fileSystemId: this.efsFileSystemId, reclaimPolicy: s.efs.reclaimPolicy }), {
                ...kubeOpts,
                dependsOn: [...kubeOpts.dependsOn, ...efsReady],
            });
        }
        if (s.autoscaler.enabled) {
            const caRole = irsa("cluster-autoscaler", "kube-system", "cluster-autoscaler", {
                inlinePolicy: clusterAutoscalerPolicy(s.clusterName),
            });
            this.autoscalerRoleArn = caRole.roleArn;
            objects.push(
                ...clusterAutoscalerManifests({
                    clusterName: s.clusterName,
                    region: this.region,
                    image: s.autoscaler.image,
                    maxNodes: s.autoscaler.maxNodes,
                    expander: s.autoscaler.expander,
                    scaleDownUnneededTime: s.autoscaler.scaleDownUnneededTime,
                    roleArn: caRole.roleArn,
                }),
            );
        }
        if (s.metricsServer.enabled) {
            objects.push(...metricsServerManifests({ image: s.metricsServer.image, replicas: s.environment === "prod" ? 2 : 1 }));
        }
        // Their own NetworkPolicies: nothing else reaches them, they reach only what they need.
        const policyScope = { apiServerCidrs: [this.vpcCidr, this.serviceCidr], vpcCidr: this.vpcCidr };
        if (s.autoscaler.enabled) objects.push(clusterAutoscalerNetworkPolicy(policyScope));
        if (s.metricsServer.enabled) objects.push(metricsServerNetworkPolicy(policyScope));
        for (const obj of objects) createKubeObject(name, obj, kubeOpts);

        // --- platform add-ons (Prometheus Operator, VPA, Velero, cert-manager, Istio, ingress-nginx)
        this.addons = new ClusterAddons(
            `${name}-addons`,
            {
                addons: s.platformAddons,
                environment: s.environment,
                region: this.region,
                oidcProviderArn: oidc.arn,
                oidcIssuerUrl: this.oidcIssuerUrl,
                partition,
                clusterName: this.cluster.name,
                storageClassName: GP3_STORAGE_CLASS_NAME,
                provider: this.provider,
                clusterReady: [...nodeGroupList, ...adminAccess, gp3],
                tags,
            },
            { parent: this },
        );

        this.registerOutputs({
            clusterName: this.clusterName,
            clusterArn: this.clusterArn,
            endpoint: this.endpoint,
            kubeconfig: this.kubeconfig,
            oidcProviderArn: this.oidcProviderArn,
            oidcIssuerUrl: this.oidcIssuerUrl,
            nodeGroupNames: this.nodeGroupNames,
            vpcId: this.vpcId,
            vpcCidr: this.vpcCidr,
            serviceCidr: this.serviceCidr,
            privateSubnetIds: this.privateSubnetIds,
            publicSubnetIds: this.publicSubnetIds,
            kmsKeyArn: this.kmsKeyArn,
            nodeRoleArn: this.nodeRoleArn,
            ebsCsiRoleArn: this.ebsCsiRoleArn,
            ...(this.efsFileSystemId ? { efsFileSystemId: this.efsFileSystemId, efsCsiRoleArn: this.efsCsiRoleArn } : {}),
        });
    }

    /**
     * An IRSA role for `namespace/serviceAccount` on this cluster (child of the cluster).
     * Put `role.serviceAccountAnnotations` on the ServiceAccount.
     */
    public createIrsaRole(
        roleName: string,
        args: { namespace: string; serviceAccount: string; policyArns?: pulumi.Input<string>[]; inlinePolicy?: pulumi.Input<PolicyDocument> },
        opts?: pulumi.ComponentResourceOptions,
    ): IrsaRole {
        return new IrsaRole(
            `${this.baseName}-${roleName}`,
            { oidcProviderArn: this.oidcProviderArn, oidcIssuerUrl: this.oidcIssuerUrl, ...args },
            { parent: this, ...opts },
        );
    }

    /** Convenience: S3 access policy document for a bucket/prefix in this cluster's partition. */
    public s3Policy(bucket: string, prefix?: string, readOnly = false): pulumi.Output<PolicyDocument> {
        return this.partition.apply((p) => s3AccessPolicy(p, bucket, prefix, readOnly));
    }
}
