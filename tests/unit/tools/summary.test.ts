/** The `summary` stack output (stacks/summary.ts) and its printer (`npm run summary`). */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { portForwardFor } from "../../../stacks/summary";
import { main } from "../../../tools/summary";
import { REPO_ROOT, readStackConfig, renderProgram, resolveSummary } from "../../../tools/lib/render";
import { formatSummary, parseSummary, readiness, StackSummary } from "../../../tools/lib/summary";

const FIXTURE: StackSummary = {
    shop: {
        namespace: "shop",
        workloads: [
            { kind: "Deployment", name: "web", replicas: 2 },
            { kind: "StatefulSet", name: "db", replicas: 1 },
            { kind: "CronJob", name: "backup" },
        ],
        urls: { web: "http://web.shop.svc.cluster.local:80", db: "postgresql://db.shop.svc.cluster.local:5432/shop" },
        ingressHosts: ["shop.example.com"],
        secretKeys: ["dbPassword"],
        skipped: ["ServiceMonitor shop/web (needs the serviceMonitor CRD)"],
        portForward: { service: "web", port: 80, localPort: 8080, command: "kubectl -n shop port-forward svc/web 8080:80", url: "http://localhost:8080" },
    },
};

describe("summary stack output", function () {
    this.timeout(120000);

    it("GIVEN the dev stack with inquisitor and ushadow and no CRDs WHEN rendered THEN each system's summary names what runs, reads, skips and how to reach it", async () => {
        const config = readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
        const keep = new Set(["agent-platform:environment", "agent-platform:cluster", "agent-platform:inquisitor", "agent-platform:ushadow"]);
        for (const k of Object.keys(config.values)) if (!keep.has(k) && !config.secretKeys.includes(k)) delete config.values[k];
        const s = (await resolveSummary(await renderProgram(config, "dev", { onInfo: () => undefined }))) as unknown as StackSummary;
        assert.deepEqual(Object.keys(s), ["inquisitor", "ushadow"]);
        const inq = s.inquisitor;
        assert.equal(inq.namespace, "inquisitor-system");
        assert.deepEqual(
            inq.workloads.map((w) => `${w.kind} ${w.name}`),
            ["Deployment inquisitor-api", "StatefulSet inquisitor"],
        );
        assert.equal(inq.workloads.find((w) => w.kind === "StatefulSet")!.replicas, 3);
        assert.equal(inq.urls["inquisitor-api"], "http://inquisitor-api.inquisitor-system.svc.cluster.local:80");
        assert.deepEqual(inq.secretKeys, []);
        assert.ok(inq.skipped.includes("ServiceMonitor inquisitor-system/inquisitor-metrics (needs the serviceMonitor CRD)"), inq.skipped.join("; "));
        assert.ok(inq.skipped.includes("Velero backups of inquisitor-system (needs the velero CRD)"), inq.skipped.join("; "));
        assert.equal(inq.portForward?.command, "kubectl -n inquisitor-system port-forward svc/inquisitor-api 8080:80");
        const ush = s.ushadow;
        assert.deepEqual(ush.secretKeys, ["anthropicApiKey", "openaiApiKey", "ushadowAuthSecretKey"]);
        assert.deepEqual(ush.ingressHosts, ["memory.ushadow.dev.company.com"]);
        assert.ok(ush.workloads.some((w) => w.kind === "Deployment" && w.name === "mem0-ui"));
        assert.equal(ush.portForward?.url, "http://localhost:3000");
        assert.ok(!ush.skipped.some((x) => x.startsWith("ServiceMonitor inquisitor")), "skips are attributed to the system that skipped them");
    });

    it("GIVEN Service URLs WHEN a port-forward is derived THEN privileged ports map to 8080 and non-URLs give none", () => {
        assert.deepEqual(portForwardFor("ns", "ui", "http://ui.ns.svc.cluster.local:3000"), {
            service: "ui",
            port: 3000,
            localPort: 3000,
            command: "kubectl -n ns port-forward svc/ui 3000:3000",
            url: "http://localhost:3000",
        });
        assert.equal(portForwardFor("ns", "ui", "http://ui.ns.svc.cluster.local:443")?.localPort, 8080);
        assert.equal(portForwardFor("ns", "ui", "ui"), undefined);
    });
});

describe("summary printer", () => {
    it("GIVEN a summary WHEN formatted THEN one block per system with every fact", () => {
        assert.equal(
            formatSummary(FIXTURE),
            [
                "shop: namespace shop",
                "  workloads: 2 (+1 CronJob) (--live counts the Ready ones)",
                "    Deployment web  replicas 2",
                "    StatefulSet db  replicas 1",
                "    CronJob backup",
                "  in-cluster URLs:",
                "    web  http://web.shop.svc.cluster.local:80",
                "    db   postgresql://db.shop.svc.cluster.local:5432/shop",
                "  ingress hosts: shop.example.com",
                "  secret keys read: dbPassword",
                "  skipped, CRD absent (1):",
                "    ServiceMonitor shop/web (needs the serviceMonitor CRD)",
                "  main UI: kubectl -n shop port-forward svc/web 8080:80   then open http://localhost:8080",
                "",
            ].join("\n"),
        );
    });

    it("GIVEN the cluster's workloads WHEN readiness is counted THEN Ready out of total, naming the ones that are not", () => {
        const r = readiness(FIXTURE.shop.workloads, [
            { kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 2 }, status: { readyReplicas: 1 } },
            { kind: "Deployment", metadata: { name: "other" }, spec: { replicas: 1 }, status: { readyReplicas: 1 } },
        ]);
        assert.deepEqual(r, { ready: 0, total: 2, notReady: ["Deployment web 1/2", "StatefulSet db missing"] });
        assert.match(formatSummary(FIXTURE, { shop: r }), /^ {2}workloads: 0\/2 Ready \(not ready: Deployment web 1\/2, StatefulSet db missing\)$/m);
        const ok = readiness(FIXTURE.shop.workloads, [
            { kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 2 }, status: { readyReplicas: 2 } },
            { kind: "StatefulSet", metadata: { name: "db" }, spec: { replicas: 1 }, status: { readyReplicas: 1 } },
        ]);
        assert.deepEqual(ok, { ready: 2, total: 2, notReady: [] });
    });

    it("GIVEN pulumi's JSON (the summary output or every output) WHEN parsed THEN the systems; bad JSON THEN one clear error", () => {
        assert.deepEqual(parseSummary(JSON.stringify(FIXTURE), "x"), FIXTURE);
        assert.deepEqual(parseSummary(JSON.stringify({ environment: "dev", summary: FIXTURE }), "x"), FIXTURE);
        assert.throws(() => parseSummary("{", "stdin"), /^UserError: stdin: not JSON/);
        assert.throws(() => parseSummary(JSON.stringify({ shop: { namespace: "x" } }), "f.json"), /f.json: summary.shop: expected \{namespace, workloads/);
    });

    it("GIVEN --file WHEN the CLI runs THEN the text on stdout; --json THEN the JSON; a missing file THEN exit 1, one line", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "summary-"));
        try {
            const file = path.join(dir, "summary.json");
            fs.writeFileSync(file, JSON.stringify(FIXTURE));
            const io = () => {
                const r = { out: "", err: "" };
                return { r, io: { stdout: (t: string) => (r.out += t), stderr: (t: string) => (r.err += t) } };
            };
            let c = io();
            assert.equal(await main(["--file", file], c.io), 0);
            assert.equal(c.r.out, formatSummary(FIXTURE));
            c = io();
            assert.equal(await main(["--file", file, "--json"], c.io), 0);
            assert.deepEqual(JSON.parse(c.r.out), FIXTURE);
            c = io();
            assert.equal(await main(["--file", path.join(dir, "nope.json")], c.io), 1);
            assert.match(c.r.err, /^summary: cannot read \S+nope.json: ENOENT\n$/);
            c = io();
            assert.equal(await main(["--file", file, "--stack", "dev"], c.io), 2);
            assert.match(c.r.err, /exactly one of --stack NAME and --file/);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
