/**
 * `agent-platform:secrets.source: externalSecrets`: the secure values the systems read come from
 * AWS Secrets Manager instead of stack config. Each system declares which keys of which of its
 * Secrets hold secure config values (`ConfigSecretKeys`); the program then
 *  * hands the systems a placeholder instead of a config value (`externalValue`),
 *  * strips those keys from the Secret the system registers and adds an ExternalSecret
 *    (Merge, CRD-gated) that fills them from `<prefix><config key>` through the ClusterSecretStore,
 *  * makes every workload registered later in that namespace wait for the ExternalSecret, and
 *  * fails the deployment if a placeholder would reach any Secret (a key nobody declared).
 * Generated values (Redis/Postgres passwords, encryption keys) stay generated in the Secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { ClusterCapabilities, createExternalSecret } from "agent-platform";
import { remoteSecretName } from "agent-platform/config";
import { ConfigSecretKeys } from "./systems/types";

const PLACEHOLDER_PREFIX = "\u0000agent-platform:from-secrets-manager:";

/** What a system gets for secure key `key` with externalSecrets: a placeholder that never reaches a Secret. */
export function externalValue(key: string): pulumi.Output<string> {
    return pulumi.secret(`${PLACEHOLDER_PREFIX}${key}`);
}

/** Secret data with the declared keys removed; throws when a declared key is missing or a placeholder remains. Pure. */
export function stripExternalKeys(where: string, data: Record<string, string>, declared: readonly string[]): Record<string, string> {
    for (const k of declared) {
        if (!(k in data)) throw new Error(`${where}: declared key ${k} (from AWS Secrets Manager) is not in the Secret`);
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) {
        if (declared.includes(k)) continue;
        if (typeof v === "string" && v.includes(PLACEHOLDER_PREFIX)) {
            throw new Error(
                `${where}: key ${k} holds a secure config value that no ExternalSecret declares (with secrets.source externalSecrets a secure value must be a whole Secret key the system declares)`,
            );
        }
        out[k] = v;
    }
    return out;
}

const WORKLOAD_TYPES = new Set([
    "kubernetes:apps/v1:Deployment",
    "kubernetes:apps/v1:StatefulSet",
    "kubernetes:apps/v1:DaemonSet",
    "kubernetes:batch/v1:Job",
    "kubernetes:batch/v1:CronJob",
]);

export interface ExternalSecretsSettings {
    store: string;
    prefix: string;
    refreshInterval: string;
    capabilities: ClusterCapabilities;
}

/** The transformation (pass it to the systems) and a check that every declared Secret was registered. */
export class ExternalSecretsSync {
    private readonly plan = new Map<string, ConfigSecretKeys>();
    private readonly seen = new Set<string>();
    private readonly byNamespace = new Map<string, pulumi.Resource[]>();

    constructor(
        plan: readonly ConfigSecretKeys[],
        private readonly s: ExternalSecretsSettings,
    ) {
        for (const p of plan) this.plan.set(`${p.namespace}/${p.secret}`, p);
    }

    readonly transformation: pulumi.ResourceTransformation = (a) => {
        const meta = (a.props as { metadata?: { name?: unknown; namespace?: unknown } }).metadata ?? {};
        const namespace = typeof meta.namespace === "string" ? meta.namespace : undefined;
        if (a.type === "kubernetes:core/v1:Secret") {
            const id = `${namespace ?? "?"}/${typeof meta.name === "string" ? meta.name : a.name}`;
            const entry = this.plan.get(id);
            const declared = entry ? Object.keys(entry.keys) : [];
            const props = { ...a.props };
            if (props.stringData !== undefined) {
                props.stringData = pulumi.secret(
                    pulumi.output(props.stringData as pulumi.Input<Record<string, string>>).apply((d) => stripExternalKeys(`Secret ${id}`, d ?? {}, declared)),
                );
            }
            if (!entry) return { props, opts: a.opts };
            this.seen.add(id);
            const keys = Object.fromEntries(Object.entries(entry.keys).map(([dataKey, configKey]) => [dataKey, remoteSecretName(this.s.prefix, configKey)]));
            const es = createExternalSecret(
                `${a.name}-external`,
                {
                    secretName: entry.secret,
                    namespace: entry.namespace,
                    store: this.s.store,
                    keys,
                    refreshInterval: this.s.refreshInterval,
                    partOf: entry.partOf,
                },
                this.s.capabilities,
                { parent: a.opts.parent, dependsOn: [a.resource] },
            );
            if (es) this.byNamespace.set(entry.namespace, [...(this.byNamespace.get(entry.namespace) ?? []), es]);
            return { props, opts: a.opts };
        }
        const waitFor = namespace !== undefined && WORKLOAD_TYPES.has(a.type) ? this.byNamespace.get(namespace) : undefined;
        if (!waitFor) return undefined;
        const d = a.opts.dependsOn;
        const existing = d === undefined ? [] : Array.isArray(d) ? d : [d as pulumi.Input<pulumi.Resource>];
        return { props: a.props, opts: { ...a.opts, dependsOn: [...existing, ...waitFor] } };
    };

    /** Declared Secrets no system registered (a declaration out of step with its system). */
    unmatched(): string[] {
        return [...this.plan.keys()].filter((k) => !this.seen.has(k)).sort();
    }
}
