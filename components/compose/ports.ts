/**
 * Compose port specs -> container ports with Kubernetes-legal, unique names.
 *
 * Short syntax: `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]` (IPv6 host IPs in
 * brackets). Long syntax: `{ target, published, protocol, host_ip, mode, name, app_protocol }`.
 * Port names are made legal and unique by the platform's naming rules (components/kube/names.ts),
 * the same ones AgentService applies to every workload.
 */
import { uniquePortNames } from "../kube/names";
import { ComposeError, ComposeErrorLocation } from "./errors";

export type PortProtocol = "TCP" | "UDP" | "SCTP";

export interface ComposePort {
    containerPort: number;
    protocol: PortProtocol;
    /** The host port compose would publish (used as NodePort when it is in the NodePort range). */
    published?: number;
    /** A wanted name (long syntax `name` / `app_protocol`); made legal and unique later. */
    name?: string;
}

/** seed 004: a range like `9000-9100` becomes one port each; this caps accidental huge ranges. */
export const MAX_PORTS_PER_RANGE = 100;

/** Thrown with the rule only; the parser adds file/service/field. */
export class PortSpecError extends Error {}

function parsePortNumber(text: string, what: string): number {
    if (!/^\d+$/.test(text)) throw new PortSpecError(`${what} "${text}" is not a number`);
    const n = Number(text);
    if (n < 1 || n > 65535) throw new PortSpecError(`${what} ${n} is out of range 1-65535`);
    return n;
}

function parseRange(text: string, what: string): number[] {
    const m = /^(\d+)(?:-(\d+))?$/.exec(text);
    if (!m) throw new PortSpecError(`${what} "${text}" must be a port or a range like 8000-8010`);
    const start = parsePortNumber(m[1], what);
    const end = m[2] === undefined ? start : parsePortNumber(m[2], what);
    if (end < start) throw new PortSpecError(`${what} range "${text}" ends before it starts`);
    if (end - start + 1 > MAX_PORTS_PER_RANGE)
        throw new PortSpecError(`${what} range "${text}" has ${end - start + 1} ports; at most ${MAX_PORTS_PER_RANGE} are allowed`);
    const out: number[] = [];
    for (let p = start; p <= end; p++) out.push(p);
    return out;
}

function parseProtocol(text: string | undefined): PortProtocol {
    if (text === undefined || text === "") return "TCP";
    const upper = text.toUpperCase();
    if (upper === "TCP" || upper === "UDP" || upper === "SCTP") return upper;
    throw new PortSpecError(`protocol "${text}" must be tcp, udp or sctp`);
}

/** Parses one short-syntax port (`"3002:3000"`, `"8080"`, `"127.0.0.1:53:53/udp"`, `"9000-9001:8000-8001"`). */
export function parseShortPort(spec: string | number): ComposePort[] {
    const text = String(spec).trim();
    if (text === "") throw new PortSpecError(`port must not be empty`);
    const [main, proto, ...extra] = text.split("/");
    if (extra.length > 0) throw new PortSpecError(`port "${text}" has more than one "/"`);
    const protocol = parseProtocol(proto);
    let rest = main;
    // Strip an IPv6 host IP in brackets, then split the remaining host-ip:host:container parts.
    if (rest.startsWith("[")) {
        const close = rest.indexOf("]:");
        if (close < 0) throw new PortSpecError(`port "${text}" has an unterminated IPv6 host address`);
        rest = rest.slice(close + 2);
    }
    const parts = rest.split(":");
    if (parts.length > 3) throw new PortSpecError(`port "${text}" must look like [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`);
    const containerText = parts[parts.length - 1];
    const hostText = parts.length >= 2 ? parts[parts.length - 2] : "";
    const containers = parseRange(containerText, "container port");
    if (hostText === "") return containers.map((containerPort) => ({ containerPort, protocol }));
    const hosts = parseRange(hostText, "host port");
    if (hosts.length !== containers.length) {
        if (hosts.length > 1 && containers.length === 1) {
            // Compose picks one free host port from the range; Kubernetes has no such thing.
            return [{ containerPort: containers[0], protocol, published: hosts[0] }];
        }
        throw new PortSpecError(`port "${text}": host range has ${hosts.length} ports but container range has ${containers.length}`);
    }
    return containers.map((containerPort, i) => ({ containerPort, protocol, published: hosts[i] }));
}

/** Parses one long-syntax port mapping. */
export function parseLongPort(spec: Record<string, unknown>): ComposePort[] {
    const allowed = new Set(["target", "published", "protocol", "host_ip", "mode", "name", "app_protocol"]);
    for (const key of Object.keys(spec)) {
        if (!allowed.has(key)) throw new PortSpecError(`unknown key "${key}" in long port syntax (allowed: ${[...allowed].join(", ")})`);
    }
    if (spec.target === undefined) throw new PortSpecError(`long port syntax needs "target"`);
    const targets = parseRange(String(spec.target), "target");
    if (targets.length !== 1) throw new PortSpecError(`target must be a single port, got "${spec.target}"`);
    const protocol = parseProtocol(spec.protocol === undefined ? undefined : String(spec.protocol));
    const port: ComposePort = { containerPort: targets[0], protocol };
    if (spec.published !== undefined && spec.published !== "") {
        const published = parseRange(String(spec.published), "published");
        port.published = published[0];
    }
    const name = spec.name ?? spec.app_protocol;
    if (name !== undefined) port.name = String(name);
    return [port];
}

/** seed 004 example names the first port `http`; well-known infrastructure ports get their protocol's name. */
export const WELL_KNOWN_PORT_NAMES: Readonly<Record<number, string>> = {
    443: "https",
    5432: "postgres",
    6333: "http",
    6334: "grpc",
    6379: "redis",
    7474: "http",
    7687: "bolt",
    9090: "metrics",
    27017: "mongo",
};

/** The name a port asks for before uniqueness: explicit, well-known, else `http` (TCP) / `udp` / `sctp`. */
export function wantedPortName(port: ComposePort): string {
    if (port.name !== undefined && port.name !== "") return port.name;
    if (port.protocol === "UDP") return "udp";
    if (port.protocol === "SCTP") return "sctp";
    return WELL_KNOWN_PORT_NAMES[port.containerPort] ?? "http";
}

export interface NamedPort extends ComposePort {
    name: string;
}

/**
 * Drops duplicate (containerPort, protocol) pairs (compose may publish one container port on
 * several host ports; Kubernetes rejects duplicates), then names the rest uniquely.
 */
export function namePorts(ports: readonly ComposePort[]): { ports: NamedPort[]; duplicates: ComposePort[] } {
    const seen = new Set<string>();
    const kept: ComposePort[] = [];
    const duplicates: ComposePort[] = [];
    for (const p of ports) {
        const key = `${p.containerPort}/${p.protocol}`;
        if (seen.has(key)) duplicates.push(p);
        else {
            seen.add(key);
            kept.push(p);
        }
    }
    const names = uniquePortNames(kept.map(wantedPortName));
    return { ports: kept.map((p, i) => ({ ...p, name: names[i] })), duplicates };
}

/**
 * The service port an option names by number (`port`) or name (`portName`), checked; the error is
 * reported at `at` (the options file's `port` key, which takes either).
 */
export function findPort(ref: { port?: number; portName?: string }, ports: readonly NamedPort[], at: ComposeErrorLocation): NamedPort {
    if (ref.port !== undefined && ref.portName !== undefined) throw new ComposeError(at, "give one of port and portName");
    const found = ports.find((p) => (ref.portName !== undefined ? p.name === ref.portName : p.containerPort === ref.port));
    if (!found)
        throw new ComposeError(
            at,
            `"${ref.portName ?? ref.port}" is not one of the service's ports (${ports.map((p) => `${p.name}/${p.containerPort}`).join(", ") || "none"})`,
        );
    return found;
}
