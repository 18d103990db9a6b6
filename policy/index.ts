/**
 * The agent-platform CrossGuard policy pack.
 *
 *   pulumi preview --policy-pack policy --policy-pack-config policy/config/prod.json
 *
 * Rules live in rules/<area>.ts as pure checks over resource inputs; `npm run policy:check`
 * (tools/policy-check.ts) runs the very same policy objects over rendered YAML.
 */
import { PolicyPack } from "@pulumi/policy";
import { allRules } from "./rules/all";

new PolicyPack("agent-platform", {
    description:
        "agent-platform production checklist: Pod Security restricted, availability (HPA/PDB/Raft/singletons), data safety, network isolation, RBAC, EKS hardening",
    // Rules carry their own (dev) level; config/prod.json raises the checklist to mandatory.
    policies: allRules.map((r) => r.policy),
});
