/**
 * No bypass: the program evaluates the pack's resource rules itself, at the levels of
 * `policy/config/<environment>.json`, on every resource before it is registered. Without
 * `--policy-pack`, or with another environment's config, a resource that breaks a mandatory
 * rule is still refused: its inputs reject with the violations, so the SDK never sends it to
 * the engine and the program fails with `[mandatory] <rule>: <resource>: <message>`. During
 * preview the known inputs are judged (a rule that needs an unknown input waits for `up`).
 *
 * Given to the top-level components as a transformation, it reaches every child resource.
 */
import * as pulumi from "@pulumi/pulumi";
import { PackConfigError } from "../policy/lib/config";
import { gateRefusals, packConfigFile, PolicyGateError } from "../policy/lib/gate";
import { InputResource, PackConfig } from "../policy/lib/harness";
import { loadPackConfig } from "../policy/lib/load";
import { allRules } from "../policy/rules/all";

/** Resolves (possibly nested) inputs; unknown values (preview) come back as the SDK's `unknown` sentinel. */
function resolveWithUnknowns(props: pulumi.Inputs): Promise<unknown> {
    // `promise(withUnknowns)` is how the SDK itself reads an Output's value during preview; it is
    // not in the typings. If a future SDK drops it the gate fails closed, loudly.
    const o = pulumi.output(props) as unknown as { promise?: (withUnknowns?: boolean) => Promise<unknown> };
    if (typeof o.promise !== "function")
        throw new pulumi.RunError("policy gate: this @pulumi/pulumi version does not expose Output.promise(); the gate cannot judge resources");
    return o.promise(true);
}

/** Resolves only after `verdict`, keeping the value's own known/secret state and dependencies. */
function after<T>(value: pulumi.Input<T>, verdict: Promise<void>): pulumi.Output<T> {
    return pulumi.output(value).apply(async (v) => {
        await verdict;
        return v;
    }) as pulumi.Output<T>;
}

/**
 * One input property gated on `verdict`: an Output or Promise leaf waits itself; a plain value
 * without inputs inside waits as a whole (it holds no secret or unknown to preserve); an object
 * or array with inputs inside keeps its shape and gates its leaves, so a secret leaf stays the
 * only secret and an unknown leaf the only unknown.
 */
function gated(value: unknown, verdict: Promise<void>): unknown {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return after(value as pulumi.Input<unknown>, verdict);
    if (!containsInputs(value)) return after(value, verdict);
    if (Array.isArray(value)) return value.map((v) => (containsInputs(v) ? gated(v, verdict) : v));
    return Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, containsInputs(v) ? gated(v, verdict) : v]));
}

function containsInputs(value: unknown): boolean {
    if (pulumi.Output.isInstance(value) || value instanceof Promise) return true;
    if (value === null || typeof value !== "object") return false;
    return Object.values(value).some(containsInputs);
}

/** Loads and validates the environment's pack config; a config error names its key before anything is registered. */
export function gateConfig(environment: string): { file: string; config: PackConfig } {
    const file = packConfigFile(environment);
    try {
        return { file, config: loadPackConfig(file) };
    } catch (e) {
        if (e instanceof PackConfigError) throw e;
        throw new pulumi.RunError(`policy gate: ${(e as Error).message}`);
    }
}

/**
 * The transformation. Custom resources only (components hold no inputs a rule judges);
 * provider resources are skipped.
 */
export function policyGate(environment: string): pulumi.ResourceTransformation {
    const { file, config } = gateConfig(environment);
    return (args) => {
        if (!(args.resource instanceof pulumi.CustomResource) || args.type.startsWith("pulumi:providers:")) return undefined;
        const verdict = resolveWithUnknowns(args.props).then(async (resolved) => {
            const res: InputResource = { type: args.type, name: args.name, props: resolved as Record<string, unknown> };
            const refusals = await gateRefusals(allRules, config, res, { isUnknown: pulumi.isUnknown });
            if (refusals.length) throw new PolicyGateError(refusals, file);
        });
        // Never an unhandled rejection of its own: the gated inputs carry it to the registration.
        verdict.catch(() => undefined);
        const props = Object.fromEntries(Object.entries(args.props).map(([k, v]) => [k, gated(v, verdict)]));
        return { props, opts: args.opts };
    };
}
