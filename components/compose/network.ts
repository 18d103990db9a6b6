/**
 * Opt-in NetworkPolicies for a compose project (`networkPolicies`): who calls whom (depends_on and
 * `network.allowFrom`), as AgentService allow-lists on both ends of each call.
 */
import type { TrafficRule } from "../kube/network";
import { ComposeError } from "./errors";
import type { ComposeProject } from "./model";
import { CompileOptions, ServiceDeploymentSpec, mergeSpec } from "./spec";

/** Who calls whom: `depends_on` edges plus `network.allowFrom`, as client -> sorted callees. */
export function serviceCallGraph(project: ComposeProject, options: Pick<CompileOptions, "defaults" | "services">): Map<string, string[]> {
    const names = new Set(project.services.map((s) => s.name));
    const calls = new Map<string, Set<string>>(project.services.map((s) => [s.name, new Set(s.dependsOn.filter((d) => names.has(d)))]));
    for (const svc of project.services) {
        const allowFrom = mergeSpec(options.defaults, options.services?.[svc.name]).network?.allowFrom ?? [];
        allowFrom.forEach((client, i) => {
            if (!names.has(client))
                throw new ComposeError(
                    { file: "<options>", service: svc.name, field: `network.allowFrom[${i}]` },
                    `no active service "${client}" in ${project.file}`,
                );
            calls.get(client)!.add(svc.name);
        });
    }
    return new Map([...calls.entries()].map(([k, v]) => [k, [...v].sort()]));
}

export type RulePorts = { port: number; protocol: "TCP" | "UDP" }[];

/** A namespace admitted to some of a service's ports only (Prometheus to the metrics port, the ingress controller to the routed port). */
export interface NamespaceAccess {
    namespace: string;
    ports: RulePorts;
}

/**
 * AgentService `network` allow-lists of one service: ingress on its ports from its callers
 * (depends_on / allowFrom) and `allowFromNamespaces`, and on the given ports from `admitted`
 * namespaces; egress to DNS, the ports of its callees and `network.egress`.
 */
export function networkRules(
    svc: string,
    spec: ServiceDeploymentSpec,
    calls: Map<string, string[]>,
    portsOf: (svc: string) => RulePorts,
    admitted: readonly NamespaceAccess[] = [],
): { ingress: TrafficRule[]; egress: TrafficRule[] } {
    const net = spec.network ?? {};
    const clients = [...calls.entries()]
        .filter(([, callees]) => callees.includes(svc))
        .map(([c]) => c)
        .sort();
    const ingress: TrafficRule[] = [];
    if (portsOf(svc).length) {
        if (clients.length) ingress.push({ peers: clients.map((c) => ({ workload: c })), portSpecs: portsOf(svc) });
        for (const ns of net.allowFromNamespaces ?? []) ingress.push({ peers: [{ namespace: ns }], portSpecs: portsOf(svc) });
        for (const a of admitted) ingress.push({ peers: [{ namespace: a.namespace }], portSpecs: a.ports });
    }
    const egress: TrafficRule[] = [
        // DNS, so the policy works even without a namespace-wide DNS allowance.
        {
            peers: [{ namespace: "kube-system" }],
            portSpecs: [
                { port: 53, protocol: "UDP" },
                { port: 53, protocol: "TCP" },
            ],
        },
        ...(calls.get(svc) ?? []).filter((callee) => portsOf(callee).length).map((callee) => ({ peers: [{ workload: callee }], portSpecs: portsOf(callee) })),
        ...(net.egress ?? []).map((e) => ({ peers: [{ cidr: e.cidr, ...(e.except?.length ? { except: e.except } : {}) }], ports: e.ports })),
    ];
    return { ingress, egress };
}
