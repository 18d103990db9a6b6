import { strict as assert } from "assert";
import { resolveProbes } from "../../../components/compose/probes";
import { DEFAULT_PROBE } from "../../../components/compose/spec";
import { context, service } from "./fixtures";

const http = [{ name: "http", containerPort: 8000, protocol: "TCP" as const }];

describe("compose/probes", () => {
    it("GIVEN a health path THEN readiness and startup are HTTP on the first TCP port and liveness is TCP there (distinct endpoints)", () => {
        const p = resolveProbes(service(), { healthCheckPath: "/health" }, http, context())!;
        assert.deepEqual(p.readiness, { path: "/health", portName: "http" });
        assert.deepEqual(p.startup, { path: "/health", portName: "http" });
        assert.deepEqual(p.liveness, { tcp: true, portName: "http" });
    });

    it("GIVEN a compose healthcheck THEN exec probes on its timing; liveness waits twice the retries; startup covers start_period", () => {
        const svc = service({ healthcheck: { command: ["pg_isready"], intervalSeconds: 20, timeoutSeconds: 4, retries: 5, startPeriodSeconds: 60 } });
        const p = resolveProbes(svc, {}, http, context())!;
        assert.deepEqual(p.readiness, { command: ["pg_isready"], periodSeconds: 20, timeoutSeconds: 4, failureThreshold: 5 });
        assert.equal(p.liveness?.failureThreshold, 5 * DEFAULT_PROBE.livenessRetriesFactor);
        assert.equal(p.startup?.failureThreshold, 60 / DEFAULT_PROBE.startupPeriodSeconds + 5);
    });

    it("GIVEN no healthcheck THEN TCP on the first port; none without ports, a disabled healthcheck or a null path", () => {
        assert.deepEqual(resolveProbes(service(), {}, http, context())?.readiness, { tcp: true, portName: "http" });
        assert.equal(resolveProbes(service(), {}, [], context()), undefined);
        assert.equal(resolveProbes(service({ healthcheck: null }), {}, http, context()), undefined);
        assert.equal(resolveProbes(service(), { probesEnabled: false }, http, context()), undefined);
    });

    it("GIVEN a relative path or no TCP port THEN one error names healthCheckPath", () => {
        assert.throws(() => resolveProbes(service(), { healthCheckPath: "health" }, http, context()), /healthCheckPath: must start with "\/"/);
        assert.throws(
            () => resolveProbes(service(), { healthCheckPath: "/h" }, [{ name: "dns", containerPort: 53, protocol: "UDP" }], context()),
            /needs a TCP port/,
        );
    });
});
