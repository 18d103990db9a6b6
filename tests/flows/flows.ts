/**
 * The connectivity matrix: every intended flow of each system and a representative set of flows
 * that must be refused, each citing the seed lines it comes from (see types.ts for the shape).
 *
 * Ports are the destination pod's ports. Cross-system denials test both isolation directions:
 * the source's egress allow-list and the destination's ingress allow-list must each refuse them,
 * but one refusal is enough for the flow to be denied, so flows from pods with open egress (the
 * stranger in `default`, the ingress controller, Prometheus) are what test ingress policies.
 */
import { NAME_LABEL } from "agent-platform";
import { AGENTS_DEBUG, CLAUDE_CODE_ACME_SOLVER, INGRESS_CONTROLLER, ISTIOD, KUBE_DNS, PROMETHEUS, STRANGER, USHADOW_ACME_SOLVER } from "./platform";
import { Expectation, ExternalTarget, Flow, FlowTarget, PodRef, PodTarget, Protocol, StackName, STACKS, SystemId, isExternal } from "./types";

/** A workload the stacks render, picked by its selector label, with the ports it serves. */
interface Workload extends PodTarget {
    ports: number[];
}

function workload(namespace: string, name: string, service: string | undefined, ports: number[]): Workload {
    return { namespace, name, podLabels: { [NAME_LABEL]: name }, ...(service ? { service } : {}), ports };
}

const INTERNET: ExternalTarget = { external: "internet" };
const KUBE_API: ExternalTarget = { external: "kube-api" };
const NODES: ExternalTarget = { external: "nodes" };
const PRIVATE_NETWORK: ExternalTarget = { external: "private-network" };

// ---- the systems' pods (namespaces and names from the seeds) ----
const MID_NS = "claude-mid-service";
const terminal = workload(MID_NS, "claude-terminal-service", "claude-terminal-service", [3000]);
const poller = workload(MID_NS, "claude-ecc-poller", undefined, []);
const mid = workload(MID_NS, "servicenow-mid-server", "servicenow-mid-server", [8080]);
/** prod's second MID server (`midServer.names[1]`), a singleton of its own. */
const mid2 = workload(MID_NS, "servicenow-mid-server-k8s-mid-prod-02", "servicenow-mid-server-k8s-mid-prod-02", [8080]);

const INQ_NS = "inquisitor-system";
const inquisitor = workload(INQ_NS, "inquisitor", "inquisitor-headless", [8000, 4321]);
const inquisitorApi = workload(INQ_NS, "inquisitor-api", "inquisitor-api", [8000]);

const CC_NS = "claude-code";
const manager = workload(CC_NS, "manager-agent", "manager-agent", [3000]);
const worker = workload(CC_NS, "worker-agent", "worker-agent", [3000]);
const gateway = workload(CC_NS, "api-gateway", "api-gateway", [3000]);
const frontend = workload(CC_NS, "dashboard-frontend", "dashboard-frontend", [6011]);
const backendCc = workload(CC_NS, "dashboard-backend", "dashboard-backend", [4005]);
const ccRedis = workload(CC_NS, "redis", "redis", [6379, 9121]);
const ccPostgres = workload(CC_NS, "postgres", "postgres", [5432, 9187]);
const pgBackup = workload(CC_NS, "postgres-backup", undefined, []);

const PA_NS = "production-agents";
const agent = workload(PA_NS, "agent-deployment", "agent-service", [8000, 9090]);
const paRedis = workload(PA_NS, "redis", "redis-service", [6379, 9121]);

const US_NS = "ushadow";
const usBackend = workload(US_NS, "backend", "backend", [8000, 8080]);
const mem0 = workload(US_NS, "mem0", "mem0", [8765]);
const mem0Ui = workload(US_NS, "mem0-ui", "mem0-ui", [3000]);
const mongo = workload(US_NS, "mongo", "mongo", [27017]);
const usRedis = workload(US_NS, "redis", "redis", [6379]);
const qdrant = workload(US_NS, "qdrant", "qdrant", [6333, 6334]);
const neo4j = workload(US_NS, "neo4j", "neo4j", [7474, 7687]);

const KS_NS = "kube-system";
const metricsServer: Workload = { ...workload(KS_NS, "metrics-server", "metrics-server", [10250]), podLabels: { "k8s-app": "metrics-server" } };
const clusterAutoscaler = workload(KS_NS, "cluster-autoscaler", undefined, [8085]);

const COMPOSE = "examples/compose/ushadow/docker-compose.yml";

// ---- builders ----
interface FlowSpec {
    from: PodRef;
    to: FlowTarget;
    port: number;
    protocol?: Protocol;
    seed: string;
    why: string;
    ref?: string;
    issue?: number;
    stacks?: readonly StackName[];
}

function endpointName(t: FlowTarget): string {
    return isExternal(t) ? t.external : `${t.namespace}/${t.name}`;
}

export function flowId(from: PodRef, to: FlowTarget, port: number, protocol: Protocol): string {
    return `${endpointName(from)} -> ${endpointName(to)}:${port}/${protocol}`;
}

/** Only the PodRef/PodTarget fields (a Workload's port list stays here). */
function target(t: FlowTarget): FlowTarget {
    if (isExternal(t)) return { external: t.external };
    return { namespace: t.namespace, name: t.name, podLabels: { ...t.podLabels }, ...(t.service ? { service: t.service } : {}) };
}

function flow(system: SystemId, expect: Expectation, s: FlowSpec): Flow {
    const protocol = s.protocol ?? "TCP";
    const { service: _, ...from } = target(s.from) as PodTarget;
    return {
        id: flowId(s.from, s.to, s.port, protocol),
        system,
        from,
        to: target(s.to),
        port: s.port,
        protocol,
        expect,
        seed: s.seed,
        why: s.why,
        ...(s.ref ? { ref: s.ref } : {}),
        ...(s.issue ? { issue: s.issue } : {}),
        stacks: s.stacks ?? STACKS,
    };
}

function system(id: SystemId) {
    return { allow: (s: FlowSpec) => flow(id, "allow", s), deny: (s: FlowSpec) => flow(id, "deny", s) };
}

/** Every pod resolves names through the cluster DNS, on UDP and TCP 53. */
function dns(id: SystemId, seed: string, why: string, pods: PodRef[], stacks: readonly StackName[] = STACKS): Flow[] {
    return pods.flatMap((from) =>
        (["UDP", "TCP"] as const).map((protocol) => flow(id, "allow", { from, to: KUBE_DNS, port: 53, protocol, seed, why, stacks })),
    );
}

/**
 * A pod with open egress in a namespace no policy names (the stranger) reaches no port of these
 * pods: every port of every workload is isolated by its namespace's default-deny and its own
 * allow-list. Flows written out by hand for the same port keep their own citation.
 */
function isolated(id: SystemId, seed: string, why: string, pods: Workload[], stacks: readonly StackName[] = STACKS): Flow[] {
    return pods.flatMap((to) =>
        to.ports.map((port) =>
            flow(id, "deny", { from: STRANGER, to: { namespace: to.namespace, name: to.name, podLabels: to.podLabels }, port, seed, why, stacks }),
        ),
    );
}

/** The hand-written flows, then the generated ones whose id no hand-written flow has. */
function merge(written: Flow[], generated: Flow[]): Flow[] {
    const ids = new Set(written.map((f) => f.id));
    return [...written, ...generated.filter((f) => !ids.has(f.id))];
}

// ---- seed 000: terminal-mid ----
const tm = system("terminal-mid");
const TERMINAL_MID: Flow[] = [
    tm.allow({ from: poller, to: terminal, port: 3000, seed: "000:488-490", why: "the seed's own network check curls the terminal from the ECC poller" }),
    tm.allow({ from: terminal, to: mid, port: 8080, seed: "000:568-572", why: "the terminal's egress names the MID server" }),
    tm.allow({ from: terminal, to: mid2, port: 8080, seed: "000:568-572", why: "the terminal's egress names every MID server", stacks: ["prod"] }),
    tm.allow({
        from: terminal,
        to: terminal,
        port: 3000,
        seed: "000:563-567",
        why: "terminal replicas admit each other (the seed's only ingress rule), so they must reach each other",
    }),
    tm.allow({ from: terminal, to: INTERNET, port: 443, seed: "000:573-577", why: "ServiceNow API over HTTPS" }),
    tm.allow({ from: mid, to: INTERNET, port: 443, seed: "000:339", why: "the MID server connects out to its ServiceNow instance" }),
    tm.allow({ from: mid2, to: INTERNET, port: 443, seed: "000:339", why: "every MID server connects out to its ServiceNow instance", stacks: ["prod"] }),
    tm.allow({ from: poller, to: INTERNET, port: 443, seed: "000:342-348", why: "the poller polls the instance's ECC queue" }),
    tm.allow({ from: terminal, to: KUBE_API, port: 443, seed: "000:524-530", why: "claude-terminal-role: get/list pods and services through the API server" }),
    ...dns("terminal-mid", "000:490", "the seed addresses the terminal by its Service name", [terminal, poller, mid]),
    ...dns("terminal-mid", "000:490", "the seed addresses the terminal by its Service name", [mid2], ["prod"]),
    tm.deny({
        from: STRANGER,
        to: terminal,
        port: 3000,
        seed: "000:563-567",
        why: "the terminal admits only its own pods (and, here, the poller and MID servers)",
    }),
    tm.deny({ from: STRANGER, to: mid, port: 8080, seed: "000:548", why: "restrict pod-to-pod communication: only the terminal calls the MID server" }),
    tm.deny({ from: poller, to: mid, port: 8080, seed: "000:568-572", why: "only the terminal's egress names the MID server" }),
    tm.deny({
        from: terminal,
        to: ccPostgres,
        port: 5432,
        seed: "000:568-577",
        why: "the terminal's egress is the MID server and HTTPS only; another system's database is neither",
    }),
    tm.deny({ from: mid, to: ccRedis, port: 6379, seed: "000:548", why: "a pod of one system never reaches another system's Redis" }),
    tm.deny({
        from: terminal,
        to: PRIVATE_NETWORK,
        port: 443,
        seed: "000:568-577",
        why: "an API-server allowance (kubeApiCidrs) must not open other private networks on 443",
        issue: 21,
    }),
    tm.deny({ from: poller, to: mongo, port: 27017, seed: "000:548", why: "a pod of one system never reaches another system's database" }),
];
const TERMINAL_MID_ISOLATION = [
    ...isolated("terminal-mid", "000:548", "restrict pod-to-pod communication: nothing outside the system calls its pods", [terminal, mid]),
    ...isolated("terminal-mid", "000:548", "restrict pod-to-pod communication: nothing outside the system calls its pods", [mid2], ["prod"]),
];

// ---- seed 001: inquisitor ----
const iq = system("inquisitor");
const INQUISITOR: Flow[] = [
    iq.allow({ from: inquisitor, to: inquisitor, port: 4321, seed: "001:275-276", why: "Raft peers talk on 4321 through inquisitor-headless" }),
    iq.allow({ from: inquisitor, to: inquisitor, port: 8000, seed: "001:430-436", why: "the namespace may call 8000 (followers forward to the leader)" }),
    iq.allow({ from: inquisitorApi, to: inquisitor, port: 8000, seed: "001:430-436", why: "the API tier (same namespace) calls the Raft members on 8000" }),
    iq.allow({
        from: PROMETHEUS,
        to: { ...inquisitor, service: "inquisitor-metrics" },
        port: 8000,
        seed: "001:296-306",
        why: "inquisitor-metrics: prometheus.io/scrape on 8000 /metrics",
    }),
    iq.allow({
        from: PROMETHEUS,
        to: inquisitorApi,
        port: 8000,
        seed: "001:289",
        why: "the API tier exposes the same /metrics (ServiceMonitor inquisitor-api)",
    }),
    iq.allow({
        from: inquisitor,
        to: KUBE_API,
        port: 443,
        seed: "001:391-395",
        why: "inquisitor-role: get/list/watch configmaps and secrets through the API server",
    }),
    ...dns("inquisitor", "001:440-446", "the seed's only egress rule is DNS", [inquisitor, inquisitorApi]),
    iq.deny({ from: STRANGER, to: inquisitor, port: 8000, seed: "001:430-436", why: "8000 is admitted from namespace inquisitor-system only" }),
    iq.deny({ from: STRANGER, to: inquisitor, port: 4321, seed: "001:430-438", why: "Raft 4321 is admitted from namespace inquisitor-system only" }),
    iq.deny({
        from: INGRESS_CONTROLLER,
        to: inquisitor,
        port: 8000,
        seed: "001:430-436",
        why: "no Ingress routes to inquisitor (its LoadBalancer Service is the way in); 8000 is admitted from the namespace only",
    }),
    iq.deny({ from: STRANGER, to: inquisitorApi, port: 8000, seed: "001:430-436", why: "the API tier is admitted from the namespace only" }),
    iq.deny({ from: inquisitor, to: INTERNET, port: 443, seed: "001:439-446", why: "egress is DNS only" }),
    iq.deny({
        from: inquisitor,
        to: STRANGER,
        port: 443,
        seed: "001:439-446",
        why: "egress is DNS only: an API-server allowance must not open every in-cluster HTTPS endpoint",
    }),
    iq.deny({ from: inquisitorApi, to: ccRedis, port: 6379, seed: "001:439-446", why: "a pod of one system never reaches another system's Redis" }),
    iq.deny({ from: worker, to: inquisitor, port: 8000, seed: "001:430-436", why: "another namespace's pods are not admitted" }),
];
const INQUISITOR_ISOLATION = isolated("inquisitor", "001:430-438", "ingress is admitted from namespace inquisitor-system only", [inquisitor, inquisitorApi]);

// ---- seed 002: claude-code ----
const cc = system("claude-code");
const CLAUDE_CODE: Flow[] = [
    cc.allow({ from: manager, to: worker, port: 3000, seed: "002:291-300", why: "the worker admits the manager on 3000" }),
    cc.allow({ from: gateway, to: worker, port: 3000, seed: "002:295-300", why: "the worker admits the api-gateway on 3000" }),
    cc.allow({ from: worker, to: ccRedis, port: 6379, seed: "002:302-308", why: "the worker's egress to Redis" }),
    cc.allow({ from: worker, to: INTERNET, port: 443, seed: "002:309-312", why: "HTTPS for the Claude API" }),
    cc.allow({ from: manager, to: ccRedis, port: 6379, seed: "002:146-150", why: "the manager reads REDIS_URL (session store)" }),
    cc.allow({ from: manager, to: ccPostgres, port: 5432, seed: "002:27", why: "postgres persists tasks, which the manager owns" }),
    cc.allow({ from: manager, to: INTERNET, port: 443, seed: "002:187-190", why: "the manager runs its own model (opus) through the Claude API" }),
    cc.allow({
        from: manager,
        to: KUBE_API,
        port: 443,
        seed: "002:555-578",
        why: "claude-code-role, bound to the manager's claude-code-sa, works through the API server",
        issue: 21,
    }),
    cc.allow({
        from: INGRESS_CONTROLLER,
        to: frontend,
        port: 6011,
        seed: "002:333-341",
        why: "dashboard-ingress routes / to dashboard-frontend (container port 6011)",
    }),
    cc.allow({ from: INGRESS_CONTROLLER, to: backendCc, port: 4005, seed: "002:343-349", why: "dashboard-ingress routes /api to dashboard-backend:4005" }),
    cc.allow({ from: PROMETHEUS, to: manager, port: 3000, seed: "002:390-401", why: "ServiceMonitor agent-metrics scrapes the manager" }),
    cc.allow({ from: PROMETHEUS, to: worker, port: 3000, seed: "002:390-401", why: "ServiceMonitor agent-metrics scrapes every agent Service" }),
    cc.allow({ from: PROMETHEUS, to: { ...ccRedis, service: "redis-metrics" }, port: 9121, seed: "002:28", why: "monitoring: the Redis exporter's metrics" }),
    cc.allow({
        from: PROMETHEUS,
        to: { ...ccPostgres, service: "postgres-metrics" },
        port: 9187,
        seed: "002:28",
        why: "monitoring: the Postgres exporter's metrics",
    }),
    cc.allow({
        from: INGRESS_CONTROLLER,
        to: CLAUDE_CODE_ACME_SOLVER,
        port: 8089,
        seed: "002:325",
        why: "cert-manager's letsencrypt-prod issues dashboard-tls through an HTTP-01 solver in claude-code",
        issue: 21,
    }),
    cc.allow({ from: pgBackup, to: ccPostgres, port: 5432, seed: "002:667", why: "pg_dump $DATABASE_URL" }),
    cc.allow({
        from: pgBackup,
        to: INTERNET,
        port: 443,
        seed: "002:668",
        why: "aws s3 cp to s3://claude-code-backups/ (prod; dev keeps dumps on a PVC)",
        stacks: ["prod"],
    }),
    cc.allow({
        from: manager,
        to: ISTIOD,
        port: 15012,
        seed: "002:11",
        why: "Istio service mesh: sidecars fetch config and certificates from istiod",
        stacks: ["prod"],
    }),
    ...dns("claude-code", "002:146-150", "services are addressed by name (REDIS_URL, DATABASE_URL)", [
        manager,
        worker,
        gateway,
        frontend,
        backendCc,
        ccRedis,
        ccPostgres,
        pgBackup,
    ]),
    cc.deny({ from: worker, to: ccPostgres, port: 5432, seed: "002:302-312", why: "the worker's egress is Redis and HTTPS only" }),
    cc.deny({
        from: worker,
        to: KUBE_API,
        port: 443,
        seed: "002:572-574",
        why: "claude-code-role is bound to the manager's claude-code-sa only; the worker has no API-server business",
        issue: 21,
    }),
    cc.deny({ from: worker, to: manager, port: 3000, seed: "002:302-312", why: "the worker's egress is Redis and HTTPS only" }),
    cc.deny({ from: frontend, to: ccPostgres, port: 5432, seed: "002:29-31", why: "network policies: the static frontend reaches no database" }),
    cc.deny({ from: frontend, to: ccRedis, port: 6379, seed: "002:29-31", why: "network policies: the static frontend reaches no session store" }),
    cc.deny({ from: STRANGER, to: worker, port: 3000, seed: "002:290-300", why: "the worker admits the manager and the api-gateway only" }),
    cc.deny({ from: STRANGER, to: manager, port: 3000, seed: "002:29-31", why: "network policies: no pod outside the system calls the manager" }),
    cc.deny({ from: STRANGER, to: ccRedis, port: 6379, seed: "002:302-308", why: "Redis is reached by the system's agents only" }),
    cc.deny({ from: STRANGER, to: ccPostgres, port: 5432, seed: "002:29-31", why: "network policies: no pod outside the system reaches the database" }),
    cc.deny({
        from: INGRESS_CONTROLLER,
        to: ccRedis,
        port: 6379,
        seed: "002:333-349",
        why: "the ingress routes to the dashboard only; the internet-facing side reaches no data store",
    }),
    cc.deny({ from: INGRESS_CONTROLLER, to: manager, port: 3000, seed: "002:333-349", why: "the ingress routes to the dashboard only" }),
    cc.deny({
        from: INGRESS_CONTROLLER,
        to: ccPostgres,
        port: 5432,
        seed: "002:333-349",
        why: "the ingress routes to the dashboard only; the internet-facing side reaches no data store",
    }),
    cc.deny({ from: PROMETHEUS, to: ccPostgres, port: 5432, seed: "002:393-401", why: "monitoring scrapes metrics endpoints, not the database port" }),
    cc.deny({ from: ccPostgres, to: INTERNET, port: 443, seed: "002:29-31", why: "the database has no egress of its own" }),
    cc.deny({ from: usBackend, to: ccRedis, port: 6379, seed: "002:302-308", why: "a ushadow pod reaches nothing in claude-code" }),
    cc.deny({ from: usBackend, to: ccPostgres, port: 5432, seed: "002:29-31", why: "a ushadow pod reaches nothing in claude-code" }),
    cc.deny({ from: usBackend, to: manager, port: 3000, seed: "002:29-31", why: "a ushadow pod reaches nothing in claude-code" }),
    cc.deny({ from: usBackend, to: worker, port: 3000, seed: "002:290-300", why: "a ushadow pod reaches nothing in claude-code" }),
    cc.deny({
        from: mem0Ui,
        to: frontend,
        port: 6011,
        seed: "002:333-341",
        why: "a ushadow pod reaches nothing in claude-code (the dashboard is admitted from the ingress controller only)",
    }),
];
const CLAUDE_CODE_ISOLATION = isolated("claude-code", "002:29-31", "network policies: nothing outside the system calls its pods", [
    manager,
    worker,
    gateway,
    frontend,
    backendCc,
    ccRedis,
    ccPostgres,
]);

// ---- seed 003: production-agents ----
const pa = system("production-agents");
const PRODUCTION_AGENTS: Flow[] = [
    pa.allow({ from: agent, to: paRedis, port: 6379, seed: "003:356-358", why: "nc -zv redis-service 6379 from the agent pod; agents talk to Redis (435)" }),
    pa.allow({ from: agent, to: INTERNET, port: 443, seed: "003:435", why: "agents talk to external APIs" }),
    pa.allow({ from: PROMETHEUS, to: agent, port: 9090, seed: "003:437", why: "Prometheus scrapes the metrics endpoint" }),
    pa.allow({ from: PROMETHEUS, to: { ...paRedis, service: "redis-metrics" }, port: 9121, seed: "003:437", why: "Prometheus scrapes the Redis exporter" }),
    ...dns("production-agents", "003:358", "the agent reaches redis-service by name", [agent, paRedis]),
    pa.deny({ from: AGENTS_DEBUG, to: paRedis, port: 6379, seed: "003:436", why: "Redis receives connections from the agent only" }),
    pa.deny({ from: STRANGER, to: paRedis, port: 6379, seed: "003:436", why: "Redis receives connections from the agent only" }),
    pa.deny({ from: STRANGER, to: agent, port: 8000, seed: "003:432-437", why: "network segmentation: the agent is called from its namespace" }),
    pa.deny({
        from: INGRESS_CONTROLLER,
        to: paRedis,
        port: 6379,
        seed: "003:436",
        why: "Redis receives connections from the agent only; the internet-facing side reaches no data store",
    }),
    pa.deny({
        from: PROMETHEUS,
        to: paRedis,
        port: 6379,
        seed: "003:436-437",
        why: "Prometheus scrapes metrics endpoints; Redis itself admits the agent only",
    }),
    pa.deny({ from: agent, to: ccRedis, port: 6379, seed: "003:435", why: "the agent talks to its own Redis and external APIs only" }),
    pa.deny({ from: agent, to: mongo, port: 27017, seed: "003:435", why: "the agent talks to its own Redis and external APIs only" }),
    pa.deny({ from: paRedis, to: INTERNET, port: 443, seed: "003:435-436", why: "Redis has no egress of its own" }),
    pa.deny({ from: usBackend, to: paRedis, port: 6379, seed: "003:436", why: "a pod of one system never reaches another system's Redis" }),
    pa.deny({ from: worker, to: paRedis, port: 6379, seed: "003:436", why: "a pod of one system never reaches another system's Redis" }),
];
const PRODUCTION_AGENTS_ISOLATION = isolated("production-agents", "003:432-437", "secure network segmentation: nothing outside the system calls its pods", [
    agent,
    paRedis,
]);

// ---- seed 004: ushadow (services from the Compose file) ----
const us = system("ushadow");
const USHADOW: Flow[] = [
    us.allow({ from: INGRESS_CONTROLLER, to: mem0Ui, port: 3000, seed: "004:63", why: "the generated Ingress exposes the memory UI", ref: `${COMPOSE}:81` }),
    us.allow({
        from: INGRESS_CONTROLLER,
        to: usBackend,
        port: 8000,
        seed: "004:14-18",
        why: "the React frontend calls the FastAPI backend over its HTTPS API",
        issue: 21,
    }),
    us.allow({
        from: INGRESS_CONTROLLER,
        to: mem0,
        port: 8765,
        seed: "004:240",
        why: "mem0-ui calls the mem0 API from the browser (NEXT_PUBLIC_API_URL), so the UI's public host must route to mem0",
        ref: `${COMPOSE}:78`,
        issue: 21,
    }),
    us.allow({
        from: INGRESS_CONTROLLER,
        to: USHADOW_ACME_SOLVER,
        port: 8089,
        seed: "004:180",
        why: "the UI's TLS certificate is issued through cert-manager's HTTP-01 solver in ushadow",
        ref: `${COMPOSE}:82`,
        issue: 21,
    }),
    us.allow({ from: usBackend, to: mongo, port: 27017, seed: "004:155-157", why: "mongo.ushadow.svc.cluster.local:27017", ref: `${COMPOSE}:20` }),
    us.allow({ from: usBackend, to: usRedis, port: 6379, seed: "004:127", why: "the backend uses redis", ref: `${COMPOSE}:21` }),
    us.allow({ from: usBackend, to: qdrant, port: 6333, seed: "004:129", why: "the backend uses qdrant", ref: `${COMPOSE}:22` }),
    us.allow({ from: usBackend, to: neo4j, port: 7687, seed: "004:130", why: "the backend uses neo4j (bolt)", ref: `${COMPOSE}:23` }),
    us.allow({
        from: usBackend,
        to: mem0,
        port: 8765,
        seed: "004:20",
        why: "compose_registry's service definitions: the backend calls mem0",
        ref: `${COMPOSE}:26`,
    }),
    us.allow({ from: usBackend, to: INTERNET, port: 443, seed: "004:80", why: "API keys (OPENAI/ANTHROPIC) for external model APIs", ref: `${COMPOSE}:27-28` }),
    us.allow({ from: mem0, to: qdrant, port: 6333, seed: "004:129", why: "mem0 stores vectors in qdrant", ref: `${COMPOSE}:65-66` }),
    us.allow({ from: mem0, to: neo4j, port: 7687, seed: "004:130", why: "mem0 stores its graph in neo4j", ref: `${COMPOSE}:67` }),
    us.allow({
        from: PROMETHEUS,
        to: usBackend,
        port: 8000,
        seed: "003:437",
        why: "Prometheus scrapes every workload with a ServiceMonitor (ServiceMonitor backend)",
        issue: 21,
    }),
    us.allow({
        from: PROMETHEUS,
        to: mem0,
        port: 8765,
        seed: "003:437",
        why: "Prometheus scrapes every workload with a ServiceMonitor (ServiceMonitor mem0)",
        issue: 21,
    }),
    us.allow({
        from: PROMETHEUS,
        to: qdrant,
        port: 6333,
        seed: "003:437",
        why: "Prometheus scrapes every workload with a ServiceMonitor (ServiceMonitor qdrant)",
        issue: 21,
    }),
    ...dns("ushadow", "004:136", "services are addressed as {service}.{namespace}.svc.cluster.local", [usBackend, mem0, mem0Ui, mongo, usRedis, qdrant, neo4j]),
    us.deny({ from: STRANGER, to: mongo, port: 27017, seed: "004:125-130", why: "the infrastructure services are the namespace's own" }),
    us.deny({ from: STRANGER, to: usRedis, port: 6379, seed: "004:125-130", why: "the infrastructure services are the namespace's own" }),
    us.deny({ from: mem0Ui, to: mongo, port: 27017, seed: "004:63", why: "the UI talks to mem0, never to the databases", ref: `${COMPOSE}:83` }),
    us.deny({ from: INGRESS_CONTROLLER, to: usRedis, port: 6379, seed: "004:63", why: "the internet-facing side reaches the exposed UI only" }),
    us.deny({ from: INGRESS_CONTROLLER, to: mongo, port: 27017, seed: "004:63", why: "the internet-facing side reaches the exposed UI only" }),
    us.deny({ from: mongo, to: INTERNET, port: 443, seed: "004:125-130", why: "a database has no egress of its own" }),
    us.deny({ from: manager, to: usRedis, port: 6379, seed: "004:125-130", why: "a pod of one system never reaches another system's Redis" }),
];
const USHADOW_ISOLATION = isolated(
    "ushadow",
    "004:25-29",
    "the namespace's services are reached by its own pods (and the exposed UI by the ingress controller) only",
    [usBackend, mem0, mem0Ui, mongo, usRedis, qdrant, neo4j],
);

// ---- cluster add-ons the prod stack deploys (seed 002 cluster autoscaler, seed 003 metrics server) ----
const pl = system("platform");
const PLATFORM: Flow[] = [
    pl.allow({
        from: clusterAutoscaler,
        to: KUBE_API,
        port: 443,
        seed: "002:101-104",
        why: "the autoscaler watches pods and nodes",
        issue: 21,
        stacks: ["prod"],
    }),
    pl.allow({
        from: clusterAutoscaler,
        to: INTERNET,
        port: 443,
        seed: "002:101-104",
        why: "Auto Scaling, EC2 and EKS APIs through the NAT gateways",
        issue: 21,
        stacks: ["prod"],
    }),
    pl.allow({
        from: PROMETHEUS,
        to: clusterAutoscaler,
        port: 8085,
        seed: "002:101-104",
        why: "Prometheus scrapes the autoscaler's metrics",
        issue: 21,
        stacks: ["prod"],
    }),
    pl.allow({ from: metricsServer, to: NODES, port: 10250, seed: "003:25", why: "metrics-server scrapes every kubelet", issue: 21, stacks: ["prod"] }),
    pl.allow({
        from: metricsServer,
        to: KUBE_API,
        port: 443,
        seed: "003:25",
        why: "metrics-server lists nodes and authenticates its callers",
        issue: 21,
        stacks: ["prod"],
    }),
    ...dns("platform", "003:25", "the add-ons resolve the API and AWS endpoints by name", [clusterAutoscaler, metricsServer], ["prod"]),
    pl.deny({
        from: clusterAutoscaler,
        to: PRIVATE_NETWORK,
        port: 443,
        seed: "002:101-104",
        why: "its AWS egress is the internet, not other private networks",
        issue: 21,
        stacks: ["prod"],
    }),
    pl.deny({
        from: STRANGER,
        to: metricsServer,
        port: 10250,
        seed: "003:25",
        why: "the metrics server is called by the API server only",
        issue: 21,
        stacks: ["prod"],
    }),
    pl.deny({
        from: INGRESS_CONTROLLER,
        to: metricsServer,
        port: 10250,
        seed: "003:25",
        why: "the internet-facing side never reaches the metrics server",
        issue: 21,
        stacks: ["prod"],
    }),
    pl.deny({
        from: STRANGER,
        to: clusterAutoscaler,
        port: 8085,
        seed: "002:101-104",
        why: "the cluster autoscaler admits only its scraper",
        issue: 21,
        stacks: ["prod"],
    }),
    pl.deny({
        from: INGRESS_CONTROLLER,
        to: clusterAutoscaler,
        port: 8085,
        seed: "002:101-104",
        why: "the internet-facing side never reaches the cluster autoscaler",
        issue: 21,
        stacks: ["prod"],
    }),
];

/** Every flow of every system. */
export const FLOWS: readonly Flow[] = merge(
    [...TERMINAL_MID, ...INQUISITOR, ...CLAUDE_CODE, ...PRODUCTION_AGENTS, ...USHADOW, ...PLATFORM],
    [...TERMINAL_MID_ISOLATION, ...INQUISITOR_ISOLATION, ...CLAUDE_CODE_ISOLATION, ...PRODUCTION_AGENTS_ISOLATION, ...USHADOW_ISOLATION],
);

/** The flows whose both ends a stack renders. */
export function flowsFor(stack: StackName): Flow[] {
    return FLOWS.filter((f) => f.stacks.includes(stack));
}
