/**
 * The EKS components on the package's main entry without loading `@pulumi/aws` (an optional peer
 * dependency): each is a getter that loads the EKS part on first read. Pulumi's component provider
 * reads every export of the main entry, so the package schema lists them; a program that only
 * deploys to an existing cluster never reads them and runs without `@pulumi/aws`. TypeScript users
 * import the typed classes from `agent-platform/aws`.
 *
 * The `import type` below is erased from the JavaScript; Pulumi's schema analyzer follows it from
 * the entry point to the component classes.
 */
import type * as schemaComponents from "./components";

type EksComponentName = keyof typeof schemaComponents;

/** The names the main entry exposes, in the order of ./components.ts. */
export const EKS_COMPONENT_NAMES: readonly EksComponentName[] = ["EksCluster", "IrsaRole"];

/** ./components.ts, or one clear error when `@pulumi/aws` is not installed. */
function loadEksComponents(): typeof schemaComponents {
    try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return require("./components") as typeof schemaComponents;
    } catch (e) {
        const err = e as NodeJS.ErrnoException;
        if (err.code === "MODULE_NOT_FOUND" && /@pulumi\/aws/.test(err.message)) {
            // The cause is set, not passed: Pulumi runs a source plugin through ts-node with its
            // default (pre-ES2022) lib, which has no `new Error(message, { cause })`.
            const missing: Error & { cause?: unknown } = new Error(
                "agent-platform: the EKS components (EksCluster, IrsaRole) need @pulumi/aws, an optional peer dependency that is not installed: npm install @pulumi/aws@^7.48.0",
            );
            missing.cause = e;
            throw missing;
        }
        throw e;
    }
}

/** Defines `EksCluster` and `IrsaRole` on `target` (a module's exports) as enumerable getters loading them on first read. */
export function defineLazyEksComponents(target: object): void {
    for (const name of EKS_COMPONENT_NAMES) {
        Object.defineProperty(target, name, { enumerable: true, configurable: true, get: () => loadEksComponents()[name] });
    }
}
