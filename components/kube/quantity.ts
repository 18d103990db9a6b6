/**
 * Kubernetes resource quantities (`500m`, `2`, `512Mi`, `10Gi`, `1G`): the one parser and the
 * formatters every component, the compose compiler and the quota arithmetic use.
 */

/** Suffixes Kubernetes accepts: binary (Ki..Ei) and decimal (n, u, m, none, k, M, G, T, P, E). */
const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/;
const MI = 2 ** 20;

/** What a rule about a quantity says (`storage.size must be a quantity such as 10Gi, got "ten"`). */
export const QUANTITY_RULE = (example: string) => `must be a quantity such as ${example}`;

/** The quantity as a number of base units (cores or bytes); `undefined` when it is not a quantity. */
export function parseQuantity(q: string): number | undefined {
    const m = QUANTITY.exec(String(q).trim());
    if (!m) return undefined;
    const unit = m[2] ?? "";
    return Number(m[1]) * (BINARY[unit] ?? DECIMAL[unit]);
}

export function isQuantity(q: string): boolean {
    return parseQuantity(q) !== undefined;
}

/** `500m` -> 500, `2` -> 2000, `1.5` -> 1500. */
export function cpuMillis(q: string): number {
    const m = /^([0-9]+(?:\.[0-9]+)?)(m?)$/.exec(q);
    if (!m) throw new Error(`cpu quantity must look like 500m or 2, got "${q}"`);
    return m[2] === "m" ? Number(m[1]) : Math.round(Number(m[1]) * 1000);
}

/** `512Mi` -> 512, `2Gi` -> 2048, `1G` -> 953.67..., `1048576` (bytes) -> 1. */
export function memoryMi(q: string): number {
    const bytes = parseQuantity(q);
    if (bytes === undefined || /[num]$/.test(q)) throw new Error(`memory quantity must look like 512Mi or 2Gi, got "${q}"`);
    return bytes / MI;
}

/** 4500 -> "4500m", 4000 -> "4". */
export function formatCpu(millis: number): string {
    const m = Math.ceil(millis);
    return m % 1000 === 0 ? String(m / 1000) : `${m}m`;
}

/** 2048 -> "2Gi", 1536 -> "1536Mi". */
export function formatMemory(mi: number): string {
    const m = Math.ceil(mi);
    return m % 1024 === 0 ? `${m / 1024}Gi` : `${m}Mi`;
}

/** A quota value as a number comparable with others of its key (`requests.cpu` in millis, `limits.memory` in Mi, `pods` as is). */
export function quantityForKey(key: string, q: string): number {
    if (/(^|\.)cpu$/.test(key)) return cpuMillis(q);
    if (/(^|\.)(memory|storage|ephemeral-storage)$/.test(key)) return memoryMi(q);
    return Number(q);
}
