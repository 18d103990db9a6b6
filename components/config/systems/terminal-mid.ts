import { z } from "zod";
import { dnsLabel, pinnedImage, replicas, resources, storage } from "../common";

/** seed 000: Claude Terminal MID service, ServiceNow MID server(s) and the singleton ECC poller. */
export const terminalMidSchema = z.object({
    enabled: z.boolean().default(true),
    /** claude-terminal-service image (HTTP on 3000). */
    image: pinnedImage,
    /** claude-ecc-poller image (Go binary). */
    pollerImage: pinnedImage,
    replicas: replicas.default(1),
    /** `<instance>.service-now.com` */
    servicenowInstance: z.string().min(1),
    servicenowApiUser: z.string().min(1),
    midServer: z.object({
        /** `servicenow/mid-server:<release>`, e.g. `yokohama`. */
        release: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, { message: "must be a ServiceNow release tag such as yokohama" }),
        /** One MID server Deployment per name (each is a singleton: ServiceNow pairs one MID per name). */
        names: z.array(dnsLabel).min(1, { message: "needs at least one MID server name" }),
        instanceUrl: z.url({ message: "must be an https:// URL" }),
        midUsername: z.string().min(1),
        proxy: z.object({ host: z.string().min(1), port: z.number().int().min(1).max(65535) }).strict().optional(),
        storage: storage.default({ size: "5Gi" }),
    }).strict(),
    sessionsStorage: storage.default({ size: "10Gi" }),
    resources: resources.optional(),
}).strict();

export type TerminalMidConfig = z.infer<typeof terminalMidSchema>;

/** Secure config keys this system reads with `requireSecret` when enabled. */
export const terminalMidSecrets = ["servicenowApiPassword", "midPassword"] as const;
