/**
 * e2e (issue 14): the component package as a Pulumi plugin, used from outside TypeScript.
 *
 * 1. `pulumi package get-schema components/` lists exactly the package's public components: the
 *    ComponentResource classes its entry point exports (derived here by loading that entry point,
 *    so a component added to the package without a schema fails the comparison).
 * 2. A Pulumi YAML program in a temp dir adds the package with `pulumi package add <components/>`
 *    (source-based: components/PulumiPlugin.yaml, runtime nodejs; the YAML language host from
 *    tools/e2e/yaml-host.sh) and deploys a PlatformNamespace, an AgentService whose namespace is
 *    the PlatformNamespace's output, and a Redis in the same namespace (also from that output) to
 *    the suite's own local control plane (kwok nodes). The Deployment and the StatefulSet become Ready; `pulumi destroy` removes them.
 *
 * Each Pulumi command that loads the plugin first runs the Node.js language host's dependency
 * install (`npm install` at the npm workspace root, i.e. this checkout, whose `npm ci` already
 * installed everything). The suite sets npm_config_ignore_scripts so that install does not re-run
 * the root `prepare` (the tsc build of the whole program) every time. The plugin loads the
 * package's build (components/dist, what its package.json `main` names; `npm run e2e` builds it),
 * which must be current.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PACKAGE_BUILD_DIR, staleBuild } from "../../stacks/project-root";
import { componentClasses } from "../helpers/component-classes";
import { REPO_ROOT, Timings, Workspace, eventually, failureText, notReady, parseExports, summary } from "./lib/harness";

const E2E_TOOLS = path.join(REPO_ROOT, "tools", "e2e");
const COMPONENTS = path.join(REPO_ROOT, "components");
const PACKAGE = "agent-platform";

/**
 * The TypeScript source of one of the package's entry points (package.json `exports`), which
 * name compiled files under the package tsconfig's outDir: `./dist/index.js` -> `index.ts`.
 */
function entrySource(entry: string): string {
    const pkg = JSON.parse(fs.readFileSync(path.join(COMPONENTS, "package.json"), "utf8"));
    const tsconfig = JSON.parse(fs.readFileSync(path.join(COMPONENTS, "tsconfig.json"), "utf8")).compilerOptions;
    const target = pkg.exports?.[entry];
    const js: string | undefined = typeof target === "string" ? target : (target?.default ?? target?.require);
    assert.ok(js, `components/package.json: exports["${entry}"] names no file`);
    const rel = path.relative(path.join(COMPONENTS, tsconfig.outDir), path.join(COMPONENTS, js));
    return path.join(COMPONENTS, tsconfig.rootDir ?? ".", rel.replace(/\.js$/, ".ts"));
}

/**
 * The public components: what the package's main entry point (the one the plugin serves to
 * `pulumi package add`) exports as ComponentResource classes.
 */
function publicComponents(): string[] {
    return componentClasses(require(entrySource(".")));
}

/**
 * The plugin runs the package's build (components/dist, which `npm run build` and so `npm run e2e`
 * make) while Pulumi's analyzer reads the sources: both must be the checked-out code.
 */
function assertPackageBuilt(): void {
    const dist = path.join(REPO_ROOT, PACKAGE_BUILD_DIR);
    assert.ok(fs.existsSync(path.join(dist, "index.js")), `${PACKAGE_BUILD_DIR} is missing: run npm run build`);
    assert.deepEqual(staleBuild(path.join(dist, "index.js"), dist, COMPONENTS), [], `${PACKAGE_BUILD_DIR} is older than its sources: run npm run build`);
}

/**
 * A Pulumi workspace in `ws.dir` (file backend, PULUMI_HOME with the providers, the YAML language
 * host beside the pulumi binary): `stack.sh env` gives PATH, KUBECONFIG and PULUMI_*.
 */
async function pulumiWorkspace(ws: Workspace): Promise<void> {
    assertPackageBuilt();
    const e = await ws.must(path.join(E2E_TOOLS, "stack.sh"), ["env"], { env: ws.toolEnv, timeoutMs: 600_000 });
    ws.env = { ...process.env, ...parseExports(e.stdout), npm_config_ignore_scripts: "true", npm_config_audit: "false", npm_config_fund: "false" };
    await ws.must(path.join(E2E_TOOLS, "toolchain.sh"), ["plugins"], { env: { ...ws.toolEnv, ...ws.env }, timeoutMs: 600_000 });
    await ws.must(path.join(E2E_TOOLS, "yaml-host.sh"), ["plugins"], { env: { ...ws.toolEnv, ...ws.env }, timeoutMs: 900_000 });
}

describe("e2e: pulumi package get-schema lists every public component", function () {
    const ws = new Workspace();
    const t = new Timings();

    before(async function () {
        this.timeout(900_000);
        console.log(`    e2e work dir ${ws.dir} (log: ${ws.log})`);
        await pulumiWorkspace(ws);
    });

    after(() => {
        ws.cleanup();
        t.print("package get-schema timings");
    });

    it("GIVEN the package's entry point WHEN pulumi package get-schema runs on components/ THEN its resources are exactly the exported components, as agent-platform:index:<Name>", async function () {
        this.timeout(900_000);
        const expected = publicComponents();
        assert.ok(expected.includes("PlatformNamespace") && expected.includes("AgentService") && expected.includes("Redis"), `entry point exports ${expected}`);
        const r = await t.timed("pulumi package get-schema", () => ws.pulumi(["package", "get-schema", COMPONENTS], { cwd: ws.dir }));
        assert.equal(r.code, 0, failureText(r.out));
        const schema = JSON.parse(r.stdout);
        assert.equal(schema.name, PACKAGE);
        const tokens = Object.keys(schema.resources ?? {});
        const wrongModule = tokens.filter((t) => !t.startsWith(`${PACKAGE}:index:`));
        assert.deepEqual(wrongModule, [], "every resource token is agent-platform:index:<Name>");
        const inSchema = tokens.map((t) => t.split(":")[2]).sort();
        assert.deepEqual(
            { missingFromSchema: expected.filter((c) => !inSchema.includes(c)), notExported: inSchema.filter((c) => !expected.includes(c)) },
            { missingFromSchema: [], notExported: [] },
        );
        for (const t of tokens) assert.equal(schema.resources[t].isComponent, true, `${t} is a component`);
    });
});

describe("e2e: a Pulumi YAML program deploys the components through pulumi package add", function () {
    const ws = new Workspace();
    ws.toolEnv.AP_APISERVER_PORT = process.env.E2E_PACKAGE_APISERVER_PORT ?? "17643";
    ws.toolEnv.AP_ETCD_PORT = process.env.E2E_PACKAGE_ETCD_PORT ?? "17679";
    const project = path.join(ws.dir, "yaml-program");
    const NS = "yaml-apps";
    const t = new Timings();
    const stack = (args: string[]) => ws.pulumi([...args, "--stack", "e2e"], { cwd: project });
    let deployed = false;

    before(async function () {
        this.timeout(900_000);
        console.log(`    e2e work dir ${ws.dir} (log: ${ws.log})`);
        await t.timed("cluster.sh up (own control plane)", () => ws.clusterUp());
        await pulumiWorkspace(ws);
        fs.mkdirSync(project);
        // What a YAML user writes: the resources block with the package's type tokens.
        fs.writeFileSync(
            path.join(project, "Pulumi.yaml"),
            YAML.stringify({
                name: "agent-platform-yaml",
                runtime: "yaml",
                description: "The agent-platform components from Pulumi YAML",
                resources: {
                    apps: {
                        type: `${PACKAGE}:index:PlatformNamespace`,
                        properties: { name: NS, podSecurity: { level: "restricted", enforce: true } },
                    },
                    api: {
                        type: `${PACKAGE}:index:AgentService`,
                        properties: {
                            namespace: "${apps.name}",
                            name: "api",
                            image: "registry.example.com/api:1.0.0",
                            replicas: 2,
                            ports: [{ name: "http", containerPort: 8080 }],
                        },
                    },
                    cache: {
                        type: `${PACKAGE}:index:Redis`,
                        properties: { namespace: "${apps.name}", serviceName: "redis", clients: ["api"] },
                    },
                },
                outputs: { namespace: "${apps.name}" },
            }),
        );
    });

    after(async function () {
        this.timeout(600_000);
        if (deployed) await stack(["destroy", "--yes"]);
        ws.cleanup();
        t.print("YAML program timings");
    });

    it("GIVEN a YAML project WHEN pulumi package add <components/> THEN Pulumi.yaml names the package by its path", async function () {
        this.timeout(900_000);
        const r = await t.timed("pulumi package add", () => ws.pulumi(["package", "add", COMPONENTS], { cwd: project }));
        assert.equal(r.code, 0, failureText(r.out));
        const written = YAML.parse(fs.readFileSync(path.join(project, "Pulumi.yaml"), "utf8"));
        assert.equal(written.packages?.[PACKAGE], COMPONENTS, `packages: ${JSON.stringify(written.packages)}`);
    });

    it("GIVEN the package added WHEN pulumi up THEN the PlatformNamespace, the AgentService and the Redis (both in the namespace from its output) are created and Ready", async function () {
        this.timeout(900_000);
        await ws.must("pulumi", ["stack", "init", "e2e", "--non-interactive"], { cwd: project });
        deployed = true;
        // --skip-preview: a preview starts the plugin once more (about a minute on 2 cores) and deploys nothing.
        const r = await t.timed("pulumi up", () => stack(["up", "--yes", "--skip-preview"]));
        assert.equal(r.code, 0, failureText(r.out));
        const state = await ws.must("pulumi", ["stack", "export", "--stack", "e2e", "--non-interactive"], { cwd: project });
        const resources: { urn: string; type: string; parent?: string }[] = JSON.parse(state.stdout).deployment.resources ?? [];
        const nonProviders = resources.filter((x) => !x.type.startsWith("pulumi:providers:"));
        assert.equal(summary(r.out).created, nonProviders.length, "everything in the state was created by this up");
        // Each component is in the state once, with the objects it made as its children.
        const childTypes = (component: string) => {
            const own = resources.filter((x) => x.type === `${PACKAGE}:index:${component}`);
            assert.equal(own.length, 1, `${component} in the state: ${own.length}`);
            return resources.filter((x) => x.parent === own[0].urn).map((x) => x.type);
        };
        assert.ok(childTypes("PlatformNamespace").includes("kubernetes:core/v1:Namespace"));
        assert.ok(childTypes("AgentService").includes("kubernetes:apps/v1:Deployment"));
        assert.ok(childTypes("Redis").includes("kubernetes:apps/v1:StatefulSet"));
        const out = await ws.must("pulumi", ["stack", "output", "--json", "--stack", "e2e", "--non-interactive"], { cwd: project });
        assert.equal(JSON.parse(out.stdout).namespace, NS);

        const ns = await ws.kubectlJson(["get", "namespace", NS]);
        assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
        const workloads = (await ws.kubectlJson<{ items: any[] }>(["get", "deployments,statefulsets", "-n", NS])).items;
        assert.deepEqual(workloads.map((w) => `${w.kind}/${w.metadata.name}`).sort(), ["Deployment/api", "StatefulSet/redis"]);
        assert.equal(workloads.find((w) => w.kind === "Deployment").spec.replicas, 2);
        await eventually("api and redis Ready", async () => {
            const items = (await ws.kubectlJson<{ items: any[] }>(["get", "deployments,statefulsets", "-n", NS])).items;
            const bad = notReady(items);
            return bad.length === 0 || bad.join("; ");
        });
        const claims = (await ws.kubectlJson<{ items: any[] }>(["get", "pvc", "-n", NS])).items;
        assert.ok(claims.length > 0 && claims.every((c) => c.status.phase === "Bound"), `claims: ${claims.map((c) => `${c.metadata.name} ${c.status.phase}`)}`);
    });

    it("GIVEN the YAML stack WHEN pulumi destroy THEN the stack is empty and the namespace with its workloads is gone", async function () {
        this.timeout(900_000);
        const r = await t.timed("pulumi destroy", () => stack(["destroy", "--yes"]));
        assert.equal(r.code, 0, failureText(r.out));
        deployed = false;
        const state = await ws.must("pulumi", ["stack", "export", "--stack", "e2e", "--non-interactive"], { cwd: project });
        assert.deepEqual(JSON.parse(state.stdout).deployment.resources ?? [], []);
        await eventually(`namespace ${NS} deleted`, async () => {
            const r2 = await ws.kubectl(["get", "namespace", NS, "-o", "name"]);
            return (r2.code !== 0 && /NotFound/.test(r2.out)) || r2.out.trim();
        });
    });
});
