/**
 * Sizing a namespace's ResourceQuota from what its workloads can actually run: the sum of every
 * pod's requests and limits at the workloads' maximum scale (HPA max, rollout surge included),
 * their claims, plus headroom. Pure functions; PlatformNamespace takes the result as `quota.hard`.
 */
import { ResourceSpec } from "./pod";
import { cpuMillis, formatCpu, formatMemory, memoryMi, quantityForKey } from "./quantity";
import { sortKeys } from "./sorted";

export { cpuMillis, formatCpu, formatMemory, memoryMi };

/** One workload at its largest: how many pods can exist at once and what each asks for. */
export interface WorkloadFootprint {
    /** Pods at the maximum scale, rollout surge included (e.g. HPA max + 1). */
    pods: number;
    /** Every container of one pod, summed (sidecars such as exporters included). */
    resources: ResourceSpec;
    /** Sizes of the claims the workload owns in total (StatefulSets: per replica x replicas). */
    claims?: string[];
    /** The service-mesh proxy each pod runs when its namespace is meshed, when the pod sizes it itself. @default the mesh's default proxy */
    meshSidecar?: ResourceSpec;
}

/** Containers' resources summed (a pod's workload container plus its sidecars). */
export function sumResources(...specs: ResourceSpec[]): ResourceSpec {
    const sum = (pick: (r: ResourceSpec) => { cpu: string; memory: string }) => ({
        cpu: formatCpu(specs.reduce((t, r) => t + cpuMillis(pick(r).cpu), 0)),
        memory: formatMemory(specs.reduce((t, r) => t + memoryMi(pick(r).memory), 0)),
    });
    return { requests: sum((r) => r.requests), limits: sum((r) => r.limits) };
}

/** The footprints of a meshed namespace: every pod also runs its proxy (its own size, else `proxy`). */
export function withMeshSidecars(footprints: WorkloadFootprint[], proxy: ResourceSpec): WorkloadFootprint[] {
    return footprints.map((f) => ({ ...f, resources: sumResources(f.resources, f.meshSidecar ?? proxy) }));
}

/** Pods of a rolling Deployment at its largest: the maximum count plus the one surge pod (none when it runs no pods). */
export function withSurge(pods: number): number {
    return pods > 0 ? pods + 1 : 0;
}

/** Per key, the larger of the configured quota and the footprints' need: a quota must never cap an HPA below its max. Keys sorted. */
export function atLeast(configured: Record<string, string>, needed: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = { ...configured };
    for (const [k, v] of Object.entries(needed)) {
        if (out[k] === undefined || quantityForKey(k, v) > quantityForKey(k, out[k])) out[k] = v;
    }
    return sortKeys(out);
}

// Quotas are read by people: round up to 500m of cpu and 512Mi of memory (1Gi of storage).
const CPU_STEP = 500;
const MEMORY_STEP = 512;
const STORAGE_STEP = 1024;
const roundUp = (v: number, step: number) => Math.ceil(v / step - 1e-9) * step;

/**
 * `ResourceQuota.spec.hard` covering every footprint with `headroom` (a fraction, default 0.25)
 * on compute, pod count and storage, so a rollout or a debug pod never hits the quota, and claim
 * counts plus `spareClaims` (default 2) for operators' restore volumes.
 */
export function quotaFor(footprints: WorkloadFootprint[], opts: { headroom?: number; spareClaims?: number } = {}): Record<string, string> {
    const headroom = 1 + (opts.headroom ?? 0.25);
    let pods = 0,
        reqCpu = 0,
        limCpu = 0,
        reqMem = 0,
        limMem = 0,
        storage = 0,
        claims = 0;
    for (const f of footprints) {
        if (!Number.isInteger(f.pods) || f.pods < 0) throw new Error(`footprint pods must be an integer >= 0, got ${f.pods}`);
        pods += f.pods;
        reqCpu += f.pods * cpuMillis(f.resources.requests.cpu);
        limCpu += f.pods * cpuMillis(f.resources.limits.cpu);
        reqMem += f.pods * memoryMi(f.resources.requests.memory);
        limMem += f.pods * memoryMi(f.resources.limits.memory);
        for (const c of f.claims ?? []) {
            storage += memoryMi(c);
            claims++;
        }
    }
    const spare = opts.spareClaims ?? 2;
    return {
        pods: String(Math.ceil(pods * headroom)),
        "requests.cpu": formatCpu(roundUp(reqCpu * headroom, CPU_STEP)),
        "requests.memory": formatMemory(roundUp(reqMem * headroom, MEMORY_STEP)),
        "limits.cpu": formatCpu(roundUp(limCpu * headroom, CPU_STEP)),
        "limits.memory": formatMemory(roundUp(limMem * headroom, MEMORY_STEP)),
        "requests.storage": formatMemory(roundUp(storage * headroom, STORAGE_STEP)),
        persistentvolumeclaims: String(claims + spare),
    };
}
