import * as assert from "assert";
import * as fc from "fast-check";
import {
    Backups, BackupsArgs, DEFAULT_VELERO_TTL, PG_DUMP_SCRIPT, S3_UPLOAD_SCRIPT, backupsProblems, destinationProblems, isCronSchedule,
    pgDumpCronJobSpec, s3Uri, veleroBackupSpec, veleroScheduleSpec,
} from "../../../components/kube/backups";
import { assertHardened, byKind, one, render, validateAll } from "./data-helpers";

const base: BackupsArgs = { includedNamespaces: ["claude-code"], capabilities: { velero: true } };

describe("kube/backups", () => {
    describe("cron and duration rules", () => {
        it("GIVEN five-field expressions and macros THEN they are schedules; other shapes are not", () => {
            for (const s of ["0 2 * * *", "*/15 * * * *", "0 3 * * 1-5", "@daily", "@hourly"]) assert.ok(isCronSchedule(s), s);
            for (const s of ["", "0 2 * *", "0 2 * * * *", "daily", "@fortnightly", "0 2 * * *; rm -rf /"]) assert.ok(!isCronSchedule(s), s);
        });
        it("GIVEN any generated five-field numeric cron THEN it is accepted (property)", () => {
            fc.assert(fc.property(fc.tuple(fc.nat(59), fc.nat(23), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }), fc.nat(6)),
                (f) => isCronSchedule(f.join(" "))), { numRuns: 50 });
        });
        it("GIVEN bucket and prefix variants THEN s3Uri has exactly one slash between parts and a trailing slash", () => {
            fc.assert(fc.property(fc.constantFrom("", "a", "a/b", "/a/", "a//", "x/y/z/"), (prefix) => {
                const u = s3Uri("bkt", prefix);
                assert.ok(u.startsWith("s3://bkt/") && u.endsWith("/") && !u.slice(5).includes("//"), u);
            }));
        });
    });

    describe("Velero specs", () => {
        it("GIVEN seed 002 WHEN building a Backup spec THEN included namespaces, default locations and ttl 720h0m0s", () => {
            assert.deepStrictEqual(veleroBackupSpec({ includedNamespaces: ["claude-code"] }), {
                includedNamespaces: ["claude-code"], storageLocation: "default", volumeSnapshotLocations: ["default"], snapshotVolumes: true, ttl: "720h0m0s",
            });
        });
        it("GIVEN a schedule WHEN building THEN spec.schedule, the template and no owner references", () => {
            const s = veleroScheduleSpec("@daily", { includedNamespaces: ["b", "a"], ttl: "168h" });
            assert.strictEqual(s.schedule, "@daily");
            assert.strictEqual(s.useOwnerReferencesInBackup, false);
            assert.deepStrictEqual(s.template.includedNamespaces, ["a", "b"]);
            assert.strictEqual(s.template.ttl, "168h");
        });
    });

    describe("validation", () => {
        const cases: [string, Partial<BackupsArgs>, RegExp][] = [
            ["no namespaces", { includedNamespaces: [] }, /includedNamespaces must name at least one namespace, got \[\]/],
            ["bad namespace", { includedNamespaces: ["Claude"] }, /includedNamespaces\[\] must be a DNS-1123 label .* got "Claude"/],
            ["bad ttl", { ttl: "30 days" }, /ttl must be a Go duration such as 720h0m0s, got "30 days"/],
            ["bad schedule", { schedule: "nightly" }, /schedule must be a five-field cron expression .* got "nightly"/],
            ["nothing to back up", { schedule: false }, /schedule is false and onDemand is empty/],
            ["bad on-demand name", { onDemand: ["Daily_Backup"] }, /onDemand\[\] must be a DNS-1123 label/],
        ];
        for (const [label, patch, re] of cases) {
            it(`GIVEN ${label} WHEN validated THEN it fails naming the rule`, () => {
                assert.ok(backupsProblems("daily", { ...base, ...patch }).some((p) => re.test(p)));
                assert.throws(() => new Backups("daily", { ...base, ...patch }), re);
            });
        }
        it("GIVEN a pvc destination with keepDays 0 THEN it fails", () => {
            assert.match(destinationProblems({ pvc: { size: "1Gi", keepDays: 0 } }).join(), /keepDays must be an integer >= 1, got 0/);
        });
        it("GIVEN an s3 prefix with a leading slash THEN it fails", () => {
            assert.match(destinationProblems({ s3: { bucket: "bucket", prefix: "/x", roleArn: "arn" } }).join(), /prefix must not start with '\/'/);
        });
    });

    describe("Backups component", () => {
        it("GIVEN Velero is installed WHEN rendered THEN a daily Schedule (TTL 720h) and on-demand Backups live in the velero namespace", async () => {
            const r = await render(() => new Backups("claude-code-daily", { ...base, onDemand: ["claude-code-daily-backup"] }));
            const sched = one(r, "Schedule", "claude-code-daily");
            assert.strictEqual(sched.apiVersion, "velero.io/v1");
            assert.strictEqual(sched.metadata.namespace, "velero");
            assert.strictEqual(sched.spec.schedule, "0 3 * * *");
            assert.deepStrictEqual(sched.spec.template.includedNamespaces, ["claude-code"]);
            assert.strictEqual(sched.spec.template.ttl, DEFAULT_VELERO_TTL);
            const b = one(r, "Backup", "claude-code-daily-backup");
            assert.strictEqual(b.spec.ttl, "720h0m0s");
            assert.deepStrictEqual(r.logs, []);
        });
        it("GIVEN on-demand Backups WHEN rendered THEN they are retained on stack destroy", async () => {
            const retained: Record<string, unknown> = {};
            const transformations = [(t: any) => { retained[t.name] = t.opts.retainOnDelete; return undefined; }];
            await render(() => new Backups("nightly", { ...base, onDemand: ["first"] }, { transformations }));
            assert.strictEqual(retained["nightly-first"], true);
        });
        it("GIVEN no Velero CRD WHEN rendered THEN nothing is created and an info log names what was skipped", async () => {
            const r = await render(() => new Backups("inquisitor-daily", { includedNamespaces: ["inquisitor-system"], schedule: "@daily" }));
            assert.strictEqual(r.objects.length, 0);
            assert.ok(r.logs.some((l) => l.includes("skipped Velero backups of inquisitor-system") && l.includes("velero")), JSON.stringify(r.logs));
        });
    });

    describe("pgDumpCronJobSpec", () => {
        const args = {
            selector: { "app.kubernetes.io/name": "postgres-backup" }, labels: { "app.kubernetes.io/name": "postgres-backup" },
            serviceAccountName: "postgres-backup", host: "postgres.ns.svc.cluster.local", database: "app", username: "app",
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
            assert.ok(pod.containers[0].env.some((e: any) => e.name === "HOME" && e.value === "/tmp"), "aws-cli needs a writable HOME on a read-only root");
        });
        it("GIVEN the scripts THEN the dump is verified before it is published and the upload reads its URI from env", () => {
            assert.ok(PG_DUMP_SCRIPT.indexOf("gzip -t") < PG_DUMP_SCRIPT.indexOf("mv "));
            assert.ok(S3_UPLOAD_SCRIPT.includes("${BACKUP_S3_URI}") && !S3_UPLOAD_SCRIPT.includes("s3://"));
        });
        it("GIVEN a custom schedule WHEN built THEN it is used", () => {
            assert.strictEqual(pgDumpCronJobSpec({ ...args, schedule: "30 1 * * *", destination: { pvc: { size: "1Gi" } }, claimName: "dumps" }).schedule, "30 1 * * *");
        });
    });

    it("GIVEN the rendered Velero objects THEN only CRD kinds were emitted (schema validation skips them)", async () => {
        const r = await render(() => new Backups("d", { ...base }));
        assert.strictEqual(validateAll(r), 0);
        assert.strictEqual(byKind(r, "Schedule").length, 1);
    });
});
