/**
 * Images given as Outputs (issue 14, item 3): Redis, Postgres (and its pg_dump backup) and
 * FluentBit take `image` (and the stores `exporterImage`) as an `Input<string>`, e.g. a registry
 * repository's URL with a tag, and the containers run the image the Output resolves to.
 */
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { FluentBit } from "../../../components/kube/fluent-bit";
import { Postgres } from "../../../components/kube/postgres";
import { Redis } from "../../../components/kube/redis";
import { one, render } from "./data-helpers";

const S3 = { s3: { bucket: "dumps", prefix: "pg/", roleArn: "arn:aws:iam::123456789012:role/dump" } };
type Container = { name: string; image: string };

describe("images given as Outputs", () => {
    it("GIVEN Output images WHEN Redis, Postgres and FluentBit are created THEN every container runs the resolved image", async () => {
        const r = await render(() => {
            const registry = pulumi.output("123456789012.dkr.ecr.eu-west-1.amazonaws.com");
            const image = (repo: string) => pulumi.interpolate`${registry}/${repo}`;
            new Redis("cache", {
                namespace: "apps",
                serviceName: "redis",
                clients: ["api"],
                exporter: true,
                image: image("redis:7.4.1-alpine"),
                exporterImage: image("redis-exporter:v1.66.0"),
            });
            new Postgres("db", {
                namespace: "apps",
                clients: ["api"],
                exporter: true,
                backup: { destination: S3 },
                image: image("postgres:16.4-alpine"),
                exporterImage: image("postgres-exporter:v0.15.0"),
            });
            new FluentBit("logging", {
                output: { forward: { host: "fluentd.hub.svc", port: 24224, tls: false } },
                kubeApiCidrs: ["10.96.0.1/32"],
                image: image("fluent-bit:4.0.3"),
            });
        });
        const ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com";
        const images = (containers: Container[]) => Object.fromEntries(containers.map((c) => [c.name, c.image]));
        assert.deepStrictEqual(images(one(r, "StatefulSet", "redis").spec.template.spec.containers), {
            redis: `${ecr}/redis:7.4.1-alpine`,
            exporter: `${ecr}/redis-exporter:v1.66.0`,
        });
        assert.deepStrictEqual(images(one(r, "StatefulSet", "postgres").spec.template.spec.containers), {
            postgres: `${ecr}/postgres:16.4-alpine`,
            exporter: `${ecr}/postgres-exporter:v0.15.0`,
        });
        // The backup's pg_dump runs the server's image (its major version must be >= the server's).
        const dump = one(r, "CronJob", "postgres-backup").spec.jobTemplate.spec.template.spec.initContainers[0];
        assert.strictEqual(dump.image, `${ecr}/postgres:16.4-alpine`);
        assert.deepStrictEqual(images(one(r, "DaemonSet", "fluent-bit").spec.template.spec.containers), { "fluent-bit": `${ecr}/fluent-bit:4.0.3` });
    });
});
