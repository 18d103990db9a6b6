/**
 * TEMPLATE: copy to stacks/systems/<name>/config.ts (see CONTRIBUTING.md). The config section
 * `agent-platform:<key>` of one system: its schema (every default named, with its provenance) and
 * the secure keys it reads.
 */
import { z } from "zod";
import { pinnedImage, resources } from "../../../components/config/common";

// seed NNN `deployment.yaml`: requests 100m/128Mi, limits 500m/256Mi.
const RESOURCES = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };

/** seed NNN: one stateless echo agent behind a ClusterIP Service. */
export const echoSchema = z
    .object({
        enabled: z.boolean().default(true),
        /** The agent image, pinned by tag and digest or an immutable tag. */
        image: pinnedImage,
        replicas: z.number().int().min(2).default(2),
        resources: resources.default(RESOURCES),
    })
    .strict();

export type EchoConfig = z.infer<typeof echoSchema>;

/** The secure keys this system reads (`pulumi config set --secret agent-platform:<key>`). */
export const echoSecrets = ["echoApiKey"] as const;
