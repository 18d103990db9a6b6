/** Shared helpers for the compose tests. */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { convertCompose, CompiledApp } from "../../../components/compose/compile";
import { ComposeAppArgs } from "../../../components/compose/compose-app";
import { parseDeploymentOptions } from "../../../components/compose/options";
import { renderComposeApp } from "../../../tools/compose-convert";
import { K8sObject } from "../../../tools/lib/render";

export const REPO = path.resolve(__dirname, "../../..");
export const USHADOW_COMPOSE = path.join(REPO, "examples/compose/ushadow/docker-compose.yml");
export const USHADOW_OPTIONS = path.join(REPO, "examples/compose/ushadow/options.yaml");
export const RESEARCH_COMPOSE = path.join(REPO, "examples/compose/research-agent/docker-compose.yml");

/** Validates one object against the Kubernetes OpenAPI schema (kubernetes-models 4.x, CommonJS). */
export function validateSchema(obj: { apiVersion: string; kind: string }): void {
    const modules: Record<string, string> = {
        "v1/ConfigMap": "kubernetes-models/v1/ConfigMap",
        "v1/Secret": "kubernetes-models/v1/Secret",
        "v1/Service": "kubernetes-models/v1/Service",
        "v1/PersistentVolumeClaim": "kubernetes-models/v1/PersistentVolumeClaim",
        "apps/v1/Deployment": "kubernetes-models/apps/v1/Deployment",
        "networking.k8s.io/v1/Ingress": "kubernetes-models/networking.k8s.io/v1/Ingress",
        "networking.k8s.io/v1/NetworkPolicy": "kubernetes-models/networking.k8s.io/v1/NetworkPolicy",
        "v1/ServiceAccount": "kubernetes-models/v1/ServiceAccount",
        "policy/v1/PodDisruptionBudget": "kubernetes-models/policy/v1/PodDisruptionBudget",
        "autoscaling/v2/HorizontalPodAutoscaler": "kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler",
    };
    const mod = modules[`${obj.apiVersion}/${obj.kind}`];
    if (!mod) throw new Error(`no schema for ${obj.apiVersion}/${obj.kind}`);

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

/** The ComposeApp args the ushadow goldens use (the CLI's `--options` file, AUTH_SECRET_KEY given). */
export function ushadowAppArgs(extra: Partial<ComposeAppArgs> = {}): ComposeAppArgs {
    const o = ushadowOptions();
    return {
        composeFile: USHADOW_COMPOSE,
        namespace: "ushadow",
        env: { AUTH_SECRET_KEY: "test-auth-secret" },
        partOf: o.partOf,
        services: o.services,
        volumes: o.volumes,
        networkPolicies: o.networkPolicies,
        ...extra,
    };
}

/** What ComposeApp creates, as Kubernetes objects (Secret values shown: tests assert on them). */
export async function renderApp(args: ComposeAppArgs): Promise<K8sObject[]> {
    return (await renderComposeApp(args, { showSecrets: true })).objects;
}

export function find(objects: readonly { kind: string; metadata: { name: string } }[], kind: string, name: string): any {
    const o = objects.find((x) => x.kind === kind && x.metadata.name === name);
    if (!o) throw new Error(`no ${kind}/${name} among ${objects.map((x) => `${x.kind}/${x.metadata.name}`).join(", ")}`);
    return o;
}
