/** `npm run policy:check` driven in-process (main()) over temporary YAML. */
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { formatViolations, main, parseArgs, UsageError } from "../../../tools/policy-check";
import { TABLE_BEGIN, TABLE_END } from "../../../policy/lib/docs";
import { allRules } from "../../../policy/rules/all";
import { compliantCloud, compliantObjects } from "../../../policy/examples/compliant";
import { POLICY_DIR } from "./helpers";

const PROD_CONFIG = path.join(POLICY_DIR, "config", "prod.json");

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const o = process.stdout.write.bind(process.stdout);
    const e = process.stderr.write.bind(process.stderr);
    (process.stdout as { write: unknown }).write = (s: string) => {
        out.push(s);
        return true;
    };
    (process.stderr as { write: unknown }).write = (s: string) => {
        err.push(s);
        return true;
    };
    try {
        const code = await main(args);
        return { code, out: out.join(""), err: err.join("") };
    } finally {
        process.stdout.write = o;
        process.stderr.write = e;
    }
}

describe("policy:check CLI", () => {
    let dir: string;
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-check-"));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    function writeRendered(mutate: (objs: ReturnType<typeof compliantObjects>) => void = () => undefined): void {
        const objs = compliantObjects();
        mutate(objs);
        // render layout: <ns>/<kind>-<name>.yaml, two objects in one multi-document file
        for (const o of objs.slice(2)) {
            const sub = path.join(dir, o.metadata?.namespace ?? "_cluster");
            fs.mkdirSync(sub, { recursive: true });
            fs.writeFileSync(path.join(sub, `${o.kind.toLowerCase()}-${o.metadata?.name}.yaml`), stringify(o));
        }
        fs.writeFileSync(
            path.join(dir, "namespace.yaml"),
            objs
                .slice(0, 2)
                .map((o) => stringify(o))
                .join("---\n"),
        );
        fs.writeFileSync(
            path.join(dir, "cloud-resources.json"),
            JSON.stringify(compliantCloud().map((r) => ({ type: r.type, name: r.name, inputs: r.props }))),
        );
    }

    it("GIVEN a compliant rendered directory WHEN checked under prod.json THEN it exits 0", async () => {
        writeRendered();
        const r = await run([dir, "--config", PROD_CONFIG, "--stack-tag", `agent-platform:upgrade-rehearsed=${new Date().toISOString().slice(0, 10)}`]);
        assert.strictEqual(r.out, "");
        assert.strictEqual(r.code, 0, r.err);
        assert.match(r.err, /0 mandatory and 0 advisory/);
    });

    it("GIVEN a privileged container and an open EKS endpoint WHEN checked THEN it exits 1 and prints policy, level, resource and message", async () => {
        writeRendered((objs) => {
            objs.find((o) => o.metadata?.name === "api" && o.kind === "Deployment")!.spec.template.spec.containers[0].securityContext.privileged = true;
        });
        const cloud = JSON.parse(fs.readFileSync(path.join(dir, "cloud-resources.json"), "utf8"));
        cloud[0].inputs.vpcConfig.endpointPublicAccess = true;
        fs.writeFileSync(path.join(dir, "cloud-resources.json"), JSON.stringify(cloud));
        const r = await run([dir, "--config", PROD_CONFIG]);
        assert.strictEqual(r.code, 1);
        assert.match(
            r.out,
            /^sec-no-privileged\s+mandatory\s+Deployment\/agents\/api\s+Deployment agents\/api: container "api" sets securityContext.privileged: true$/m,
        );
        assert.match(r.out, /^eks-private-endpoint\s+mandatory\s+aws:eks\/cluster:Cluster\/prod-eks\s+/m);
        assert.match(r.out, /^proc-upgrade-rehearsed\s+advisory\s+stack\s+stack: no agent-platform:upgrade-rehearsed tag/m);
    });

    it("GIVEN --json WHEN checked THEN violations come as JSON with counts", async () => {
        writeRendered((objs) => {
            delete objs.find((o) => o.kind === "Deployment")!.spec.template.spec.containers[0].livenessProbe;
        });
        const r = await run([dir, "--config", PROD_CONFIG, "--json"]);
        const j = JSON.parse(r.out);
        assert.strictEqual(r.code, 1);
        assert.ok(j.resources > 40);
        assert.deepStrictEqual(
            j.violations.filter((v: { level: string }) => v.level === "mandatory").map((v: { policy: string; resource: string }) => [v.policy, v.resource]),
            [["health-liveness", "Deployment/agents/api"]],
        );
    });

    it("GIVEN no config WHEN checked THEN the policies' own (dev) levels apply: only advisory findings exit 0", async () => {
        writeRendered((objs) => {
            delete objs.find((o) => o.kind === "Deployment")!.spec.template.spec.containers[0].livenessProbe;
        });
        const r = await run([dir]);
        assert.strictEqual(r.code, 0);
        assert.match(r.out, /health-liveness\s+advisory/);
    });

    it("GIVEN bad usage or input WHEN run THEN it exits 2 with a message", async () => {
        assert.strictEqual((await run([])).code, 2);
        assert.strictEqual((await run([dir, "--frobnicate"])).code, 2);
        assert.strictEqual((await run([path.join(dir, "missing.yaml")])).code, 2);
        fs.writeFileSync(path.join(dir, "bad.yaml"), "a: [1, 2\n");
        const bad = await run([path.join(dir, "bad.yaml")]);
        assert.strictEqual(bad.code, 2);
        assert.match(bad.err, /bad.yaml: invalid YAML/);
        fs.writeFileSync(path.join(dir, "cfg.json"), JSON.stringify({ "no-such-policy": "mandatory" }));
        fs.writeFileSync(path.join(dir, "ok.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\n");
        const cfg = await run([path.join(dir, "ok.yaml"), "--config", path.join(dir, "cfg.json")]);
        assert.strictEqual(cfg.code, 2);
        assert.match(cfg.err, /- no-such-policy: unknown rule/);
        assert.throws(() => parseArgs(["--stack-tag", "novalue", "x"]), UsageError);
    });

    it("GIVEN a directory with non-Kubernetes YAML WHEN walked THEN it is skipped with a warning; named explicitly THEN exit 2", async () => {
        writeRendered();
        fs.writeFileSync(path.join(dir, "values.yaml"), "replicaCount: 3\n");
        const walked = await run([dir, "--json"]);
        assert.strictEqual(walked.code, 0);
        assert.match(walked.err, /values.yaml: document is not a Kubernetes object .*; skipped/);
        assert.strictEqual((await run([path.join(dir, "values.yaml")])).code, 2);
    });

    it("GIVEN a List document WHEN checked THEN its items are evaluated", async () => {
        fs.writeFileSync(
            path.join(dir, "list.yaml"),
            stringify({
                apiVersion: "v1",
                kind: "List",
                items: [
                    { apiVersion: "v1", kind: "Service", metadata: { name: "lb", namespace: "agents" }, spec: { type: "NodePort", ports: [{ port: 80 }] } },
                ],
            }),
        );
        const r = await run([dir, "--json"]);
        assert.ok(JSON.parse(r.out).violations.some((v: { policy: string }) => v.policy === "net-no-public-service"));
    });

    it("GIVEN --list WHEN run THEN every rule is printed once with its level under --config, its area and scope", async () => {
        const r = await run(["--list", "--config", PROD_CONFIG]);
        assert.strictEqual(r.code, 0, r.err);
        const lines = r.out.trim().split("\n");
        assert.strictEqual(lines.length, allRules.length);
        assert.match(r.out, /^sec-no-privileged\s+mandatory\s+pod-security\s+resource\s+\S/m);
        assert.match((await run(["--list"])).out, /^avail-hpa-present\s+advisory\s+availability\s+stack/m, "without --config the rules' own levels");
    });

    it("GIVEN --readme-table WHEN run THEN it prints policy/README.md's Rules table; with inputs or --list it is a usage error", async () => {
        const r = await run(["--readme-table"]);
        assert.strictEqual(r.code, 0, r.err);
        assert.strictEqual(r.out, fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8").split(TABLE_BEGIN)[1].split(TABLE_END)[0].trim() + "\n");
        assert.strictEqual((await run(["--readme-table", "--list"])).code, 2);
        assert.strictEqual((await run(["--readme-table", "x.yaml"])).code, 2);
    });

    it("GIVEN --explain RULE WHEN run THEN it prints why, the level, the fix, a passing and a failing example with the verdicts, and the docs anchor; an unknown rule exits 2 with suggestions", async () => {
        const r = await run(["--explain", "sec-no-privileged", "--config", PROD_CONFIG]);
        assert.strictEqual(r.code, 0, r.err);
        assert.match(r.out, /^sec-no-privileged: /);
        assert.match(r.out, /level: +mandatory/);
        assert.match(r.out, /^Why: .*privileged/m);
        assert.match(r.out, /^Fix: .*securityContext\.privileged/m);
        assert.match(r.out, /^Docs: policy\/README\.md#sec-no-privileged$/m);
        // A passing and a failing example, each with the rule's own verdict on it.
        assert.match(r.out, /^Passing example:\n {2}Deployment agents\/api\n {4}apiVersion: apps\/v1\n/m);
        assert.match(r.out, /^ {4}-> no violation$/m);
        assert.match(r.out, /^Failing example: a privileged container .*:\n {2}Deployment agents\/api\n/m);
        assert.match(r.out, /^ {4}\+ +privileged: true$/m);
        assert.match(r.out, /^ {4}-> Deployment agents\/api: container "api" sets securityContext.privileged: true/m);
        const stack = await run(["--explain", "avail-pdb-present"]);
        assert.match(stack.out, /^Passing example \(in the example stack.*\n {2}PodDisruptionBudget agents\/api\n/m);
        assert.match(stack.out, /^ {2}PodDisruptionBudget agents\/api removed\n {4}-> Deployment agents\/api: no PodDisruptionBudget/m);
        const bad = await run(["--explain", "privileged"]);
        assert.strictEqual(bad.code, 2);
        assert.match(bad.err, /unknown rule privileged \(did you mean sec-no-privileged/);
    });

    it("GIVEN --min-level mandatory WHEN checked THEN advisory findings are left out", async () => {
        writeRendered((objs) => {
            delete objs.find((o) => o.kind === "Deployment")!.spec.template.spec.containers[0].livenessProbe;
        });
        const all = await run([dir, "--format", "json"]);
        assert.ok(JSON.parse(all.out).advisory > 0);
        const r = await run([dir, "--min-level", "mandatory", "--format", "json"]);
        assert.strictEqual(JSON.parse(r.out).advisory, 0);
        assert.strictEqual((await run([dir, "--min-level", "low"])).code, 2);
    });

    it("GIVEN --format sarif WHEN checked THEN SARIF 2.1.0 with every rule and one result per violation at its file", async () => {
        writeRendered((objs) => {
            objs.find((o) => o.metadata?.name === "api" && o.kind === "Deployment")!.spec.template.spec.containers[0].securityContext.privileged = true;
        });
        const r = await run([dir, "--config", PROD_CONFIG, "--format", "sarif"]);
        assert.strictEqual(r.code, 1);
        const sarif = JSON.parse(r.out);
        assert.strictEqual(sarif.version, "2.1.0");
        const [run0] = sarif.runs;
        assert.strictEqual(run0.tool.driver.rules.length, allRules.length);
        const privileged = run0.results.find((x: { ruleId: string }) => x.ruleId === "sec-no-privileged");
        assert.strictEqual(privileged.level, "error");
        assert.strictEqual(run0.tool.driver.rules[privileged.ruleIndex].id, "sec-no-privileged");
        const uri: string = privileged.locations[0].physicalLocation.artifactLocation.uri;
        assert.ok(uri.endsWith("agents/deployment-api.yaml") && !uri.includes("#"), uri);
        assert.ok(run0.results.every((x: { locations: unknown[]; message: { text: string } }) => x.locations.length === 1 && x.message.text.length > 0));
        assert.strictEqual((await run([dir, "--format", "xml"])).code, 2);
        assert.strictEqual((await run([dir, "--json", "--format", "sarif"])).code, 2);
    });

    it("GIVEN text output WHEN a violation is printed THEN its fix follows it", async () => {
        writeRendered((objs) => {
            delete objs.find((o) => o.kind === "Deployment")!.spec.template.spec.containers[0].livenessProbe;
        });
        const r = await run([dir]);
        assert.match(r.out, /^health-liveness\s+advisory\s+.*\n {4}fix: \S/m);
    });

    it("GIVEN violations WHEN formatted THEN mandatory ones come first in aligned columns", () => {
        const s = formatViolations([
            { policy: "a", level: "advisory", resource: "X/n/x", message: "m1" },
            { policy: "bb", level: "mandatory", resource: "Y/y", message: "m2" },
        ]);
        assert.strictEqual(s, "bb  mandatory  Y/y    m2\na   advisory   X/n/x  m1");
    });
});
