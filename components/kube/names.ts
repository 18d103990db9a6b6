/** Kubernetes naming rules, as pure functions. */
import { Problem, check } from "./problems";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** IANA_SVC_NAME: what Kubernetes accepts as a port name. */
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const MAX_PORT_NAME_LENGTH = 15;
export const MAX_LABEL_NAME_LENGTH = 63;

export function isDns1123Label(value: string): boolean {
    return value.length <= MAX_LABEL_NAME_LENGTH && DNS1123_LABEL.test(value);
}

export const DNS1123_RULE = "must be a DNS-1123 label (lowercase alphanumerics and '-', at most 63 characters)";

/** `[]` for a DNS-1123 label, else the one problem naming the field, the rule and the value. */
export function dns1123Problem(field: string, value: string): Problem[] {
    return check(isDns1123Label(value), field, DNS1123_RULE, value);
}

const DNS_LABEL_PART = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS_NAME = new RegExp(`^${DNS_LABEL_PART}(\\.${DNS_LABEL_PART})*$`);
const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** A lowercase DNS name (DNS-1123 subdomain, <= 253 characters); `wildcard` also accepts a leading `*.`. */
export function isDnsName(v: string, opts: { wildcard?: boolean } = {}): boolean {
    const name = opts.wildcard && v.startsWith("*.") ? v.slice(2) : v;
    return v.length <= 253 && DNS_NAME.test(name);
}

/** A label value: empty, or <= 63 alphanumerics, '-', '_', '.', starting and ending alphanumeric. */
export function isLabelValue(v: string): boolean {
    return v === "" || (v.length <= MAX_LABEL_NAME_LENGTH && LABEL_VALUE.test(v));
}

/** A label or annotation key: `[prefix/]name`, the prefix a DNS name, the name <= 63 characters. */
export function isQualifiedName(key: string): boolean {
    const parts = key.split("/");
    if (parts.length > 2) return false;
    const name = parts[parts.length - 1];
    if (parts.length === 2 && !isDnsName(parts[0])) return false;
    return name.length >= 1 && name.length <= MAX_LABEL_NAME_LENGTH && LABEL_VALUE.test(name);
}

/** Squeezes any string into a DNS-1123 label (`mongo_data` -> `mongo-data`); may return "". */
export function sanitizeDnsLabel(v: string): string {
    return truncateLabel(
        v
            .toLowerCase()
            .replace(/[^a-z0-9-]+/g, "-")
            .replace(/-+/g, "-")
            .replace(/^-+|-+$/g, ""),
    );
}

/** Cuts a name to 63 characters without a trailing '-'. */
export function truncateLabel(v: string): string {
    return v.slice(0, MAX_LABEL_NAME_LENGTH).replace(/-+$/, "");
}

/** The DNS-1123 problems of several named values (`[field, value]` pairs). */
export function dns1123Problems(named: [string, string][]): Problem[] {
    return named.flatMap(([f, v]) => dns1123Problem(f, v));
}

/** The cluster DNS suffix every in-cluster address ends with. */
export const CLUSTER_DOMAIN = "svc.cluster.local";

/** `<service>.<namespace>.svc.cluster.local`: how a Service is addressed from any namespace. */
export function serviceHost(service: string, namespace: string): string {
    return `${service}.${namespace}.${CLUSTER_DOMAIN}`;
}

/** `<scheme>://<service>.<namespace>.svc.cluster.local:<port>`. */
export function serviceUrl(scheme: string, service: string, namespace: string, port: number): string {
    return `${scheme}://${serviceHost(service, namespace)}:${port}`;
}

/** `<set>-<ordinal>.<headless>.<namespace>.svc.cluster.local`: one StatefulSet pod's stable name. */
export function podHost(statefulSet: string, ordinal: number, headless: string, namespace: string): string {
    return serviceHost(`${statefulSet}-${ordinal}.${headless}`, namespace);
}

/** True when `value` is a legal port name: DNS-1123, <= 15 characters, at least one letter. */
export function isValidPortName(value: string): boolean {
    return value.length <= MAX_PORT_NAME_LENGTH && PORT_NAME.test(value) && /[a-z]/.test(value) && !value.includes("--");
}

/** A Service port's target: a number in 1..65535 or a valid port name, not both (`key`: the port's path, none at the top level). */
export function targetPortProblems(key: string | undefined, p: { targetPort?: number; targetPortName?: string }): Problem[] {
    const n = p.targetPort;
    const at = (field: string) => (key === undefined ? field : `${key}.${field}`);
    return [
        ...check(n === undefined || p.targetPortName === undefined, key ?? "targetPort", "takes at most one of targetPort and targetPortName"),
        ...check(n === undefined || (Number.isInteger(n) && n >= 1 && n <= 65535), at("targetPort"), "must be in 1..65535", n),
        ...check(
            p.targetPortName === undefined || isValidPortName(p.targetPortName),
            at("targetPortName"),
            "must be a valid port name (DNS-1123, <= 15 characters, a letter)",
            p.targetPortName,
        ),
    ];
}

/** Squeezes any string into port-name shape (may still collide: see `uniquePortNames`). */
export function sanitizePortName(raw: string): string {
    let name = raw
        .toLowerCase()
        .replace(/[^a-z0-9-]+/g, "-")
        .replace(/-+/g, "-")
        .replace(/^-+|-+$/g, "");
    if (!/[a-z]/.test(name)) name = `p${name}`;
    name = name.slice(0, MAX_PORT_NAME_LENGTH).replace(/-+$/, "");
    return name || "port";
}

/**
 * Names every port uniquely within one container, keeping wanted names where legal and free:
 * `["http", "http", "metrics"]` -> `["http", "http-2", "metrics"]`.
 */
export function uniquePortNames(wanted: string[]): string[] {
    const taken = new Set<string>();
    return wanted.map((raw) => {
        const base = sanitizePortName(raw);
        let candidate = base;
        for (let n = 2; taken.has(candidate); n++) {
            const suffix = `-${n}`;
            candidate = `${base.slice(0, MAX_PORT_NAME_LENGTH - suffix.length).replace(/-+$/, "")}${suffix}`;
        }
        taken.add(candidate);
        return candidate;
    });
}
