/**
 * The in-process policy gate: the pack's resource rules evaluated by the program itself on each
 * resource's inputs before it is registered, at the levels of the stack's own pack config. A
 * `pulumi preview`/`up` without `--policy-pack` (or with another environment's config) still
 * refuses a resource that breaks a mandatory rule. Stack rules (quorum PDBs, coverage, backups)
 * need the whole stack and gate through the pack, which `npm run preview|up -- --stack X` attach.
 *
 * Pure: the program (stacks/policy-gate.ts) resolves the inputs and calls `gateRefusals`.
 */
import * as fs from "fs";
import * as path from "path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { asRunError, levelOf } from "./config";
import { InputResource, PackConfig, policyKnobs, runResourcePolicy } from "./harness";
import { Json } from "./k8s";
import { PlatformRule } from "./rule";

/**
 * The pack config the gate applies for an environment: the one the wrappers attach, read from the
 * pack's source directory (policy/config/) also when this module runs from the tsc build (build/policy/lib/).
 */
export function packConfigFile(environment: string): string {
    return path.join(packDir(), "config", `${environment}.json`);
}

/** The pack's directory: the nearest ancestor of this module's directory holding PulumiPolicy.yaml or policy/PulumiPolicy.yaml. */
function packDir(): string {
    for (let dir = path.resolve(__dirname); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "PulumiPolicy.yaml"))) return dir;
        if (fs.existsSync(path.join(dir, "policy", "PulumiPolicy.yaml"))) return path.join(dir, "policy");
        if (path.dirname(dir) === dir) throw new Error(`no PulumiPolicy.yaml above ${__dirname}`);
    }
}

export interface Refusal {
    rule: string;
    /** `Deployment ns/name: message`, as the pack reports it. */
    message: string;
    remediation?: string;
}

/** Thrown (as the rejection of the gated inputs) when a resource breaks a mandatory rule. */
export class PolicyGateError extends Error {
    constructor(
        public readonly refusals: Refusal[],
        public readonly configFile: string,
    ) {
        super(formatRefusals(refusals, configFile));
        this.name = "PolicyGateError";
        asRunError(this);
        // The SDK prefixes the message of an input's rejection with `error serializing property "x": `;
        // the refusal is about the resource, not one property, so the message stays as written.
        const message = this.message;
        Object.defineProperty(this, "message", { get: () => message, set: () => undefined, enumerable: false, configurable: true });
    }
}

/** One line per refusal, `[mandatory] <rule>: <resource>: <message>`, the way the pack labels violations. */
export function formatRefusals(refusals: Refusal[], configFile: string): string {
    const lines = refusals.map((r) => `[mandatory] ${r.rule}: ${r.message}${r.remediation ? ` (fix: ${r.remediation})` : ""}`);
    return `policy gate (${path.relative(process.cwd(), configFile) || configFile}) refuses to deploy:\n  ${lines.join("\n  ")}`;
}

/** Reading an input that is not known yet (preview): the rule cannot judge it now. */
export class UnknownInputError extends Error {}

/**
 * A read-only view of resolved inputs in which reading a value that is still unknown throws
 * UnknownInputError (what CrossGuard does during preview): a rule that needs it is skipped,
 * the others still judge the known parts.
 */
export function unknownChecking(value: Json, isUnknown: (v: unknown) => boolean): Json {
    if (isUnknown(value)) throw new UnknownInputError("unknown input");
    if (value === null || typeof value !== "object") return value;
    return new Proxy(value, {
        get(target, prop, receiver) {
            const v = Reflect.get(target, prop, receiver);
            if (typeof prop === "symbol") return v;
            return unknownChecking(v, isUnknown);
        },
        set() {
            throw new TypeError("the gate's view of resource inputs is read-only");
        },
    });
}

function containsUnknown(v: Json, isUnknown: (v: unknown) => boolean): boolean {
    if (isUnknown(v)) return true;
    if (v === null || typeof v !== "object") return false;
    return Object.values(v).some((x) => containsUnknown(x, isUnknown));
}

const refusing = new WeakMap<object, { rules: PlatformRule[]; list: PlatformRule[] }>();
/** Resource rules at mandatory or remediate under `config` (cached per config object and rule list). */
export function refusingRules(rules: PlatformRule[], config: PackConfig): PlatformRule[] {
    const hit = refusing.get(config);
    if (hit && hit.rules === rules) return hit.list;
    const list = rules.filter((r) => r.scope === "resource" && ["mandatory", "remediate"].includes(levelOf(r.policy, config as Record<string, unknown>)));
    refusing.set(config, { rules, list });
    return list;
}

/**
 * The mandatory (or remediate: the gate cannot fix, so it refuses) resource-rule violations of
 * one resource under `config`. Rules that read an unknown input are skipped (`skipped`).
 */
export async function gateRefusals(
    rules: PlatformRule[],
    config: PackConfig,
    res: InputResource,
    opts: { stackTags?: ReadonlyMap<string, string>; isUnknown?: (v: unknown) => boolean; skipped?: (rule: string) => void } = {},
): Promise<Refusal[]> {
    const out: Refusal[] = [];
    const isUnknown = opts.isUnknown;
    // The read-guard costs a Proxy per access: only inputs that hold an unknown need it.
    const props = isUnknown && containsUnknown(res.props, isUnknown) ? unknownChecking(res.props, isUnknown) : res.props;
    for (const r of refusingRules(rules, config)) {
        if (!r.appliesTo?.(res.type)) continue;
        try {
            const o = await runResourcePolicy(r.policy as ResourceValidationPolicy, { ...res, props }, policyKnobs(r.policy.name, config), opts.stackTags);
            for (const m of o.messages)
                out.push({ rule: r.policy.name, message: m.message, ...(r.policy.remediationSteps ? { remediation: r.policy.remediationSteps } : {}) });
        } catch (e) {
            if (e instanceof UnknownInputError) {
                opts.skipped?.(r.policy.name);
                continue;
            }
            throw e;
        }
    }
    return out;
}
