/** A compose service's `environment` and `env_file`: names checked, values interpolated, later entries win. */
import { InputError } from "../input/files";
import { ComposeError, excerpt } from "./errors";
import { parseDotenv } from "./interpolate";
import { EnvEntry } from "./model";
import { interpolateAt, isMap, isScalar, ServiceContext, typeName } from "./parse-values";

const ENV_NAME = /^[-._a-zA-Z0-9]+$/;

export function parseEnvironment(raw: Record<string, unknown>, service: string, ctx: ServiceContext): EnvEntry[] {
    const { file, lookup } = ctx;
    const byName = new Map<string, EnvEntry>();
    const add = (entry: EnvEntry, field: string) => {
        if (entry.name.length > 253 || !ENV_NAME.test(entry.name)) {
            // The field path would repeat the (maybe huge) name: name the section, quote an excerpt.
            throw new ComposeError(
                { file, service, field: field.startsWith("environment.") ? "environment" : field },
                `variable name ${excerpt(entry.name)} must be 1-253 letters, digits, '_', '-' or '.' (ConfigMap/Secret key rules)`,
            );
        }
        byName.set(entry.name, entry);
    };

    // env_file first: `environment` overrides it (compose precedence).
    if (raw.env_file !== undefined && raw.env_file !== null) {
        const list = Array.isArray(raw.env_file) ? raw.env_file : [raw.env_file];
        list.forEach((item, i) => {
            const field = Array.isArray(raw.env_file) ? `env_file[${i}]` : "env_file";
            const read = readEnvFile(item, field, service, ctx);
            if (!read) return;
            const { path, entries } = read;
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
            if (!isScalar(item) || typeof item === "boolean")
                throw new ComposeError({ file, service, field }, `must be a "KEY=VALUE" string, got ${typeName(item)}`);
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

/** One `env_file` entry read and parsed; undefined for a missing optional file. */
function readEnvFile(
    item: unknown,
    field: string,
    service: string,
    ctx: ServiceContext,
): { path: string; entries: ReturnType<typeof parseDotenv> } | undefined {
    const { file, lookup } = ctx;
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
            if (e.missing && !required) return undefined;
            throw new ComposeError({ file, service, field }, e.message);
        }
        if (!required) return undefined;
        throw new ComposeError({ file, service, field }, `env_file "${path}" cannot be read: ${(e as Error).message.split("\n")[0]}`);
    }
    let entries: ReturnType<typeof parseDotenv>;
    try {
        entries = parseDotenv(text);
    } catch (e) {
        throw new ComposeError({ file, service, field }, `env_file "${path}": ${(e as Error).message}`);
    }
    return { path, entries };
}
