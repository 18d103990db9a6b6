import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { runUnderMocks, RecordedResource } from "../../../tools/lib/mock-runtime";
import { ComposeApp } from "../../../components/compose/compose-app";
import { ComposeError } from "../../../components/compose/errors";
import { DEFAULT_SECRET_PATTERNS, secretNameMatcher } from "../../../components/compose/env";
import { USHADOW_COMPOSE, ushadowOptions } from "./helpers";

const byType = (rs: RecordedResource[], type: string) => rs.filter((r) => r.type === type);
const one = (rs: RecordedResource[], type: string, name: string) => {
    const r = rs.find((x) => x.type === type && x.inputs.metadata?.name === name);
    if (!r) throw new Error(`no ${type} ${name}`);
    return r;
};

describe("ComposeApp (under Pulumi mocks)", () => {
    it("GIVEN the ushadow compose file, a provider and an Output secret WHEN deployed THEN Secrets are secret and ConfigMaps hold no secret-looking keys", async () => {
        const o = ushadowOptions();
        const { resources, result } = await runUnderMocks(async () => {
            const provider = new k8s.Provider("cluster", { kubeconfig: "{}" });
            const app = new ComposeApp(
                "ushadow",
                {
                    composeFile: USHADOW_COMPOSE,
                    namespace: pulumi.output("ushadow"),
                    secretEnv: { AUTH_SECRET_KEY: pulumi.secret("auth-from-config") },
                    env: { CORS_ORIGINS: "https://ushadow.example.com", OPENAI_API_KEY: pulumi.output("sk-from-output") },
                    settings: { LOG_LEVEL: "warning" },
                    partOf: o.partOf,
                    services: o.services,
                    volumes: o.volumes,
                },
                { provider },
            );
            return new Promise<Record<string, string>>((resolve) => app.services.apply(resolve));
        });

        const component = resources.find((r) => r.type === "agent-platform:compose:ComposeApp");
        assert.ok(component && !component.custom);

        const secrets = byType(resources, "kubernetes:core/v1:Secret");
        assert.deepEqual(secrets.map((s) => s.name).sort(), ["ushadow-backend-secrets", "ushadow-mem0-secrets", "ushadow-neo4j-secrets"]);
        for (const s of secrets) {
            for (const key of Object.keys(s.inputs.stringData)) {
                const secret = s.secretPaths.includes("stringData") || s.secretPaths.includes(`stringData.${key}`);
                assert.ok(secret, `${s.name} stringData.${key} must be secret (got ${s.secretPaths})`);
            }
        }
        const backendSecret = one(resources, "kubernetes:core/v1:Secret", "backend-secrets");
        assert.equal(backendSecret.inputs.stringData.AUTH_SECRET_KEY, "auth-from-config", "secret Output flows through");
        assert.equal(backendSecret.inputs.stringData.OPENAI_API_KEY, "sk-from-output");

        const isSecret = secretNameMatcher(DEFAULT_SECRET_PATTERNS);
        for (const cm of byType(resources, "kubernetes:core/v1:ConfigMap")) {
            assert.deepEqual(cm.secretPaths, [], `${cm.name} must hold no secret values`);
            for (const [k, v] of Object.entries(cm.inputs.data as Record<string, string>)) {
                assert.ok(!isSecret(k), `${cm.name} holds ${k}`);
                assert.ok(!/auth-from-config|sk-from-output|ushadow-dev/.test(v), `${cm.name}.${k}`);
            }
        }
        const backendCm = one(resources, "kubernetes:core/v1:ConfigMap", "backend-config");
        assert.equal(backendCm.inputs.data.CORS_ORIGINS, "https://ushadow.example.com", "explicit plain value");
        assert.equal(backendCm.inputs.data.LOG_LEVEL, "warning", "stack setting beats the compose default");
        assert.equal(backendCm.inputs.metadata.namespace, "ushadow", "Output namespace flows through");
        assert.equal(backendCm.inputs.data.MONGODB_URI, "mongodb://mongo.ushadow.svc.cluster.local:27017/ushadow");

        for (const r of resources.filter((x) => x.custom && x.type.startsWith("kubernetes:") && x.type !== "pulumi:providers:kubernetes")) {
            assert.ok(r.name.startsWith("ushadow-"), r.name);
            assert.ok(r.provider?.includes("cluster"), `${r.type} ${r.name} must use the given provider, got ${r.provider}`);
        }
        assert.equal(byType(resources, "kubernetes:apps/v1:Deployment").length, 7);
        assert.equal(byType(resources, "kubernetes:networking.k8s.io/v1:Ingress").length, 1);
        assert.equal(byType(resources, "kubernetes:core/v1:PersistentVolumeClaim").length, 5);
        assert.equal(result.backend, "http://backend.ushadow.svc.cluster.local:8000");
        assert.equal(result.redis, "redis://redis.ushadow.svc.cluster.local:6379");
    });

    it("GIVEN an invalid compose text WHEN constructing THEN it throws a ComposeError and registers nothing", async () => {
        const { resources, result } = await runUnderMocks(() => {
            try {
                new ComposeApp("broken", { composeText: "services:\n  web:\n    image: nginx:1.27\n    ports: ['http:80']\n", composeFileName: "inline.yml", namespace: "apps" });
                return undefined;
            } catch (e) {
                return e;
            }
        });
        assert.ok(result instanceof ComposeError, String(result));
        assert.match((result as Error).message, /^inline\.yml: service "web": ports\[0\]: host port "http"/);
        assert.deepEqual(resources, []);
    });

    it("GIVEN both composeFile and composeText THEN the error names both fields", async () => {
        const { result } = await runUnderMocks(() => {
            try {
                new ComposeApp("x", { composeFile: "a.yml", composeText: "services: {}", namespace: "apps" });
            } catch (e) {
                return (e as Error).message;
            }
            return "";
        });
        assert.match(result, /composeFile\/composeText: give exactly one of composeFile and composeText/);
    });
});
