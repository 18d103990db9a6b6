import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { crdAvailable } from "./capabilities";
import { Labels, selectorLabels, standardLabels } from "./labels";
import { serviceUrl } from "./names";
import { knownNamespace, namespaceName } from "./namespace-ref";
import { allowListPolicySpec } from "./network";
import { buildContainer, buildPodSpec } from "./pod";
import { assertNoProblems } from "./problems";
import { createServiceAccount } from "./service-account";
import { claimSpec, createStatefulSet } from "./stateful-set";
import { serviceMonitorSpec } from "./service-monitor";
import { PodTiming, rolloutTiming } from "./timeouts";
import { AgentServiceArgs, WorkloadKind } from "./agent-service-args";
import { serviceAnnotations } from "./service-await";
import {
    agentContainerSpec,
    agentServiceProblems,
    defaultPdb,
    serviceEnabled,
    deploymentStrategy,
    hpaMetrics,
    podVolumes,
    serviceSpec,
    servicePorts,
} from "./agent-service-spec";
import { componentType, withOldTypeAlias } from "./type-token";

export * from "./agent-service-args";
export * from "./agent-service-spec";

type Input<T> = pulumi.Input<T>;

type Meta = (objName: string, extra?: Record<string, unknown>) => { name: string; namespace: Input<string>; labels: Labels };

/** The pod template: the one container, its account and volumes, placement and security. */
function podTemplate(
    a: AgentServiceArgs,
    container: ReturnType<typeof buildContainer>,
    sa: { name: string; automountToken: boolean },
    labels: Labels,
    selector: Labels,
) {
    return {
        metadata: { labels, ...(a.podAnnotations ? { annotations: a.podAnnotations } : {}) },
        spec: buildPodSpec({
            containers: [container],
            serviceAccountName: sa.name,
            automountServiceAccountToken: sa.automountToken,
            volumes: podVolumes(a),
            selector,
            placement: a.placement,
            security: a.security,
            terminationGracePeriodSeconds: a.terminationGracePeriodSeconds,
            enableServiceLinks: a.enableServiceLinks,
        }),
    };
}

/** The Deployment, with the probe-derived await (components/kube/timeouts.ts): slow starters outlast the 10-minute defaults. */
function createDeployment(
    name: string,
    a: AgentServiceArgs,
    d: { metadata: ReturnType<Meta>; selector: Labels; template: ReturnType<typeof podTemplate>; replicas: number | undefined },
    opts: { parent: pulumi.Resource; dependsOn: pulumi.Resource[] },
): k8s.apps.v1.Deployment {
    const { replicas, template } = d;
    const timing = rolloutTiming(template.spec as PodTiming, {
        kind: "Deployment",
        replicas: a.hpa?.maxReplicas ?? replicas ?? 1,
        strategy: deploymentStrategy(a),
    });
    return new k8s.apps.v1.Deployment(
        `${name}-deploy`,
        {
            metadata: d.metadata,
            spec: {
                ...(replicas !== undefined ? { replicas } : {}),
                revisionHistoryLimit: 5,
                ...timing.spec,
                selector: { matchLabels: d.selector },
                strategy: deploymentStrategy(a),
                template,
            },
        },
        { ...opts, customTimeouts: timing.customTimeouts },
    );
}

/** What the workload reads at start: its ConfigMap, Secret and owned claims. */
function createOwnedObjects(name: string, a: AgentServiceArgs, meta: Meta, parent: pulumi.Resource): pulumi.Resource[] {
    const deps: pulumi.Resource[] = [];
    if (a.config) deps.push(new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: meta(a.config.name), data: a.config.data }, { parent }));
    if (a.secret) {
        deps.push(
            new k8s.core.v1.Secret(
                `${name}-secret`,
                {
                    metadata: meta(a.secret.name),
                    type: "Opaque",
                    stringData: pulumi.secret(a.secret.data as Record<string, Input<string>>) as unknown as Record<string, Input<string>>,
                },
                { parent },
            ),
        );
    }
    for (const v of a.volumes ?? []) {
        if (!v.claim) continue;
        deps.push(
            new k8s.core.v1.PersistentVolumeClaim(
                `${name}-${v.name}-pvc`,
                {
                    metadata: meta(v.claim.name),
                    spec: { ...claimSpec(v.claim.size, v.claim.storageClassName), accessModes: v.claim.accessModes ?? ["ReadWriteOnce"] },
                },
                { parent, retainOnDelete: a.retainVolumes ?? true },
            ),
        );
    }
    return deps;
}

/** What the satellites point at. */
type SatelliteTarget = Pick<DeployedWorkload, "workloadName" | "kind" | "selector"> & {
    workload: pulumi.Resource;
    parent: pulumi.ComponentResource;
    meta: Meta;
};

/** HPA, PDB, VPA (CRD-gated), ServiceMonitor (CRD-gated) and the NetworkPolicy around the workload. */
function createSatellites(name: string, a: AgentServiceArgs, w: SatelliteTarget, service: k8s.core.v1.Service | undefined): void {
    const { parent, meta } = w;
    const child = { parent };
    const ns = knownNamespace(a.namespace) ?? "(namespace)";
    const workload = w.workloadName;
    const target = { apiVersion: "apps/v1", kind: w.kind, name: workload };
    if (a.hpa) {
        new k8s.autoscaling.v2.HorizontalPodAutoscaler(
            `${name}-hpa`,
            {
                metadata: meta(a.objectNames?.hpa ?? workload),
                spec: {
                    scaleTargetRef: target,
                    minReplicas: a.hpa.minReplicas,
                    maxReplicas: a.hpa.maxReplicas,
                    metrics: hpaMetrics(a.hpa),
                    ...(a.hpa.behavior ? { behavior: a.hpa.behavior } : {}),
                },
            },
            { parent, dependsOn: [w.workload] },
        );
    }
    const pdb = defaultPdb(a);
    if (pdb) {
        new k8s.policy.v1.PodDisruptionBudget(
            `${name}-pdb`,
            { metadata: meta(a.objectNames?.pdb ?? workload), spec: { selector: { matchLabels: w.selector }, ...pdb } },
            child,
        );
    }
    if (a.vpa && crdAvailable(a.capabilities, "vpa", `VerticalPodAutoscaler ${ns}/${workload}`, parent)) {
        const { minAllowed, maxAllowed } = a.vpa;
        new k8s.apiextensions.CustomResource(
            `${name}-vpa`,
            {
                apiVersion: "autoscaling.k8s.io/v1",
                kind: "VerticalPodAutoscaler",
                metadata: meta(a.objectNames?.vpa ?? workload),
                spec: {
                    targetRef: target,
                    updatePolicy: { updateMode: a.vpa.updateMode },
                    // The workload's own container (seed 002 names it); `*` Off keeps the VPA off injected sidecars.
                    resourcePolicy: {
                        containerPolicies: [
                            { containerName: a.containerName ?? workload, ...(minAllowed ? { minAllowed } : {}), ...(maxAllowed ? { maxAllowed } : {}) },
                            { containerName: "*", mode: "Off" },
                        ],
                    },
                },
            },
            { parent, dependsOn: [w.workload] },
        );
    }
    if (a.serviceMonitor && service && crdAvailable(a.capabilities, "serviceMonitor", `ServiceMonitor ${ns}/${a.serviceMonitor.name ?? workload}`, parent)) {
        new k8s.apiextensions.CustomResource(
            `${name}-monitor`,
            {
                apiVersion: "monitoring.coreos.com/v1",
                kind: "ServiceMonitor",
                metadata: meta(a.serviceMonitor.name ?? workload),
                spec: serviceMonitorSpec(w.selector, a.serviceMonitor),
            },
            { parent, dependsOn: [service] },
        );
    }
    const net = a.network ?? {};
    if ((net.ingress ?? []).length || (net.egress ?? []).length || net.isolateIngress) {
        new k8s.networking.v1.NetworkPolicy(
            `${name}-netpol`,
            {
                metadata: meta(a.objectNames?.networkPolicy ?? workload),
                spec: allowListPolicySpec(w.selector, net.ingress ?? [], net.egress ?? [], { isolateIngress: net.isolateIngress }),
            },
            child,
        );
    }
}

/** What a deployed workload offers (the outputs of AgentService and SingletonWorker). */
export interface DeployedWorkload {
    workloadName: string;
    kind: WorkloadKind;
    serviceName?: string;
    url?: string;
    deployment?: k8s.apps.v1.Deployment;
    statefulSet?: k8s.apps.v1.StatefulSet;
    selector: Labels;
}

/**
 * Deployment (or StatefulSet with per-replica volumes), Service, dedicated ServiceAccount + Role,
 * HPA, PDB, VPA, ServiceMonitor, NetworkPolicy, env ConfigMap/Secret and PVCs, all children of
 * `parent` (an AgentService, or a SingletonWorker that runs one with its rules applied). The args
 * are checked by the caller.
 */
export function deployWorkload(parent: pulumi.ComponentResource, name: string, a: AgentServiceArgs): DeployedWorkload {
    const ns = namespaceName(a.namespace);
    const workload = a.name ?? name;
    const kind: WorkloadKind = (a.replicaVolumes ?? []).length > 0 ? "StatefulSet" : "Deployment";
    const selector = selectorLabels(workload);
    const labels = standardLabels(workload, { partOf: a.partOf, component: a.component, extra: a.labels });
    const meta: Meta = (objName, extra = {}) => ({ name: objName, namespace: ns, labels, ...extra });
    const out: DeployedWorkload = { workloadName: workload, kind, selector };

    const sa = createServiceAccount(name, ns, workload, labels, a.serviceAccount ?? {}, parent);
    const deps: pulumi.Resource[] = [sa.resource, ...createOwnedObjects(name, a, meta, parent)];
    const container = buildContainer(agentContainerSpec(workload, a));
    const template = podTemplate(a, container, sa, labels, selector);
    const replicas = a.hpa ? undefined : (a.replicas ?? 1);

    let service: k8s.core.v1.Service | undefined;
    const ports = servicePorts(
        a,
        (container.ports as { name: string }[]).map((p) => p.name),
    );
    if (serviceEnabled(a.service) && ports.length) {
        const svc = a.service ?? {};
        out.serviceName = svc.name ?? workload;
        const spec = serviceSpec(a, selector, ports);
        service = new k8s.core.v1.Service(
            `${name}-svc`,
            {
                metadata: meta(out.serviceName, { annotations: serviceAnnotations(svc.type, svc.annotations) }),
                spec,
            },
            { parent },
        );
        const known = knownNamespace(a.namespace);
        if (known !== undefined) out.url = serviceUrl("http", out.serviceName, known, ports[0].port as number);
    }

    const workloadMeta = meta(workload, a.workloadAnnotations ? { annotations: a.workloadAnnotations } : {});
    let resource: pulumi.Resource;
    if (kind === "StatefulSet") {
        resource = out.statefulSet = createStatefulSet(
            name,
            {
                namespace: ns,
                name: workload,
                headlessServiceName: `${workload}-headless`,
                ports,
                labels,
                selector,
                replicas,
                maxReplicas: a.hpa?.maxReplicas,
                annotations: a.workloadAnnotations,
                podManagementPolicy: "Parallel",
                retainVolumes: a.retainVolumes ?? true,
                template,
                claims: a.replicaVolumes ?? [],
                dependsOn: deps,
            },
            parent,
        ).statefulSet;
    } else {
        resource = out.deployment = createDeployment(name, a, { metadata: workloadMeta, selector, template, replicas }, { parent, dependsOn: deps });
    }
    createSatellites(name, a, { workloadName: workload, kind, selector, workload: resource, parent, meta }, service);
    return out;
}

/** The Deployment or StatefulSet of a deployed workload. */
export function workloadResource(w: Pick<DeployedWorkload, "deployment" | "statefulSet">): k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet {
    const r = w.deployment ?? w.statefulSet;
    if (!r) throw new Error("the workload has neither a Deployment nor a StatefulSet");
    return r;
}

/**
 * The universal workload: Deployment (or StatefulSet with per-replica volumes), Service,
 * dedicated ServiceAccount + Role, HPA, PDB, VPA, ServiceMonitor, NetworkPolicy, env
 * ConfigMap/Secret and PVCs, all hardened by default.
 */
export class AgentService extends pulumi.ComponentResource {
    /** Kubernetes name of the workload. */
    public readonly workloadName: string;
    /** `Deployment`, or `StatefulSet` with per-replica volumes. */
    public readonly kind: WorkloadKind;
    /** Service name, when there is a Service. */
    public readonly serviceName?: string;
    /** `http://<svc>.<ns>.svc.cluster.local:<port>` for the first Service port. */
    public readonly url?: string;
    /** The Deployment, when the workload is one. */
    public readonly deployment?: k8s.apps.v1.Deployment;
    /** The StatefulSet, when the workload is one. */
    public readonly statefulSet?: k8s.apps.v1.StatefulSet;
    /** Pod selector labels (for NetworkPolicy peers and monitors). */
    public readonly selector: Labels;

    /** The Deployment or StatefulSet. */
    get workload(): k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet {
        return workloadResource(this);
    }

    constructor(name: string, args: AgentServiceArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("AgentService", name, agentServiceProblems(name, args));
        super(componentType("AgentService"), name, {}, withOldTypeAlias("agent-platform:kube:AgentService", opts));
        const w = deployWorkload(this, name, args);
        this.workloadName = w.workloadName;
        this.kind = w.kind;
        this.selector = w.selector;
        if (w.serviceName !== undefined) this.serviceName = w.serviceName;
        if (w.url !== undefined) this.url = w.url;
        if (w.deployment) this.deployment = w.deployment;
        if (w.statefulSet) this.statefulSet = w.statefulSet;
        this.registerOutputs({ workloadName: w.workloadName, serviceName: w.serviceName, url: w.url });
    }
}
