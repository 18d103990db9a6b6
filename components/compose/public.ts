/**
 * `agent-platform/compose`: the pure Docker Compose -> Kubernetes compiler behind `ComposeApp`
 * (which `agent-platform` exports), for tools that convert Compose files without running a Pulumi
 * program (`npm run compose:convert`) and for programs that need the compiled args before they
 * create the component.
 */
export { ComposeError } from "./errors";
export { compileComposeAppArgs } from "./compose-app";
export { DeploymentOptions, parseDeploymentOptions } from "./options";
export { ServiceDeploymentSpec } from "./spec";
export { parseDotenv } from "./interpolate";
export { RenderableObject, RenderOptions, renderObject, renderYaml } from "./render";
