/**
 * Connectivity matrix on real nodes: each flow is tried from inside a running source pod
 * (`standin connect` in the stand-in image) to a Service's cluster DNS name, through CoreDNS,
 * kube-proxy and the NetworkPolicies enforced by kube-network-policies.
 *
 * The list of flows is the shared one in tests/flows/ when it exists (one list feeds this tier and
 * the static prod/dev matrix); until then, FALLBACK_FLOWS below, written from the seed documents
 * and the dev render's policies. Either way a flow is {from: {ns, workload}, to: {ns, service},
 * port, expect}; `workload` is the pod label app.kubernetes.io/name.
 */
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT, Workspace } from "./harness";

export interface Flow {
    from: { ns: string; workload: string };
    /** `service` is a Service name (reached as <service>.<ns>.svc.cluster.local), or `dns` for cluster DNS. */
    to: { ns: string; service: string };
    /** The pod port (what NetworkPolicies name); the runner dials the Service port that targets it. */
    port: number;
    expect: "allow" | "deny";
    why?: string;
}

export interface FlowResult extends Flow { observed: "allow" | "deny"; ok: boolean; detail: string }

const cc = "claude-code", tm = "claude-mid-service", inq = "inquisitor-system", pa = "production-agents", us = "ushadow";
const f = (fromNs: string, workload: string, toNs: string, service: string, port: number, expect: "allow" | "deny", why: string): Flow =>
    ({ from: { ns: fromNs, workload }, to: { ns: toNs, service }, port, expect, why });

export const FALLBACK_FLOWS: Flow[] = [
    // seed 002 claude-code
    f(cc, "manager-agent", cc, "worker-agent", 3000, "allow", "manager dispatches work to workers"),
    f(cc, "api-gateway", cc, "worker-agent", 3000, "allow", "gateway routes to workers"),
    f(cc, "api-gateway", cc, "manager-agent", 3000, "allow", "gateway routes to the manager"),
    f(cc, "dashboard-backend", cc, "api-gateway", 3000, "allow", "dashboard reads through the gateway"),
    f(cc, "worker-agent", cc, "redis", 6379, "allow", "workers use the queue"),
    f(cc, "manager-agent", cc, "postgres", 5432, "allow", "manager stores state"),
    f(cc, "api-gateway", cc, "postgres", 5432, "allow", "gateway reads state"),
    f(cc, "worker-agent", cc, "postgres", 5432, "deny", "workers never touch the database"),
    f(cc, "worker-agent", cc, "manager-agent", 3000, "deny", "the manager accepts only the gateway and the dashboard"),
    f(cc, "dashboard-frontend", cc, "api-gateway", 3000, "deny", "the frontend is served, it calls nothing"),
    // seed 000 terminal-mid
    f(tm, "claude-ecc-poller", tm, "claude-terminal-service", 3000, "allow", "the poller hands ECC work to the terminal service"),
    f(tm, "claude-terminal-service", tm, "servicenow-mid-server", 8080, "allow", "the terminal service calls the MID server"),
    f(tm, "servicenow-mid-server", tm, "claude-terminal-service", 3000, "allow", "the MID server calls back"),
    f(tm, "claude-ecc-poller", tm, "servicenow-mid-server", 8080, "deny", "the poller talks to the terminal service only"),
    // seed 001 inquisitor
    f(inq, "inquisitor-api", inq, "inquisitor", 8000, "allow", "the API tier calls the Raft members"),
    f(inq, "inquisitor", inq, "inquisitor-headless", 4321, "allow", "Raft peers"),
    // seed 003 production-agents
    f(pa, "agent-deployment", pa, "redis-service", 6379, "allow", "agents use their Redis"),
    // seed 004 ushadow
    f(us, "backend", us, "mongo", 27017, "allow", "backend store"),
    f(us, "backend", us, "redis", 6379, "allow", "backend cache"),
    f(us, "backend", us, "qdrant", 6333, "allow", "backend vectors"),
    f(us, "backend", us, "neo4j", 7687, "allow", "backend graph"),
    f(us, "backend", us, "mem0", 8765, "allow", "backend memory API"),
    f(us, "mem0-ui", us, "mem0", 8765, "allow", "UI -> memory API"),
    f(us, "mem0", us, "backend", 8000, "deny", "nothing calls the backend in-cluster but the ingress"),
    f(us, "mem0-ui", us, "mongo", 27017, "deny", "the UI has no database access"),
    // across systems
    f(pa, "agent-deployment", cc, "redis", 6379, "deny", "one system's pods never reach another system's Redis"),
    f(cc, "worker-agent", pa, "redis-service", 6379, "deny", "one system's pods never reach another system's Redis"),
    f(us, "backend", cc, "worker-agent", 3000, "deny", "ushadow reaches nothing in claude-code"),
    f(us, "backend", cc, "redis", 6379, "deny", "ushadow reaches nothing in claude-code"),
    f(cc, "worker-agent", us, "mongo", 27017, "deny", "claude-code reaches nothing in ushadow"),
    f(tm, "claude-terminal-service", inq, "inquisitor", 8000, "deny", "no cross-system API calls"),
];

/** Every source workload resolves a cluster name through CoreDNS (the namespaces' DNS egress). */
export function dnsFlows(flows: Flow[]): Flow[] {
    const seen = new Set<string>();
    const out: Flow[] = [];
    for (const fl of flows) {
        const key = `${fl.from.ns}/${fl.from.workload}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ from: fl.from, to: { ns: "kube-system", service: "dns" }, port: 53, expect: "allow", why: "every pod resolves cluster names" });
    }
    return out;
}

/** The shared list (tests/flows/*.json|yaml with a `flows` array or an array) when present, else the fallback. */
export function loadFlows(): { flows: Flow[]; source: string } {
    const dir = path.join(REPO_ROOT, "tests", "flows");
    if (fs.existsSync(dir)) {
        const files = fs.readdirSync(dir).filter((n) => /\.(json|ya?ml)$/.test(n)).sort();
        for (const name of files) {
            // eslint-disable-next-line @typescript-eslint/no-var-requires
            const YAML = require("yaml");
            const doc = YAML.parse(fs.readFileSync(path.join(dir, name), "utf8"));
            const list = Array.isArray(doc) ? doc : doc?.flows;
            if (Array.isArray(list) && list.every((x: any) => x?.from?.ns && (x.from.workload || x.from.app) && x?.to?.ns && (x.to.service || x.to.workload) && x.port && x.expect)) {
                return {
                    source: `tests/flows/${name}`,
                    flows: list.map((x: any) => ({
                        from: { ns: x.from.ns, workload: x.from.workload ?? x.from.app },
                        to: { ns: x.to.ns, service: x.to.service ?? x.to.workload },
                        port: Number(x.port), expect: x.expect === "deny" ? "deny" : "allow", why: x.why ?? x.reason,
                    })),
                };
            }
        }
    }
    return { flows: FALLBACK_FLOWS, source: "tests/e2e/lib/flows.ts (fallback list)" };
}

/** A Running, Ready pod of the workload (label app.kubernetes.io/name). */
export async function sourcePod(ws: Workspace, ns: string, workload: string): Promise<string | undefined> {
    const pods = await ws.kubectlJson<{ items: any[] }>(["get", "pods", "-n", ns, "-l", `app.kubernetes.io/name=${workload}`]);
    return pods.items.find((p) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp)?.metadata.name;
}

/**
 * The port to dial on the Service for a flow's pod port (the port NetworkPolicies name): the
 * Service port whose targetPort is that port (by number, or by the name of a backing pod's
 * container port); a headless Service is dialled on the pod port itself.
 */
export async function servicePort(ws: Workspace, ns: string, service: string, podPort: number): Promise<number> {
    const svc = await ws.kubectlJson(["get", "service", "-n", ns, service]);
    if (svc.spec.clusterIP === "None") return podPort;
    const ports: any[] = svc.spec.ports ?? [];
    const byNumber = ports.find((p) => (p.targetPort ?? p.port) === podPort);
    if (byNumber) return byNumber.port;
    const named = ports.filter((p) => typeof p.targetPort === "string");
    if (named.length && svc.spec.selector) {
        const selector = Object.entries(svc.spec.selector).map(([k, v]) => `${k}=${v}`).join(",");
        const pods = await ws.kubectlJson<{ items: any[] }>(["get", "pods", "-n", ns, "-l", selector]);
        const containerPorts = (pods.items[0]?.spec.containers ?? []).flatMap((c: any) => c.ports ?? []);
        for (const p of named) {
            if (containerPorts.some((cp: any) => cp.name === p.targetPort && cp.containerPort === podPort)) return p.port;
        }
    }
    return podPort;
}

/** True when a pod behind the Service accepts connections on `podPort` from inside itself. */
export async function listening(ws: Workspace, ns: string, service: string, podPort: number): Promise<boolean> {
    const svc = await ws.kubectlJson(["get", "service", "-n", ns, service]);
    const selector = Object.entries(svc.spec.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(",");
    if (!selector) return false;
    const pods = await ws.kubectlJson<{ items: any[] }>(["get", "pods", "-n", ns, "-l", selector]);
    const pod = pods.items.find((p) => p.status?.phase === "Running");
    if (!pod) return false;
    const r = await ws.run("kubectl", ["exec", "-n", ns, pod.metadata.name, "--", "standin", "connect", "127.0.0.1", String(podPort), "4s"], { timeoutMs: 60_000 });
    return r.code === 0;
}

/** Tries one flow from inside its source pod. A refused or timed-out connection is a deny. */
export async function tryFlow(ws: Workspace, flow: Flow): Promise<FlowResult> {
    const pod = await sourcePod(ws, flow.from.ns, flow.from.workload);
    if (!pod) return { ...flow, observed: "deny", ok: false, detail: `no running pod of ${flow.from.ns}/${flow.from.workload}` };
    const cmd = flow.to.service === "dns"
        ? ["standin", "resolve", "kubernetes.default.svc.cluster.local"]
        : ["standin", "connect", `${flow.to.service}.${flow.to.ns}.svc.cluster.local`, String(await servicePort(ws, flow.to.ns, flow.to.service, flow.port)), "4s"];
    const r = await ws.run("kubectl", ["exec", "-n", flow.from.ns, pod, "--", ...cmd], { timeoutMs: 60_000 });
    const line = r.out.trim().split("\n").pop() ?? "";
    const observed = r.code === 0 ? "allow" : "deny";
    // exit 1 is the client's verdict; anything else (exec failed) is not an observation
    const valid = r.code === 0 || r.code === 1;
    return { ...flow, observed, ok: valid && observed === flow.expect, detail: `${pod}: ${valid ? line : `kubectl exec exit ${r.code}: ${line}`}` };
}

export function matrixTable(results: FlowResult[]): string {
    const rows = results.map((r) => [
        r.ok ? "ok" : "FAIL",
        `${r.from.ns}/${r.from.workload}`,
        r.to.service === "dns" ? "cluster DNS (kube-system/kube-dns:53)" : `${r.to.ns}/${r.to.service}:${r.port}`,
        r.expect, r.observed,
    ]);
    const head = ["", "from", "to", "expect", "observed"];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ");
    return [fmt(head), fmt(w.map((n) => "-".repeat(n))), ...rows.map(fmt)].join("\n");
}

/** Graphviz: one node per workload/service, green edges allowed, red dashed denied, bold = mismatch. */
export function matrixDot(results: FlowResult[]): string {
    const id = (s: string) => JSON.stringify(s);
    const lines = ["digraph connectivity {", "  rankdir=LR; node [shape=box, fontsize=10]; edge [fontsize=9];"];
    const byNs = new Map<string, Set<string>>();
    const add = (ns: string, name: string) => { if (!byNs.has(ns)) byNs.set(ns, new Set()); byNs.get(ns)!.add(name); };
    for (const r of results) { add(r.from.ns, r.from.workload); add(r.to.ns, r.to.service === "dns" ? "kube-dns" : r.to.service); }
    for (const [ns, names] of byNs) {
        lines.push(`  subgraph ${id(`cluster_${ns}`)} { label=${id(ns)};`);
        for (const n of names) lines.push(`    ${id(`${ns}/${n}`)} [label=${id(n)}];`);
        lines.push("  }");
    }
    for (const r of results) {
        const to = `${r.to.ns}/${r.to.service === "dns" ? "kube-dns" : r.to.service}`;
        const color = r.observed === "allow" ? "darkgreen" : "red";
        const style = [r.observed === "deny" ? "dashed" : "solid", r.ok ? "" : "bold"].filter(Boolean).join(",");
        const label = `${r.port}${r.ok ? "" : ` expected ${r.expect}`}`;
        lines.push(`  ${id(`${r.from.ns}/${r.from.workload}`)} -> ${id(to)} [color=${color}, style=${id(style)}, label=${id(label)}${r.ok ? "" : ", penwidth=3"}];`);
    }
    lines.push("}");
    return lines.join("\n") + "\n";
}
