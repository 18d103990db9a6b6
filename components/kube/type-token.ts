import * as pulumi from "@pulumi/pulumi";

/**
 * Type tokens of the package's components. Pulumi's schema inference (`pulumi package add`,
 * `pulumi package get-schema`) names every component `agent-platform:index:<ClassName>`; the
 * components registered under per-folder tokens before (`agent-platform:kube:Redis`, ...), so
 * each one keeps an alias to its old token and a stack deployed before sees the same resources
 * (and, through the parent, the same children) instead of a delete and a create.
 */

/** `agent-platform:index:<name>`: the token the package's schema gives the component `name`. */
export function componentType(name: string): string {
    return `agent-platform:index:${name}`;
}

/**
 * `opts` plus an alias to `oldType`, the token the component was registered under before; the
 * caller's own aliases are kept (first). Same name, parent, stack and project: only the type differs.
 */
export function withOldTypeAlias(oldType: string, opts?: pulumi.ComponentResourceOptions): pulumi.ComponentResourceOptions {
    return { ...opts, aliases: [...(opts?.aliases ?? []), { type: oldType }] };
}
