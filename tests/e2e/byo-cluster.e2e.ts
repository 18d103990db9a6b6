/**
 * e2e: `npm run up:local -- --kubeconfig FILE --context NAME` deploys the dev stack to a cluster
 * that already runs (kind, k3d, a shared dev cluster). A local control plane started on its own,
 * on other ports, stands in for that cluster: stack.sh must use it as it is, never start or stop
 * a cluster of its own, and refuse it while it lacks what the stack config declares.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { REPO_ROOT, Workspace, notReady } from "./lib/harness";

const STACK_SH = path.join(REPO_ROOT, "tools", "e2e", "stack.sh");
const DEV_NAMESPACES = ["claude-code", "claude-mid-service", "inquisitor-system", "production-agents", "ushadow"];

describe("e2e: up:local --kubeconfig deploys the dev stack to an existing cluster", function () {
    const ws = new Workspace();
    // An existing cluster: its own state dir and ports, started outside stack.sh.
    ws.toolEnv.AP_APISERVER_PORT = process.env.E2E_BYO_APISERVER_PORT ?? "18443";
    ws.toolEnv.AP_ETCD_PORT = process.env.E2E_BYO_ETCD_PORT ?? "18379";
    const kubeconfig = path.join(ws.dir, "cluster", "kubeconfig");
    const byo = ["--kubeconfig", kubeconfig, "--context", "agent-platform-e2e"];
    /** stack.sh with no cluster knobs at all: only the flags name the target. */
    const stackEnv = (): NodeJS.ProcessEnv => {
        const env: NodeJS.ProcessEnv = { ...process.env, AP_STACK_STATE: path.join(ws.dir, "byo-stack") };
        for (const k of ["AP_CLUSTER_STATE", "AP_APISERVER_PORT", "AP_ETCD_PORT", "KUBECONFIG"]) delete env[k];
        return env;
    };
    const kubectl = (args: string[]) => ws.must("kubectl", ["--kubeconfig", kubeconfig, ...args, "-o", "json"], { env: ws.env });
    const platformNamespaces = async () =>
        (JSON.parse((await kubectl(["get", "namespaces"])).stdout).items as any[])
            .map((n) => n.metadata.name)
            .filter((n: string) => DEV_NAMESPACES.includes(n));
    let deployed = false;

    before(async function () {
        this.timeout(900_000);
        console.log(`    e2e work dir ${ws.dir} (log: ${ws.log})`);
        await ws.clusterUp();
        // kubectl for the assertions below: the one stack.sh env would give (PATH from the toolchain and cluster builds).
        await ws.prepare("dev");
    });

    after(async function () {
        this.timeout(600_000);
        if (deployed) await ws.run(STACK_SH, ["down", ...byo, "--destroy"], { env: stackEnv(), timeoutMs: 600_000 });
        ws.cleanup();
    });

    it("GIVEN the cluster lacks Velero's namespace (crds.velero: true) WHEN up --kubeconfig THEN it fails naming the key and deploys nothing", async function () {
        this.timeout(600_000);
        const r = await ws.run(STACK_SH, ["up", ...byo], { env: stackEnv(), timeoutMs: 600_000 });
        assert.equal(r.code, 1, r.out.slice(-2000));
        assert.match(r.out, /agent-platform:crds\.velero: namespace velero missing \(install Velero, or set agent-platform:crds\.velero to false\)/);
        assert.match(r.out, /not deploying to the cluster of .*kubeconfig \(context agent-platform-e2e\)/);
        assert.deepEqual(await platformNamespaces(), []);
    });

    it("GIVEN the cluster serves everything declared WHEN up --kubeconfig THEN the dev stack runs there and the output says how to reach it", async function () {
        this.timeout(900_000);
        await ws.createImpliedNamespaces("dev", ["--kubeconfig", kubeconfig], ws.env);
        deployed = true;
        const r = await ws.must(STACK_SH, ["up", ...byo], { env: stackEnv(), timeoutMs: 900_000 });
        assert.match(r.out, /preflight: the cluster serves every declared CRD/);
        assert.match(r.out, /The dev stack is up on the cluster of .*kubeconfig \(context agent-platform-e2e\)/);
        assert.doesNotMatch(r.out, /^cluster: (starting|etcd)/m, "stack.sh must not start a control plane of its own");
        assert.deepEqual((await platformNamespaces()).sort(), [...DEV_NAMESPACES].sort());
        const workloads = (JSON.parse((await kubectl(["get", "deployments,statefulsets", "-A"])).stdout).items as any[]).filter((w) =>
            DEV_NAMESPACES.includes(w.metadata.namespace),
        );
        assert.ok(workloads.length >= 15, `only ${workloads.length} workloads`);
        assert.deepEqual(notReady(workloads), []);
    });
});
