import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../../tools/compose-convert";
import { DEFAULT_SECRET_PATTERNS, secretNameMatcher } from "../../../components/compose/env";
import { K8sObject } from "../../../tools/lib/render";
import { convertUshadow, find, renderApp, RESEARCH_COMPOSE, USHADOW_COMPOSE, USHADOW_OPTIONS, ushadowAppArgs, validateSchema, REPO } from "./helpers";

const GOLDEN = path.join(__dirname, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

/** Runs the CLI in-process and returns [exit code, stdout, stderr]. */
async function cli(argv: string[]): Promise<[number, string, string]> {
    let out = "";
    let err = "";
    const code = await main(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
    return [code, out, err];
}

function checkGolden(name: string, actual: string) {
    const file = path.join(GOLDEN, name);
    if (UPDATE || !fs.existsSync(file)) fs.writeFileSync(file, actual);
    assert.equal(actual, fs.readFileSync(file, "utf8"), `${name} differs from the golden file (UPDATE_GOLDEN=1 npm test to accept)`);
}

const rel = (p: string) => path.relative(REPO, p);

describe("compose golden files", function () {
    // Paths relative to the repo so the golden output does not depend on the checkout location.
    const cwd = process.cwd();
    before(() => process.chdir(REPO));
    after(() => process.chdir(cwd));

    describe("GIVEN the ushadow compose file (seed 004) and its options", () => {
        it("WHEN converted by the CLI THEN the YAML matches the golden file", async () => {
            const [code, out, err] = await cli([
                rel(USHADOW_COMPOSE),
                "--namespace",
                "ushadow",
                "--env",
                "AUTH_SECRET_KEY=test-auth-secret",
                "--options",
                rel(USHADOW_OPTIONS),
            ]);
            assert.equal(code, 0, err);
            assert.ok(!out.includes("test-auth-secret"), "secret values must be redacted");
            checkGolden("ushadow.yaml", out);
        });

        const app = convertUshadow();
        let objects: K8sObject[] = [];
        before(async () => {
            objects = await renderApp(ushadowAppArgs());
        });
        it("THEN every object is schema-valid and explicitly named in the ushadow namespace", () => {
            for (const o of objects) {
                validateSchema(o);
                assert.ok(o.metadata.name && !o.metadata.name.endsWith("-"), o.metadata.name);
                assert.equal(o.metadata.namespace, "ushadow");
                assert.equal(o.metadata.labels["app.kubernetes.io/managed-by"], "pulumi");
                assert.equal(o.metadata.labels["app.kubernetes.io/part-of"], "ushadow");
            }
        });

        it("THEN every secret-looking key is in a Secret and no ConfigMap holds one", () => {
            const isSecret = secretNameMatcher(DEFAULT_SECRET_PATTERNS);
            for (const cm of objects.filter((o) => o.kind === "ConfigMap")) {
                for (const [k, v] of Object.entries(cm.data as Record<string, string>)) {
                    assert.ok(!isSecret(k), `${cm.metadata.name} holds ${k}`);
                    assert.ok(!/test-auth-secret|ushadow-dev/.test(v), `${cm.metadata.name}.${k} holds a secret value`);
                }
            }
            assert.deepEqual(Object.keys(find(objects, "Secret", "backend-secrets").stringData), [
                "ANTHROPIC_API_KEY",
                "AUTH_SECRET_KEY",
                "NEO4J_PASSWORD",
                "OPENAI_API_KEY",
            ]);
            assert.equal(find(objects, "Secret", "backend-secrets").stringData.AUTH_SECRET_KEY, "test-auth-secret");
            // NEO4J_AUTH does not match a name pattern but embeds ${NEO4J_PASSWORD}
            assert.deepEqual(find(objects, "Secret", "neo4j-secrets").stringData, { NEO4J_AUTH: "neo4j/ushadow-dev" });
            assert.deepEqual(app.services.neo4j.secretReasons.NEO4J_AUTH, { secret: true, reason: "references-secret", via: "NEO4J_PASSWORD" });
        });

        it("THEN in-project infrastructure is discovered and offered to env vars, keeping the compose URL's path", () => {
            assert.deepEqual(Object.keys(app.infrastructure).sort(), ["mongo", "neo4j", "qdrant", "redis"]);
            const cm = find(objects, "ConfigMap", "backend-config").data;
            assert.equal(cm.MONGODB_URI, "mongodb://mongo.ushadow.svc.cluster.local:27017/ushadow");
            assert.equal(cm.REDIS_URL, "redis://redis.ushadow.svc.cluster.local:6379/0");
            assert.equal(cm.QDRANT_URL, "http://qdrant.ushadow.svc.cluster.local:6333");
            assert.equal(cm.NEO4J_URI, "bolt://neo4j.ushadow.svc.cluster.local:7687");
            assert.equal(cm.PRICE_DISPLAY, "$USD", "$$ escapes to a literal $");
            assert.equal(find(objects, "ConfigMap", "mem0-config").data.QDRANT_HOST, "qdrant.ushadow.svc.cluster.local");
            assert.equal(app.services.backend.envSources.MONGODB_URI, "infrastructure");
            assert.equal(app.services.backend.envSources.AUTH_SECRET_KEY, "explicit");
        });

        it("WHEN an explicit value is given THEN it beats discovered infrastructure (resolution order)", () => {
            const a = convertUshadow({ explicit: { MONGODB_URI: "mongodb://atlas.example.net/ushadow" } });
            assert.equal(a.workloads.find((w) => w.service === "backend")?.args.config?.data.MONGODB_URI, "mongodb://atlas.example.net/ushadow");
        });

        it("THEN the Deployment is hardened by AgentService, uses envFrom for both and probes the health path", () => {
            const d = find(objects, "Deployment", "backend");
            const pod = d.spec.template.spec;
            const c = pod.containers[0];
            assert.deepEqual(pod.securityContext, {
                runAsNonRoot: true,
                runAsUser: 10001,
                runAsGroup: 10001,
                fsGroup: 10001,
                seccompProfile: { type: "RuntimeDefault" },
            });
            assert.equal(c.securityContext.readOnlyRootFilesystem, true);
            assert.equal(c.securityContext.allowPrivilegeEscalation, false);
            assert.deepEqual(c.securityContext.capabilities, { drop: ["ALL"] });
            assert.deepEqual(c.envFrom, [{ configMapRef: { name: "backend-config" } }, { secretRef: { name: "backend-secrets" } }]);
            assert.deepEqual(
                c.ports.map((p: any) => p.name),
                ["http", "http-2"],
            );
            assert.deepEqual(c.readinessProbe.httpGet, { path: "/health", port: "http" });
            assert.deepEqual(c.resources, { requests: { cpu: "250m", memory: "256Mi" }, limits: { cpu: "1", memory: "1Gi" } });
            assert.equal(d.spec.replicas, 2);
            assert.deepEqual(c.volumeMounts, [{ name: "tmp", mountPath: "/tmp" }]);
            assert.equal(pod.enableServiceLinks, false);
        });

        it("THEN each service runs under its own ServiceAccount without an API token", () => {
            for (const svc of ["backend", "mem0", "mem0-ui", "mongo", "neo4j", "qdrant", "redis"]) {
                const pod = find(objects, "Deployment", svc).spec.template.spec;
                assert.equal(pod.serviceAccountName, svc);
                assert.equal(pod.automountServiceAccountToken, false);
                assert.equal(find(objects, "ServiceAccount", svc).automountServiceAccountToken, false);
            }
        });

        it("THEN liveness and readiness differ (an overloaded pod leaves the Service before it restarts) and a startup probe guards slow starts", () => {
            for (const svc of ["backend", "mem0", "mem0-ui", "mongo", "neo4j", "qdrant", "redis"]) {
                const c = find(objects, "Deployment", svc).spec.template.spec.containers[0];
                assert.ok(c.livenessProbe && c.readinessProbe && c.startupProbe, svc);
                assert.notDeepEqual(c.livenessProbe, c.readinessProbe, svc);
            }
            const redis = find(objects, "Deployment", "redis").spec.template.spec.containers[0];
            assert.equal(redis.readinessProbe.failureThreshold, 5, "compose retries");
            assert.equal(redis.livenessProbe.failureThreshold, 10, "twice the compose retries");
        });

        it("THEN replicated services spread across nodes and get a PDB; singletons (databases) get neither a PDB nor RollingUpdate", () => {
            const backend = find(objects, "Deployment", "backend").spec.template.spec;
            assert.deepEqual(
                backend.topologySpreadConstraints.map((t: any) => t.topologyKey),
                ["kubernetes.io/hostname"],
            );
            assert.deepEqual(find(objects, "PodDisruptionBudget", "backend").spec, {
                maxUnavailable: 1,
                selector: { matchLabels: { "app.kubernetes.io/name": "backend" } },
            });
            assert.deepEqual(
                objects.filter((o) => o.kind === "PodDisruptionBudget").map((o) => o.metadata.name),
                ["backend"],
            );
            for (const db of ["mongo", "neo4j", "qdrant", "redis"]) {
                const d = find(objects, "Deployment", db);
                assert.equal(d.metadata.labels["agent-platform.io/singleton"], "true", db);
                assert.equal(d.spec.replicas, 1);
                assert.equal(d.spec.strategy.type, "Recreate");
            }
        });

        it("THEN services naming a metrics port get Prometheus scrape annotations (no ServiceMonitor CRD declared)", () => {
            const ann = (svc: string) => find(objects, "Deployment", svc).spec.template.metadata.annotations ?? {};
            assert.deepEqual(
                [ann("backend")["prometheus.io/port"], ann("mem0")["prometheus.io/port"], ann("qdrant")["prometheus.io/port"]],
                ["8000", "8765", "6333"],
            );
            assert.equal(ann("backend")["prometheus.io/scrape"], "true");
            assert.equal(ann("mongo")["prometheus.io/scrape"], undefined);
        });

        it("THEN infrastructure images run with their explicit opt-outs, PVCs and exec healthchecks", () => {
            const mongo = find(objects, "Deployment", "mongo").spec.template.spec;
            assert.equal(mongo.securityContext.runAsUser, 999);
            assert.deepEqual(mongo.containers[0].readinessProbe.exec.command, ["mongosh", "--quiet", "--eval", "db.adminCommand('ping')"]);
            assert.deepEqual(mongo.volumes[0], { name: "vol-mongo-data", persistentVolumeClaim: { claimName: "mongo-data" } });
            assert.equal(find(objects, "PersistentVolumeClaim", "mongo-data").metadata.labels["app.kubernetes.io/name"], "mongo");
            assert.equal(find(objects, "Deployment", "mongo").spec.strategy.type, "Recreate");
            assert.equal(find(objects, "PersistentVolumeClaim", "mongo-data").spec.resources.requests.storage, "20Gi");
            assert.equal(find(objects, "PersistentVolumeClaim", "qdrant-data").spec.resources.requests.storage, "10Gi", "kompose.volume.size label");
            const neo4j = find(objects, "Deployment", "neo4j").spec.template.spec;
            assert.equal(neo4j.containers[0].securityContext.readOnlyRootFilesystem, false);
            assert.deepEqual(neo4j.containers[0].livenessProbe.exec.command, ["/bin/sh", "-c", "wget -qO- http://localhost:7474 || exit 1"]);
            // a writable root filesystem: the disk it may fill is declared (pod.ts withEphemeralStorage)
            assert.deepEqual(neo4j.containers[0].resources.limits, { cpu: "500m", memory: "2Gi", "ephemeral-storage": "2304Mi" });
            assert.deepEqual(find(objects, "Deployment", "redis").spec.template.spec.containers[0].args, [
                "redis-server",
                "--appendonly",
                "yes",
                "--save",
                "60",
                "1",
            ]);
        });

        it("THEN mem0-ui gets a TLS Ingress from kompose.service.expose labels and the services map has URLs", () => {
            const ing = find(objects, "Ingress", "mem0-ui");
            assert.equal(ing.spec.rules[0].host, "memory.ushadow.example.com");
            assert.deepEqual(ing.spec.tls, [{ hosts: ["memory.ushadow.example.com"], secretName: "mem0-ui-tls" }]);
            assert.equal(app.services["mem0-ui"].url, "http://mem0-ui.ushadow.svc.cluster.local:3000");
            assert.equal(app.services.mongo.url, "mongodb://mongo.ushadow.svc.cluster.local:27017");
            assert.equal(app.services.neo4j.url, "bolt://neo4j.ushadow.svc.cluster.local:7687", "infrastructure URLs use the client port");
        });
    });

    describe("GIVEN the research-agent compose file (anchors, env_file, long ports, profiles, NodePort)", () => {
        const argv = [rel(RESEARCH_COMPOSE), "--namespace", "research", "--env", "POSTGRES_PASSWORD=pg-test-pw", "--env", "ANTHROPIC_API_KEY=sk-ant-test"];
        it("WHEN converted by the CLI THEN the YAML matches the golden file", async () => {
            const [code, out, err] = await cli(argv);
            assert.equal(code, 0, err);
            assert.ok(!/pg-test-pw|sk-ant-test/.test(out), "secret values must be redacted");
            assert.match(err, /service "worker": deploy.restart_policy: ignored/);
            checkGolden("research-agent.yaml", out);
        });

        let objects: K8sObject[] = [];
        before(async () => {
            objects = await renderApp({
                composeFile: RESEARCH_COMPOSE,
                namespace: "research",
                env: { POSTGRES_PASSWORD: "pg-test-pw", ANTHROPIC_API_KEY: "sk-ant-test" },
            });
        });
        it("THEN every object is schema-valid", () => objects.forEach(validateSchema));
        it("THEN URLs carrying a password go to the Secret, and the profile-only service is absent", () => {
            const api = find(objects, "Secret", "api-secrets").stringData;
            assert.equal(api.DATABASE_URL, "postgresql://agent:pg-test-pw@postgres:5432/agent");
            assert.equal(api.ANTHROPIC_API_KEY, "sk-ant-test");
            assert.equal(find(objects, "Secret", "worker-secrets").stringData.ANTHROPIC_API_KEY, "sk-ant-test", "list-form `- KEY` takes the explicit value");
            assert.ok(!objects.some((o) => o.metadata.name === "adminer"));
        });
        it("THEN env_file values, nested defaults and :+ are applied", () => {
            const cm = find(objects, "ConfigMap", "api-config").data;
            assert.equal(cm.LOG_FORMAT, "json");
            assert.equal(cm.MODEL_NAME, "claude-sonnet-4-5");
            assert.equal(cm.LITERAL_DOLLAR, "$NOT_A_VAR");
            assert.equal(cm.PUBLIC_URL, "https://agent.example.com");
            assert.equal(cm.FEATURE_FLAGS, "search,summaries");
            assert.equal(cm.SENTRY_DSN, "");
            assert.equal(cm.REDIS_URL, "redis://redis.research.svc.cluster.local:6379/1");
        });
        it("THEN the NodePort, named long-syntax port, compose user and tmpfs are honoured", () => {
            const svc = find(objects, "Service", "api");
            assert.equal(svc.spec.type, "NodePort");
            assert.deepEqual(svc.spec.ports[0], { name: "web", port: 8080, targetPort: "web", protocol: "TCP", nodePort: 30080 });
            assert.equal(svc.metadata.annotations["com.example.team"], "research");
            const pod = find(objects, "Deployment", "api").spec.template.spec;
            assert.equal(pod.securityContext.runAsUser, 10001);
            assert.equal(pod.terminationGracePeriodSeconds, 45);
            assert.deepEqual(pod.containers[0].command, ["/usr/bin/tini", "--"]);
            assert.deepEqual(pod.containers[0].args, ["gunicorn", "-b", "0.0.0.0:8080", "--workers", "2", "agent.api:create_app()"]);
            assert.ok(pod.volumes.some((v: any) => v.emptyDir?.medium === "Memory"));
            const worker = find(objects, "Deployment", "worker");
            assert.equal(worker.spec.replicas, 3);
            assert.deepEqual(worker.spec.template.spec.containers[0].resources, {
                requests: { cpu: "500m", memory: "512Mi" },
                limits: { cpu: "2", memory: "2Gi" },
            });
            assert.ok(!objects.some((o) => o.kind === "Service" && o.metadata.name === "worker"), "no ports, no Service");
            assert.equal(find(objects, "PersistentVolumeClaim", "pg-data").spec.resources.requests.storage, "5Gi");
        });
    });

    describe("compose:convert CLI", () => {
        it("WHEN --show-secrets THEN Secret values are printed", async () => {
            const [, out] = await cli([rel(RESEARCH_COMPOSE), "--env", "POSTGRES_PASSWORD=pg-test-pw", "--show-secrets"]);
            assert.ok(out.includes("pg-test-pw"));
        });
        it("WHEN --out DIR THEN one file per object is written, in render's layout <namespace>/<kind>-<name>.yaml", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compose-out-"));
            const [code, , err] = await cli([rel(USHADOW_COMPOSE), "-n", "ushadow", "--env", "AUTH_SECRET_KEY=x", "--out", dir]);
            assert.equal(code, 0, err);
            const files = fs.readdirSync(path.join(dir, "ushadow"));
            assert.ok(files.includes("deployment-mem0-ui.yaml") && files.includes("secret-backend-secrets.yaml"), files.join(","));
            assert.match(fs.readFileSync(path.join(dir, "ushadow", "secret-backend-secrets.yaml"), "utf8"), /AUTH_SECRET_KEY: <redacted>/);
            fs.rmSync(dir, { recursive: true });
        });
        it("WHEN --env-file is given THEN its values are explicit values, and --env wins over it", async () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "compose-env-"));
            fs.writeFileSync(path.join(dir, "x.env"), "AUTH_SECRET_KEY=from-file\nLOG_LEVEL=debug\nTZ=Europe/Berlin\n");
            const [code, out] = await cli([rel(USHADOW_COMPOSE), "--env-file", path.join(dir, "x.env"), "--env", "TZ=UTC", "--show-secrets"]);
            assert.equal(code, 0);
            assert.match(out, /AUTH_SECRET_KEY: from-file/);
            assert.match(out, /LOG_LEVEL: debug/);
            assert.doesNotMatch(out, /Europe\/Berlin/);
            fs.rmSync(dir, { recursive: true });
        });
        const bad: Array<[string, string[], RegExp, number]> = [
            ["no arguments", [], /missing <compose.yml>/, 2],
            ["unknown flag", ["x.yml", "--frob"], /unknown option --frob/, 2],
            ["--env without =", ["x.yml", "--env", "NOPE"], /--env expects KEY=VAL/, 2],
            [
                "missing file",
                ["does/not/exist.yml", "-n", "x"],
                /does\/not\/exist.yml: cannot read the compose file: ".*does\/not\/exist.yml" does not exist/,
                1,
            ],
            ["missing required variable", [rel(USHADOW_COMPOSE), "-n", "x"], /required variable is missing or empty: AUTH_SECRET_KEY/, 1],
            ["bad options file", [rel(USHADOW_COMPOSE), "--env", "AUTH_SECRET_KEY=x", "--options", rel(USHADOW_COMPOSE)], /docker-compose.yml: /, 1],
        ];
        for (const [title, argv, re, exit] of bad) {
            it(`GIVEN ${title} THEN exit ${exit} with a one-line reason`, async () => {
                const [code, out, err] = await cli(argv);
                assert.equal(code, exit);
                assert.equal(out, "");
                assert.match(err.split("\n")[0], re);
                assert.ok(err.startsWith("compose-convert: "));
            });
        }
    });
});
