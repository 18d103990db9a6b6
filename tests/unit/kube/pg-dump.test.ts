import * as assert from "assert";
import * as fc from "fast-check";
import { PG_DUMP_SCRIPT, S3_UPLOAD_SCRIPT, destinationProblems, pgDumpCronJobSpec, s3Uri } from "../../../components/kube/pg-dump";
import { formatProblem } from "../../../components/kube/problems";
import { assertHardened } from "./data-helpers";

describe("kube/pg-dump", () => {
    describe("destinations", () => {
        it("GIVEN bucket and prefix variants THEN s3Uri has exactly one slash between parts and a trailing slash", () => {
            fc.assert(
                fc.property(fc.constantFrom("", "a", "a/b", "/a/", "a//", "x/y/z/"), (prefix) => {
                    const u = s3Uri("bkt", prefix);
                    assert.ok(u.startsWith("s3://bkt/") && u.endsWith("/") && !u.slice(5).includes("//"), u);
                }),
            );
        });
        it("GIVEN a pvc destination with keepDays 0 THEN it fails", () => {
            assert.match(
                destinationProblems({ pvc: { size: "1Gi", keepDays: 0 } })
                    .map(formatProblem)
                    .join(),
                /keepDays must be an integer >= 1, got 0/,
            );
        });
        it("GIVEN an s3 prefix with a leading slash THEN it fails", () => {
            assert.match(
                destinationProblems({ s3: { bucket: "bucket", prefix: "/x", roleArn: "arn" } })
                    .map(formatProblem)
                    .join(),
                /prefix must not start with '\/'/,
            );
        });
        it("GIVEN both or neither destination THEN the one problem sits at the destination itself", () => {
            assert.deepStrictEqual(destinationProblems({} as never), [{ path: "", rule: "must set exactly one of s3 or pvc", value: 0 }]);
        });
    });

    describe("pgDumpCronJobSpec", () => {
        const args = {
            selector: { "app.kubernetes.io/name": "postgres-backup" },
            labels: { "app.kubernetes.io/name": "postgres-backup" },
            serviceAccountName: "postgres-backup",
            host: "postgres.ns.svc.cluster.local",
            database: "app",
            username: "app",
            passwordSecret: { name: "pg", key: "password" },
        };
        it("GIVEN an S3 destination WHEN built THEN the CronJob validates and its pods are hardened, with no literal secrets", async () => {
            const spec = pgDumpCronJobSpec({ ...args, destination: { s3: { bucket: "backups", roleArn: "arn" } } });
            const { CronJob } = require("kubernetes-models/batch/v1/CronJob");
            new CronJob({ apiVersion: "batch/v1", kind: "CronJob", metadata: { name: "postgres-backup" }, spec }).validate();
            const pod: any = (spec.jobTemplate as any).spec.template.spec;
            assertHardened("CronJob", pod, { probes: false });
            assert.strictEqual(spec.concurrencyPolicy, "Forbid");
            assert.strictEqual(spec.timeZone, "Etc/UTC");
            for (const c of [...pod.initContainers, ...pod.containers]) {
                for (const e of c.env ?? []) assert.ok(!/PASS/.test(e.name) || e.valueFrom, `${c.name} ${e.name} must come from a Secret`);
            }
            assert.ok(
                pod.containers[0].env.some((e: any) => e.name === "HOME" && e.value === "/tmp"),
                "aws-cli needs a writable HOME on a read-only root",
            );
        });
        it("GIVEN the scripts THEN the dump is verified before it is published and the upload reads its URI from env", () => {
            assert.ok(PG_DUMP_SCRIPT.indexOf("gzip -t") < PG_DUMP_SCRIPT.indexOf("mv "));
            assert.ok(S3_UPLOAD_SCRIPT.includes("${BACKUP_S3_URI}") && !S3_UPLOAD_SCRIPT.includes("s3://"));
        });
        it("GIVEN a custom schedule WHEN built THEN it is used", () => {
            assert.strictEqual(
                pgDumpCronJobSpec({ ...args, schedule: "30 1 * * *", destination: { pvc: { size: "1Gi" } }, claimName: "dumps" }).schedule,
                "30 1 * * *",
            );
        });
    });
});
