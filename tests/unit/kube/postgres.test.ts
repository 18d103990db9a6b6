import * as assert from "assert";
import { formatProblem } from "../../../components/kube/problems";
import { POSTGRES_IMAGE, Postgres, PostgresArgs, postgresProblems, postgresServerArgs } from "../../../components/kube/postgres";
import { assertHardened, assertPasswordOnlyInSecrets, byKind, one, podSpecs, render, validateAll } from "./data-helpers";

const PASSWORD = "given-postgres-password-1234567890";
// seed 002: postgres-data 100Gi on fast-ssd, postgres-credentials/url, postgres-backup at 02:00.
const seed002: PostgresArgs = {
    namespace: "claude-code",
    clients: ["manager-agent", "worker-agent"],
    database: "claude_code",
    password: PASSWORD,
    passwordSecret: { name: "postgres-credentials" },
    urlSecret: { name: "postgres-credentials" },
    storage: { size: "100Gi", storageClassName: "fast-ssd", claimName: "postgres-data" },
    backup: {
        cronJobName: "postgres-backup",
        filePrefix: "claude-code",
        destination: { s3: { bucket: "claude-code-backups", prefix: "postgres", roleArn: "arn:aws:iam::123456789012:role/pg-backup" } },
    },
};

describe("kube/postgres", () => {
    describe("pure builders", () => {
        it("GIVEN defaults WHEN building server args THEN WAL is durable, SCRAM is on, and keys are sorted", () => {
            const args = postgresServerArgs();
            assert.strictEqual(args[0], "postgres");
            for (const s of ["wal_level=replica", "fsync=on", "synchronous_commit=on", "password_encryption=scram-sha-256", "listen_addresses=*"])
                assert.ok(args.includes(s), s);
            const keys = args
                .slice(1)
                .filter((_, i) => i % 2 === 1)
                .map((kv) => kv.split("=")[0]);
            assert.deepStrictEqual(keys, [...keys].sort());
        });
        it("GIVEN an override WHEN building server args THEN it replaces the default", () => {
            const args = postgresServerArgs({ max_wal_size: "4GB", shared_buffers: "512MB" });
            assert.ok(args.includes("max_wal_size=4GB") && !args.includes("max_wal_size=2GB") && args.includes("shared_buffers=512MB"));
        });
    });

    describe("validation", () => {
        const cases: [string, Partial<PostgresArgs>, RegExp][] = [
            ["no clients", { clients: [] }, /clients must name at least one workload/],
            ["bad database", { database: "Claude-Code" }, /database must be a lowercase SQL identifier .* got "Claude-Code"/],
            ["bad username", { username: "1user" }, /username must be a lowercase SQL identifier/],
            ["bad size", { storage: { size: "100 GB" } }, /storage.size must be a quantity such as 100Gi, got "100 GB"/],
            ["bad claim name", { storage: { claimName: "Postgres_Data" } }, /storage.claimName must be a DNS-1123 label/],
            [
                "password with existing Secret",
                { passwordSecret: { name: "x", existing: true }, urlSecret: undefined },
                /password and passwordSecret.existing are mutually exclusive/,
            ],
            [
                "url with existing Secret",
                { password: undefined, passwordSecret: { name: "x", existing: true } },
                /urlSecret needs a password the component knows/,
            ],
            [
                "bad backup schedule",
                { backup: { schedule: "daily at 2", destination: { pvc: { size: "20Gi" } } } },
                /backup.schedule must be a five-field cron expression .* got "daily at 2"/,
            ],
            [
                "bad bucket",
                { backup: { destination: { s3: { bucket: "Bad_Bucket", roleArn: "arn" } } } },
                /backup.destination.s3.bucket must be an S3 bucket name .* got "Bad_Bucket"/,
            ],
            [
                "two destinations",
                { backup: { destination: { s3: { bucket: "bucket", roleArn: "arn" }, pvc: { size: "1Gi" } } as any } },
                /backup.destination must set exactly one of s3 or pvc, got 2/,
            ],
            ["bad setting key", { settings: { "max wal": "1" } }, /settings keys must be postgresql.conf parameter names, got "max wal"/],
        ];
        for (const [label, patch, re] of cases) {
            it(`GIVEN ${label} WHEN validated THEN it fails naming the rule`, () => {
                const problems = postgresProblems({ ...seed002, ...patch }).map(formatProblem);
                assert.ok(
                    problems.some((p) => re.test(p)),
                    `expected ${re} in ${JSON.stringify(problems)}`,
                );
                assert.throws(() => new Postgres("db", { ...seed002, ...patch }), re);
            });
        }
        it("GIVEN the seed 002 args THEN there are no problems", () => assert.deepStrictEqual(postgresProblems(seed002), []));
    });

    describe("component", () => {
        it("GIVEN seed 002 WHEN rendered THEN postgres-data 100Gi fast-ssd is a retained standalone PVC and the StatefulSet mounts it", async () => {
            const r = await render(() => new Postgres("db", seed002));
            assert.ok(validateAll(r) >= 10);
            const pvc = one(r, "PersistentVolumeClaim", "postgres-data");
            assert.strictEqual(pvc.spec.resources.requests.storage, "100Gi");
            assert.strictEqual(pvc.spec.storageClassName, "fast-ssd");
            const sts = one(r, "StatefulSet", "postgres");
            assert.strictEqual(sts.spec.replicas, 1);
            assert.strictEqual(sts.metadata.labels["agent-platform.io/singleton"], "true", "one primary: exempt from min-replicas/HPA");
            assert.strictEqual(sts.spec.volumeClaimTemplates, undefined);
            assert.deepStrictEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
            const dataVol = sts.spec.template.spec.volumes.find((v: any) => v.name === "data");
            assert.deepStrictEqual(dataVol.persistentVolumeClaim, { claimName: "postgres-data" });
        });

        it("GIVEN seed 002 WHEN rendered THEN one postgres-credentials Secret holds password + url, and the password is nowhere else", async () => {
            const r = await render(() => new Postgres("db", seed002));
            const s = one(r, "Secret", "postgres-credentials");
            assert.strictEqual(s.stringData.url, `postgresql://app:${PASSWORD}@postgres.claude-code.svc.cluster.local:5432/claude_code`);
            assert.strictEqual(s.stringData.password, PASSWORD);
            assert.ok(s.$secretPaths.length > 0);
            assertPasswordOnlyInSecrets(r, PASSWORD);
        });

        it("GIVEN a caller password with URL-special characters WHEN rendered THEN the URL encodes it", async () => {
            const pw = "p@ss:w/rd%-long-enough";
            const r = await render(() => new Postgres("db", { ...seed002, password: pw, backup: undefined }));
            assert.ok(one(r, "Secret", "postgres-credentials").stringData.url.includes(`:${encodeURIComponent(pw)}@`));
        });

        it("GIVEN seed 002 WHEN rendered THEN the server pod is hardened with pg_isready probes and PGDATA in a subdirectory", async () => {
            const r = await render(() => new Postgres("db", seed002));
            const pod = podSpecs(r).find((p) => p.owner === "StatefulSet/postgres")!;
            assertHardened(pod.owner, pod.spec, { probes: true });
            const c = pod.spec.containers[0];
            assert.strictEqual(c.image, POSTGRES_IMAGE);
            assert.strictEqual(pod.spec.securityContext.runAsUser, 70);
            assert.strictEqual(pod.spec.securityContext.fsGroup, 70);
            for (const p of ["livenessProbe", "readinessProbe", "startupProbe"]) assert.match(c[p].exec.command.join(" "), /pg_isready/);
            const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
            assert.strictEqual(env.PGDATA.value, "/var/lib/postgresql/data/pgdata");
            assert.deepStrictEqual(env.POSTGRES_PASSWORD.valueFrom.secretKeyRef, { name: "postgres-credentials", key: "password" });
            assert.ok(
                c.volumeMounts.some((m: any) => m.mountPath === "/var/run/postgresql"),
                "socket dir is writable",
            );
        });

        it("GIVEN an S3 backup WHEN rendered THEN the CronJob dumps with pg_dump | gzip at 02:00, Forbid, IRSA SA, hardened pod, PGPASSWORD from the Secret", async () => {
            const r = await render(() => new Postgres("db", seed002));
            const cj = one(r, "CronJob", "postgres-backup");
            assert.strictEqual(cj.spec.schedule, "0 2 * * *");
            assert.strictEqual(cj.spec.concurrencyPolicy, "Forbid");
            assert.ok(cj.spec.startingDeadlineSeconds > 0 && cj.spec.jobTemplate.spec.activeDeadlineSeconds > 0);
            assert.ok(cj.spec.successfulJobsHistoryLimit >= 1 && cj.spec.failedJobsHistoryLimit >= 1);
            const pod = cj.spec.jobTemplate.spec.template.spec;
            assertHardened("CronJob/postgres-backup", pod, { probes: false });
            assert.strictEqual(pod.restartPolicy, "Never");
            const dump = pod.initContainers[0];
            assert.match(dump.command[2], /pg_dump .*\| gzip/);
            assert.match(dump.command[2], /pipefail/);
            const env = Object.fromEntries(dump.env.map((e: any) => [e.name, e]));
            assert.deepStrictEqual(env.PGPASSWORD.valueFrom.secretKeyRef, { name: "postgres-credentials", key: "password" });
            assert.strictEqual(env.PGHOST.value, "postgres.claude-code.svc.cluster.local");
            assert.strictEqual(env.BACKUP_FILE_PREFIX.value, "claude-code");
            const upload = pod.containers[0];
            assert.strictEqual(upload.image, "amazon/aws-cli:2.17.50");
            assert.strictEqual(upload.env.find((e: any) => e.name === "BACKUP_S3_URI").value, "s3://claude-code-backups/postgres/");
            assert.ok(
                pod.volumes.some((v: any) => v.name === "backup" && v.emptyDir),
                "dump goes to an emptyDir",
            );
            const sa = one(r, "ServiceAccount", "postgres-backup");
            assert.strictEqual(sa.metadata.annotations["eks.amazonaws.com/role-arn"], "arn:aws:iam::123456789012:role/pg-backup");
            assert.strictEqual(sa.automountServiceAccountToken, false);
            assert.strictEqual(pod.serviceAccountName, "postgres-backup");
        });

        it("GIVEN a backup WHEN rendered THEN the server admits clients and the backup job on 5432, and the job may egress to it and HTTPS", async () => {
            const r = await render(() => new Postgres("db", seed002));
            const np = one(r, "NetworkPolicy", "postgres");
            const from = np.spec.ingress[0].from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/name"]);
            assert.deepStrictEqual(from, ["manager-agent", "worker-agent", "postgres-backup"]);
            assert.deepStrictEqual(np.spec.ingress[0].ports, [{ port: 5432, protocol: "TCP" }]);
            const bnp = one(r, "NetworkPolicy", "postgres-backup");
            assert.deepStrictEqual(bnp.spec.policyTypes, ["Egress"]);
            assert.deepStrictEqual(bnp.spec.egress[0].ports, [{ port: 5432, protocol: "TCP" }]);
            assert.deepStrictEqual(bnp.spec.egress[1].ports, [{ port: 443, protocol: "TCP" }]);
        });

        it("GIVEN a PVC backup (dev) WHEN rendered THEN the dump writes to a retained claim and prunes old files; no upload container", async () => {
            const r = await render(() => new Postgres("db", { ...seed002, backup: { destination: { pvc: { size: "20Gi", keepDays: 7 } } } }));
            validateAll(r);
            const cj = one(r, "CronJob", "postgres-backup");
            const pod = cj.spec.jobTemplate.spec.template.spec;
            assert.strictEqual(pod.initContainers, undefined);
            assert.strictEqual(pod.containers.length, 1);
            assert.match(pod.containers[0].command[2], /find \/backup .*-delete/);
            assert.strictEqual(pod.containers[0].env.find((e: any) => e.name === "KEEP_DAYS").value, "7");
            assert.deepStrictEqual(pod.volumes.find((v: any) => v.name === "backup").persistentVolumeClaim, { claimName: "postgres-backup-dumps" });
            assert.strictEqual(one(r, "PersistentVolumeClaim", "postgres-backup-dumps").spec.resources.requests.storage, "20Gi");
            assert.strictEqual(one(r, "ServiceAccount", "postgres-backup").metadata.annotations, undefined);
            assert.strictEqual(one(r, "NetworkPolicy", "postgres-backup").spec.egress.length, 1);
        });

        it("GIVEN defaults WHEN rendered THEN a volumeClaimTemplate of 100Gi holds the data and a RandomPassword the password", async () => {
            const r = await render(() => new Postgres("db", { namespace: "claude-code", clients: ["api"] }));
            validateAll(r);
            const sts = one(r, "StatefulSet", "postgres");
            assert.strictEqual(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "100Gi");
            assert.strictEqual(byKind(r, "CronJob").length, 0);
            assert.strictEqual(r.resources.filter((x) => x.type === "random:index/randomPassword:RandomPassword").length, 1);
            const s = one(r, "Secret", "postgres-password");
            assertPasswordOnlyInSecrets(r, s.stringData.password);
        });

        it("GIVEN exporter with the CRD WHEN rendered THEN a sidecar reads DATA_SOURCE_PASS from the Secret and a ServiceMonitor selects the metrics Service", async () => {
            const r = await render(() => new Postgres("db", { ...seed002, exporter: true, capabilities: { serviceMonitor: true } }));
            validateAll(r);
            const pod = podSpecs(r).find((p) => p.owner === "StatefulSet/postgres")!;
            assertHardened(pod.owner, pod.spec, { probes: true });
            const ex = pod.spec.containers.find((c: any) => c.name === "exporter");
            assert.strictEqual(ex.image, "prometheuscommunity/postgres-exporter:v0.15.0");
            assert.ok(ex.env.find((e: any) => e.name === "DATA_SOURCE_PASS").valueFrom.secretKeyRef);
            assert.strictEqual(one(r, "Service", "postgres-metrics").metadata.annotations["prometheus.io/port"], "9187");
            assert.strictEqual(one(r, "ServiceMonitor", "postgres").spec.endpoints[0].port, "metrics");
            assertPasswordOnlyInSecrets(r, PASSWORD);
        });

        it("GIVEN prod (retain default) vs dev (retainVolumes false) WHEN rendered THEN standalone PVCs carry retainOnDelete accordingly", async () => {
            const seen = (retain?: boolean) => {
                const opts: Record<string, unknown> = {};
                const transformations = [
                    (t: any) => {
                        if (t.type === "kubernetes:core/v1:PersistentVolumeClaim") opts[t.name] = t.opts.retainOnDelete;
                        return undefined;
                    },
                ];
                return render(
                    () => new Postgres("db", { ...seed002, retainVolumes: retain, backup: { destination: { pvc: { size: "5Gi" } } } }, { transformations }),
                ).then(() => opts);
            };
            assert.deepStrictEqual(await seen(undefined), { "db-data": true, "db-backup-pvc": true });
            assert.deepStrictEqual(await seen(false), { "db-data": false, "db-backup-pvc": false });
        });

        it("GIVEN retainVolumes false WHEN rendered THEN the StatefulSet deletes its claims", async () => {
            const r = await render(() => new Postgres("db", { ...seed002, retainVolumes: false, storage: { size: "1Gi" } }));
            assert.deepStrictEqual(one(r, "StatefulSet", "postgres").spec.persistentVolumeClaimRetentionPolicy, {
                whenDeleted: "Delete",
                whenScaled: "Delete",
            });
        });
    });
});
