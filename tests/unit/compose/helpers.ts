/** Shared helpers for the compose tests. */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { convertCompose, KubeObject, CompiledApp } from "../../../components/compose/compile";
import { parseDeploymentOptions } from "../../../components/compose/options";

export const REPO = path.resolve(__dirname, "../../..");
export const USHADOW_COMPOSE = path.join(REPO, "examples/compose/ushadow/docker-compose.yml");
export const USHADOW_OPTIONS = path.join(REPO, "examples/compose/ushadow/options.yaml");
export const RESEARCH_COMPOSE = path.join(REPO, "examples/compose/research-agent/docker-compose.yml");

/** Validates one object against the Kubernetes OpenAPI schema (kubernetes-models 4.x, CommonJS). */
export function validateSchema(obj: KubeObject): void {
    const modules: Record<string, string> = {
        "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
        "v1/Secret": "kubernetes-models/v1/Secret",
        "v1/Service": "kubernetes-models/v1/Service",
        "v1/PersistentVolumeClaim": "kubernetes-models/v1/PersistentVolumeClaim",
        "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
        "networking.k8s.io/v1/Ingress": "kubernetes-models/networking.k8s.io/v1/Ingress",
    };
    const mod = modules[`${obj.apiVersion}/${obj.kind}`];
    if (!mod) throw new Error(`no schema for ${obj.apiVersion}/${obj.kind}`);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const Model = require(mod)[obj.kind];
    new Model(JSON.parse(JSON.stringify(obj))).validate();
}

export function ushadowOptions() {
    return parseDeploymentOptions(YAML.parse(fs.readFileSync(USHADOW_OPTIONS, "utf8")), USHADOW_OPTIONS);
}

export function convertUshadow(extra: { explicit?: Record<string, string> } = {}): CompiledApp {
    const o = ushadowOptions();
    return convertCompose(fs.readFileSync(USHADOW_COMPOSE, "utf8"), {
        file: "examples/compose/ushadow/docker-compose.yml",
        namespace: "ushadow",
        explicit: { AUTH_SECRET_KEY: "test-auth-secret", ...(extra.explicit ?? {}) },
        partOf: o.partOf,
        services: o.services,
        volumes: o.volumes,
    });
}

export function find(objects: readonly KubeObject[], kind: string, name: string): any {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    if (!o) throw new Error(`no ${kind}/${name} among ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}`);
    return o;
}
