/** seed 000 terminal-mid: the ServiceNow MID servers and their terminal (config section `agent-platform:terminalMid`). */
import { defineSystem } from "../types";
import { terminalMidRequiredSecrets, terminalMidSchema, terminalMidSecrets } from "./config";
import { TERMINAL_NAME, deployTerminalMid, terminalMidConfigSecrets } from "./deploy";

export * from "./config";
export * from "./deploy";

export const terminalMid = defineSystem({
    schema: terminalMidSchema,
    secrets: terminalMidSecrets,
    requiredSecrets: terminalMidRequiredSecrets,
    deploy: deployTerminalMid,
    mainService: TERMINAL_NAME,
    configSecrets: terminalMidConfigSecrets,
});
