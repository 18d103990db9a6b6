/** seed 004 ushadow: a Docker Compose project compiled to Kubernetes (config section `agent-platform:ushadow`). */
import { defineSystem } from "../types";
import { ushadowSchema, ushadowSecrets } from "./config";
import { UI_SERVICE, deployUshadow, ushadowConfigSecrets, ushadowProblems } from "./deploy";

export * from "./config";
export * from "./deploy";

export const ushadow = defineSystem({
    schema: ushadowSchema,
    secrets: ushadowSecrets,
    deploy: deployUshadow,
    mainService: UI_SERVICE,
    clusterIssuers: (c) => [{ path: ["clusterIssuer"], name: c.clusterIssuer }],
    check: ushadowProblems,
    configSecrets: ushadowConfigSecrets,
});
