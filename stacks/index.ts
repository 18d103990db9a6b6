/**
 * Pulumi entry point: config -> cluster -> enabled systems -> stack outputs.
 * The config is validated before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, loadPlatformConfig } from "../components/config";
import { skipLoadBalancerAwaits } from "./awaits";
import { clusterTarget } from "./cluster";
import { deploySystems } from "./systems";

// `isConfigSecret` is marked internal in the SDK typings but is how the runtime knows which keys were set with --secret.
const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };
const config = loadPlatformConfig(pulumi.runtime.allConfig(), (key) => runtime.isConfigSecret(key));
const stackConfig = new pulumi.Config(PROJECT);

const target = clusterTarget(config);
const withoutLoadBalancers = config.cluster.provider === "existing" && !config.cluster.loadBalancers;

const systems = deploySystems(config, {
    environment: config.environment,
    capabilities: config.crds,
    config,
    secret: (key) => stackConfig.requireSecret(key),
    irsaRoleArn: (name) => target.eks?.irsaRoleArns[name],
}, {
    providers: { kubernetes: target.provider },
    dependsOn: target.eks ? [target.eks] : [],
    transformations: withoutLoadBalancers ? [skipLoadBalancerAwaits] : [],
});

export const environment = config.environment;
export const cluster = target.outputs;
export const outputs = systems;
