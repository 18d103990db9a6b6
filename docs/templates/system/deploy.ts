/**
 * TEMPLATE: copy to stacks/systems/<name>/deploy.ts (see CONTRIBUTING.md). Deploys one system from its
 * config section, with components only: never a raw Kubernetes or AWS resource, never config reads.
 */
import { EchoConfig } from "./config";
import { AgentService, AgentServiceArgs, agentServiceFootprint, ConfigBundle, PlatformNamespace, TrafficGraph } from "../../../components/kube";
import { environmentDefaults, SystemContext, SystemOutputs } from "../types";

// Names other services, runbooks and DNS depend on: explicit and stable.
export const NAMESPACE = "echo";
export const AGENT = "echo-agent";
export const AGENT_PORT = 8080;
const SECRETS = "echo-secrets";
const PART_OF = "echo";

/** Every flow of the namespace, declared once: both NetworkPolicy sides are written from it. */
export function echoTraffic(): TrafficGraph {
    return new TrafficGraph().allow({ namespace: NAMESPACE }, AGENT, AGENT_PORT);
}

/** The AgentService args (pure: what the tests read is what is deployed). */
export function agentArgs(c: EchoConfig, ctx: Pick<SystemContext, "environment" | "capabilities">): AgentServiceArgs {
    const env = environmentDefaults(ctx.environment);
    const flows = echoTraffic();
    return {
        namespace: NAMESPACE,
        name: AGENT,
        partOf: PART_OF,
        image: c.image,
        replicas: c.replicas,
        ports: [{ name: "http", containerPort: AGENT_PORT }],
        service: { name: AGENT },
        secretEnv: { ECHO_API_KEY: { secret: SECRETS, key: "api-key" } },
        resources: c.resources,
        probes: { liveness: { path: "/health", port: "http" }, readiness: { path: "/ready", port: "http" } },
        placement: { spreadAcrossZones: env.spreadAcrossZones },
        network: { ingress: flows.ingressOf(AGENT), egress: flows.egressOf(AGENT) },
        capabilities: ctx.capabilities,
    };
}

export function deployEcho(c: EchoConfig, ctx: SystemContext): SystemOutputs {
    const env = environmentDefaults(ctx.environment);
    const args = agentArgs(c, ctx);
    // The quota is summed from what the components report at maximum scale: no arithmetic here.
    const ns = new PlatformNamespace(
        "echo",
        {
            name: NAMESPACE,
            partOf: PART_OF,
            podSecurity: { level: "restricted", enforce: env.enforcePodSecurity },
            quota: { name: "echo-quota", footprints: [agentServiceFootprint(args)] },
        },
        { parent: ctx.parent },
    );
    const secrets = new ConfigBundle(
        "echo-secrets",
        { namespace: NAMESPACE, partOf: PART_OF, secret: { name: SECRETS, data: { "api-key": ctx.secret("echoApiKey") } } },
        { parent: ctx.parent, dependsOn: [ns] },
    );
    const agent = new AgentService("echo-agent", args, { parent: ctx.parent, dependsOn: [ns, secrets] });
    return { namespace: NAMESPACE, services: { [AGENT]: agent.url! } };
}
