import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { AgentServiceArgs, WorkloadArgs } from "./agent-service-args";
import { WorkloadKind, agentServiceFootprint, agentServiceProblems, deployWorkload, workloadResource } from "./agent-service";
import { Labels } from "./labels";
import { componentType, withOldTypeAlias } from "./type-token";
import { WorkloadFootprint } from "./quota";
import { SINGLETON_LABEL } from "./labels";
import { Problem, assertNoProblems, check } from "./problems";

/** Everything an AgentService takes except what a singleton fixes (hpa, strategy, pdb). */
export interface SingletonWorkerArgs extends WorkloadArgs {
    /** Must be 1 when given: a second poller would process every queue item twice. @default 1 */
    replicas?: number;
}

/** What a singleton fixes, as data: exactly one replica, never autoscaled, Recreate, a Deployment. */
function singletonRules(a: AgentServiceArgs): Problem[] {
    return [
        ...check(a.replicas === undefined || a.replicas === 1, "replicas", "must be exactly 1 for a singleton", a.replicas),
        ...check(!a.hpa, "hpa", "is not allowed: a singleton is never autoscaled"),
        ...check(!a.strategy || a.strategy === "Recreate", "strategy", "must be Recreate (no overlap of old and new pod)", a.strategy),
        ...check(!(a.replicaVolumes ?? []).length, "replicaVolumes", "are not allowed: a singleton is a Deployment; use volumes with a claim"),
    ];
}

/** Every rule a SingletonWorker's args must satisfy: the singleton's own, then AgentService's with what it fixes. */
export function singletonWorkerProblems(name: string, args: SingletonWorkerArgs): Problem[] {
    const a = args as AgentServiceArgs;
    const own = singletonRules(a);
    return own.length ? own : agentServiceProblems(name, singletonArgs(a));
}

/** One pod, never surged (Recreate), for quotas. */
export function singletonWorkerFootprint(args: SingletonWorkerArgs): WorkloadFootprint {
    return agentServiceFootprint(singletonArgs(args));
}

/** The AgentService args a singleton runs with. */
function singletonArgs(a: SingletonWorkerArgs): AgentServiceArgs {
    return { ...a, replicas: 1, strategy: "Recreate", pdb: { enabled: false }, labels: { ...(a.labels ?? {}), [SINGLETON_LABEL]: "true" } };
}

/**
 * A workload that must never run twice at once (queue pollers such as the ECC poller, the MID
 * server): one replica, `Recreate` so an update stops the old pod before starting the new one,
 * no HPA, no PDB (one replica cannot stay available through an eviction anyway), and the
 * singleton label the policy pack uses to exempt it from minimum-replica rules.
 */
export class SingletonWorker extends pulumi.ComponentResource {
    /** Kubernetes name of the workload. */
    public readonly workloadName: string;
    /** Always `Deployment`. */
    public readonly kind: WorkloadKind;
    /** Service name, when there is a Service. */
    public readonly serviceName?: string;
    /** `http://<svc>.<ns>.svc.cluster.local:<port>` for the first Service port. */
    public readonly url?: string;
    /** The Deployment. */
    public readonly deployment?: k8s.apps.v1.Deployment;
    /** Pod selector labels (for NetworkPolicy peers and monitors). */
    public readonly selector: Labels;

    /** The Deployment (what AgentService.workload is). */
    get workload(): k8s.apps.v1.Deployment | k8s.apps.v1.StatefulSet {
        return workloadResource(this);
    }

    constructor(name: string, args: SingletonWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("SingletonWorker", name, singletonWorkerProblems(name, args));
        super(componentType("SingletonWorker"), name, {}, withOldTypeAlias("agent-platform:kube:SingletonWorker", opts));
        // The AgentService workload, built with the singleton's rules applied, as this component's own children.
        const w = deployWorkload(this, name, singletonArgs(args));
        this.workloadName = w.workloadName;
        this.kind = w.kind;
        this.selector = w.selector;
        if (w.serviceName !== undefined) this.serviceName = w.serviceName;
        if (w.url !== undefined) this.url = w.url;
        if (w.deployment) this.deployment = w.deployment;
        this.registerOutputs({ workloadName: w.workloadName, serviceName: w.serviceName, url: w.url });
    }
}
