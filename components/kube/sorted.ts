/**
 * Deterministic output: keys of generated objects and JSON in one order, so a second `pulumi up`
 * shows no diff and a config digest only changes when the content does.
 */

/** The object with its own keys sorted (values untouched). */
export function sortKeys<T>(obj: Record<string, T>): Record<string, T> {
    return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The value with the keys of every nested object sorted (arrays keep their order). */
export function sortKeysDeep(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(sortKeysDeep);
    if (v && typeof v === "object") return sortKeys(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, sortKeysDeep(x)])));
    return v;
}

/** JSON with every object's keys sorted: `sortedJson(x, 2)` for files people read. */
export function sortedJson(v: unknown, indent?: number): string {
    return JSON.stringify(sortKeysDeep(v), null, indent);
}
