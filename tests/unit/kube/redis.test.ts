import * as assert from "assert";
import { formatProblem } from "../../../components/kube/problems";
import * as fc from "fast-check";
import { REDIS_DISABLED_COMMANDS, REDIS_IMAGE, Redis, RedisArgs, redisConfig, redisProblems, redisStartScript } from "../../../components/kube/redis";
import { secretsByName } from "../../../components/kube/credentials";
import { assertHardened, assertPasswordOnlyInSecrets, byKind, one, podSpecs, render, validateAll } from "./data-helpers";

const base: RedisArgs = { namespace: "production-agents", serviceName: "redis-service", clients: ["agent"] };
const PASSWORD = "given-redis-password-1234567890";

describe("kube/redis", () => {
    describe("redisConfig", () => {
        it("GIVEN defaults WHEN rendered THEN AOF is on, data lives in /data and dangerous commands are disabled", () => {
            const conf = redisConfig({});
            assert.match(conf, /^appendonly yes$/m);
            assert.match(conf, /^appendfsync everysec$/m);
            assert.match(conf, /^dir \/data$/m);
            assert.match(conf, /^maxmemory-policy noeviction$/m);
            for (const c of ["FLUSHALL", "FLUSHDB", "CONFIG"]) assert.match(conf, new RegExp(`^rename-command ${c} ""$`, "m"));
            assert.ok(!/requirepass|masterauth/.test(conf), "the config must not carry the password");
        });

        it("GIVEN maxmemory WHEN rendered THEN it is set; the output is deterministic", () => {
            fc.assert(
                fc.property(fc.integer({ min: 1, max: 4096 }), (mb) => {
                    const a = redisConfig({ maxmemory: `${mb}mb`, maxmemoryPolicy: "allkeys-lru" });
                    assert.strictEqual(a, redisConfig({ maxmemory: `${mb}mb`, maxmemoryPolicy: "allkeys-lru" }));
                    assert.ok(a.includes(`maxmemory ${mb}mb\n`) && a.includes("maxmemory-policy allkeys-lru"));
                }),
                { numRuns: 30 },
            );
        });

        it("GIVEN the start script THEN the password comes from env, and only non-0 pods replicate from the primary", () => {
            const s = redisStartScript("redis-0.redis-headless.ns.svc.cluster.local");
            assert.ok(s.includes('"$REDIS_PASSWORD"'));
            assert.ok(s.includes('if [ "${POD_NAME##*-}" != "0" ]'));
            assert.ok(s.includes("replicaof %s 6379") && s.includes('"redis-0.redis-headless.ns.svc.cluster.local"'));
            assert.ok(s.includes("umask 077") && s.endsWith("exec redis-server /tmp/redis.conf"));
        });

        it("GIVEN secret entries sharing a name THEN they merge into one Secret", () => {
            const m = secretsByName([
                { name: "a", key: "password", value: "x" },
                { name: "a", key: "url", value: "y" },
                { name: "b", key: "k", value: "z" },
            ]);
            assert.deepStrictEqual([...m.keys()], ["a", "b"]);
            assert.deepStrictEqual(m.get("a"), { password: "x", url: "y" });
        });
    });

    describe("validation", () => {
        const cases: [string, Partial<RedisArgs>, RegExp][] = [
            ["replicas 0", { replicas: 0 }, /replicas must be an integer >= 1, got 0/],
            ["no clients", { clients: [] }, /clients must name at least one workload/],
            ["bad service name", { serviceName: "Redis_Service" }, /serviceName must be a DNS-1123 label .* got "Redis_Service"/],
            ["bad client", { clients: ["Agent"] }, /clients\[\] must be a DNS-1123 label .* got "Agent"/],
            [
                "password with existing Secret",
                { password: "x", passwordSecret: { name: "agent-secrets", key: "redis-password", existing: true } },
                /password and passwordSecret.existing are mutually exclusive/,
            ],
            [
                "url with existing Secret",
                { urlSecret: { name: "redis-credentials" }, passwordSecret: { name: "agent-secrets", existing: true } },
                /urlSecret needs a password the component knows/,
            ],
            [
                "url and password on one key",
                { urlSecret: { name: "creds", key: "k" }, passwordSecret: { name: "creds", key: "k" } },
                /urlSecret.key must differ from passwordSecret.key when both use Secret "creds", got "k"/,
            ],
            ["bad storage size", { storage: { size: "ten gigs" } }, /storage.size must be a quantity such as 10Gi, got "ten gigs"/],
            ["bad maxmemory", { maxmemory: "1 GB" }, /maxmemory must be bytes .* got "1 GB"/],
        ];
        for (const [label, patch, re] of cases) {
            it(`GIVEN ${label} WHEN validated THEN it fails naming the rule`, () => {
                const problems = redisProblems({ ...base, ...patch }).map(formatProblem);
                assert.ok(
                    problems.some((p) => re.test(p)),
                    `expected ${re} in ${JSON.stringify(problems)}`,
                );
                assert.throws(() => new Redis("redis", { ...base, ...patch }), re);
            });
        }
        it("GIVEN the seed 003 args THEN there are no problems", () => assert.deepStrictEqual(redisProblems(base), []));
    });

    describe("component", () => {
        it("GIVEN seed 003 standalone with a given password WHEN rendered THEN StatefulSet redis, Service redis-service, retained data, no PDB, hardened pod, no leaks", async () => {
            const r = await render(() => new Redis("cache", { ...base, password: PASSWORD, urlSecret: { name: "redis-credentials" } }));
            assert.ok(validateAll(r) >= 7);
            const sts = one(r, "StatefulSet", "redis");
            assert.strictEqual(sts.spec.replicas, 1);
            assert.strictEqual(sts.spec.serviceName, "redis-headless");
            assert.deepStrictEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
            assert.strictEqual(sts.spec.volumeClaimTemplates[0].metadata.name, "data");
            assert.strictEqual(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "10Gi");
            assert.match(sts.spec.template.metadata.annotations["checksum/config"], /^[0-9a-f]{64}$/);
            const svc = one(r, "Service", "redis-service");
            assert.deepStrictEqual(svc.spec.selector, { "app.kubernetes.io/name": "redis" });
            assert.strictEqual(svc.spec.ports[0].port, 6379);
            assert.strictEqual(one(r, "Service", "redis-headless").spec.clusterIP, "None");
            assert.strictEqual(byKind(r, "PodDisruptionBudget").length, 0);
            assert.strictEqual(sts.metadata.labels["agent-platform.io/singleton"], "true", "a standalone Redis is a singleton for the policy pack");
            const [pod] = podSpecs(r);
            assertHardened(pod.owner, pod.spec, { probes: true });
            const redis = pod.spec.containers[0];
            assert.strictEqual(redis.image, REDIS_IMAGE);
            assert.strictEqual(pod.spec.securityContext.fsGroup, 999);
            const env = Object.fromEntries(redis.env.map((e: any) => [e.name, e]));
            assert.deepStrictEqual(env.REDIS_PASSWORD.valueFrom.secretKeyRef, { name: "redis-password", key: "password" });
            assert.deepStrictEqual(env.REDISCLI_AUTH.valueFrom.secretKeyRef, { name: "redis-password", key: "password" });
            assert.ok(redis.livenessProbe.exec.command.join(" ").includes("redis-cli"), "probes use redis-cli (auth via REDISCLI_AUTH)");
            assertPasswordOnlyInSecrets(r, PASSWORD);
            const url = one(r, "Secret", "redis-credentials");
            assert.strictEqual(url.stringData.url, `redis://:${PASSWORD}@redis-service.production-agents.svc.cluster.local:6379`);
            assert.ok(url.$secretPaths.length > 0, "url must be secret");
            assert.strictEqual(one(r, "Secret", "redis-password").stringData.password, PASSWORD);
            const cm = one(r, "ConfigMap", "redis-config");
            assert.match(cm.data["redis.conf"], /appendonly yes/);
            for (const c of REDIS_DISABLED_COMMANDS) assert.ok(cm.data["redis.conf"].includes(`rename-command ${c} ""`));
        });

        it("GIVEN no password WHEN rendered THEN a RandomPassword (alphanumeric) feeds one shared Secret with password and url", async () => {
            const r = await render(
                () => new Redis("cache", { ...base, passwordSecret: { name: "redis-credentials" }, urlSecret: { name: "redis-credentials" } }),
            );
            const pw = r.resources.filter((x) => x.type === "random:index/randomPassword:RandomPassword");
            assert.strictEqual(pw.length, 1);
            assert.strictEqual(pw[0].inputs.special, false);
            assert.strictEqual(pw[0].inputs.length, 32);
            const secrets = byKind(r, "Secret");
            assert.strictEqual(secrets.length, 1);
            assert.deepStrictEqual(Object.keys(secrets[0].stringData).sort(), ["password", "url"]);
            const generated = secrets[0].stringData.password as string;
            assert.ok(secrets[0].stringData.url.includes(`:${generated}@`));
            assertPasswordOnlyInSecrets(r, generated);
        });

        it("GIVEN seed 003's existing agent-secrets/redis-password WHEN rendered THEN no Secret or password is created and pods read that key", async () => {
            const r = await render(() => new Redis("cache", { ...base, passwordSecret: { name: "agent-secrets", key: "redis-password", existing: true } }));
            assert.strictEqual(byKind(r, "Secret").length, 0);
            assert.strictEqual(r.resources.filter((x) => x.type.startsWith("random:")).length, 0);
            const env = podSpecs(r)[0].spec.containers[0].env.find((e: any) => e.name === "REDIS_PASSWORD");
            assert.deepStrictEqual(env.valueFrom.secretKeyRef, { name: "agent-secrets", key: "redis-password" });
        });

        it("GIVEN 3 replicas WHEN rendered THEN primary-only client Service, read Service, PDB, and replication allowed between members", async () => {
            const r = await render(() => new Redis("cache", { ...base, replicas: 3, password: PASSWORD }));
            validateAll(r);
            assert.strictEqual(one(r, "StatefulSet", "redis").spec.replicas, 3);
            assert.strictEqual(one(r, "Service", "redis-service").spec.selector["statefulset.kubernetes.io/pod-name"], "redis-0");
            assert.deepStrictEqual(one(r, "Service", "redis-service-replicas").spec.selector, { "app.kubernetes.io/name": "redis" });
            assert.strictEqual(one(r, "PodDisruptionBudget", "redis").spec.maxUnavailable, 1);
            const sts = one(r, "StatefulSet", "redis");
            assert.strictEqual(sts.metadata.labels["agent-platform.io/singleton"], undefined);
            assert.ok(
                sts.spec.template.spec.topologySpreadConstraints.some((t: any) => t.topologyKey === "topology.kubernetes.io/zone"),
                "replicas spread across zones",
            );
            const np = one(r, "NetworkPolicy", "redis");
            const peers = np.spec.ingress[0].from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/name"]);
            assert.deepStrictEqual(peers.sort(), ["agent", "redis"]);
            assert.deepStrictEqual(np.spec.egress[0].to[0].podSelector.matchLabels, { "app.kubernetes.io/name": "redis" });
        });

        it("GIVEN named clients WHEN rendered THEN the NetworkPolicy admits only them on 6379", async () => {
            const r = await render(() => new Redis("cache", { ...base, clients: ["agent", "worker-agent"], password: PASSWORD }));
            const np = one(r, "NetworkPolicy", "redis");
            assert.deepStrictEqual(np.spec.policyTypes, ["Ingress"]);
            assert.strictEqual(np.spec.ingress.length, 1);
            assert.deepStrictEqual(np.spec.ingress[0].ports, [{ port: 6379, protocol: "TCP" }]);
            assert.deepStrictEqual(
                np.spec.ingress[0].from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/name"]),
                ["agent", "worker-agent"],
            );
        });

        it("GIVEN exporter and the ServiceMonitor CRD WHEN rendered THEN sidecar, annotated metrics Service, ServiceMonitor and scraper rule exist", async () => {
            const r = await render(() => new Redis("cache", { ...base, password: PASSWORD, exporter: true, capabilities: { serviceMonitor: true } }));
            validateAll(r);
            const pod = podSpecs(r)[0];
            assertHardened(pod.owner, pod.spec, { probes: true });
            const exporter = pod.spec.containers.find((c: any) => c.name === "exporter");
            assert.strictEqual(exporter.image, "oliver006/redis_exporter:v1.66.0");
            assert.deepStrictEqual(exporter.env.find((e: any) => e.name === "REDIS_PASSWORD").valueFrom.secretKeyRef, {
                name: "redis-password",
                key: "password",
            });
            const metrics = one(r, "Service", "redis-metrics");
            assert.strictEqual(metrics.metadata.annotations["prometheus.io/port"], "9121");
            const sm = one(r, "ServiceMonitor", "redis");
            assert.deepStrictEqual(sm.spec.selector.matchLabels, { "app.kubernetes.io/name": "redis", "app.kubernetes.io/component": "metrics" });
            assert.deepStrictEqual(metrics.metadata.labels["app.kubernetes.io/component"], "metrics");
            const np = one(r, "NetworkPolicy", "redis");
            assert.deepStrictEqual(np.spec.ingress[1].ports, [{ port: 9121, protocol: "TCP" }]);
            assertPasswordOnlyInSecrets(r, PASSWORD);
            assert.deepStrictEqual(r.logs, []);
        });

        it("GIVEN exporter without the CRD WHEN rendered THEN no ServiceMonitor and an info log says what was skipped", async () => {
            const r = await render(() => new Redis("cache", { ...base, password: PASSWORD, exporter: true }));
            assert.strictEqual(byKind(r, "ServiceMonitor").length, 0);
            assert.ok(
                r.logs.some((l) => l.includes("skipped ServiceMonitor production-agents/redis") && l.includes("serviceMonitor")),
                JSON.stringify(r.logs),
            );
        });

        it("GIVEN retainVolumes false (dev) WHEN rendered THEN claims are deleted with the set", async () => {
            const r = await render(
                () => new Redis("cache", { ...base, password: PASSWORD, retainVolumes: false, storage: { size: "1Gi", storageClassName: "standard" } }),
            );
            const sts = one(r, "StatefulSet", "redis");
            assert.deepStrictEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Delete", whenScaled: "Delete" });
            assert.strictEqual(sts.spec.volumeClaimTemplates[0].spec.storageClassName, "standard");
        });

        it("GIVEN a component WHEN rendered THEN every child is parented, prefixed and the type token is agent-platform:index:Redis", async () => {
            const r = await render(() => new Redis("cache", { ...base, password: PASSWORD, exporter: true, capabilities: { serviceMonitor: true } }));
            assert.ok(r.resources.some((x) => x.type === "agent-platform:index:Redis" && x.name === "cache"));
            for (const x of r.resources.filter((y) => y.custom)) assert.ok(x.name.startsWith("cache-"), `${x.name} must be prefixed`);
        });
    });
});
