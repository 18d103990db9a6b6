/**
 * What keeps a single-replica data store's data safe from its own platform (issue 21, "Data is at
 * risk"): the cluster autoscaler must not evict the only copy to pack nodes, and Redis must refuse
 * writes at its own memory ceiling instead of being OOM-killed at the container's. Pure.
 */
import { memoryMi } from "./quantity";

/** The cluster autoscaler never evicts a pod carrying this annotation to scale a node group down. */
export const SAFE_TO_EVICT_ANNOTATION = "cluster-autoscaler.kubernetes.io/safe-to-evict";

/** Pod annotations for a store with `replicas` pods: only a single replica (no other copy to serve) is pinned. */
export function storePodAnnotations(replicas: number): Record<string, string> {
    return replicas === 1 ? { [SAFE_TO_EVICT_ANNOTATION]: "false" } : {};
}

/**
 * Share of the container's memory limit Redis may fill with data. The rest is headroom for what
 * `maxmemory` does not count: the AOF-rewrite/BGSAVE fork's copy-on-write pages, client and
 * replication buffers, and allocator fragmentation.
 */
export const REDIS_MAXMEMORY_SHARE = 0.75;

/** `maxmemory` for Redis from its container memory limit, in Redis' `mb` (MiB), e.g. `2Gi` -> `1536mb`. */
export function redisMaxmemory(memoryLimit: string, share = REDIS_MAXMEMORY_SHARE): string {
    const mb = Math.floor(memoryMi(memoryLimit) * share);
    if (mb < 1) throw new Error(`redis memory limit ${memoryLimit} leaves no room for data (maxmemory ${share * 100}% of it is under 1mb)`);
    return `${mb}mb`;
}
