/**
 * seed 002's network: every flow of the namespace declared once, and the ports the mesh leaves
 * in plaintext for the un-meshed callers.
 */
import {
    DEFAULT_METRICS_SCRAPER,
    INTERNET_HTTPS,
    TrafficRule,
    POSTGRES_PORT,
    PostgresArgs,
    postgresIngress,
    REDIS_PORT,
    RedisArgs,
    redisNetworkRules,
    PlaintextPorts,
    unmeshedIngressPorts,
    TrafficGraph,
    ingressControllerPeer,
} from "agent-platform";
import { AGENT_PORT, BACKEND, BACKEND_PORT, FRONTEND, FRONTEND_PORT, GATEWAY, MANAGER, POSTGRES, PROMETHEUS, REDIS, WORKER } from "./seed";

/**
 * Every flow of the namespace, once: callers' egress and callees' ingress (and the data stores'
 * clients) follow from it. seed 002 agent-network-policy: the worker admits the manager and the
 * gateway on 3000 and reaches Redis and 443.
 */
export function claudeCodeTraffic(kubeApi: Required<Pick<TrafficRule, "peers" | "ports">>): TrafficGraph {
    const internet = INTERNET_HTTPS.peers[0];
    return (
        new TrafficGraph()
            .allow(MANAGER, WORKER, AGENT_PORT)
            .allow(MANAGER, REDIS, REDIS_PORT)
            .allow(MANAGER, POSTGRES, POSTGRES_PORT)
            .allow(MANAGER, internet, 443)
            // seed 002 claude-code-role (bound to the manager's claude-code-sa) is used through the API server.
            .allow(MANAGER, kubeApi.peers, kubeApi.ports)
            .allow(WORKER, REDIS, REDIS_PORT)
            .allow(WORKER, internet, 443)
            .allow(GATEWAY, [MANAGER, WORKER], AGENT_PORT)
            .allow(GATEWAY, REDIS, REDIS_PORT)
            .allow(GATEWAY, POSTGRES, POSTGRES_PORT)
            .allow(BACKEND, [MANAGER, GATEWAY], AGENT_PORT)
            .allow(BACKEND, REDIS, REDIS_PORT)
            .allow(BACKEND, POSTGRES, POSTGRES_PORT)
            .allow(ingressControllerPeer(), FRONTEND, FRONTEND_PORT)
            .allow(ingressControllerPeer(), BACKEND, BACKEND_PORT)
            .allow(PROMETHEUS, [MANAGER, WORKER, GATEWAY], AGENT_PORT)
            .allow(PROMETHEUS, BACKEND, BACKEND_PORT)
    );
}

/**
 * Under STRICT mTLS, the ports the un-meshed ingress controller and Prometheus reach (the
 * Ingress backends, the agents' and the dashboard backend's /metrics, the Redis/Postgres
 * exporters): port-level PERMISSIVE there, from the same rules the NetworkPolicies use.
 */
export function claudeCodePlaintextPorts(flows: TrafficGraph, data: { redis: RedisArgs; postgres: PostgresArgs }): PlaintextPorts[] {
    const ingress = {
        ...Object.fromEntries([MANAGER, WORKER, GATEWAY, FRONTEND, BACKEND].map((w) => [w, flows.ingressOf(w)])),
        [REDIS]: redisNetworkRules(data.redis, REDIS).ingress,
        [POSTGRES]: postgresIngress(data.postgres, undefined),
    };
    return unmeshedIngressPorts(ingress, [ingressControllerPeer(), PROMETHEUS, DEFAULT_METRICS_SCRAPER]);
}
