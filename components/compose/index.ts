/** Docker Compose -> Kubernetes: the pure compiler and the `ComposeApp` component (seed 004). */
export * from "./errors";
export * from "./interpolate";
export * from "./env";
export * from "./ports";
export * from "./discovery";
export * from "./model";
export { parseCompose } from "./parse";
export { composeCpuToK8s, composeMemoryToK8s, parseDuration, shellSplit } from "./parse-fields";
export * from "./compile";
export * from "./render";
export * from "./options";
export * from "./compose-app";
