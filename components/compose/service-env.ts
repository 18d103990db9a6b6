/**
 * The environment of one compose service, resolved in order: the service's option > explicit
 * values > stack settings > discovered infrastructure > the compose file; then split into the
 * ConfigMap (plain) and the Secret (sensitive or deploy-time) by `splitEnv`.
 */
import { DiscoveredInfrastructure, INFRA_KINDS, infrastructureVariables } from "./discovery";
import { EnvValue, SplitEnv, splitEnv } from "./env";
import { ComposeError } from "./errors";
import { VariableLayers, rebaseUrl, resolveVariable } from "./interpolate";
import type { ComposeService } from "./model";
import { containsPlaceholder } from "./placeholders";
import type { EnvSource, ServiceContext, ServiceDeploymentSpec } from "./spec";

/** The API server rejects a ConfigMap or Secret whose data exceeds 1 MiB (core/v1 validation, etcd's request limit). */
export const MAX_OBJECT_DATA_BYTES = 1024 * 1024;

/** UTF-8 bytes of a ConfigMap/Secret's keys and values, as the API server counts them. */
function envDataBytes(data: Record<string, string>): number {
    let total = 0;
    for (const [k, v] of Object.entries(data)) total += Buffer.byteLength(k) + Buffer.byteLength(v);
    return total;
}

export interface EnvInputs {
    layers: VariableLayers;
    /** Infrastructure in effect; a service does not receive its own infrastructure values. */
    infra: DiscoveredInfrastructure;
    isSecretName: (name: string) => boolean;
    /** Variables whose values are secret whatever their names. */
    tainted: ReadonlySet<string>;
}

export interface ServiceEnv {
    env: SplitEnv;
    /** Where each value came from (resolution order, for review). */
    sources: Record<string, EnvSource>;
}

/** The service's env values with their sources; a variable nobody sets is warned about and left unset. */
function resolveValues(
    svc: ComposeService,
    spec: ServiceDeploymentSpec,
    inputs: EnvInputs,
    ctx: ServiceContext,
): { values: EnvValue[]; sources: Record<string, EnvSource> } {
    const { layers, infra } = inputs;
    const ownKinds = INFRA_KINDS.filter((k) => infra[k]?.service === svc.name);
    const ownInfraVars = new Set(Object.keys(infrastructureVariables(Object.fromEntries(ownKinds.map((k) => [k, infra[k]])) as DiscoveredInfrastructure)));
    const values: EnvValue[] = [];
    const sources: Record<string, EnvSource> = {};
    const byEnvName = new Map(svc.environment.map((e) => [e.name, e]));
    const names = new Set([...byEnvName.keys(), ...Object.keys(spec.env ?? {})]);
    for (const name of [...names].sort()) {
        const entry = byEnvName.get(name);
        const fromOption = spec.env?.[name];
        if (fromOption !== undefined) {
            values.push({ name, value: fromOption, variables: [] });
            sources[name] = "service-option";
            continue;
        }
        const layered = resolveVariable(name, ownInfraVars.has(name) ? { ...layers, infrastructure: undefined } : layers);
        if (layered) {
            // Discovered endpoints keep the compose value's credentials, path and query.
            const value = layered.source === "infrastructure" && entry?.value !== undefined ? rebaseUrl(layered.value, entry.value) : layered.value;
            values.push({ name, value, variables: layered.source === "infrastructure" ? (entry?.variables ?? []) : [] });
            sources[name] = layered.source;
        } else if (entry?.value !== undefined) {
            values.push({ name, value: entry.value, variables: entry.variables });
            sources[name] = "compose";
        } else {
            ctx.warn(
                svc.name,
                `environment.${name}`,
                "has no value (compose takes it from the shell); pass it as an explicit value or setting, or it is left unset",
            );
        }
    }
    return { values, sources };
}

export function resolveServiceEnv(svc: ComposeService, spec: ServiceDeploymentSpec, inputs: EnvInputs, ctx: ServiceContext): ServiceEnv {
    const { values, sources } = resolveValues(svc, spec, inputs, ctx);
    const env = splitEnv(values, { isSecretName: inputs.isSecretName, tainted: inputs.tainted });
    for (const [what, data] of [
        [`ConfigMap ${svc.name}-config`, env.config],
        [`Secret ${svc.name}-secrets`, env.secrets],
    ] as const) {
        const bytes = envDataBytes(data);
        if (bytes > MAX_OBJECT_DATA_BYTES)
            throw new ComposeError(
                ctx.at("environment"),
                `${what} would hold ${bytes} bytes of data, over the Kubernetes limit of ${MAX_OBJECT_DATA_BYTES} (1 MiB); move large values into a volume or an image`,
            );
    }
    for (const [k, v] of Object.entries(env.config)) {
        // Deploy-time values are tainted and go to the Secret; a placeholder here would be a compiler bug.
        if (containsPlaceholder(v)) throw new ComposeError(ctx.at(`environment.${k}`), "a deploy-time (Output) value cannot go to the ConfigMap");
    }
    return { env, sources };
}
