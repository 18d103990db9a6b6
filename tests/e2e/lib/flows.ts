/**
 * Connectivity matrix on real nodes: the shared flow list (tests/flows, the one the static tier
 * evaluates with cyclonus) tried from inside the source pods, through CoreDNS, kube-proxy and the
 * NetworkPolicies kube-network-policies enforces.
 *
 * * A flow to a Service connects to <service>.<ns>.svc.cluster.local on the Service port whose
 *   targetPort is the flow's (pod) port; a flow to a pod without a Service connects to its IP.
 * * The client is the stand-in's `standin connect` (UDP 53 to cluster DNS: `standin resolve`).
 *   Pods whose image has no stand-in binary (Redis, PostgreSQL) get it as an ephemeral
 *   container (`kubectl debug`), which shares the pod's network namespace and so its policies.
 * * Platform pods the cluster does not run (tests/flows/platform.ts: the stranger, seed 003's
 *   debug pod, Prometheus, the ingress controller) are started as stand-ins with exactly the
 *   declared labels and ports; cluster DNS is the real CoreDNS.
 * * Not tried here, and reported as such: flows to addresses outside the pod network (the
 *   internet, the API server: no traffic leaves this machine, and the local API server's address
 *   is not EKS's), and flows from a Job's pod (it runs only during a backup).
 * * A wrong verdict listed in tests/flows/known-violations.ts for dev is reported as known; any
 *   other wrong verdict fails.
 */
import { FLOWS, Flow, KNOWN_VIOLATIONS, PLATFORM_PODS, PlatformPod, PodRef, isExternal, platformPod } from "../../flows";
import { Workspace } from "./harness";

export type Verdict = "ok" | "FAIL" | "known" | "not tried";
export interface FlowResult {
    id: string;
    from: string;
    to: string;
    port: number;
    protocol: string;
    expect: "allow" | "deny";
    observed?: "allow" | "deny";
    verdict: Verdict;
    detail: string;
    issue?: number;
}

const STACK = "dev";

export function devFlows(): Flow[] {
    return FLOWS.filter((f) => f.stacks.includes(STACK));
}

const selector = (labels: Record<string, string>) =>
    Object.entries(labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");

/** The platform pods the dev flows name that this cluster does not run (everything but cluster DNS). */
export function standInPlatformPods(flows: Flow[]): PlatformPod[] {
    const named = new Set<PlatformPod>();
    for (const f of flows) {
        for (const end of [f.from, f.to]) {
            if (isExternal(end)) continue;
            const p = platformPod(end as PodRef);
            if (p && p.podLabels["k8s-app"] !== "kube-dns" && p.stacks.includes(STACK)) named.add(p);
        }
    }
    return PLATFORM_PODS.filter((p) => named.has(p));
}

/** Starts a stand-in pod per platform pod (its labels, its ports) and waits until each is Ready. */
export async function startPlatformPods(ws: Workspace, image: string, pods: PlatformPod[]): Promise<void> {
    const namespaces = new Set((await ws.kubectlJson<{ items: any[] }>(["get", "namespaces"])).items.map((n) => n.metadata.name));
    for (const p of pods) {
        if (!namespaces.has(p.namespace)) {
            await ws.must("kubectl", ["create", "namespace", p.namespace]);
            namespaces.add(p.namespace);
        }
        const manifest = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: `netmatrix-${p.name}`, namespace: p.namespace, labels: p.podLabels },
            spec: {
                securityContext: {
                    runAsNonRoot: true,
                    runAsUser: 65532,
                    runAsGroup: 65532,
                    seccompProfile: { type: "RuntimeDefault" },
                    sysctls: [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }],
                },
                containers: [
                    {
                        name: "standin",
                        image,
                        imagePullPolicy: "Never",
                        args: p.ports.filter((x) => x.protocol === "TCP").flatMap((x) => ["--port", String(x.port)]),
                        ports: p.ports.map((x) => ({ containerPort: x.port, protocol: x.protocol })),
                        resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "100m", memory: "128Mi" } },
                        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } },
                        volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                    },
                ],
                volumes: [{ name: "tmp", emptyDir: {} }],
            },
        };
        await ws.must("kubectl", ["apply", "-f", "-"], { input: Buffer.from(JSON.stringify(manifest)) });
    }
    for (const p of pods) {
        await ws.must("kubectl", ["wait", "-n", p.namespace, "--for=condition=Ready", `pod/netmatrix-${p.name}`, "--timeout=180s"], { timeoutMs: 240_000 });
    }
}

async function runningPod(ws: Workspace, ref: PodRef): Promise<any | undefined> {
    const pods = await ws.kubectlJson<{ items: any[] }>(["get", "pods", "-n", ref.namespace, "-l", selector(ref.podLabels)]);
    return pods.items.find((p) => p.status?.phase === "Running" && !p.metadata.deletionTimestamp);
}

/** A Running pod of the workload named by the label app.kubernetes.io/name. */
export async function sourcePod(ws: Workspace, ns: string, workload: string): Promise<string | undefined> {
    return (await runningPod(ws, { namespace: ns, name: workload, podLabels: { "app.kubernetes.io/name": workload } }))?.metadata.name;
}

/**
 * The Service port whose targetPort is `podPort` (by number, or by the name of a backing pod's
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
        const pods = await ws.kubectlJson<{ items: any[] }>(["get", "pods", "-n", ns, "-l", selector(svc.spec.selector)]);
        const containerPorts = (pods.items[0]?.spec.containers ?? []).flatMap((c: any) => c.ports ?? []);
        for (const p of named) {
            if (containerPorts.some((cp: any) => cp.name === p.targetPort && cp.containerPort === podPort)) return p.port;
        }
    }
    return podPort;
}

/** True when a pod of `ref` accepts connections on `port` from inside itself (no policy applies there). */
export async function listening(ws: Workspace, ref: PodRef, port: number, image: string): Promise<boolean> {
    const pod = await runningPod(ws, ref);
    if (!pod) return false;
    return (await runInPod(ws, pod, ["standin", "connect", "127.0.0.1", String(port), "4s"], image)).code === 0;
}

let debugSeq = 0;
/**
 * Runs a stand-in client command in the pod's network namespace: `kubectl exec` when its first
 * container has the stand-in binary, else an ephemeral container of the stand-in image.
 */
async function runInPod(ws: Workspace, pod: any, cmd: string[], image: string): Promise<{ code: number; out: string }> {
    const ns = pod.metadata.namespace,
        name = pod.metadata.name;
    const r = await ws.run("kubectl", ["exec", "-n", ns, name, "-c", pod.spec.containers[0].name, "--", ...cmd], { timeoutMs: 60_000 });
    if (!/executable file not found|no such file or directory/.test(r.out)) return { code: r.code === 0 ? 0 : r.code === 1 ? 1 : r.code, out: r.out };
    const container = `netcheck-${Date.now().toString(36)}-${debugSeq++}`;
    await ws.must("kubectl", [
        "debug",
        "-n",
        ns,
        name,
        `--image=${image}`,
        "--image-pull-policy=Never",
        "--profile=restricted",
        `--container=${container}`,
        "--",
        ...cmd,
    ]);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
        const p = await ws.kubectlJson(["get", "pod", "-n", ns, name]);
        const st = (p.status.ephemeralContainerStatuses ?? []).find((c: any) => c.name === container)?.state?.terminated;
        if (st) {
            const logs = await ws.run("kubectl", ["logs", "-n", ns, name, "-c", container]);
            return { code: st.exitCode, out: logs.out };
        }
        await new Promise((res) => setTimeout(res, 1000));
    }
    return { code: 2, out: `ephemeral container ${container} did not finish` };
}

const knownDev = new Map(KNOWN_VIOLATIONS.filter((v) => v.stack === STACK).map((v) => [v.flow, v]));

/** Tries one flow from inside a running source pod. A refused or timed-out connection is a deny. */
export async function tryFlow(ws: Workspace, flow: Flow, image: string): Promise<FlowResult> {
    const to = isExternal(flow.to) ? flow.to.external : `${flow.to.namespace}/${flow.to.name}`;
    const base = { id: flow.id, from: `${flow.from.namespace}/${flow.from.name}`, to, port: flow.port, protocol: flow.protocol, expect: flow.expect };
    const notTried = (detail: string): FlowResult => ({ ...base, verdict: "not tried", detail });
    if (isExternal(flow.to)) return notTried("outside the pod network: the static tier's (no traffic leaves this machine)");
    const target = flow.to;
    const dns = target.podLabels["k8s-app"] === "kube-dns" && flow.port === 53;
    if (flow.protocol === "UDP" && !dns) return notTried("UDP to a pod other than cluster DNS has no client here");
    const src = await runningPod(ws, flow.from);
    if (!src) return notTried(`no running pod of ${base.from} (a Job's pod runs only during a backup)`);
    let cmd: string[];
    if (dns && flow.protocol === "UDP") {
        cmd = ["standin", "resolve", "kubernetes.default.svc.cluster.local"];
    } else if (target.service) {
        cmd = [
            "standin",
            "connect",
            `${target.service}.${target.namespace}.svc.cluster.local`,
            String(await servicePort(ws, target.namespace, target.service, flow.port)),
            "4s",
        ];
    } else {
        const dst = await runningPod(ws, target);
        if (!dst) return notTried(`no running pod of ${to}`);
        cmd = ["standin", "connect", dst.status.podIP, String(flow.port), "4s"];
    }
    const r = await runInPod(ws, src, cmd, image);
    const line = r.out.trim().split("\n").pop() ?? "";
    if (r.code !== 0 && r.code !== 1) return { ...base, verdict: "FAIL", detail: `${src.metadata.name}: client failed (exit ${r.code}): ${line}` };
    const observed = r.code === 0 ? "allow" : "deny";
    const known = knownDev.get(flow.id);
    const verdict: Verdict = observed === flow.expect ? "ok" : known ? "known" : "FAIL";
    return { ...base, observed, verdict, detail: `${src.metadata.name}: ${line}`, ...(known ? { issue: known.issue } : {}) };
}

/**
 * Flows grouped by source workload, in first-seen order. Groups run side by side; the flows of
 * one source run one after another, because the ephemeral client containers of one pod are
 * added by updating that pod (concurrent updates of one pod conflict).
 */
export function groupBySource(flows: Flow[]): Flow[][] {
    const groups = new Map<string, Flow[]>();
    for (const f of flows) {
        const key = `${f.from.namespace}/${f.from.name}`;
        groups.set(key, [...(groups.get(key) ?? []), f]);
    }
    return [...groups.values()];
}

/** Tries every flow, `parallel` source workloads at a time; results come back in the flows' order. */
export async function tryFlows(ws: Workspace, flows: Flow[], image: string, parallel = 6): Promise<FlowResult[]> {
    const results = new Map<Flow, FlowResult>();
    const queue = groupBySource(flows);
    const worker = async () => {
        for (let group = queue.shift(); group; group = queue.shift()) {
            for (const flow of group) results.set(flow, await tryFlow(ws, flow, image));
        }
    };
    await Promise.all(Array.from({ length: Math.max(1, parallel) }, worker));
    return flows.map((f) => results.get(f)!);
}

export function matrixTable(results: FlowResult[]): string {
    const rows = results.map((r) => [
        r.verdict === "known" ? `known #${r.issue}` : r.verdict,
        r.from,
        `${r.to}:${r.port}/${r.protocol}`,
        r.expect,
        r.observed ?? "-",
    ]);
    const head = ["", "from", "to", "expect", "observed"];
    const w = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join("  ");
    return [fmt(head), fmt(w.map((n) => "-".repeat(n))), ...rows.map(fmt)].join("\n");
}

/** Graphviz: a box per pod, clustered by namespace; green = connected, red dashed = refused, bold = wrong verdict. */
export function matrixDot(results: FlowResult[]): string {
    const id = (s: string) => JSON.stringify(s);
    const lines = ["digraph connectivity {", "  rankdir=LR; node [shape=box, fontsize=10]; edge [fontsize=9];"];
    const tried = results.filter((r) => r.observed);
    const byNs = new Map<string, Set<string>>();
    for (const r of tried) {
        for (const end of [r.from, r.to]) {
            const [ns, name] = end.split("/");
            if (!byNs.has(ns)) byNs.set(ns, new Set());
            byNs.get(ns)!.add(name);
        }
    }
    for (const [ns, names] of byNs) {
        lines.push(`  subgraph ${id(`cluster_${ns}`)} { label=${id(ns)};`);
        for (const n of names) lines.push(`    ${id(`${ns}/${n}`)} [label=${id(n)}];`);
        lines.push("  }");
    }
    for (const r of tried) {
        const color = r.observed === "allow" ? "darkgreen" : "red";
        const style = [r.observed === "deny" ? "dashed" : "solid", r.verdict === "ok" ? "" : "bold"].filter(Boolean).join(",");
        const label = `${r.port}/${r.protocol}${r.verdict === "ok" ? "" : ` expected ${r.expect}${r.verdict === "known" ? ` (known #${r.issue})` : ""}`}`;
        lines.push(`  ${id(r.from)} -> ${id(r.to)} [color=${color}, style=${id(style)}, label=${id(label)}${r.verdict === "ok" ? "" : ", penwidth=3"}];`);
    }
    lines.push("}");
    return lines.join("\n") + "\n";
}
