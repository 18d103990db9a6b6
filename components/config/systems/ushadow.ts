import { z } from "zod";

/** seed 004: services from a Compose file, deployed through ComposeApp. */
export const ushadowSchema = z.object({
    enabled: z.boolean().default(true),
    /** Compose file, relative to the project root. */
    composeFile: z.string().min(1).default("examples/compose/ushadow/docker-compose.yml"),
    /** Plain settings offered to compose interpolation (after explicit values, before discovery). */
    settings: z.record(z.string(), z.string()).default({}),
}).strict();

export type UshadowConfig = z.infer<typeof ushadowSchema>;
export const ushadowSecrets = [] as const;
