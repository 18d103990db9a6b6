/**
 * The compliance framework each rule implements, where one applies (CrossGuard `framework`):
 * Kubernetes Pod Security Standards for pod hardening, the CIS Kubernetes Benchmark for RBAC and
 * workload identity, the NSA/CISA Kubernetes Hardening Guide for isolation, limits, images and
 * logging, the CIS Amazon EKS Benchmark for the cluster itself. Rules without an entry are the
 * seeds' own checklists (availability, Raft, singletons, hygiene).
 */
import type { PolicyComplianceFramework } from "@pulumi/policy";

const PSS = (level: "baseline" | "restricted", control: string): PolicyComplianceFramework => ({
    name: "Kubernetes Pod Security Standards",
    version: "v1.33",
    reference: "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
    specification: `${level}: ${control}`,
});
const CIS = (control: string): PolicyComplianceFramework => ({
    name: "CIS Kubernetes Benchmark",
    version: "1.9.0",
    reference: "https://www.cisecurity.org/benchmark/kubernetes",
    specification: control,
});
const CIS_EKS = (control: string): PolicyComplianceFramework => ({
    name: "CIS Amazon EKS Benchmark",
    version: "1.5.0",
    reference: "https://www.cisecurity.org/benchmark/kubernetes",
    specification: control,
});
const NSA = (section: string): PolicyComplianceFramework => ({
    name: "NSA/CISA Kubernetes Hardening Guide",
    version: "1.2",
    reference: "https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF",
    specification: section,
});

export const FRAMEWORKS: Record<string, PolicyComplianceFramework> = {
    "sec-no-privileged": PSS("baseline", "Privileged Containers"),
    "sec-no-privilege-escalation": PSS("restricted", "Privilege Escalation"),
    "sec-run-as-non-root": PSS("restricted", "Running as Non-root"),
    "sec-non-root-group": NSA("Pod security: non-root containers"),
    "sec-readonly-rootfs": NSA("Pod security: immutable container file systems"),
    "sec-drop-all-caps": PSS("restricted", "Capabilities"),
    "sec-no-dangerous-caps": PSS("baseline", "Capabilities"),
    "sec-no-host-namespaces": PSS("baseline", "Host Namespaces"),
    "sec-no-host-ports": PSS("baseline", "Host Ports"),
    "sec-no-hostpath": PSS("baseline", "HostPath Volumes"),
    "sec-volume-types": PSS("restricted", "Volume Types"),
    "sec-seccomp": PSS("restricted", "Seccomp"),
    "sec-apparmor-selinux": PSS("baseline", "AppArmor, SELinux"),
    "sec-proc-mount": PSS("baseline", "/proc Mount Type"),
    "sec-safe-sysctls": PSS("baseline", "Sysctls"),
    "sec-no-host-process": PSS("baseline", "HostProcess"),
    "sec-no-probe-host": PSS("baseline", "Host Probes / Lifecycle Hooks"),
    "sec-no-ssh-privileged-ports": NSA("Kubernetes Pod security: non-root containers"),
    "sec-dedicated-sa": CIS("5.1.5 Ensure that default service accounts are not actively used"),
    "sec-no-automount-sa-token": CIS("5.1.6 Ensure that Service Account Tokens are only mounted where necessary"),
    "sec-no-literal-secret-env": NSA("Secrets"),
    "sec-no-secret-in-configmap": NSA("Secrets"),
    "sec-external-secret-source": CIS("5.4.2 Consider external secret storage"),
    "sec-secret-as-file": CIS("5.4.1 Prefer using secrets as files over secrets as environment variables"),
    "res-cpu": NSA("Resource policies"),
    "res-memory": NSA("Resource policies"),
    "res-ephemeral-storage": NSA("Resource policies"),
    "res-namespace-quota": NSA("Resource policies"),
    "net-no-public-service": NSA("Network separation and hardening"),
    "net-ingress-tls": NSA("Network separation and hardening: encrypt traffic"),
    "net-default-deny": CIS("5.3.2 Ensure that all Namespaces have Network Policies defined"),
    "net-policy-coverage": NSA("Network policies"),
    "img-tag-pinned": NSA("Image scanning"),
    "img-digest": NSA("Image scanning"),
    "img-registry-allowlist": NSA("Image scanning: trusted repositories"),
    "rbac-no-cluster-admin": CIS("5.1.1 Ensure that the cluster-admin role is only used where required"),
    "rbac-no-wildcards": CIS("5.1.3 Minimize wildcard use in Roles and ClusterRoles"),
    "rbac-no-exec-attach": NSA("Authentication and authorization: least privilege"),
    "rbac-limit-secrets-pod-create": CIS("5.1.2 Minimize access to secrets; 5.1.4 Minimize access to create pods"),
    "rbac-risky-binding": NSA("Authentication and authorization: least privilege"),
    "hyg-namespace": CIS("5.7.4 The default namespace should not be used"),
    "hyg-namespace-pss": CIS("5.2.1 Ensure that the cluster has at least one active policy control mechanism in place"),
    "hyg-deprecated-api": NSA("Upgrading and application security practices"),
    "obs-logging": NSA("Logging"),
    "eks-private-endpoint": CIS_EKS("5.4.2 Ensure clusters are created with Private Endpoint Enabled and Public Access Disabled"),
    "eks-secrets-kms": CIS_EKS("5.3.1 Ensure Kubernetes Secrets are encrypted using Customer Master Keys (CMKs) managed in AWS KMS"),
    "eks-control-plane-logging": CIS_EKS("2.1.1 Enable audit Logs"),
    "eks-supported-version": NSA("Upgrading and application security practices"),
    "eks-access-api-mode": NSA("Authentication and authorization"),
    "eks-imdsv2": NSA("Network separation and hardening: protecting sensitive cloud infrastructure"),
    "eks-network-policy-enforced": NSA("Network separation and hardening: network policies"),
    "eks-nodes-private": CIS_EKS("5.4.3 Ensure clusters are created with Private Nodes"),
    "ecr-scan-immutable": CIS_EKS("5.1.1 Ensure Image Vulnerability Scanning using Amazon ECR image scanning or a third party provider"),
};

export function frameworkOf(rule: string): PolicyComplianceFramework | undefined {
    return FRAMEWORKS[rule];
}
