/**
 * The stack path of the env_file / compose file leak: `agent-platform:ushadow.composeFile`,
 * `optionsFile` and every `env_file` stay inside the project root (or the explicit `filesRoot`),
 * errors name the key and never the file's contents, a canary in the deployer's environment never
 * reaches a rendered object, and a bad ushadow section fails before any resource is registered.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as YAML from "yaml";
import { ConfigError } from "../../../components/config";
import { ushadowProblems, ushadowSchema } from "../../../stacks/systems/ushadow";
import { runUnderMocks } from "../../../tools/lib/mock-runtime";
import { REPO_ROOT, readStackConfig, renderProgram } from "../../../tools/lib/render";
import { RENDER_TIMEOUT_MS } from "../../helpers/stacks";

const P = "agent-platform";
const CANARY = `canary-${process.pid}-stack-9b27`;
const CANARY_VAR = "AP_TEST_STACK_CANARY";
const CTX = { environment: "dev" as const, capabilities: { serviceMonitor: false, vpa: false, velero: false, certManager: false, istio: false } };
const FILE_SIGNS = /root:x:0|nologin|\/bin\/bash/;

const section = (extra: Record<string, unknown>) => ushadowSchema.parse({ uiHost: "m.example.com", ...extra });

/** The dev stack config with only ushadow enabled (the others only cost time) and `extra` over its section. */
function devWithUshadow(extra: Record<string, unknown>, keepOthers = false) {
    const config = readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
    if (!keepOthers) {
        const others = ["terminalMid", "inquisitor", "claudeCode", "productionAgents"].map((s) => `${P}:${s}`);
        config.values = Object.fromEntries(Object.entries(config.values).filter(([k]) => !others.includes(k)));
    }
    config.values[`${P}:ushadow`] = JSON.stringify({ ...JSON.parse(config.values[`${P}:ushadow`]), ...extra });
    return config;
}

describe("ushadow files: composeFile, optionsFile and env_file stay inside the project root", () => {
    let tmp: string;
    before(() => {
        process.env[CANARY_VAR] = CANARY;
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "ushadow-files-"));
        fs.copyFileSync(path.join(REPO_ROOT, "examples/compose/ushadow/options.yaml"), path.join(tmp, "options.yaml"));
        const compose = fs.readFileSync(path.join(REPO_ROOT, "examples/compose/ushadow/docker-compose.yml"), "utf8");
        // The example file, plus a variable only the deployer's shell holds, plus an env_file.
        const withEnv = (envFile: string) =>
            compose
                .replace(/(\n {2}backend:\n(?: {4}.*\n)*? {4}environment:\n)/, `$1      FROM_SHELL: "\${${CANARY_VAR}:-unset}"\n`)
                .replace(/(\n {2}backend:\n)/, `$1    env_file: ${JSON.stringify(envFile)}\n`);
        fs.writeFileSync(path.join(tmp, "app.env"), "GREETING=hello\n");
        fs.writeFileSync(path.join(tmp, "ok.yml"), withEnv("app.env"));
        fs.writeFileSync(path.join(tmp, "environ.yml"), withEnv("/proc/self/environ"));
        fs.symlinkSync("/proc/self/environ", path.join(tmp, "environ.env"));
        fs.writeFileSync(path.join(tmp, "environ-link.yml"), withEnv("environ.env"));
        execFileSync("mkfifo", [path.join(tmp, "fifo.yml")]);
    });
    after(() => {
        delete process.env[CANARY_VAR];
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    const refused: Array<[string, Record<string, unknown>, RegExp]> = [
        ["composeFile: /etc/passwd", { composeFile: "/etc/passwd" }, /^agent-platform:ushadow\.composeFile: .*outside the root/],
        ["composeFile: ../../etc/passwd", { composeFile: "../../../../../../etc/passwd" }, /^agent-platform:ushadow\.composeFile: .*outside the root/],
        ["composeFile: /proc/self/environ", { composeFile: "/proc/self/environ" }, /^agent-platform:ushadow\.composeFile: .*special file/],
        ["optionsFile: /etc/passwd", { optionsFile: "/etc/passwd" }, /^agent-platform:ushadow\.optionsFile: .*outside the root/],
        ["optionsFile: /proc/self/environ", { optionsFile: "/proc/self/environ" }, /^agent-platform:ushadow\.optionsFile: .*special file/],
        ["filesRoot that does not exist", { filesRoot: "no/such/dir" }, /^agent-platform:ushadow\.filesRoot: root .*does not exist/],
        ["filesRoot: /proc", { filesRoot: "/proc" }, /^agent-platform:ushadow\.filesRoot: .*\/proc/],
    ];
    for (const [what, extra, rule] of refused) {
        it(`GIVEN ${what} WHEN checked THEN one problem names the key and the rule, not the file's contents`, () => {
            const problems = ushadowProblems(section(extra), CTX);
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], rule);
            assert.ok(!FILE_SIGNS.test(problems[0]) && !problems[0].includes(CANARY), problems[0]);
        });
    }

    it("GIVEN filesRoot naming a directory WHEN its compose file names /proc/self/environ, a symlink to it, or is a FIFO THEN each is a composeFile problem", () => {
        for (const [file, rule] of [
            ["environ.yml", /service "backend": env_file: .*special file/],
            ["environ-link.yml", /env_file: .*special file/],
            ["fifo.yml", /FIFO/],
        ] as const) {
            const problems = ushadowProblems(section({ filesRoot: tmp, composeFile: path.join(tmp, file), optionsFile: path.join(tmp, "options.yaml") }), CTX);
            assert.equal(problems.length, 1, problems.join("\n"));
            assert.match(problems[0], /^agent-platform:ushadow\.composeFile: /);
            assert.match(problems[0], rule);
            assert.ok(!problems[0].includes(CANARY));
        }
    });

    it("GIVEN an options file that makes backend a singleton WHEN the stack scales or autoscales it THEN the problem names the stack key", () => {
        const options = YAML.parse(fs.readFileSync(path.join(tmp, "options.yaml"), "utf8"));
        options.services.backend = { ...(options.services.backend ?? {}), singleton: true };
        fs.writeFileSync(path.join(tmp, "single.yaml"), YAML.stringify(options));
        const files = { filesRoot: tmp, composeFile: path.join(tmp, "ok.yml"), optionsFile: path.join(tmp, "single.yaml") };
        const scaled = ushadowProblems(section({ ...files, replicas: { backend: 2 } }), CTX);
        assert.equal(scaled.length, 1, scaled.join("\n"));
        assert.match(scaled[0], /^agent-platform:ushadow\.replicas\.backend: .*a singleton runs exactly 1 replica without autoscaling, got replicas 2/);
        const autoscaled = ushadowProblems(section({ ...files, autoscaling: { backend: { minReplicas: 2, maxReplicas: 3 } } }), CTX);
        assert.match(autoscaled.join("\n"), /^agent-platform:ushadow\.autoscaling\.backend: .*singleton/);
    });

    it("GIVEN a compose file outside the project root without filesRoot WHEN checked THEN it is refused", () => {
        const problems = ushadowProblems(section({ composeFile: path.join(tmp, "ok.yml") }), CTX);
        assert.match(problems.join("\n"), /agent-platform:ushadow\.composeFile: .*outside the root/);
    });

    it("GIVEN a canary in the deployer's environment WHEN the stack renders a compose file that interpolates it THEN no rendered object holds it", async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const result = await renderProgram(
            devWithUshadow({ filesRoot: tmp, composeFile: path.join(tmp, "ok.yml"), optionsFile: path.join(tmp, "options.yaml") }),
            "dev",
            { redact: false },
        );
        const text = JSON.stringify(result.resources);
        assert.ok(text.includes("GREETING") && text.includes("hello"), "the env_file inside the root is used");
        assert.ok(text.includes("FROM_SHELL"));
        assert.ok(!text.includes(CANARY), "the deployer's environment reached a rendered object");
    });

    it("GIVEN env_file: /proc/self/environ WHEN the whole dev stack renders THEN one ConfigError names agent-platform:ushadow.composeFile and nothing is registered", async function () {
        this.timeout(RENDER_TIMEOUT_MS);
        const config = devWithUshadow({ filesRoot: tmp, composeFile: path.join(tmp, "environ.yml"), optionsFile: path.join(tmp, "options.yaml") }, true);
        let error: unknown;
        const program = path.join(REPO_ROOT, "stacks", "index.ts");
        for (const id of Object.keys(require.cache)) if (id.startsWith(path.join(REPO_ROOT, "stacks") + path.sep)) delete require.cache[id];
        const run = await runUnderMocks(
            () => {
                try {
                    require(program);
                } catch (e) {
                    error = e;
                }
            },
            { project: P, stack: "dev", config: config.values, secretKeys: config.secretKeys },
        );
        assert.ok(error instanceof ConfigError, `expected ConfigError, got ${(error as Error)?.stack ?? error}`);
        assert.equal(error.issues.length, 1, error.message);
        assert.match(error.issues[0], /^agent-platform:ushadow\.composeFile: .*env_file: .*special file/);
        assert.ok(!JSON.stringify(run.resources).includes(CANARY));
        assert.deepEqual(
            run.resources.map((r) => `${r.type} ${r.name}`),
            [],
            "a bad ushadow section must fail before the cluster or any other system registers",
        );
    });
});
