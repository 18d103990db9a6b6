/**
 * Proof from outside the repository (issue 14): `npm pack` the component package, install the
 * tarball into a temporary project offline, type-check a consumer program with the strictest
 * options (strict, noUncheckedIndexedAccess, exactOptionalPropertyTypes, library checks on) and
 * run it under Pulumi's mock runtime: PlatformNamespace, an AgentService whose namespace is the
 * PlatformNamespace's Output, and a Redis.
 *
 * Offline: the tarball's dependencies and the peers are the repository's own installed copies,
 * linked into the temporary project; npm installs the tarball itself and resolves its dependencies
 * against them (no registry access, `--offline`).
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../../..");
const FIXTURE = path.join(ROOT, "tests/fixtures/consumer");
const DEPENDENCIES = ["ip-address", "yaml", "zod"];
const PEERS = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/random", "@types/node"];

function run(cmd: string, args: string[], cwd: string): string {
    try {
        return execFileSync(cmd, args, {
            cwd,
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
            env: { ...process.env, npm_config_update_notifier: "false" },
        });
    } catch (e) {
        const err = e as { stdout?: string; stderr?: string; message: string };
        throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed:\n${err.stdout ?? ""}${err.stderr ?? ""}${err.message}`, { cause: e });
    }
}

const TSC = path.join(ROOT, "node_modules/typescript/bin/tsc");
/**
 * The consumer's type check is incremental across runs: tsc's build info (which files it checked,
 * by content hash, and their diagnostics) is kept under the temporary directory, one per checkout,
 * and copied into each run's project, so only files whose text changed since (and what depends on
 * them) are checked again; the library checks of the peers' declarations, most of the time, are
 * reused while those are unchanged. The project lies at the same depth every run, so the info's
 * relative paths stay valid.
 */
const TSBUILDINFO = path.join(
    os.tmpdir(),
    `agent-platform-consumer-tsc-${typeof process.getuid === "function" ? process.getuid() : "u"}`,
    `${createHash("sha256").update(ROOT).digest("hex").slice(0, 16)}.tsbuildinfo`,
);

function typeCheck(project: string): void {
    const info = path.join(project, "tsconfig.tsbuildinfo");
    try {
        fs.copyFileSync(TSBUILDINFO, info);
    } catch {
        // first run, or the cache was cleared: a full check
    }
    run(process.execPath, [TSC, "-p", ".", "--noEmit", "--incremental", "--tsBuildInfoFile", info], project);
    try {
        fs.mkdirSync(path.dirname(TSBUILDINFO), { recursive: true });
        const tmp = `${TSBUILDINFO}.${process.pid}.tmp`;
        fs.copyFileSync(info, tmp);
        fs.renameSync(tmp, TSBUILDINFO);
    } catch {
        // read-only or full tmpdir: the next run checks everything
    }
}

function link(project: string, names: string[]): void {
    for (const name of names) {
        const at = path.join(project, "node_modules", name);
        fs.mkdirSync(path.dirname(at), { recursive: true });
        fs.rmSync(at, { recursive: true, force: true });
        fs.symlinkSync(path.join(ROOT, "node_modules", name), at, "dir");
    }
}

describe("the packed component package, used from outside the repository", function () {
    this.timeout(600_000);
    let tmp: string;
    let tarball: string;
    let project: string;

    before(function () {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ap-pack-"));
        const out = run("npm", ["pack", "--silent", "--pack-destination", tmp], path.join(ROOT, "components")).trim().split("\n");
        tarball = path.join(tmp, out[out.length - 1] as string);
        project = path.join(tmp, "project");
        fs.mkdirSync(project);
        for (const f of ["index.ts", "tsconfig.json"]) fs.copyFileSync(path.join(FIXTURE, f), path.join(project, f));
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "consumer", version: "0.0.0", private: true }));
        link(project, DEPENDENCIES);
        run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", tarball], project);
        // --legacy-peer-deps leaves the peers to the consumer: this project takes the repository's.
        link(project, PEERS);
    });

    after(function () {
        if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("ships compiled JavaScript, declarations and the plugin manifest, and no TypeScript sources or tests", function () {
        const files = run("tar", ["-tzf", tarball], tmp).trim().split("\n");
        for (const f of ["package/dist/index.js", "package/dist/index.d.ts", "package/dist/aws/index.js", "package/dist/aws/index.d.ts"]) {
            assert.ok(files.includes(f), `${f} missing from the tarball`);
        }
        for (const f of ["package/package.json", "package/PulumiPlugin.yaml", "package/LICENSE", "package/CHANGELOG.md", "package/README.md"]) {
            assert.ok(files.includes(f), `${f} missing from the tarball`);
        }
        const sources = files.filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f));
        assert.deepEqual(sources, [], "TypeScript sources in the tarball");
        assert.deepEqual(
            files.filter((f) => /test|bench|e2e|stacks\//.test(f)),
            [],
            "tests, bench, e2e or program files in the tarball",
        );
    });

    it("installs without @pulumi/aws and type-checks a consumer under strict, noUncheckedIndexedAccess and exactOptionalPropertyTypes", function () {
        assert.ok(!fs.existsSync(path.join(project, "node_modules/@pulumi/aws")), "@pulumi/aws was installed");
        typeCheck(project);
        // the JavaScript the next tests run
        run(process.execPath, [TSC, "-p", ".", "--noCheck"], project);
    });

    it("lists the EKS components on the main entry for Pulumi's component provider, and reading one without @pulumi/aws fails with one clear error", function () {
        const probe = [
            'const ap = require("agent-platform");',
            "let error = null;",
            "try { ap.EksCluster; } catch (e) { error = e.message; }",
            'console.log(JSON.stringify({ listed: Object.keys(ap).filter((k) => ["EksCluster", "IrsaRole"].includes(k)), error }));',
        ].join("\n");
        const out = JSON.parse(run(process.execPath, ["-e", probe], project).trim()) as { listed: string[]; error: string | null };
        assert.deepEqual(out.listed, ["EksCluster", "IrsaRole"]);
        assert.match(out.error ?? "", /need @pulumi\/aws, an optional peer dependency that is not installed: npm install @pulumi\/aws/);
    });

    it("runs the consumer under the mock runtime: the AgentService and the Redis land in the PlatformNamespace's Output", function () {
        const out = run(process.execPath, ["dist/index.js"], project).trim().split("\n");
        const result = JSON.parse(out[out.length - 1] as string) as {
            registered: { type: string; name: string; namespace?: string }[];
            workloadNamespace: string;
            url: string | null;
            workerUrl: string | null;
            redis: boolean;
            rejected: string;
        };
        const byName = new Map(result.registered.map((r) => [r.name, r]));
        assert.equal(byName.get("apps-ns")?.type, "kubernetes:core/v1:Namespace");
        assert.equal(byName.get("api-deploy")?.type, "kubernetes:apps/v1:Deployment");
        assert.equal(byName.get("api-deploy")?.namespace, "apps");
        assert.equal(result.workloadNamespace, "apps");
        assert.equal(byName.get("redis-sts")?.type, "kubernetes:apps/v1:StatefulSet");
        assert.equal(byName.get("redis-sts")?.namespace, "apps");
        assert.ok(result.redis);
        // The URL needs the namespace's name while the program runs; an Output's is not known then.
        assert.equal(result.url, null);
        assert.equal(byName.get("worker-deploy")?.namespace, "apps");
        assert.equal(result.workerUrl, "http://worker.apps.svc.cluster.local:9000");
        assert.match(result.rejected, /namespace must be a DNS-1123 label/);
    });
});
