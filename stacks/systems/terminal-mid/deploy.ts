/**
 * seed 000: the Claude Terminal MID service. The terminal HTTP service (3000) runs Claude
 * sessions on a PVC, the ECC poller (a singleton) feeds it ServiceNow ECC queue items, and one
 * ServiceNow MID server per configured name (each a singleton) connects the instance to it.
 */
import * as random from "@pulumi/random";
import { TerminalMidConfig } from "./config";
import {
    AgentService,
    AgentServiceArgs,
    agentServiceFootprint,
    ConfigBundle,
    serviceUrl,
    INTERNET_HTTPS,
    TrafficRule,
    PlatformNamespace,
    ProbeSet,
    ResourceSpec,
    SecurityOptions,
    SingletonWorker,
    SingletonWorkerArgs,
    singletonWorkerFootprint,
    TrafficGraph,
} from "agent-platform";
import {
    ConfigSecretKeys,
    SystemContext,
    SystemOutputs,
    configSecretValues,
    environmentDefaults,
    kubeApiRule,
    backupNamespace,
    DEFAULT_POD_LIMITS,
    systemNamespaceArgs,
    NamespaceBackup,
} from "../types";

// seed 000 names: the ConfigMap, Secret, Services and claims are addressed by these.
export const NAMESPACE = "claude-mid-service";
export const PART_OF = "terminal-mid";
export const TERMINAL_NAME = "claude-terminal-service";
export const POLLER_NAME = "claude-ecc-poller";
export const MID_NAME = "servicenow-mid-server";
export const CONFIG_NAME = "claude-terminal-config";
export const SECRET_NAME = "claude-terminal-secrets";
export const SERVICE_ACCOUNT_NAME = "claude-terminal-sa";
export const SESSIONS_CLAIM = "claude-sessions-pvc";
export const MID_DATA_CLAIM = "mid-server-data-pvc";
export const BACKUP_SCHEDULE_NAME = "claude-mid-service-daily";
// seed 000: "HTTP Service (port 3000)", health at /health.
export const TERMINAL_PORT = 3000;
export const SESSIONS_MOUNT = "/app/sessions";
/** Marks pods that call the Kubernetes API (the policy pack's sec-no-automount-sa-token reads it). */
export const USES_KUBE_API = { "agent-platform.io/uses-kube-api": "true" };

// seed 000: claude-terminal-service requests 250m/256Mi, limits 1000m/1Gi.
export const TERMINAL_RESOURCES: ResourceSpec = { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1000m", memory: "1Gi" } };
// The poller is a small Go loop; the seed gives it no numbers.
export const POLLER_RESOURCES: ResourceSpec = { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "256Mi" } };
// The MID server is a JVM (wrapper + agent); ServiceNow sizes a MID host at 2+ cores and several GB.
export const MID_RESOURCES: ResourceSpec = { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "2", memory: "4Gi" } };

// ServiceNow's mid-server container recipe: user `mid` uid/gid 1001, files under /opt/snc_mid_server
// (owned 1001:0) that its init script rewrites at start (config.xml, wrapper-override.conf).
export const MID_HOME = "/opt/snc_mid_server";
export const MID_UID = 1001;
export const MID_SECURITY: SecurityOptions = { runAsUser: MID_UID, runAsGroup: MID_UID, fsGroup: MID_UID, readOnlyRootFilesystem: false };
/** The MID's work directory (queues, state) survives restarts on the data claim. */
export const MID_DATA_MOUNT = `${MID_HOME}/agent/work`;
// The recipe's Docker HEALTHCHECK (`check_health.sh`: wrapper running and a heartbeat in the last 30 minutes;
// every 5 min, 3 retries, 15 s timeout, 3 min start period) expressed as Kubernetes probes.
const MID_HEALTH = ["bash", `${MID_HOME}/check_health.sh`];
export const MID_PROBES: ProbeSet = {
    startup: { command: MID_HEALTH, periodSeconds: 30, timeoutSeconds: 15, failureThreshold: 60 },
    liveness: { command: MID_HEALTH, periodSeconds: 300, timeoutSeconds: 15, failureThreshold: 3 },
    readiness: { command: MID_HEALTH, periodSeconds: 60, timeoutSeconds: 15, failureThreshold: 2 },
};
// seed 000 probes /health on 3000 (liveness, lenient); readiness asks /ready, which reflects the
// service's dependencies (ServiceNow API, sessions volume), so a cut-off pod leaves the Service
// instead of being restarted.
export const TERMINAL_PROBES: ProbeSet = {
    liveness: { path: "/health", portName: "http", initialDelaySeconds: 10, periodSeconds: 15, failureThreshold: 4 },
    readiness: { path: "/ready", portName: "http", initialDelaySeconds: 5, periodSeconds: 5 },
    startup: { path: "/health", portName: "http", periodSeconds: 5, failureThreshold: 24 },
};
// seed 000 Role `claude-terminal-role`: pods and services, get and list.
export const TERMINAL_RULES = [{ apiGroups: [""], resources: ["pods", "services"], verbs: ["get", "list"] }];

/** The first MID server keeps the seed's names; further ones append their MID name. */
export function midObjectNames(names: string[]): { midName: string; workload: string; claim: string }[] {
    return names.map((midName, i) => ({
        midName,
        workload: i === 0 ? MID_NAME : `${MID_NAME}-${midName}`,
        claim: i === 0 ? MID_DATA_CLAIM : `${MID_DATA_CLAIM}-${midName}`,
    }));
}

type Mid = ReturnType<typeof midObjectNames>[number];

/**
 * Every flow of the namespace, once. seed 000: the terminal calls the MID servers and ServiceNow
 * (443), reads the API server for its Role, and its replicas talk to each other; the ECC poller and
 * the MID servers call the terminal back; MID servers may go through the configured proxy.
 */
export function terminalMidTraffic(config: TerminalMidConfig, mids: Mid[], kubeApi: Required<Pick<TrafficRule, "peers" | "ports">>): TrafficGraph {
    const internet = INTERNET_HTTPS.peers[0];
    const proxy = config.midServer.proxy;
    const g = new TrafficGraph()
        .allow(
            TERMINAL_NAME,
            mids.map((m) => m.workload),
            config.midServer.webServerPort,
        )
        .allow(TERMINAL_NAME, internet, 443)
        .allow(TERMINAL_NAME, kubeApi.peers, kubeApi.ports)
        .allow(TERMINAL_NAME, TERMINAL_NAME, TERMINAL_PORT)
        .allow(POLLER_NAME, internet, 443)
        .allow(POLLER_NAME, TERMINAL_NAME, TERMINAL_PORT);
    for (const m of mids) {
        g.allow(m.workload, internet, 443).allow(m.workload, TERMINAL_NAME, TERMINAL_PORT);
        if (proxy) g.allow(m.workload, { cidr: "0.0.0.0/0" }, proxy.port);
    }
    return g;
}

const storageClass = (s: { storageClassName?: string }) => (s.storageClassName ? { storageClassName: s.storageClassName } : {});
const fromSecret = (key: string) => ({ secret: SECRET_NAME, key });

/** Keys of `claude-terminal-secrets` that hold secure config values (data key -> secure key). */
export function terminalMidConfigSecrets(config: TerminalMidConfig): ConfigSecretKeys[] {
    return [
        {
            namespace: NAMESPACE,
            secret: SECRET_NAME,
            partOf: PART_OF,
            keys: {
                SERVICENOW_API_PASSWORD: "servicenowApiPassword",
                MID_PASSWORD: "midPassword",
                ...(config.midServer.proxy?.username ? { MID_PROXY_PASSWORD: "midProxyPassword" } : {}),
            },
        },
    ];
}
const serviceNowApi = { SERVICENOW_API_USER: fromSecret("SERVICENOW_API_USER"), SERVICENOW_API_PASSWORD: fromSecret("SERVICENOW_API_PASSWORD") };

/** The terminal HTTP service: sessions on a claim, read-only Role, seed probes. */
function terminalArgs(config: TerminalMidConfig, ctx: SystemContext, flows: TrafficGraph): AgentServiceArgs {
    const env = environmentDefaults(ctx.environment);
    const sharedSessions = config.sessionsStorage.accessMode === "ReadWriteMany";
    return {
        namespace: NAMESPACE,
        name: TERMINAL_NAME,
        partOf: PART_OF,
        component: "terminal",
        image: config.image,
        ports: [{ name: "http", containerPort: TERMINAL_PORT }],
        replicas: config.replicas,
        // A ReadWriteOnce sessions claim attaches to one node: the old pod must stop before the new one starts.
        strategy: sharedSessions ? "RollingUpdate" : "Recreate",
        envFrom: { configMaps: [CONFIG_NAME] },
        secretEnv: { ...serviceNowApi, ENCRYPTION_KEY: fromSecret("ENCRYPTION_KEY") },
        volumes: [
            {
                name: "sessions",
                mountPath: SESSIONS_MOUNT,
                claim: {
                    name: SESSIONS_CLAIM,
                    size: config.sessionsStorage.size,
                    accessModes: [config.sessionsStorage.accessMode],
                    ...storageClass(config.sessionsStorage),
                },
            },
        ],
        resources: config.resources ?? TERMINAL_RESOURCES,
        probes: TERMINAL_PROBES,
        placement: { spreadAcrossZones: env.spreadAcrossZones },
        serviceAccount: { name: SERVICE_ACCOUNT_NAME, rules: TERMINAL_RULES },
        podAnnotations: USES_KUBE_API,
        network: flows.network(TERMINAL_NAME),
        capabilities: ctx.capabilities,
        retainVolumes: env.retainVolumes,
    };
}

/** The ECC poller: one replica, never two (it would process each queue item twice). */
function pollerArgs(config: TerminalMidConfig, ctx: SystemContext, flows: TrafficGraph): SingletonWorkerArgs {
    return {
        namespace: NAMESPACE,
        name: POLLER_NAME,
        partOf: PART_OF,
        component: "ecc-poller",
        image: config.pollerImage,
        ...(config.pollerCommand ? { command: config.pollerCommand } : {}),
        service: { enabled: false },
        envFrom: { configMaps: [CONFIG_NAME] },
        secretEnv: serviceNowApi,
        env: { TERMINAL_SERVICE_URL: serviceUrl("http", TERMINAL_NAME, NAMESPACE, TERMINAL_PORT) },
        resources: config.pollerResources ?? POLLER_RESOURCES,
        network: flows.network(POLLER_NAME),
        capabilities: ctx.capabilities,
    };
}

/** One ServiceNow MID server (a singleton with its work directory on a claim). */
function midArgs(config: TerminalMidConfig, ctx: SystemContext, flows: TrafficGraph, m: Mid): SingletonWorkerArgs {
    const proxy = config.midServer.proxy;
    return {
        namespace: NAMESPACE,
        name: m.workload,
        partOf: PART_OF,
        component: "mid-server",
        image: `${config.midServer.repository}:${config.midServer.release}${config.midServer.digest ? `@${config.midServer.digest}` : ""}`,
        ports: [{ name: "web", containerPort: config.midServer.webServerPort }],
        env: { MID_SERVER_NAME: m.midName },
        // The recipe reads MID_INSTANCE_USERNAME/PASSWORD; the seed's MID_USERNAME/MID_PASSWORD are kept alongside.
        secretEnv: {
            MID_INSTANCE_URL: fromSecret("MID_INSTANCE_URL"),
            MID_INSTANCE_USERNAME: fromSecret("MID_USERNAME"),
            MID_INSTANCE_PASSWORD: fromSecret("MID_PASSWORD"),
            MID_USERNAME: fromSecret("MID_USERNAME"),
            MID_PASSWORD: fromSecret("MID_PASSWORD"),
            ...(proxy ? { MID_PROXY_HOST: fromSecret("MID_PROXY_HOST"), MID_PROXY_PORT: fromSecret("MID_PROXY_PORT") } : {}),
            ...(proxy?.username ? { MID_PROXY_USERNAME: fromSecret("MID_PROXY_USERNAME"), MID_PROXY_PASSWORD: fromSecret("MID_PROXY_PASSWORD") } : {}),
        },
        volumes: [
            {
                name: "data",
                mountPath: MID_DATA_MOUNT,
                claim: { name: m.claim, size: config.midServer.storage.size, ...storageClass(config.midServer.storage) },
            },
        ],
        resources: config.midServer.resources ?? MID_RESOURCES,
        probes: MID_PROBES,
        // Explicit opt-outs for the vendor image: its own uid, and a root filesystem its init script rewrites.
        security: MID_SECURITY,
        // Give the MID JVM time to stop cleanly on SIGTERM.
        terminationGracePeriodSeconds: 120,
        network: flows.network(m.workload),
        capabilities: ctx.capabilities,
        retainVolumes: environmentDefaults(ctx.environment).retainVolumes,
    };
}

/**
 * The namespace's backup (session workspaces and MID state live on claims: backed up like seed
 * 001 does its own): a shared (ReadWriteMany, EFS in prod) sessions claim cannot be snapshotted, so files are copied instead.
 */
export function terminalMidBackup(config: TerminalMidConfig): NamespaceBackup {
    return { ...config.backup, ...(config.sessionsStorage.accessMode === "ReadWriteMany" ? { fsBackup: true } : {}) };
}

export function deployTerminalMid(config: TerminalMidConfig, ctx: SystemContext): SystemOutputs {
    const mids = midObjectNames(config.midServer.names);
    const midPort = config.midServer.webServerPort;
    const flows = terminalMidTraffic(config, mids, kubeApiRule(config.kubeApiCidrs, ctx.config));
    const terminal = terminalArgs(config, ctx, flows);
    const poller = pollerArgs(config, ctx, flows);
    const midServers = mids.map((m) => midArgs(config, ctx, flows, m));

    // The MID image runs as its own uid with a writable root filesystem: both are allowed by `restricted`.
    const namespace = new PlatformNamespace(
        "terminal-mid",
        systemNamespaceArgs(ctx.environment, {
            name: NAMESPACE,
            partOf: PART_OF,
            quota: {
                name: "claude-mid-service-quota",
                footprints: [agentServiceFootprint(terminal), singletonWorkerFootprint(poller), ...midServers.map(singletonWorkerFootprint)],
            },
            limits: { name: "claude-mid-service-limits", ...DEFAULT_POD_LIMITS },
        }),
        { parent: ctx.parent },
    );
    const inNamespace = { parent: ctx.parent, dependsOn: [namespace] };

    // seed 000: ENCRYPTION_KEY from `openssl rand -base64 32`: 32 random bytes, base64.
    const encryptionKey = new random.RandomBytes("terminal-mid-encryption-key", { length: 32 }, { parent: ctx.parent });
    const proxy = config.midServer.proxy;
    const settings = new ConfigBundle(
        "terminal-mid-settings",
        {
            namespace: NAMESPACE,
            partOf: PART_OF,
            configMap: {
                name: CONFIG_NAME,
                data: {
                    SERVICENOW_INSTANCE: config.servicenowInstance,
                    // seed 000: the MID server the terminal service targets; the first configured one.
                    MID_SERVER_NAME: mids[0].midName,
                    MID_SERVER_NAMES: mids.map((m) => m.midName).join(","),
                    MID_SERVER_URL: serviceUrl("http", MID_NAME, NAMESPACE, midPort),
                    PORT: String(TERMINAL_PORT),
                    SESSIONS_DIR: SESSIONS_MOUNT,
                },
            },
            secret: {
                name: SECRET_NAME,
                data: {
                    SERVICENOW_API_USER: config.servicenowApiUser,
                    MID_INSTANCE_URL: config.midServer.instanceUrl,
                    MID_USERNAME: config.midServer.midUsername,
                    ...configSecretValues(ctx, terminalMidConfigSecrets(config)),
                    ENCRYPTION_KEY: encryptionKey.base64,
                    ...(proxy ? { MID_PROXY_HOST: proxy.host, MID_PROXY_PORT: String(proxy.port) } : {}),
                    ...(proxy?.username ? { MID_PROXY_USERNAME: proxy.username } : {}),
                },
            },
        },
        inNamespace,
    );
    const afterSettings = { parent: ctx.parent, dependsOn: [namespace, settings] };
    const terminalService = new AgentService("claude-terminal-service", terminal, afterSettings);
    new SingletonWorker("claude-ecc-poller", poller, afterSettings);
    const midUrls: Record<string, string> = {};
    midServers.forEach((args, i) => {
        midUrls[mids[i].workload] = new SingletonWorker(mids[i].workload, args, afterSettings).url!;
    });

    backupNamespace(
        "terminal-mid-backups",
        { scheduleName: BACKUP_SCHEDULE_NAME, namespace: NAMESPACE, partOf: PART_OF, backup: terminalMidBackup(config) },
        ctx,
        inNamespace,
    );

    return {
        namespace: NAMESPACE,
        services: { [TERMINAL_NAME]: terminalService.url!, ...midUrls },
    };
}
