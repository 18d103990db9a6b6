/**
 * One compose service -> the args of the AgentService (or SingletonWorker) that deploys it:
 * replicas or an HPA, security, resources, probes, volumes, metrics, Service and network, all as
 * documented AgentService args (nothing is patched onto the objects afterwards).
 */
import { agentServiceProblems, type AgentServiceArgs } from "../kube/agent-service";
import type { TrafficRule } from "../kube/network";
import { formatProblem } from "../kube/problems";
import { prometheusScrapeAnnotations } from "../kube/service-monitor";
import { singletonWorkerProblems } from "../kube/singleton-worker";
import { sortKeys } from "../kube/sorted";
import { ComposeError } from "./errors";
import { configHash } from "./metadata";
import type { ComposeService } from "./model";
import { findPort, type NamedPort } from "./ports";
import { resolveProbes } from "./probes";
import { resolveResources } from "./resources";
import { podSecurity } from "./security";
import type { ResolvedServiceType } from "./service";
import {
    AutoscalingSpec,
    CONFIG_HASH_ANNOTATION,
    CompiledWorkload,
    DEFAULT_CPU_UTILIZATION,
    DEFAULT_METRICS_PATH,
    DEFAULT_REPLICAS,
    MetricsSpec,
    ServiceContext,
    ServiceDeploymentSpec,
} from "./spec";
import { VolumePlan, serviceVolumes } from "./volumes";

/** What the compiler resolved about a service before building its workload. */
export interface WorkloadContext extends ServiceContext {
    namespace: string;
    partOf?: string;
    /** The options' extra labels, validated. */
    labels: Record<string, string>;
    /** The options' annotations (on the workload, its pods and its Service). */
    annotations?: Record<string, string>;
    ports: NamedPort[];
    plans: Map<string, VolumePlan>;
    config?: { name: string; data: Record<string, string> };
    secret?: { name: string; data: Record<string, string> };
    serviceType: ResolvedServiceType;
    /** Compose labels, as annotations of the Service. */
    serviceAnnotations?: Record<string, string>;
    nodePorts: Record<string, number>;
    spreadAcrossZones: boolean;
    serviceMonitors: boolean;
    network?: { ingress: TrafficRule[]; egress: TrafficRule[] };
    bindMounts: "reject" | "emptyDir";
}

/** The replica count (options, compose deploy.replicas, 1) or the autoscaling spec, checked. */
export function resolveScale(
    svc: ComposeService,
    spec: ServiceDeploymentSpec,
    ctx: Pick<ServiceContext, "optAt">,
): { replicas: number; autoscaling?: AutoscalingSpec } {
    const replicas = spec.replicas ?? svc.replicas ?? DEFAULT_REPLICAS;
    if (!Number.isInteger(replicas) || replicas < 0) throw new ComposeError(ctx.optAt("replicas"), `must be a non-negative integer, got ${replicas}`);
    const autoscaling = spec.autoscaling;
    if (autoscaling && spec.replicas !== undefined)
        throw new ComposeError(ctx.optAt("autoscaling"), "replicas and autoscaling are mutually exclusive: the HPA owns the replica count");
    if (autoscaling) {
        const { minReplicas: min, maxReplicas: max, cpuUtilization: cpu } = autoscaling;
        if (!Number.isInteger(min) || min < 1) throw new ComposeError(ctx.optAt("autoscaling.minReplicas"), `must be an integer >= 1, got ${min}`);
        if (!Number.isInteger(max) || max < min)
            throw new ComposeError(ctx.optAt("autoscaling.maxReplicas"), `must be an integer >= minReplicas (${min}), got ${max}`);
        if (cpu !== undefined && (cpu <= 0 || cpu > 100))
            throw new ComposeError(ctx.optAt("autoscaling.cpuUtilization"), `must be in 1..100 percent, got ${cpu}`);
    }
    return { replicas, ...(autoscaling ? { autoscaling } : {}) };
}

/** The container port serving `metrics` (by name or number), checked. */
export function metricsPort(metrics: MetricsSpec, ports: readonly NamedPort[], ctx: Pick<ServiceContext, "optAt">): NamedPort {
    if (metrics.port === undefined && metrics.portName === undefined)
        throw new ComposeError(ctx.optAt("metrics.port"), "give the port serving the metrics (port or portName)");
    return findPort(metrics, ports, ctx.optAt("metrics.port"));
}

/** Metrics: a ServiceMonitor where the Prometheus Operator is installed, scrape annotations otherwise; plus the config digest. */
export function metricsAndPodAnnotations(
    spec: ServiceDeploymentSpec,
    ctx: Pick<WorkloadContext, "annotations" | "config" | "ports" | "serviceMonitors" | "optAt">,
): {
    serviceMonitor?: AgentServiceArgs["serviceMonitor"];
    podAnnotations: Record<string, string>;
} {
    const podAnnotations: Record<string, string> = { ...(ctx.annotations ?? {}) };
    if (ctx.config) podAnnotations[CONFIG_HASH_ANNOTATION] = configHash(ctx.config.data);
    if (!spec.metrics) return { podAnnotations };
    const metrics = spec.metrics;
    const mp = metricsPort(metrics, ctx.ports, ctx);
    const path = metrics.path ?? DEFAULT_METRICS_PATH;
    if (!path.startsWith("/")) throw new ComposeError(ctx.optAt("metrics.path"), `must start with "/", got "${path}"`);
    if (ctx.serviceMonitors) return { serviceMonitor: { port: mp.name, path }, podAnnotations };
    return { podAnnotations: { ...podAnnotations, ...prometheusScrapeAnnotations(mp.containerPort, path) } };
}

/** The Service: type (a headless one is a ClusterIP without an address), annotations, node ports; `false` without ports. */
export function serviceArgs(
    ctx: Pick<WorkloadContext, "ports" | "serviceType" | "serviceAnnotations" | "annotations" | "nodePorts">,
): AgentServiceArgs["service"] {
    if (!ctx.ports.length) return { enabled: false };
    const annotations = ctx.serviceAnnotations || ctx.annotations ? sortKeys({ ...(ctx.annotations ?? {}), ...(ctx.serviceAnnotations ?? {}) }) : undefined;
    return {
        type: ctx.serviceType === "Headless" ? "ClusterIP" : ctx.serviceType,
        ...(annotations ? { annotations } : {}),
        ...(ctx.serviceType === "Headless" ? { headless: true } : {}),
        ...(Object.keys(ctx.nodePorts).length ? { nodePorts: ctx.nodePorts } : {}),
    };
}

/** Singleton: asked for, or the natural reading of one replica on a ReadWriteOnce volume (a database). */
function decideSingleton(
    svc: ComposeService,
    spec: ServiceDeploymentSpec,
    scale: { replicas: number; autoscaling?: AutoscalingSpec },
    usesRwoClaim: boolean,
    ctx: ServiceContext,
): boolean {
    const { replicas, autoscaling } = scale;
    if (usesRwoClaim && autoscaling)
        throw new ComposeError(
            ctx.optAt("autoscaling"),
            "a service on a ReadWriteOnce volume cannot autoscale (its pods could not all mount it); use ReadWriteMany or drop autoscaling",
        );
    if (usesRwoClaim && replicas > 1) ctx.warn(svc.name, "replicas", `${replicas} replicas share a ReadWriteOnce volume; pods on other nodes cannot mount it`);
    const singleton = spec.singleton ?? (usesRwoClaim && replicas === 1 && !autoscaling);
    if (singleton && (replicas !== 1 || autoscaling))
        throw new ComposeError(
            ctx.optAt("singleton"),
            `a singleton runs exactly 1 replica without autoscaling, got ${autoscaling ? "autoscaling" : `replicas ${replicas}`}`,
        );
    return singleton;
}

/** One compose service -> the args of the AgentService (or SingletonWorker) that deploys it. */
export function buildWorkload(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: WorkloadContext): CompiledWorkload {
    const scale = resolveScale(svc, spec, ctx);
    const security = podSecurity(svc, spec, ctx);
    const resources = resolveResources(svc, spec, ctx);
    const probes = resolveProbes(svc, spec, ctx.ports, ctx);
    const vols = serviceVolumes(svc, spec, ctx.plans, { bindMounts: ctx.bindMounts, readOnlyRoot: security.readOnlyRootFilesystem !== false }, ctx);
    const singleton = decideSingleton(svc, spec, scale, vols.usesRwoClaim, ctx);
    const { serviceMonitor, podAnnotations } = metricsAndPodAnnotations(spec, ctx);
    const { replicas, autoscaling } = scale;
    const args: AgentServiceArgs = {
        namespace: ctx.namespace,
        name: svc.name,
        ...(ctx.partOf ? { partOf: ctx.partOf } : {}),
        image: svc.image as string,
        ...(svc.entrypoint ? { command: svc.entrypoint } : {}),
        ...(svc.command ? { args: svc.command } : {}),
        ports: ctx.ports.map((p) => ({ name: p.name, containerPort: p.containerPort, ...(p.protocol !== "TCP" ? { protocol: p.protocol as "UDP" } : {}) })),
        service: serviceArgs(ctx),
        ...(autoscaling
            ? {
                  hpa: {
                      minReplicas: autoscaling.minReplicas,
                      maxReplicas: autoscaling.maxReplicas,
                      cpuUtilization: autoscaling.cpuUtilization ?? DEFAULT_CPU_UTILIZATION,
                  },
              }
            : singleton
              ? {}
              : { replicas }),
        ...(vols.usesRwoClaim && !singleton ? { strategy: "Recreate" as const } : {}),
        ...(serviceMonitor ? { serviceMonitor } : {}),
        ...(ctx.config ? { config: ctx.config } : {}),
        ...(ctx.secret ? { secret: ctx.secret } : {}),
        ...(vols.volumes.length ? { volumes: vols.volumes } : {}),
        resources,
        ...(probes ? { probes } : {}),
        security,
        placement: { spreadAcrossZones: ctx.spreadAcrossZones },
        // The policy isolates ingress even when nobody may call the service, so it holds without a namespace default-deny.
        ...(ctx.network ? { network: { ...ctx.network, isolateIngress: true } } : {}),
        ...(Object.keys(ctx.labels).length ? { labels: ctx.labels } : {}),
        ...(Object.keys(podAnnotations).length ? { podAnnotations: sortKeys(podAnnotations) } : {}),
        ...(ctx.annotations ? { workloadAnnotations: ctx.annotations } : {}),
        ...(svc.stopGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: svc.stopGracePeriodSeconds } : {}),
        ...(svc.workingDir ? { workingDir: svc.workingDir } : {}),
        ...(svc.tty ? { tty: true } : {}),
        ...(svc.stdinOpen ? { stdin: true } : {}),
        // Service links would inject e.g. REDIS_PORT=tcp://... and clash with app env.
        enableServiceLinks: false,
    };
    const problems = singleton ? singletonWorkerProblems(svc.name, args) : agentServiceProblems(svc.name, args);
    if (problems.length) throw new ComposeError(ctx.at(), `cannot be deployed: ${problems.map(formatProblem).join("; ")}`);
    return { service: svc.name, component: singleton ? "SingletonWorker" : "AgentService", args, claimOwners: vols.claimOwners };
}
