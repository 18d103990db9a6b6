/**
 * Runs the pack's policies without the Pulumi engine: builds ResourceValidationArgs and
 * StackValidationArgs by hand (real `isType`, `getConfig` from a policy config file, a throwing
 * `notApplicable`) and applies enforcement levels the way the engine does. Used by
 * `npm run policy:check` and the tests. Never constructs a PolicyPack (that starts a gRPC server).
 */
import type {
    EnforcementLevel,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { describe as describeK8s, Json, K8sObject, parseK8sType, typeToken } from "./k8s";
import { PlatformRule, resourceRef } from "./rule";

/** A resource to evaluate: a Pulumi type token, a Pulumi name and its inputs. */
export interface InputResource {
    type: string;
    name: string;
    props: Json;
    urn?: string;
    /** Where it came from (file path), for messages. */
    source?: string;
}

/** A policy config file: `{"all": level, "<policy>": level | {enforcementLevel, ...knobs}}`. */
export type PackConfig = Record<string, EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)>;

export interface Violation {
    policy: string;
    level: EnforcementLevel;
    severity?: string;
    /** `Deployment/ns/name`, `aws:eks/cluster:Cluster/prod`, or `stack`. */
    resource: string;
    urn?: string;
    message: string;
}

export class NotApplicableError extends Error {
    constructor(public readonly reason?: string) {
        super(reason ?? "not applicable");
    }
}

const PROJECT = "agent-platform";

export function urnFor(type: string, name: string, stack = "policy-check"): string {
    return `urn:pulumi:${stack}::${PROJECT}::${type}::${name}`;
}

/** A Kubernetes object as a resource: type token from apiVersion/kind, name `ns/name`. */
export function fromK8sObject(obj: K8sObject, source?: string): InputResource {
    const type = typeToken(obj);
    const name = describeK8s(obj).replace(/^\S+ /, "");
    return { type, name, props: obj, urn: urnFor(type, name), ...(source ? { source } : {}) };
}

/** The engine's isType: compares the class's `__pulumiType` (or asks `isInstance`). */
export function isTypeOf(type: string, resourceClass: Json): boolean {
    const t = resourceClass?.__pulumiType;
    if (typeof t === "string") return t === type;
    return typeof resourceClass?.isInstance === "function" && resourceClass.isInstance({ __pulumiType: type }) === true;
}

const OPTS: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

function throwNotApplicable(reason?: string): never {
    throw new NotApplicableError(reason);
}

/** Knobs for one policy from a config file (the engine passes them without enforcementLevel). */
export function policyKnobs(policyName: string, config: PackConfig): object {
    const c = config[policyName];
    if (!c || typeof c === "string") return {};
    const { enforcementLevel: _drop, ...knobs } = c;
    return knobs;
}

/** Effective level: per-policy config, else `all`, else the policy's own level, else advisory. */
export function enforcementLevelOf(policy: { name: string; enforcementLevel?: EnforcementLevel }, config: PackConfig): EnforcementLevel {
    const c = config[policy.name];
    const own = typeof c === "string" ? c : c?.enforcementLevel;
    const all = config.all;
    const allLevel = typeof all === "string" ? all : all?.enforcementLevel;
    return own ?? allLevel ?? policy.enforcementLevel ?? "advisory";
}

export function resourceArgs(res: InputResource, knobs: object = {}, stackTags: ReadonlyMap<string, string> = new Map()): ResourceValidationArgs {
    const urn = res.urn ?? urnFor(res.type, res.name);
    return {
        type: res.type,
        props: res.props,
        urn,
        name: res.name,
        opts: OPTS,
        stackTags,
        isType: (cls) => isTypeOf(res.type, cls),
        asType: ((cls: Json) => (isTypeOf(res.type, cls) ? res.props : undefined)) as ResourceValidationArgs["asType"],
        getConfig: <T extends object>() => knobs as T,
        notApplicable: throwNotApplicable,
    };
}

export function stackArgs(resources: InputResource[], knobs: object = {}, stackTags: ReadonlyMap<string, string> = new Map()): StackValidationArgs {
    return { resources: policyResourcesOf(resources), stackTags, getConfig: <T extends object>() => knobs as T, notApplicable: throwNotApplicable };
}

/** The engine's view of each resource, built once per resource list (every stack rule gets the same list). */
function policyResourcesOf(resources: InputResource[]): PolicyResource[] {
    const seen = POLICY_RESOURCES.get(resources);
    if (seen && seen.length === resources.length) return seen;
    const policyResources: PolicyResource[] = resources.map((r) => ({
        type: r.type,
        props: r.props,
        urn: r.urn ?? urnFor(r.type, r.name),
        name: r.name,
        opts: OPTS,
        dependencies: [],
        propertyDependencies: {},
        isType: (cls) => isTypeOf(r.type, cls),
        asType: ((cls: Json) => (isTypeOf(r.type, cls) ? r.props : undefined)) as PolicyResource["asType"],
    }));
    POLICY_RESOURCES.set(resources, policyResources);
    return policyResources;
}
const POLICY_RESOURCES = new WeakMap<InputResource[], PolicyResource[]>();

export interface RuleOutcome {
    /** Messages reported (empty when compliant). */
    messages: { message: string; urn?: string }[];
    /** Set when the policy declared itself not applicable. */
    notApplicable?: string;
}

/** Runs one resource policy on one resource. */
export async function runResourcePolicy(
    policy: ResourceValidationPolicy,
    res: InputResource,
    knobs: object = {},
    stackTags?: ReadonlyMap<string, string>,
): Promise<RuleOutcome> {
    return resourceOutcome(policy, res, knobs, stackTags);
}

/**
 * runResourcePolicy without a promise when every validation returns synchronously (the pack's
 * do): `evaluate` runs rules x resources of them, and a microtask each was most of its time.
 */
function resourceOutcome(
    policy: ResourceValidationPolicy,
    res: InputResource,
    knobs: object,
    stackTags?: ReadonlyMap<string, string>,
): RuleOutcome | Promise<RuleOutcome> {
    const validations =
        policy.validateResource === undefined ? [] : Array.isArray(policy.validateResource) ? policy.validateResource : [policy.validateResource];
    return validationOutcome(validations, resourceArgs(res, knobs, stackTags));
}

/** A resource policy's validations run in order on `args`: synchronously while they return nothing. */
function validationOutcome(validations: ResourceValidation[], args: ResourceValidationArgs): RuleOutcome | Promise<RuleOutcome> {
    const messages: RuleOutcome["messages"] = [];
    const report = (message: string, urn?: string) => messages.push({ message, urn: urn ?? args.urn });
    const settle = (e: unknown): RuleOutcome => {
        if (e instanceof NotApplicableError) return { messages, notApplicable: e.reason ?? "" };
        throw e;
    };
    for (let i = 0; i < validations.length; i++) {
        let r: unknown;
        try {
            r = validations[i](args, report);
        } catch (e) {
            return settle(e);
        }
        if (r && typeof (r as Promise<void>).then === "function") {
            // Asynchronous from here on: the rest of the validations in order, awaited.
            return (async () => {
                try {
                    await r;
                    for (const v of validations.slice(i + 1)) await v(args, report);
                } catch (e) {
                    return settle(e);
                }
                return { messages };
            })();
        }
    }
    return { messages };
}

/** Runs one stack policy over a set of resources. */
export async function runStackPolicy(
    policy: StackValidationPolicy,
    resources: InputResource[],
    knobs: object = {},
    stackTags?: ReadonlyMap<string, string>,
): Promise<RuleOutcome> {
    const messages: RuleOutcome["messages"] = [];
    try {
        await policy.validateStack(stackArgs(resources, knobs, stackTags), (message, urn) => messages.push({ message, urn }));
    } catch (e) {
        if (e instanceof NotApplicableError) return { messages, notApplicable: e.reason ?? "" };
        throw e;
    }
    return { messages };
}

export interface EvaluateOptions {
    config?: PackConfig;
    stackTags?: ReadonlyMap<string, string>;
    /** Evaluate only these policies. */
    only?: string[];
}

/**
 * The resources each resource rule inspects, in input order: `appliesTo` is a function of the
 * type token, so it is asked once per distinct type (a stack has few) instead of per resource.
 */
function applicableResources(resources: InputResource[]): (appliesTo: ((type: string) => boolean) | undefined) => InputResource[] {
    const byType = new Map<string, number>();
    const typeIndex = new Uint32Array(resources.length);
    const types: string[] = [];
    resources.forEach((r, i) => {
        let t = byType.get(r.type);
        if (t === undefined) {
            t = types.push(r.type) - 1;
            byType.set(r.type, t);
        }
        typeIndex[i] = t;
    });
    return (appliesTo) => {
        if (!appliesTo) return resources;
        const applies = types.map((t) => appliesTo(t));
        if (applies.every(Boolean)) return resources;
        return resources.filter((_, i) => applies[typeIndex[i]]);
    };
}

/**
 * `resourceArgs` for every resource, built once and shared by the resource rules of one
 * `evaluate`: `getConfig` hands out the knobs of the rule being run (`setKnobs`), so a rule x
 * resource pair allocates nothing but its findings.
 */
function sharedResourceArgs(resources: InputResource[], stackTags: ReadonlyMap<string, string>) {
    let knobs: object = {};
    const getConfig = <T extends object>() => knobs as T;
    const built = new Map<InputResource, ResourceValidationArgs>();
    return {
        setKnobs: (k: object) => {
            knobs = k;
        },
        argsOf: (res: InputResource): ResourceValidationArgs => {
            let args = built.get(res);
            if (!args) {
                args = { ...resourceArgs(res, {}, stackTags), getConfig };
                built.set(res, args);
            }
            return args;
        },
    };
}

/** Runs every rule (resource rules per resource, stack rules once) and returns violations. */
export async function evaluate(rules: PlatformRule[], resources: InputResource[], options: EvaluateOptions = {}): Promise<Violation[]> {
    const config = options.config ?? {};
    const out: Violation[] = [];
    const byUrn = new Map(resources.map((r) => [r.urn ?? urnFor(r.type, r.name), r]));
    const applicable = applicableResources(resources);
    const shared = sharedResourceArgs(resources, options.stackTags ?? new Map());
    for (const rule of rules) {
        const p = rule.policy;
        if (options.only && !options.only.includes(p.name)) continue;
        const level = enforcementLevelOf(p, config);
        if (level === "disabled") continue;
        const reportLevel: EnforcementLevel = level === "remediate" ? "mandatory" : level;
        const knobs = policyKnobs(p.name, config);
        const add = (message: string, urn: string | undefined, fallback: () => string) => {
            const res = urn ? byUrn.get(urn) : undefined;
            out.push({
                policy: p.name,
                level: reportLevel,
                severity: p.severity,
                resource: res ? resourceRef(res.type, res.name, res.props) : fallback(),
                ...(urn ? { urn } : {}),
                message,
            });
        };
        if (rule.scope === "resource") {
            shared.setKnobs(knobs);
            const validate = (p as ResourceValidationPolicy).validateResource;
            const validations = validate === undefined ? [] : Array.isArray(validate) ? validate : [validate];
            // validationOutcome inlined: one findings list and report function per rule, not per resource.
            const found: RuleOutcome["messages"] = [];
            let urnNow = "";
            const report = (message: string, urn?: string) => found.push({ message, urn: urn ?? urnNow });
            for (const r of applicable(rule.appliesTo)) {
                const args = shared.argsOf(r);
                urnNow = args.urn;
                found.length = 0;
                for (let i = 0; i < validations.length; i++) {
                    let ret: unknown;
                    try {
                        ret = validations[i](args, report);
                    } catch (e) {
                        if (e instanceof NotApplicableError) break; // findings before it still count
                        throw e;
                    }
                    if (ret && typeof (ret as Promise<void>).then === "function") {
                        // Asynchronous from here on: the rest of the validations in order, awaited.
                        try {
                            await ret;
                            for (const v of validations.slice(i + 1)) await v(args, report);
                        } catch (e) {
                            if (!(e instanceof NotApplicableError)) throw e;
                        }
                        break;
                    }
                }
                for (const m of found) add(m.message, m.urn, () => resourceRef(r.type, r.name, r.props));
            }
        } else {
            const o = await runStackPolicy(p as StackValidationPolicy, resources, knobs, options.stackTags);
            for (const m of o.messages) add(m.message, m.urn, () => "stack");
        }
    }
    return out;
}

/** Whether a resource type is one the pack knows how to read (Kubernetes or the AWS types it checks). */
export function isKnownType(type: string): boolean {
    return parseK8sType(type) !== undefined || type.startsWith("aws:");
}
