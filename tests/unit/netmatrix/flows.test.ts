import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { FLOWS, Flow, KNOWN_VIOLATIONS, STACKS, StackName, flowsFor, isExternal } from "../../flows";
import { KUBE_DNS, STRANGER } from "../../flows/platform";
import { REPO_ROOT } from "../../../tools/lib/render";
import { RenderIndex, RenderedWorkload, flowProblems, indexRender, matrixProblems, seedProblem } from "../../../tools/netmatrix/resolve";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";

/** The namespaces the systems deploy into (rendered Namespace objects), plus the add-ons prod deploys into kube-system. */
function systemWorkloads(idx: RenderIndex) {
    return idx.workloads.filter((w) => idx.namespaces.has(w.namespace) || w.namespace === "kube-system");
}

const find = (id: string) => FLOWS.find((f) => f.id === id);

/** The flow end names this rendered workload (same namespace, its labels include the end's). */
function picks(end: { namespace: string; podLabels: Record<string, string> }, w: RenderedWorkload): boolean {
    return end.namespace === w.namespace && Object.entries(end.podLabels).every(([k, v]) => w.labels[k] === v);
}

describe("netmatrix: the flow list (tests/flows) matches the dev and prod renders", () => {
    const idx = {} as Record<StackName, RenderIndex>;
    before(async function () {
        this.timeout(STACKS.length * RENDER_TIMEOUT_MS); // one first render per stack
        for (const stack of STACKS) idx[stack] = indexRender((await renderedStack(stack)).objects);
    });

    for (const stack of STACKS) {
        it(`GIVEN the ${stack} render WHEN every flow and known violation is checked THEN each end is one rendered workload or declared platform pod, serving the port, through its Service`, () => {
            assert.deepEqual(matrixProblems(FLOWS, KNOWN_VIOLATIONS, stack, idx[stack]), []);
        });

        it(`GIVEN the ${stack} render WHEN its workloads are listed THEN every pod has DNS flows on UDP and TCP 53`, () => {
            const has = (w: RenderedWorkload, protocol: string) =>
                flowsFor(stack).some(
                    (f) =>
                        f.expect === "allow" &&
                        picks(f.from, w) &&
                        !isExternal(f.to) &&
                        f.to.namespace === KUBE_DNS.namespace &&
                        f.to.name === KUBE_DNS.name &&
                        f.port === 53 &&
                        f.protocol === protocol,
                );
            const missing = systemWorkloads(idx[stack])
                .filter((w) => w.namespace !== "kube-system")
                .flatMap((w) => ["UDP", "TCP"].filter((p) => !has(w, p)).map((p) => `${w.namespace}/${w.name} ${p}`));
            assert.deepEqual(missing, [], "add the workload to its system's dns(...) list in tests/flows/flows.ts");
        });

        it(`GIVEN the ${stack} render WHEN its workloads' ports are listed THEN a stranger's flow to every port must be denied`, () => {
            const has = (w: RenderedWorkload, port: number) =>
                flowsFor(stack).some(
                    (f) =>
                        f.expect === "deny" &&
                        f.from.namespace === STRANGER.namespace &&
                        f.from.name === STRANGER.name &&
                        !isExternal(f.to) &&
                        picks(f.to, w) &&
                        f.port === port,
                );
            const missing = systemWorkloads(idx[stack]).flatMap((w) => w.ports.filter((p) => !has(w, p.port)).map((p) => `${w.namespace}/${w.name}:${p.port}`));
            assert.deepEqual(missing, [], "give the workload its ports in tests/flows/flows.ts and list it in its system's isolated(...) call");
        });
    }

    it("GIVEN the list WHEN flows cite a repository file THEN the file has that line", () => {
        for (const f of FLOWS.filter((x) => x.ref)) {
            const m = /^(.+):(\d+)(?:-(\d+))?$/.exec(f.ref!);
            assert.ok(m, `${f.id}: ref ${f.ref} is not path:line[-line]`);
            const lines = fs.readFileSync(path.join(REPO_ROOT, m[1]), "utf8").split("\n").length;
            assert.ok(Number(m[3] ?? m[2]) <= lines, `${f.id}: ${f.ref} is past the end of the file (${lines} lines)`);
        }
    });

    it("GIVEN the issue's examples WHEN looked up THEN each is in the list with its expectation", () => {
        const expected: [string, Flow["expect"]][] = [
            ["claude-code/manager-agent -> claude-code/worker-agent:3000/TCP", "allow"],
            ["claude-code/worker-agent -> claude-code/redis:6379/TCP", "allow"],
            ["claude-code/worker-agent -> kube-system/kube-dns:53/UDP", "allow"],
            ["claude-code/worker-agent -> kube-system/kube-dns:53/TCP", "allow"],
            ["claude-mid-service/claude-terminal-service -> claude-mid-service/servicenow-mid-server:8080/TCP", "allow"],
            ["claude-mid-service/claude-ecc-poller -> claude-mid-service/claude-terminal-service:3000/TCP", "allow"],
            ["claude-code/worker-agent -> claude-code/postgres:5432/TCP", "deny"],
            ["ushadow/backend -> claude-code/redis:6379/TCP", "deny"],
            ["production-agents/agent-deployment -> claude-code/redis:6379/TCP", "deny"],
        ];
        for (const [id, expect] of expected) assert.equal(find(id)?.expect, expect, id);
    });

    it("GIVEN every system WHEN its flows are counted THEN it has intended and must-deny flows", () => {
        for (const system of ["terminal-mid", "inquisitor", "claude-code", "production-agents", "ushadow"]) {
            const mine = FLOWS.filter((f) => f.system === system);
            assert.ok(mine.some((f) => f.expect === "allow") && mine.some((f) => f.expect === "deny"), system);
        }
    });

    describe("the checks catch a wrong flow", () => {
        const good = find("claude-code/manager-agent -> claude-code/worker-agent:3000/TCP")!;
        const check = (f: Flow) => flowProblems(f, "dev", idx.dev);

        it("GIVEN the list's flow WHEN checked THEN it has no problem", () => {
            assert.deepEqual(check(good), []);
        });

        it("GIVEN labels no workload carries WHEN checked THEN the end is named", () => {
            const f = { ...good, to: { ...good.to, podLabels: { "app.kubernetes.io/name": "workers" } } };
            assert.match(
                check(f).join("\n"),
                /to claude-code\/worker-agent: podLabels \{"app.kubernetes.io\/name":"workers"\} match no workload in namespace claude-code of the dev render/,
            );
        });

        it("GIVEN labels that pick several workloads WHEN checked THEN it says so", () => {
            const f = { ...good, from: { ...good.from, podLabels: { "app.kubernetes.io/part-of": "claude-code" } } };
            assert.match(check(f).join("\n"), /from claude-code\/manager-agent: podLabels .* select \d+ workloads/);
        });

        it("GIVEN a port the pod does not serve WHEN checked THEN it says which ports it serves", () => {
            assert.match(check({ ...good, port: 3001 }).join("\n"), /declares no TCP port 3001 \(it declares 3000\/TCP\)/);
        });

        it("GIVEN a Service that is not there or selects other pods WHEN checked THEN it says so", () => {
            assert.match(check({ ...good, to: { ...good.to, service: "workers" } }).join("\n"), /service claude-code\/workers is not in the dev render/);
            assert.match(
                check({ ...good, to: { ...good.to, service: "manager-agent" } }).join("\n"),
                /service manager-agent does not select Deployment\/claude-code\/worker-agent/,
            );
        });

        it("GIVEN malformed or out-of-range seed citations WHEN checked THEN each is refused", () => {
            assert.equal(seedProblem("002:291-300"), undefined);
            assert.equal(seedProblem("002:291"), undefined);
            assert.match(seedProblem("002")!, /is not <seed>:<line>/);
            assert.match(seedProblem("009:1")!, /names no seed document/);
            assert.match(seedProblem("002:300-291")!, /1 <= first <= last <= 698/);
            assert.match(seedProblem("004:343")!, /last <= 342/);
        });

        it("GIVEN a duplicate flow, and known violations naming no flow or the wrong stack WHEN the list is checked THEN each is reported", () => {
            const prodOnly = FLOWS.find((f) => f.stacks.length === 1 && f.stacks[0] === "prod")!;
            const problems = matrixProblems(
                [good, good, prodOnly],
                [
                    { flow: "nope", stack: "dev", issue: 21, note: "x" },
                    { flow: prodOnly.id, stack: "dev", issue: 21, note: "x" },
                    { flow: good.id, stack: "dev", issue: 0, note: " " },
                ],
                "dev",
                idx.dev,
            );
            assert.deepEqual(
                problems.map((p) => p.replace(/^.*?: /, "")),
                ["duplicate flow id", "no flow has this id", "the flow does not apply to dev", "issue must be an issue number", "note is empty"],
            );
        });
    });
});
