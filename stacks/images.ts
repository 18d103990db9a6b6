import * as pulumi from "@pulumi/pulumi";
import { ImageOverrides } from "agent-platform/config";

/** Where the pod template sits in each workload kind's spec. */
const POD_SPEC_PATHS: Record<string, string[]> = {
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
    "kubernetes:core/v1:Pod": ["spec"],
};

type Lifted = unknown;

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null;
}

/** Applies `f` to a value that may be an Output (or a plain value), keeping plain values plain. */
function lift(value: Lifted, f: (v: unknown) => unknown): unknown {
    return pulumi.Output.isInstance(value) ? (value as pulumi.Output<unknown>).apply(f) : f(value);
}

function rewriteContainers(containers: Lifted, overrides: ImageOverrides): unknown {
    return lift(containers, (list) =>
        Array.isArray(list)
            ? list.map((c) =>
                  lift(c, (container) => {
                      if (!isObject(container)) return container;
                      return { ...container, image: lift(container.image, (image) => (typeof image === "string" && overrides[image]) || image) };
                  }),
              )
            : list,
    );
}

function rewritePodSpec(spec: Lifted, overrides: ImageOverrides): unknown {
    return lift(spec, (s) => {
        if (!isObject(s)) return s;
        const out = { ...s };
        for (const key of ["containers", "initContainers"]) {
            if (key in out) out[key] = rewriteContainers(out[key], overrides);
        }
        return out;
    });
}

function rewriteAt(value: Lifted, path: string[], overrides: ImageOverrides): unknown {
    if (path.length === 0) return rewritePodSpec(value, overrides);
    return lift(value, (v) => {
        if (!isObject(v) || !(path[0] in v)) return v;
        return { ...v, [path[0]]: rewriteAt(v[path[0]], path.slice(1), overrides) };
    });
}

/** The images of a workload's containers and init containers replaced per `overrides` (pure). */
export function overrideImages(type: string, props: Record<string, unknown>, overrides: ImageOverrides): Record<string, unknown> | undefined {
    const path = POD_SPEC_PATHS[type];
    if (!path || Object.keys(overrides).length === 0) return undefined;
    return rewriteAt(props, path, overrides) as Record<string, unknown>;
}

/**
 * The stack config's `images` map as a transformation: given to the systems, it reaches every
 * workload they create, whichever component chose the image (config or a component default).
 */
export function imageOverridesTransformation(overrides: ImageOverrides): pulumi.ResourceTransformation | undefined {
    if (Object.keys(overrides).length === 0) return undefined;
    return (args) => {
        const props = overrideImages(args.type, args.props, overrides);
        return props ? { props, opts: args.opts } : undefined;
    };
}
