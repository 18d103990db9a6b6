import { z } from "zod";
import { dnsLabel, ipv4Cidr, pinnedImage, quantity, replicas, resources, veleroBackup } from "agent-platform/config";

// seed 000: the MID server Deployment is `servicenow-mid-server`; further MID servers append `-<name>`.
const MID_WORKLOAD_PREFIX = "servicenow-mid-server-";
/** Longest MID server name that still yields a <= 63 character workload name. */
export const MAX_MID_NAME_LENGTH = 63 - MID_WORKLOAD_PREFIX.length;

const cidr = ipv4Cidr;
const hostname = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$/, {
    message: "must be a host name such as acme.service-now.com (no scheme, no path)",
});

const claim = z
    .object({
        size: quantity,
        storageClassName: z.string().min(1).optional(),
    })
    .strict();

/** seed 000: Claude Terminal MID service, ServiceNow MID server(s) and the singleton ECC poller. */
export const terminalMidSchema = z
    .object({
        enabled: z.boolean().default(true),
        /** claude-terminal-service image (HTTP on 3000). */
        image: pinnedImage,
        /** claude-ecc-poller image (Go binary; seed 000 builds it into the same multi-binary image). */
        pollerImage: pinnedImage,
        /** Poller entrypoint when it shares the terminal image, e.g. `["/app/ecc-poller"]`. @default the image's */
        pollerCommand: z.array(z.string().min(1)).min(1).optional(),
        /** claude-terminal-service replicas; more than 1 needs a ReadWriteMany sessions volume. */
        replicas: replicas.min(1, { message: "must be >= 1" }).default(1),
        /** `<instance>.service-now.com` */
        servicenowInstance: hostname,
        servicenowApiUser: z.string().min(1),
        midServer: z
            .object({
                /** `servicenow/mid-server:<release>`, e.g. `yokohama`. */
                release: z
                    .string()
                    .regex(/^[a-z0-9][a-z0-9._-]*$/, { message: "must be a ServiceNow release tag such as yokohama" })
                    .refine((r) => r !== "latest", { message: "must name a release, not latest" }),
                /** Image repository. @default servicenow/mid-server (seed 000: the official image) */
                repository: z.string().min(1).default("servicenow/mid-server"),
                /**
                 * Digest of the build to run (`sha256:<64 hex>`). A release tag such as `yokohama` names a
                 * family of builds: without a digest two MID pods can run different builds. The prod pack
                 * (`img-digest`) requires it.
                 */
                digest: z
                    .string()
                    .regex(/^sha256:[a-f0-9]{64}$/, { message: "must be a sha256 image digest (sha256:<64 hex digits>)" })
                    .optional(),
                /** One singleton MID server per name (ServiceNow pairs exactly one running MID with a name). */
                names: z
                    .array(
                        dnsLabel.max(MAX_MID_NAME_LENGTH, {
                            message: `must be at most ${MAX_MID_NAME_LENGTH} characters (the workload is servicenow-mid-server-<name>)`,
                        }),
                    )
                    .min(1, { message: "needs at least one MID server name" })
                    .refine((n) => new Set(n).size === n.length, {
                        message: "MID server names must be unique (two pods with one name fight over one MID record)",
                    }),
                instanceUrl: z.url({ protocol: /^https$/, message: "must be an https:// URL" }),
                midUsername: z.string().min(1),
                /** Optional outbound proxy (MID_PROXY_HOST/MID_PROXY_PORT, and MID_PROXY_USERNAME + the `midProxyPassword` secret when it authenticates). */
                proxy: z
                    .object({ host: z.string().min(1), port: z.number().int().min(1).max(65535), username: z.string().min(1).optional() })
                    .strict()
                    .optional(),
                /** Port of the MID Web Server extension the terminal service calls (configured in the instance). */
                webServerPort: z.number().int().min(1024).max(65535).default(8080),
                storage: claim.default({ size: "5Gi" }),
                resources: resources.optional(),
            })
            .strict(),
        sessionsStorage: claim
            .extend({
                /** ReadWriteMany (e.g. EFS) lets several terminal replicas share the session workspaces. */
                accessMode: z.enum(["ReadWriteOnce", "ReadWriteMany"]).default("ReadWriteOnce"),
            })
            .strict()
            .default({ size: "10Gi", accessMode: "ReadWriteOnce" }),
        resources: resources.optional(),
        pollerResources: resources.optional(),
        /** Velero backups of the namespace (sessions and MID data); created only where crds.velero is true. */
        backup: veleroBackup({ schedule: "@daily", ttl: "720h0m0s" }),
        /** Where the API server's endpoints are (the terminal's read-only Role needs it). @default the cluster's API-server scope (`cluster.apiServerCidrs`; the VPC CIDR on EKS) */
        kubeApiCidrs: z.array(cidr).min(1).optional(),
    })
    .strict()
    .superRefine((c, ctx) => {
        if (c.replicas > 1 && c.sessionsStorage.accessMode !== "ReadWriteMany") {
            ctx.addIssue({
                code: "custom",
                path: ["replicas"],
                message: `more than 1 replica (got ${c.replicas}) needs sessionsStorage.accessMode ReadWriteMany: a ReadWriteOnce claim attaches to one node`,
            });
        }
    });

export type TerminalMidConfig = z.infer<typeof terminalMidSchema>;

/** Secure config keys this system reads with `requireSecret` when enabled. */
export const terminalMidSecrets = ["servicenowApiPassword", "midPassword", "midProxyPassword"] as const;

/** The secrets this section needs: the proxy password only when the proxy authenticates. */
export function terminalMidRequiredSecrets(c: TerminalMidConfig): string[] {
    return ["servicenowApiPassword", "midPassword", ...(c.midServer.proxy?.username ? ["midProxyPassword"] : [])];
}
