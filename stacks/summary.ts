/**
 * The `summary` stack output: per system, what `pulumi up` left running and how to reach it (in
 * the spirit of a Helm chart's NOTES). `npm run summary` prints it.
 */
import * as pulumi from "@pulumi/pulumi";
import { SYSTEMS, SystemKey } from "./config";
import { SkippedObject } from "agent-platform";
import { SystemOutputs } from "./systems/types";

export interface WorkloadSummary {
    kind: string;
    name: string;
    /** spec.replicas as declared (an HPA may change it); absent for a DaemonSet or when unset. */
    replicas?: number;
}

export interface PortForward {
    service: string;
    port: number;
    localPort: number;
    command: string;
    url: string;
}

export interface SystemSummary {
    namespace: string;
    workloads: WorkloadSummary[];
    /** In-cluster URLs by Service name. */
    urls: Record<string, string>;
    ingressHosts: string[];
    /** The secure config keys the system reads (`pulumi config set --secret KEY`). */
    secretKeys: string[];
    /** Objects not created because their CRD is absent (`agent-platform:crds`). */
    skipped: string[];
    /** How to reach the system's main UI or API from a workstation. */
    portForward?: PortForward;
}

const WORKLOAD_KINDS: Record<string, string> = {
    "kubernetes:apps/v1:Deployment": "Deployment",
    "kubernetes:apps/v1:StatefulSet": "StatefulSet",
    "kubernetes:apps/v1:DaemonSet": "DaemonSet",
    "kubernetes:batch/v1:CronJob": "CronJob",
};

/** `kubectl port-forward` for a Service URL `scheme://name.ns.svc.cluster.local:port`; local ports below 1024 move to 8080. */
export function portForwardFor(namespace: string, service: string, url: string): PortForward | undefined {
    const m = /^[a-z][a-z0-9+.-]*:\/\/([^/:]+):(\d+)/.exec(url);
    if (!m) return undefined;
    const port = Number(m[2]);
    const localPort = port < 1024 ? 8080 : port;
    return {
        service,
        port,
        localPort,
        command: `kubectl -n ${namespace} port-forward svc/${service} ${localPort}:${port}`,
        url: `http://localhost:${localPort}`,
    };
}

/**
 * Records what one system creates and reads while its module runs: pass `transformation` to its
 * component and wrap its secret accessor with `secret`.
 */
export class SystemRecorder {
    private readonly secretKeys = new Set<string>();
    private readonly workloads: pulumi.Output<WorkloadSummary>[] = [];

    readonly transformation: pulumi.ResourceTransformation = (a) => {
        const kind = WORKLOAD_KINDS[a.type];
        if (kind) {
            const props = a.props as { metadata?: { name?: pulumi.Input<string> }; spec?: { replicas?: pulumi.Input<number> } };
            this.workloads.push(
                pulumi.all([props.metadata?.name, props.spec?.replicas]).apply(([name, replicas]) => ({
                    kind,
                    name: name ?? a.name,
                    ...(typeof replicas === "number" ? { replicas } : {}),
                })),
            );
        }
        return undefined;
    };

    secret(read: (key: string) => pulumi.Output<string>): (key: string) => pulumi.Output<string> {
        return (key) => {
            this.secretKeys.add(key);
            return read(key);
        };
    }

    summary(key: SystemKey, outputs: SystemOutputs, skipped: readonly SkippedObject[]): pulumi.Output<SystemSummary> {
        const ui = SYSTEMS[key].mainService;
        const secretKeys = [...this.secretKeys].sort();
        return pulumi.all(this.workloads).apply((workloads) => {
            const forward = outputs.services[ui] ? portForwardFor(outputs.namespace, ui, outputs.services[ui]) : undefined;
            return {
                namespace: outputs.namespace,
                workloads: [...workloads].sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name)),
                urls: outputs.services,
                ingressHosts: outputs.ingressHosts ?? [],
                secretKeys,
                skipped: skipped.map((s) => `${s.what} (needs the ${s.feature} CRD)`),
                ...(forward ? { portForward: forward } : {}),
            };
        });
    }
}
