/**
 * The seeds' production checklists mapped to the pack's policies and to the resources of the
 * prod render that prove them (README.md's table is generated from this: `npm run policy:check
 * -- --checklist-table`). `proxy: true` marks process items no policy can observe; the listed
 * rules are the proxies the catalog suggests (rehearsal tag, runbook annotation, digests...).
 */
export interface ChecklistItem {
    seed: string;
    item: string;
    rules: string[];
    proxy?: boolean;
    /** Resources of the prod render that show the item is done (a unit test finds each one). */
    proof?: Proof[];
}

/**
 * A resource of the prod render: a Kubernetes object (`kind`, `namespace`, `name`) or a cloud
 * resource (`kind` is its type token; `name` its Pulumi name or its own name: repository, add-on,
 * log group, bucket, cache prefix).
 */
export interface Proof {
    kind: string;
    name: string;
    namespace?: string;
}

const k8s = (kind: string, namespace: string | undefined, name: string): Proof => ({ kind, name, ...(namespace ? { namespace } : {}) });
const cloud = (kind: string, name: string): Proof => ({ kind, name });
const SECRET_STORE = [k8s("ClusterSecretStore", undefined, "aws-secrets-manager"), cloud("aws:kms/key:Key", "eks-secrets-key")];
const LOG_SHIPPING = [
    cloud("aws:eks/addon:Addon", "amazon-cloudwatch-observability"),
    cloud("aws:cloudwatch/logGroup:LogGroup", "/aws/containerinsights/agent-platform-prod/application"),
    cloud("aws:cloudwatch/logGroup:LogGroup", "/aws/eks/agent-platform-prod/cluster"),
];
const dashboard = (ns: string) => k8s("ConfigMap", "monitoring", `grafana-dashboard-${ns}`);
const denyAll = (ns: string) => k8s("NetworkPolicy", ns, "default-deny-all");
const velero = (schedule: string) => [k8s("Schedule", "velero", schedule), cloud("aws:s3/bucket:Bucket", "agent-platform-prod-velero")];
const ecr = (...repos: string[]) => [
    ...repos.map((r) => cloud("aws:ecr/repository:Repository", `agent-platform/${r}`)),
    cloud("aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "ecr-public"),
];

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
    {
        seed: "000",
        item: "Secrets are properly secured (not hardcoded)",
        rules: SECRETS,
        proof: [...SECRET_STORE, k8s("ExternalSecret", "claude-mid-service", "claude-terminal-secrets")],
    },
    { seed: "000", item: "Resource limits are configured", rules: LIMITS },
    { seed: "000", item: "Health checks are working", rules: HEALTH },
    { seed: "000", item: "Persistent storage is configured", rules: STORAGE },
    { seed: "000", item: "Monitoring is set up", rules: MONITORING, proof: [dashboard("claude-mid-service")] },
    { seed: "000", item: "Logging is configured", rules: LOGGING, proof: LOG_SHIPPING },
    { seed: "000", item: "Backup strategy is in place", rules: BACKUP, proof: velero("claude-mid-service-daily") },
    { seed: "000", item: "RBAC is configured", rules: RBAC },
    { seed: "000", item: "Network policies are applied", rules: NETWORK, proof: [denyAll("claude-mid-service")] },
    { seed: "000", item: "Images are scanned for vulnerabilities", rules: SCANNING, proxy: true, proof: ecr("claude-terminal-service", "claude-ecc-poller") },
    {
        seed: "000",
        item: "ServiceNow MID Server is registered and validated",
        rules: ["avail-singleton", "avail-singleton-exempt", "health-startup"],
        proxy: true,
    },
    { seed: "000", item: "End-to-end testing completed", rules: ["proc-upgrade-rehearsed"], proxy: true },
    {
        seed: "001",
        item: "Raft cluster with 3+ nodes deployed",
        rules: ["avail-raft-quorum", "avail-raft-pdb", "avail-spread", "eks-nodes-multi-az"],
        proof: [k8s("StatefulSet", "inquisitor-system", "inquisitor")],
    },
    { seed: "001", item: "Persistent storage configured for manifests and artifacts", rules: STORAGE },
    { seed: "001", item: "Resource limits set appropriately", rules: LIMITS },
    {
        seed: "001",
        item: "Monitoring and alerting configured",
        rules: MONITORING,
        proof: [k8s("ServiceMonitor", "inquisitor-system", "inquisitor-metrics"), dashboard("inquisitor-system")],
    },
    { seed: "001", item: "Logging pipeline established", rules: LOGGING, proof: LOG_SHIPPING },
    { seed: "001", item: "Backup strategy implemented", rules: BACKUP, proof: velero("inquisitor-daily") },
    { seed: "001", item: "Network policies applied", rules: NETWORK, proof: [denyAll("inquisitor-system")] },
    { seed: "001", item: "RBAC configured with least privilege", rules: RBAC },
    { seed: "001", item: "Secrets management in place", rules: SECRETS, proof: SECRET_STORE },
    { seed: "001", item: "Health checks configured", rules: HEALTH },
    { seed: "001", item: "Upgrade/rollback procedure tested", rules: ROLLBACK, proxy: true },
    {
        seed: "003",
        item: "Secrets configured properly (not in Git!)",
        rules: SECRETS,
        proof: [...SECRET_STORE, k8s("ExternalSecret", "production-agents", "agent-secrets")],
    },
    { seed: "003", item: "Resource limits set based on load testing", rules: LIMITS },
    {
        seed: "003",
        item: "HPA configured and tested",
        rules: ["avail-hpa-present", "avail-hpa-sane", "avail-hpa-target", "avail-min-replicas"],
        proof: [
            k8s("HorizontalPodAutoscaler", "production-agents", "agent-hpa"),
            k8s("ConfigMap", "monitoring", "prometheus-adapter"),
            k8s("APIService", undefined, "v1beta1.custom.metrics.k8s.io"),
        ],
    },
    { seed: "003", item: "Health checks working (liveness, readiness, startup)", rules: HEALTH },
    {
        seed: "003",
        item: "Monitoring and alerting configured",
        rules: MONITORING,
        proof: [k8s("ServiceMonitor", "production-agents", "agent-metrics"), dashboard("production-agents")],
    },
    { seed: "003", item: "Network policies applied and tested", rules: NETWORK, proof: [denyAll("production-agents")] },
    { seed: "003", item: "RBAC configured with least privilege", rules: RBAC },
    { seed: "003", item: "Backup strategy implemented", rules: BACKUP, proof: velero("production-agents-daily") },
    {
        seed: "003",
        item: "Disaster recovery plan documented",
        rules: ["stor-backup", "stor-data-retained", "eks-nodes-multi-az"],
        proxy: true,
        proof: velero("production-agents-daily"),
    },
    { seed: "003", item: "Rollback procedure tested", rules: ROLLBACK, proxy: true },
    { seed: "003", item: "Load testing completed", rules: ["avail-hpa-sane", "res-cpu", "res-memory"], proxy: true },
    {
        seed: "003",
        item: "Security scan completed (images, manifests)",
        rules: [...SCANNING, "hyg-deprecated-api"],
        proxy: true,
        proof: ecr("production-agent"),
    },
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

export const CHECKLIST_BEGIN = "<!-- checklist-table:begin (npm run policy:check -- --checklist-table) -->";
export const CHECKLIST_END = "<!-- checklist-table:end -->";

/** `Kind namespace/name` or `type name`. Pure. */
export function proofLabel(p: Proof): string {
    return `${p.kind} ${p.namespace ? `${p.namespace}/` : ""}${p.name}`;
}

/** README.md's checklist table: each rule linked to its anchor in the Rules table, each proof by kind and name. Pure. */
export function checklistTable(items: readonly ChecklistItem[] = CHECKLIST): string {
    const rows = items.map((c) => {
        const rules = c.rules.map((r) => `[\`${r}\`](#${r})`).join(", ");
        const proof = (c.proof ?? []).map((p) => `\`${proofLabel(p)}\``).join(", ") || "—";
        return `| ${c.seed} | ${c.item.replace(/\|/g, "\\|")} | ${rules} | ${proof} | ${c.proxy ? "proxy" : "direct"} |`;
    });
    return ["| seed | checklist item | rules | proved by (prod render) | kind |", "|---|---|---|---|---|", ...rows].join("\n");
}
