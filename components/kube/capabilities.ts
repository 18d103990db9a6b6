/**
 * Which CRD-backed APIs the target cluster serves. Components create ServiceMonitors, VPAs,
 * Velero schedules, cert-manager issuers and Istio policies only when the flag is on, and
 * log what they skipped otherwise, so a preview never fails on a missing CRD.
 */
import * as pulumi from "@pulumi/pulumi";

export interface ClusterCapabilities {
    /** monitoring.coreos.com/v1 ServiceMonitor + PrometheusRule (Prometheus Operator). */
    serviceMonitor?: boolean;
    /** autoscaling.k8s.io/v1 VerticalPodAutoscaler. */
    vpa?: boolean;
    /** velero.io/v1 Schedule + Backup. */
    velero?: boolean;
    /** cert-manager.io/v1 issuers and the Ingress annotation they serve. */
    certManager?: boolean;
    /** security.istio.io/v1 PeerAuthentication. */
    istio?: boolean;
    /** external-secrets.io/v1 ExternalSecret (External Secrets Operator). */
    externalSecrets?: boolean;
    /** prometheus-adapter serving custom.metrics.k8s.io from ConfigMap monitoring/prometheus-adapter. */
    customMetrics?: boolean;
}

/** An object a component did not create because its CRD is absent. */
export interface SkippedObject {
    feature: keyof ClusterCapabilities;
    /** e.g. `ServiceMonitor claude-code/redis` */
    what: string;
}

const collectors: SkippedObject[][] = [];

/**
 * Runs `fn` and returns what `crdAvailable` skipped while it ran (components decide in their
 * constructors, so a synchronous scope sees every skip). The stack summary reports these.
 */
export function collectSkipped<T>(fn: () => T): { result: T; skipped: SkippedObject[] } {
    const skipped: SkippedObject[] = [];
    collectors.push(skipped);
    try {
        return { result: fn(), skipped };
    } finally {
        collectors.splice(collectors.indexOf(skipped), 1);
    }
}

/** Returns whether `feature` is available, logging an info line naming what was skipped when not. */
export function crdAvailable(caps: ClusterCapabilities | undefined, feature: keyof ClusterCapabilities, what: string, resource?: pulumi.Resource): boolean {
    if (caps?.[feature]) return true;
    for (const c of collectors) c.push({ feature, what });
    pulumi.log.info(
        `skipped ${what}: the cluster does not declare the ${feature} CRD (set agent-platform:crds.${feature}: true when it is installed)`,
        resource,
    );
    return false;
}
