/**
 * Labels and annotations of a compose service's objects: the options' extra labels (checked, and
 * unable to replace the app.kubernetes.io/* ones), the options' annotations, compose labels as
 * annotations (as kompose does), and the config digest that rolls pods when env changes.
 */
import { createHash } from "crypto";
import { isQualifiedName, isLabelValue } from "../kube/names";
import { sortKeys } from "../kube/sorted";
import { ComposeError } from "./errors";
import type { ComposeService } from "./model";
import { MANAGED_BY_LABEL, NAME_LABEL, PART_OF_LABEL, ServiceContext, ServiceDeploymentSpec, Warn } from "./spec";

/** The app.kubernetes.io/* labels the compiler sets on objects it builds itself (the Ingress). */
export function baseLabels(name: string, partOf: string | undefined): Record<string, string> {
    return { [NAME_LABEL]: name, ...(partOf ? { [PART_OF_LABEL]: partOf } : {}), [MANAGED_BY_LABEL]: "pulumi" };
}

/** The spec's extra labels, validated (AgentService adds the app.kubernetes.io/* ones). */
export function serviceLabels(
    name: string,
    partOf: string | undefined,
    spec: ServiceDeploymentSpec,
    ctx: Pick<ServiceContext, "optAt">,
): Record<string, string> {
    const base = baseLabels(name, partOf);
    for (const [k, v] of Object.entries(spec.labels ?? {})) {
        if (k in base || k === PART_OF_LABEL || k === MANAGED_BY_LABEL)
            throw new ComposeError(ctx.optAt(`labels.${k}`), "is set by the compiler and cannot be overridden");
        if (!isQualifiedName(k)) throw new ComposeError(ctx.optAt(`labels.${k}`), "is not a valid label key");
        if (!isLabelValue(v))
            throw new ComposeError(ctx.optAt(`labels.${k}`), `"${v}" is not a valid label value (at most 63 characters, alphanumerics, '-', '_', '.')`);
    }
    return sortKeys({ ...(spec.labels ?? {}) });
}

/** The spec's annotations, sorted, every key checked. */
export function serviceAnnotations(spec: ServiceDeploymentSpec, ctx: Pick<ServiceContext, "optAt">): Record<string, string> | undefined {
    if (!spec.annotations) return undefined;
    const annotations = sortKeys({ ...spec.annotations });
    for (const k of Object.keys(annotations)) if (!isQualifiedName(k)) throw new ComposeError(ctx.optAt(`annotations.${k}`), "is not a valid annotation key");
    return annotations;
}

/** Compose labels become annotations (kompose does the same); `kompose.*` labels are consumed, not copied. */
export function composeLabelAnnotations(svc: ComposeService, warn: Warn): Record<string, string> | undefined {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(svc.labels)) {
        if (k.startsWith("kompose.")) continue;
        if (!isQualifiedName(k)) {
            warn(svc.name, `labels.${k}`, "is not a valid Kubernetes annotation key; skipped");
            continue;
        }
        out[k] = v;
    }
    return Object.keys(out).length ? sortKeys(out) : undefined;
}

/** A short digest of env data (the pod annotation that rolls pods when the ConfigMap changes). */
export function configHash(data: Record<string, string>): string {
    return createHash("sha256")
        .update(JSON.stringify(sortKeys(data)))
        .digest("hex")
        .slice(0, 16);
}
