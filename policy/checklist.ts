/**
 * The seeds' production checklists mapped to the pack's policies (also in README.md).
 * `proxy: true` marks process items no policy can observe; the listed rules are the proxies
 * the catalog suggests (rehearsal tag, runbook annotation, digests...).
 */
export interface ChecklistItem {
    seed: string;
    item: string;
    rules: string[];
    proxy?: boolean;
}

const SECRETS = [
    "sec-no-literal-secret-env",
    "sec-no-secret-in-configmap",
    "sec-external-secret-source",
    "sec-secret-as-file",
    "eks-secrets-kms",
    "eks-cmk-rotation",
];
const LIMITS = ["res-memory", "res-cpu", "res-ephemeral-storage", "res-namespace-quota"];
const HEALTH = ["health-liveness", "health-readiness", "health-startup", "health-probes-distinct", "health-probe-port"];
const STORAGE = ["stor-persistent-state", "stor-data-retained", "stor-class-safe"];
const MONITORING = ["obs-metrics"];
const LOGGING = ["eks-control-plane-logging", "obs-logging"];
const BACKUP = ["stor-backup", "stor-data-retained"];
const RBAC = [
    "rbac-no-cluster-admin",
    "rbac-no-wildcards",
    "rbac-no-exec-attach",
    "rbac-risky-binding",
    "rbac-limit-secrets-pod-create",
    "sec-dedicated-sa",
    "sec-no-automount-sa-token",
    "eks-access-api-mode",
];
const NETWORK = [
    "net-default-deny",
    "net-policy-coverage",
    "net-no-public-service",
    "net-ingress-tls",
    "net-dangling-refs",
    "eks-private-endpoint",
    "eks-nodes-private",
    "eks-network-policy-enforced",
];
const SCANNING = ["img-tag-pinned", "img-digest", "img-registry-allowlist", "ecr-scan-immutable"];
const ROLLBACK = ["avail-rolling-update", "avail-pdb-present", "hyg-deprecated-api", "eks-supported-version", "proc-upgrade-rehearsed"];

export const CHECKLIST: ChecklistItem[] = [
    { seed: "000", item: "Secrets are properly secured (not hardcoded)", rules: SECRETS },
    { seed: "000", item: "Resource limits are configured", rules: LIMITS },
    { seed: "000", item: "Health checks are working", rules: HEALTH },
    { seed: "000", item: "Persistent storage is configured", rules: STORAGE },
    { seed: "000", item: "Monitoring is set up", rules: MONITORING },
    { seed: "000", item: "Logging is configured", rules: LOGGING },
    { seed: "000", item: "Backup strategy is in place", rules: BACKUP },
    { seed: "000", item: "RBAC is configured", rules: RBAC },
    { seed: "000", item: "Network policies are applied", rules: NETWORK },
    { seed: "000", item: "Images are scanned for vulnerabilities", rules: SCANNING, proxy: true },
    {
        seed: "000",
        item: "ServiceNow MID Server is registered and validated",
        rules: ["avail-singleton", "avail-singleton-exempt", "health-startup"],
        proxy: true,
    },
    { seed: "000", item: "End-to-end testing completed", rules: ["proc-upgrade-rehearsed"], proxy: true },
    { seed: "001", item: "Raft cluster with 3+ nodes deployed", rules: ["avail-raft-quorum", "avail-raft-pdb", "avail-spread", "eks-nodes-multi-az"] },
    { seed: "001", item: "Persistent storage configured for manifests and artifacts", rules: STORAGE },
    { seed: "001", item: "Resource limits set appropriately", rules: LIMITS },
    { seed: "001", item: "Monitoring and alerting configured", rules: MONITORING },
    { seed: "001", item: "Logging pipeline established", rules: LOGGING },
    { seed: "001", item: "Backup strategy implemented", rules: BACKUP },
    { seed: "001", item: "Network policies applied", rules: NETWORK },
    { seed: "001", item: "RBAC configured with least privilege", rules: RBAC },
    { seed: "001", item: "Secrets management in place", rules: SECRETS },
    { seed: "001", item: "Health checks configured", rules: HEALTH },
    { seed: "001", item: "Upgrade/rollback procedure tested", rules: ROLLBACK, proxy: true },
    { seed: "003", item: "Secrets configured properly (not in Git!)", rules: SECRETS },
    { seed: "003", item: "Resource limits set based on load testing", rules: LIMITS },
    { seed: "003", item: "HPA configured and tested", rules: ["avail-hpa-present", "avail-hpa-sane", "avail-hpa-target", "avail-min-replicas"] },
    { seed: "003", item: "Health checks working (liveness, readiness, startup)", rules: HEALTH },
    { seed: "003", item: "Monitoring and alerting configured", rules: MONITORING },
    { seed: "003", item: "Network policies applied and tested", rules: NETWORK },
    { seed: "003", item: "RBAC configured with least privilege", rules: RBAC },
    { seed: "003", item: "Backup strategy implemented", rules: BACKUP },
    { seed: "003", item: "Disaster recovery plan documented", rules: ["stor-backup", "stor-data-retained", "eks-nodes-multi-az"], proxy: true },
    { seed: "003", item: "Rollback procedure tested", rules: ROLLBACK, proxy: true },
    { seed: "003", item: "Load testing completed", rules: ["avail-hpa-sane", "res-cpu", "res-memory"], proxy: true },
    { seed: "003", item: "Security scan completed (images, manifests)", rules: [...SCANNING, "hyg-deprecated-api"], proxy: true },
    { seed: "003", item: "Documentation updated", rules: ["hyg-runbook-annotation"], proxy: true },
    { seed: "003", item: "Runbooks created for common issues", rules: ["hyg-runbook-annotation"], proxy: true },
    { seed: "003", item: "On-call rotation established", rules: ["hyg-runbook-annotation"], proxy: true },
    // Seeds 002/003 pod hardening (catalog list d) and seed 000's singleton pollers (list e).
    { seed: "002", item: "Pods run as non-root", rules: ["sec-run-as-non-root", "sec-non-root-group"] },
    { seed: "002", item: "Read-only root filesystem", rules: ["sec-readonly-rootfs"] },
    { seed: "003", item: "Dropped all capabilities", rules: ["sec-drop-all-caps", "sec-no-dangerous-caps"] },
    { seed: "003", item: "No privilege escalation", rules: ["sec-no-privilege-escalation", "sec-no-privileged"] },
    { seed: "002", item: "No PodSecurityPolicy (removed API; use Pod Security Admission)", rules: ["hyg-deprecated-api", "hyg-namespace-pss"] },
    { seed: "000", item: "Singleton pollers stay at 1 replica", rules: ["avail-singleton", "avail-singleton-exempt"] },
];
