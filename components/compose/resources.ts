/**
 * Requests and limits of a compose service: the options over compose `deploy.resources` over the
 * seed 004 defaults; a request above its limit is an error when both are explicit, and otherwise
 * the default side moves to meet the explicit one.
 */
import type { ResourceSpec } from "../kube/pod";
import { parseQuantity } from "../kube/quantity";
import { ComposeError } from "./errors";
import type { ComposeService } from "./model";
import { DEFAULT_RESOURCES, ServiceContext, ServiceDeploymentSpec } from "./spec";

/** Each of cpu and memory, requests and limits, resolved and checked. */
export function resolveResources(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: Pick<ServiceContext, "optAt">): ResourceSpec {
    const pick = (section: "requests" | "limits", key: "cpu" | "memory") => {
        const explicit = spec.resources?.[section]?.[key] ?? svc.resources?.[section]?.[key];
        return { value: explicit ?? DEFAULT_RESOURCES[section][key], explicit: explicit !== undefined };
    };
    const out = { requests: {} as Record<string, string>, limits: {} as Record<string, string> };
    for (const key of ["cpu", "memory"] as const) {
        const req = pick("requests", key);
        const lim = pick("limits", key);
        const reqV = parseQuantity(req.value);
        const limV = parseQuantity(lim.value);
        if (reqV === undefined) throw new ComposeError(ctx.optAt(`resources.requests.${key}`), `"${req.value}" is not a Kubernetes quantity`);
        if (limV === undefined) throw new ComposeError(ctx.optAt(`resources.limits.${key}`), `"${lim.value}" is not a Kubernetes quantity`);
        let request = req.value;
        let limit = lim.value;
        if (reqV > limV) {
            if (req.explicit && lim.explicit) throw new ComposeError(ctx.optAt(`resources.requests.${key}`), `request ${req.value} exceeds limit ${lim.value}`);
            // One side is a default: move the default to meet the explicit side.
            if (req.explicit) limit = request;
            else request = limit;
        }
        out.requests[key] = request;
        out.limits[key] = limit;
    }
    return out as unknown as ResourceSpec;
}
