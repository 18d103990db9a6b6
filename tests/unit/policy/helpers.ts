/**
 * Test helpers: run one policy by hand-built ResourceValidationArgs/StackValidationArgs (the
 * harness in policy/lib: real isType, getConfig, throwing notApplicable). Never constructs a
 * PolicyPack, whose constructor starts a gRPC server.
 */
import * as fs from "fs";
import * as path from "path";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { InputResource, PackConfig, policyKnobs, RuleOutcome, runResourcePolicy, runStackPolicy } from "../../../policy/lib/harness";
import { PlatformRule } from "../../../policy/lib/rule";
import { allRules } from "../../../policy/rules/all";

export const POLICY_DIR = path.resolve(__dirname, "../../../policy");

export function loadConfig(stack: "dev" | "prod"): PackConfig {
    return JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "config", `${stack}.json`), "utf8"));
}

export const PROD = loadConfig("prod");
export const DEV = loadConfig("dev");

export function rule(name: string): PlatformRule {
    const r = allRules.find((x) => x.policy.name === name);
    if (!r) throw new Error(`no policy named ${name}`);
    return r;
}

/** Runs a resource policy on one resource with the knobs of `config` (prod by default). */
export function checkResource(name: string, res: InputResource, config: PackConfig = PROD, tags?: Map<string, string>): Promise<RuleOutcome> {
    const r = rule(name);
    if (r.scope !== "resource") throw new Error(`${name} is a stack policy`);
    return runResourcePolicy(r.policy as ResourceValidationPolicy, res, policyKnobs(name, config), tags);
}

/** Runs a stack policy over resources with the knobs of `config` (prod by default). */
export function checkStack(name: string, resources: InputResource[], config: PackConfig = PROD, tags?: Map<string, string>): Promise<RuleOutcome> {
    const r = rule(name);
    if (r.scope !== "stack") throw new Error(`${name} is a resource policy`);
    return runStackPolicy(r.policy as StackValidationPolicy, resources, policyKnobs(name, config), tags);
}

export { find } from "../../../policy/examples/compliant";
