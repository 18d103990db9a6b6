/**
 * TEMPLATE: copy to stacks/systems/<name>/index.ts (see CONTRIBUTING.md), then add its one line
 * to stacks/systems/registry.ts (`SYSTEMS`, keyed like the config section). The system's
 * definition: its config section and everything derived from it.
 */
import { defineSystem } from "../types";
import { echoSchema, echoSecrets } from "./config";
import { AGENT, deployEcho } from "./deploy";

export * from "./config";
export * from "./deploy";

export const echo = defineSystem({ schema: echoSchema, secrets: echoSecrets, deploy: deployEcho, mainService: AGENT });
