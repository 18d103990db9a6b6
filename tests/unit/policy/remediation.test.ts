/** remediateResource on the pod-hardening rules fills a missing securityContext like the components do. */
import * as assert from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { fromK8sObject, resourceArgs } from "../../../policy/lib/harness";
import { Json } from "../../../policy/lib/k8s";
import { allRules } from "../../../policy/rules/all";
import { checkResource, rule } from "./helpers";

const HARDENING = ["sec-no-privilege-escalation", "sec-run-as-non-root", "sec-readonly-rootfs", "sec-drop-all-caps", "sec-seccomp"];

function bareDeployment(): Json {
    return {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "legacy", namespace: "agents" },
        spec: {
            selector: { matchLabels: { app: "legacy" } },
            template: {
                metadata: { labels: { app: "legacy" } },
                spec: {
                    containers: [{ name: "app", image: "ghcr.io/x/legacy:1.0" }],
                    initContainers: [{ name: "init", image: "ghcr.io/x/init:1.0", securityContext: { capabilities: { drop: ["NET_RAW"] } } }],
                },
            },
        },
    };
}

async function remediate(name: string, obj: Json): Promise<Json | undefined> {
    const p = rule(name).policy as ResourceValidationPolicy;
    return p.remediateResource!(resourceArgs(fromK8sObject(obj)));
}

describe("policy remediation", () => {
    it("GIVEN the pack THEN exactly the pod-hardening rules offer remediateResource", () => {
        assert.deepStrictEqual(
            allRules
                .filter((r) => r.remediates)
                .map((r) => r.policy.name)
                .sort(),
            [...HARDENING].sort(),
        );
    });

    it("GIVEN a Deployment without securityContext WHEN every hardening remediation runs THEN the result matches the components' defaults and passes", async () => {
        let obj = bareDeployment();
        for (const name of HARDENING) obj = (await remediate(name, obj)) ?? obj;
        const spec = obj.spec.template.spec;
        assert.deepStrictEqual(spec.securityContext, { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } });
        assert.deepStrictEqual(spec.containers[0].securityContext, {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
        assert.deepStrictEqual(spec.initContainers[0].securityContext.capabilities.drop, ["NET_RAW", "ALL"]);
        for (const name of HARDENING) assert.deepStrictEqual((await checkResource(name, fromK8sObject(obj))).messages, [], name);
    });

    it("GIVEN explicit settings WHEN remediated THEN they are kept (opt-outs stay visible) and the input is not mutated", async () => {
        const obj = bareDeployment();
        obj.spec.template.spec.securityContext = { runAsUser: 2000 };
        obj.spec.template.spec.containers[0].securityContext = { readOnlyRootFilesystem: false };
        const before = JSON.stringify(obj);
        const out = await remediate("sec-run-as-non-root", obj);
        assert.strictEqual(out.spec.template.spec.securityContext.runAsUser, 2000);
        const ro = await remediate("sec-readonly-rootfs", obj);
        assert.strictEqual(ro.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem, false);
        assert.strictEqual(ro.spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem, true);
        assert.strictEqual(JSON.stringify(obj), before);
    });

    it("GIVEN a compliant CronJob WHEN remediated THEN nothing changes (undefined)", async () => {
        const cron = {
            apiVersion: "batch/v1",
            kind: "CronJob",
            metadata: { name: "c", namespace: "agents" },
            spec: {
                jobTemplate: {
                    spec: {
                        template: { spec: { securityContext: { seccompProfile: { type: "RuntimeDefault" } }, containers: [{ name: "c", image: "x:1" }] } },
                    },
                },
            },
        };
        assert.strictEqual(await remediate("sec-seccomp", cron), undefined);
    });
});
