/**
 * The package schema (issue 14, item 4): what `pulumi package get-schema components` gives Python,
 * Go, C# and YAML programs, computed in process the way the command does it for a Node.js source
 * package. The component provider requires the package's main entry and takes every component
 * among its exports (EksCluster and IrsaRole are lazy getters there); Pulumi's analyzer then reads
 * their TypeScript from the entry point. One analysis for the whole package: a component it cannot
 * infer fails every test here, and the CLI's own get-schema runs in the e2e tier
 * (tests/e2e/package-plugin.e2e.ts).
 */
import { strict as assert } from "assert";
import * as path from "path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { EKS_COMPONENT_NAMES } from "../../../components/aws/lazy";
import { componentClasses } from "../../helpers/component-classes";

const COMPONENTS = path.resolve(__dirname, "../../../components");
interface SchemaProperty {
    type?: string;
    $ref?: string;
    description?: string;
    plain?: boolean;
    optional?: boolean;
    items?: SchemaProperty;
    additionalProperties?: SchemaProperty;
}
interface SchemaObject {
    type: string;
    properties?: Record<string, SchemaProperty>;
    enum?: { name: string; value: string }[];
    description?: string;
}
interface Schema {
    name: string;
    resources: Record<string, { isComponent: boolean; inputProperties: Record<string, SchemaProperty>; properties: Record<string, SchemaProperty> }>;
    types: Record<string, SchemaObject>;
    dependencies?: unknown[];
}

describe("the package schema", function () {
    this.timeout(300_000);
    let schema: Schema;

    let exported: string[];
    const token = (name: string) => `agent-platform:index:${name}`;
    const enumValues = (name: string) => schema.types[token(name)]?.enum?.map((e) => e.value);

    before(async function () {
        // The entry's source (components/dist, the packed build, may be being rebuilt by the pack test).
        const entry = require(path.join(COMPONENTS, "index.ts")) as Record<string, unknown>;
        exported = componentClasses(entry);
        const components = getPulumiComponents(entry);
        const provider = new ComponentProvider({ components, dirname: COMPONENTS, name: "agent-platform" });
        schema = JSON.parse(await provider.getSchema()) as Schema;
    });

    it("lists every component the main entry exports, as an agent-platform:index component, needing only the Kubernetes package's schema", () => {
        for (const name of [
            ...EKS_COMPONENT_NAMES,
            "PlatformNamespace",
            "AgentService",
            "SingletonWorker",
            "Redis",
            "Postgres",
            "RaftCluster",
            "ComposeApp",
            "EbsStorageClass",
            "FluentBit",
        ]) {
            assert.ok(exported.includes(name), `the main entry does not export ${name}`);
        }
        assert.deepEqual(
            Object.keys(schema.resources).sort(),
            exported.map((n) => `agent-platform:index:${n}`),
        );
        for (const r of Object.values(schema.resources)) assert.equal(r.isComponent, true);
        // Outputs such as PlatformNamespace.namespace and AgentService.deployment are typed Kubernetes
        // resources; nothing refers to an AWS resource (e.g. an aws.eks.Cluster), so other
        // languages need no AWS SDK.
        assert.deepEqual(
            (schema.dependencies as { name: string }[] | undefined)?.map((d) => d.name),
            ["kubernetes"],
        );
    });

    it("takes the namespace as an Input (a PlatformNamespace's name Output) wherever a workload or data store goes", () => {
        for (const name of [
            "AgentService",
            "SingletonWorker",
            "Redis",
            "Postgres",
            "RaftCluster",
            "ServiceEndpoint",
            "MetricsService",
            "WebIngress",
            "MeshPolicy",
            "ConfigBundle",
            "MonitoringRules",
            "IrsaRole",
        ]) {
            const ns = schema.resources[token(name)]!.inputProperties.namespace;
            assert.equal(ns?.type, "string", `${name}.namespace`);
            assert.notEqual(ns?.plain, true, `${name}.namespace is plain`);
        }
    });

    it("documents every input and every field of every args type", () => {
        const undocumented: string[] = [];
        for (const [token, r] of Object.entries(schema.resources)) {
            for (const [k, p] of Object.entries(r.inputProperties)) if (!p.description) undocumented.push(`${token}.${k}`);
        }
        for (const [token, t] of Object.entries(schema.types)) {
            for (const [k, p] of Object.entries(t.properties ?? {})) if (!p.description) undocumented.push(`${token}.${k}`);
        }
        assert.deepEqual(undocumented, []);
    });

    it("EKS: turns the closed value sets into enums with every value", () => {
        const values = (name: string) => schema.types[`agent-platform:index:${name}`]?.enum?.map((e) => e.value);
        assert.deepEqual(values("NatGatewayStrategy"), ["single", "onePerAz"]);
        assert.deepEqual(values("CapacityType"), ["ON_DEMAND", "SPOT"]);
        assert.deepEqual(values("EksEnvironment"), ["dev", "prod"]);
        assert.deepEqual(values("AddonMode"), ["install", "external"]);
        assert.equal(values("EfsTransitionToIa")?.length, 9);
        const group = schema.types["agent-platform:index:NodeGroupArgs"]?.properties;
        assert.equal(group?.capacityType?.$ref, "#/types/agent-platform:index:CapacityType");
    });

    it("EKS: takes Outputs for the existing VPC's ids, the admin principals and the IRSA policy ARNs", () => {
        const existing = schema.types["agent-platform:index:VpcExistingArgs"]?.properties ?? {};
        assert.notEqual(existing.vpcId?.plain, true, "vpcId is plain");
        assert.notEqual(existing.privateSubnetIds?.items?.plain, true, "subnet ids are plain");
        const eks = schema.resources["agent-platform:index:EksCluster"]!.inputProperties;
        assert.notEqual(eks.adminPrincipals?.items?.plain, true, "adminPrincipals items are plain");
        const spec = schema.types["agent-platform:index:IrsaRoleSpec"]?.properties ?? {};
        assert.notEqual(spec.policyArns?.items?.plain, true, "policyArns items are plain");
    });

    it("EKS: outputs what another language needs to reach the cluster: kubeconfig, names, ARNs and ids", () => {
        const outputs = Object.keys(schema.resources["agent-platform:index:EksCluster"]!.properties);
        for (const o of ["kubeconfig", "clusterName", "endpoint", "oidcProviderArn", "vpcId", "privateSubnetIds", "nodeGroupNames", "irsaRoleArns"]) {
            assert.ok(outputs.includes(o), `missing output ${o}`);
        }
        for (const tsOnly of ["settings", "cluster", "provider", "addons", "nodeGroups", "buckets", "partition", "baseName"]) {
            assert.ok(!outputs.includes(tsOnly), `${tsOnly} is a schema output`);
        }
        assert.deepEqual(Object.keys(schema.resources["agent-platform:index:IrsaRole"]!.properties).sort(), ["roleArn", "serviceAccountAnnotations"]);
    });

    it("splits number and name ports, and turns X | false into named types with an enabled flag", () => {
        const props = (type: string) => schema.types[token(type)]?.properties ?? {};
        assert.equal(props("EndpointPortSpec").targetPort?.type, "number");
        assert.equal(props("EndpointPortSpec").targetPortName?.type, "string");
        assert.equal(schema.resources[token("MetricsService")]!.inputProperties.targetPortName?.type, "string");
        assert.equal(props("IngressRoute").port?.type, "number");
        assert.equal(props("IngressRoute").portName?.type, "string");
        assert.equal(props("IngressTls").enabled?.type, "boolean");
        assert.equal(props("MetricsServiceMonitor").enabled?.type, "boolean");
        assert.equal(props("DashboardInput").workloads?.items?.$ref, `#/types/${token("DashboardWorkload")}`);
    });

    it("Kubernetes components: turns the closed value sets into enums with every value", () => {
        const values = (name: string) => schema.types[token(name)]?.enum?.map((e) => e.value);
        assert.deepEqual(values("ServiceType"), ["ClusterIP", "NodePort", "LoadBalancer"]);
        assert.deepEqual(values("PathType"), ["Prefix", "Exact", "ImplementationSpecific"]);
        assert.deepEqual(values("WorkloadKind"), ["Deployment", "StatefulSet"]);
        assert.deepEqual(values("ExporterKind"), ["redis", "postgres"]);
        assert.deepEqual(values("AppMetricType"), ["counter", "gauge", "histogram"]);
    });

    it("takes the MonitoringRules options known only later, and the dashboard input, as Inputs", () => {
        const rules = schema.resources[token("MonitoringRules")]!.inputProperties;
        assert.equal(rules.resolvedOptions?.$ref, `#/types/${token("AlertOptions")}`);
        assert.notEqual(rules.resolvedOptions?.plain, true, "resolvedOptions is plain");
        assert.notEqual(schema.resources[token("SystemDashboard")]!.inputProperties.input?.plain, true, "input is plain");
    });

    it("EbsStorageClass: the reclaim policy and binding mode are enums, the KMS key takes an Output", () => {
        const inputs = schema.resources[token("EbsStorageClass")]!.inputProperties;
        assert.equal(inputs.reclaimPolicy?.$ref, `#/types/${token("ReclaimPolicy")}`);
        assert.deepEqual(enumValues("ReclaimPolicy"), ["Retain", "Delete"]);
        assert.deepEqual(enumValues("VolumeBindingMode"), ["WaitForFirstConsumer", "Immediate"]);
        assert.deepEqual(enumValues("EbsVolumeType"), ["gp3", "gp2", "io1", "io2", "st1", "sc1"]);
        assert.notEqual((inputs.kmsKeyId as { plain?: boolean }).plain, true);
        assert.deepEqual(Object.keys(schema.resources[token("EbsStorageClass")]!.properties), ["storageClassName"]);
    });

    it("ComposeApp: infrastructure is one field per kind, the options are named types, the handles stay TypeScript-only", () => {
        const inputs = schema.resources[token("ComposeApp")]!.inputProperties;
        assert.equal(inputs.infrastructure?.$ref, `#/types/${token("DiscoveredInfrastructure")}`);
        assert.deepEqual(Object.keys(schema.types[token("DiscoveredInfrastructure")]!.properties ?? {}).sort(), [
            "mongo",
            "neo4j",
            "postgres",
            "qdrant",
            "redis",
        ]);
        assert.deepEqual(enumValues("InfraKind")?.sort(), ["mongo", "neo4j", "postgres", "qdrant", "redis"]);
        assert.deepEqual(enumValues("BindMountMode"), ["reject", "emptyDir"]);
        assert.equal(inputs.services?.additionalProperties?.$ref, `#/types/${token("ServiceDeploymentSpec")}`);
        assert.equal(inputs.volumes?.additionalProperties?.$ref, `#/types/${token("ComposeVolumeSpec")}`);
        const security = Object.keys(schema.types[token("ServiceSecuritySpec")]!.properties ?? {});
        for (const flag of ["keepImageUser", "keepImageGroup", "noFsGroup"]) assert.ok(security.includes(flag), flag);
        assert.deepEqual(Object.keys(schema.resources[token("ComposeApp")]!.properties).sort(), ["services", "warnings"]);
    });

    it("FluentBit: the output is one interface with a field per kind, and the DaemonSet handle stays TypeScript-only", () => {
        const inputs = schema.resources[token("FluentBit")]!.inputProperties;
        assert.equal(inputs.output?.$ref, `#/types/${token("FluentBitOutputArgs")}`);
        const output = schema.types[token("FluentBitOutputArgs")]!.properties ?? {};
        assert.deepEqual(Object.fromEntries(Object.entries(output).map(([k, p]) => [k, p.$ref])), {
            cloudwatchLogs: `#/types/${token("FluentBitCloudWatchOutput")}`,
            forward: `#/types/${token("FluentBitForwardOutput")}`,
            http: `#/types/${token("FluentBitHttpOutput")}`,
        });
        assert.equal(schema.types[token("FluentBitForwardOutput")]!.properties?.sharedKey?.$ref, `#/types/${token("SecretKeyRef")}`);
        assert.notEqual((inputs.roleArn as { plain?: boolean }).plain, true);
        assert.deepEqual(Object.keys(schema.resources[token("FluentBit")]!.properties).sort(), ["daemonSetName", "namespace"]);
    });
});
