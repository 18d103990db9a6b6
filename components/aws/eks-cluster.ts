/** EksCluster, built with `@pulumi/aws` resources only. All validation happens before `super(...)`. */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EFS_CSI_CONTROLLER_SERVICE_ACCOUNT, GP3_STORAGE_CLASS_NAME, IRSA_AUDIENCE, VPC_CNI_CONFIGURATION } from "./defaults";
import { createBucket } from "./buckets";
import { createEcr } from "./ecr";
import { createEfs } from "./efs";
import { clusterAutoscalerPolicy, managedPolicyArn, PolicyDocument, s3AccessPolicy } from "./iam-policies";
import { IrsaRole, policyJson } from "./irsa";
import { componentType, withOldTypeAlias } from "../kube/type-token";
import { createKubeObject } from "./k8s-objects";
import { kubeSystemAddonObjects } from "./kube-system-addons";
import { buildKubeconfig } from "./kubeconfig";
import { createNetwork } from "./network";
import { CLOUDWATCH_AGENT_POLICY, createCloudWatchObservability } from "./observability";
import { ClusterAddons } from "./platform-addons";
import { EksClusterHandles, handle, handles } from "./eks-cluster-handles";
import { efsStorageClass, gp3StorageClass } from "./storage-class";
import { EksClusterArgs } from "./types";
import { createControlPlane } from "./control-plane";
import { createNodeGroups } from "./node-groups";
import { ResolvedEksCluster } from "./resolved";
import { withRegion } from "./region";
import { resolveEksClusterArgs } from "./validation";

/** Node-group config name -> EKS node group name. */
function nodeGroupNameMap(nodeGroups: Record<string, aws.eks.NodeGroup>): pulumi.Output<Record<string, string>> {
    return pulumi.all(Object.entries(nodeGroups).map(([k, ng]) => ng.nodeGroupName.apply((n) => [k, n] as const))).apply((pairs) => Object.fromEntries(pairs));
}

/**
 * An EKS cluster for the agent platform: VPC (created or existing), control plane, managed node
 * groups, IRSA, EKS add-ons, cluster-autoscaler, metrics-server, gp3 default StorageClass, opt-in
 * EFS, platform add-ons, ECR, buckets and container logs; `kubeconfig` (secret) reaches it.
 */
export class EksCluster extends pulumi.ComponentResource {
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
    /** Kubeconfig (JSON) with an `aws eks get-token` exec credential. Secret. */
    public readonly kubeconfig: pulumi.Output<string>;
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
    public readonly ecrRepositoryUrls: Record<string, pulumi.Output<string>>;
    /** The CloudWatch agent's IRSA role; set only with `cloudwatchObservability.enabled`. */
    public readonly cloudwatchAgentRoleArn?: pulumi.Output<string>;
    /** Validated, defaulted settings this cluster was built from (TypeScript only). */
    public get settings(): ResolvedEksCluster {
        return handle(this, "settings");
    }
    /** The EKS cluster resource (TypeScript only; other languages use `clusterName`/`clusterArn`). */
    public get cluster(): aws.eks.Cluster {
        return handle(this, "cluster");
    }
    /** The managed node groups by config name (TypeScript only; see `nodeGroupNames`). */
    public get nodeGroups(): Record<string, aws.eks.NodeGroup> {
        return handle(this, "nodeGroups");
    }
    /** The provider every Kubernetes resource of this cluster must use (TypeScript only; other languages build one from `kubeconfig`). */
    public get provider(): k8s.Provider {
        return handle(this, "provider");
    }
    /** The buckets of `buckets`, by bucket name (TypeScript only). */
    public get buckets(): Record<string, aws.s3.Bucket> {
        return handle(this, "buckets");
    }
    /** The platform add-ons (`platformAddons`): what the systems depend on (TypeScript only). */
    public get addons(): ClusterAddons {
        return handle(this, "addons");
    }
    /** Whether NetworkPolicies are enforced: always, the vpc-cni add-on runs its network policy agent. */
    public get networkPolicyEnforcement(): "enforced" {
        return "enforced";
    }
    private get partition(): pulumi.Output<string> {
        return handle(this, "partition");
    }
    private get baseName(): string {
        return handle(this, "baseName");
    }

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        // Validate everything before any resource (including this component) is registered.
        const s = resolveEksClusterArgs(name, args);
        super(componentType("EksCluster"), name, {}, withRegion(withOldTypeAlias("agent-platform:aws:EksCluster", opts), s.region));
        const h: EksClusterHandles = { settings: s, baseName: name, partition: aws.getPartitionOutput({}, { parent: this }).partition };
        handles.set(this, h);
        const parent = { parent: this };
        const tags = { ...s.tags, "agent-platform/cluster": s.clusterName };
        // With `region` set, every regional AWS child is pinned to it (see regionTransformation);
        // otherwise everything follows the AWS provider's region.
        this.region = s.region ? pulumi.output(s.region) : aws.getRegionOutput({}, parent).region;

        const net = this.createVpc(s, tags);
        this.vpcId = net.vpcId;
        this.vpcCidr = net.vpcCidr;
        this.privateSubnetIds = pulumi.output(net.privateSubnetIds);
        this.publicSubnetIds = pulumi.output(net.publicSubnetIds);

        const phase = { name, settings: s, privateSubnetIds: net.privateSubnetIds, tags, partition: this.partition, owner: this };
        const { key, cluster, adminAccess } = createControlPlane(phase);
        this.kmsKeyArn = key.arn;
        h.cluster = cluster;
        this.clusterName = this.cluster.name;
        this.clusterArn = this.cluster.arn;
        this.serviceCidr = this.cluster.kubernetesNetworkConfig.apply((c) => c.serviceIpv4Cidr!);
        this.apiServerCidrs = pulumi.all([this.vpcCidr, this.serviceCidr]).apply(([vpc, svc]) => [vpc, svc]);
        this.endpoint = this.cluster.endpoint;

        // IRSA: the cluster's OIDC provider. No thumbprint is pinned: IAM validates EKS issuers
        // against its trusted root CAs and fills the thumbprint itself.
        this.oidcIssuerUrl = this.cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!);
        const oidc = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, { url: this.oidcIssuerUrl, clientIdLists: [IRSA_AUDIENCE], tags }, parent);
        this.oidcProviderArn = oidc.arn;

        // Add-ons that nodes need to join (before compute, as terraform-aws-modules/eks does). The
        // vpc-cni configuration runs the network policy agent, so every NetworkPolicy is enforced
        // (seed 003: "Enable CNI plugin that supports network policies"); without it they are ignored.
        const vpcCni = this.addon("vpc-cni", s.addons.vpcCni, tags, { configurationValues: JSON.stringify(VPC_CNI_CONFIGURATION) });
        const kubeProxy = this.addon("kube-proxy", s.addons.kubeProxy, tags);
        const nodes = createNodeGroups({ ...phase, cluster, joinAddons: [vpcCni, kubeProxy] });
        this.nodeRoleArn = nodes.nodeRole.arn;
        h.nodeGroups = nodes.nodeGroups;
        const nodeGroupList = Object.values(this.nodeGroups);
        this.nodeGroupNames = nodeGroupNameMap(this.nodeGroups);

        // Add-ons that need running nodes.
        this.addon("coredns", s.addons.coredns, tags, {}, nodeGroupList);
        const ebsPolicy = this.policyArn("service-role/AmazonEBSCSIDriverPolicy");
        this.ebsCsiRoleArn = this.irsa("ebs-csi", "kube-system", "ebs-csi-controller-sa", tags, { policyArns: [ebsPolicy] }).roleArn;
        const ebsCsi = this.addon("aws-ebs-csi-driver", s.addons.awsEbsCsiDriver, tags, { serviceAccountRoleArn: this.ebsCsiRoleArn }, nodeGroupList);
        const efs = s.efs ? this.createEfsStorage(s.efs, { privateSubnetIds: net.privateSubnetIds, kmsKeyArn: key.arn, nodeGroupList, tags }) : undefined;
        this.efsFileSystemId = efs?.fileSystemId;
        this.efsCsiRoleArn = efs?.roleArn;
        this.irsaRoleArns = this.createIrsaRoles(s, tags);

        const account = this.createAccountResources(s, { kmsKeyArn: key.arn, nodeGroupList, tags });
        this.cloudwatchAgentRoleArn = account.cloudwatchAgentRoleArn;
        this.ecrRepositoryUrls = account.ecrRepositoryUrls;
        h.buckets = account.buckets;

        this.kubeconfig = this.buildKubeconfig();
        // enablePatchForce: the stack takes back the fields it declares after a manual `kubectl`
        // edit (as on existing clusters, stacks/cluster.ts); HPA-owned replicas are never declared.
        h.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enablePatchForce: true }, { parent: this, dependsOn: adminAccess });

        // In-cluster add-ons on the cluster's own provider, after nodes exist.
        const kubeOpts = { parent: this, provider: this.provider, dependsOn: [...nodeGroupList, ...adminAccess] };
        this.storageClassName = GP3_STORAGE_CLASS_NAME;
        this.efsStorageClassName = s.efs?.storageClassName;
        const gp3 = this.createStorageClasses(s, efs, kubeOpts, ebsCsi);
        this.autoscalerRoleArn = this.createKubeSystemAddons(s, tags, kubeOpts);

        h.addons = this.createPlatformAddons(s, tags, [...nodeGroupList, ...adminAccess, gp3]);
        this.registerOutputs(this.outputs());
    }

    /** Platform add-ons (Prometheus Operator, VPA, Velero, cert-manager, Istio, ingress-nginx), once the cluster is ready. */
    private createPlatformAddons(s: ResolvedEksCluster, tags: Record<string, string>, clusterReady: pulumi.Resource[]): ClusterAddons {
        return new ClusterAddons(
            `${this.baseName}-addons`,
            {
                addons: s.platformAddons,
                environment: s.environment,
                region: this.region,
                oidcProviderArn: this.oidcProviderArn,
                oidcIssuerUrl: this.oidcIssuerUrl,
                partition: this.partition,
                clusterName: this.cluster.name,
                storageClassName: GP3_STORAGE_CLASS_NAME,
                provider: this.provider,
                clusterReady,
                tags,
            },
            { parent: this },
        );
    }

    /** The gp3 default StorageClass (after the EBS CSI driver) and, with EFS, its ReadWriteMany class (after its mount targets). */
    private createStorageClasses(
        s: ResolvedEksCluster,
        efs: { fileSystemId: pulumi.Output<string>; ready: pulumi.Resource[] } | undefined,
        kubeOpts: pulumi.CustomResourceOptions & { dependsOn: pulumi.Resource[] },
        ebsCsi: pulumi.Resource,
    ): pulumi.CustomResource {
        const gp3 = createKubeObject(this.baseName, gp3StorageClass(s.storage.defaultReclaimPolicy), {
            ...kubeOpts,
            dependsOn: [...kubeOpts.dependsOn, ebsCsi],
        });
        if (s.efs && efs) {
            createKubeObject(
                this.baseName,
                efsStorageClass({ name: s.efs.storageClassName, fileSystemId: efs.fileSystemId, reclaimPolicy: s.efs.reclaimPolicy }),
                {
                    ...kubeOpts,
                    dependsOn: [...kubeOpts.dependsOn, ...efs.ready],
                },
            );
        }
        return gp3;
    }

    /** The component's registered outputs. */
    private outputs(): Record<string, unknown> {
        return {
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
        };
    }

    /** The ARN of an AWS managed policy in this cluster's partition. */
    private policyArn(policy: string): pulumi.Output<string> {
        return this.partition.apply((p) => managedPolicyArn(p, policy));
    }

    /** The VPC: created with its subnets, or an existing one (its CIDR looked up when not given). */
    private createVpc(s: ResolvedEksCluster, tags: Record<string, string>) {
        if (s.vpc.kind === "create") {
            const net = createNetwork(this.baseName, { clusterName: s.clusterName, ...s.vpc, region: s.region, tags }, this);
            return { vpcId: net.vpcId, vpcCidr: pulumi.output(s.vpc.cidr), privateSubnetIds: net.privateSubnetIds, publicSubnetIds: net.publicSubnetIds };
        }
        return {
            vpcId: pulumi.output(s.vpc.vpcId),
            vpcCidr: s.vpc.cidr !== undefined ? pulumi.output(s.vpc.cidr) : aws.ec2.getVpcOutput({ id: s.vpc.vpcId }, { parent: this }).cidrBlock,
            privateSubnetIds: s.vpc.privateSubnetIds as pulumi.Input<string>[],
            publicSubnetIds: s.vpc.publicSubnetIds as pulumi.Input<string>[],
        };
    }

    /** An EKS add-on `<name>-<addonName>`, overwriting conflicting fields, after `dependsOn`. */
    private addon(
        addonName: string,
        version: string | undefined,
        tags: Record<string, string>,
        extra: Partial<aws.eks.AddonArgs> = {},
        dependsOn: pulumi.Resource[] = [],
    ) {
        return new aws.eks.Addon(
            `${this.baseName}-${addonName}`,
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
    }

    /** This cluster's OIDC provider, as IRSA roles take it. */
    private oidc(): { oidcProviderArn: pulumi.Output<string>; oidcIssuerUrl: pulumi.Output<string> } {
        return { oidcProviderArn: this.oidcProviderArn, oidcIssuerUrl: this.oidcIssuerUrl };
    }

    /** A tagged IRSA role `<name>-<roleName>` of this cluster's OIDC provider. */
    private irsa(
        roleName: string,
        namespace: string,
        serviceAccount: string,
        tags: Record<string, string>,
        extra: { policyArns?: pulumi.Input<string>[]; inlinePolicy?: pulumi.Input<PolicyDocument> },
    ): IrsaRole {
        return new IrsaRole(
            `${this.baseName}-${roleName}`,
            {
                ...this.oidc(),
                namespace,
                serviceAccount,
                tags,
                policyArns: extra.policyArns,
                inlinePolicy: extra.inlinePolicy && policyJson(extra.inlinePolicy),
            },
            { parent: this },
        );
    }

    /** Opt-in EFS (ReadWriteMany): file system, NFS security group, mount targets, CSI add-on with its IRSA role. */
    private createEfsStorage(
        efsSettings: NonNullable<ResolvedEksCluster["efs"]>,
        o: { privateSubnetIds: pulumi.Input<string>[]; kmsKeyArn: pulumi.Output<string>; nodeGroupList: pulumi.Resource[]; tags: Record<string, string> },
    ) {
        const efs = createEfs(
            this.baseName,
            {
                clusterName: this.settings.clusterName,
                efs: efsSettings,
                vpcId: this.vpcId,
                privateSubnetIds: o.privateSubnetIds,
                nodeSecurityGroupId: this.cluster.vpcConfig.clusterSecurityGroupId,
                kmsKeyArn: o.kmsKeyArn,
                tags: o.tags,
            },
            this,
        );
        const role = this.irsa("efs-csi", "kube-system", EFS_CSI_CONTROLLER_SERVICE_ACCOUNT, o.tags, {
            policyArns: [this.policyArn("service-role/AmazonEFSCSIDriverPolicy")],
        });
        const csi = this.addon("aws-efs-csi-driver", this.settings.addons.awsEfsCsiDriver, o.tags, { serviceAccountRoleArn: role.roleArn }, o.nodeGroupList);
        return { fileSystemId: efs.fileSystem.id, roleArn: role.roleArn, ready: [csi, efs.nfsIngress, ...efs.mountTargets] };
    }

    /** The extra IRSA roles of the args (e.g. the Postgres backup job's S3 access), by name. */
    private createIrsaRoles(s: ResolvedEksCluster, tags: Record<string, string>): Record<string, pulumi.Output<string>> {
        const arns: Record<string, pulumi.Output<string>> = {};
        for (const [roleName, spec] of Object.entries(s.irsaRoles).sort(([a], [b]) => (a < b ? -1 : 1))) {
            const s3 = spec.s3Access;
            const role = this.irsa(`irsa-${roleName}`, spec.namespace, spec.serviceAccount, tags, {
                policyArns: spec.policyArns,
                inlinePolicy: s3 ? this.partition.apply((p) => s3AccessPolicy(p, s3.bucket, s3.prefix, s3.readOnly ?? false)) : undefined,
            });
            arns[roleName] = role.roleArn;
        }
        return arns;
    }

    /**
     * What the account holds for the cluster: container logs and metrics (CloudWatch agent + Fluent
     * Bit, log groups with our retention), ECR repositories and cache rules, the S3 buckets.
     */
    private createAccountResources(
        s: ResolvedEksCluster,
        o: { kmsKeyArn: pulumi.Output<string>; nodeGroupList: pulumi.Resource[]; tags: Record<string, string> },
    ) {
        const name = this.baseName;
        const cw = s.cloudwatchObservability
            ? createCloudWatchObservability(
                  name,
                  {
                      clusterName: s.clusterName,
                      eksClusterName: this.cluster.name,
                      retentionDays: s.cloudwatchObservability.logRetentionDays,
                      version: s.cloudwatchObservability.version,
                      oidcProviderArn: this.oidcProviderArn,
                      oidcIssuerUrl: this.oidcIssuerUrl,
                      agentPolicyArn: this.policyArn(CLOUDWATCH_AGENT_POLICY),
                      nodesReady: o.nodeGroupList,
                      tags: o.tags,
                  },
                  this,
              )
            : undefined;
        const ecrRepositoryUrls: Record<string, pulumi.Output<string>> = {};
        if (s.ecr) {
            const repos = createEcr(name, { ...s.ecr, kmsKeyArn: o.kmsKeyArn, tags: o.tags }, this);
            for (const [repoName, repo] of Object.entries(repos)) ecrRepositoryUrls[repoName] = repo.repositoryUrl;
        }
        const buckets: Record<string, aws.s3.Bucket> = {};
        for (const b of s.buckets) buckets[b.name] = createBucket(name, b, { tags: o.tags, retainOnDelete: s.environment === "prod" }, this).bucket;
        return { cloudwatchAgentRoleArn: cw?.roleArn, ecrRepositoryUrls, buckets };
    }

    /** Kubeconfig from stable inputs (no token in it: an `aws eks get-token` exec credential). Secret. */
    private buildKubeconfig(): pulumi.Output<string> {
        return pulumi.secret(
            pulumi
                .all([this.cluster.name, this.cluster.endpoint, this.cluster.certificateAuthority.data, this.region])
                .apply(([clusterName, endpoint, ca, region]) =>
                    JSON.stringify(buildKubeconfig({ clusterName, endpoint, certificateAuthorityData: ca, region })),
                ),
        );
    }

    /** cluster-autoscaler (with its IRSA role) and metrics-server in kube-system; the autoscaler's role ARN when it is enabled. */
    private createKubeSystemAddons(
        s: ResolvedEksCluster,
        tags: Record<string, string>,
        kubeOpts: pulumi.CustomResourceOptions,
    ): pulumi.Output<string> | undefined {
        const roleArn = s.autoscaler.enabled
            ? this.irsa("cluster-autoscaler", "kube-system", "cluster-autoscaler", tags, { inlinePolicy: clusterAutoscalerPolicy(s.clusterName) }).roleArn
            : undefined;
        const objects = kubeSystemAddonObjects(s, { region: this.region, autoscalerRoleArn: roleArn, vpcCidr: this.vpcCidr, serviceCidr: this.serviceCidr });
        for (const obj of objects) createKubeObject(this.baseName, obj, kubeOpts);
        return roleArn;
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
            { ...this.oidc(), ...args, inlinePolicy: args.inlinePolicy && policyJson(args.inlinePolicy) },
            { parent: this, ...opts },
        );
    }

    /** Convenience: S3 access policy document for a bucket/prefix in this cluster's partition. */
    public s3Policy(bucket: string, prefix?: string, readOnly = false): pulumi.Output<PolicyDocument> {
        return this.partition.apply((p) => s3AccessPolicy(p, bucket, prefix, readOnly));
    }
}
