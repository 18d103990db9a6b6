import { z } from "zod";
import { pinnedImage } from "./common";

/**
 * `images`: image references to replace, as written in the config or the components' defaults
 * (`redis:7.4.1-alpine`, `ghcr.io/org/app:1.2.0`) -> the reference to deploy instead. For
 * clusters that pull from an internal mirror or hold pre-loaded images (air-gapped, the local
 * e2e cluster). Applied to every container and init container of every pod template the stack
 * creates; references not in the map are deployed as written.
 */
export const imageOverridesSchema = z.record(z.string().min(1, { message: "image to replace must not be empty" }), pinnedImage);

export type ImageOverrides = z.infer<typeof imageOverridesSchema>;
