/** The smaller fields of a compose service: ports, healthcheck, deploy (replicas, resources), labels, depends_on, command. */
import { ComposeError } from "./errors";
import { VariableLookup } from "./interpolate";
import { ComposePort, parseLongPort, parseShortPort, PortSpecError } from "./ports";
import { ComposeHealthcheck, ComposeService, ResourceQuantities } from "./model";
import { interpolateAt, isMap, isScalar, ServiceContext, typeName } from "./parse-values";

// ---------------------------------------------------------------- ports

export function parsePorts(
    raw: unknown,
    lookup: VariableLookup,
    at: (field?: string) => { file: string; service: string; field?: string },
    key: "ports" | "expose",
): ComposePort[] {
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw new ComposeError(at(key), `must be a list, got ${typeName(raw)}`);
    const out: ComposePort[] = [];
    raw.forEach((item, i) => {
        const field = `${key}[${i}]`;
        try {
            if (isMap(item)) {
                if (key === "expose") throw new PortSpecError(`must be a port number or range, got a mapping`);
                const interpolated: Record<string, unknown> = {};
                for (const [k, v] of Object.entries(item)) interpolated[k] = typeof v === "string" ? interpolateAt(v, lookup, at(`${field}.${k}`)).value : v;
                out.push(...parseLongPort(interpolated));
            } else if (typeof item === "string" || typeof item === "number") {
                const text = typeof item === "string" ? interpolateAt(item, lookup, at(field)).value : String(item);
                const parsed = parseShortPort(text);
                out.push(...(key === "expose" ? parsed.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol })) : parsed));
            } else {
                throw new PortSpecError(`must be a string like "3002:3000" or a mapping with "target", got ${typeName(item)}`);
            }
        } catch (e) {
            if (e instanceof PortSpecError) throw new ComposeError(at(field), e.message);
            throw e;
        }
    });
    return out;
}

// ---------------------------------------------------------------- healthcheck

export function parseHealthcheck(
    raw: unknown,
    lookup: VariableLookup,
    at: (field?: string) => { file: string; service: string; field?: string },
): ComposeHealthcheck | null | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (!isMap(raw)) throw new ComposeError(at("healthcheck"), `must be a mapping, got ${typeName(raw)}`);
    for (const key of Object.keys(raw)) {
        if (!["test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"].includes(key))
            throw new ComposeError(at(`healthcheck.${key}`), "unknown healthcheck key");
    }
    if (raw.disable === true) return null;
    let command: string[];
    const test = raw.test;
    if (typeof test === "string") {
        command = ["/bin/sh", "-c", interpolateAt(test, lookup, at("healthcheck.test")).value];
    } else if (Array.isArray(test) && test.length > 0 && test.every((t) => isScalar(t))) {
        const items = test.map((t, i) => interpolateAt(t as string | number | boolean, lookup, at(`healthcheck.test[${i}]`)).value);
        const [kind, ...rest] = items;
        if (kind === "NONE") return null;
        if (kind === "CMD") command = rest;
        else if (kind === "CMD-SHELL") command = ["/bin/sh", "-c", rest.join(" ")];
        else throw new ComposeError(at("healthcheck.test"), `a list must start with "CMD", "CMD-SHELL" or "NONE", got "${kind}"`);
        if (command.length === 0) throw new ComposeError(at("healthcheck.test"), `"${kind}" needs a command`);
    } else {
        throw new ComposeError(at("healthcheck.test"), "is required: a command string or a list starting with CMD / CMD-SHELL");
    }
    const hc: ComposeHealthcheck = { command };
    const dur = (key: string) => (raw[key] === undefined ? undefined : parseDuration(String(raw[key]), at(`healthcheck.${key}`)));
    hc.intervalSeconds = dur("interval");
    hc.timeoutSeconds = dur("timeout");
    hc.startPeriodSeconds = dur("start_period");
    if (raw.retries !== undefined) {
        if (typeof raw.retries !== "number" || !Number.isInteger(raw.retries) || raw.retries < 1)
            throw new ComposeError(at("healthcheck.retries"), `must be a positive integer, got ${JSON.stringify(raw.retries)}`);
        hc.retries = raw.retries;
    }
    for (const k of Object.keys(hc) as Array<keyof ComposeHealthcheck>) if (hc[k] === undefined) delete hc[k];
    return hc;
}

/** Compose durations (`1m30s`, `10s`, `500ms`) -> whole seconds, rounded up, at least 1. */
export function parseDuration(text: string, location: { file: string; service?: string; field?: string }): number {
    const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/gy;
    const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9 };
    const trimmed = text.trim();
    if (/^\d+$/.test(trimmed)) return Math.max(1, Number(trimmed));
    let total = 0;
    let consumed = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(trimmed)) !== null) {
        total += Number(m[1]) * units[m[2]];
        consumed = re.lastIndex;
    }
    if (trimmed === "" || consumed !== trimmed.length) throw new ComposeError(location, `"${text}" is not a duration like 30s, 1m30s or 500ms`);
    return Math.max(1, Math.ceil(total - 1e-9));
}

// ---------------------------------------------------------------- deploy

export function parseDeploy(
    raw: unknown,
    service: ComposeService,
    lookup: VariableLookup,
    at: (field?: string) => { file: string; service: string; field?: string },
    ctx: ServiceContext,
): void {
    if (raw === undefined || raw === null) return;
    if (!isMap(raw)) throw new ComposeError(at("deploy"), `must be a mapping, got ${typeName(raw)}`);
    for (const key of Object.keys(raw)) {
        if (key !== "replicas" && key !== "resources")
            ctx.warn(service.name, `deploy.${key}`, "ignored: only deploy.replicas and deploy.resources are compiled");
    }
    if (raw.replicas !== undefined) {
        const text = typeof raw.replicas === "string" ? interpolateAt(raw.replicas, lookup, at("deploy.replicas")).value.trim() : undefined;
        // An unset variable interpolates to "", which Number() would read as 0 replicas.
        if (text === "") throw new ComposeError(at("deploy.replicas"), `is empty after interpolation (an unset variable?); give a number`);
        const r = text !== undefined ? (/^\d+$/.test(text) ? Number(text) : NaN) : raw.replicas;
        if (typeof r !== "number" || !Number.isInteger(r) || r < 0)
            throw new ComposeError(at("deploy.replicas"), `must be a non-negative integer, got ${JSON.stringify(raw.replicas)}`);
        service.replicas = r;
    }
    if (raw.resources === undefined || raw.resources === null) return;
    if (!isMap(raw.resources)) throw new ComposeError(at("deploy.resources"), `must be a mapping, got ${typeName(raw.resources)}`);
    const out: { limits?: ResourceQuantities; requests?: ResourceQuantities } = {};
    for (const [key, target] of [
        ["limits", "limits"],
        ["reservations", "requests"],
    ] as const) {
        const section = raw.resources[key];
        if (section === undefined || section === null) continue;
        const field = `deploy.resources.${key}`;
        if (!isMap(section)) throw new ComposeError(at(field), `must be a mapping, got ${typeName(section)}`);
        const q: ResourceQuantities = {};
        for (const [k, v] of Object.entries(section)) {
            if (k === "cpus") q.cpu = composeCpuToK8s(String(interpolateAt(v as string, lookup, at(`${field}.cpus`)).value), at(`${field}.cpus`));
            else if (k === "memory")
                q.memory = composeMemoryToK8s(String(interpolateAt(v as string, lookup, at(`${field}.memory`)).value), at(`${field}.memory`));
            else ctx.warn(service.name, `${field}.${k}`, "ignored: only cpus and memory are compiled");
        }
        if (Object.keys(q).length > 0) out[target] = q;
    }
    if (out.limits || out.requests) service.resources = out;
}

/** Compose `cpus: "0.5"` -> Kubernetes `500m`; whole numbers stay whole. */
export function composeCpuToK8s(text: string, location: { file: string; service?: string; field?: string }): string {
    if (!/^\d+(\.\d+)?$/.test(text.trim()) || Number(text) <= 0) throw new ComposeError(location, `"${text}" must be a positive number of CPUs like 0.5 or 2`);
    const milli = Math.ceil(Number(text) * 1000 - 1e-9);
    return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}

/** Compose memory (`512m`, `1g`, `1.5gb`, bytes; binary units like Docker) -> `Mi`/`Gi`. */
export function composeMemoryToK8s(text: string, location: { file: string; service?: string; field?: string }): string {
    const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb|t|tb)?$/i.exec(text.trim());
    if (!m || Number(m[1]) <= 0) throw new ComposeError(location, `"${text}" must be a memory size like 512m or 1g`);
    const mult: Record<string, number> = { b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3, t: 1024 ** 4, tb: 1024 ** 4 };
    const bytes = Number(m[1]) * mult[(m[2] ?? "b").toLowerCase()];
    const gi = bytes / 1024 ** 3;
    if (Number.isInteger(gi)) return `${gi}Gi`;
    return `${Math.ceil(bytes / 1024 ** 2)}Mi`;
}

// ---------------------------------------------------------------- small fields

export function parseLabels(raw: unknown, location: { file: string; service?: string; field?: string }, lookup: VariableLookup): Record<string, string> {
    if (raw === undefined || raw === null) return {};
    const out: Record<string, string> = {};
    if (Array.isArray(raw)) {
        raw.forEach((item, i) => {
            if (typeof item !== "string")
                throw new ComposeError({ ...location, field: `${location.field}[${i}]` }, `must be a "key=value" string, got ${typeName(item)}`);
            const eq = item.indexOf("=");
            out[eq < 0 ? item : item.slice(0, eq)] = eq < 0 ? "" : interpolateAt(item.slice(eq + 1), lookup, location).value;
        });
        return out;
    }
    if (!isMap(raw)) throw new ComposeError(location, `must be a mapping or a list of "key=value", got ${typeName(raw)}`);
    for (const [k, v] of Object.entries(raw)) {
        if (!isScalar(v) && v !== null) throw new ComposeError({ ...location, field: `${location.field}.${k}` }, `must be a string, got ${typeName(v)}`);
        out[k] = v === null ? "" : interpolateAt(v, lookup, { ...location, field: `${location.field}.${k}` }).value;
    }
    return out;
}

export function parseDependsOn(raw: unknown, service: string, ctx: ServiceContext): string[] {
    if (raw === undefined || raw === null) return [];
    const at = { file: ctx.file, service, field: "depends_on" };
    let names: string[];
    if (Array.isArray(raw)) {
        if (!raw.every((d) => typeof d === "string")) throw new ComposeError(at, "must be a list of service names");
        names = raw as string[];
    } else if (isMap(raw)) names = Object.keys(raw);
    else throw new ComposeError(at, `must be a list or mapping of service names, got ${typeName(raw)}`);
    for (const dep of names) {
        if (dep === service) throw new ComposeError(at, `a service cannot depend on itself`);
        if (!ctx.serviceNames.includes(dep)) throw new ComposeError(at, `refers to undefined service "${dep}"`);
    }
    return names;
}

export function parseCommand(raw: unknown, lookup: VariableLookup, location: { file: string; service: string; field?: string }): string[] | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw === "string") {
        const text = interpolateAt(raw, lookup, location).value;
        try {
            return shellSplit(text);
        } catch (e) {
            throw new ComposeError(location, (e as Error).message);
        }
    }
    if (Array.isArray(raw) && raw.every((x) => isScalar(x))) {
        return raw.map((x, i) => interpolateAt(x as string, lookup, { ...location, field: `${location.field}[${i}]` }).value);
    }
    throw new ComposeError(location, `must be a string or a list of strings, got ${typeName(raw)}`);
}

/** POSIX-shell-like word splitting (quotes and backslashes), as compose does for string commands. */
export function shellSplit(text: string): string[] {
    const words: string[] = [];
    let current = "";
    let inWord = false;
    let quote: '"' | "'" | undefined;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (quote === "'") {
            if (c === "'") quote = undefined;
            else current += c;
        } else if (quote === '"') {
            if (c === '"') quote = undefined;
            else if (c === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) current += text[++i];
            else current += c;
        } else if (c === "'" || c === '"') {
            quote = c;
            inWord = true;
        } else if (c === "\\" && i + 1 < text.length) {
            current += text[++i];
            inWord = true;
        } else if (/\s/.test(c)) {
            if (inWord) words.push(current);
            current = "";
            inWord = false;
        } else {
            current += c;
            inWord = true;
        }
    }
    if (quote) throw new Error(`unterminated ${quote} quote in "${text}"`);
    if (inWord) words.push(current);
    return words;
}
