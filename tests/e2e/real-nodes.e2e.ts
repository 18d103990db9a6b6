/**
 * e2e on real containers (issue 13): the dev stack deployed by the real Pulumi engine onto the
 * local cluster with real nodes (AP_NODES=real: kubelet, containerd + runc, kube-proxy, CoreDNS,
 * kube-network-policies; tools/e2e/nodes.sh). Application images are the stand-in
 * (tools/e2e/images/standin), Redis and PostgreSQL are the real servers from Debian's packages;
 * the stack gets them only through its `images` config map (in the e2e config copy).
 *
 * Part of `npm run e2e` by default (root needed: network and mount namespaces, cgroups);
 * `AP_NODES=kwok npm run e2e` leaves it out, for machines that cannot run containers.
 * Own cluster: state in a temp dir, apiserver :17543, etcd :17579
 * (E2E_REAL_APISERVER_PORT / E2E_REAL_ETCD_PORT).
 *
 * Artifacts (connectivity matrix JSON, .dot and .svg) go to $E2E_ARTIFACTS
 * (default <tmp>/agent-platform-e2e-artifacts).
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DEV_POLICY_CONFIG, POLICY_DIR, Timings, Workspace, eventually, sleep, summary } from "./lib/harness";
import { isExternal } from "../flows";
import { FlowResult, devFlows, listening, matrixDot, matrixTable, sourcePod, standInPlatformPods, startPlatformPods, tryFlows } from "./lib/flows";

const PLATFORM_NAMESPACES = ["claude-code", "claude-mid-service", "inquisitor-system", "production-agents", "ushadow"];
const POLICY = ["--policy-pack", POLICY_DIR, "--policy-pack-config", DEV_POLICY_CONFIG];
const ARTIFACTS = process.env.E2E_ARTIFACTS ?? path.join(os.tmpdir(), "agent-platform-e2e-artifacts");
/** Every pod Running and Ready within this long after `pulumi up` returns. */
const READY_BOUND_MS = 300_000;

const nodesMode = process.env.AP_NODES ?? "real";
if (nodesMode !== "real" && nodesMode !== "kwok") throw new Error(`AP_NODES must be real or kwok, not ${JSON.stringify(nodesMode)}`);
const enabled = nodesMode === "real";

(enabled ? describe : describe.skip)(
    "e2e on real nodes (default; AP_NODES=kwok skips): containers, probes, DNS, Services, enforced NetworkPolicies",
    function () {
        const ws = new Workspace();
        Object.assign(ws.toolEnv, {
            AP_NODES: "real",
            AP_APISERVER_PORT: process.env.E2E_REAL_APISERVER_PORT ?? "17543",
            AP_ETCD_PORT: process.env.E2E_REAL_ETCD_PORT ?? "17579",
        });
        const timings = new Timings();
        const timed = timings.timed;
        let config = "";
        const platformPods = async (): Promise<any[]> =>
            (await ws.kubectlJson<{ items: any[] }>(["get", "pods", "-A"])).items.filter((p) => PLATFORM_NAMESPACES.includes(p.metadata.namespace));
        const exec = (ns: string, pod: string, container: string, script: string) =>
            ws.run("kubectl", ["exec", "-n", ns, pod, "-c", container, "--", "sh", "-c", script], { timeoutMs: 120_000 });

        before(async function () {
            this.timeout(1_800_000);
            console.log(`    e2e (real nodes) work dir ${ws.dir} (log: ${ws.log})`);
            await timed("cluster.sh up with 3 real nodes", () => ws.clusterUp());
            config = await timed("stack.sh prepare dev + images map", () => ws.prepare("dev"));
            await ws.createImpliedNamespaces("dev");
            const up = await timed("pulumi up (dev, real containers)", () =>
                ws.pulumi(["up", "--yes", "--skip-preview", "--stack", "dev", "--config-file", config, ...POLICY], { timeoutMs: 1_500_000 }),
            );
            assert.equal(up.code, 0, `pulumi up failed:\n${up.out.slice(-6000)}`);
            console.log(`    pulumi up: ${JSON.stringify(summary(up.out))}`);
        });

        after(function () {
            this.timeout(180_000);
            ws.cleanup();
            timings.print("e2e (real nodes) timings");
        });

        it("GIVEN the dev stack on real nodes THEN every pod is Running and Ready under its own probes, on the locally built images, without restarts", async function () {
            this.timeout(READY_BOUND_MS + 60_000);
            await timed("all pods Ready", () =>
                eventually(
                    "every platform pod Running and Ready",
                    async () => {
                        const pods = (await platformPods()).filter((p) => !p.metadata.ownerReferences?.some((o: any) => o.kind === "Job"));
                        const bad = pods
                            .filter((p) => p.status.phase !== "Running" || p.status.conditions?.find((c: any) => c.type === "Ready")?.status !== "True")
                            .map(
                                (p) =>
                                    `${p.metadata.namespace}/${p.metadata.name} ${p.status.phase} ${(p.status.containerStatuses ?? []).map((c: any) => JSON.stringify(c.state)).join(" ")}`,
                            );
                        return pods.length > 0 && bad.length === 0 ? true : `${bad.length}/${pods.length} not ready: ${bad.slice(0, 5).join("; ")}`;
                    },
                    READY_BOUND_MS,
                ),
            );
            const pods = await platformPods();
            const namespaces = new Set(pods.map((p) => p.metadata.namespace));
            for (const ns of PLATFORM_NAMESPACES) assert.ok(namespaces.has(ns), `no pod in ${ns}: every system runs`);
            const restarted = pods.flatMap((p) =>
                (p.status.containerStatuses ?? [])
                    .filter((c: any) => c.restartCount > 0)
                    .map((c: any) => `${p.metadata.namespace}/${p.metadata.name}/${c.name} x${c.restartCount}`),
            );
            assert.deepEqual(restarted, [], "a container restarted: a liveness or startup probe failed");
            const foreign = pods.flatMap((p) => p.spec.containers.map((c: any) => c.image)).filter((i: string) => !i.startsWith("agent-platform.local/"));
            assert.deepEqual(foreign, [], "every image comes from the images config map");
            console.log(
                `    ${pods.length} pods Running and Ready in ${namespaces.size} namespaces on ${new Set(pods.map((p) => p.spec.nodeName)).size} nodes`,
            );
        });

        it("GIVEN a worker whose readiness path fails WHEN probed THEN it leaves the Service's endpoints, and comes back when it recovers", async function () {
            this.timeout(240_000);
            const pod = await sourcePod(ws, "claude-code", "worker-agent");
            assert.ok(pod, "no worker-agent pod");
            const ready = async () =>
                (await ws.kubectlJson(["get", "pod", "-n", "claude-code", pod!])).status.conditions.find((c: any) => c.type === "Ready").status;
            const endpoints = async () =>
                JSON.stringify(await ws.kubectlJson(["get", "endpointslices", "-n", "claude-code", "-l", "kubernetes.io/service-name=worker-agent"]));
            await ws.must("kubectl", ["exec", "-n", "claude-code", pod!, "--", "standin", "fail", "/ready"]);
            await eventually("worker-agent NotReady after /ready fails", async () => (await ready()) === "False", 90_000);
            await eventually("worker-agent endpoint not ready", async () => /"ready":false/.test(await endpoints()), 60_000);
            await ws.must("kubectl", ["exec", "-n", "claude-code", pod!, "--", "standin", "unfail"]);
            await eventually("worker-agent Ready again", async () => (await ready()) === "True", 90_000);
        });

        it("GIVEN the shared flow list (tests/flows, dev) WHEN each flow is tried from inside its source pod THEN intended flows connect and must-deny flows are refused (table, JSON, graphviz)", async function () {
            this.timeout(1_200_000);
            const flows = devFlows();
            const image = (await ws.imageMap())["ghcr.io/yossiashkenazi/automatic-claude-code/worker:2.0.0"];
            await timed("platform stand-in pods (stranger, debug, prometheus, ingress controller)", () =>
                startPlatformPods(ws, image, standInPlatformPods(flows)),
            );
            const results: FlowResult[] = await timed(`connectivity matrix (${flows.length} dev flows)`, () => tryFlows(ws, flows, image));
            fs.mkdirSync(ARTIFACTS, { recursive: true });
            const json = path.join(ARTIFACTS, "connectivity-dev.json");
            const dot = path.join(ARTIFACTS, "connectivity-dev.dot");
            fs.writeFileSync(json, JSON.stringify({ source: "tests/flows (dev)", cluster: "local, real nodes", results }, null, 2));
            fs.writeFileSync(dot, matrixDot(results));
            const svg = spawnSync("dot", ["-Tsvg", dot, "-o", dot.replace(/\.dot$/, ".svg")], { encoding: "utf8" });
            const count = (v: string) => results.filter((r) => r.verdict === v).length;
            console.log(
                `\n    connectivity matrix, tests/flows (dev): ${count("ok")} ok, ${count("known")} known violations, ${count("FAIL")} wrong, ${count("not tried")} not tried\n${matrixTable(results).replace(/^/gm, "      ")}`,
            );
            console.log(
                `    written: ${json}, ${dot}${svg.status === 0 ? `, ${dot.replace(/\.dot$/, ".svg")}` : ` (graphviz: ${svg.error?.message ?? svg.stderr})`}`,
            );
            // A deny proves something only if the target listens: an allowed flow to the same pod and
            // port, or else a connection from inside a target pod to its own port (no policy applies).
            for (const r of results.filter((x) => x.expect === "deny" && x.verdict === "ok")) {
                if (results.some((x) => x.observed === "allow" && x.to === r.to && x.port === r.port && x.protocol === r.protocol)) continue;
                const flow = flows.find((f) => f.id === r.id)!;
                assert.ok(
                    !isExternal(flow.to) && (await listening(ws, flow.to, r.port, image)),
                    `deny ${r.id} proves nothing: ${r.to} does not listen on ${r.port}`,
                );
            }
            assert.ok(count("ok") > 40, `only ${count("ok")} flows verified`);
            assert.deepEqual(
                results.filter((r) => r.verdict === "FAIL").map((r) => `${r.id}: expected ${r.expect}, observed ${r.observed ?? "-"} (${r.detail})`),
                [],
            );
        });

        it("GIVEN the claude-code Redis THEN commands without AUTH, FLUSHALL and CONFIG are refused, and a key survives a pod restart (AOF on its volume)", async function () {
            this.timeout(600_000);
            // The container's env carries REDISCLI_AUTH (for its probes): drop it for the unauthenticated client.
            const cli = (args: string) => exec("claude-code", "redis-0", "redis", `env -u REDISCLI_AUTH redis-cli -h 127.0.0.1 -p 6379 ${args} 2>&1`);
            const authed = (args: string) =>
                exec("claude-code", "redis-0", "redis", `REDISCLI_AUTH="$REDIS_PASSWORD" redis-cli --no-auth-warning -h 127.0.0.1 -p 6379 ${args} 2>&1`);
            assert.match((await cli("SET e2e:noauth x")).out, /NOAUTH/);
            assert.match((await cli("GET e2e:noauth")).out, /NOAUTH/);
            assert.match((await authed("PING")).out, /PONG/);
            assert.match((await authed("FLUSHALL")).out, /unknown command/i);
            assert.match((await authed("CONFIG GET requirepass")).out, /unknown command/i);
            const value = `survives-${Date.now()}`;
            assert.match((await authed(`SET e2e:persist ${value}`)).out, /OK/);
            await ws.must("kubectl", ["delete", "pod", "-n", "claude-code", "redis-0", "--wait=true"]);
            await eventually(
                "redis-0 Ready again",
                async () => {
                    const r = await ws.run("kubectl", [
                        "get",
                        "pod",
                        "-n",
                        "claude-code",
                        "redis-0",
                        "-o",
                        "jsonpath={.status.conditions[?(@.type=='Ready')].status}",
                    ]);
                    return r.stdout.trim() === "True";
                },
                240_000,
            );
            assert.equal((await authed("GET e2e:persist")).out.trim(), value);
        });

        it("GIVEN rows in the claude-code Postgres WHEN a Job from the backup CronJob runs THEN its dump restores into a fresh Postgres with the same row count", async function () {
            this.timeout(900_000);
            const psql = (sql: string) =>
                exec("claude-code", "postgres-0", "postgres", `psql -v ON_ERROR_STOP=1 -At -U "$POSTGRES_USER" -d "$POSTGRES_DB" -c "${sql}"`);
            const rows = 1000 + Math.floor(Math.random() * 1000);
            const created = await psql(
                `DROP TABLE IF EXISTS e2e_rows; CREATE TABLE e2e_rows (id int primary key, note text); INSERT INTO e2e_rows SELECT g, md5(g::text) FROM generate_series(1, ${rows}) g;`,
            );
            assert.equal(created.code, 0, created.out);
            assert.equal((await psql("SELECT count(*) FROM e2e_rows")).out.trim(), String(rows));

            await ws.must("kubectl", ["create", "job", "-n", "claude-code", "e2e-backup", "--from=cronjob/postgres-backup"]);
            await eventually(
                "backup Job complete",
                async () => {
                    const job = await ws.kubectlJson(["get", "job", "-n", "claude-code", "e2e-backup"]);
                    if (job.status?.conditions?.some((c: any) => c.type === "Failed" && c.status === "True")) {
                        const logs = await ws.run("kubectl", ["logs", "-n", "claude-code", "job/e2e-backup", "--all-containers"]);
                        throw new Error(`backup Job failed: ${JSON.stringify(job.status.conditions)}\n${logs.out.slice(-2000)}`);
                    }
                    return job.status?.succeeded === 1;
                },
                300_000,
            );
            const logs = await ws.must("kubectl", ["logs", "-n", "claude-code", "job/e2e-backup", "--all-containers"]);
            assert.match(logs.out, /wrote \/backup\/.*\.sql\.gz/);

            // The dev destination is the postgres-backup-dumps claim: read the newest dump from its volume.
            const pvc = await ws.kubectlJson(["get", "pvc", "-n", "claude-code", "postgres-backup-dumps"]);
            const pv = await ws.kubectlJson(["get", "pv", pvc.spec.volumeName]);
            const dir = pv.spec.hostPath.path as string;
            const latest = fs.readFileSync(path.join(dir, "LATEST"), "utf8").trim();
            const dump = fs.readFileSync(path.join(dir, path.basename(latest)));
            assert.ok(dump.length > 100, `dump ${latest} is ${dump.length} bytes`);

            // A fresh Postgres (same image as the stack's) in its own namespace, restored from the dump.
            const sts = await ws.kubectlJson(["get", "statefulset", "-n", "claude-code", "postgres"]);
            const image = sts.spec.template.spec.containers.find((c: any) => c.name === "postgres").image;
            const ns = "e2e-restore";
            await ws.must("kubectl", ["create", "namespace", ns]);
            const manifest = {
                apiVersion: "v1",
                kind: "Pod",
                metadata: { name: "postgres-restore", namespace: ns },
                spec: {
                    securityContext: { runAsUser: 70, runAsGroup: 70, fsGroup: 70, runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
                    containers: [
                        {
                            name: "postgres",
                            image,
                            imagePullPolicy: "Never",
                            env: [
                                { name: "POSTGRES_PASSWORD", value: "restore-only" },
                                { name: "POSTGRES_USER", value: "restore" },
                                { name: "POSTGRES_DB", value: "restored" },
                                { name: "PGDATA", value: "/var/lib/postgresql/data/pgdata" },
                            ],
                            readinessProbe: { exec: { command: ["sh", "-c", "pg_isready -h 127.0.0.1 -U restore -d restored"] }, periodSeconds: 2 },
                            securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                            volumeMounts: [
                                { name: "data", mountPath: "/var/lib/postgresql/data" },
                                { name: "run", mountPath: "/var/run/postgresql" },
                                { name: "tmp", mountPath: "/tmp" },
                            ],
                        },
                    ],
                    volumes: [
                        { name: "data", emptyDir: {} },
                        { name: "run", emptyDir: {} },
                        { name: "tmp", emptyDir: {} },
                    ],
                },
            };
            await ws.must("kubectl", ["apply", "-f", "-"], { input: Buffer.from(JSON.stringify(manifest)) });
            await ws.must("kubectl", ["wait", "-n", ns, "--for=condition=Ready", "pod/postgres-restore", "--timeout=240s"], { timeoutMs: 300_000 });
            const restore = await ws.run(
                "kubectl",
                ["exec", "-i", "-n", ns, "postgres-restore", "--", "sh", "-c", "gunzip | psql -v ON_ERROR_STOP=1 -q -U restore -d restored >/dev/null"],
                { input: dump, timeoutMs: 300_000 },
            );
            assert.equal(restore.code, 0, restore.out);
            const count = await ws.must("kubectl", [
                "exec",
                "-n",
                ns,
                "postgres-restore",
                "--",
                "psql",
                "-At",
                "-U",
                "restore",
                "-d",
                "restored",
                "-c",
                "SELECT count(*) FROM e2e_rows",
            ]);
            assert.equal(count.stdout.trim(), String(rows));
            await ws.run("kubectl", ["delete", "namespace", ns, "--wait=false"]);
        });

        it("GIVEN every running container THEN it runs as its declared non-root uid, / is not writable and /tmp is", async function () {
            this.timeout(900_000);
            const problems: string[] = [];
            let checked = 0;
            for (const p of await platformPods()) {
                if (p.status.phase !== "Running") continue;
                for (const c of p.spec.containers) {
                    const uid = c.securityContext?.runAsUser ?? p.spec.securityContext?.runAsUser;
                    const where = `${p.metadata.namespace}/${p.metadata.name}/${c.name}`;
                    if (uid === undefined || uid === 0) {
                        problems.push(`${where}: no non-root runAsUser declared`);
                        continue;
                    }
                    const r = await exec(
                        p.metadata.namespace,
                        p.metadata.name,
                        c.name,
                        "id -u; (touch /.e2e-probe 2>/dev/null && echo root-writable) || echo root-readonly; (touch /tmp/.e2e-probe && rm -f /tmp/.e2e-probe && echo tmp-writable) || echo tmp-readonly",
                    );
                    checked++;
                    const [id, root, tmp] = r.out.trim().split("\n").slice(-3);
                    if (r.code !== 0 || Number(id) !== uid || root !== "root-readonly" || tmp !== "tmp-writable") {
                        problems.push(`${where}: declared uid ${uid}, got ${JSON.stringify(r.out.trim())} (exit ${r.code})`);
                    }
                }
            }
            console.log(`    ${checked} containers checked`);
            assert.ok(checked > 20, `only ${checked} containers checked`);
            assert.deepEqual(problems, []);
        });

        it("GIVEN the nodes WHEN asked THEN they are real kubelets on containerd (not kwok)", async function () {
            this.timeout(60_000);
            const nodes = (await ws.kubectlJson<{ items: any[] }>(["get", "nodes"])).items;
            assert.ok(nodes.length >= 3);
            for (const n of nodes) {
                assert.match(n.status.nodeInfo.containerRuntimeVersion, /^containerd:\/\//);
                assert.equal(n.metadata.annotations?.["kwok.x-k8s.io/node"], undefined);
            }
            await sleep(0);
        });
    },
);
