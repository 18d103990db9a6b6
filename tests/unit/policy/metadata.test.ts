/**
 * Every policy's CrossGuard metadata: a short whole `displayName`, `tags` holding its area, a
 * `url` whose anchor exists in policy/README.md, and a `framework` for the areas a framework
 * covers. The README's Rules table is generated (policy/lib/docs.ts) and must be current.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { anchorsOf, frameworkLabel, readmeTable, rulesTable } from "../../../policy/lib/docs";
import { FRAMEWORKS } from "../../../policy/lib/frameworks";
import { TITLES } from "../../../policy/lib/titles";
import { allRules } from "../../../policy/rules/all";
import { DEV, POLICY_DIR, PROD } from "./helpers";

const REPO_ROOT = path.resolve(POLICY_DIR, "..");
const README = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
/** The areas a compliance framework covers rule by rule. */
const FRAMEWORK_AREAS = ["pod-security", "secrets", "rbac"];
const FRAMEWORK_NAMES = ["Kubernetes Pod Security Standards", "CIS Kubernetes Benchmark", "CIS Amazon EKS Benchmark", "NSA/CISA Kubernetes Hardening Guide"];

describe("policy metadata (CrossGuard displayName, tags, url, framework)", () => {
    for (const r of allRules) {
        const p = r.policy;
        it(`GIVEN ${p.name} THEN it has a short whole title, its area as tag, a url that resolves and a framework where one applies`, () => {
            assert.ok(
                p.displayName && p.displayName.length <= 70 && p.displayName.split(" ").length >= 3,
                `${p.name}: displayName ${JSON.stringify(p.displayName)}`,
            );
            assert.ok(!/\.\.\.$|[,:;(]$/.test(p.displayName!), `${p.name}: displayName is cut: ${p.displayName}`);
            assert.deepStrictEqual(p.tags, [r.area]);
            const [file, anchor] = (p.url ?? "").split("#");
            assert.ok(fs.existsSync(path.join(REPO_ROOT, file)), `${p.name}: url ${p.url} names no file`);
            assert.ok(anchor && anchorsOf(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")).has(anchor), `${p.name}: ${p.url} has no anchor in ${file}`);
            if (FRAMEWORK_AREAS.includes(r.area)) assert.ok(p.framework, `${p.name} (${r.area}) names no framework`);
            if (p.framework) {
                assert.ok(FRAMEWORK_NAMES.includes(p.framework.name), p.framework.name);
                assert.ok(p.framework.version && p.framework.reference?.startsWith("https://") && p.framework.specification, `${p.name}: framework incomplete`);
            }
        });
    }

    it("GIVEN the framework and title maps THEN every key names a rule", () => {
        const names = new Set(allRules.map((r) => r.policy.name));
        for (const k of [...Object.keys(FRAMEWORKS), ...Object.keys(TITLES)]) assert.ok(names.has(k), k);
    });

    it("GIVEN policy/README.md THEN its Rules table is the generated one (npm run policy:check -- --readme-table)", () => {
        assert.strictEqual(readmeTable(README), rulesTable(allRules, DEV, PROD));
    });

    it("GIVEN markdown THEN anchors are explicit ids and GitHub heading slugs, and nothing else", () => {
        const a = anchorsOf('## Seed production checklists -> rules\n<a id="x-1"></a> text #not-a-heading\n### `sec-no-privileged`');
        assert.deepStrictEqual([...a].sort(), ["sec-no-privileged", "seed-production-checklists---rules", "x-1"]);
    });

    it("GIVEN the frameworks THEN the table labels name the control", () => {
        assert.strictEqual(frameworkLabel(FRAMEWORKS["sec-seccomp"]), "PSS restricted: Seccomp");
        assert.strictEqual(frameworkLabel(FRAMEWORKS["sec-dedicated-sa"]), "CIS 5.1.5");
        assert.strictEqual(frameworkLabel(FRAMEWORKS["eks-secrets-kms"]), "CIS EKS 5.3.1");
        assert.strictEqual(frameworkLabel(FRAMEWORKS["obs-logging"]), "NSA/CISA: Logging");
    });
});
