/**
 * Compose YAML -> typed `ComposeProject`.
 *
 * The YAML is parsed with the `yaml` library (anchors and `<<` merge keys supported, duplicate
 * keys rejected), every string value is interpolated (Compose semantics, see interpolate.ts),
 * then each service is checked field by field. Problems are `ComposeError`s naming the file,
 * service and field; unknown or unsupported keys become warnings naming the service and key.
 */
import { imageReferenceProblem } from "../config/common";
import { InputError, mountPathProblem } from "../input/files";
import { parseYaml } from "../input/yaml";
import { ComposeError, excerpt, formatLocation } from "./errors";
import { interpolate, InterpolationError, parseDotenv, VariableLookup } from "./interpolate";
import { ComposePort, parseLongPort, parseShortPort, PortSpecError } from "./ports";

export interface EnvEntry {
    name: string;
    /** Interpolated value; `undefined` when compose leaves it to the environment (`- KEY` / `KEY:`). */
    value?: string;
    /** Variables interpolated into the value. */
    variables: string[];
    /** Where it was defined (`environment` or `env_file <path>`), for messages. */
    origin: string;
}

export type VolumeMountType = "volume" | "bind" | "tmpfs" | "anonymous";

export interface ComposeVolumeMount {
    type: VolumeMountType;
    /** Named volume or host path; absent for tmpfs and anonymous volumes. */
    source?: string;
    target: string;
    readOnly: boolean;
    /** `volumes[2]` — for messages. */
    field: string;
}

export interface ComposeHealthcheck {
    /** The exec probe command (argv). `CMD-SHELL`/string forms become `["/bin/sh", "-c", cmd]`. */
    command: string[];
    intervalSeconds?: number;
    timeoutSeconds?: number;
    retries?: number;
    startPeriodSeconds?: number;
}

export interface ResourceQuantities {
    cpu?: string;
    memory?: string;
}

export interface ComposeService {
    name: string;
    image?: string;
    command?: string[];
    entrypoint?: string[];
    environment: EnvEntry[];
    ports: ComposePort[];
    volumes: ComposeVolumeMount[];
    /** `undefined` when absent; `null` when disabled (`disable: true` / `test: ["NONE"]`). */
    healthcheck?: ComposeHealthcheck | null;
    replicas?: number;
    /** deploy.resources converted to Kubernetes quantities (limits -> limits, reservations -> requests). */
    resources?: { limits?: ResourceQuantities; requests?: ResourceQuantities };
    labels: Record<string, string>;
    dependsOn: string[];
    profiles: string[];
    user?: string;
    workingDir?: string;
    stopGracePeriodSeconds?: number;
    tty?: boolean;
    stdinOpen?: boolean;
}

export interface ComposeVolumeDecl {
    name: string;
    /** `external: true` volumes are expected to exist as PVCs already. */
    external: boolean;
    labels: Record<string, string>;
}

export interface ComposeProject {
    file: string;
    name?: string;
    /** Active services (profiles applied), in file order. */
    services: ComposeService[];
    volumes: Record<string, ComposeVolumeDecl>;
    warnings: string[];
}

export interface ParseOptions {
    /** Name used in every message (usually the path as given). */
    file: string;
    /** Variable lookup for interpolation (see `layeredLookup`). Unset variables interpolate as "". */
    lookup?: VariableLookup;
    /** Reads an `env_file` (path as written in the compose file). Without it, `env_file` is an error. */
    readFile?: (path: string) => string;
    /** Active compose profiles; services with profiles are kept only when one is active. */
    profiles?: readonly string[];
}

/** Top-level keys the compiler understands or deliberately ignores. */
const TOP_LEVEL_KEYS = new Set(["version", "name", "services", "volumes", "networks", "secrets", "configs"]);

/** Service keys that are compiled. */
const SERVICE_KEYS = new Set([
    "image", "build", "command", "entrypoint", "environment", "env_file", "ports", "expose", "volumes", "tmpfs",
    "healthcheck", "deploy", "labels", "depends_on", "profiles", "user", "working_dir", "stop_grace_period",
    "tty", "stdin_open",
]);

/** Service keys that are accepted but have no Kubernetes meaning here; each gets a specific warning. */
const IGNORED_SERVICE_KEYS: Readonly<Record<string, string>> = {
    restart: "Deployments always restart their pods",
    container_name: "the Kubernetes object name is the service name",
    networks: "all services of the app share the namespace network",
    hostname: "pods are addressed through their Service name",
    logging: "container logs go to the cluster's log pipeline",
    init: "not supported; use an image with its own init if needed",
    extra_hosts: "not supported; use Services or DNS",
    platform: "node architecture is chosen by the node pools",
    pull_policy: "the image pull policy follows Kubernetes defaults",
    stop_signal: "not supported by Kubernetes",
    shm_size: "not supported; mount an emptyDir with medium Memory instead",
    ulimits: "not supported by Kubernetes",
    sysctls: "not supported by the hardened pod defaults",
    cap_add: "not supported: containers drop ALL capabilities",
    privileged: "not supported: containers never run privileged",
    security_opt: "not supported: seccomp RuntimeDefault is always set",
    network_mode: "not supported: pods use the cluster network",
    pid: "not supported: pods do not share the host PID namespace",
    ipc: "not supported: pods do not share the host IPC namespace",
    devices: "not supported: host devices are not mounted",
};

const SERVICE_NAME = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const ENV_NAME = /^[-._a-zA-Z0-9]+$/;

/** Parses and checks a compose file. Throws `ComposeError` on the first problem. */
export function parseCompose(text: string, options: ParseOptions): ComposeProject {
    const file = options.file;
    const lookup = options.lookup ?? (() => undefined);
    const warnings: string[] = [];
    const warn = (service: string | undefined, field: string | undefined, message: string) =>
        warnings.push(formatLocation({ file, service, field }) + message);

    let root: unknown;
    try {
        root = parseYaml(text, { merge: true });
    } catch (e) {
        if (e instanceof InputError) throw new ComposeError({ file }, e.message);
        throw e;
    }
    if (root === null || root === undefined) throw new ComposeError({ file }, "the file is empty; expected a mapping with a `services` key");
    // The type only: a non-YAML file (say /etc/passwd) parses as one long string that must not be echoed.
    if (!isMap(root)) throw new ComposeError({ file }, `the top level must be a mapping with a \`services\` key, got ${Array.isArray(root) ? "a list" : `a ${typeof root}`}`);

    // Rejected, not ignored: a warning would silently drop the services and env they bring in.
    if (root.include !== undefined) throw new ComposeError({ file, field: "include" }, "is not supported: the included files' services would be lost; merge them into this file");
    for (const key of Object.keys(root)) {
        if (key.startsWith("x-")) continue;
        if (!TOP_LEVEL_KEYS.has(key)) warn(undefined, key, `unknown top-level key ignored`);
        else if (key === "secrets" || key === "configs") warn(undefined, key, `compose ${key} are not supported; pass values as environment (secrets go to the Secret automatically)`);
        else if (key === "networks") warn(undefined, key, `ignored: all services of the app share the namespace network`);
    }
    if (root.version !== undefined) warn(undefined, "version", "the `version` key is obsolete and ignored");

    const name = root.name === undefined ? undefined : String(interpolateAt(root.name, lookup, { file, field: "name" }).value);

    // Volumes: declared first, so services can be checked against them.
    const volumes: Record<string, ComposeVolumeDecl> = {};
    if (root.volumes !== undefined && root.volumes !== null) {
        if (!isMap(root.volumes)) throw new ComposeError({ file, field: "volumes" }, `must be a mapping of volume names, got ${typeName(root.volumes)}`);
        for (const [volName, decl] of Object.entries(root.volumes)) {
            const field = `volumes.${volName}`;
            if (decl !== null && !isMap(decl)) throw new ComposeError({ file, field }, `must be a mapping or empty, got ${typeName(decl)}`);
            const d = (decl ?? {}) as Record<string, unknown>;
            for (const key of Object.keys(d)) {
                if (!["external", "labels", "name", "driver", "driver_opts"].includes(key)) warn(undefined, `${field}.${key}`, "unknown volume key ignored");
                else if (key === "driver" || key === "driver_opts") warn(undefined, `${field}.${key}`, "volume drivers are ignored; the PVC uses the cluster's StorageClass");
            }
            volumes[volName] = { name: volName, external: d.external === true, labels: parseLabels(d.labels, { file, field: `${field}.labels` }, lookup) };
        }
    }

    if (root.services === undefined || root.services === null) throw new ComposeError({ file, field: "services" }, "is required and must list at least one service");
    if (!isMap(root.services)) throw new ComposeError({ file, field: "services" }, `must be a mapping of service names, got ${typeName(root.services)}`);
    const serviceNames = Object.keys(root.services);
    if (serviceNames.length === 0) throw new ComposeError({ file, field: "services" }, "must list at least one service");

    const all: ComposeService[] = [];
    for (const svcName of serviceNames) {
        all.push(parseService(svcName, root.services[svcName], { file, lookup, readFile: options.readFile, volumes, serviceNames, warn }));
    }

    const active = new Set(options.profiles ?? []);
    const services = all.filter((s) => s.profiles.length === 0 || s.profiles.some((p) => active.has(p)));
    const activeNames = new Set(services.map((s) => s.name));
    for (const s of services) {
        for (const dep of s.dependsOn) {
            if (!activeNames.has(dep)) warn(s.name, "depends_on", `depends on "${dep}", which is not active under the selected profiles`);
        }
    }
    if (services.length === 0) throw new ComposeError({ file, field: "services" }, `no service is active for profiles [${[...active].join(", ")}]`);
    return { file, name, services, volumes, warnings };
}

interface ServiceContext {
    file: string;
    lookup: VariableLookup;
    readFile?: (path: string) => string;
    volumes: Record<string, ComposeVolumeDecl>;
    serviceNames: string[];
    warn: (service: string | undefined, field: string | undefined, message: string) => void;
}

function parseService(name: string, raw: unknown, ctx: ServiceContext): ComposeService {
    const { file, lookup } = ctx;
    const at = (field?: string) => ({ file, service: name, field });
    if (!SERVICE_NAME.test(name) || name.length > 63) {
        throw new ComposeError(
            at(),
            "service name must be a DNS-1035 label (lowercase letters, digits and '-', starting with a letter, at most 63 characters) because it becomes the Kubernetes Service name other services resolve",
        );
    }
    if (raw === null || !isMap(raw)) throw new ComposeError(at(), `must be a mapping, got ${typeName(raw)}`);

    if (raw.extends !== undefined) throw new ComposeError(at("extends"), "is not supported: the keys it would inherit would be lost; write them into this service (YAML anchors and `<<` merge keys work)");
    for (const key of Object.keys(raw)) {
        if (key.startsWith("x-") || SERVICE_KEYS.has(key)) continue;
        // Deployments restart pods like `always`/`unless-stopped`; only `no`/`on-failure` differ.
        if (key === "restart" && !["no", "on-failure"].includes(String(raw.restart).split(":")[0])) continue;
        const why = IGNORED_SERVICE_KEYS[key];
        ctx.warn(name, key, why ? `ignored: ${why}` : "unknown key ignored");
    }

    const str = (field: string): string | undefined => {
        const v = raw[field];
        if (v === undefined || v === null) return undefined;
        if (!isScalar(v)) throw new ComposeError(at(field), `must be a string, got ${typeName(v)}`);
        return interpolateAt(v, lookup, at(field)).value;
    };

    const service: ComposeService = { name, environment: [], ports: [], volumes: [], labels: {}, dependsOn: [], profiles: [] };

    service.image = str("image");
    if (service.image === "") throw new ComposeError(at("image"), "must not be empty");
    // Deploy-time placeholders (`{{pulumi-input:N}}`) are checked when they resolve; anything else must parse as the kubelet will.
    const imageProblem = service.image !== undefined && !service.image.includes("{{pulumi-input:") ? imageReferenceProblem(service.image) : undefined;
    if (imageProblem) throw new ComposeError(at("image"), `${excerpt(service.image as string)} ${imageProblem} (an OCI image reference)`);
    if (raw.build !== undefined) {
        if (service.image === undefined) throw new ComposeError(at("build"), "has `build` but no `image`; Kubernetes needs an image pushed to a registry, so set `image`");
        ctx.warn(name, "build", "ignored: the image is pulled from a registry, not built");
    }
    if (service.image === undefined) throw new ComposeError(at("image"), "is required (Kubernetes runs images from a registry)");

    service.command = parseCommand(raw.command, lookup, at("command"));
    service.entrypoint = parseCommand(raw.entrypoint, lookup, at("entrypoint"));
    service.user = str("user");
    service.workingDir = str("working_dir");
    if (raw.stop_grace_period !== undefined) service.stopGracePeriodSeconds = parseDuration(str("stop_grace_period") ?? "", at("stop_grace_period"));
    for (const flag of ["tty", "stdin_open"] as const) {
        const v = raw[flag];
        if (v === undefined) continue;
        if (typeof v !== "boolean") throw new ComposeError(at(flag), `must be true or false, got ${typeName(v)}`);
        if (flag === "tty") service.tty = v;
        else service.stdinOpen = v;
    }

    service.environment = parseEnvironment(raw, name, ctx);
    service.ports = parsePorts(raw.ports, lookup, at, "ports");
    if (raw.expose !== undefined) {
        const exposed = parsePorts(raw.expose, lookup, at, "expose");
        service.ports.push(...exposed.map((p) => ({ containerPort: p.containerPort, protocol: p.protocol, ...(p.name ? { name: p.name } : {}) })));
    }
    service.volumes = parseVolumes(raw, name, ctx);
    service.healthcheck = parseHealthcheck(raw.healthcheck, lookup, at);
    parseDeploy(raw.deploy, service, lookup, at, ctx);
    service.labels = parseLabels(raw.labels, at("labels"), lookup);
    service.dependsOn = parseDependsOn(raw.depends_on, name, ctx);
    if (raw.profiles !== undefined) {
        if (!Array.isArray(raw.profiles) || !raw.profiles.every((p) => typeof p === "string")) throw new ComposeError(at("profiles"), "must be a list of profile names");
        service.profiles = raw.profiles as string[];
    }
    return service;
}

// ---------------------------------------------------------------- environment

function parseEnvironment(raw: Record<string, unknown>, service: string, ctx: ServiceContext): EnvEntry[] {
    const { file, lookup } = ctx;
    const byName = new Map<string, EnvEntry>();
    const add = (entry: EnvEntry, field: string) => {
        if (entry.name.length > 253 || !ENV_NAME.test(entry.name)) {
            // The field path would repeat the (maybe huge) name: name the section, quote an excerpt.
            throw new ComposeError({ file, service, field: field.startsWith("environment.") ? "environment" : field }, `variable name ${excerpt(entry.name)} must be 1-253 letters, digits, '_', '-' or '.' (ConfigMap/Secret key rules)`);
        }
        byName.set(entry.name, entry);
    };

    // env_file first: `environment` overrides it (compose precedence).
    if (raw.env_file !== undefined && raw.env_file !== null) {
        const list = Array.isArray(raw.env_file) ? raw.env_file : [raw.env_file];
        list.forEach((item, i) => {
            const field = Array.isArray(raw.env_file) ? `env_file[${i}]` : "env_file";
            let path: string;
            let required = true;
            if (typeof item === "string") path = item;
            else if (isMap(item) && typeof item.path === "string") {
                path = item.path;
                required = item.required !== false;
            } else throw new ComposeError({ file, service, field }, `must be a path or { path, required }, got ${typeName(item)}`);
            path = interpolateAt(path, lookup, { file, service, field }).value;
            if (!ctx.readFile) throw new ComposeError({ file, service, field }, `env_file "${path}" cannot be read here: no file reader was given`);
            let text: string;
            try {
                text = ctx.readFile(path);
            } catch (e) {
                // Only a missing optional file is skipped: a refused path (outside the root, /proc, a FIFO) is always an error.
                if (e instanceof InputError) {
                    if (e.missing && !required) return;
                    throw new ComposeError({ file, service, field }, e.message);
                }
                if (!required) return;
                throw new ComposeError({ file, service, field }, `env_file "${path}" cannot be read: ${(e as Error).message.split("\n")[0]}`);
            }
            let entries: ReturnType<typeof parseDotenv>;
            try {
                entries = parseDotenv(text);
            } catch (e) {
                throw new ComposeError({ file, service, field }, `env_file "${path}": ${(e as Error).message}`);
            }
            for (const e of entries) {
                const f = `${field} (${path}:${e.line})`;
                const r = interpolateAt(e.value, lookup, { file, service, field: f });
                add({ name: e.key, value: r.value, variables: r.variables, origin: `env_file ${path}` }, f);
            }
        });
    }

    const env = raw.environment;
    if (env === undefined || env === null) return [...byName.values()];
    if (Array.isArray(env)) {
        env.forEach((item, i) => {
            const field = `environment[${i}]`;
            if (!isScalar(item) || typeof item === "boolean") throw new ComposeError({ file, service, field }, `must be a "KEY=VALUE" string, got ${typeName(item)}`);
            const text = String(item);
            const eq = text.indexOf("=");
            const key = eq < 0 ? text : text.slice(0, eq);
            if (eq < 0) {
                add({ name: key, variables: [], origin: "environment" }, field);
                return;
            }
            const r = interpolateAt(text.slice(eq + 1), lookup, { file, service, field: `environment.${key}` });
            add({ name: key, value: r.value, variables: r.variables, origin: "environment" }, field);
        });
    } else if (isMap(env)) {
        for (const [key, value] of Object.entries(env)) {
            const field = `environment.${key}`;
            if (value === null || value === undefined) {
                add({ name: key, variables: [], origin: "environment" }, field);
                continue;
            }
            if (!isScalar(value)) throw new ComposeError({ file, service, field }, `must be a string, number or boolean, got ${typeName(value)}`);
            const r = interpolateAt(value, lookup, { file, service, field });
            add({ name: key, value: r.value, variables: r.variables, origin: "environment" }, field);
        }
    } else {
        throw new ComposeError({ file, service, field: "environment" }, `must be a mapping or a list of "KEY=VALUE", got ${typeName(env)}`);
    }
    return [...byName.values()];
}

// ---------------------------------------------------------------- ports

function parsePorts(
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

// ---------------------------------------------------------------- volumes

function parseVolumes(raw: Record<string, unknown>, service: string, ctx: ServiceContext): ComposeVolumeMount[] {
    const { file, lookup } = ctx;
    const out: ComposeVolumeMount[] = [];
    const at = (field: string) => ({ file, service, field });
    const checkTarget = (target: string, field: string) => {
        const problem = mountPathProblem(target);
        if (problem) throw new ComposeError(at(field), problem);
    };
    if (raw.volumes !== undefined && raw.volumes !== null) {
        if (!Array.isArray(raw.volumes)) throw new ComposeError(at("volumes"), `must be a list, got ${typeName(raw.volumes)}`);
        raw.volumes.forEach((item, i) => {
            const field = `volumes[${i}]`;
            let mount: ComposeVolumeMount;
            if (typeof item === "string") {
                const text = interpolateAt(item, lookup, at(field)).value;
                const parts = text.split(":");
                if (parts.length > 3 || parts.some((p) => p === "")) throw new ComposeError(at(field), `"${text}" must look like [SOURCE:]TARGET[:MODE]`);
                if (parts.length === 1) mount = { type: "anonymous", target: parts[0], readOnly: false, field };
                else {
                    const [source, target, mode] = parts;
                    const modes = (mode ?? "rw").split(",");
                    const bad = modes.find((m) => !["ro", "rw", "z", "Z", "nocopy", "cached", "delegated", "consistent"].includes(m));
                    if (bad) throw new ComposeError(at(field), `unknown volume mode "${bad}" in "${text}"`);
                    const isPath = /^[./~]/.test(source);
                    mount = { type: isPath ? "bind" : "volume", source, target, readOnly: modes.includes("ro"), field };
                }
            } else if (isMap(item)) {
                const type = String(item.type ?? "volume");
                if (!["volume", "bind", "tmpfs"].includes(type)) throw new ComposeError(at(`${field}.type`), `must be volume, bind or tmpfs, got "${type}"`);
                if (typeof item.target !== "string") throw new ComposeError(at(`${field}.target`), "is required");
                const source = typeof item.source === "string" ? interpolateAt(item.source, lookup, at(`${field}.source`)).value : undefined;
                const mountType: VolumeMountType = type === "volume" && source === undefined ? "anonymous" : (type as VolumeMountType);
                mount = { type: mountType, source: mountType === "tmpfs" ? undefined : source, target: item.target, readOnly: item.read_only === true, field };
                if (mountType === "bind" && source === undefined) throw new ComposeError(at(`${field}.source`), "is required for bind mounts");
            } else {
                throw new ComposeError(at(field), `must be a string or a mapping, got ${typeName(item)}`);
            }
            checkTarget(mount.target, field);
            if (mount.type === "volume" && !Object.prototype.hasOwnProperty.call(ctx.volumes, mount.source as string)) {
                throw new ComposeError(at(field), `refers to undefined volume "${mount.source}"; declare it under the top-level \`volumes\``);
            }
            out.push(mount);
        });
    }
    if (raw.tmpfs !== undefined && raw.tmpfs !== null) {
        const list = Array.isArray(raw.tmpfs) ? raw.tmpfs : [raw.tmpfs];
        list.forEach((item, i) => {
            const field = Array.isArray(raw.tmpfs) ? `tmpfs[${i}]` : "tmpfs";
            if (typeof item !== "string") throw new ComposeError(at(field), `must be a container path, got ${typeName(item)}`);
            const target = item.split(":")[0];
            checkTarget(target, field);
            out.push({ type: "tmpfs", target, readOnly: false, field });
        });
    }
    const targets = new Set<string>();
    for (const m of out) {
        if (targets.has(m.target)) throw new ComposeError(at(m.field), `container path "${m.target}" is mounted twice`);
        targets.add(m.target);
    }
    return out;
}

// ---------------------------------------------------------------- healthcheck

function parseHealthcheck(raw: unknown, lookup: VariableLookup, at: (field?: string) => { file: string; service: string; field?: string }): ComposeHealthcheck | null | undefined {
    if (raw === undefined || raw === null) return undefined;
    if (!isMap(raw)) throw new ComposeError(at("healthcheck"), `must be a mapping, got ${typeName(raw)}`);
    for (const key of Object.keys(raw)) {
        if (!["test", "interval", "timeout", "retries", "start_period", "start_interval", "disable"].includes(key)) throw new ComposeError(at(`healthcheck.${key}`), "unknown healthcheck key");
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
        if (typeof raw.retries !== "number" || !Number.isInteger(raw.retries) || raw.retries < 1) throw new ComposeError(at("healthcheck.retries"), `must be a positive integer, got ${JSON.stringify(raw.retries)}`);
        hc.retries = raw.retries;
    }
    for (const k of Object.keys(hc) as Array<keyof ComposeHealthcheck>) if (hc[k] === undefined) delete hc[k];
    return hc;
}

/** Compose durations (`1m30s`, `10s`, `500ms`) -> whole seconds, rounded up, at least 1. */
export function parseDuration(text: string, location: { file: string; service?: string; field?: string }): number {
    const re = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/gy;
    const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, us: 1e-6, "µs": 1e-6, ns: 1e-9 };
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

function parseDeploy(
    raw: unknown,
    service: ComposeService,
    lookup: VariableLookup,
    at: (field?: string) => { file: string; service: string; field?: string },
    ctx: ServiceContext,
): void {
    if (raw === undefined || raw === null) return;
    if (!isMap(raw)) throw new ComposeError(at("deploy"), `must be a mapping, got ${typeName(raw)}`);
    for (const key of Object.keys(raw)) {
        if (key !== "replicas" && key !== "resources") ctx.warn(service.name, `deploy.${key}`, "ignored: only deploy.replicas and deploy.resources are compiled");
    }
    if (raw.replicas !== undefined) {
        const text = typeof raw.replicas === "string" ? interpolateAt(raw.replicas, lookup, at("deploy.replicas")).value.trim() : undefined;
        // An unset variable interpolates to "", which Number() would read as 0 replicas.
        if (text === "") throw new ComposeError(at("deploy.replicas"), `is empty after interpolation (an unset variable?); give a number`);
        const r = text !== undefined ? (/^\d+$/.test(text) ? Number(text) : NaN) : raw.replicas;
        if (typeof r !== "number" || !Number.isInteger(r) || r < 0) throw new ComposeError(at("deploy.replicas"), `must be a non-negative integer, got ${JSON.stringify(raw.replicas)}`);
        service.replicas = r;
    }
    if (raw.resources === undefined || raw.resources === null) return;
    if (!isMap(raw.resources)) throw new ComposeError(at("deploy.resources"), `must be a mapping, got ${typeName(raw.resources)}`);
    const out: { limits?: ResourceQuantities; requests?: ResourceQuantities } = {};
    for (const [key, target] of [["limits", "limits"], ["reservations", "requests"]] as const) {
        const section = raw.resources[key];
        if (section === undefined || section === null) continue;
        const field = `deploy.resources.${key}`;
        if (!isMap(section)) throw new ComposeError(at(field), `must be a mapping, got ${typeName(section)}`);
        const q: ResourceQuantities = {};
        for (const [k, v] of Object.entries(section)) {
            if (k === "cpus") q.cpu = composeCpuToK8s(String(interpolateAt(v as string, lookup, at(`${field}.cpus`)).value), at(`${field}.cpus`));
            else if (k === "memory") q.memory = composeMemoryToK8s(String(interpolateAt(v as string, lookup, at(`${field}.memory`)).value), at(`${field}.memory`));
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

function parseLabels(raw: unknown, location: { file: string; service?: string; field?: string }, lookup: VariableLookup): Record<string, string> {
    if (raw === undefined || raw === null) return {};
    const out: Record<string, string> = {};
    if (Array.isArray(raw)) {
        raw.forEach((item, i) => {
            if (typeof item !== "string") throw new ComposeError({ ...location, field: `${location.field}[${i}]` }, `must be a "key=value" string, got ${typeName(item)}`);
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

function parseDependsOn(raw: unknown, service: string, ctx: ServiceContext): string[] {
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

function parseCommand(raw: unknown, lookup: VariableLookup, location: { file: string; service: string; field?: string }): string[] | undefined {
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

// ---------------------------------------------------------------- helpers

function interpolateAt(value: string | number | boolean, lookup: VariableLookup, location: { file: string; service?: string; field?: string }) {
    if (typeof value !== "string") return { value: String(value), variables: [] as string[] };
    try {
        return interpolate(value, lookup);
    } catch (e) {
        if (e instanceof InterpolationError) throw new ComposeError(location, e.message);
        throw e;
    }
}

function isMap(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isScalar(v: unknown): v is string | number | boolean {
    return typeof v === "string" || typeof v === "number" || typeof v === "boolean";
}

function typeName(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "a list";
    if (typeof v === "object") return "a mapping";
    return `${typeof v} ${typeof v === "string" ? excerpt(v) : JSON.stringify(v)}`;
}
