/** A compose service's `volumes` (named, bind, tmpfs, anonymous) and `tmpfs` mounts. */
import { mountPathProblem } from "../input/files";
import { ComposeError } from "./errors";
import { ComposeVolumeMount, VolumeMountType } from "./model";
import { interpolateAt, isMap, ServiceContext, typeName } from "./parse-values";

export function parseVolumes(raw: Record<string, unknown>, service: string, ctx: ServiceContext): ComposeVolumeMount[] {
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
