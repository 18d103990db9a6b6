/**
 * End-to-end tier (issue 8): the real Pulumi CLI, the Kubernetes provider and the policy pack
 * against a real kube-apiserver (etcd, controller-manager, scheduler; kwok fakes the nodes,
 * pod status and volume binding). The suite starts its own control plane (tools/e2e/cluster.sh,
 * own state dir, apiserver :17443, etcd :17379) in `before` and stops it by PID in `after` and
 * on process exit, whatever happened.
 *
 * The scenarios run in order and build on each other: (a) policy gate at preview, (b) first up,
 * (c) idempotent up, (d) image rollout, (e) drift repair, (g) destroy (dev: nothing kept;
 * prod-environment variant: data claims kept), (f) server-side dry-run of the prod render.
 *
 * What kwok cannot prove: pods never run containers. kwok marks every scheduled pod Running and
 * Ready at once, so images are never pulled (a wrong tag would still "roll out"), probes,
 * commands, env and mounted Secrets are never exercised, and there is no CNI, DNS, kube-proxy,
 * metrics-server or ingress controller: NetworkPolicies are stored but not enforced, HPAs stay at
 * minReplicas, Ingresses and LoadBalancer Services never get an address (skipAwait on those).
 * What it does prove: API-server validation and admission (Pod Security, quotas, limit ranges,
 * defaulting), the controllers (ReplicaSets, StatefulSets, GC, PVC binding via kwok volume
 * stages), scheduling against node selectors/affinity/spread, Pulumi's await logic, state and
 * diffs, and the policy pack under the real engine.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEV_POLICY_CONFIG, POLICY_DIR, REPO_ROOT, Timings, Workspace, editYaml, eventually, failureText, notReady, summary } from "./lib/harness";

const P = "agent-platform";
/** Namespaces the dev stack creates (velero and monitoring are the add-ons', created below as they would). */
const PLATFORM_NAMESPACES = ["claude-code", "claude-mid-service", "inquisitor-system", "production-agents", "ushadow"];
const POLICY = ["--policy-pack", POLICY_DIR, "--policy-pack-config", DEV_POLICY_CONFIG];
const WORKER_DEPLOYMENT = { ns: "claude-code", name: "worker-agent" };
/**
 * The revision (h) upgrades from: main just before the component type tokens moved to
 * agent-platform:index:<Name>. Move it forward to the last release when the stack config changes
 * in a way the old program cannot read.
 */
const UPGRADE_BASELINE = "079ed594a68634f5bda99beee4a10680cf0406a5";

describe("e2e: the dev stack through the real Pulumi engine on a local control plane", function () {
    const ws = new Workspace();
    const timings = new Timings();
    const timed = timings.timed;
    let devConfig = "";
    /** The (a) config variant whose ushadow backend mounts an emptyDir at a data path. */
    let emptyDirConfig = "";
    /** Resource count the dev preview plans to create. */
    let planned = 0;

    const dev = (args: string[], config = devConfig) => [...args, "--stack", "dev", "--config-file", config];
    const workloads = async (namespaces = PLATFORM_NAMESPACES): Promise<any[]> => {
        const list = await ws.kubectlJson<{ items: any[] }>(["get", "deployments,statefulsets", "-A"]);
        return list.items.filter((w) => namespaces.includes(w.metadata.namespace));
    };
    const existingNamespaces = async (): Promise<string[]> => (await ws.kubectlJson<{ items: any[] }>(["get", "namespaces"])).items.map((n) => n.metadata.name);
    const stackResources = async (stack: string, cwd?: string): Promise<any[]> => {
        const r = await ws.must("pulumi", ["stack", "export", "--stack", stack, "--non-interactive"], { cwd });
        return JSON.parse(r.stdout).deployment.resources ?? [];
    };
    /** Steps of `pulumi preview --json` that change something. */
    const changes = (stdout: string): { op: string; urn: string }[] =>
        (JSON.parse(stdout).steps ?? []).filter((s: { op: string }) => !["same", "refresh", "read"].includes(s.op));

    before(async function () {
        this.timeout(900_000);
        console.log(`    e2e work dir ${ws.dir} (log: ${ws.log})`);
        await timed("cluster.sh up (own control plane)", () => ws.clusterUp());
        devConfig = await timed("stack.sh prepare dev (workspace, stack, secrets)", () => ws.prepare("dev"));
        // crds.velero says Velero runs on this cluster (its namespace holds the Schedules);
        // crds.serviceMonitor says the Prometheus Operator runs in `monitoring` (the dashboards go there).
        await ws.createImpliedNamespaces("dev");
    });

    after(function () {
        this.timeout(180_000);
        ws.cleanup();
        timings.print("e2e timings");
    });

    // ------------------------------------------------------------------ (a) policy gate
    it("(a) GIVEN the dev config WHEN previewed with the policy pack THEN it passes with no mandatory violation", async function () {
        this.timeout(600_000);
        const r = await timed("(a) pulumi preview dev + pack", () => ws.pulumi(dev(["preview", ...POLICY])));
        assert.equal(r.code, 0, failureText(r.out));
        assert.doesNotMatch(r.out, /\[mandatory\]/);
        planned = summary(r.out).create;
        assert.ok(planned > 100, `planned ${planned} creates`);
    });

    it("(a) GIVEN inquisitor replicas 4 WHEN previewed THEN the config schema rejects it before any resource is registered", async function () {
        this.timeout(600_000);
        const bad = editYaml(devConfig, path.join(ws.dir, "raft-4.yaml"), (d) => d.setIn(["config", `${P}:inquisitor`, "replicas"], 4));
        const r = await timed("(a) preview: raft of 4 (schema)", () => ws.pulumi(dev(["preview", ...POLICY], bad)));
        assert.notEqual(r.code, 0);
        assert.match(r.out, /agent-platform:inquisitor\.replicas: raft replicas must be odd/);
    });

    it("(a) GIVEN a config the schema allows (ushadow options give backend an emptyDir at /data) WHEN previewed THEN the mandatory stor-persistent-state policy blocks it and nothing is created", async function () {
        this.timeout(600_000);
        // Files outside the project are read only under an explicitly named root (ushadow.filesRoot).
        const root = path.join(ws.dir, "ushadow-files");
        fs.cpSync(path.join(REPO_ROOT, "examples/compose/ushadow"), root, { recursive: true });
        const options = editYaml(path.join(root, "options.yaml"), path.join(root, "options-emptydir-data.yaml"), (d) =>
            d.setIn(["services", "backend", "writablePaths"], ["/data"]),
        );
        const bad = (emptyDirConfig = editYaml(devConfig, path.join(ws.dir, "ushadow-emptydir.yaml"), (d) => {
            d.setIn(["config", `${P}:ushadow`, "filesRoot"], root);
            d.setIn(["config", `${P}:ushadow`, "composeFile"], path.join(root, "docker-compose.yml"));
            d.setIn(["config", `${P}:ushadow`, "optionsFile"], options);
        }));
        const r = await timed("(a) preview: emptyDir data path (pack)", () => ws.pulumi(dev(["preview", ...POLICY], bad)));
        assert.notEqual(r.code, 0);
        assert.match(r.out, /\[mandatory\][^\n]*stor-persistent-state/);
        assert.match(r.out, /ushadow\/backend: container "backend" mounts non-persistent volume "writable-1" at data path \/data/);
        const ns = await existingNamespaces();
        assert.deepEqual(
            PLATFORM_NAMESPACES.filter((n) => ns.includes(n)),
            [],
            "preview created namespaces",
        );
    });

    it("(a) GIVEN the same emptyDir variant WHEN `pulumi up` runs WITHOUT --policy-pack THEN the program's own gate refuses it naming the rule, and nothing is created", async function () {
        this.timeout(600_000);
        assert.ok(emptyDirConfig, "needs the emptyDir variant of the previous scenario");
        const r = await timed("(a) up without --policy-pack: emptyDir data path (gate)", () => ws.pulumi(dev(["up", "--yes"], emptyDirConfig)));
        assert.notEqual(r.code, 0, failureText(r.out));
        assert.match(r.out, /policy gate \(\S*policy\/config\/dev\.json\) refuses to deploy/);
        assert.match(r.out, /\[mandatory\] stor-persistent-state: [^\n]*ushadow\/backend/);
        const ns = await existingNamespaces();
        assert.deepEqual(
            PLATFORM_NAMESPACES.filter((n) => ns.includes(n)),
            [],
            "up without the pack created namespaces",
        );
        assert.equal(
            (await stackResources("dev")).filter((res) => res.type.startsWith("kubernetes:")).length,
            0,
            "up without the pack registered Kubernetes objects",
        );
    });

    it("(a) GIVEN a throwaway program with a privileged Deployment WHEN `pulumi up` runs under the same pack THEN sec-no-privileged blocks it at preview and nothing is created", async function () {
        this.timeout(600_000);
        const dir = path.join(ws.dir, "gate");
        fs.mkdirSync(dir);
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: e2e-gate\nruntime: nodejs\nmain: index.js\n");
        fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "e2e-gate", private: true, main: "index.js" }));
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"));
        fs.writeFileSync(
            path.join(dir, "index.js"),
            `
const k8s = require("@pulumi/kubernetes");
const provider = new k8s.Provider("cluster", {});
const ns = new k8s.core.v1.Namespace("gate", { metadata: { name: "e2e-gate" } }, { provider });
const labels = { "app.kubernetes.io/name": "privileged" };
new k8s.apps.v1.Deployment("privileged", {
    metadata: { name: "privileged", namespace: ns.metadata.name, labels },
    spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: {
        containers: [{ name: "shell", image: "busybox:1.36.1", securityContext: { privileged: true } }],
    } } },
}, { provider });
`,
        );
        await ws.must("pulumi", ["stack", "init", "gate", "--secrets-provider", "passphrase", "--non-interactive"], { cwd: dir });
        const r = await timed("(a) up: privileged Deployment (pack)", () => ws.pulumi(["up", "--yes", "--stack", "gate", ...POLICY], { cwd: dir }));
        assert.notEqual(r.code, 0);
        assert.match(r.out, /\[mandatory\][^\n]*sec-no-privileged/);
        assert.ok(!(await existingNamespaces()).includes("e2e-gate"), "namespace e2e-gate was created");
        assert.equal(
            (await stackResources("gate", dir)).filter((x) => x.type.startsWith("kubernetes:") && !x.type.startsWith("pulumi:")).length,
            0,
            "resources in the gate stack's state",
        );
    });

    // ------------------------------------------------------------------ (b) first up
    it("(b) GIVEN the dev stack WHEN `pulumi up` runs with the pack THEN every planned resource is created and every Deployment/StatefulSet is Available/Ready", async function () {
        this.timeout(900_000);
        const r = await timed("(b) pulumi up dev + pack (from empty)", () => ws.pulumi(dev(["up", "--yes", ...POLICY])));
        assert.equal(r.code, 0, failureText(r.out));
        const s = summary(r.out);
        if (planned) assert.equal(s.created, planned, JSON.stringify(s));
        assert.ok(!s.errored, JSON.stringify(s));

        const state = await stackResources("dev");
        const inState = state.filter((x) => ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"].includes(x.type));
        const live = await workloads();
        assert.deepEqual(
            live.map((w) => `${w.metadata.namespace}/${w.metadata.name}`).sort(),
            inState.map((x) => `${x.outputs.metadata.namespace}/${x.outputs.metadata.name}`).sort(),
        );
        assert.ok(live.length >= 20, `${live.length} workloads`);
        // Pulumi awaited these itself: only Ingresses and LoadBalancer Services skip the await.
        for (const x of inState) assert.equal(x.outputs.metadata.annotations?.["pulumi.com/skipAwait"], undefined, x.urn);
        for (const x of state.filter((y) => y.type === "kubernetes:networking.k8s.io/v1:Ingress")) {
            assert.equal(x.outputs.metadata.annotations?.["pulumi.com/skipAwait"], "true", x.urn);
        }
        assert.deepEqual(notReady(live), []);
        for (const w of live.filter((x) => x.kind === "Deployment")) {
            await ws.must("kubectl", ["rollout", "status", `deployment/${w.metadata.name}`, "-n", w.metadata.namespace, "--timeout=60s"]);
        }
        const pvcs = (await ws.kubectlJson<{ items: any[] }>(["get", "pvc", "-A"])).items;
        assert.ok(pvcs.length > 0);
        assert.deepEqual(
            pvcs.filter((c) => c.status?.phase !== "Bound").map((c) => c.metadata.name),
            [],
        );
    });

    // ------------------------------------------------------------------ (c) idempotent
    it("(c) GIVEN the deployed stack WHEN `pulumi up` runs again THEN it reports zero changes and keeps the same Kubernetes provider", async function () {
        this.timeout(900_000);
        const provider = (await stackResources("dev")).find((x) => x.type === "pulumi:providers:kubernetes");
        const r = await timed("(c) second pulumi up (no changes)", () => ws.pulumi(dev(["up", "--yes", "--expect-no-changes", ...POLICY])));
        assert.equal(r.code, 0, failureText(r.out));
        const s = summary(r.out);
        assert.deepEqual(Object.keys(s), ["unchanged"], JSON.stringify(s));
        const after = (await stackResources("dev")).find((x) => x.type === "pulumi:providers:kubernetes");
        assert.equal(after.urn, provider.urn);
        assert.equal(after.id, provider.id, "the kubernetes provider was replaced");
    });

    // ------------------------------------------------------------------ (d) image rollout
    it("(d) GIVEN one image tag changed WHEN `pulumi up` runs THEN only that Deployment rolls, to completion", async function () {
        this.timeout(900_000);
        const before = new Map((await workloads()).map((w) => [`${w.kind}/${w.metadata.namespace}/${w.metadata.name}`, w.metadata.generation]));
        const image = "ghcr.io/yossiashkenazi/automatic-claude-code/worker:2.0.1";
        editYaml(devConfig, devConfig, (d) => d.setIn(["config", `${P}:claudeCode`, "workerImage"], image));
        const pv = await timed("(d) preview --json after the tag change", () => ws.pulumi(dev(["preview", "--json"])));
        assert.equal(pv.code, 0, failureText(pv.out));
        assert.deepEqual(
            changes(pv.stdout).map((s) => `${s.op} ${s.urn.split("::").pop()}`),
            ["update worker-agent-deploy"],
        );

        const r = await timed("(d) pulumi up (one image)", () => ws.pulumi(dev(["up", "--yes", ...POLICY])));
        assert.equal(r.code, 0, failureText(r.out));
        assert.deepEqual(summary(r.out).updated, 1);
        await ws.must("kubectl", ["rollout", "status", `deployment/${WORKER_DEPLOYMENT.name}`, "-n", WORKER_DEPLOYMENT.ns, "--timeout=120s"]);
        const live = await workloads();
        const worker = live.find((w) => w.kind === "Deployment" && w.metadata.name === WORKER_DEPLOYMENT.name)!;
        assert.equal(worker.spec.template.spec.containers[0].image, image);
        const pods = await ws.kubectlJson<{ items: any[] }>([
            "get",
            "pods",
            "-n",
            WORKER_DEPLOYMENT.ns,
            "-l",
            `app.kubernetes.io/name=${WORKER_DEPLOYMENT.name}`,
        ]);
        assert.ok(
            pods.items.length > 0 && pods.items.every((p) => p.spec.containers[0].image === image && !p.metadata.deletionTimestamp),
            "worker pods not all on the new image",
        );
        for (const w of live) {
            const id = `${w.kind}/${w.metadata.namespace}/${w.metadata.name}`;
            if (w.metadata.name === WORKER_DEPLOYMENT.name && w.kind === "Deployment") assert.equal(w.metadata.generation, before.get(id)! + 1, id);
            else assert.equal(w.metadata.generation, before.get(id), `${id} was touched`);
        }
        assert.deepEqual(notReady(live), []);
    });

    // ------------------------------------------------------------------ (e) drift
    it("(e) GIVEN a StatefulSet scaled and a ConfigMap deleted by kubectl WHEN `preview --refresh` runs THEN both are detected, and `pulumi up --refresh` repairs them", async function () {
        this.timeout(900_000);
        await ws.must("kubectl", ["scale", "statefulset", "inquisitor", "-n", "inquisitor-system", "--replicas=1"]);
        await ws.must("kubectl", ["delete", "configmap", "inquisitor-config", "-n", "inquisitor-system"]);
        await eventually(
            "inquisitor scaled down",
            async () => (await ws.kubectlJson(["get", "statefulset", "inquisitor", "-n", "inquisitor-system"])).status?.replicas === 1,
        );

        const pv = await timed("(e) preview --refresh (drift)", () => ws.pulumi(dev(["preview", "--refresh", "--json"])));
        assert.equal(pv.code, 0, failureText(pv.out));
        assert.deepEqual(
            changes(pv.stdout)
                .map((s) => `${s.op} ${s.urn.split("::").pop()}`)
                .sort(),
            ["create inquisitor-settings-config", "update inquisitor-sts"],
        );

        const r = await timed("(e) pulumi up --refresh (repair)", () => ws.pulumi(dev(["up", "--refresh", "--yes", ...POLICY])));
        assert.equal(r.code, 0, failureText(r.out));
        const sts = await ws.kubectlJson(["get", "statefulset", "inquisitor", "-n", "inquisitor-system"]);
        assert.equal(sts.spec.replicas, 3);
        assert.deepEqual(notReady([sts]), []);
        const cm = await ws.kubectlJson(["get", "configmap", "inquisitor-config", "-n", "inquisitor-system"]);
        assert.equal(cm.data.LOG_FORMAT, "json");
        const again = await timed("(e) preview --expect-no-changes after repair", () => ws.pulumi(dev(["preview", "--expect-no-changes"])));
        assert.equal(again.code, 0, failureText(again.out));
    });

    // ------------------------------------------------------------------ (g) destroy
    it("(g) GIVEN the dev stack WHEN destroyed THEN every workload, namespace and claim is gone (dev keeps no data)", async function () {
        this.timeout(900_000);
        const r = await timed("(g) pulumi destroy dev", () => ws.pulumi(dev(["destroy", "--yes"])));
        assert.equal(r.code, 0, failureText(r.out));
        assert.equal((await stackResources("dev")).length, 0);
        await eventually(
            "dev namespaces and claims deleted",
            async () => {
                const ns = await existingNamespaces();
                const leftNs = PLATFORM_NAMESPACES.filter((n) => ns.includes(n));
                const pvcs = (await ws.kubectlJson<{ items: any[] }>(["get", "pvc", "-A"])).items;
                return (leftNs.length === 0 && pvcs.length === 0) || `namespaces left: ${leftNs.join(",") || "-"}; ${pvcs.length} claims left`;
            },
            180_000,
        );
    });

    it("(g) GIVEN a prod-environment variant (existing cluster, no load balancers) WHEN deployed and destroyed THEN workloads are removed and every data claim and its namespace remain", async function () {
        this.timeout(1_200_000);
        // Pulumi.dev.yaml with environment prod: enforced Pod Security, zone spread, retained
        // volumes and namespaces. The program's own gate judges it with prod.json whatever pack
        // config the CLI is given, so the variant takes the smallest sizes prod.json admits: two
        // replicas (or HPA minimum two) for every stateless workload, and the terminal's sessions
        // on ReadWriteMany so it rolls instead of being recreated.
        // The CLI's pack runs with dev.json: prod.json's stack-level rules judge the EKS cluster and its
        // add-ons, which this existing-cluster variant does not create.
        const source = editYaml(path.join(REPO_ROOT, "Pulumi.dev.yaml"), path.join(ws.dir, "Pulumi.e2e-prod.source.yaml"), (d) => {
            const set = (keys: string[], value: unknown) => d.setIn(["config", ...keys], d.createNode(value));
            set([`${P}:environment`], "prod");
            set([`${P}:terminalMid`, "replicas"], 2);
            set([`${P}:terminalMid`, "sessionsStorage", "accessMode"], "ReadWriteMany");
            set([`${P}:productionAgents`, "hpa", "minReplicas"], 2);
            set([`${P}:claudeCode`, "manager", "replicas"], 2);
            set([`${P}:claudeCode`, "worker", "minReplicas"], 2);
            set([`${P}:claudeCode`, "gateway"], { minReplicas: 2, maxReplicas: 3 });
            set([`${P}:claudeCode`, "dashboard"], { frontendReplicas: 2, backendReplicas: 2, maxReplicas: 3 });
            d.deleteIn(["config", `${P}:ushadow`, "replicas"]);
            set([`${P}:ushadow`, "autoscaling"], Object.fromEntries(["backend", "mem0", "mem0-ui"].map((s) => [s, { minReplicas: 2, maxReplicas: 3 }])));
        });
        const config = await timed("(g) stack.sh prepare e2e-prod", () => ws.prepare("e2e-prod", source));
        const prod = (args: string[]) => [...args, "--stack", "e2e-prod", "--config-file", config];
        const up = await timed("(g) pulumi up e2e-prod (prod environment)", () => ws.pulumi(prod(["up", "--yes", ...POLICY])));
        assert.equal(up.code, 0, failureText(up.out));
        // Pods were admitted under enforced `restricted` Pod Security.
        for (const n of PLATFORM_NAMESPACES) {
            const ns = await ws.kubectlJson(["get", "namespace", n]);
            assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted", n);
        }
        // Pulumi awaits each Deployment at its own replica count; the HPAs (minimum 2 here) scale
        // them up afterwards, so the extra replicas get a moment to become available.
        await eventually(
            "prod-environment workloads ready at their HPA minimums",
            async () => {
                const waiting = notReady(await workloads());
                return waiting.length === 0 || waiting.join("; ");
            },
            180_000,
        );
        const claims = (await ws.kubectlJson<{ items: any[] }>(["get", "pvc", "-A"])).items.map((c) => ({
            id: `${c.metadata.namespace}/${c.metadata.name}`,
            uid: c.metadata.uid,
            pv: c.spec.volumeName,
        }));
        assert.ok(claims.length >= 10, `${claims.length} claims`);

        const down = await timed("(g) pulumi destroy e2e-prod", () => ws.pulumi(prod(["destroy", "--yes"])));
        assert.equal(down.code, 0, failureText(down.out));
        await eventually(
            "workloads and pods gone",
            async () => {
                const left = await ws.kubectlJson<{ items: any[] }>(["get", "deployments,statefulsets,replicasets,pods,services,jobs,cronjobs", "-A"]);
                const ours = left.items.filter((o) => PLATFORM_NAMESPACES.includes(o.metadata.namespace));
                return (
                    ours.length === 0 ||
                    ours
                        .map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)
                        .slice(0, 5)
                        .join(", ")
                );
            },
            180_000,
        );
        const ns = await existingNamespaces();
        assert.deepEqual(
            PLATFORM_NAMESPACES.filter((n) => !ns.includes(n)),
            [],
            "retained namespaces deleted",
        );
        const pvcs = (await ws.kubectlJson<{ items: any[] }>(["get", "pvc", "-A"])).items;
        const pvs = (await ws.kubectlJson<{ items: any[] }>(["get", "pv"])).items;
        for (const c of claims) {
            const now = pvcs.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === c.id);
            assert.ok(now, `claim ${c.id} was deleted`);
            assert.equal(now.metadata.uid, c.uid, `claim ${c.id} was recreated`);
            assert.equal(now.status.phase, "Bound", c.id);
            assert.ok(
                pvs.some((v) => v.metadata.name === c.pv && v.status.phase === "Bound"),
                `volume ${c.pv} of ${c.id} is gone or released`,
            );
        }
    });

    // ------------------------------------------------------------------ (f) prod render dry-run
    it("(f) GIVEN the prod render WHEN applied with `kubectl apply --dry-run=server` THEN the API server accepts every object and restricted Pod Security admits every pod", async function () {
        this.timeout(600_000);
        const out = path.join(ws.dir, "render-prod");
        await timed("(f) npm run render -- --stack prod", () => ws.must("npm", ["run", "render", "--", "--stack", "prod", "--out", out], { env: process.env }));
        const YAML = await import("yaml");
        const files: string[] = [];
        const walk = (d: string) => {
            for (const e of fs.readdirSync(d, { withFileTypes: true })) {
                if (e.isDirectory()) walk(path.join(d, e.name));
                else if (e.name.endsWith(".yaml")) files.push(path.join(d, e.name));
            }
        };
        walk(out);
        const objects = files.sort().map((f) => YAML.parse(fs.readFileSync(f, "utf8")));

        // What the API server serves (the CRD-backed kinds come from tools/e2e/crds.yaml).
        const served = new Set(
            (await ws.must("kubectl", ["api-resources", "--no-headers", "-o", "wide"])).stdout
                .split("\n")
                .map((l) => l.trim().split(/\s+/))
                .filter((f) => f.length >= 4)
                .map((f) => {
                    // NAME [SHORTNAMES] APIVERSION NAMESPACED KIND VERBS...
                    const i = f.findIndex((x) => x === "true" || x === "false");
                    return `${f[i - 1]}/${f[i + 1]}`;
                }),
        );
        const existingClasses = (await ws.kubectlJson<{ items: any[] }>(["get", "storageclass"])).items.map((s) => s.metadata.name);
        const skipped: string[] = [];
        const take = objects.filter((o) => {
            const id = `${o.kind} ${o.metadata.namespace ?? ""}/${o.metadata.name}`;
            if (!served.has(`${o.apiVersion}/${o.kind}`)) {
                skipped.push(`${id} (${o.apiVersion} not served)`);
                return false;
            }
            // The local cluster's own classes (kwok binds their claims); a class's provisioner is immutable.
            if (o.kind === "StorageClass" && existingClasses.includes(o.metadata.name)) {
                skipped.push(`${id} (local class of that name)`);
                return false;
            }
            return true;
        });
        // Render redacts Secret values; any base64 value does for admission.
        for (const o of take.filter((x) => x.kind === "Secret" && x.data))
            for (const k of Object.keys(o.data)) o.data[k] = Buffer.from("redacted").toString("base64");

        // Empty namespaces: claims kept by (g) have dev sizes and classes, and a bound claim's spec
        // is immutable, so the prod render would (rightly) be refused on top of them.
        await ws.must("kubectl", ["delete", "namespace", ...PLATFORM_NAMESPACES, "--ignore-not-found", "--wait", "--timeout=180s"], { timeoutMs: 240_000 });
        // Namespaces for real first (their Pod Security labels are what admission reads), then the rest.
        const namespaces = take.filter((o) => o.kind === "Namespace");
        const prodNamespaces = namespaces.map((n) => n.metadata.name);
        const write = (name: string, objs: any[]) => {
            // JSON documents: kubectl reads YAML as 1.1 (`yes` would become a boolean).
            const f = path.join(ws.dir, name);
            fs.writeFileSync(f, objs.map((o) => JSON.stringify(o)).join("\n---\n") + "\n");
            return f;
        };
        await ws.must("kubectl", ["apply", "-f", write("prod-namespaces.json.yaml", namespaces)]);
        // Namespaces the add-ons' Helm releases create on EKS (monitoring, velero, ...) that the
        // render puts objects in (dashboards, adapter rules, Schedules): created plain, as a chart would.
        const existing = new Set(await existingNamespaces());
        const addonNamespaces = [...new Set(take.map((o) => o.metadata.namespace).filter((n): n is string => !!n))]
            .filter((n) => !prodNamespaces.includes(n) && !existing.has(n))
            .sort();
        for (const n of addonNamespaces) await ws.must("kubectl", ["create", "namespace", n]);
        // Pod admission reads these (ServiceAccount exists, LimitRange min/max/defaults, quota):
        // they are created for real so the pod dry-run below is judged like a controller's pod.
        const podPrereqs = take.filter(
            (o) => ["ServiceAccount", "LimitRange", "ResourceQuota"].includes(o.kind) && prodNamespaces.includes(o.metadata.namespace),
        );
        await ws.must("kubectl", ["apply", "-f", write("prod-pod-prereqs.json.yaml", podPrereqs)]);
        for (const n of prodNamespaces.filter((x) => PLATFORM_NAMESPACES.includes(x))) {
            const ns = await ws.kubectlJson(["get", "namespace", n]);
            assert.equal(ns.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted", `${n} does not enforce restricted`);
        }
        const rest = take.filter((o) => o.kind !== "Namespace");
        const dry = await timed("(f) kubectl apply --dry-run=server (prod render)", () =>
            ws.run("kubectl", ["apply", "--dry-run=server", "-f", write("prod-objects.json.yaml", rest)]),
        );
        assert.equal(dry.code, 0, failureText(dry.out));
        assert.doesNotMatch(dry.out, /would violate PodSecurity/);
        assert.equal(
            dry.stdout
                .trim()
                .split("\n")
                .filter((l) => /\(server dry run\)$/.test(l)).length,
            rest.length,
        );

        // Controllers create pods later, so admission of workloads alone does not prove the pods are
        // admissible: dry-run one Pod per pod template (Deployment, StatefulSet, Job, CronJob).
        const pods = rest.flatMap((o) => {
            const template =
                o.kind === "CronJob"
                    ? o.spec.jobTemplate.spec.template
                    : ["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind)
                      ? o.spec.template
                      : undefined;
            if (!template) return [];
            // A StatefulSet's pods get one claim volume per volumeClaimTemplate (claim <template>-<sts>-<i>).
            const claims = (o.spec.volumeClaimTemplates ?? []).map((t: any) => ({
                name: t.metadata.name,
                persistentVolumeClaim: { claimName: `${t.metadata.name}-${o.metadata.name}-0` },
            }));
            const spec = { ...template.spec, volumes: [...(template.spec.volumes ?? []), ...claims] };
            return [
                {
                    apiVersion: "v1",
                    kind: "Pod",
                    metadata: { name: `${o.metadata.name}-e2e-pod`.slice(0, 63), namespace: o.metadata.namespace, labels: template.metadata?.labels ?? {} },
                    spec,
                },
            ];
        });
        assert.ok(pods.length >= 20, `${pods.length} pod templates`);
        // The platform namespaces' pods (kube-system's add-ons are not under `restricted`).
        const platformPods = pods.filter((p) => prodNamespaces.includes(p.metadata.namespace));
        const podDry = await timed("(f) dry-run one Pod per pod template", () =>
            ws.run("kubectl", ["apply", "--dry-run=server", "-f", write("prod-pods.json.yaml", platformPods)]),
        );
        assert.equal(podDry.code, 0, failureText(podDry.out));
        // Negative control: the same admission rejects a privileged pod in a prod namespace.
        const privileged = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: "privileged-e2e", namespace: "claude-code" },
            spec: { containers: [{ name: "c", image: "busybox:1.36.1", securityContext: { privileged: true } }] },
        };
        const neg = await ws.run("kubectl", ["apply", "--dry-run=server", "-f", write("privileged-pod.json.yaml", [privileged])]);
        assert.notEqual(neg.code, 0);
        assert.match(neg.out, /violates PodSecurity "restricted:latest"/);
        console.log(
            `      dry-run accepted ${rest.length} objects + ${namespaces.length} namespaces and ${platformPods.length} pods; skipped ${skipped.length}: ${skipped.join("; ") || "none"}`,
        );
    });

    // ------------------------------------------------------------------ (h) upgrade
    it(`(h) GIVEN the dev stack deployed by the baseline revision ${UPGRADE_BASELINE.slice(0, 7)} WHEN this revision previews and ups it THEN nothing is replaced or deleted`, async function () {
        this.timeout(1_200_000);
        // The baseline predates the component type tokens' move to agent-platform:index:<Name>
        // (issue 14): every component and child URN changes, and the old tokens' aliases must map
        // them onto the deployed resources. Runs on the dev stack (g) emptied; the prod variant
        // kept its namespaces and claims (as prod does), so those go first.
        await timed("(h) delete the namespaces the prod variant kept", () =>
            ws.must("kubectl", ["delete", "namespace", ...PLATFORM_NAMESPACES, "--ignore-not-found", "--wait=true", "--timeout=300s"], { timeoutMs: 360_000 }),
        );
        const baseline = await timed("(h) baseline program: git archive + tsc build", () => ws.baselineProgram(UPGRADE_BASELINE));
        const old = await timed("(h) pulumi up dev with the baseline program", () => ws.pulumi(dev(["up", "--yes", "--skip-preview"]), { cwd: baseline }));
        assert.equal(old.code, 0, failureText(old.out));
        const deployed = await stackResources("dev");
        assert.ok(deployed.length > 100, `${deployed.length} resources deployed by the baseline`);

        const pv = await timed("(h) preview --json with this revision", () => ws.pulumi(dev(["preview", "--json"])));
        assert.equal(pv.code, 0, failureText(pv.out));
        const ops = (JSON.parse(pv.stdout).steps ?? []) as { op: string; urn: string }[];
        const destructive = ops.filter((o) => /replace|delete|discard/.test(o.op)).map((o) => `${o.op} ${o.urn}`);
        assert.deepEqual(destructive, [], "the upgrade plans replacements or deletions");

        const up = await timed("(h) pulumi up dev with this revision", () => ws.pulumi(dev(["up", "--yes", "--skip-preview", ...POLICY])));
        assert.equal(up.code, 0, failureText(up.out));
        const s = summary(up.out);
        assert.ok(!s.replaced && !s.deleted && !s.errored, JSON.stringify(s));
        // Identity: the Kubernetes object's uid where the state shows it, else the provider's id.
        const identity = (r: { id?: string; outputs?: any }) => r.outputs?.metadata?.uid ?? r.id;
        const now = new Set((await stackResources("dev")).map(identity));
        const baselineIds = deployed.filter((r) => r.id).map((r) => `${identity(r)} (${r.type} ${r.urn.split("::").pop()})`);
        const recreated = deployed.filter((r) => r.id && !now.has(identity(r))).map((r) => r.urn);
        assert.deepEqual(recreated, [], "resources the upgrade recreated");
        console.log(`      upgrade from ${UPGRADE_BASELINE.slice(0, 7)}: ${JSON.stringify(s)}; ${baselineIds.length} resources kept their identity`);
    });
});
