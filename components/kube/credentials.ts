/**
 * Credentials of a data store (Redis, Postgres): a password generated with `@pulumi/random`
 * unless given, kept in a Secret the component creates (or one owned elsewhere), and an optional
 * client URL Secret built from it. Values stay secret Outputs end to end.
 */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import * as k8s from "@pulumi/kubernetes";
import { Labels } from "./labels";
import { Problem, check } from "./problems";

type Input<T> = pulumi.Input<T>;

/** Length of generated passwords; alphanumeric so they are safe in URLs and config files. */
export const GENERATED_PASSWORD_LENGTH = 32;

/** Where a credential lives: a Secret name and key. */
export interface SecretKeyRef {
    /** The Secret's name. */
    name: string;
    /** The key in the Secret. */
    key: string;
}

/** The password Secret: created by the component, or owned elsewhere (`existing`). */
export interface PasswordSecretSpec {
    /** Secret name. */
    name: string;
    /** Key of the password in the Secret. @default "password" */
    key?: string;
    /**
     * The Secret already exists and is owned elsewhere (seed 003: `agent-secrets`/`redis-password`):
     * the component only references it, generates nothing, and cannot publish a URL. @default false
     */
    existing?: boolean;
}

/** A Secret the component creates holding a client connection URL (seed 002: `redis-credentials`/`url`). */
export interface UrlSecretSpec {
    /** Secret name. */
    name: string;
    /** Key of the URL in the Secret. @default "url" */
    key?: string;
}

/** The credential args Redis and Postgres share. */
export interface CredentialArgs {
    /** Password value; generated (RandomPassword, 32 alphanumerics) when omitted. */
    password?: Input<string>;
    /** The Secret holding the password. @default { name: `<workload>-password`, key: "password" } created by the component */
    passwordSecret?: PasswordSecretSpec;
    /** Also create a Secret with a client URL. @default none */
    urlSecret?: UrlSecretSpec;
}

/** The credential args with their defaults applied. */
export interface ResolvedCredentials {
    passwordSecret: SecretKeyRef & { existing: boolean };
    urlSecret?: SecretKeyRef;
}

export function resolveCredentials(workload: string, a: CredentialArgs): ResolvedCredentials {
    return {
        passwordSecret: {
            name: a.passwordSecret?.name ?? `${workload}-password`,
            key: a.passwordSecret?.key ?? "password",
            existing: a.passwordSecret?.existing ?? false,
        },
        ...(a.urlSecret ? { urlSecret: { name: a.urlSecret.name, key: a.urlSecret.key ?? "url" } } : {}),
    };
}

/** The Secret names to check as DNS-1123 labels, and the rules between password, passwordSecret and urlSecret. */
export function credentialProblems(a: CredentialArgs): Problem[] {
    const existing = a.passwordSecret?.existing ?? false;
    const sameKey =
        !!a.urlSecret &&
        !!a.passwordSecret &&
        !existing &&
        a.urlSecret.name === a.passwordSecret.name &&
        (a.urlSecret.key ?? "url") === (a.passwordSecret.key ?? "password");
    return [
        ...check(
            !(existing && a.password !== undefined),
            "password",
            "and passwordSecret.existing are mutually exclusive: an existing Secret already holds the password",
        ),
        ...check(
            !(existing && a.urlSecret),
            "urlSecret",
            `needs a password the component knows, but passwordSecret.existing is true (Secret "${a.passwordSecret?.name}")`,
        ),
        ...check(!sameKey, "urlSecret.key", `must differ from passwordSecret.key when both use Secret "${a.urlSecret?.name}"`, a.urlSecret?.key ?? "url"),
    ];
}

/** `[field, name]` pairs of the Secrets named in the args (for DNS-1123 checks). */
export function credentialNames(a: CredentialArgs): [string, string][] {
    return [
        ...(a.passwordSecret ? [["passwordSecret.name", a.passwordSecret.name] as [string, string]] : []),
        ...(a.urlSecret ? [["urlSecret.name", a.urlSecret.name] as [string, string]] : []),
    ];
}

/** A connection URL built from a (secret) password; the result stays secret. */
export function secretUrl(prefix: string, password: Input<string>, suffix: Input<string>): pulumi.Output<string> {
    return pulumi.secret(pulumi.interpolate`${prefix}${pulumi.output(password).apply(encodeURIComponent)}${suffix}`);
}

/** Groups secret entries by Secret name so a password and a URL may share one Secret. */
export function secretsByName(entries: { name: string; key: string; value: Input<string> }[]): Map<string, Record<string, Input<string>>> {
    const out = new Map<string, Record<string, Input<string>>>();
    for (const e of entries) out.set(e.name, { ...(out.get(e.name) ?? {}), [e.key]: e.value });
    return out;
}

export interface CreatedCredentials {
    /** The password as a secret Output (undefined when the Secret is owned elsewhere). */
    password?: pulumi.Output<string>;
    /** The client URL as a secret Output, when a URL Secret was asked for. */
    url?: pulumi.Output<string>;
    /** The Secrets created (the workload depends on them). */
    resources: k8s.core.v1.Secret[];
}

/**
 * Creates the generated/given password and the Secrets that hold it (`<prefix>-secret`,
 * `<prefix>-secret-1` when the URL lives in another Secret).
 */
export function createCredentialSecrets(
    prefix: string,
    namespace: Input<string>,
    labels: Labels,
    parent: pulumi.Resource,
    o: { password?: Input<string>; creds: ResolvedCredentials; buildUrl?: (pw: Input<string>) => pulumi.Output<string> },
): CreatedCredentials {
    if (o.creds.passwordSecret.existing) return { resources: [] };
    const password =
        o.password !== undefined
            ? pulumi.secret(o.password)
            : new random.RandomPassword(`${prefix}-password`, { length: GENERATED_PASSWORD_LENGTH, special: false }, { parent }).result;
    const urlRef = o.creds.urlSecret;
    const url = urlRef && o.buildUrl ? o.buildUrl(password) : undefined;
    const grouped = secretsByName([
        { name: o.creds.passwordSecret.name, key: o.creds.passwordSecret.key, value: password },
        ...(urlRef && url ? [{ ...urlRef, value: url }] : []),
    ]);
    const resources = [...grouped.entries()].map(
        ([secretName, data], i) =>
            new k8s.core.v1.Secret(
                `${prefix}-secret${i === 0 ? "" : `-${i}`}`,
                {
                    metadata: { name: secretName, namespace, labels },
                    type: "Opaque",
                    stringData: pulumi.secret(data) as unknown as Record<string, Input<string>>,
                },
                { parent },
            ),
    );
    return { password: pulumi.secret(password), url, resources };
}

/** An env var read from a Secret key (the password never appears in argv or a ConfigMap). */
export function secretKeyEnv(envName: string, ref: SecretKeyRef): k8s.types.input.core.v1.EnvVar {
    return { name: envName, valueFrom: { secretKeyRef: { name: ref.name, key: ref.key } } };
}

/** A store's credentials once created: where clients read them, the secret values, the Secrets. */
export interface StoreCredentials extends CreatedCredentials {
    passwordSecret: SecretKeyRef;
    urlSecret?: SecretKeyRef;
}

/** Resolves a store's credential args (defaults named after `workload`) and creates their Secrets. */
export function createStoreCredentials(
    prefix: string,
    workload: string,
    meta: { namespace: Input<string>; labels: Labels },
    args: CredentialArgs,
    buildUrl: (pw: Input<string>) => pulumi.Output<string>,
    parent: pulumi.Resource,
): StoreCredentials {
    const creds = resolveCredentials(workload, args);
    const created = createCredentialSecrets(prefix, meta.namespace, meta.labels, parent, { password: args.password, creds, buildUrl });
    return { passwordSecret: { name: creds.passwordSecret.name, key: creds.passwordSecret.key }, urlSecret: creds.urlSecret, ...created };
}
