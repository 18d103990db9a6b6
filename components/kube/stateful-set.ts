/**
 * The StatefulSet shape every stateful workload shares (Redis, Postgres, RaftCluster and
 * AgentService with per-replica volumes): a headless Service giving each pod a stable DNS name,
 * per-replica claims from `volumeClaimTemplates`, and the claim retention policy.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Labels } from "./labels";
import { PodTiming, rolloutTiming } from "./timeouts";

/** A per-replica claim (`<name>-<sts>-<i>`), ReadWriteOnce. */
export interface ClaimTemplate {
    name: string;
    /** e.g. `10Gi` */
    size: string;
    /** @default the cluster's default StorageClass */
    storageClassName?: string;
}

/** Keep (`Retain`) or delete the claims when the set is deleted or scaled down. */
export function claimRetentionPolicy(retain: boolean) {
    return retain ? { whenDeleted: "Retain", whenScaled: "Retain" } : { whenDeleted: "Delete", whenScaled: "Delete" };
}

/** A ReadWriteOnce claim spec of `size` on `storageClassName` (or the default class). */
export function claimSpec(size: string, storageClassName?: string) {
    return {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: size } },
        ...(storageClassName ? { storageClassName } : {}),
    };
}

export function claimTemplates(claims: ClaimTemplate[], selector: Labels) {
    return claims.map((c) => ({ metadata: { name: c.name, labels: selector }, spec: claimSpec(c.size, c.storageClassName) }));
}

/** A per-replica volume mounted into the main container (switches AgentService to a StatefulSet). */
export interface ReplicaVolumeSpec extends ClaimTemplate {
    mountPath: string;
}

export interface StatefulSetArgs {
    namespace: string;
    /** StatefulSet name; pods are `<name>-0..n-1`. */
    name: string;
    /** The headless Service that gives pods their DNS names. */
    headlessServiceName: string;
    /** Ports of the headless Service. */
    ports: k8s.types.input.core.v1.ServicePort[];
    /** Publish pods before they are ready (members that must find each other to become ready). @default false */
    publishNotReadyAddresses?: boolean;
    labels: Labels;
    /** Annotations of the StatefulSet object. @default none */
    annotations?: Record<string, string>;
    selector: Labels;
    /** Omitted when an HPA owns the count. */
    replicas?: number;
    /** The most pods one update rolls (an HPA's maximum), for the await budget. @default replicas ?? 1 */
    maxReplicas?: number;
    /** `OrderedReady` when pod 0 must be up first (a primary), `Parallel` otherwise. */
    podManagementPolicy: "OrderedReady" | "Parallel";
    /** Keep the claims when the set is deleted or scaled down. */
    retainVolumes: boolean;
    template: k8s.types.input.core.v1.PodTemplateSpec;
    /** Per-replica claims; omitted when the pods mount a standalone claim instead. */
    claims?: ClaimTemplate[];
    /** What the set waits for besides its headless Service (Secrets, ConfigMaps, the ServiceAccount). */
    dependsOn?: pulumi.Resource[];
}

/** Creates the headless Service `<prefix>-headless` and the StatefulSet `<prefix>-sts`. */
export function createStatefulSet(
    prefix: string,
    a: StatefulSetArgs,
    parent: pulumi.Resource,
): { statefulSet: k8s.apps.v1.StatefulSet; headless: k8s.core.v1.Service } {
    const meta = (name: string) => ({ name, namespace: a.namespace, labels: a.labels });
    const headless = new k8s.core.v1.Service(
        `${prefix}-headless`,
        {
            metadata: meta(a.headlessServiceName),
            spec: { clusterIP: "None", ...(a.publishNotReadyAddresses ? { publishNotReadyAddresses: true } : {}), selector: a.selector, ports: a.ports },
        },
        { parent },
    );
    // Probe-derived await (timeouts.ts): OrderedReady creates and every rolling update go one pod at a time.
    const timing = rolloutTiming(a.template.spec as PodTiming, {
        kind: "StatefulSet",
        replicas: a.maxReplicas ?? a.replicas ?? 1,
        podManagementPolicy: a.podManagementPolicy,
    });
    const statefulSet = new k8s.apps.v1.StatefulSet(
        `${prefix}-sts`,
        {
            metadata: { ...meta(a.name), ...(a.annotations ? { annotations: a.annotations } : {}) },
            spec: {
                ...(a.replicas !== undefined ? { replicas: a.replicas } : {}),
                serviceName: a.headlessServiceName,
                podManagementPolicy: a.podManagementPolicy,
                selector: { matchLabels: a.selector },
                updateStrategy: { type: "RollingUpdate" },
                persistentVolumeClaimRetentionPolicy: claimRetentionPolicy(a.retainVolumes),
                template: a.template,
                ...(a.claims ? { volumeClaimTemplates: claimTemplates(a.claims, a.selector) } : {}),
            },
        },
        { parent, dependsOn: [headless, ...(a.dependsOn ?? [])], customTimeouts: timing.customTimeouts },
    );
    return { statefulSet, headless };
}
