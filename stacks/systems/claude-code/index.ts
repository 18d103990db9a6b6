/** seed 002 claude-code: manager/worker agents, gateway, dashboard, Redis, Postgres (config section `agent-platform:claudeCode`). */
import { defineSystem } from "../types";
import { claudeCodeIssues, claudeCodeSchema, claudeCodeSecrets } from "./config";
import { claudeCodeConfigSecrets, deployClaudeCode } from "./deploy";
import { FRONTEND } from "./seed";

export * from "./config";
export * from "./seed";
export * from "./traffic";
export * from "./data";
export * from "./workloads";
export * from "./deploy";

export const claudeCode = defineSystem({
    schema: claudeCodeSchema,
    secrets: claudeCodeSecrets,
    deploy: deployClaudeCode,
    mainService: FRONTEND,
    // seed 002: active_tasks_per_pod (the worker HPA's Pods metric) is recorded from the HPA itself.
    appMetrics: [],
    issues: claudeCodeIssues,
    clusterIssuers: (c) => [{ path: ["clusterIssuer"], name: c.clusterIssuer }],
    serviceMesh: (c) => c.serviceMesh,
    configSecrets: () => claudeCodeConfigSecrets(),
});
