import { z } from "zod";

/** Which CRD-backed APIs the cluster serves (`agent-platform:crds`). Off unless declared. */
export const crdsSchema = z
    .object({
        serviceMonitor: z.boolean().default(false),
        vpa: z.boolean().default(false),
        velero: z.boolean().default(false),
        certManager: z.boolean().default(false),
        istio: z.boolean().default(false),
        externalSecrets: z.boolean().default(false),
        /** prometheus-adapter runs in `monitoring` and reads ConfigMap prometheus-adapter (custom metrics for the HPAs). */
        customMetrics: z.boolean().default(false),
    })
    .strict();

export type Capability = keyof z.infer<typeof crdsSchema>;

/**
 * What a cluster must serve for each `crds.*` key the stack declares: the CRDs of the kinds the
 * components create under it, the namespace they are created in (Velero Schedules live in
 * Velero's own namespace), and what usually provides them. Read by the bring-your-own-cluster
 * preflight (tools/e2e/preflight.ts) and mirrored by tools/e2e/crds.yaml for the local control plane.
 */
export const CAPABILITY_REQUIREMENTS: Record<Capability, { crds: readonly string[]; namespaces: readonly string[]; providedBy: string }> = {
    serviceMonitor: {
        crds: ["servicemonitors.monitoring.coreos.com", "prometheusrules.monitoring.coreos.com"],
        // The operator's namespace: the systems' Grafana dashboards (ConfigMaps for its sidecar) go there.
        namespaces: ["monitoring"],
        providedBy: "the Prometheus Operator (kube-prometheus-stack)",
    },
    vpa: { crds: ["verticalpodautoscalers.autoscaling.k8s.io"], namespaces: [], providedBy: "the Vertical Pod Autoscaler" },
    velero: { crds: ["schedules.velero.io", "backups.velero.io"], namespaces: ["velero"], providedBy: "Velero" },
    certManager: { crds: ["clusterissuers.cert-manager.io"], namespaces: [], providedBy: "cert-manager" },
    istio: { crds: ["peerauthentications.security.istio.io"], namespaces: [], providedBy: "Istio" },
    externalSecrets: {
        crds: ["externalsecrets.external-secrets.io", "clustersecretstores.external-secrets.io"],
        namespaces: [],
        providedBy: "the External Secrets Operator",
    },
    // Not a CRD: an aggregated API (APIService v1beta1.custom.metrics.k8s.io) served by the adapter.
    customMetrics: { crds: [], namespaces: ["monitoring"], providedBy: "prometheus-adapter (reading ConfigMap monitoring/prometheus-adapter)" },
};
