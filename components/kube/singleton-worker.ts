import * as pulumi from "@pulumi/pulumi";
import { AgentService, AgentServiceArgs, agentServiceFootprint, agentServiceProblems } from "./agent-service";
import { WorkloadFootprint } from "./quota";
import { SINGLETON_LABEL } from "./labels";
import { Problem, assertNoProblems, check } from "./problems";

/** Everything an AgentService takes except what a singleton fixes. */
export type SingletonWorkerArgs = Omit<AgentServiceArgs, "hpa" | "strategy" | "pdb"> & {
    /** Must be 1 when given: a second poller would process every queue item twice. */
    replicas?: number;
};

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
    return { ...a, replicas: 1, strategy: "Recreate", pdb: false, labels: { ...(a.labels ?? {}), [SINGLETON_LABEL]: "true" } };
}

/**
 * A workload that must never run twice at once (queue pollers such as the ECC poller, the MID
 * server): one replica, `Recreate` so an update stops the old pod before starting the new one,
 * no HPA, no PDB (one replica cannot stay available through an eviction anyway), and the
 * singleton label the policy pack uses to exempt it from minimum-replica rules.
 */
export class SingletonWorker extends AgentService {
    constructor(name: string, args: SingletonWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("SingletonWorker", name, singletonRules(args as AgentServiceArgs));
        super(name, singletonArgs(args), opts, "SingletonWorker");
    }
}
