import * as pulumi from "@pulumi/pulumi";
import { AgentService, AgentServiceArgs } from "./agent-service";
import { SINGLETON_LABEL } from "./labels";

/** Everything an AgentService takes except what a singleton fixes. */
export type SingletonWorkerArgs = Omit<AgentServiceArgs, "hpa" | "strategy" | "pdb"> & {
    /** Must be 1 when given: a second poller would process every queue item twice. */
    replicas?: number;
};

/** Throws unless the args describe exactly one replica with no autoscaling. */
export function validateSingletonArgs(name: string, args: SingletonWorkerArgs): void {
    const a = args as AgentServiceArgs;
    const problems: string[] = [];
    if (a.replicas !== undefined && a.replicas !== 1) problems.push(`replicas must be exactly 1 for a singleton, got ${a.replicas}`);
    if (a.hpa) problems.push("hpa is not allowed: a singleton is never autoscaled");
    if (a.strategy && a.strategy !== "Recreate") problems.push(`strategy must be Recreate (no overlap of old and new pod), got ${a.strategy}`);
    if ((a.replicaVolumes ?? []).length) problems.push("replicaVolumes are not allowed: a singleton is a Deployment; use volumes with a claim");
    if (problems.length) throw new Error(`invalid SingletonWorker ${name}:\n  - ${problems.join("\n  - ")}`);
}

/**
 * A workload that must never run twice at once (queue pollers such as the ECC poller, the MID
 * server): one replica, `Recreate` so an update stops the old pod before starting the new one,
 * no HPA, no PDB (one replica cannot stay available through an eviction anyway), and the
 * singleton label the policy pack uses to exempt it from minimum-replica rules.
 */
export class SingletonWorker extends AgentService {
    constructor(name: string, args: SingletonWorkerArgs, opts?: pulumi.ComponentResourceOptions) {
        validateSingletonArgs(name, args);
        super(name, {
            ...args,
            replicas: 1,
            strategy: "Recreate",
            pdb: false,
            labels: { ...(args.labels ?? {}), [SINGLETON_LABEL]: "true" },
        }, opts, "agent-platform:kube:SingletonWorker");
    }
}
