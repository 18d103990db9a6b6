import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { CAPABILITY_REQUIREMENTS } from "../../../components/config/capabilities";
import { declaredCapabilities, impliedNamespaces, preflightProblems } from "../../../tools/e2e/preflight";

const ROOT = path.resolve(__dirname, "../../..");
const allCrds = new Set(Object.values(CAPABILITY_REQUIREMENTS).flatMap((r) => r.crds));

describe("bring-your-own-cluster preflight", () => {
    it("GIVEN a cluster serving every declared CRD and the implied namespaces THEN there is nothing to report", () => {
        const declared = declaredCapabilities(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8"));
        assert.deepEqual(preflightProblems(declared, { crds: allCrds, namespaces: new Set(impliedNamespaces(declared)) }), []);
    });

    it("the implied namespaces are those of the declared capabilities only, each once, sorted", () => {
        assert.deepEqual(impliedNamespaces({ serviceMonitor: true, velero: true, customMetrics: true, istio: true }), ["monitoring", "velero"]);
        assert.deepEqual(impliedNamespaces({ serviceMonitor: false, velero: true }), ["velero"]);
        assert.deepEqual(impliedNamespaces({}), []);
    });

    it("GIVEN a bare cluster THEN every declared capability is one line naming its config key, and undeclared ones are not reported", () => {
        const problems = preflightProblems({ serviceMonitor: true, velero: true, istio: false }, { crds: new Set(), namespaces: new Set() });
        assert.equal(problems.length, 2);
        assert.match(
            problems[0]!,
            /^agent-platform:crds\.serviceMonitor: CRD servicemonitors\.monitoring\.coreos\.com, prometheusrules\.monitoring\.coreos\.com not served; namespace monitoring missing .*set agent-platform:crds\.serviceMonitor to false/,
        );
        assert.match(problems[1]!, /^agent-platform:crds\.velero: CRD schedules\.velero\.io, backups\.velero\.io not served; namespace velero missing/);
    });

    it("GIVEN Velero's CRDs but not its namespace THEN only the namespace is reported", () => {
        const problems = preflightProblems({ velero: true }, { crds: allCrds, namespaces: new Set(["default"]) });
        assert.deepEqual(problems, ["agent-platform:crds.velero: namespace velero missing (install Velero, or set agent-platform:crds.velero to false)"]);
    });

    it("the local control plane's minimal CRDs (tools/e2e/crds.yaml) cover every capability", () => {
        const names = new Set([...fs.readFileSync(path.join(ROOT, "tools/e2e/crds.yaml"), "utf8").matchAll(/^ {2}name: (\S+)$/gm)].map((m) => m[1]!));
        for (const crd of allCrds) assert.ok(names.has(crd), `${crd} missing from tools/e2e/crds.yaml`);
    });
});
