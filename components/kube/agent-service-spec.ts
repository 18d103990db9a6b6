/** `AgentService`'s pure half: the rules its args must satisfy, and the specs (container, volumes, Service, scaling, footprint) built from them. */
import * as k8s from "@pulumi/kubernetes";
import { Labels } from "./labels";
import { dns1123Problems, targetPortProblems } from "./names";
import { knownNamespace } from "./namespace-ref";
import { meshProxyFromAnnotations } from "./mesh-proxy";
import { ContainerSpec, DEFAULT_RESOURCES } from "./pod";
import { WorkloadFootprint, withSurge } from "./quota";
import { Problem, check } from "./problems";
import { QUANTITY_RULE, isQuantity } from "./quantity";
import { AgentServiceArgs, HpaSpec, PdbSpec, ServiceSpec } from "./agent-service-args";

/** HPA rules: a floor of one, max >= min, at least one metric, utilisations in 1..100. */
function hpaProblems(h: HpaSpec): Problem[] {
    return [
        ...check(Number.isInteger(h.minReplicas) && h.minReplicas >= 1, "hpa.minReplicas", "must be an integer >= 1", h.minReplicas),
        ...check(h.maxReplicas >= h.minReplicas, "hpa.maxReplicas", `must be >= hpa.minReplicas (${h.minReplicas})`, h.maxReplicas),
        ...check(
            h.cpuUtilization !== undefined || h.memoryUtilization !== undefined || (h.podsMetrics ?? []).length > 0,
            "hpa",
            "needs at least one metric (cpuUtilization, memoryUtilization or podsMetrics)",
        ),
        ...(["cpuUtilization", "memoryUtilization"] as const).flatMap((k) => {
            const v = h[k];
            return check(v === undefined || (v > 0 && v <= 100), `hpa.${k}`, "must be in 1..100 percent", v);
        }),
    ];
}

const PDB_BOUNDS = ["minAvailable", "minAvailablePercent", "maxUnavailable", "maxUnavailablePercent"] as const;
const PERCENT = /^(100|[1-9]?[0-9])%$/;

/** At most one bound, none when disabled, percentages as `N%`; a PDB that leaves no pod evictable would block every node drain. */
function pdbProblems(a: AgentServiceArgs): Problem[] {
    const pdb = a.pdb;
    if (!pdb) return [];
    const bounds = PDB_BOUNDS.filter((k) => pdb[k] !== undefined);
    if (bounds.length > 1) return check(false, "pdb", `takes at most one of ${PDB_BOUNDS.join(", ")}`, bounds.join(", "));
    if (pdb.enabled === false && bounds.length) return check(false, `pdb.${bounds[0]}`, "is not allowed with pdb.enabled: false");
    for (const k of ["minAvailablePercent", "maxUnavailablePercent"] as const) {
        const v = pdb[k];
        if (v !== undefined && !PERCENT.test(v)) return check(false, `pdb.${k}`, "must be a percentage such as 50%", v);
    }
    if (pdb.minAvailable !== undefined) {
        const floor = minimumReplicas(a);
        return check(
            pdb.minAvailable < floor,
            "pdb.minAvailable",
            `must be < the minimum replica count (${floor}) or no pod can ever be evicted`,
            pdb.minAvailable,
        );
    }
    if (pdb.maxUnavailable !== undefined) {
        return check(pdb.maxUnavailable >= 1, "pdb.maxUnavailable", "must be >= 1 or no pod can ever be evicted", pdb.maxUnavailable);
    }
    return [];
}

/** Volume names unique across volumes and replicaVolumes; one source each; sizes are quantities. */
function volumeProblems(a: AgentServiceArgs): Problem[] {
    const p: Problem[] = [];
    const seen = new Set<string>();
    const unique = (path: string, n: string) => {
        p.push(...check(!seen.has(n), path, "must be unique across volumes and replicaVolumes", n));
        seen.add(n);
    };
    (a.volumes ?? []).forEach((v, i) => {
        unique(`volumes[${i}].name`, v.name);
        const sources = [v.claim, v.existingClaim, v.emptyDir, v.configMap, v.secret].filter((s) => s !== undefined).length;
        p.push(
            ...check(sources === 1, `volumes[${i}]`, `("${v.name}") must have exactly one source (claim, existingClaim, emptyDir, configMap, secret)`, sources),
        );
        if (v.claim) p.push(...check(isQuantity(v.claim.size), `volumes[${i}].claim.size`, QUANTITY_RULE("10Gi"), v.claim.size));
    });
    (a.replicaVolumes ?? []).forEach((v, i) => {
        unique(`replicaVolumes[${i}].name`, v.name);
        p.push(...check(isQuantity(v.size), `replicaVolumes[${i}].size`, QUANTITY_RULE("10Gi"), v.size));
    });
    return p;
}

/** Every rule an AgentService's args must satisfy, as data (path, rule, value); empty when valid. */
export function agentServiceProblems(name: string, a: AgentServiceArgs): Problem[] {
    const named: [string, string][] = [
        ["name", a.name ?? name],
        // An Output's name is checked by the API server; a known one here.
        ...(knownNamespace(a.namespace) !== undefined ? [["namespace", knownNamespace(a.namespace)] as [string, string]] : []),
        ...(a.containerName ? [["containerName", a.containerName] as [string, string]] : []),
        ...Object.entries(a.objectNames ?? {})
            .filter(([, v]) => v !== undefined)
            .map(([k, v]) => [`objectNames.${k}`, v as string] as [string, string]),
    ];
    return [
        ...dns1123Problems(named),
        ...check(!(a.replicas !== undefined && a.hpa), "replicas", "and hpa are mutually exclusive: the HPA owns the replica count"),
        ...check(a.replicas === undefined || (Number.isInteger(a.replicas) && a.replicas >= 0), "replicas", "must be an integer >= 0", a.replicas),
        ...(a.hpa ? hpaProblems(a.hpa) : []),
        ...check(!(a.strategy === "Recreate" && a.hpa), "strategy", "Recreate cannot be combined with an hpa"),
        ...pdbProblems(a),
        ...volumeProblems(a),
        ...check(
            !serviceEnabled(a.service) || a.service?.type === undefined || (a.ports ?? []).length > 0 || (a.service.ports ?? []).length > 0,
            "service",
            "needs ports: set ports or service.enabled: false",
        ),
        ...check(!a.serviceMonitor || (a.ports ?? []).length > 0, "serviceMonitor", "needs a port to scrape"),
        ...check(
            a.security?.runAsUser !== 0 || a.security.runAsNonRoot === false,
            "security.runAsUser",
            "0 (root) needs security.runAsNonRoot: false",
            a.security?.runAsUser,
        ),
        ...(a.service?.ports ?? []).flatMap((p, i) => targetPortProblems(`service.ports[${i}]`, p)),
        ...Object.entries(a.service ? (a.service.nodePorts ?? {}) : {}).flatMap(([port, n]) =>
            check(Number.isInteger(n) && n >= 30000 && n <= 32767, `service.nodePorts.${port}`, "must be a port in 30000-32767", n),
        ),
    ];
}

/** The minimum number of replicas the workload runs at (what a PDB must leave room under). */
export function minimumReplicas(a: AgentServiceArgs): number {
    return a.hpa ? a.hpa.minReplicas : (a.replicas ?? 1);
}

/** The default PDB: allow one pod down when at least two run; none for a single replica. */
export function defaultPdb(a: AgentServiceArgs): { minAvailable: number | string } | { maxUnavailable: number | string } | undefined {
    const p: PdbSpec = a.pdb ?? {};
    if (p.enabled === false) return undefined;
    if (p.minAvailable !== undefined) return { minAvailable: p.minAvailable };
    if (p.minAvailablePercent !== undefined) return { minAvailable: p.minAvailablePercent };
    if (p.maxUnavailable !== undefined) return { maxUnavailable: p.maxUnavailable };
    if (p.maxUnavailablePercent !== undefined) return { maxUnavailable: p.maxUnavailablePercent };
    return minimumReplicas(a) >= 2 ? { maxUnavailable: 1 } : undefined;
}

/** Whether the workload gets a Service at all (`service.enabled`, default true). */
export function serviceEnabled(s: ServiceSpec | undefined): boolean {
    return s?.enabled !== false;
}

export function hpaMetrics(h: HpaSpec): k8s.types.input.autoscaling.v2.MetricSpec[] {
    const metrics: k8s.types.input.autoscaling.v2.MetricSpec[] = [];
    if (h.cpuUtilization !== undefined)
        metrics.push({ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: h.cpuUtilization } } });
    if (h.memoryUtilization !== undefined)
        metrics.push({ type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: h.memoryUtilization } } });
    for (const m of h.podsMetrics ?? [])
        metrics.push({ type: "Pods", pods: { metric: { name: m.name }, target: { type: "AverageValue", averageValue: m.averageValue } } });
    return metrics;
}

/** The main container's spec, env wiring included. */
export function agentContainerSpec(workload: string, a: AgentServiceArgs): ContainerSpec {
    const env: k8s.types.input.core.v1.EnvVar[] = [];
    for (const [k, path] of Object.entries(a.fieldEnv ?? {}).sort()) env.push({ name: k, valueFrom: { fieldRef: { fieldPath: path } } });
    for (const [k, v] of Object.entries(a.env ?? {}).sort(([x], [y]) => x.localeCompare(y))) env.push({ name: k, value: v });
    for (const [k, ref] of Object.entries(a.secretEnv ?? {}).sort(([x], [y]) => x.localeCompare(y))) {
        env.push({ name: k, valueFrom: { secretKeyRef: { name: ref.secret, key: ref.key } } });
    }
    const envFrom: k8s.types.input.core.v1.EnvFromSource[] = [];
    if (a.config && !a.config.mountPath) envFrom.push({ configMapRef: { name: a.config.name } });
    for (const cm of a.envFrom?.configMaps ?? []) envFrom.push({ configMapRef: { name: cm } });
    if (a.secret) envFrom.push({ secretRef: { name: a.secret.name } });
    for (const s of a.envFrom?.secrets ?? []) envFrom.push({ secretRef: { name: s } });
    const mounts: k8s.types.input.core.v1.VolumeMount[] = [
        ...(a.volumes ?? []).map((v) => ({
            name: v.name,
            mountPath: v.mountPath,
            ...(v.readOnly ? { readOnly: true } : {}),
            ...(v.subPath ? { subPath: v.subPath } : {}),
        })),
        ...(a.replicaVolumes ?? []).map((v) => ({ name: v.name, mountPath: v.mountPath })),
        ...(a.config?.mountPath ? [{ name: "config", mountPath: a.config.mountPath, readOnly: true }] : []),
    ];
    return {
        name: a.containerName ?? workload,
        image: a.image,
        command: a.command,
        args: a.args,
        ports: a.ports,
        env,
        envFrom,
        volumeMounts: mounts,
        resources: a.resources,
        probes: a.probes,
        security: a.security,
        workingDir: a.workingDir,
        tty: a.tty,
        stdin: a.stdin,
    };
}

export function podVolumes(a: AgentServiceArgs): k8s.types.input.core.v1.Volume[] {
    const vols: k8s.types.input.core.v1.Volume[] = (a.volumes ?? []).map((v) => {
        if (v.claim) return { name: v.name, persistentVolumeClaim: { claimName: v.claim.name } };
        if (v.existingClaim) return { name: v.name, persistentVolumeClaim: { claimName: v.existingClaim } };
        if (v.configMap) return { name: v.name, configMap: { name: v.configMap } };
        if (v.secret) return { name: v.name, secret: { secretName: v.secret } };
        return {
            name: v.name,
            emptyDir: { ...(v.emptyDir?.sizeLimit ? { sizeLimit: v.emptyDir.sizeLimit } : {}), ...(v.emptyDir?.medium ? { medium: v.emptyDir.medium } : {}) },
        };
    });
    if (a.config?.mountPath) vols.push({ name: "config", configMap: { name: a.config.name } });
    return vols;
}

/** Service ports: explicit ones, or every container port at its own number. */
export function servicePorts(a: AgentServiceArgs, containerPortNames: string[]): k8s.types.input.core.v1.ServicePort[] {
    const svc = serviceEnabled(a.service) ? a.service : undefined;
    if (svc?.ports?.length) {
        return svc.ports.map((p, i) => ({
            name: p.name ?? containerPortNames[i] ?? `port-${p.port}`,
            port: p.port,
            targetPort: p.targetPortName ?? p.targetPort ?? p.port,
            protocol: "TCP",
        }));
    }
    return (a.ports ?? []).map((p, i) => ({
        name: containerPortNames[i],
        port: p.containerPort,
        targetPort: containerPortNames[i],
        protocol: p.protocol ?? "TCP",
    }));
}

/**
 * The workload at its largest, for quotas: the HPA maximum (or the replica count), plus the one
 * surge pod a rolling Deployment adds (a StatefulSet or a Recreate rollout adds none), its claims,
 * and the mesh proxy its annotations size.
 */
export function agentServiceFootprint(a: AgentServiceArgs): WorkloadFootprint {
    const replicaVolumes = a.replicaVolumes ?? [];
    const statefulSet = replicaVolumes.length > 0;
    const max = a.hpa ? a.hpa.maxReplicas : (a.replicas ?? 1);
    const claims = [
        ...(a.volumes ?? []).flatMap((v) => (v.claim ? [v.claim.size] : [])),
        ...Array.from({ length: statefulSet ? max : 0 }, () => replicaVolumes.map((v) => v.size)).flat(),
    ];
    const meshSidecar = meshProxyFromAnnotations(a.podAnnotations);
    return {
        pods: statefulSet || a.strategy === "Recreate" ? max : withSurge(max),
        resources: a.resources ?? DEFAULT_RESOURCES,
        ...(claims.length ? { claims } : {}),
        ...(meshSidecar ? { meshSidecar } : {}),
    };
}

/** The Service spec: type, ports (with NodePort numbers), headless when asked. */
export function serviceSpec(a: AgentServiceArgs, selector: Labels, ports: k8s.types.input.core.v1.ServicePort[]): k8s.types.input.core.v1.ServiceSpec {
    const svc = serviceEnabled(a.service) ? (a.service ?? {}) : {};
    const nodePorts = svc.nodePorts ?? {};
    return {
        type: svc.type ?? "ClusterIP",
        selector,
        ports: ports.map((p) => (nodePorts[p.name as string] ? { ...p, nodePort: nodePorts[p.name as string] } : p)),
        ...(svc.headless ? { clusterIP: "None" } : {}),
    };
}

/** The Deployment's rollout: Recreate, or a surge of one with nobody unavailable. */
export function deploymentStrategy(a: AgentServiceArgs) {
    return a.strategy === "Recreate" ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
}
