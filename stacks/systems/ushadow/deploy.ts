/**
 * seed 004 ushadow: the services of a Compose file (backend, mem0 and its UI, plus mongo, redis,
 * qdrant and neo4j) compiled by `ComposeApp` into one AgentService per service (SingletonWorker for
 * the databases): ConfigMap (plain env) + Secret (sensitive env) + Deployment (envFrom both) +
 * Service + ServiceAccount + NetworkPolicy (+ HPA/PDB, Ingress, PVCs), in namespace `ushadow`.
 * Infrastructure connection strings are discovered from the services the stack creates
 * (`{service}.{namespace}.svc.cluster.local:{port}`). Composes components only.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { ComposeApp, ComposeAppArgs, INTERNET_HTTPS, PlatformNamespace, DEFAULT_INGRESS_CLASS, acmeSolverPolicy } from "agent-platform";
import { ConfigError, PROJECT, InputError, readTextInside, realRoot, parseYaml } from "agent-platform/config";
import { ComposeError, DeploymentOptions, ServiceDeploymentSpec, compileComposeAppArgs, parseDeploymentOptions } from "agent-platform/compose";
import { UshadowConfig } from "./config";
import { PROJECT_ROOT } from "../../project-root";
import { ConfigSecretKeys, SystemContext, SystemOutputs, environmentDefaults, backupNamespace, quotaHard, systemNamespaceArgs } from "../types";

// seed 004: "Namespace: ushadow (default)".
export const NAMESPACE = "ushadow";
const PART_OF = "ushadow";
/** The compose service serving the memory UI (the one the seed's examples deploy and expose). */
export const UI_SERVICE = "mem0-ui";
/**
 * Services the browser calls, routed on the UI's public host: the backend keeps its own `/api/...`
 * paths (seed 004 "API Endpoints"); mem0's API is mounted under `/mem0` with the prefix removed, and
 * the UI is told so (`NEXT_PUBLIC_API_URL`, compose `MEM0_PUBLIC_API_URL`).
 */
export const PUBLIC_ROUTES: Record<string, { path: string; port: number; stripPath?: boolean }> = {
    backend: { path: "/api", port: 8000 },
    mem0: { path: "/mem0", port: 8765, stripPath: true },
};
/** The URL the memory UI calls the mem0 API at (from the browser). */
export const mem0PublicUrl = (uiHost: string) => `https://${uiHost}${PUBLIC_ROUTES.mem0.path}`;
// Defaults for pods nobody sized (seed 004 `KubernetesDeploymentSpec` defaults: 100m/128Mi .. 500m/512Mi).
const LIMITS = { defaultRequest: { cpu: "100m", memory: "128Mi" }, defaultLimit: { cpu: "500m", memory: "512Mi" } };

/**
 * Compose variables always routed to the Secrets: the backend's session signing key and the LLM API
 * keys come from stack secrets, the neo4j password is generated.
 */
export const SECRET_ENV = ["AUTH_SECRET_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "NEO4J_PASSWORD"] as const;

// Config paths are relative to the project root (where Pulumi.yaml is, stacks/project-root.ts):
// the engine runs the program with the working directory set to `main` (build/stacks/), so a
// cwd-relative read would miss.

/** `agent-platform:ushadow.<key>`: how errors name the config key that led to a file or value. */
const key = (k: string) => `${PROJECT}:ushadow.${k}`;

/** The root every ushadow file must stay inside: `filesRoot` (relative to the project root) or the project root. */
function filesRoot(c: UshadowConfig): string {
    const root = path.resolve(PROJECT_ROOT, c.filesRoot ?? ".");
    try {
        return realRoot(root);
    } catch (e) {
        if (e instanceof InputError) throw new ConfigError([`${key("filesRoot")}: ${e.message}`]);
        throw e;
    }
}

/**
 * Reads and validates the deployment options file (the `compose:convert --options` format), which
 * must stay inside `root`. Errors are ConfigErrors naming `agent-platform:ushadow.optionsFile`.
 */
export function loadDeploymentOptions(file: string, root: string = PROJECT_ROOT): DeploymentOptions {
    try {
        return parseDeploymentOptions(parseYaml(readTextInside(file, { root, base: PROJECT_ROOT })), file);
    } catch (e) {
        if (e instanceof InputError || e instanceof ComposeError) throw new ConfigError([`${key("optionsFile")}: ${e.message}`]);
        throw e;
    }
}

/** Per-service spec: the options file, then the stack config's replicas/autoscaling/resources, singletons, ingress and network rules. */
function serviceSpecs(c: UshadowConfig, options: DeploymentOptions, certManager: boolean): Record<string, ServiceDeploymentSpec> {
    const specs: Record<string, ServiceDeploymentSpec> = {};
    const names = new Set([
        ...Object.keys(options.services ?? {}),
        ...Object.keys(c.replicas),
        ...Object.keys(c.autoscaling),
        ...Object.keys(c.resources),
        ...c.internetEgress,
        ...c.singletons,
        UI_SERVICE,
        ...Object.keys(PUBLIC_ROUTES),
    ]);
    const uiIngress = options.services?.[UI_SERVICE]?.ingress;
    // The UI's Ingress carries the issuer annotation; the routes on the same host share its certificate.
    const tls = { tls: true, tlsSecretName: uiIngress?.tlsSecretName ?? `${UI_SERVICE}-tls`, className: uiIngress?.className ?? DEFAULT_INGRESS_CLASS };
    for (const svc of [...names].sort()) {
        const base = options.services?.[svc] ?? {};
        const spec: ServiceDeploymentSpec = { ...base };
        if (c.replicas[svc] !== undefined) spec.replicas = c.replicas[svc];
        if (c.autoscaling[svc]) {
            spec.autoscaling = c.autoscaling[svc];
            delete spec.replicas;
        }
        if (c.resources[svc]) spec.resources = c.resources[svc];
        // SingletonWorker: one pod, Recreate, no HPA/PDB, labelled agent-platform.io/singleton.
        if (c.singletons.includes(svc)) spec.singleton = true;
        const network = { ...(base.network ?? {}) };
        if (c.internetEgress.includes(svc)) {
            const https = INTERNET_HTTPS.peers[0] as { cidr: string; except?: string[] };
            network.egress = [...(network.egress ?? []), { cidr: https.cidr, except: https.except, ports: [443] }];
        }
        // The compiler admits the ingress controller (ComposeApp `ingressControllerNamespace`) to the routed port only.
        if (svc === UI_SERVICE) {
            spec.ingress = {
                ...(base.ingress ?? {}),
                enabled: true,
                host: c.uiHost,
                ...tls,
                annotations: { ...(base.ingress?.annotations ?? {}), ...(certManager ? { "cert-manager.io/cluster-issuer": c.clusterIssuer } : {}) },
            };
        }
        const route = PUBLIC_ROUTES[svc];
        if (route)
            spec.ingress = {
                ...(base.ingress ?? {}),
                enabled: true,
                host: c.uiHost,
                path: route.path,
                port: route.port,
                ...(route.stripPath ? { stripPath: true } : {}),
                ...tls,
            };
        spec.network = network;
        specs[svc] = spec;
    }
    return specs;
}

/**
 * The ComposeApp args (pure apart from reading the options file): what the tests read is what is
 * deployed. `secrets` carries the secret Inputs (stack secrets and generated passwords).
 */
export function ushadowComposeArgs(
    c: UshadowConfig,
    ctx: Pick<SystemContext, "capabilities" | "environment">,
    secrets: Record<string, pulumi.Input<string>>,
): ComposeAppArgs {
    const root = filesRoot(c);
    const options = loadDeploymentOptions(c.optionsFile, root);
    const volumes = { ...(options.volumes ?? {}) };
    for (const [vol, s] of Object.entries(c.storage))
        volumes[vol] = { ...(volumes[vol] ?? {}), size: s.size, ...(s.storageClassName ? { storageClassName: s.storageClassName } : {}) };
    return {
        composeFile: path.resolve(PROJECT_ROOT, c.composeFile),
        rootDir: root,
        namespace: NAMESPACE,
        partOf: options.partOf ?? PART_OF,
        settings: { ...(options.settings ?? {}), ...c.settings },
        // The backend accepts browser calls from the UI's public origin; the UI calls mem0 on its own host.
        env: { CORS_ORIGINS: `https://${c.uiHost}`, MEM0_PUBLIC_API_URL: mem0PublicUrl(c.uiHost) },
        secretEnv: secrets,
        defaults: options.defaults,
        services: serviceSpecs(c, options, ctx.capabilities.certManager ?? false),
        volumes,
        ...(options.secretPatterns ? { secretPatterns: [...options.secretPatterns] } : {}),
        bindMounts: options.bindMounts,
        profiles: [...new Set([...(options.profiles ?? []), ...c.profiles])],
        networkPolicies: true,
        monitoringNamespace: c.monitoringNamespace,
        ingressControllerNamespace: c.ingressControllerNamespace,
        spreadAcrossZones: environmentDefaults(ctx.environment).spreadAcrossZones,
        capabilities: ctx.capabilities,
    };
}

/** Stand-ins for the secret Inputs: compiling needs only their names. */
const SECRET_STAND_INS: Record<string, string> = Object.fromEntries(SECRET_ENV.map((k) => [k, `<${k}>`]));

/** The compose variables that come from secure config keys (NEO4J_PASSWORD is generated). */
export const CONFIG_SECRET_ENV: Readonly<Record<string, string>> = {
    AUTH_SECRET_KEY: "ushadowAuthSecretKey",
    OPENAI_API_KEY: "openaiApiKey",
    ANTHROPIC_API_KEY: "anthropicApiKey",
};

/**
 * Keys of the compiled services' Secrets that hold secure config values: where the compose file
 * puts each such variable (compiled with stand-ins, so it registers nothing). A variable embedded
 * in a longer value (`X=prefix-${OPENAI_API_KEY}`) cannot come from AWS Secrets Manager as a
 * whole key; that is a config error naming the compose file.
 */
export function ushadowConfigSecrets(c: UshadowConfig, ctx: Pick<SystemContext, "capabilities" | "environment">): ConfigSecretKeys[] {
    const { compiled } = compileComposeAppArgs(ushadowComposeArgs(c, ctx, SECRET_STAND_INS));
    const out: ConfigSecretKeys[] = [];
    for (const w of compiled.workloads) {
        const secret = w.args.secret;
        if (!secret) continue;
        const keys: Record<string, string> = {};
        for (const [dataKey, value] of Object.entries(secret.data)) {
            for (const [env, configKey] of Object.entries(CONFIG_SECRET_ENV)) {
                const standIn = SECRET_STAND_INS[env];
                if (value === standIn) keys[dataKey] = configKey;
                else if (typeof value === "string" && value.includes(standIn)) {
                    throw new ConfigError([
                        `${key("composeFile")}: service "${w.service}" embeds ${env} in ${dataKey}; with secrets.source externalSecrets a secure value must be a whole env value`,
                    ]);
                }
            }
        }
        if (Object.keys(keys).length > 0) out.push({ namespace: NAMESPACE, secret: secret.name, partOf: PART_OF, keys });
    }
    return out;
}

/**
 * The `agent-platform:ushadow.*` key a compose problem comes from: a problem in the compose file
 * (or an env_file it names) is `composeFile`; a deployment-spec problem is the stack key that set
 * the value when the stack set it, else `optionsFile`.
 */
function configKeyOf(e: ComposeError, c: UshadowConfig): string {
    if (e.file !== "<options>") return "composeFile";
    const svc = e.service;
    const field = e.field ?? "";
    const top = field.split(/[.[]/)[0];
    if (svc !== undefined) {
        if (top === "replicas" && c.replicas[svc] !== undefined) return `replicas.${svc}`;
        if (top === "autoscaling" && c.autoscaling[svc] !== undefined) return `autoscaling.${svc}`;
        if (top === "resources" && c.resources[svc] !== undefined) return `resources.${svc}`;
        // A singleton (options file or `singletons`) scaled by the stack: the stack key that scaled it.
        if (top === "singleton" && c.replicas[svc] !== undefined) return `replicas.${svc}`;
        if (top === "singleton" && c.autoscaling[svc] !== undefined) return `autoscaling.${svc}`;
        if (top === "singleton" && c.singletons.includes(svc)) return "singletons";
        if (top === "ingress" && (svc === UI_SERVICE || PUBLIC_ROUTES[svc])) return "uiHost";
    }
    if (top === "volumes") {
        const vol = field.split(".")[1];
        if (vol !== undefined && c.storage[vol] !== undefined) return `storage.${vol}`;
    }
    if (top === "profiles") return "profiles";
    return "optionsFile";
}

/**
 * Everything `deployUshadow` would reject, as config problems naming the `agent-platform:ushadow.*`
 * key: the files, the options and the compose project, compiled with stand-ins for the secrets.
 * Pure apart from reading the files; registers nothing.
 */
export function ushadowProblems(c: UshadowConfig, ctx: Pick<SystemContext, "capabilities" | "environment">): string[] {
    try {
        compileComposeAppArgs(ushadowComposeArgs(c, ctx, SECRET_STAND_INS));
        return [];
    } catch (e) {
        if (e instanceof ConfigError) return [...e.issues];
        if (e instanceof ComposeError) return [`${key(configKeyOf(e, c))}: ${e.message}`];
        throw e;
    }
}

export function deployUshadow(c: UshadowConfig, ctx: SystemContext): SystemOutputs {
    const opts = { parent: ctx.parent };

    // Compile first with stand-ins for the secret values (pure): a bad compose or options file
    // fails here, before anything (even the generated password) is registered.
    const { compiled } = compileComposeAppArgs(ushadowComposeArgs(c, ctx, SECRET_STAND_INS));

    // Generated, never in config: the neo4j password (compose: NEO4J_PASSWORD, NEO4J_AUTH=neo4j/${NEO4J_PASSWORD}).
    const neo4jPassword = new random.RandomPassword("ushadow-neo4j-password", { length: 32, special: false }, opts);
    const secrets: Record<(typeof SECRET_ENV)[number], pulumi.Input<string>> = {
        AUTH_SECRET_KEY: ctx.secret(CONFIG_SECRET_ENV.AUTH_SECRET_KEY),
        OPENAI_API_KEY: ctx.secret(CONFIG_SECRET_ENV.OPENAI_API_KEY),
        ANTHROPIC_API_KEY: ctx.secret(CONFIG_SECRET_ENV.ANTHROPIC_API_KEY),
        NEO4J_PASSWORD: neo4jPassword.result,
    };
    const args = ushadowComposeArgs(c, ctx, secrets);

    const ns = new PlatformNamespace(
        "ushadow",
        systemNamespaceArgs(ctx.environment, {
            name: NAMESPACE,
            partOf: PART_OF,
            quota: {
                name: "ushadow-quota",
                hard: quotaHard(c.quota),
            },
            limits: { name: "ushadow-limits", ...LIMITS },
        }),
        opts,
    );
    const inNs = { parent: ctx.parent, dependsOn: [ns] };

    new ComposeApp("ushadow", args, inNs);
    // The UI's certificate is issued through cert-manager's HTTP-01 solver, which runs behind the namespace's default-deny.
    if (ctx.capabilities.certManager)
        acmeSolverPolicy(
            `${UI_SERVICE}-acme-http01-solver`,
            { namespace: NAMESPACE, ingressControllerNamespace: c.ingressControllerNamespace, partOf: PART_OF },
            inNs,
        );

    // Velero: the namespace with its PVCs (mongo, redis, qdrant, neo4j data).
    backupNamespace("ushadow-backup", { scheduleName: "ushadow-daily", namespace: NAMESPACE, partOf: PART_OF, backup: c.backup }, ctx, inNs);

    // The UI, backend and mem0 Ingresses share the UI's host.
    const ingressHosts = [
        ...new Set(
            compiled.ingresses.flatMap((o) => ((o.spec as { rules?: { host?: string }[] }).rules ?? []).map((r) => r.host)).filter((h): h is string => !!h),
        ),
    ];
    return {
        namespace: NAMESPACE,
        services: Object.fromEntries(
            Object.values(compiled.services)
                .filter((s) => s.url)
                .map((s) => [s.name, s.url as string]),
        ),
        ingressHosts,
    };
}
