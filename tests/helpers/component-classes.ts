import * as pulumi from "@pulumi/pulumi";

/**
 * Class names of the ComponentResource subclasses among a module's exports (lazy getters read),
 * sorted: what the package offers Pulumi's component provider, found independently of it.
 */
export function componentClasses(moduleExports: Record<string, unknown>): string[] {
    return Object.keys(moduleExports)
        .filter((name) => {
            const v = moduleExports[name] as { prototype?: unknown } | undefined;
            return typeof v === "function" && v.prototype instanceof pulumi.ComponentResource;
        })
        .sort();
}
