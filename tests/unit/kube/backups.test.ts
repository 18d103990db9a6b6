import * as assert from "assert";
import { formatProblem } from "../../../components/kube/problems";
import * as fc from "fast-check";
import {
    Backups,
    BackupsArgs,
    DEFAULT_VELERO_TTL,
    backupsProblems,
    isCronSchedule,
    veleroBackupSpec,
    veleroScheduleSpec,
} from "../../../components/kube/backups";
import { byKind, one, render, validateAll } from "./data-helpers";

const base: BackupsArgs = { includedNamespaces: ["claude-code"], capabilities: { velero: true } };

describe("kube/backups", () => {
    describe("cron and duration rules", () => {
        it("GIVEN five-field expressions and macros THEN they are schedules; other shapes are not", () => {
            for (const s of ["0 2 * * *", "*/15 * * * *", "0 3 * * 1-5", "@daily", "@hourly"]) assert.ok(isCronSchedule(s), s);
            for (const s of ["", "0 2 * *", "0 2 * * * *", "daily", "@fortnightly", "0 2 * * *; rm -rf /"]) assert.ok(!isCronSchedule(s), s);
        });
        it("GIVEN any generated five-field numeric cron THEN it is accepted (property)", () => {
            fc.assert(
                fc.property(fc.tuple(fc.nat(59), fc.nat(23), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 1, max: 12 }), fc.nat(6)), (f) =>
                    isCronSchedule(f.join(" ")),
                ),
                { numRuns: 50 },
            );
        });
    });

    describe("Velero specs", () => {
        it("GIVEN seed 002 WHEN building a Backup spec THEN included namespaces, default locations and ttl 720h0m0s", () => {
            assert.deepStrictEqual(veleroBackupSpec({ includedNamespaces: ["claude-code"] }), {
                includedNamespaces: ["claude-code"],
                storageLocation: "default",
                volumeSnapshotLocations: ["default"],
                snapshotVolumes: true,
                ttl: "720h0m0s",
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
            ["nothing to back up", { scheduleEnabled: false }, /scheduleEnabled is false and onDemand is empty/],
            ["a schedule that is off", { scheduleEnabled: false, schedule: "0 3 * * *", onDemand: ["x"] }, /schedule is set but scheduleEnabled is false/],
            ["bad on-demand name", { onDemand: ["Daily_Backup"] }, /onDemand\[\] must be a DNS-1123 label/],
        ];
        for (const [label, patch, re] of cases) {
            it(`GIVEN ${label} WHEN validated THEN it fails naming the rule`, () => {
                assert.ok(
                    backupsProblems("daily", { ...base, ...patch })
                        .map(formatProblem)
                        .some((p) => re.test(p)),
                );
                assert.throws(() => new Backups("daily", { ...base, ...patch }), re);
            });
        }
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
            const transformations = [
                (t: any) => {
                    retained[t.name] = t.opts.retainOnDelete;
                    return undefined;
                },
            ];
            await render(() => new Backups("nightly", { ...base, onDemand: ["first"] }, { transformations }));
            assert.strictEqual(retained["nightly-first"], true);
        });
        it("GIVEN no Velero CRD WHEN rendered THEN nothing is created and an info log names what was skipped", async () => {
            const r = await render(() => new Backups("inquisitor-daily", { includedNamespaces: ["inquisitor-system"], schedule: "@daily" }));
            assert.strictEqual(r.objects.length, 0);
            assert.ok(
                r.logs.some((l) => l.includes("skipped Velero backups of inquisitor-system") && l.includes("velero")),
                JSON.stringify(r.logs),
            );
        });
    });

    it("GIVEN the rendered Velero objects THEN only CRD kinds were emitted (schema validation skips them)", async () => {
        const r = await render(() => new Backups("d", { ...base }));
        assert.strictEqual(validateAll(r), 0);
        assert.strictEqual(byKind(r, "Schedule").length, 1);
    });
});
