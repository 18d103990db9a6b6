/** seed 003 production-agents: the autoscaled agent fleet and its queue (config section `agent-platform:productionAgents`). */
import { defineSystem } from "../types";
import { productionAgentsSchema, productionAgentsSecrets } from "./config";
import { AGENT_SERVICE, deployProductionAgents, productionAgentsConfigSecrets } from "./deploy";

export * from "./config";
export * from "./deploy";

export const productionAgents = defineSystem({
    schema: productionAgentsSchema,
    secrets: productionAgentsSecrets,
    deploy: deployProductionAgents,
    mainService: AGENT_SERVICE,
    configSecrets: () => productionAgentsConfigSecrets(),
});
