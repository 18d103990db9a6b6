/**
 * The deployment options (issue 14, item 4): the TypeScript shapes have no `null`, no `string |
 * number` and no `string | object` (Pulumi's schema inference rejects them), while the options file
 * keeps its compact forms, which `parseDeploymentOptions` turns into those shapes.
 */
import { strict as assert } from "assert";
import { convertCompose } from "../../../components/compose/compile";
import { ComposeError } from "../../../components/compose/errors";
import { parseDeploymentOptions } from "../../../components/compose/options";
import { ServiceDeploymentSpec, mergeSpec } from "../../../components/compose/spec";

const COMPOSE = `services:
  api:
    image: ghcr.io/acme/api:1.0
    ports: ["8080:8080", "9090:9090"]
    user: "1000"
`;

describe("compose deployment options: the file's compact forms and the TypeScript shapes", () => {
    it("GIVEN the file's null, plain-string and named-port forms THEN they become the flags, objects and portName", () => {
        const o = parseDeploymentOptions(
            {
                defaults: { healthCheckPath: null, security: { runAsUser: null, runAsGroup: null, fsGroup: null } },
                services: {
                    api: {
                        healthCheckPath: "/health",
                        writablePaths: ["/data", { path: "/cache", sizeLimit: "2Gi" }],
                        metrics: { port: "metrics" },
                        ingress: { port: 8080 },
                    },
                    web: { metrics: { port: "9090" }, ingress: { port: "http" } },
                },
            },
            "options.yaml",
        );
        assert.deepEqual(o.defaults, { probesEnabled: false, security: { keepImageUser: true, keepImageGroup: true, noFsGroup: true } });
        assert.deepEqual(o.services?.api, {
            healthCheckPath: "/health",
            writablePaths: [{ path: "/data" }, { path: "/cache", sizeLimit: "2Gi" }],
            metrics: { portName: "metrics" },
            ingress: { port: 8080 },
        });
        assert.deepEqual(o.services?.web, { metrics: { port: 9090 }, ingress: { portName: "http" } });
    });

    it("GIVEN defaults without probes and a service with its own path, or default ids and a service's own uid THEN the service's wins as a whole", () => {
        const spec = mergeSpec(
            { probesEnabled: false, security: { keepImageUser: true, noFsGroup: true } },
            { healthCheckPath: "/health", security: { runAsUser: 5 } },
        );
        assert.equal(spec.healthCheckPath, "/health");
        assert.equal(spec.probesEnabled, undefined);
        assert.deepEqual(spec.security, { runAsUser: 5, noFsGroup: true });
        assert.equal(mergeSpec({ healthCheckPath: "/h" }, { probesEnabled: false }).healthCheckPath, undefined);
    });

    it("GIVEN a number and its flag, a path with probes off, or a port and a portName THEN one error names the option", () => {
        const compile = (services: Record<string, ServiceDeploymentSpec>) => {
            try {
                convertCompose(COMPOSE, { file: "c.yml", namespace: "apps", services });
            } catch (e) {
                assert.ok(e instanceof ComposeError, String(e));
                return `${e.field}: ${e.rule}`;
            }
            return "accepted";
        };
        assert.equal(
            compile({ api: { security: { runAsUser: 5, keepImageUser: true } } }),
            "security.runAsUser: is set but keepImageUser is true; give one of them",
        );
        assert.equal(compile({ api: { healthCheckPath: "/h", probesEnabled: false } }), "healthCheckPath: is set but probesEnabled is false; give one of them");
        assert.equal(compile({ api: { metrics: { port: 9090, portName: "x" } } }), "metrics.port: give one of port and portName");
        assert.equal(compile({ api: { metrics: { path: "/m" } } }), "metrics.port: give the port serving the metrics (port or portName)");
        assert.equal(compile({ api: { metrics: { port: 9090 }, security: { keepImageUser: true } } }), "accepted");
    });
});
