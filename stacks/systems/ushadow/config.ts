import { z } from "zod";
import { cpuMillis, memoryMi } from "agent-platform";
import { dnsLabel, namespaceQuota, replicas, resources, storage, veleroBackup } from "agent-platform/config";

// Velero: daily at 03:00, kept 30 days (the platform's default retention, seed 002).
const BACKUP = { schedule: "0 3 * * *", ttl: "720h0m0s" };
// Namespace quota sized for the compose file's services at their default/compose sizes plus one
// rollout pod each (backend 2 x 250m/256Mi, neo4j 1Gi, the rest 100m/128Mi), with headroom.
const QUOTA = { requestsCpu: "4", requestsMemory: "8Gi", persistentVolumeClaims: 10 };

const composeName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { message: "must be a compose service name (DNS-1123 label)" });
const host = z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, { message: "must be a DNS host name such as memory.example.com" });

/** seed 004: services from a Compose file, deployed through ComposeApp into namespace `ushadow`. */
export const ushadowSchema = z
    .object({
        enabled: z.boolean().default(true),
        /** Compose file, relative to the project root; it and its `env_file`s must stay inside `filesRoot`. */
        composeFile: z.string().min(1).default("examples/compose/ushadow/docker-compose.yml"),
        /** Deployment options (per-service uid opt-outs, probes, volume sizes), `compose:convert --options` format; inside `filesRoot`. */
        optionsFile: z.string().min(1).default("examples/compose/ushadow/options.yaml"),
        /**
         * The directory composeFile, optionsFile and every `env_file` must stay inside (after `..` and
         * symlinks), relative to the project root; name one explicitly to read files from elsewhere.
         * `/proc`, `/dev`, `/sys`, FIFOs and sockets are never read. @default the project root
         */
        filesRoot: z.string().min(1).optional(),
        /** Plain settings offered to compose interpolation (after explicit values, before discovery). */
        settings: z.record(z.string(), z.string()).default({}),
        /** Compose profiles to activate. */
        profiles: z.array(z.string().min(1)).default([]),
        /** Replicas per compose service (over the options file and the compose `deploy.replicas`). */
        replicas: z.record(composeName, replicas).default({}),
        /** HPA per compose service instead of a fixed count (AgentService `hpa`; a PDB comes with it). */
        autoscaling: z
            .record(
                composeName,
                z
                    .object({
                        minReplicas: z.number().int().min(1),
                        maxReplicas: z.number().int().min(1),
                        /** @default 70 */
                        cpuUtilization: z.number().int().min(1).max(100).optional(),
                    })
                    .strict(),
            )
            .default({}),
        /** Requests/limits per compose service (over the options file and the compose `deploy.resources`). */
        resources: z.record(composeName, resources).default({}),
        /** PVC size/class per compose volume name (`mongo_data`), over the options file. */
        storage: z.record(z.string().min(1), storage).default({}),
        /** Public host of the memory UI (`mem0-ui`, served over TLS); `https://<uiHost>` is the backend's CORS origin. */
        uiHost: host,
        /** cert-manager ClusterIssuer for the UI's TLS certificate (used when crds.certManager). */
        clusterIssuer: z.string().min(1).default("letsencrypt-prod"),
        /** Namespace of the ingress controller, admitted to the ports the Ingresses route to (the UI, the backend's and mem0's APIs). */
        ingressControllerNamespace: dnsLabel.default("ingress-nginx"),
        /** Namespace of the Prometheus that scrapes the services' metrics ports. */
        monitoringNamespace: dnsLabel.default("monitoring"),
        /**
         * Single-instance databases (one pod on a ReadWriteOnce volume, `Recreate` rollouts): labelled
         * `agent-platform.io/singleton` so they are never scaled, and must keep 1 replica.
         */
        singletons: z.array(composeName).default(["mongo", "neo4j", "qdrant", "redis"]),
        /** Compose services that call external LLM APIs (OpenAI/Anthropic) over HTTPS. */
        internetEgress: z.array(composeName).default(["backend", "mem0"]),
        quota: namespaceQuota(QUOTA),
        backup: veleroBackup(BACKUP),
    })
    .strict()
    .superRefine((c, ctx) => {
        for (const svc of c.singletons) {
            if ((c.replicas[svc] ?? 1) > 1)
                ctx.addIssue({
                    code: "custom",
                    path: ["replicas", svc],
                    message: `${svc} is a singleton (one pod on a ReadWriteOnce volume) and must run 1 replica, got ${c.replicas[svc]}`,
                });
            if (c.autoscaling[svc])
                ctx.addIssue({
                    code: "custom",
                    path: ["autoscaling", svc],
                    message: `${svc} is a singleton (one pod on a ReadWriteOnce volume) and cannot autoscale`,
                });
        }
        for (const [svc, a] of Object.entries(c.autoscaling)) {
            if (c.replicas[svc] !== undefined)
                ctx.addIssue({
                    code: "custom",
                    path: ["autoscaling", svc],
                    message: `give ${svc} either replicas or autoscaling: the HPA owns the replica count`,
                });
            if (a.maxReplicas < a.minReplicas)
                ctx.addIssue({
                    code: "custom",
                    path: ["autoscaling", svc, "maxReplicas"],
                    message: `must be >= minReplicas (${a.minReplicas}), got ${a.maxReplicas}`,
                });
        }
        for (const [svc, r] of Object.entries(c.resources)) {
            for (const k of ["cpu", "memory"] as const) {
                const value = k === "cpu" ? cpuMillis : memoryMi;
                try {
                    if (value(r.requests[k]) > value(r.limits[k])) {
                        ctx.addIssue({
                            code: "custom",
                            path: ["resources", svc, "requests", k],
                            message: `request ${r.requests[k]} exceeds limit ${r.limits[k]}`,
                        });
                    }
                } catch (e) {
                    ctx.addIssue({ code: "custom", path: ["resources", svc, k], message: (e as Error).message });
                }
            }
        }
    });

export type UshadowConfig = z.infer<typeof ushadowSchema>;
/**
 * Secure config keys this system reads with `requireSecret` when enabled: the backend's session
 * signing key (compose: `${AUTH_SECRET_KEY:?...}`) and the LLM API keys the backend and mem0 use
 * (`anthropicApiKey` is shared with claudeCode/productionAgents). The neo4j password is generated.
 */
export const ushadowSecrets = ["ushadowAuthSecretKey", "openaiApiKey", "anthropicApiKey"] as const;
