/**
 * Runtime schema for deployment options given as data (the CLI's `--options` YAML file, the
 * ushadow system's options file). The TypeScript interfaces in spec.ts are the source of truth;
 * the file takes their fields plus compact forms, which `parseDeploymentOptions` turns into them:
 * `healthCheckPath: null` (`probesEnabled: false`), `runAsUser`/`runAsGroup`/`fsGroup: null`
 * (`keepImageUser`/`keepImageGroup`/`noFsGroup`), a writable path as a plain string, and an
 * ingress or metrics `port` that is a name (`portName`).
 */
import { z } from "zod";
import { ComposeError } from "./errors";
import type { CompileOptions } from "./compile";
import type { ServiceDeploymentSpec } from "./spec";

const quantities = z.strictObject({ cpu: z.string().optional(), memory: z.string().optional() });
const serviceSpec = z.strictObject({
    replicas: z.number().int().min(0).optional(),
    resources: z.strictObject({ requests: quantities.optional(), limits: quantities.optional() }).optional(),
    serviceType: z.enum(["ClusterIP", "NodePort", "LoadBalancer"]).optional(),
    healthCheckPath: z.string().nullable().optional(),
    probesEnabled: z.boolean().optional(),
    ingress: z
        .strictObject({
            enabled: z.boolean().optional(),
            host: z.string().optional(),
            path: z.string().optional(),
            stripPath: z.boolean().optional(),
            tls: z.boolean().optional(),
            tlsSecretName: z.string().optional(),
            className: z.string().optional(),
            port: z.union([z.string(), z.number()]).optional(),
            portName: z.string().optional(),
            annotations: z.record(z.string(), z.string()).optional(),
        })
        .optional(),
    annotations: z.record(z.string(), z.string()).optional(),
    labels: z.record(z.string(), z.string()).optional(),
    security: z
        .strictObject({
            runAsUser: z.number().int().min(0).nullable().optional(),
            keepImageUser: z.boolean().optional(),
            runAsGroup: z.number().int().min(0).nullable().optional(),
            keepImageGroup: z.boolean().optional(),
            fsGroup: z.number().int().min(0).nullable().optional(),
            noFsGroup: z.boolean().optional(),
            runAsNonRoot: z.boolean().optional(),
            readOnlyRootFilesystem: z.boolean().optional(),
        })
        .optional(),
    writablePaths: z.array(z.union([z.string(), z.strictObject({ path: z.string(), sizeLimit: z.string().optional() })])).optional(),
    env: z.record(z.string(), z.string()).optional(),
    network: z
        .strictObject({
            allowFrom: z.array(z.string()).optional(),
            allowFromNamespaces: z.array(z.string()).optional(),
            egress: z
                .array(z.strictObject({ cidr: z.string(), except: z.array(z.string()).optional(), ports: z.array(z.number().int().min(1).max(65535)) }))
                .optional(),
        })
        .optional(),
    autoscaling: z
        .strictObject({
            minReplicas: z.number().int().min(1),
            maxReplicas: z.number().int().min(1),
            cpuUtilization: z.number().int().min(1).max(100).optional(),
        })
        .optional(),
    metrics: z
        .strictObject({
            port: z.union([z.string(), z.number().int().min(1).max(65535)]).optional(),
            portName: z.string().optional(),
            path: z.string().optional(),
        })
        .optional(),
    singleton: z.boolean().optional(),
});

export const deploymentOptionsSchema = z.strictObject({
    partOf: z.string().optional(),
    defaults: serviceSpec.optional(),
    services: z.record(z.string(), serviceSpec).optional(),
    volumes: z
        .record(
            z.string(),
            z.strictObject({
                size: z.string().optional(),
                storageClassName: z.string().optional(),
                accessModes: z.array(z.enum(["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany", "ReadWriteOncePod"])).optional(),
            }),
        )
        .optional(),
    secretPatterns: z.array(z.string().min(1)).optional(),
    bindMounts: z.enum(["reject", "emptyDir"]).optional(),
    profiles: z.array(z.string()).optional(),
    settings: z.record(z.string(), z.string()).optional(),
    networkPolicies: z.boolean().optional(),
    spreadAcrossZones: z.boolean().optional(),
});

export type DeploymentOptions = Pick<
    CompileOptions,
    "partOf" | "defaults" | "services" | "volumes" | "secretPatterns" | "bindMounts" | "networkPolicies" | "spreadAcrossZones"
> & {
    profiles?: string[];
    settings?: Record<string, string>;
};

/** Validates options data, throwing a one-line `ComposeError` naming the file and key path. */
export function parseDeploymentOptions(data: unknown, file: string): DeploymentOptions {
    const result = deploymentOptionsSchema.safeParse(data ?? {});
    if (!result.success) {
        const issue = result.error.issues[0];
        throw new ComposeError({ file, field: issue.path.map(String).join(".") || undefined }, issue.message);
    }
    const { defaults, services, ...rest } = result.data;
    return {
        ...(rest as Omit<DeploymentOptions, "defaults" | "services">),
        ...(defaults ? { defaults: fromFileSpec(defaults) } : {}),
        ...(services ? { services: Object.fromEntries(Object.entries(services).map(([k, v]) => [k, fromFileSpec(v)])) } : {}),
    };
}

type FileSpec = z.infer<typeof serviceSpec>;

/** A port given as a number or a digit string is a number; any other string is a port name. */
function portRef(port: string | number | undefined, portName: string | undefined): { port?: number; portName?: string } {
    if (port === undefined) return portName === undefined ? {} : { portName };
    const byNumber = typeof port === "number" || /^\d+$/.test(port);
    return { ...(byNumber ? { port: Number(port) } : { portName: port }), ...(portName === undefined ? {} : { portName }) };
}

/** One service's options from the file's compact forms to the `ServiceDeploymentSpec` fields. Pure. */
export function fromFileSpec(f: FileSpec): ServiceDeploymentSpec {
    const { healthCheckPath, ingress, security, writablePaths, metrics, ...same } = f;
    const out: ServiceDeploymentSpec = { ...same };
    if (healthCheckPath === null) out.probesEnabled = false;
    else if (healthCheckPath !== undefined) out.healthCheckPath = healthCheckPath;
    if (ingress) {
        const { port, portName, ...i } = ingress;
        out.ingress = { ...i, ...portRef(port, portName) };
    }
    if (security) {
        const { runAsUser, runAsGroup, fsGroup, ...sec } = security;
        out.security = {
            ...sec,
            ...(runAsUser === null ? { keepImageUser: true } : runAsUser !== undefined ? { runAsUser } : {}),
            ...(runAsGroup === null ? { keepImageGroup: true } : runAsGroup !== undefined ? { runAsGroup } : {}),
            ...(fsGroup === null ? { noFsGroup: true } : fsGroup !== undefined ? { fsGroup } : {}),
        };
    }
    if (writablePaths) out.writablePaths = writablePaths.map((w) => (typeof w === "string" ? { path: w } : w));
    if (metrics) {
        const { port, portName, ...m } = metrics;
        out.metrics = { ...m, ...portRef(port, portName) };
    }
    return out;
}
