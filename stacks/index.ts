/**
 * Pulumi entry point: config -> cluster -> enabled systems -> stack outputs.
 * The config is validated before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { CustomMetricsAdapter } from "agent-platform";
import { PROJECT } from "agent-platform/config";
import { loadPlatformConfig } from "./config";
import { skipLoadBalancerAwaits } from "./awaits";
import { clusterTarget, dependOnAddons } from "./cluster";
import { imageOverridesTransformation } from "./images";
import { policyGate } from "./policy-gate";
import { HpaMetricsRecorder } from "./custom-metrics";
import { DashboardRecorder } from "./dashboards";
import { deployLogging } from "./logging";
import { ExternalSecretsSync, externalValue } from "./secrets";
import { checkSystems, configSecretKeys, deploySystems } from "./systems";
import { staleBuildMessage } from "./project-root";
import { skipUnreadPromiseStacks } from "./promise-stacks";

// `pulumi up` runs build/stacks/ (Pulumi.yaml main): refuse a build older than the sources.
const stale = staleBuildMessage(__dirname);
if (stale) throw new pulumi.RunError(stale);

// Before any resource: the SDK's per-promise stack traces, which nothing reads (./promise-stacks.ts).
skipUnreadPromiseStacks();

// `isConfigSecret` is marked internal in the SDK typings but is how the runtime knows which keys were set with --secret.
const runtime = pulumi.runtime as unknown as { isConfigSecret(key: string): boolean };
/** User errors (ConfigError is a RunError) print one message; `pulumi up --debug` also logs the stack trace. */
function withDebugTrace<T>(f: () => T): T {
    try {
        return f();
    } catch (e) {
        void pulumi.log.debug(String((e as Error)?.stack ?? e));
        throw e;
    }
}

const config = withDebugTrace(() => {
    const c = loadPlatformConfig(pulumi.runtime.allConfig(), (key) => runtime.isConfigSecret(key));
    // Files and compose projects too, before the cluster or any system registers a resource.
    checkSystems(c, { environment: c.environment, capabilities: c.crds });
    return c;
});
// secrets.source externalSecrets: the declared Secret keys come from AWS Secrets Manager (stacks/secrets.ts).
const secretsSync =
    config.secrets.source === "externalSecrets"
        ? withDebugTrace(
              () =>
                  new ExternalSecretsSync(configSecretKeys(config, { environment: config.environment, capabilities: config.crds }), {
                      store: config.secrets.store,
                      prefix: config.secrets.prefix!,
                      refreshInterval: config.secrets.refreshInterval,
                      capabilities: config.crds,
                  }),
          )
        : undefined;
const stackConfig = new pulumi.Config(PROJECT);

// No bypass: every resource is judged by the pack's resource rules at the levels of
// policy/config/<environment>.json before it is registered, with or without --policy-pack.
const gate = withDebugTrace(() => policyGate(config.environment));
const target = clusterTarget(config, { transformations: [gate] });
const withoutLoadBalancers = config.cluster.provider === "existing" && !config.cluster.loadBalancers;
const imageOverrides = imageOverridesTransformation(config.images);

const hpaMetrics = new HpaMetricsRecorder();
const dashboards = new DashboardRecorder();
const systems = deploySystems(
    config,
    {
        environment: config.environment,
        capabilities: config.crds,
        config,
        secret: (key) => (secretsSync ? externalValue(key) : stackConfig.requireSecret(key)),
        irsaRoleArn: (name) => target.eks?.irsaRoleArns[name],
    },
    {
        providers: { kubernetes: target.provider },
        dependsOn: target.eks ? [target.eks] : [],
        // Objects that need a platform add-on (CRD-backed kinds, Ingresses, pods the mesh injects) wait for it.
        // The gate judges the images that are deployed, so it runs after the `images` overrides.
        transformations: [
            dependOnAddons(target.addons),
            hpaMetrics.transformation,
            dashboards.transformation,
            ...(withoutLoadBalancers ? [skipLoadBalancerAwaits] : []),
            ...(imageOverrides ? [imageOverrides] : []),
            ...(secretsSync ? [secretsSync.transformation] : []),
            gate,
        ],
    },
);
// prometheus-adapter rules + APIService serving every Pods/Object metric the HPAs declare (crds.customMetrics).
new CustomMetricsAdapter(
    "custom-metrics",
    { metrics: hpaMetrics.metrics(), capabilities: config.crds },
    {
        // The adapter's ConfigMap lives in `monitoring`, which the Prometheus Operator add-on creates on EKS.
        providers: { kubernetes: target.provider },
        dependsOn: [...(target.eks ? [target.eks] : []), ...(target.addons.prometheusOperator ?? [])],
        transformations: [gate],
    },
);
// One Grafana dashboard per system, in `monitoring` next to the Grafana sidecar that loads it, and
// one PrometheusRule per system in its namespace (the alerts its data stores, dumps and Raft call for).
dashboards.deploy(systems.outputs, systems.groups, config.crds, {
    providers: { kubernetes: target.provider },
    dependsOn: [...(target.eks ? [target.eks] : []), ...(target.addons.prometheusOperator ?? [])],
    transformations: [dependOnAddons(target.addons), gate],
});
// Container logs on an existing cluster (logging.fluentBit; on EKS the CloudWatch observability add-on ships them).
deployLogging(config, { providers: { kubernetes: target.provider }, dependsOn: target.eks ? [target.eks] : [], transformations: [gate] });
if (secretsSync && secretsSync.unmatched().length > 0)
    throw new Error(`declared config-secret Secrets no system created: ${secretsSync.unmatched().join(", ")}`);

export const environment = config.environment;
export const cluster = target.outputs;
export const outputs = systems.outputs;
/** Per system: namespace, workloads, URLs, ingress hosts, secret keys read, CRD-skipped objects, port-forward (`npm run summary`). */
export const summary = systems.summary;
