/**
 * Redis, Postgres and RaftCluster in a namespace that is an Output or a PlatformNamespace (issue 14,
 * item 3): every object lands in the namespace the Output resolves to (the Output carries the
 * dependency on whatever makes it), and the addresses built from the namespace (Redis' primary in
 * the start script, the URL Secrets, the dump job's PGHOST, the Raft peer list) resolve with it.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { PlatformNamespace } from "../../../components/kube/platform-namespace";
import { Postgres } from "../../../components/kube/postgres";
import { RaftCluster } from "../../../components/kube/raft-cluster";
import { Redis } from "../../../components/kube/redis";
import { one, render } from "./data-helpers";

const PS = { level: "restricted", enforce: true } as const;
const S3 = { s3: { bucket: "dumps", prefix: "pg/", roleArn: "arn:aws:iam::123456789012:role/dump" } };

describe("data stores in a namespace given as an Output or a PlatformNamespace", () => {
    it("GIVEN a PlatformNamespace's name Output WHEN Redis, Postgres and RaftCluster are created THEN every object is in it and the addresses name it", async () => {
        const made: { redis?: Redis; postgres?: Postgres; raft?: RaftCluster } = {};
        const r = await render(() => {
            const ns = new PlatformNamespace("apps", { name: "apps", podSecurity: PS });
            made.redis = new Redis("cache", {
                namespace: ns.name,
                serviceName: "redis",
                clients: ["api"],
                replicas: 2,
                exporter: true,
                urlSecret: { name: "redis-url" },
            });
            made.postgres = new Postgres("db", { namespace: ns.name, clients: ["api"], urlSecret: { name: "pg-url" }, backup: { destination: S3 } });
            made.raft = new RaftCluster("raft", {
                namespace: ns.name,
                name: "quorum",
                image: "ghcr.io/x/raft:1.0.0",
                replicas: 3,
                volumes: [{ name: "log", mountPath: "/log", size: "1Gi" }],
            });
        });
        const namespaced = r.objects.filter((o) => o.kind !== "Namespace");
        assert.ok(namespaced.length > 15, `only ${namespaced.length} objects`);
        assert.deepStrictEqual(
            namespaced.filter((o) => o.metadata.namespace !== "apps").map((o) => `${o.kind}/${o.metadata.name} in ${o.metadata.namespace}`),
            [],
        );
        const redis = one(r, "StatefulSet", "redis").spec.template.spec.containers[0];
        assert.match(redis.command[2], /"redis-0\.redis-headless\.apps\.svc\.cluster\.local"/);
        assert.match(one(r, "Secret", "redis-url").stringData.url, /^redis:\/\/:[^@]+@redis\.apps\.svc\.cluster\.local:6379$/);
        assert.match(one(r, "Secret", "pg-url").stringData.url, /^postgresql:\/\/app:[^@]+@postgres\.apps\.svc\.cluster\.local:5432\/app$/);
        const dump = one(r, "CronJob", "postgres-backup").spec.jobTemplate.spec.template.spec.initContainers[0];
        assert.strictEqual(dump.env.find((e: { name: string }) => e.name === "PGHOST").value, "postgres.apps.svc.cluster.local");
        const raftEnv = one(r, "StatefulSet", "quorum").spec.template.spec.containers[0].env;
        assert.strictEqual(
            raftEnv.find((e: { name: string }) => e.name === "RAFT_PEERS").value,
            [0, 1, 2].map((i) => `quorum-${i}.quorum-headless.apps.svc.cluster.local:4321`).join(","),
        );
        // Not known while the program runs: the plain-string addresses are left unset rather than guessed.
        assert.deepStrictEqual([made.redis?.host, made.postgres?.host, made.raft?.url, made.raft?.peers], [undefined, undefined, undefined, undefined]);
        assert.ok(pulumi.Output.isInstance(made.redis?.url), "the Redis URL is still an Output");
    });

    it("GIVEN the PlatformNamespace itself THEN the stores are in it and their hosts are known while the program runs", async () => {
        const made: { redis?: Redis; postgres?: Postgres; raft?: RaftCluster } = {};
        const r = await render(() => {
            const ns = new PlatformNamespace("apps", { name: "apps", podSecurity: PS });
            made.redis = new Redis("cache", { namespace: ns, serviceName: "redis", clients: ["api"] });
            made.postgres = new Postgres("db", { namespace: ns, clients: ["api"] });
            made.raft = new RaftCluster("raft", {
                namespace: ns,
                name: "quorum",
                image: "x/raft:1",
                replicas: 3,
                volumes: [{ name: "log", mountPath: "/log", size: "1Gi" }],
            });
        });
        assert.strictEqual(one(r, "StatefulSet", "redis").metadata.namespace, "apps");
        assert.strictEqual(one(r, "StatefulSet", "postgres").metadata.namespace, "apps");
        assert.strictEqual(one(r, "StatefulSet", "quorum").metadata.namespace, "apps");
        assert.strictEqual(made.redis?.host, "redis.apps.svc.cluster.local");
        assert.strictEqual(made.postgres?.host, "postgres.apps.svc.cluster.local");
        assert.strictEqual(made.raft?.url, "http://quorum.apps.svc.cluster.local:80");
    });

    it("GIVEN a bad plain namespace THEN each store still refuses it by name", () => {
        assert.throws(() => new Redis("c", { namespace: "Bad_NS", serviceName: "redis", clients: ["api"] }), /namespace must be a DNS-1123 label/);
        assert.throws(() => new Postgres("d", { namespace: "Bad_NS", clients: ["api"] }), /namespace must be a DNS-1123 label/);
        assert.throws(
            () => new RaftCluster("r", { namespace: "Bad_NS", image: "x/raft:1", replicas: 3, volumes: [{ name: "log", mountPath: "/log", size: "1Gi" }] }),
            /namespace must be a DNS-1123 label/,
        );
    });
});
