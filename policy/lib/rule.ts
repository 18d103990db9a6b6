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
import { Exemption, isIsoDate, KnobCheck, knobProblems, PackConfigError, RuleSchema, UNIVERSAL_KNOBS } from "./config";
import { frameworkOf } from "./frameworks";
import { TITLES } from "./titles";
import { clone, describe as describeK8s, Json, K8sObject, parseK8sType } from "./k8s";

export type Area =
    | "pod-security"
    | "secrets"
    | "resources"
    | "health"
    | "availability"
    | "storage"
    | "images"
    | "network"
    | "rbac"
    | "hygiene"
    | "observability"
    | "eks"
    | "process";

interface RuleMeta<C> {
    /** kebab-case, unique across the pack. */
    name: string;
    area: Area;
    /** A short title (CrossGuard displayName); derived from the description when omitted. */
    displayName?: string;
    description: string;
    severity: Severity;
    /** How to fix a violation (shown by Pulumi, printed with each finding by policy:check). */
    remediationSteps: string;
    /** Level when no config names the rule: the dev level (see config/dev.json). */
    enforcementLevel: EnforcementLevel;
    /** Knob defaults (also published as the `configSchema` defaults). */
    defaults?: C;
    /** One-line description per knob; every knob needs one. */
    knobs?: { [K in keyof C]: string };
    /** Extra constraints per knob (enum, quantity, range), beyond the type of its default. */
    checks?: { [K in keyof C]?: KnobCheck };
    /** Constraints that hold while the rule is enabled (e.g. an allow-list that must list something). */
    whenEnabled?: (knobs: C) => { key: string; message: string }[];
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
    check: (
        items: StackItem[],
        config: C,
        ctx: { stackTags: ReadonlyMap<string, string>; now: Date; exempt: (urn: string) => boolean },
    ) => StackViolation[] | undefined;
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
    /** Knob types, defaults and constraints: what the config validator checks. */
    schema: RuleSchema;
}

/** Where each rule is documented: an anchor in policy/README.md. */
export const RULE_DOCS = "policy/README.md";
export function ruleUrl(name: string): string {
    return `${RULE_DOCS}#${name}`;
}

/** A short title from the description: its first clause. */
export function titleOf(description: string): string {
    const first = description.split(/(?<=\.)\s|: | \(/)[0].replace(/\.$/, "");
    return first.length <= 80 ? first : `${first.slice(0, 77)}...`;
}

/** How a message names a resource: `Deployment ns/name` for Kubernetes, `<token> <name>` otherwise. */
export function describeResource(type: string, name: string, props: Json): string {
    if (parseK8sType(type) && props && typeof props === "object") {
        return describeK8s({ ...props, kind: props.kind ?? parseK8sType(type)!.kind } as K8sObject);
    }
    return `${type} ${name}`;
}

const EXEMPTION_SCHEMA = {
    type: "object",
    properties: {
        name: { type: "string", minLength: 1 },
        reason: { type: "string", minLength: 1 },
        expires: { type: "string", pattern: "^\\d{4}-\\d{2}-\\d{2}$" },
    },
    required: ["name", "reason"],
    additionalProperties: false,
};

/** The CrossGuard `configSchema` derived from a rule's knob defaults and descriptions. */
export function configSchemaOf<C>(defaults: C | undefined, knobs: { [K in keyof C]: string } | undefined): PolicyConfigSchema | undefined {
    if (!defaults || !knobs) return undefined;
    const properties: PolicyConfigSchema["properties"] = {};
    for (const key of Object.keys(knobs) as (keyof C & string)[]) {
        const d = (defaults as Record<string, unknown>)[key];
        const type = Array.isArray(d)
            ? "array"
            : typeof d === "number"
              ? Number.isInteger(d)
                  ? "integer"
                  : "number"
              : typeof d === "boolean"
                ? "boolean"
                : "string";
        properties[key] = {
            type,
            description: knobs[key],
            ...(type === "array" ? { items: key === "exemptions" ? EXEMPTION_SCHEMA : { type: "string" } } : {}),
            ...(d === undefined ? {} : { default: d as never }),
        } as never;
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

/** Annotation that exempts one object from one rule; its value is the reason. */
export const EXEMPT_ANNOTATION_PREFIX = "agent-platform.io/policy-exempt.";

/** The identity a config exemption names. */
export function exemptionKey(type: string, name: string, props: Json): string {
    if (parseK8sType(type) && props && typeof props === "object" && props.metadata?.name) {
        return props.metadata.namespace ? `${props.metadata.namespace}/${props.metadata.name}` : String(props.metadata.name);
    }
    return name;
}

export interface ExemptionState {
    /** The rule does not judge this resource. */
    exempt: boolean;
    /** Reported as violations of the rule (an expired exemption, an annotation without a reason). */
    problems: string[];
}

const NOT_EXEMPT: ExemptionState = Object.freeze({ exempt: false, problems: Object.freeze([]) as unknown as string[] });

/** The date exemptions expire against: only read when a rule has config exemptions. */
function exemptionDate(exemptions: Exemption[]): Date {
    return exemptions.length ? new Date() : EPOCH;
}
const EPOCH = new Date(0);

/** A type predicate asked once per distinct type token (`appliesTo` is a function of the token). */
function perType(appliesTo: (type: string) => boolean): (type: string) => boolean {
    const seen = new Map<string, boolean>();
    return (type) => {
        let v = seen.get(type);
        if (v === undefined) {
            v = appliesTo(type);
            if (seen.size < 10_000) seen.set(type, v);
        }
        return v;
    };
}

/**
 * Whether `rule` judges a resource: a config exemption `{name, reason, expires?}` or an object
 * annotation `agent-platform.io/policy-exempt.<rule>: "<reason>"` exempts it. An expired
 * exemption, or an annotation without a reason, exempts nothing and is itself a violation.
 */
export function exemptionState(rule: string, exemptions: Exemption[], type: string, name: string, props: Json, now: Date): ExemptionState {
    // The common case, asked rules x resources times: nothing can exempt this resource.
    if (exemptions.length === 0 && (props?.metadata?.annotations === undefined || props.metadata.annotations === null)) return NOT_EXEMPT;
    const problems: string[] = [];
    let exempt = false;
    const key = exemptions.length ? exemptionKey(type, name, props) : "";
    let today: string | undefined; // formatted once an exemption names this resource
    for (const e of exemptions) {
        if (e.name !== key) continue;
        today ??= now.toISOString().slice(0, 10);
        if (e.expires && isIsoDate(e.expires) && e.expires < today)
            problems.push(`exemption from ${rule} expired on ${e.expires} ("${e.reason}"); renew it with a new date or fix the resource`);
        else exempt = true;
    }
    const annotations = props?.metadata?.annotations;
    const ann = annotations && parseK8sType(type) ? annotations[EXEMPT_ANNOTATION_PREFIX + rule] : undefined;
    if (ann !== undefined) {
        if (typeof ann === "string" && ann.trim() !== "") exempt = true;
        else
            problems.push(
                `annotation ${EXEMPT_ANNOTATION_PREFIX}${rule} gives no reason, so it exempts nothing; its value must say why the rule does not apply`,
            );
    }
    return { exempt, problems };
}

/** Knob defaults and descriptions with the universal knobs (exemptions, reason) added. */
function withUniversalKnobs<C>(defaults: C | undefined, knobs: { [K in keyof C]: string } | undefined): { defaults: C; knobs: { [K in keyof C]: string } } {
    return {
        defaults: { exemptions: [], reason: "", ...(defaults ?? {}) } as C,
        knobs: { ...UNIVERSAL_KNOBS, ...(knobs ?? {}) } as unknown as { [K in keyof C]: string },
    };
}

/** The validator's view of a rule. */
function schemaOf<C>(spec: RuleMeta<C>): RuleSchema {
    return {
        name: spec.name,
        defaults: { ...(spec.defaults ?? {}) } as Record<string, unknown>,
        ...(spec.checks ? { checks: spec.checks as Record<string, KnobCheck> } : {}),
        ...(spec.whenEnabled ? { whenEnabled: spec.whenEnabled as unknown as RuleSchema["whenEnabled"] } : {}),
    };
}

/**
 * The knobs a policy was handed, checked against its schema (the engine validates types but
 * not unknown keys): a typo fails the preview with the key's name instead of silently
 * weakening the rule.
 */
function checkedKnobs<C>(schema: RuleSchema, defaults: C, given: object): C & { exemptions: Exemption[] } {
    // One check per knobs object: a policy's config is handed to it for every resource.
    const seen = CHECKED.get(given);
    if (seen?.schema === schema) return seen.knobs as C & { exemptions: Exemption[] };
    const problems = knobProblems(schema, given as Record<string, unknown>, "advisory");
    if (problems.length) throw new PackConfigError("(pulumi policy config)", problems);
    const knobs = withDefaults(defaults, given) as C & { exemptions: Exemption[] };
    CHECKED.set(given, { schema, knobs });
    return knobs;
}
const CHECKED = new WeakMap<object, { schema: RuleSchema; knobs: unknown }>();

/** CrossGuard metadata shared by resource and stack policies. */
function metadataOf<C>(spec: RuleMeta<C>) {
    const framework = frameworkOf(spec.name);
    return {
        name: spec.name,
        displayName: spec.displayName ?? TITLES[spec.name] ?? titleOf(spec.description),
        description: spec.description,
        severity: spec.severity,
        remediationSteps: spec.remediationSteps,
        enforcementLevel: spec.enforcementLevel,
        tags: [spec.area],
        url: ruleUrl(spec.name),
        ...(framework ? { framework } : {}),
    };
}

export function resourceRule<C extends object = Record<string, never>>(spec: ResourceRuleSpec<C>): PlatformRule {
    const knobbed = withUniversalKnobs(spec.defaults, spec.knobs);
    const schema = schemaOf(spec);
    const appliesTo = perType(spec.appliesTo);
    const policy: ResourceValidationPolicy = {
        ...metadataOf(spec),
        configSchema: configSchemaOf(knobbed.defaults, knobbed.knobs),
        validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
            if (!appliesTo(args.type)) args.notApplicable(`${spec.name} does not inspect ${args.type}`);
            const config = checkedKnobs(schema, knobbed.defaults, args.getConfig<object>());
            // The resource is described only when there is something to report (most pairs report nothing).
            const ex = exemptionState(spec.name, config.exemptions, args.type, args.name, args.props, exemptionDate(config.exemptions));
            if (ex.problems.length) {
                const subject = describeResource(args.type, args.name, args.props);
                for (const m of ex.problems) report(`${subject}: ${m}`);
            }
            if (ex.exempt) return;
            const messages = spec.check(args.props, config, { type: args.type, name: args.name, stackTags: args.stackTags });
            if (messages.length) {
                const subject = describeResource(args.type, args.name, args.props);
                for (const m of messages) report(`${subject}: ${m}`);
            }
        },
    };
    if (spec.remediate) {
        const remediate = spec.remediate;
        policy.remediateResource = (args: ResourceValidationArgs) => {
            if (!appliesTo(args.type)) args.notApplicable(`${spec.name} does not inspect ${args.type}`);
            const config = checkedKnobs(schema, knobbed.defaults, args.getConfig<object>());
            if (exemptionState(spec.name, config.exemptions, args.type, args.name, args.props, exemptionDate(config.exemptions)).exempt) return undefined;
            return remediate(clone(args.props), config);
        };
    }
    return { policy, area: spec.area, scope: "resource", appliesTo, remediates: !!spec.remediate, schema };
}

/** Resources of a stack as plain items (Kubernetes props also exposed as objects). */
export function stackItems(args: StackValidationArgs): StackItem[] {
    // policy:check hands every stack rule the same list: build the items once for it.
    const seen = STACK_ITEMS.get(args.resources);
    if (seen && seen.length === args.resources.length) return seen;
    const items = args.resources.map((r) => {
        const k = parseK8sType(r.type);
        const item: StackItem = { type: r.type, name: r.name, urn: r.urn, props: r.props };
        if (k && r.props && typeof r.props === "object") {
            item.obj = {
                ...r.props,
                apiVersion: r.props.apiVersion ?? `${k.group === "core" ? "" : k.group + "/"}${k.version}`,
                kind: r.props.kind ?? k.kind,
            } as K8sObject;
        }
        return item;
    });
    STACK_ITEMS.set(args.resources, items);
    return items;
}
const STACK_ITEMS = new WeakMap<StackValidationArgs["resources"], StackItem[]>();

export function stackRule<C extends object = Record<string, never>>(spec: StackRuleSpec<C>): PlatformRule {
    const knobbed = withUniversalKnobs(spec.defaults, spec.knobs);
    const schema = schemaOf(spec);
    const policy: StackValidationPolicy = {
        ...metadataOf(spec),
        configSchema: configSchemaOf(knobbed.defaults, knobbed.knobs),
        validateStack: (args: StackValidationArgs, report: ReportViolation) => {
            const config = checkedKnobs(schema, knobbed.defaults, args.getConfig<object>());
            const now = new Date();
            // Exempt resources are not judged; they still count as context (e.g. an exempt workload's PDB).
            const items = stackItems(args);
            const exemptUrns = new Set<string>();
            const problems: StackViolation[] = [];
            for (const i of items) {
                const ex = exemptionState(spec.name, config.exemptions, i.type, i.name, i.props, now);
                if (ex.exempt) exemptUrns.add(i.urn);
                for (const m of ex.problems) problems.push({ message: `${describeResource(i.type, i.name, i.props)}: ${m}`, urn: i.urn });
            }
            const found = spec
                .check(items, config, { stackTags: args.stackTags, now, exempt: (urn) => exemptUrns.has(urn) })
                ?.filter((v) => !v.urn || !exemptUrns.has(v.urn));
            for (const v of problems) report(v.message, v.urn);
            if (found === undefined) {
                if (problems.length === 0) args.notApplicable(`${spec.name}: nothing in this stack to judge`);
                return;
            }
            for (const v of found) report(v.message, v.urn);
        },
    };
    return { policy, area: spec.area, scope: "stack", remediates: false, schema };
}

/**
 * Items grouped by a key, each group in stack order: a stack rule that looks up, per workload,
 * the objects of its namespace (or the one it names) reads one group instead of the whole stack,
 * so its cost stays linear in the stack's size.
 */
export function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
    const groups = new Map<string, T[]>();
    for (const item of items) {
        const k = key(item);
        if (k === undefined) continue;
        const g = groups.get(k);
        if (g) g.push(item);
        else groups.set(k, [item]);
    }
    return groups;
}

/** Kubernetes objects of a stack with their URNs. */
export function k8sItems(items: StackItem[]): (StackItem & { obj: K8sObject })[] {
    return items.filter((i): i is StackItem & { obj: K8sObject } => i.obj !== undefined);
}
