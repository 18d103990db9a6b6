/**
 * Rule definitions: each rule is a pure check over plain objects plus metadata; `resourceRule`
 * and `stackRule` turn it into a CrossGuard policy. The same policy objects serve the pack
 * (policy/index.ts) and `npm run policy:check` (tools/policy-check.ts via lib/harness.ts).
 */
import type {
    EnforcementLevel,
    PolicyConfigSchema,
    ReportViolation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { clone, describe as describeK8s, Json, K8sObject, parseK8sType } from "./k8s";

export type Area =
    | "pod-security" | "secrets" | "resources" | "health" | "availability" | "storage"
    | "images" | "network" | "rbac" | "hygiene" | "observability" | "eks" | "process";

interface RuleMeta<C> {
    /** kebab-case, unique across the pack. */
    name: string;
    area: Area;
    description: string;
    severity: Severity;
    /** How to fix a violation (shown by Pulumi and in the README). */
    remediationSteps: string;
    /** Level when no config names the rule: the dev level (see config/dev.json). */
    enforcementLevel: EnforcementLevel;
    /** Knob defaults (also published as the `configSchema` defaults). */
    defaults?: C;
    /** One-line description per knob; every knob needs one. */
    knobs?: { [K in keyof C]: string };
}

export interface ResourceContext {
    /** Pulumi type token. */
    type: string;
    /** Pulumi resource name (used for non-Kubernetes resources). */
    name: string;
    stackTags: ReadonlyMap<string, string>;
}

export interface ResourceRuleSpec<C> extends RuleMeta<C> {
    /** Which type tokens the rule inspects. */
    appliesTo: (type: string) => boolean;
    /** Messages for every violation (without the resource prefix); empty when compliant. */
    check: (props: Json, config: C, ctx: ResourceContext) => string[];
    /** Returns fixed props (a copy) or undefined when nothing needs changing. */
    remediate?: (props: Json, config: C) => Json | undefined;
}

/** One resource as a stack rule sees it. */
export interface StackItem {
    type: string;
    name: string;
    urn: string;
    props: Json;
    /** The props as a Kubernetes object, for `kubernetes:*` types. */
    obj?: K8sObject;
}

export interface StackViolation {
    message: string;
    urn?: string;
}

export interface StackRuleSpec<C> extends RuleMeta<C> {
    /** Undefined when the rule cannot judge this stack (reported as not applicable). */
    check: (items: StackItem[], config: C, ctx: { stackTags: ReadonlyMap<string, string>; now: Date }) => StackViolation[] | undefined;
}

/** A pack rule: the CrossGuard policy plus what tests and the CLI need to know about it. */
export interface PlatformRule {
    policy: ResourceValidationPolicy | StackValidationPolicy;
    area: Area;
    scope: "resource" | "stack";
    /** For resource rules: whether a type token is inspected. */
    appliesTo?: (type: string) => boolean;
    /** Whether `remediateResource` is offered. */
    remediates: boolean;
}

/** How a message names a resource: `Deployment ns/name` for Kubernetes, `<token> <name>` otherwise. */
export function describeResource(type: string, name: string, props: Json): string {
    if (parseK8sType(type) && props && typeof props === "object") {
        return describeK8s({ ...props, kind: props.kind ?? parseK8sType(type)!.kind } as K8sObject);
    }
    return `${type} ${name}`;
}

/** The CrossGuard `configSchema` derived from a rule's knob defaults and descriptions. */
export function configSchemaOf<C>(defaults: C | undefined, knobs: { [K in keyof C]: string } | undefined): PolicyConfigSchema | undefined {
    if (!defaults || !knobs) return undefined;
    const properties: PolicyConfigSchema["properties"] = {};
    for (const key of Object.keys(knobs) as (keyof C & string)[]) {
        const d = (defaults as Record<string, unknown>)[key];
        const type = Array.isArray(d) ? "array" : typeof d === "number" ? (Number.isInteger(d) ? "integer" : "number") : typeof d === "boolean" ? "boolean" : "string";
        properties[key] = {
            type,
            description: knobs[key],
            ...(type === "array" ? { items: { type: "string" } } : {}),
            default: d as never,
        };
    }
    return { properties };
}

/** `Deployment/ns/name`, `ClusterRole/name` or `<token>/<name>`: the CLI's resource column. */
export function resourceRef(type: string, name: string, props: Json): string {
    const k = parseK8sType(type);
    if (k && props && typeof props === "object") {
        const kind = props.kind ?? k.kind;
        return describeK8s({ ...props, kind } as K8sObject).replace(" ", "/");
    }
    return `${type}/${name}`;
}

function withDefaults<C>(defaults: C | undefined, given: object): C {
    return { ...(defaults ?? {}), ...given } as C;
}

/**
 * Every rule takes `exemptNames`: resources it deliberately does not judge, named
 * `namespace/name` (Kubernetes, namespaced), `name` (cluster-scoped) or the Pulumi resource
 * name (other providers). An exemption lives in the environment's config file, next to the
 * rule it weakens, and each one is justified in policy/README.md ("Exemptions").
 */
export const EXEMPT_KNOB = "exemptNames";
const EXEMPT_DESCRIPTION = "namespace/name (or cluster-scoped name, or Pulumi name) of resources this rule deliberately does not judge; justify each in policy/README.md";

/** The identity an exemption names. */
export function exemptionKey(type: string, name: string, props: Json): string {
    if (parseK8sType(type) && props && typeof props === "object" && props.metadata?.name) {
        return props.metadata.namespace ? `${props.metadata.namespace}/${props.metadata.name}` : String(props.metadata.name);
    }
    return name;
}

function exemptions(config: object): string[] {
    const list = (config as Record<string, unknown>)[EXEMPT_KNOB];
    return Array.isArray(list) ? list.map(String) : [];
}

/** Knob defaults and descriptions with the universal exemption list added. */
function withExemptKnob<C>(defaults: C | undefined, knobs: { [K in keyof C]: string } | undefined): { defaults: C; knobs: { [K in keyof C]: string } } {
    return {
        defaults: { [EXEMPT_KNOB]: [], ...(defaults ?? {}) } as C,
        knobs: { [EXEMPT_KNOB]: EXEMPT_DESCRIPTION, ...(knobs ?? {}) } as { [K in keyof C]: string },
    };
}

export function resourceRule<C extends object = Record<string, never>>(spec: ResourceRuleSpec<C>): PlatformRule {
    const meta = {
        name: spec.name,
        description: spec.description,
        severity: spec.severity,
        remediationSteps: spec.remediationSteps,
        enforcementLevel: spec.enforcementLevel,
    };
    const knobbed = withExemptKnob(spec.defaults, spec.knobs);
    Object.assign(meta, { configSchema: configSchemaOf(knobbed.defaults, knobbed.knobs) });
    const policy: ResourceValidationPolicy = {
        ...meta,
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            if (!spec.appliesTo(args.type)) args.notApplicable(`${spec.name} does not inspect ${args.type}`);
            const config = withDefaults<C>(knobbed.defaults, args.getConfig<object>());
            if (exemptions(config).includes(exemptionKey(args.type, args.name, args.props))) return;
            const subject = describeResource(args.type, args.name, args.props);
            for (const m of spec.check(args.props, config, { type: args.type, name: args.name, stackTags: args.stackTags })) {
                report(`${subject}: ${m}`);
            }
        },
    };
    if (spec.remediate) {
        const remediate = spec.remediate;
        policy.remediateResource = (args: ResourceValidationArgs) => {
            if (!spec.appliesTo(args.type)) args.notApplicable(`${spec.name} does not inspect ${args.type}`);
            const config = withDefaults<C>(knobbed.defaults, args.getConfig<object>());
            if (exemptions(config).includes(exemptionKey(args.type, args.name, args.props))) return undefined;
            return remediate(clone(args.props), config);
        };
    }
    return { policy, area: spec.area, scope: "resource", appliesTo: spec.appliesTo, remediates: !!spec.remediate };
}

/** Resources of a stack as plain items (Kubernetes props also exposed as objects). */
export function stackItems(args: StackValidationArgs): StackItem[] {
    return args.resources.map((r) => {
        const k = parseK8sType(r.type);
        const item: StackItem = { type: r.type, name: r.name, urn: r.urn, props: r.props };
        if (k && r.props && typeof r.props === "object") {
            item.obj = { ...r.props, apiVersion: r.props.apiVersion ?? `${k.group === "core" ? "" : k.group + "/"}${k.version}`, kind: r.props.kind ?? k.kind } as K8sObject;
        }
        return item;
    });
}

export function stackRule<C extends object = Record<string, never>>(spec: StackRuleSpec<C>): PlatformRule {
    const knobbed = withExemptKnob(spec.defaults, spec.knobs);
    const policy: StackValidationPolicy = {
        name: spec.name,
        description: spec.description,
        severity: spec.severity,
        remediationSteps: spec.remediationSteps,
        enforcementLevel: spec.enforcementLevel,
        configSchema: configSchemaOf(knobbed.defaults, knobbed.knobs),
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const config = withDefaults<C>(knobbed.defaults, args.getConfig<object>());
            // Exempt resources are not judged; they still count as context (e.g. an exempt workload's PDB).
            const exempt = new Set(exemptions(config));
            const items = stackItems(args);
            const exemptUrns = new Set(items.filter((i) => exempt.has(exemptionKey(i.type, i.name, i.props))).map((i) => i.urn));
            const found = spec.check(items, config, { stackTags: args.stackTags, now: new Date() })?.filter((v) => !v.urn || !exemptUrns.has(v.urn));
            if (found === undefined) args.notApplicable(`${spec.name}: nothing in this stack to judge`);
            for (const v of found) report(v.message, v.urn);
        },
    };
    return { policy, area: spec.area, scope: "stack", remediates: false };
}

/** Kubernetes objects of a stack with their URNs. */
export function k8sItems(items: StackItem[]): (StackItem & { obj: K8sObject })[] {
    return items.filter((i): i is StackItem & { obj: K8sObject } => i.obj !== undefined);
}

