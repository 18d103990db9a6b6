/**
 * Real deploy on a local control plane (tools/e2e, issue 8): `pulumi up` of the dev stack from
 * empty until every workload is Ready, against `kubectl apply --server-side` + `kubectl rollout
 * status` of the same manifests; plus the no-op `pulumi up` and `pulumi preview`.
 *
 * Runs only when `tools/e2e/toolchain.sh check` and `tools/e2e/cluster.sh check` succeed (every
 * binary cached: nothing is built here). It starts its OWN control plane (separate state dir
 * and ports) and stops it, so a cluster another engineer is using is never touched. The Pulumi
 * project is a scratch directory of symlinks to the repo plus a copy of Pulumi.dev.yaml, so
 * `stack init` and `config set --secret` never write into the repo's stack file.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { PROJECT } from "agent-platform/config";
import { SECRET_KEYS } from "../../stacks/config";
import { REPO_ROOT, runChild, runCommand } from "./child";
import { engineProfile, previewPhases } from "./engine-events";
import { Row } from "./report";

const S = "Real deploy (local control plane: etcd + kube-apiserver + controllers + kwok)";
const E2E = path.join(REPO_ROOT, "tools", "e2e");
const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet"]);
const BENCH_API_PORT = "26443";
const BENCH_ETCD_PORT = "22379";

export interface DeployOutcome {
    toolchain: { ok: boolean; reason: string };
    rows: Row[];
    details: Record<string, unknown>;
    notes: string[];
}

const FIGURES = [
    "`pulumi up` of dev from empty until every workload is Ready",
    "`kubectl apply --server-side` + `rollout status` of the same manifests",
    "ratio pulumi / kubectl (first deploy)",
    "no-op `pulumi up`",
    "`pulumi preview` (no changes)",
    "`pulumi preview` with the policy pack (no changes)",
    "the policy pack's share of a preview",
    "start-up before the first resource step (first `up`)",
    "program evaluation in a preview (language host)",
];

function unavailable(reason: string, toolchain: { ok: boolean; reason: string }): DeployOutcome {
    return { toolchain, rows: FIGURES.map((figure) => ({ section: S, figure, value: "unavailable", unit: "", how: reason })), details: {}, notes: [] };
}

function tail(s: string, lines = 4): string {
    return s.trim().split("\n").slice(-lines).join(" / ");
}

async function check(script: string): Promise<{ ok: boolean; reason: string }> {
    if (!fs.existsSync(path.join(E2E, script))) return { ok: false, reason: `tools/e2e/${script} does not exist (issue 8 not landed)` };
    const r = await runCommand("bash", [path.join(E2E, script), "check"], { timeoutMs: 120_000 });
    if (r.code === 0) return { ok: true, reason: "" };
    const missing = (r.stdout + r.stderr)
        .split("\n")
        .filter((l) => /MISSING|missing|ERROR/.test(l))
        .map((l) => l.trim());
    return {
        ok: false,
        reason: `\`tools/e2e/${script} check\` exit ${r.code}: ${missing.join("; ") || tail(r.stderr)} (cached binaries required; this benchmark never starts Go builds)`,
    };
}

/** A scratch Pulumi project: symlinks to the repo's top level, a private copy of the stack files. */
function scratchProject(dir: string): void {
    fs.mkdirSync(dir, { recursive: true });
    for (const f of fs.readdirSync(REPO_ROOT)) {
        if (f === ".git" || /^Pulumi\..+\.yaml$/.test(f)) continue;
        fs.symlinkSync(path.join(REPO_ROOT, f), path.join(dir, f));
    }
    fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), path.join(dir, "Pulumi.dev.yaml"));
}

export async function benchDeploy(opts: { tmp: string; log: (m: string) => void; run: boolean }): Promise<DeployOutcome> {
    const toolchain = await check("toolchain.sh");
    const cluster = await check("cluster.sh");
    if (!opts.run) return { toolchain, rows: [], details: {}, notes: [] };
    if (!toolchain.ok) return unavailable(toolchain.reason, toolchain);
    if (!cluster.ok) return unavailable(cluster.reason, toolchain);

    const { tmp, log } = opts;
    const bin = (await runCommand("bash", [path.join(E2E, "toolchain.sh"), "bin"])).stdout.trim();
    const kubeBin = (await runCommand("bash", [path.join(E2E, "cluster.sh"), "build"])).stdout.trim().split("\n")[0];
    const state = path.join(tmp, "cluster");
    const clusterEnv = { ...process.env, AP_CLUSTER_STATE: state, AP_APISERVER_PORT: BENCH_API_PORT, AP_ETCD_PORT: BENCH_ETCD_PORT };
    const kubeconfig = path.join(state, "kubeconfig");
    const project = path.join(tmp, "project");
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        PATH: `${bin}:${kubeBin}:${process.env.PATH}`,
        KUBECONFIG: kubeconfig,
        PULUMI_BACKEND_URL: `file://${path.join(tmp, "pulumi-state")}`,
        PULUMI_CONFIG_PASSPHRASE: "bench-only-passphrase",
        PULUMI_HOME: path.join(tmp, "pulumi-home"),
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    fs.mkdirSync(path.join(tmp, "pulumi-state"), { recursive: true });
    const sh = (cmd: string, args: string[], timeoutMs = 900_000) => runCommand(cmd, args, { cwd: project, env, timeoutMs });
    const must = async (what: string, cmd: string, args: string[], timeoutMs?: number) => {
        const r = await sh(cmd, args, timeoutMs);
        if (r.code !== 0) {
            const errors = (r.stdout + "\n" + r.stderr)
                .split("\n")
                .map((l) => l.trim())
                .filter((l) => /error:/i.test(l))
                .slice(0, 3);
            throw new Error(`${what} exit ${r.code} after ${(r.wallMs / 1000).toFixed(0)} s: ${errors.join(" / ") || tail(r.stdout + "\n" + r.stderr, 6)}`);
        }
        return r;
    };
    const clusterUp = async () => {
        const r = await runCommand("bash", [path.join(E2E, "cluster.sh"), "up"], { env: clusterEnv, timeoutMs: 600_000 });
        if (r.code !== 0) throw new Error(`cluster.sh up exit ${r.code}: ${tail(r.stderr)}`);
        return r.wallMs;
    };
    const clusterDown = () => runCommand("bash", [path.join(E2E, "cluster.sh"), "down"], { env: clusterEnv, timeoutMs: 120_000 });

    const rows: Row[] = [];
    const notes: string[] = [];
    const details: Record<string, unknown> = {};
    try {
        // kubectl path first, on a fresh control plane.
        const renderDir = path.join(tmp, "render-dev");
        await runChild("render-child.ts", ["dev", "--out", renderDir, "--no-redact"]);
        const objects = walkYaml(renderDir).map((f) => YAML.parse(fs.readFileSync(f, "utf8")));
        // Namespaces and CRDs first, as a user's single manifest would have them.
        const rank = (o: { kind: string }) => (o.kind === "Namespace" ? 0 : o.kind === "CustomResourceDefinition" ? 1 : 2);
        objects.sort((a, b) => rank(a) - rank(b));
        const manifest = path.join(tmp, "dev-manifest.yaml");
        // JSON documents: the render's YAML is 1.2 and leaves `yes` unquoted, which kubectl's YAML 1.1
        // parser reads as a boolean (ushadow redis `--appendonly yes`); JSON is read the same by both.
        fs.writeFileSync(manifest, objects.map((o) => JSON.stringify(o)).join("\n---\n") + "\n");
        // Namespaces the render uses but does not create (velero: the Velero chart's), made before
        // timing on both clusters.
        const created = new Set(objects.filter((o) => o.kind === "Namespace").map((o) => o.metadata.name));
        const foreign = [...new Set(objects.map((o) => o.metadata?.namespace).filter((n): n is string => !!n && !created.has(n)))].sort();
        const prepare = async () => {
            for (const ns of foreign) await must(`create namespace ${ns}`, "kubectl", ["create", "namespace", ns]);
        };
        const workloads = objects.filter((o) => WORKLOAD_KINDS.has(o.kind));
        log(`deploy: cluster up (own state dir, apiserver :${BENCH_API_PORT})...`);
        const upMs = await clusterUp();
        fs.mkdirSync(project, { recursive: true });
        await prepare();
        const t0 = process.hrtime.bigint();
        await must("kubectl apply --server-side", "kubectl", ["apply", "--server-side", "--force-conflicts", "-f", manifest]);
        for (const w of workloads) {
            await must(`rollout status ${w.kind}/${w.metadata.name}`, "kubectl", [
                "rollout",
                "status",
                `${w.kind.toLowerCase()}/${w.metadata.name}`,
                "-n",
                w.metadata.namespace,
                "--timeout=600s",
            ]);
        }
        const kubectlMs = Number(process.hrtime.bigint() - t0) / 1e6;
        log(`deploy: kubectl path ${(kubectlMs / 1000).toFixed(1)} s for ${objects.length} objects, ${workloads.length} workloads`);
        await clusterDown();

        // Pulumi path on another fresh control plane.
        await clusterUp();
        await prepare();
        fs.rmSync(project, { recursive: true, force: true });
        scratchProject(project);
        await must("pulumi stack init", "pulumi", ["stack", "init", "dev", "--secrets-provider", "passphrase"]);
        for (const k of SECRET_KEYS) await must(`config set ${k}`, "pulumi", ["config", "set", "--secret", `${PROJECT}:${k}`, `bench-${k}-value`]);
        const up1 = await must("pulumi up (from empty)", "pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", "dev", "--json"]);
        const ready = await sh("kubectl", ["wait", "--for=condition=Available", "deployment", "--all", "-A", "--timeout=120s"]);
        const up2 = await must("pulumi up (no-op)", "pulumi", ["up", "--yes", "--skip-preview", "--non-interactive", "--stack", "dev"]);
        const pv = await must("pulumi preview", "pulumi", ["preview", "--non-interactive", "--stack", "dev"]);
        const policy = ["--policy-pack", path.join(REPO_ROOT, "policy"), "--policy-pack-config", path.join(REPO_ROOT, "policy", "config", "dev.json")];
        const pvPack = await must("pulumi preview --policy-pack", "pulumi", ["preview", "--non-interactive", "--stack", "dev", ...policy]);
        // Untimed: a traced preview with the pack, to split a preview into its phases.
        const trace = path.join(tmp, "preview-trace.json");
        await must("pulumi preview (traced)", "pulumi", ["preview", "--non-interactive", "--stack", "dev", ...policy, "--otel-traces", `file://${trace}`]);
        const phases = previewPhases(fs.readFileSync(trace, "utf8"));
        const programS = phases.programS;
        const profile = engineProfile(up1.stdout);
        const resources = /"resourceChanges":\{"create":(\d+)/.exec(up1.stdout)?.[1] ?? "?";
        log(`deploy: pulumi up ${(up1.wallMs / 1000).toFixed(1)} s, no-op ${(up2.wallMs / 1000).toFixed(1)} s, preview ${(pv.wallMs / 1000).toFixed(1)} s`);
        rows.push(
            {
                section: S,
                figure: FIGURES[0],
                value: up1.wallMs / 1000,
                unit: "s",
                how: `one run, fresh control plane; \`pulumi up --yes --skip-preview\` without the policy pack, file backend, passphrase secrets; ${resources} resources created; Pulumi's await logic waits for readiness (kubectl wait afterwards: exit ${ready.code})`,
            },
            {
                section: S,
                figure: FIGURES[1],
                value: kubectlMs / 1000,
                unit: "s",
                how: `one run, fresh control plane; the dev render (${objects.length} objects, Secrets unredacted) as one manifest, then \`kubectl rollout status\` of each of ${workloads.length} workloads in turn`,
            },
            { section: S, figure: FIGURES[2], value: up1.wallMs / kubectlMs, unit: "×", goal: "≤ 2×", how: "same manifests, same machine, same run" },
            { section: S, figure: FIGURES[3], value: up2.wallMs / 1000, unit: "s", goal: "≤ 10 s", how: "second `pulumi up --skip-preview` right after" },
            { section: S, figure: FIGURES[4], value: pv.wallMs / 1000, unit: "s", goal: "≤ 10 s", how: "`pulumi preview` with nothing to change" },
            {
                section: S,
                figure: FIGURES[5],
                value: pvPack.wallMs / 1000,
                unit: "s",
                how: "the same preview with `--policy-pack policy --policy-pack-config policy/config/dev.json`",
            },
            {
                section: S,
                figure: FIGURES[6],
                value: (pvPack.wallMs - pv.wallMs) / pvPack.wallMs,
                unit: "of the preview",
                how: "(with pack - without) / with pack: the pack's start-up and its checks",
            },
            {
                section: S,
                figure: FIGURES[7],
                value: profile.firstStepS,
                unit: "s",
                how: `engine event stream (\`up --json\`, 1 s resolution): CLI and plug-in start-up plus program evaluation until the first resource step; the last resource's outputs came at ${profile.lastOutputsS} s`,
            },
            {
                section: S,
                figure: FIGURES[8],
                value: programS,
                unit: "s",
                how: `span language-runtime.runProgram of a traced \`preview --otel-traces\` with the pack (untimed run), against ${phases.totalS.toFixed(1)} s for the whole CLI span`,
            },
        );
        details.previewPhases = {
            section: S,
            title: "A traced `pulumi preview` with the policy pack (untimed run): where its time goes (OpenTelemetry spans, s)",
            headers: ["phase", "s", "span(s)"],
            rows: [
                ["whole CLI run", phases.totalS, "pulumi"],
                ["before the program starts (CLI, state, plug-ins)", phases.beforeProgramS, "pulumi start to run-program start"],
                ["of which the policy pack's start-up", phases.packStartS, "Analyzer/GetPluginInfo (the program starts after it)"],
                ["program evaluation (blocks the SDK from sending registrations)", phases.programS, "language-runtime.runProgram"],
                [
                    "after the evaluation: the engine steps through the registrations, stack analysis, shutdown",
                    phases.afterProgramS,
                    "runProgram end to pulumi end",
                ],
                ["engine calls into the pack (sum)", phases.packCallsS, "Analyzer/Analyze + Remediate + AnalyzeStack"],
                ["provider Check + Diff (sum, serial in the step generator)", phases.checkDiffS, "ResourceProvider/Check + Diff"],
                ["SDK log calls to the engine (count, one round trip each)", phases.logCalls, "Engine/Log"],
            ],
        };
        details.engineSteps = {
            section: S,
            title: "First `up`: time per resource step, by type (engine event stream, whole seconds; create plus the provider's await)",
            headers: ["type", "objects", "mean s", "max s", "sum s"],
            rows: profile.types.filter((t) => !t.type.startsWith("agent-platform:")).map((t) => [t.type, t.count, t.meanS, t.maxS, t.sumS]),
        };
        notes.push(
            `Real deploy: each control plane start (cluster.sh up) took ${(upMs / 1000).toFixed(0)} s; not included in any figure.` +
                (foreign.length
                    ? ` Namespaces the dev render uses but does not create (${foreign.join(", ")}) were created before timing on both control planes.`
                    : ""),
        );
    } catch (e) {
        const reason = (e as Error).message.split("\n").slice(0, 4).join(" ");
        log(`deploy failed: ${reason}`);
        const have = new Set(rows.map((r) => r.figure));
        for (const figure of FIGURES) if (!have.has(figure)) rows.push({ section: S, figure, value: "failed", unit: "", how: reason });
    } finally {
        await clusterDown();
    }
    return { toolchain, rows, details, notes };
}

function walkYaml(dir: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) out.push(...walkYaml(p));
        else if (e.name.endsWith(".yaml")) out.push(p);
    }
    return out.sort();
}
