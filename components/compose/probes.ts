/** Liveness, readiness and startup probes of a compose service (healthcheck, options, or TCP). */
import type { ProbeSet } from "../kube/pod";
import { ComposeError } from "./errors";
import type { ComposeService } from "./model";
import type { NamedPort } from "./ports";
import { DEFAULT_PROBE, ServiceContext, ServiceDeploymentSpec } from "./spec";

/**
 * Probes, always three distinct ones (an overloaded pod should leave the Service, not restart):
 * `healthCheckPath` -> readiness and startup HTTP on the first TCP port, liveness TCP on that port
 * (AgentService's timing defaults); a compose healthcheck -> exec probes, readiness on its timing, liveness after twice its
 * retries, startup covering start_period; otherwise TCP on the first port; `probesEnabled: false` -> none.
 */
export function resolveProbes(
    svc: ComposeService,
    spec: ServiceDeploymentSpec,
    ports: readonly NamedPort[],
    ctx: Pick<ServiceContext, "optAt">,
): ProbeSet | undefined {
    if (spec.probesEnabled === false) {
        if (spec.healthCheckPath !== undefined) throw new ComposeError(ctx.optAt("healthCheckPath"), "is set but probesEnabled is false; give one of them");
        return undefined;
    }
    const hc = svc.healthcheck;
    const firstTcp = ports.find((p) => p.protocol === "TCP");
    if (typeof spec.healthCheckPath === "string") {
        if (!spec.healthCheckPath.startsWith("/")) throw new ComposeError(ctx.optAt("healthCheckPath"), `must start with "/", got "${spec.healthCheckPath}"`);
        if (!firstTcp) throw new ComposeError(ctx.optAt("healthCheckPath"), "an HTTP probe needs a TCP port, but the service has none");
        // Liveness on the TCP port, readiness on the HTTP path: a slow or cut-off app leaves the
        // Service without being restarted (the same endpoint for both would fail them together).
        const check = { path: spec.healthCheckPath, portName: firstTcp.name };
        return { liveness: { tcp: true, portName: firstTcp.name }, readiness: check, startup: check };
    }
    if (hc) {
        const period = hc.intervalSeconds ?? DEFAULT_PROBE.periodSeconds;
        const timeout = hc.timeoutSeconds ?? DEFAULT_PROBE.timeoutSeconds;
        const retries = hc.retries ?? DEFAULT_PROBE.failureThreshold;
        const startupFailures =
            hc.startPeriodSeconds !== undefined
                ? Math.max(1, Math.ceil(hc.startPeriodSeconds / DEFAULT_PROBE.startupPeriodSeconds)) + retries
                : DEFAULT_PROBE.startupFailureThreshold;
        const command = hc.command;
        return {
            readiness: { command, periodSeconds: period, timeoutSeconds: timeout, failureThreshold: retries },
            liveness: { command, periodSeconds: period, timeoutSeconds: timeout, failureThreshold: retries * DEFAULT_PROBE.livenessRetriesFactor },
            startup: { command, periodSeconds: DEFAULT_PROBE.startupPeriodSeconds, timeoutSeconds: timeout, failureThreshold: startupFailures },
        };
    }
    if (hc === null || !firstTcp) return undefined;
    const tcp = { tcp: true, portName: firstTcp.name };
    return { liveness: tcp, readiness: tcp, startup: tcp };
}
