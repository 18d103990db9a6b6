/** The connectivity matrix both tiers read: flows, the platform pods they name, and today's known violations. */
export * from "./types";
export { FLOWS, flowsFor, flowId } from "./flows";
export { PLATFORM_PODS, PlatformPod, platformPod } from "./platform";
export { KNOWN_VIOLATIONS } from "./known-violations";
