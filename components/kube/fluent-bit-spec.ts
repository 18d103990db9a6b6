/**
 * Pure builders for the Fluent Bit log shipper (components/kube/fluent-bit.ts): its config file,
 * the output credentials as Secret references, its pod spec and its traffic. Nothing here holds a
 * secret: credentials reach the container as env vars from Secrets, and the config names the vars.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Labels } from "./labels";
import { INTERNET_HTTPS, NetworkPeer, TrafficRule } from "./network";
import { SecretKeyRef } from "./credentials";
import { ResourceSpec, SecurityOptions, TMP_VOLUME, buildContainer, podSecurityContext } from "./pod";

/** CloudWatch Logs as the output (AWS credentials from a Secret, the node's role or IRSA). */
export interface FluentBitCloudWatchOutput {
    /** AWS region of the log group. */
    region: string;
    /** The log group (created outside this component, with its retention). */
    logGroup: string;
    /** Secret with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. @default none: the node's or the IRSA role */
    credentialsSecret?: string;
    /** Address blocks of the CloudWatch Logs endpoint (a VPC endpoint). @default the internet on 443 */
    cidrs?: string[];
}

/** A Fluentd / Fluent Bit `forward` endpoint as the output. */
export interface FluentBitForwardOutput {
    /** Host name or address of the endpoint. */
    host: string;
    /** Its port (Fluentd's is 24224). */
    port: number;
    /** Connect with TLS (and verify the certificate). */
    tls: boolean;
    /** The secure-forward shared key, from a Secret in the shipper's namespace. @default none */
    sharedKey?: SecretKeyRef;
    /** Address blocks `host` resolves to. @default none: `host` must be `<svc>.<namespace>.svc` */
    cidrs?: string[];
}

/** HTTP basic auth for the `http` output: the user and password keys of one Secret. */
export interface FluentBitBasicAuth {
    /** The Secret (in the shipper's namespace). */
    secret: string;
    /** Its key holding the user name. */
    userKey: string;
    /** Its key holding the password. */
    passwordKey: string;
}

/** An HTTP endpoint taking JSON lines as the output. */
export interface FluentBitHttpOutput {
    /** Host name or address of the endpoint. */
    host: string;
    /** Its port. */
    port: number;
    /** Request path, starting with `/`. */
    uri: string;
    /** Connect with TLS (and verify the certificate). */
    tls: boolean;
    /** HTTP basic auth. @default none */
    basicAuth?: FluentBitBasicAuth;
    /** Address blocks `host` resolves to. @default none: `host` must be `<svc>.<namespace>.svc` */
    cidrs?: string[];
}

/** Where Fluent Bit ships the container logs: exactly one of `cloudwatchLogs`, `forward` and `http`. */
export interface FluentBitOutputArgs {
    /** Ship to CloudWatch Logs. */
    cloudwatchLogs?: FluentBitCloudWatchOutput;
    /** Ship to a Fluentd / Fluent Bit `forward` endpoint. */
    forward?: FluentBitForwardOutput;
    /** Ship to an HTTP endpoint. */
    http?: FluentBitHttpOutput;
}

/** The one output that is set, tagged with its kind (what the builders below switch on). */
type ResolvedOutput =
    ({ type: "cloudwatchLogs" } & FluentBitCloudWatchOutput) | ({ type: "forward" } & FluentBitForwardOutput) | ({ type: "http" } & FluentBitHttpOutput);

/** How many of the output kinds are set (valid: exactly 1). Pure. */
export function outputKinds(o: FluentBitOutputArgs): number {
    return [o.cloudwatchLogs, o.forward, o.http].filter((k) => k !== undefined).length;
}

function resolveOutput(o: FluentBitOutputArgs): ResolvedOutput {
    if (outputKinds(o) !== 1) throw new Error("fluent-bit output: set exactly one of cloudwatchLogs, forward and http");
    if (o.cloudwatchLogs) return { type: "cloudwatchLogs", ...o.cloudwatchLogs };
    if (o.forward) return { type: "forward", ...o.forward };
    return { type: "http", ...(o.http as FluentBitHttpOutput) };
}

/** Fluent Bit's built-in HTTP server: health (`/api/v1/health`) and metrics. */
export const FLUENT_BIT_HTTP_PORT = 2020;
/** Where the tail input keeps its read offsets (an emptyDir: survives container restarts). */
export const FLUENT_BIT_STATE_DIR = "/var/fluent-bit/state";
/** The node paths it reads, mounted read-only: the kubelet's pod logs and their /var/log/containers symlinks. */
export const FLUENT_BIT_HOST_PATHS: readonly { name: string; path: string }[] = [
    { name: "pod-logs", path: "/var/log/pods" },
    { name: "container-logs", path: "/var/log/containers" },
];
/** Requests/limits when the caller sets none: the tail buffer is capped at 50MB (Mem_Buf_Limit). */
export const DEFAULT_FLUENT_BIT_RESOURCES: ResourceSpec = {
    requests: { cpu: "50m", memory: "64Mi" },
    limits: { cpu: "500m", memory: "256Mi" },
};
/**
 * The node log files are root:root 0640 (containerd), so the shipper runs as uid 0 — with every
 * capability dropped (it reads them as their owner, no DAC override), no privilege escalation, a
 * read-only root filesystem and seccomp RuntimeDefault.
 */
export const FLUENT_BIT_SECURITY: SecurityOptions = { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, noFsGroup: true, readOnlyRootFilesystem: true };

const ENV = {
    awsKeyId: "AWS_ACCESS_KEY_ID",
    awsSecret: "AWS_SECRET_ACCESS_KEY",
    sharedKey: "FLUENT_FORWARD_SHARED_KEY",
    httpUser: "FLUENT_HTTP_USER",
    httpPassword: "FLUENT_HTTP_PASSWORD",
} as const;

function section(name: string, entries: [string, string | number][]): string {
    const width = Math.max(...entries.map(([k]) => k.length));
    return [`[${name}]`, ...entries.map(([k, v]) => `    ${k.padEnd(width)} ${v}`)].join("\n");
}

const onOff = (b: boolean) => (b ? "On" : "Off");

/** The `[OUTPUT]` entries; credentials appear only as `${VAR}` references. Pure. */
export function outputEntries(output: FluentBitOutputArgs): [string, string | number][] {
    const o = resolveOutput(output);
    const base: [string, string | number][] = [["Match", "kube.*"]];
    if (o.type === "cloudwatchLogs")
        return [
            ["Name", "cloudwatch_logs"],
            ...base,
            ["region", o.region],
            ["log_group_name", o.logGroup],
            ["log_stream_prefix", "${NODE_NAME}."],
            ["auto_create_group", "Off"],
        ];
    const tls: [string, string | number][] = [
        ["tls", onOff(o.tls)],
        ["tls.verify", onOff(o.tls)],
    ];
    if (o.type === "forward")
        return [
            ["Name", "forward"],
            ...base,
            ["Host", o.host],
            ["Port", o.port],
            ...tls,
            ...(o.sharedKey ? ([["Shared_Key", `\${${ENV.sharedKey}}`]] as [string, string][]) : []),
        ];
    return [
        ["Name", "http"],
        ...base,
        ["Host", o.host],
        ["Port", o.port],
        ["URI", o.uri],
        ["Format", "json_lines"],
        ["Json_date_key", "timestamp"],
        ["Json_date_format", "iso8601"],
        ...tls,
        ...(o.basicAuth
            ? ([
                  ["HTTP_User", `\${${ENV.httpUser}}`],
                  ["HTTP_Passwd", `\${${ENV.httpPassword}}`],
              ] as [string, string][])
            : []),
    ];
}

/** `fluent-bit.conf`: tail every container log, add Kubernetes metadata, ship to the output. Pure. */
export function fluentBitConf(o: FluentBitOutputArgs): string {
    return (
        [
            section("SERVICE", [
                ["Flush", 5],
                ["Daemon", "Off"],
                ["Log_Level", "info"],
                ["HTTP_Server", "On"],
                ["HTTP_Listen", "0.0.0.0"],
                ["HTTP_Port", FLUENT_BIT_HTTP_PORT],
                ["Health_Check", "On"],
            ]),
            section("INPUT", [
                ["Name", "tail"],
                ["Tag", "kube.*"],
                ["Path", "/var/log/containers/*.log"],
                ["multiline.parser", "cri, docker"],
                ["DB", `${FLUENT_BIT_STATE_DIR}/tail.db`],
                ["Mem_Buf_Limit", "50MB"],
                ["Skip_Long_Lines", "On"],
                ["Refresh_Interval", 10],
            ]),
            section("FILTER", [
                ["Name", "kubernetes"],
                ["Match", "kube.*"],
                ["Kube_URL", "https://kubernetes.default.svc:443"],
                ["Kube_Tag_Prefix", "kube.var.log.containers."],
                ["Merge_Log", "On"],
                ["Keep_Log", "Off"],
                ["K8S-Logging.Parser", "On"],
                ["K8S-Logging.Exclude", "On"],
                ["Labels", "On"],
                ["Annotations", "Off"],
            ]),
            section("OUTPUT", outputEntries(o)),
        ].join("\n\n") + "\n"
    );
}

const fromSecret = (name: string, secret: string, key: string): k8s.types.input.core.v1.EnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: secret, key } },
});

/** The container env: the node name (log stream prefix) and each output credential from its Secret. Pure. */
export function fluentBitEnv(output: FluentBitOutputArgs): k8s.types.input.core.v1.EnvVar[] {
    const o = resolveOutput(output);
    const env: k8s.types.input.core.v1.EnvVar[] = [{ name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } }];
    if (o.type === "cloudwatchLogs" && o.credentialsSecret)
        env.push(fromSecret(ENV.awsKeyId, o.credentialsSecret, ENV.awsKeyId), fromSecret(ENV.awsSecret, o.credentialsSecret, ENV.awsSecret));
    if (o.type === "forward" && o.sharedKey) env.push(fromSecret(ENV.sharedKey, o.sharedKey.name, o.sharedKey.key));
    if (o.type === "http" && o.basicAuth)
        env.push(fromSecret(ENV.httpUser, o.basicAuth.secret, o.basicAuth.userKey), fromSecret(ENV.httpPassword, o.basicAuth.secret, o.basicAuth.passwordKey));
    return env;
}

/** `<svc>.<namespace>.svc[.cluster.local]` -> its namespace. Pure. */
export function serviceNamespace(host: string): string | undefined {
    return /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.cluster\.local)?$/.exec(host)?.[1];
}

/** The one egress rule to the output: its address blocks, an in-cluster namespace, or the internet on 443 for CloudWatch. Pure. */
export function outputEgress(output: FluentBitOutputArgs): TrafficRule {
    const o = resolveOutput(output);
    if (o.type === "cloudwatchLogs") return o.cidrs ? { peers: o.cidrs.map((cidr) => ({ cidr })), ports: [443] } : INTERNET_HTTPS;
    const ns = serviceNamespace(o.host);
    const peers: NetworkPeer[] | undefined = o.cidrs ? o.cidrs.map((cidr) => ({ cidr })) : ns ? [{ namespace: ns }] : undefined;
    if (!peers)
        throw new Error(`fluent-bit output host ${JSON.stringify(o.host)}: give cidrs (a NetworkPolicy cannot name a host) or use <svc>.<namespace>.svc`);
    return { peers, ports: [o.port] };
}

export interface FluentBitPodArgs {
    image: pulumi.Input<string>;
    output: FluentBitOutputArgs;
    serviceAccount: string;
    configMap: string;
    labels: Labels;
    resources?: ResourceSpec;
}

/** The DaemonSet's pod spec: hardened container, read-only hostPaths, config from the ConfigMap. Pure. */
export function fluentBitPodSpec(a: FluentBitPodArgs): k8s.types.input.core.v1.PodSpec {
    const container = buildContainer({
        name: "fluent-bit",
        image: a.image,
        args: ["--config=/fluent-bit/etc/fluent-bit.conf"],
        ports: [{ name: "http", containerPort: FLUENT_BIT_HTTP_PORT }],
        env: fluentBitEnv(a.output),
        volumeMounts: [
            { name: "config", mountPath: "/fluent-bit/etc", readOnly: true },
            { name: "state", mountPath: FLUENT_BIT_STATE_DIR },
            ...FLUENT_BIT_HOST_PATHS.map((h) => ({ name: h.name, mountPath: h.path, readOnly: true })),
        ],
        resources: a.resources ?? DEFAULT_FLUENT_BIT_RESOURCES,
        probes: {
            liveness: { path: "/", portName: "http" },
            readiness: { path: "/api/v1/health", portName: "http" },
            startup: { path: "/", portName: "http" },
        },
        security: FLUENT_BIT_SECURITY,
    });
    return {
        serviceAccountName: a.serviceAccount,
        automountServiceAccountToken: true, // the kubernetes filter reads pod and namespace metadata
        securityContext: podSecurityContext(FLUENT_BIT_SECURITY),
        priorityClassName: "system-node-critical",
        terminationGracePeriodSeconds: 10,
        // Every node's logs, tainted nodes included.
        tolerations: [{ operator: "Exists" }],
        containers: [container],
        volumes: [
            { name: "config", configMap: { name: a.configMap } },
            { name: "state", emptyDir: { sizeLimit: "256Mi" } },
            { name: TMP_VOLUME, emptyDir: { sizeLimit: "64Mi" } },
            ...FLUENT_BIT_HOST_PATHS.map((h) => ({ name: h.name, hostPath: { path: h.path, type: "Directory" } })),
        ],
    };
}
