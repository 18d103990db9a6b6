/**
 * EKS hardening (EKS Best Practices Guide; checkov CKV_AWS_37/38/39/58/79/100/341) on the
 * @pulumi/aws input shapes of aws:eks/cluster:Cluster, aws:eks/nodeGroup:NodeGroup,
 * aws:ec2/launchTemplate:LaunchTemplate, aws:kms/key:Key and aws:ecr/repository:Repository.
 * Only the presence/shape of inputs is checked: ARNs and ids are unknown during preview.
 */
import { knobChecks } from "../lib/config";
import { Json } from "../lib/k8s";
import { PlatformRule, resourceRule, stackRule } from "../lib/rule";

export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const KMS_KEY = "aws:kms/key:Key";
export const ECR_REPOSITORY = "aws:ecr/repository:Repository";
export const EKS_ADDON = "aws:eks/addon:Addon";
const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

/** Whether a vpc-cni add-on's `configurationValues` (a JSON string) turns on its network policy agent. */
export function vpcCniEnforcesNetworkPolicies(configurationValues: Json): boolean {
    if (typeof configurationValues !== "string") return false;
    try {
        const v = JSON.parse(configurationValues);
        return v?.enableNetworkPolicy === "true" || v?.enableNetworkPolicy === true;
    } catch {
        return false;
    }
}

// EKS user guide "Control plane logging": all five log types.
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
// AWS EKS Kubernetes version calendar, standard support as of 2026-01 (seed date).
export const SUPPORTED_VERSIONS = ["1.32", "1.33", "1.34", "1.35"];
// IMDSv2 hop limit: 1 blocks pods from node credentials; 2 is the EKS managed default (components use 2).
export const MAX_IMDS_HOP_LIMIT = 2;
const OPEN_CIDRS = ["0.0.0.0/0", "::/0"];

const isTrue = (v: Json) => v === true || v === "true";
const only =
    (...types: string[]) =>
    (t: string) =>
        types.includes(t);

export const eksRules: PlatformRule[] = [
    resourceRule({
        name: "eks-private-endpoint",
        area: "eks",
        description: "The EKS API endpoint is private; a public endpoint is allowed only with publicAccessCidrs that exclude 0.0.0.0/0.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Set vpcConfig.endpointPrivateAccess: true and endpointPublicAccess: false (or restrict publicAccessCidrs to the office/CI ranges).",
        defaults: { allowRestrictedPublic: true },
        knobs: { allowRestrictedPublic: "accept a public endpoint limited by publicAccessCidrs" },
        appliesTo: only(EKS_CLUSTER),
        check: (p: Json, cfg) => {
            const v = p.vpcConfig ?? {};
            const out: string[] = [];
            if (!isTrue(v.endpointPrivateAccess)) out.push("vpcConfig.endpointPrivateAccess is not true; nodes reach the API over the internet");
            if (v.endpointPublicAccess !== false && v.endpointPublicAccess !== "false") {
                const cidrs: string[] = Array.isArray(v.publicAccessCidrs) ? v.publicAccessCidrs : [];
                if (!cfg.allowRestrictedPublic) out.push("vpcConfig.endpointPublicAccess is not false");
                else if (cidrs.length === 0 || cidrs.some((c) => OPEN_CIDRS.includes(c)))
                    out.push("public API endpoint open to the internet (publicAccessCidrs unset or 0.0.0.0/0)");
            }
            return out;
        },
    }),
    resourceRule({
        name: "eks-secrets-kms",
        area: "eks",
        description: "Kubernetes Secrets are envelope-encrypted with a KMS key (encryptionConfig resources [secrets] + provider.keyArn).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: 'Set encryptionConfig: { resources: ["secrets"], provider: { keyArn: key.arn } } (EksCluster does).',
        appliesTo: only(EKS_CLUSTER),
        check: (p: Json) => {
            const e = p.encryptionConfig;
            if (!e) return ["has no encryptionConfig; Secrets are stored unencrypted by a customer key"];
            const out: string[] = [];
            if (!(Array.isArray(e.resources) && e.resources.includes("secrets"))) out.push("encryptionConfig.resources does not include secrets");
            if (!e.provider?.keyArn) out.push("encryptionConfig.provider.keyArn is not set");
            return out;
        },
    }),
    resourceRule({
        name: "eks-control-plane-logging",
        area: "eks",
        description: `All control-plane log types are enabled (${CONTROL_PLANE_LOG_TYPES.join(", ")}).`,
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Set enabledClusterLogTypes to all five types.",
        appliesTo: only(EKS_CLUSTER),
        check: (p: Json) => {
            const on: string[] = Array.isArray(p.enabledClusterLogTypes) ? p.enabledClusterLogTypes : [];
            const missing = CONTROL_PLANE_LOG_TYPES.filter((t) => !on.includes(t));
            return missing.length ? [`control-plane log types not enabled: ${missing.join(", ")}`] : [];
        },
    }),
    resourceRule({
        name: "eks-cmk-rotation",
        area: "eks",
        description: "Customer-managed KMS keys rotate automatically (enableKeyRotation).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Set enableKeyRotation: true on the key.",
        appliesTo: only(KMS_KEY),
        check: (p: Json) => {
            if (p.customerMasterKeySpec && p.customerMasterKeySpec !== "SYMMETRIC_DEFAULT") return []; // asymmetric keys cannot rotate
            if (p.keySpec && p.keySpec !== "SYMMETRIC_DEFAULT") return [];
            return isTrue(p.enableKeyRotation) ? [] : ["enableKeyRotation is not true"];
        },
    }),
    resourceRule({
        name: "eks-supported-version",
        area: "eks",
        description: "Clusters and node groups pin a Kubernetes version in EKS standard support.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Set version to a supported minor and plan the upgrade before standard support ends.",
        defaults: { supportedVersions: SUPPORTED_VERSIONS },
        knobs: { supportedVersions: "Kubernetes minors in EKS standard support" },
        appliesTo: only(EKS_CLUSTER),
        check: (p: Json, cfg) => {
            if (p.version === undefined) return ["does not pin version; EKS picks the default and upgrades become implicit"];
            const minor = String(p.version).split(".").slice(0, 2).join(".");
            return cfg.supportedVersions.includes(minor) ? [] : [`Kubernetes ${p.version} is not in standard support (${cfg.supportedVersions.join(", ")})`];
        },
    }),
    resourceRule({
        name: "eks-access-api-mode",
        area: "eks",
        description: "Cluster access is managed with access entries (authenticationMode API), not the aws-auth ConfigMap alone.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Set accessConfig.authenticationMode: API and grant access through access entries.",
        defaults: { allowedModes: ["API", "API_AND_CONFIG_MAP"] },
        knobs: { allowedModes: "accepted accessConfig.authenticationMode values" },
        appliesTo: only(EKS_CLUSTER),
        check: (p: Json, cfg) => {
            const mode = p.accessConfig?.authenticationMode ?? "CONFIG_MAP";
            return cfg.allowedModes.includes(mode) ? [] : [`accessConfig.authenticationMode is ${mode}`];
        },
    }),
    resourceRule({
        name: "eks-nodes-multi-az",
        area: "eks",
        description: "Node groups span at least minSubnets subnets (one per AZ), so a zone outage leaves capacity.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Give the node group the private subnets of every AZ.",
        defaults: { minSubnets: 2 },
        knobs: { minSubnets: "minimum number of subnets (AZs) per node group" },
        checks: { minSubnets: knobChecks.atLeast(1) },
        appliesTo: only(EKS_NODE_GROUP),
        check: (p: Json, cfg) => {
            const n = Array.isArray(p.subnetIds) ? p.subnetIds.length : 0;
            return n < cfg.minSubnets ? [`spans ${n} subnet(s), fewer than ${cfg.minSubnets} AZs`] : [];
        },
    }),
    resourceRule({
        name: "eks-nodegroup-capacity",
        area: "eks",
        description: "Node groups keep minSize >= minNodes and maxSize >= desiredSize >= minSize; SPOT groups diversify over >= 2 instance types.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Raise scalingConfig.minSize; list several instance types for SPOT capacity.",
        defaults: { minNodes: 2 },
        knobs: { minNodes: "smallest acceptable scalingConfig.minSize" },
        checks: { minNodes: knobChecks.atLeast(1) },
        appliesTo: only(EKS_NODE_GROUP),
        check: (p: Json, cfg) => {
            const s = p.scalingConfig ?? {};
            const out: string[] = [];
            if (typeof s.minSize !== "number" || s.minSize < cfg.minNodes) out.push(`scalingConfig.minSize ${s.minSize ?? "unset"} is below ${cfg.minNodes}`);
            if (typeof s.maxSize === "number" && typeof s.desiredSize === "number" && !(s.minSize <= s.desiredSize && s.desiredSize <= s.maxSize))
                out.push(`scalingConfig must satisfy minSize <= desiredSize <= maxSize, got ${s.minSize}/${s.desiredSize}/${s.maxSize}`);
            if (p.capacityType === "SPOT" && !(Array.isArray(p.instanceTypes) && p.instanceTypes.length >= 2))
                out.push("SPOT node group lists fewer than 2 instance types (one capacity-pool reclaim empties it)");
            return out;
        },
    }),
    resourceRule({
        name: "eks-nodegroup-no-ssh",
        area: "eks",
        description: "Nodes accept no SSH: node groups set no remoteAccess and launch templates no keyName (use SSM).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Remove remoteAccess / keyName; reach nodes with SSM Session Manager.",
        appliesTo: only(EKS_NODE_GROUP, LAUNCH_TEMPLATE),
        check: (p: Json, _c, ctx) =>
            ctx.type === EKS_NODE_GROUP
                ? p.remoteAccess
                    ? ["sets remoteAccess (SSH to nodes)"]
                    : []
                : p.keyName
                  ? [`sets keyName ${p.keyName} (SSH to nodes)`]
                  : [],
    }),
    resourceRule({
        name: "eks-imdsv2",
        area: "eks",
        description: `Nodes require IMDSv2 (metadataOptions.httpTokens required, hop limit <= ${MAX_IMDS_HOP_LIMIT}); node groups use a launch template to set it.`,
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: 'Set metadataOptions { httpTokens: "required", httpPutResponseHopLimit: 2 } on the launch template (EksCluster does).',
        appliesTo: only(EKS_NODE_GROUP, LAUNCH_TEMPLATE),
        check: (p: Json, _c, ctx) => {
            if (ctx.type === EKS_NODE_GROUP) return p.launchTemplate ? [] : ["uses no launch template, so IMDSv2 and disk encryption are left to defaults"];
            const m = p.metadataOptions ?? {};
            const out: string[] = [];
            if (m.httpTokens !== "required")
                out.push(`metadataOptions.httpTokens is ${m.httpTokens ?? "optional (default)"}; IMDSv1 lets SSRF steal node credentials`);
            if (m.httpPutResponseHopLimit !== undefined && Number(m.httpPutResponseHopLimit) > MAX_IMDS_HOP_LIMIT)
                out.push(`metadataOptions.httpPutResponseHopLimit ${m.httpPutResponseHopLimit} exceeds ${MAX_IMDS_HOP_LIMIT}`);
            return out;
        },
    }),
    resourceRule({
        name: "eks-node-volume-encrypted",
        area: "eks",
        description: "Every EBS volume of a node launch template is encrypted.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: 'Add blockDeviceMappings with ebs.encrypted: "true" for the root device (EksCluster does).',
        appliesTo: only(LAUNCH_TEMPLATE),
        check: (p: Json) => {
            const maps: Json[] = Array.isArray(p.blockDeviceMappings) ? p.blockDeviceMappings : [];
            if (maps.length === 0) return ["declares no blockDeviceMappings; the root volume follows the AMI/account default and may be unencrypted"];
            return maps.filter((m) => m?.ebs && !isTrue(m.ebs.encrypted)).map((m) => `EBS volume ${m.deviceName ?? "?"} is not encrypted`);
        },
    }),
    resourceRule({
        name: "eks-nodes-private",
        area: "eks",
        description: "Launch templates give nodes no public IP address.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Remove associatePublicIpAddress; place node groups in private subnets.",
        appliesTo: only(LAUNCH_TEMPLATE),
        check: (p: Json) =>
            (Array.isArray(p.networkInterfaces) ? p.networkInterfaces : [])
                .filter((n: Json) => isTrue(n?.associatePublicIpAddress))
                .map((n: Json) => `network interface ${n.deviceIndex ?? 0} associates a public IP`),
    }),
    stackRule({
        name: "eks-network-policy-enforced",
        area: "eks",
        description:
            "A stack that declares NetworkPolicies on the EKS cluster it creates turns on the vpc-cni network policy agent (configurationValues enableNetworkPolicy), so the policies are enforced rather than accepted and ignored.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: 'Give the vpc-cni add-on configurationValues {"enableNetworkPolicy": "true"} (EksCluster does).',
        check: (items) => {
            const clusters = items.filter((i) => i.type === EKS_CLUSTER);
            const policies = items.filter((i) => i.type === NETWORK_POLICY);
            if (clusters.length === 0 || policies.length === 0) return undefined;
            const cni = items.filter((i) => i.type === EKS_ADDON && i.props?.addonName === "vpc-cni");
            if (cni.some((a) => vpcCniEnforcesNetworkPolicies(a.props?.configurationValues))) return [];
            const at = cni[0] ?? clusters[0];
            const why = cni.length ? "the vpc-cni add-on does not set enableNetworkPolicy" : "no vpc-cni add-on turns on network policy enforcement";
            return [
                {
                    message: `${at.type.split(":").pop()} ${at.name}: ${policies.length} NetworkPolicies are declared, but ${why}; the cluster accepts and ignores them`,
                    urn: at.urn,
                },
            ];
        },
    }),
    resourceRule({
        name: "ecr-scan-immutable",
        area: "eks",
        description: 'ECR repositories scan images on push and keep tags immutable (proxy for "images are scanned").',
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Set imageScanningConfiguration.scanOnPush: true and imageTagMutability: IMMUTABLE.",
        appliesTo: only(ECR_REPOSITORY),
        check: (p: Json) => {
            const out: string[] = [];
            if (!isTrue(p.imageScanningConfiguration?.scanOnPush)) out.push("does not scan images on push");
            if (p.imageTagMutability !== "IMMUTABLE") out.push(`imageTagMutability is ${p.imageTagMutability ?? "MUTABLE (default)"}`);
            return out;
        },
    }),
];
