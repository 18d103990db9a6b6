/**
 * The invariants of the GitHub workflows (.github/) that matter when they run for real: OIDC
 * permission where AWS is assumed, tests before any preview or deploy, the policy pack on every
 * preview and up, secrets only through env/with (never inside a script), fork pull requests
 * skipped with a notice, prod behind its environment, one update per stack at a time, and
 * docs/ci.md listing exactly the secrets and variables the workflows read. actionlint
 * (npm run lint:workflows, in .ci/run) checks syntax, expressions and action inputs.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { REPO_ROOT } from "../../../tools/lib/render";
import { committedStacks } from "../../../tools/lib/stack-secrets";
import { Context, Value, condition, interpolate } from "./expressions";

const GH = path.join(REPO_ROOT, ".github");
type Doc = Record<string, any>;
type Step = Record<string, any>;

function load(rel: string): Doc {
    return YAML.parse(fs.readFileSync(path.join(GH, rel), "utf8"));
}

const WORKFLOWS: Record<string, Doc> = Object.fromEntries(
    fs
        .readdirSync(path.join(GH, "workflows"))
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => [f, load(`workflows/${f}`)]),
);
const ACTIONS: Record<string, Doc> = Object.fromEntries(
    fs.readdirSync(path.join(GH, "actions")).map((d) => [`./.github/actions/${d}`, load(`actions/${d}/action.yml`)]),
);
const PULUMI_STACK = "./.github/actions/pulumi-stack";
const STACKS = committedStacks();
/** A stack's environment (agent-platform:environment), which picks its pack config policy/config/<environment>.json. */
const envOf = (stack: string): string => YAML.parse(fs.readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")).config["agent-platform:environment"];
/** What checks.yml's `${stack%%-*}` expands to. */
const shellEnvOf = (stack: string): string => stack.split("-")[0];

/** Every string in a document with the key path that leads to it. */
function* strings(node: unknown, at: (string | number)[] = []): Generator<{ at: (string | number)[]; value: string }> {
    if (typeof node === "string") yield { at, value: node };
    else if (Array.isArray(node)) for (const [i, v] of node.entries()) yield* strings(v, [...at, i]);
    else if (node && typeof node === "object") for (const [k, v] of Object.entries(node)) yield* strings(v, [...at, k]);
}

/** Every step of every job and composite action, with where it is. */
function allSteps(): { where: string; step: Step }[] {
    const out: { where: string; step: Step }[] = [];
    for (const [f, wf] of Object.entries(WORKFLOWS)) {
        for (const [id, job] of Object.entries<Doc>(wf.jobs)) for (const step of job.steps ?? []) out.push({ where: `${f} job ${id}`, step });
    }
    for (const [a, action] of Object.entries(ACTIONS)) for (const step of action.runs.steps ?? []) out.push({ where: a, step });
    return out;
}

/** A composite action's inputs as its steps see them: the caller's `with` over the defaults. */
function actionInputs(uses: string, withValues: Record<string, Value | undefined>): Record<string, Value> {
    const action = ACTIONS[uses];
    assert.ok(action, `${uses}: no such local action`);
    const inputs: Record<string, Value> = {};
    for (const [name, spec] of Object.entries<Doc>(action.inputs)) {
        const v = withValues[name] ?? spec.default;
        assert.ok(!(spec.required && v === undefined), `${uses}: required input ${name} not given`);
        inputs[name] = v === undefined ? "" : typeof v === "boolean" ? String(v) : v;
    }
    for (const name of Object.keys(withValues)) assert.ok(name in action.inputs, `${uses}: unknown input ${name}`);
    return inputs;
}

function resolveWith(step: Step, ctx: Context): Record<string, Value | undefined> {
    return Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, interpolate(v, ctx)]));
}

/** The steps of the pulumi-stack action that run for these inputs, their `with` resolved. */
function pulumiStackRun(inputs: Record<string, Value>): { name: string; uses?: string; run?: string; with: Record<string, Value | undefined> }[] {
    const ctx: Context = { inputs };
    return ACTIONS[PULUMI_STACK].runs.steps
        .filter((s: Step) => condition(s.if, ctx))
        .map((s: Step) => ({ name: String(interpolate(s.name ?? s.uses ?? "", ctx)), uses: s.uses, run: s.run, with: resolveWith(s, ctx) }));
}

const SECRETS: Context = Object.fromEntries(
    ["PULUMI_ACCESS_TOKEN", "PULUMI_CONFIG_PASSPHRASE", "DEV_KUBECONFIG", "AWS_PREVIEW_ROLE_ARN", "AWS_DEPLOY_ROLE_ARN"].map((s) => [s, `<${s}>`]),
);
const VARS = { AWS_REGION: "us-east-1", PULUMI_ORG: "" };

function prContext(headRepo: string | null, author: string): Context {
    return {
        github: {
            repository: "acme/agent-platform",
            event: { pull_request: { number: 7, head: { repo: headRepo === null ? null : { full_name: headRepo } }, user: { login: author } } },
        },
    };
}

function stepIndex(steps: Step[], pred: (s: Step) => boolean, what: string): number {
    const i = steps.findIndex(pred);
    assert.ok(i >= 0, `no step ${what}`);
    return i;
}

describe("CI workflows (.github/)", () => {
    it("are the PR gate, the deploy and their shared checks", () => {
        assert.deepEqual(Object.keys(WORKFLOWS).sort(), ["checks.yml", "deploy.yml", "preview.yml"]);
        assert.deepEqual(Object.keys(ACTIONS), [PULUMI_STACK]);
    });

    describe("secrets", () => {
        it("no run: script contains a ${{ }} expression: secrets, inputs and event fields reach scripts through env", () => {
            const offenders = allSteps().filter(({ step }) => typeof step.run === "string" && step.run.includes("${{"));
            assert.deepEqual(
                offenders.map((o) => `${o.where}: ${o.step.name}`),
                [],
            );
        });

        it("secrets.* are read only in a step's env: or with:, never at workflow or job level", () => {
            const seen: string[] = [];
            for (const [f, wf] of Object.entries(WORKFLOWS)) {
                for (const { at, value } of strings(wf)) {
                    if (!/\bsecrets\./.test(value)) continue;
                    seen.push(f);
                    const where = at.join(".");
                    assert.ok(
                        at.includes("steps") && ["env", "with"].includes(String(at[at.length - 2])),
                        `${f}: secrets outside a step's env/with at ${where}`,
                    );
                }
            }
            assert.ok(seen.includes("preview.yml") && seen.includes("deploy.yml"));
        });

        it("the composite action's secret inputs reach its steps only through env: or with:", () => {
            const secretInputs = ["pulumi-access-token", "config-passphrase", "kubeconfig"];
            for (const { at, value } of strings(ACTIONS[PULUMI_STACK].runs)) {
                for (const i of secretInputs) {
                    if (!value.includes(`inputs.${i}`)) continue;
                    const parent = String(at[at.length - 2]);
                    assert.ok(["env", "with"].includes(parent) || at[at.length - 1] === "if", `inputs.${i} used at ${at.join(".")}`);
                }
            }
        });
    });

    describe("checks (every pull request and every push to main)", () => {
        const job = WORKFLOWS["checks.yml"].jobs.checks;
        const steps: Step[] = job.steps;
        const runs = (re: RegExp) => (s: Step) => typeof s.run === "string" && re.test(s.run);

        it("is a reusable workflow with a read-only token and no secrets", () => {
            assert.ok("workflow_call" in WORKFLOWS["checks.yml"].on);
            assert.deepEqual(WORKFLOWS["checks.yml"].permissions, { contents: "read" });
            assert.ok(!JSON.stringify(WORKFLOWS["checks.yml"]).includes("secrets."));
        });

        it("runs npm ci, the type check, npm test, a render of every stack and policy:check of each, in that order", () => {
            const order = [
                stepIndex(steps, runs(/^npm ci --no-audit/m), "npm ci"),
                stepIndex(steps, runs(/npx tsc --noEmit$/m), "tsc --noEmit"),
                stepIndex(steps, runs(/^npm test$/m), "npm test"),
                stepIndex(steps, runs(/npm run render -- --stack "\$stack"/), "render"),
                stepIndex(
                    steps,
                    runs(/npm run --silent policy:check -- "rendered\/\$stack" --config "policy\/config\/\$\{stack%%-\*\}\.json" --json/),
                    "policy:check",
                ),
            ];
            assert.deepEqual(
                order,
                [...order].sort((a, b) => a - b),
                `steps out of order: ${order}`,
            );
            for (const re of [/npm run render/, /policy:check/]) {
                const loop = /for stack in ([a-z0-9 -]+); do/.exec(steps.find(runs(re))!.run);
                assert.deepEqual(loop?.[1].trim().split(/\s+/), STACKS, `${re}: not every committed stack`);
            }
            for (const stack of STACKS) assert.equal(shellEnvOf(stack), envOf(stack), `${stack}: policy:check would read another environment's pack config`);
        });

        it("puts the policy report in the job summary and fails on a mandatory violation", () => {
            const script: string = steps.find(runs(/policy:check/))!.run;
            assert.match(script, />> "\$GITHUB_STEP_SUMMARY"/);
            assert.match(script, /\|\| code=\$\?/);
            assert.match(script, /exit "\$status"/);
        });
    });

    describe("code scanning (policy findings as SARIF)", () => {
        const wf = WORKFLOWS["checks.yml"];
        const checksSteps: Step[] = wf.jobs.checks.steps;
        const scan = wf.jobs["code-scanning"];

        it("the checks job writes one SARIF report per stack and keeps it with the renders", () => {
            const step = checksSteps.find((s) => typeof s.run === "string" && /--format sarif/.test(s.run))!;
            assert.ok(step, "no policy:check --format sarif step");
            assert.match(step.run, new RegExp(`for stack in ${STACKS.join(" ")}; do`));
            assert.match(step.run, /--config "policy\/config\/\$\{stack%%-\*\}\.json" --format sarif/);
            assert.match(
                step.run,
                /> "rendered\/policy-\$stack\.sarif" \|\| \[ \$\? -eq 1 \]/,
                "a mandatory finding (exit 1) still yields the report; exit 2 fails",
            );
            assert.ok(checksSteps.indexOf(step) < checksSteps.findIndex((s) => s.uses?.startsWith("actions/upload-artifact")));
        });

        it("a separate job with security-events: write uploads each stack's SARIF under its own category, never for fork pull requests", () => {
            assert.deepEqual(scan.permissions, { contents: "read", "security-events": "write" });
            assert.deepEqual([scan.needs].flat(), ["checks"]);
            assert.match(scan.if, /head\.repo\.full_name == github\.repository/);
            const uploads = scan.steps.filter((s: Step) => s.uses?.startsWith("github/codeql-action/upload-sarif@"));
            assert.deepEqual(
                uploads.map((s: Step) => [s.with.sarif_file, s.with.category]),
                STACKS.map((st) => [`rendered/policy-${st}.sarif`, `policy-${st}`]),
            );
        });

        it("every caller of checks.yml grants what its jobs request (a nested job cannot exceed its caller)", () => {
            for (const f of ["preview.yml", "deploy.yml"]) {
                const caller = WORKFLOWS[f].jobs.checks;
                assert.equal(caller.uses, "./.github/workflows/checks.yml", f);
                for (const job of Object.values<Doc>(wf.jobs)) {
                    for (const [scope, level] of Object.entries(job.permissions ?? wf.permissions)) {
                        assert.ok(
                            level === "read"
                                ? ["read", "write"].includes(caller.permissions?.[scope] ?? WORKFLOWS[f].permissions[scope])
                                : caller.permissions?.[scope] === "write",
                            `${f} does not grant ${scope}: ${level}`,
                        );
                    }
                }
            }
        });
    });

    describe("preview (pull requests)", () => {
        const wf = WORKFLOWS["preview.yml"];
        const preview = wf.jobs.preview;
        const skipped = Object.values<Doc>(wf.jobs).find((j) => j !== preview && j.steps)!;

        it("runs on pull requests to main with a read-only default token", () => {
            assert.deepEqual(wf.on.pull_request.branches, ["main"]);
            assert.deepEqual(wf.permissions, { contents: "read" });
        });

        it("the preview job may mint an OIDC token (id-token: write) and comment on the PR", () => {
            assert.deepEqual(preview.permissions, { contents: "read", "id-token": "write", "pull-requests": "write" });
        });

        it("previews only after the checks job (tests before preview)", () => {
            assert.equal(wf.jobs.checks.uses, "./.github/workflows/checks.yml");
            assert.deepEqual([preview.needs].flat(), ["checks"]);
        });

        it("previews every committed stack through pulumi/actions with the policy pack and the stack's pack config", () => {
            assert.deepEqual(preview.strategy.matrix.stack, STACKS);
            const use = preview.steps.find((s: Step) => s.uses === PULUMI_STACK);
            for (const stack of STACKS) {
                const ctx: Context = { matrix: { stack }, secrets: SECRETS, vars: VARS };
                const inputs = actionInputs(PULUMI_STACK, resolveWith(use, ctx));
                assert.equal(inputs.command, "preview");
                assert.equal(inputs["comment-on-pr"], "true");
                const pulumi = pulumiStackRun(inputs).find((s) => s.uses?.startsWith("pulumi/actions@"))!;
                assert.deepEqual(
                    [pulumi.with.command, pulumi.with["stack-name"], pulumi.with.policyPacks, pulumi.with.policyPackConfigs],
                    ["preview", stack, "policy", `policy/config/${envOf(stack)}.json`],
                );
                assert.ok(fs.existsSync(path.join(REPO_ROOT, `policy/config/${envOf(stack)}.json`)));
                assert.equal(pulumi.with["comment-on-pr"], "true");
                assert.equal(pulumi.with["comment-on-summary"], true);
                assert.equal(pulumi.with.diff, true);
            }
        });

        it("gives each stack only its credentials: dev the passphrase and kubeconfig, prod the read-only AWS role through OIDC", () => {
            const use = preview.steps.find((s: Step) => s.uses === PULUMI_STACK);
            const credentials = (stack: string) => {
                const inputs = actionInputs(PULUMI_STACK, resolveWith(use, { matrix: { stack }, secrets: SECRETS, vars: VARS }));
                const ran = pulumiStackRun(inputs);
                return {
                    passphrase: inputs["config-passphrase"],
                    kubeconfig: inputs.kubeconfig,
                    role: ran.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"))?.with["role-to-assume"],
                    writesKubeconfig: ran.some((s) => s.name === "Write the kubeconfig"),
                };
            };
            assert.deepEqual(credentials("dev"), {
                passphrase: "<PULUMI_CONFIG_PASSPHRASE>",
                kubeconfig: "<DEV_KUBECONFIG>",
                role: undefined,
                writesKubeconfig: true,
            });
            for (const prod of STACKS.filter((st) => envOf(st) === "prod"))
                assert.deepEqual(credentials(prod), { passphrase: "", kubeconfig: "", role: "<AWS_PREVIEW_ROLE_ARN>", writesKubeconfig: false }, prod);
        });

        it("prod previews on PROD_RUNNER when it is set (the EKS endpoint admits only its CIDRs), dev on ubuntu-latest", () => {
            const on = (stack: string, runner: string) => interpolate(preview["runs-on"], { matrix: { stack }, vars: { ...VARS, PROD_RUNNER: runner } });
            assert.deepEqual(
                [on("dev", "vpc-runner"), on("prod", "vpc-runner"), on("prod-eu-west-1", "vpc-runner"), on("prod", "")],
                ["ubuntu-latest", "vpc-runner", "vpc-runner", "ubuntu-latest"],
            );
        });

        it("a pull request from a fork, a deleted fork or Dependabot skips the preview with a notice; one from this repository previews", () => {
            const runs = (ctx: Context) => ({ preview: condition(preview.if, ctx), notice: condition(skipped.if, ctx) });
            assert.deepEqual(runs(prContext("acme/agent-platform", "alice")), { preview: true, notice: false });
            assert.deepEqual(runs(prContext("mallory/agent-platform", "mallory")), { preview: false, notice: true });
            assert.deepEqual(runs(prContext(null, "bob")), { preview: false, notice: true });
            assert.deepEqual(runs(prContext("acme/agent-platform", "dependabot[bot]")), { preview: false, notice: true });
            assert.deepEqual(runs(prContext("ACME/Agent-Platform", "alice")), { preview: true, notice: false }, "GitHub compares strings case-insensitively");
        });

        it("the notice job explains itself without failing: a ::notice and a job summary, no secrets, no needs", () => {
            assert.equal(skipped.needs, undefined);
            assert.ok(!JSON.stringify(skipped).includes("secrets."));
            const script: string = skipped.steps.map((s: Step) => s.run ?? "").join("\n");
            assert.match(script, /::notice title=pulumi preview skipped::/);
            assert.match(script, /GITHUB_STEP_SUMMARY/);
            assert.doesNotMatch(script, /\bexit [1-9]/);
        });

        it("a new push to the pull request cancels its running previews", () => {
            assert.deepEqual(wf.concurrency, { group: "preview-${{ github.event.pull_request.number }}", "cancel-in-progress": true });
        });
    });

    describe("deploy (push to main)", () => {
        const wf = WORKFLOWS["deploy.yml"];
        const upJobs = Object.entries<Doc>(wf.jobs).filter(([, j]) => j.steps?.some((s: Step) => s.uses === PULUMI_STACK));
        const stackOf = (j: Doc) => String(j.steps.find((s: Step) => s.uses === PULUMI_STACK).with.stack);

        it("runs on pushes to main, after the same checks as a pull request", () => {
            assert.deepEqual(wf.on.push.branches, ["main"]);
            assert.equal(wf.jobs.checks.uses, "./.github/workflows/checks.yml");
            assert.deepEqual(wf.permissions, { contents: "read" });
        });

        it("runs pulumi up of every committed stack, one after the other (dev, prod, then the second region), each with the policy pack and its environment's pack config", () => {
            assert.deepEqual(
                upJobs.map(([, j]) => stackOf(j)),
                STACKS,
            );
            for (const [i, [, job]] of upJobs.entries()) assert.deepEqual([job.needs].flat(), [i === 0 ? "checks" : upJobs[i - 1][0]], stackOf(job));
            for (const [id, job] of upJobs) {
                const use = job.steps.find((s: Step) => s.uses === PULUMI_STACK);
                const inputs = actionInputs(PULUMI_STACK, resolveWith(use, { secrets: SECRETS, vars: VARS }));
                const pulumi = pulumiStackRun(inputs).find((s) => s.uses?.startsWith("pulumi/actions@"))!;
                const stack = stackOf(job);
                assert.deepEqual(
                    [pulumi.with.command, pulumi.with.policyPacks, pulumi.with.policyPackConfigs],
                    ["up", "policy", `policy/config/${envOf(stack)}.json`],
                    id,
                );
            }
        });

        it("each up job runs in its stack's GitHub environment; each prod region (required reviewers) assumes the deploy role through OIDC", () => {
            for (const [id, job] of upJobs) assert.equal(job.environment?.name ?? job.environment, stackOf(job), id);
            const prods = upJobs.filter(([, j]) => envOf(stackOf(j)) === "prod");
            assert.equal(prods.length, 2);
            for (const [id, prod] of prods) {
                assert.equal(prod.permissions["id-token"], "write", id);
                const inputs = actionInputs(
                    PULUMI_STACK,
                    resolveWith(
                        prod.steps.find((s: Step) => s.uses === PULUMI_STACK),
                        { secrets: SECRETS, vars: VARS },
                    ),
                );
                assert.equal(inputs["aws-role-arn"], "<AWS_DEPLOY_ROLE_ARN>", id);
                assert.equal(inputs.environment, "prod", id);
            }
            const [, dev] = upJobs[0];
            assert.equal(dev.permissions["id-token"], undefined, "dev needs no AWS token");
        });

        it("each prod region deploys on PROD_RUNNER when it is set", () => {
            for (const [, prod] of upJobs.slice(1)) {
                assert.equal(interpolate(prod["runs-on"], { vars: { ...VARS, PROD_RUNNER: "vpc-runner" } }), "vpc-runner");
                assert.equal(interpolate(prod["runs-on"], { vars: { ...VARS, PROD_RUNNER: "" } }), "ubuntu-latest");
            }
        });

        it("one update per stack at a time: a concurrency group per stack that never cancels a running update", () => {
            const groups = upJobs.map(([, j]) => j.concurrency);
            for (const [i, [id, job]] of upJobs.entries()) {
                assert.equal(groups[i]["cancel-in-progress"], false, id);
                assert.ok(String(groups[i].group).includes(stackOf(job)), id);
            }
            assert.equal(new Set(groups.map((g) => g.group)).size, upJobs.length);
            assert.equal(wf.concurrency, undefined, "a workflow-level group would cancel or queue whole deploys");
        });
    });

    describe("every job that assumes an AWS role", () => {
        it("has id-token: write and passes a role through OIDC, never access keys", () => {
            for (const [f, wf] of Object.entries(WORKFLOWS)) {
                for (const [id, job] of Object.entries<Doc>(wf.jobs)) {
                    for (const step of job.steps ?? []) {
                        const role =
                            step.uses === PULUMI_STACK
                                ? step.with?.["aws-role-arn"]
                                : step.uses?.startsWith("aws-actions/configure-aws-credentials@")
                                  ? step.with?.["role-to-assume"]
                                  : undefined;
                        if (role === undefined) continue;
                        assert.equal(job.permissions?.["id-token"], "write", `${f} job ${id}`);
                    }
                }
            }
            for (const { where, step } of allSteps()) {
                if (!step.uses?.startsWith("aws-actions/configure-aws-credentials@")) continue;
                assert.ok(step.with["role-to-assume"], where);
                assert.ok(!("aws-access-key-id" in step.with) && !("aws-secret-access-key" in step.with), where);
            }
        });
    });

    describe("the pulumi-stack action", () => {
        const steps: Step[] = ACTIONS[PULUMI_STACK].runs.steps;
        const pulumi = () => steps.find((s) => s.uses?.startsWith("pulumi/actions@"))!;

        it("every pulumi preview/up anywhere carries the policy pack", () => {
            const calls = allSteps().filter(({ step }) => step.uses?.startsWith("pulumi/actions@"));
            assert.equal(calls.length, 1, "one home for pulumi commands");
            for (const { where, step } of calls) {
                assert.equal(step.with.policyPacks, "policy", where);
                assert.equal(step.with.policyPackConfigs, "policy/config/${{ inputs.environment }}.json", where);
            }
            for (const { where, step } of allSteps()) {
                if (typeof step.run === "string" && /(^|&&|;|\|\|)\s*(npx\s+)?pulumi\s+(preview|up|update)\b/m.test(step.run))
                    assert.match(step.run, /--policy-pack policy\b/, where);
            }
        });

        it("checks the stack's secrets after installing and getting credentials, before pulumi", () => {
            const at = (pred: (s: Step) => boolean, what: string) => stepIndex(steps, pred, what);
            const install = at((s) => /npm ci --no-audit/.test(s.run ?? ""), "npm ci");
            const kube = at((s) => s.name === "Write the kubeconfig", "kubeconfig");
            const aws = at((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"), "aws credentials");
            const check = at((s) => /npm run --silent secrets:check -- --stack "\$STACK" --non-interactive/.test(s.run ?? ""), "secrets:check");
            const run = steps.indexOf(pulumi());
            assert.ok(install < check && kube < check && aws < check && check < run, `order ${[install, kube, aws, check, run]}`);
        });

        it("uses the Pulumi CLI version the e2e tier runs", () => {
            const e2e = /^PULUMI_VERSION=(\S+)$/m.exec(fs.readFileSync(path.join(REPO_ROOT, "tools/e2e/toolchain.sh"), "utf8"))?.[1];
            assert.ok(e2e);
            assert.equal(String(pulumi().with["pulumi-version"]), e2e);
        });

        it("prefixes the Pulumi organization when one is set", () => {
            const inputs = actionInputs(PULUMI_STACK, {
                command: "preview",
                stack: "prod",
                environment: "prod",
                "pulumi-access-token": "t",
                "pulumi-organization": "acme",
            });
            assert.equal(pulumiStackRun(inputs).find((s) => s.uses?.startsWith("pulumi/actions@"))!.with["stack-name"], "acme/prod");
        });
    });

    describe("docs/ci.md", () => {
        const doc = fs.readFileSync(path.join(REPO_ROOT, "docs/ci.md"), "utf8");
        const section = doc.split(/^## /m).find((s) => s.startsWith("Secrets and variables"));

        it("lists exactly the secrets and variables the workflows read, each with its kind", () => {
            assert.ok(section, 'docs/ci.md: no "## Secrets and variables" section');
            const documented = new Map<string, string>();
            for (const m of section!.matchAll(/^\| `([A-Z0-9_]+)` \| ([^|]+) \|/gm)) documented.set(m[1], m[2].trim());
            const read = new Map<string, string>();
            for (const wf of Object.values(WORKFLOWS)) {
                for (const { value } of strings(wf))
                    for (const m of value.matchAll(/\b(secrets|vars)\.([A-Z0-9_]+)/g)) read.set(m[2], m[1] === "secrets" ? "secret" : "variable");
            }
            assert.deepEqual([...documented.keys()].sort(), [...read.keys()].sort());
            for (const [name, kind] of read)
                assert.ok(documented.get(name)!.includes(kind), `${name}: documented as "${documented.get(name)}", read as a ${kind}`);
        });
    });
});
