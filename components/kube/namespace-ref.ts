/** Where a component lives: a PlatformNamespace, or a namespace name that may still be an Output. */
import * as pulumi from "@pulumi/pulumi";

/** What a PlatformNamespace offers its workloads (kept structural so this module imports no component). */
export interface NamespaceLike {
    /** The name, resolved once the Namespace exists: using it orders a workload after its namespace. */
    readonly name: pulumi.Output<string>;
    /** The name as given, known while the program runs. */
    readonly namespaceName: string;
}

/** A namespace: a PlatformNamespace (the workload then waits for it) or a name, plain or an Output. */
export type NamespaceInput = NamespaceLike | pulumi.Input<string>;

function isNamespaceLike(ns: NamespaceInput): ns is NamespaceLike {
    return typeof ns === "object" && ns !== null && "namespaceName" in ns && pulumi.Output.isInstance((ns as NamespaceLike).name);
}

/** The name to put in `metadata.namespace`: for a PlatformNamespace its Output, which carries the dependency. */
export function namespaceName(ns: NamespaceInput): pulumi.Input<string> {
    return isNamespaceLike(ns) ? ns.name : ns;
}

/** The name when it is known while the program runs (a string or a PlatformNamespace), else undefined. */
export function knownNamespace(ns: NamespaceInput): string | undefined {
    if (isNamespaceLike(ns)) return ns.namespaceName;
    return typeof ns === "string" ? ns : undefined;
}

/** `f` of the namespace name: a plain value when the name is known while the program runs, else an Output of it. */
export function ofNamespace<T>(ns: NamespaceInput, f: (name: string) => T): T | pulumi.Output<T> {
    const known = knownNamespace(ns);
    return known !== undefined ? f(known) : pulumi.output(namespaceName(ns)).apply((n) => f(n));
}

/** `[["namespace", name]]` for DNS-1123 checks when the name is known; an Output is checked by the API server. */
export function knownNamespaceNames(ns: NamespaceInput): [string, string][] {
    const known = knownNamespace(ns);
    return known !== undefined ? [["namespace", known]] : [];
}
