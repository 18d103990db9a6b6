import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import * as YAML from "yaml";
import { REPO_ROOT, RenderResult, readStackConfig, renderProgram, renderStack, toManifestYaml, writeRender } from "../../../tools/lib/render";
import { ConfigError } from "../../../components/config";
import { validateObjects } from "../../helpers/k8s-schema";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";

describe("offline render of the stacks", () => {
    const rendered: Record<string, RenderResult> = {};
    before(async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        for (const stack of ["dev", "prod"]) rendered[stack] = await renderStack(stack);
    });

    for (const stack of ["dev", "prod"]) {
        it(`GIVEN Pulumi.${stack}.yaml WHEN rendered THEN every Kubernetes object passes the OpenAPI schema`, () => {
            const report = validateObjects(rendered[stack].objects);
            assert.equal(report.validated + report.crdObjects.length, rendered[stack].objects.length);
        });

        it(`GIVEN Pulumi.${stack}.yaml WHEN rendered THEN object names are explicit and unique per kind and namespace`, () => {
            const seen = new Set<string>();
            for (const o of rendered[stack].objects) {
                const id = `${o.kind}/${o.metadata.namespace ?? ""}/${o.metadata.name}`;
                assert.ok(!seen.has(id), `duplicate ${id}`);
                seen.add(id);
            }
        });

        it(`GIVEN Pulumi.${stack}.yaml WHEN rendered THEN every Kubernetes object goes through the stack's explicit provider`, () => {
            const k8s = rendered[stack].resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
            for (const r of k8s) assert.match(r.provider ?? "", /pulumi:providers:kubernetes/, `${r.type} ${r.name} uses the default provider`);
        });

        it(`GIVEN Pulumi.${stack}.yaml WHEN rendered THEN no Secret value reaches the files`, () => {
            for (const o of rendered[stack].objects.filter((x) => x.kind === "Secret")) {
                for (const v of Object.values({ ...(o.stringData ?? {}), ...(o.data ?? {}) })) assert.equal(v, "<redacted>");
            }
        });
    }

    it("GIVEN the dev stack (existing cluster) WHEN rendered THEN its provider forces server-side apply, so `pulumi up` repairs manual edits", () => {
        const provider = rendered.dev.resources.find((r) => r.type === "pulumi:providers:kubernetes");
        assert.ok(provider, "no kubernetes provider");
        assert.equal(String(provider.inputs.enablePatchForce), "true"); // provider inputs reach the mocks as strings
    });

    it("GIVEN a render WHEN written THEN each object is one YAML file under <namespace|_cluster>/<kind>-<name>.yaml plus cloud-resources.json", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
        const files = writeRender(rendered.dev, dir);
        assert.equal(files.length, rendered.dev.objects.length + 1);
        assert.ok(fs.existsSync(path.join(dir, "cloud-resources.json")));
        for (const o of rendered.dev.objects) {
            assert.ok(fs.existsSync(path.join(dir, o.metadata.namespace ?? "_cluster", `${o.kind.toLowerCase()}-${o.metadata.name}.yaml`)));
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("GIVEN strings YAML 1.1 reads as booleans WHEN written THEN they are quoted (kubectl parses 1.1)", () => {
        const text = toManifestYaml({ args: ["--appendonly", "yes", "on", "no"], mode: "0755" });
        assert.deepEqual(YAML.parse(text, { version: "1.1" }), { args: ["--appendonly", "yes", "on", "no"], mode: "0755" });
    });

    it("GIVEN an invalid stack config WHEN rendered THEN a ConfigError names every bad key and nothing is registered", async () => {
        const config = readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
        config.values["agent-platform:environment"] = "staging";
        config.values["agent-platform:crds"] = JSON.stringify({ vpa: "maybe" });
        let thrown: unknown;
        try {
            await renderProgram(config, "dev");
        } catch (e) {
            thrown = e;
        }
        assert.ok(thrown instanceof ConfigError, String(thrown));
        assert.match((thrown as Error).message, /agent-platform:environment/);
        assert.match((thrown as Error).message, /agent-platform:crds.vpa/);
    });

    it("GIVEN an invalid stack WHEN the render CLI runs THEN it exits 1 with the key path and writes nothing", function () {
        this.timeout(60000);
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "render-bad-"));
        const configFile = path.join(dir, "Pulumi.invalid.yaml");
        fs.writeFileSync(configFile, "config:\n  agent-platform:environment: staging\n  agent-platform:cluster:\n    provider: existing\n");
        try {
            const out = path.join(dir, "out");
            const res = spawnSync(
                process.execPath,
                [
                    "-r",
                    path.join(REPO_ROOT, "tests/helpers/register.js"),
                    path.join(REPO_ROOT, "tools/render.ts"),
                    "--stack",
                    "invalid",
                    "--config",
                    configFile,
                    "--out",
                    out,
                ],
                { cwd: REPO_ROOT, encoding: "utf8" },
            );
            assert.equal(res.status, 1, res.stderr);
            assert.match(res.stderr, /agent-platform:environment: /);
            assert.ok(!fs.existsSync(out), "nothing is written on a config error");
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("awaits", () => {
    it("GIVEN a cluster without load balancers (dev) WHEN rendered THEN Ingresses and Services skip the await, and nothing else does", async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const dev = await renderedStack("dev");
        const ingresses = dev.objects.filter((o) => o.kind === "Ingress");
        assert.ok(ingresses.length > 0, "the dev stack has Ingresses");
        for (const o of dev.objects) {
            // Headless Services are never awaited by the provider, so they carry nothing.
            const skips = o.kind === "Ingress" || (o.kind === "Service" && o.spec?.clusterIP !== "None");
            assert.equal(o.metadata.annotations?.["pulumi.com/skipAwait"], skips ? "true" : undefined, `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`);
        }
    });

    it("GIVEN prod (EKS) WHEN rendered THEN LoadBalancer Services are awaited (their address is news) and ClusterIP Services are not", async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const prod = await renderedStack("prod");
        const services = prod.objects.filter((x) => x.kind === "Service" && x.spec?.clusterIP !== "None");
        assert.ok(
            services.some((s) => s.spec?.type === "LoadBalancer"),
            "prod has a LoadBalancer Service",
        );
        for (const s of services) {
            assert.equal(
                s.metadata.annotations?.["pulumi.com/skipAwait"],
                s.spec?.type === "LoadBalancer" ? undefined : "true",
                `${s.metadata.namespace}/${s.metadata.name}`,
            );
        }
    });

    it("GIVEN prod (EKS) WHEN rendered THEN Ingresses are awaited", async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const prod = await renderedStack("prod");
        for (const o of prod.objects.filter((x) => x.kind === "Ingress")) assert.equal(o.metadata.annotations?.["pulumi.com/skipAwait"], undefined);
    });
});
