import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Labels, standardLabels } from "./labels";
import { dns1123Problem, dns1123Problems } from "./names";
import { Problem, assertNoProblems, check } from "./problems";
import { componentType, withOldTypeAlias } from "./type-token";
import { NamespaceInput, knownNamespaceNames, namespaceName } from "./namespace-ref";

type Input<T> = pulumi.Input<T>;

/** A ConfigMap of plain settings. */
export interface BundleConfigMap {
    /** ConfigMap name. */
    name: string;
    /** Its entries (no key named like a credential). */
    data: Record<string, string>;
}

/** An Opaque Secret of sensitive settings. */
export interface BundleSecret {
    /** Secret name (not the ConfigMap's). */
    name: string;
    /** Its entries; they stay secret Outputs. */
    data: Record<string, Input<string>>;
}

/** The arguments of `ConfigBundle`: at least one of `configMap` and `secret`. */
export interface ConfigBundleArgs {
    /**
     * The namespace: a PlatformNamespace (the objects then wait for it), or a name, plain or an
     * Output (a plain name must exist already, or be ordered with `dependsOn`).
     */
    namespace: NamespaceInput;
    /** Plain settings, one ConfigMap (seed 001: `inquisitor-config`). @default none */
    configMap?: BundleConfigMap;
    /** Sensitive settings, one Opaque Secret (seed 000: `claude-terminal-secrets`). Values stay secret Outputs. @default none */
    secret?: BundleSecret;
    /** `app.kubernetes.io/part-of`: the system. @default none */
    partOf?: string;
    /** Extra labels on both objects. @default none */
    labels?: Labels;
}

// Keys a ConfigMap would leak: the Secret is the only home for values named like credentials.
const SENSITIVE_KEY = /(PASSWORD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ENCRYPTION_?KEY|CREDENTIAL)/i;

/** Every rule a ConfigBundle's args must satisfy, as data (path, rule, value); empty when valid. */
export function configBundleProblems(name: string, a: ConfigBundleArgs): Problem[] {
    const p: Problem[] = dns1123Problems(knownNamespaceNames(a.namespace));
    p.push(...check(!!(a.configMap || a.secret), "configMap", "or secret (or both) must be set"));
    if (a.configMap) {
        p.push(...dns1123Problem("configMap.name", a.configMap.name));
        for (const k of Object.keys(a.configMap.data))
            p.push(...check(!SENSITIVE_KEY.test(k), `configMap.data.${k}`, "looks sensitive; put it in secret.data"));
    }
    if (a.secret) p.push(...dns1123Problem("secret.name", a.secret.name));
    // Legal in Kubernetes, but `kubectl get` output and envFrom references become ambiguous to readers.
    p.push(...check(!(a.configMap && a.secret && a.configMap.name === a.secret.name), "secret.name", "must differ from configMap.name", a.secret?.name));
    for (const [field, data] of [
        ["configMap", a.configMap?.data],
        ["secret", a.secret?.data],
    ] as const) {
        for (const k of Object.keys(data ?? {}))
            p.push(...check(/^[-._a-zA-Z0-9]+$/.test(k), `${field}.data`, "keys must consist of alphanumerics, '-', '_' or '.'", k));
    }
    return p;
}

/**
 * A ConfigMap + Secret pair that several workloads of a system share (loaded with `envFrom` or
 * single `secretEnv` keys), owned by none of them: e.g. seed 001's `inquisitor-config` read by the
 * Raft members and the API tier, seed 000's `claude-terminal-secrets` read by three workloads.
 * Data keys are sorted so a second `pulumi up` shows no diff.
 */
export class ConfigBundle extends pulumi.ComponentResource {
    public readonly configMapName?: string;
    public readonly secretName?: string;
    /** The objects, for `dependsOn` of the workloads that read them. */
    public readonly resources: pulumi.Resource[];

    constructor(name: string, args: ConfigBundleArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("ConfigBundle", name, configBundleProblems(name, args));
        super(componentType("ConfigBundle"), name, {}, withOldTypeAlias("agent-platform:kube:ConfigBundle", opts));
        const a = args;
        const sorted = <T>(d: Record<string, T>) => Object.fromEntries(Object.entries(d).sort(([x], [y]) => x.localeCompare(y)));
        this.resources = [];
        if (a.configMap) {
            this.configMapName = a.configMap.name;
            this.resources.push(
                new k8s.core.v1.ConfigMap(
                    `${name}-config`,
                    {
                        metadata: {
                            name: a.configMap.name,
                            namespace: namespaceName(a.namespace),
                            labels: standardLabels(a.configMap.name, { partOf: a.partOf, component: "config", extra: a.labels }),
                        },
                        data: sorted(a.configMap.data),
                    },
                    { parent: this },
                ),
            );
        }
        if (a.secret) {
            this.secretName = a.secret.name;
            this.resources.push(
                new k8s.core.v1.Secret(
                    `${name}-secret`,
                    {
                        metadata: {
                            name: a.secret.name,
                            namespace: namespaceName(a.namespace),
                            labels: standardLabels(a.secret.name, { partOf: a.partOf, component: "config", extra: a.labels }),
                        },
                        type: "Opaque",
                        stringData: pulumi.secret(sorted(a.secret.data)) as pulumi.Input<Record<string, pulumi.Input<string>>>,
                    },
                    { parent: this },
                ),
            );
        }
        this.registerOutputs({ configMapName: this.configMapName, secretName: this.secretName });
    }
}
