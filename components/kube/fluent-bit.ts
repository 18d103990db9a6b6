/**
 * FluentBit: the opt-in log shipper for clusters this program does not provision (on EKS the
 * amazon-cloudwatch-observability add-on does it). One DaemonSet `fluent-bit` in its own
 * namespace tails every container log read-only from the node, adds the pod's Kubernetes metadata
 * and ships it to CloudWatch Logs, a `forward` endpoint or an `http` endpoint. Least privilege:
 * a ClusterRole that only gets/lists/watches pods and namespaces, a NetworkPolicy that lets it
 * reach DNS, the API server and the output only, and no secret in its ConfigMap.
 */
import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { DEFAULT_FLUENT_BIT_RESOURCES, FluentBitOutputArgs, fluentBitConf, fluentBitPodSpec, outputEgress, outputKinds } from "./fluent-bit-spec";
import { standardLabels, selectorLabels } from "./labels";
import { dns1123Problem } from "./names";
import { allowListPolicySpec, TrafficRule } from "./network";
import { PlatformNamespace } from "./platform-namespace";
import { ResourceSpec } from "./pod";
import { cpuMillis, formatCpu, formatMemory, memoryMi } from "./quantity";
import { Problem, assertNoProblems, check } from "./problems";
import { componentType } from "./type-token";

export * from "./fluent-bit-spec";

/** Fluent Bit release the DaemonSet runs unless the caller pins another (upstream image). */
export const DEFAULT_FLUENT_BIT_IMAGE = "cr.fluentbit.io/fluent/fluent-bit:4.0.3";
/** The workload, ConfigMap and ServiceAccount name (stable: dashboards and runbooks name it). */
export const FLUENT_BIT_NAME = "fluent-bit";
/** The cluster-scoped RBAC objects' name (prefixed: a cluster may already run its own `fluent-bit`). */
export const FLUENT_BIT_CLUSTER_ROLE = "agent-platform-fluent-bit";
/** Pod template annotation: the config's hash. */
export const CONFIG_HASH_ANNOTATION = "agent-platform.io/config-hash";
/** DNS on kube-system, the only other egress besides the API server and the output. */
const DNS_EGRESS: TrafficRule = {
    peers: [{ namespace: "kube-system" }],
    portSpecs: [
        { port: 53, protocol: "UDP" },
        { port: 53, protocol: "TCP" },
    ],
};

/** Nodes the namespace quota is sized for (seed 002's cluster autoscaler: maxNodes 100). */
export const DEFAULT_MAX_NODES = 100;
const EXEMPT = "agent-platform.io/policy-exempt.";
/**
 * What a node-log reader must do that the pack's pod rules forbid, each with its reason, on the
 * objects themselves (policy/README.md "Exemptions"): every other rule still judges them.
 */
export const FLUENT_BIT_EXEMPTIONS: Record<string, string> = {
    [`${EXEMPT}sec-no-hostpath`]: "A log shipper reads the node's container logs: /var/log/pods and /var/log/containers only, mounted read-only.",
    [`${EXEMPT}sec-volume-types`]: "The two read-only hostPath log directories; every other volume is a configMap or an emptyDir.",
    [`${EXEMPT}sec-run-as-non-root`]:
        "The node's log files are root:root 0640; uid 0 reads them as their owner, with every capability dropped, no privilege escalation and a read-only root filesystem.",
    [`${EXEMPT}sec-non-root-group`]: "gid 0 with uid 0, for the root-owned log files; no capability, no escalation.",
};
/** The namespace runs only the shipper, whose hostPath mounts the restricted and baseline levels reject. */
export const FLUENT_BIT_NAMESPACE_EXEMPTIONS: Record<string, string> = {
    [`${EXEMPT}hyg-namespace-pss`]:
        "Pod Security privileged: the namespace holds only the Fluent Bit DaemonSet, whose read-only hostPath log mounts baseline and restricted reject.",
};

/** The namespace quota: one pod per node at its limits, for `maxNodes` nodes. Pure. */
export function fluentBitQuota(resources: ResourceSpec, maxNodes: number): Record<string, string> {
    const cpu = (q: string) => formatCpu(cpuMillis(q) * maxNodes);
    const mem = (q: string) => formatMemory(memoryMi(q) * maxNodes);
    return {
        pods: String(maxNodes),
        "requests.cpu": cpu(resources.requests.cpu),
        "requests.memory": mem(resources.requests.memory),
        "limits.cpu": cpu(resources.limits.cpu),
        "limits.memory": mem(resources.limits.memory),
    };
}

/** The arguments of a `FluentBit`. */
export interface FluentBitArgs {
    /** Namespace created for the shipper (Pod Security `privileged`: it mounts node paths). @default logging */
    namespace?: string;
    /** Fluent Bit image, pinned; an Output too (e.g. a registry's repository URL with a tag). @default DEFAULT_FLUENT_BIT_IMAGE */
    image?: pulumi.Input<string>;
    /** Where the logs go: exactly one of `cloudwatchLogs`, `forward` and `http`. */
    output: FluentBitOutputArgs;
    /** Address blocks of the API server (the kubernetes filter reads pod metadata there). */
    kubeApiCidrs: string[];
    /** The API server's ports. @default [443, 6443] */
    kubeApiPorts?: number[];
    /** IAM role for the ServiceAccount (IRSA), e.g. for CloudWatch Logs. @default none */
    roleArn?: pulumi.Input<string>;
    /** Enforce the namespace's Pod Security level (prod). @default false */
    enforcePodSecurity?: boolean;
    /** Requests and limits of each shipper pod (also sizes the namespace quota). @default DEFAULT_FLUENT_BIT_RESOURCES (50m/64Mi requests, 500m/256Mi limits) */
    resources?: ResourceSpec;
    /** Nodes the namespace quota admits one pod for. @default DEFAULT_MAX_NODES */
    maxNodes?: number;
}

/** The ClusterRole's rules: read pods and namespaces, nothing else (the kubernetes filter's needs). Pure. */
export function fluentBitRules(): k8s.types.input.rbac.v1.PolicyRule[] {
    return [{ apiGroups: [""], resources: ["namespaces", "pods"], verbs: ["get", "list", "watch"] }];
}

/** The shipper's own NetworkPolicy: no ingress; egress to DNS, the API server and the output. Pure. */
export function fluentBitNetworkPolicySpec(
    a: Pick<FluentBitArgs, "output" | "kubeApiCidrs" | "kubeApiPorts">,
): k8s.types.input.networking.v1.NetworkPolicySpec {
    const api: TrafficRule = { peers: a.kubeApiCidrs.map((cidr) => ({ cidr })), ports: a.kubeApiPorts ?? [443, 6443] };
    return allowListPolicySpec(selectorLabels(FLUENT_BIT_NAME), [], [DNS_EGRESS, api, outputEgress(a.output)], { isolateIngress: true });
}

/** The args' problems (`ns` is the namespace in effect). Pure. */
export function fluentBitProblems(ns: string, args: FluentBitArgs): Problem[] {
    return [
        ...dns1123Problem("namespace", ns),
        ...check(args.kubeApiCidrs.length > 0, "kubeApiCidrs", "needs at least one address block (the API server's)"),
        ...check(outputKinds(args.output) === 1, "output", "must set exactly one of cloudwatchLogs, forward and http"),
        ...check(args.maxNodes === undefined || (Number.isInteger(args.maxNodes) && args.maxNodes >= 1), "maxNodes", "must be an integer >= 1", args.maxNodes),
    ];
}

/** FluentBit's DaemonSet, kept off the class's properties (its schema outputs, plain values and Outputs only). */
const daemonSets = new WeakMap<FluentBit, k8s.apps.v1.DaemonSet>();

/** The opt-in log shipper: a Fluent Bit DaemonSet in its own namespace, shipping every container log to one output. */
export class FluentBit extends pulumi.ComponentResource {
    /** The shipper's namespace. */
    public readonly namespace: string;
    /** The DaemonSet's name (`fluent-bit`). */
    public readonly daemonSetName: pulumi.Output<string>;

    /** The DaemonSet (TypeScript only: a getter, outside the package schema). */
    public get daemonSet(): k8s.apps.v1.DaemonSet {
        const ds = daemonSets.get(this);
        if (!ds) throw new Error("FluentBit: its DaemonSet is read before it is created");
        return ds;
    }

    constructor(name: string, args: FluentBitArgs, opts?: pulumi.ComponentResourceOptions) {
        const ns = args.namespace ?? "logging";
        assertNoProblems("FluentBit", name, fluentBitProblems(ns, args));
        super(componentType("FluentBit"), name, {}, opts);
        this.namespace = ns;
        const labels = standardLabels(FLUENT_BIT_NAME, { partOf: "logging", component: "log-shipper" });
        const resources = args.resources ?? DEFAULT_FLUENT_BIT_RESOURCES;
        const namespace = new PlatformNamespace(
            `${name}-namespace`,
            {
                name: ns,
                partOf: "logging",
                podSecurity: { level: "privileged", enforce: args.enforcePodSecurity ?? false },
                annotations: FLUENT_BIT_NAMESPACE_EXEMPTIONS,
                quota: { hard: fluentBitQuota(resources, args.maxNodes ?? DEFAULT_MAX_NODES) },
                limits: { defaultLimit: resources.limits, defaultRequest: resources.requests, max: resources.limits },
            },
            { parent: this },
        );
        const inNs = { parent: this, dependsOn: [namespace] };
        const meta = (n: string) => ({ name: n, namespace: ns, labels });
        const sa = new k8s.core.v1.ServiceAccount(
            `${name}-sa`,
            {
                metadata: { ...meta(FLUENT_BIT_NAME), ...(args.roleArn ? { annotations: { "eks.amazonaws.com/role-arn": args.roleArn } } : {}) },
                automountServiceAccountToken: false,
            },
            inNs,
        );
        const role = new k8s.rbac.v1.ClusterRole(
            `${name}-clusterrole`,
            { metadata: { name: FLUENT_BIT_CLUSTER_ROLE, labels }, rules: fluentBitRules() },
            { parent: this },
        );
        new k8s.rbac.v1.ClusterRoleBinding(
            `${name}-clusterrolebinding`,
            {
                metadata: { name: FLUENT_BIT_CLUSTER_ROLE, labels },
                roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: FLUENT_BIT_CLUSTER_ROLE },
                subjects: [{ kind: "ServiceAccount", name: FLUENT_BIT_NAME, namespace: ns }],
            },
            { parent: this, dependsOn: [role, sa] },
        );
        const conf = fluentBitConf(args.output);
        const config = new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: meta(FLUENT_BIT_NAME), data: { "fluent-bit.conf": conf } }, inNs);
        new k8s.networking.v1.NetworkPolicy(`${name}-netpol`, { metadata: meta(FLUENT_BIT_NAME), spec: fluentBitNetworkPolicySpec(args) }, inNs);
        const daemonSet = new k8s.apps.v1.DaemonSet(
            `${name}-ds`,
            {
                metadata: { ...meta(FLUENT_BIT_NAME), annotations: FLUENT_BIT_EXEMPTIONS },
                spec: {
                    selector: { matchLabels: selectorLabels(FLUENT_BIT_NAME) },
                    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
                    template: {
                        // A config change rolls the pods (Fluent Bit reads its config once, at start).
                        metadata: { labels, annotations: { [CONFIG_HASH_ANNOTATION]: createHash("sha256").update(conf).digest("hex").slice(0, 16) } },
                        spec: fluentBitPodSpec({
                            image: args.image ?? DEFAULT_FLUENT_BIT_IMAGE,
                            output: args.output,
                            serviceAccount: FLUENT_BIT_NAME,
                            configMap: FLUENT_BIT_NAME,
                            labels,
                            resources,
                        }),
                    },
                },
            },
            { parent: this, dependsOn: [namespace, config, sa] },
        );
        daemonSets.set(this, daemonSet);
        this.daemonSetName = daemonSet.metadata.name;
        this.registerOutputs({ namespace: ns, daemonSetName: this.daemonSetName });
    }
}
