/**
 * Compose YAML -> typed `ComposeProject`.
 *
 * The YAML is parsed with the `yaml` library (anchors and `<<` merge keys supported, duplicate
 * keys rejected), every string value is interpolated (Compose semantics, see interpolate.ts),
 * then each service is checked field by field. Problems are `ComposeError`s naming the file,
 * service and field; unknown or unsupported keys become warnings naming the service and key.
 */

import { imageReferenceProblem } from "../config/common";
import { InputError } from "../input/files";
import { parseYaml } from "../input/yaml";
import { ComposeError, excerpt, formatLocation } from "./errors";
import { ComposeProject, ComposeService, ComposeVolumeDecl, ParseOptions } from "./model";
import { interpolateAt, isMap, isScalar, ServiceContext, typeName } from "./parse-values";
import { parseCommand, parseDependsOn, parseDeploy, parseDuration, parseHealthcheck, parseLabels, parsePorts } from "./parse-fields";
import { parseEnvironment } from "./parse-environment";
import { parseVolumes } from "./parse-volumes";

/** Top-level keys the compiler understands or deliberately ignores. */
const TOP_LEVEL_KEYS = new Set(["version", "name", "services", "volumes", "networks", "secrets", "configs"]);

/** Service keys that are compiled. */
const SERVICE_KEYS = new Set([
    "image",
    "build",
    "command",
    "entrypoint",
    "environment",
    "env_file",
    "ports",
    "expose",
    "volumes",
    "tmpfs",
    "healthcheck",
    "deploy",
    "labels",
    "depends_on",
    "profiles",
    "user",
    "working_dir",
    "stop_grace_period",
    "tty",
    "stdin_open",
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

/** Parses and checks a compose file. Throws `ComposeError` on the first problem. */
export function parseCompose(text: string, options: ParseOptions): ComposeProject {
    const file = options.file;
    const lookup = options.lookup ?? (() => undefined);
    const warnings: string[] = [];
    const warn = (service: string | undefined, field: string | undefined, message: string) => warnings.push(formatLocation({ file, service, field }) + message);

    let root: unknown;
    try {
        root = parseYaml(text, { merge: true });
    } catch (e) {
        if (e instanceof InputError) throw new ComposeError({ file }, e.message);
        throw e;
    }
    if (root === null || root === undefined) throw new ComposeError({ file }, "the file is empty; expected a mapping with a `services` key");
    // The type only: a non-YAML file (say /etc/passwd) parses as one long string that must not be echoed.
    if (!isMap(root))
        throw new ComposeError({ file }, `the top level must be a mapping with a \`services\` key, got ${Array.isArray(root) ? "a list" : `a ${typeof root}`}`);

    // Rejected, not ignored: a warning would silently drop the services and env they bring in.
    if (root.include !== undefined)
        throw new ComposeError({ file, field: "include" }, "is not supported: the included files' services would be lost; merge them into this file");
    for (const key of Object.keys(root)) {
        if (key.startsWith("x-")) continue;
        if (!TOP_LEVEL_KEYS.has(key)) warn(undefined, key, `unknown top-level key ignored`);
        else if (key === "secrets" || key === "configs")
            warn(undefined, key, `compose ${key} are not supported; pass values as environment (secrets go to the Secret automatically)`);
        else if (key === "networks") warn(undefined, key, `ignored: all services of the app share the namespace network`);
    }
    if (root.version !== undefined) warn(undefined, "version", "the `version` key is obsolete and ignored");

    const name = root.name === undefined ? undefined : String(interpolateAt(root.name as string | number | boolean, lookup, { file, field: "name" }).value);

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
                else if (key === "driver" || key === "driver_opts")
                    warn(undefined, `${field}.${key}`, "volume drivers are ignored; the PVC uses the cluster's StorageClass");
            }
            volumes[volName] = { name: volName, external: d.external === true, labels: parseLabels(d.labels, { file, field: `${field}.labels` }, lookup) };
        }
    }

    if (root.services === undefined || root.services === null)
        throw new ComposeError({ file, field: "services" }, "is required and must list at least one service");
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

    if (raw.extends !== undefined)
        throw new ComposeError(
            at("extends"),
            "is not supported: the keys it would inherit would be lost; write them into this service (YAML anchors and `<<` merge keys work)",
        );
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
        if (service.image === undefined)
            throw new ComposeError(at("build"), "has `build` but no `image`; Kubernetes needs an image pushed to a registry, so set `image`");
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
        if (!Array.isArray(raw.profiles) || !raw.profiles.every((p) => typeof p === "string"))
            throw new ComposeError(at("profiles"), "must be a list of profile names");
        service.profiles = raw.profiles as string[];
    }
    return service;
}
