/** seed 001 inquisitor: the Raft harness and its API tier (config section `agent-platform:inquisitor`). */
import { defineSystem } from "../types";
import { inquisitorIssues, inquisitorSchema, inquisitorSecrets } from "./config";
import { API_NAME, deployInquisitor } from "./deploy";

export * from "./config";
export * from "./deploy";

export const inquisitor = defineSystem({
    schema: inquisitorSchema,
    secrets: inquisitorSecrets,
    deploy: deployInquisitor,
    mainService: API_NAME,
    // seed 001 "Key Metrics"
    appMetrics: [
        { name: "inquisitor_manifest_validations_total", type: "counter" },
        { name: "inquisitor_manifest_validation_errors_total", type: "counter" },
        { name: "inquisitor_inquiry_executions_total", type: "counter" },
        { name: "inquisitor_inquiry_duration_seconds", type: "histogram" },
        { name: "inquisitor_instrument_executions_total", type: "counter" },
        { name: "inquisitor_raft_leader", type: "gauge" },
    ],
    issues: inquisitorIssues,
});
