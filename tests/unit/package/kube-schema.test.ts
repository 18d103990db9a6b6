/**
 * The Kubernetes components in the package schema (issue 14, items 2 and 4): what `pulumi package
 * get-schema` does for a Node.js source package, in process, for the components of
 * components/kube (EbsStorageClass aside). Pulumi's analyzer rejects union types (a
 * `number | string` port, `X | false`, inline string unions) and unnamed object types; it reads
 * each input's description from its JSDoc.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";

const COMPONENTS = path.resolve(__dirname, "../../../components");
const NAMES = [
    "PlatformNamespace",
    "AgentService",
    "SingletonWorker",
    "RaftCluster",
    "ConfigBundle",
    "ServiceEndpoint",
    "Redis",
    "Postgres",
    "Backups",
    "MeshPolicy",
    "WebIngress",
    "MonitoringRules",
    "MetricsService",
    "CustomMetricsAdapter",
    "SystemDashboard",
];

interface SchemaProperty {
    type?: string;
    $ref?: string;
    description?: string;
    plain?: boolean;
    optional?: boolean;
    items?: SchemaProperty;
}
interface Schema {
    resources: Record<string, { isComponent: boolean; inputProperties: Record<string, SchemaProperty>; requiredInputs?: string[] }>;
    types: Record<string, { type: string; properties?: Record<string, SchemaProperty>; enum?: { name: string; value: string }[] }>;
}

describe("the Kubernetes components in the package schema", function () {
    this.timeout(300_000);
    let schema: Schema;
    const token = (name: string) => `agent-platform:index:${name}`;

    before(async function () {
        const entry = require(path.join(COMPONENTS, "index.ts")) as Record<string, unknown>;
        const mine = getPulumiComponents(entry).filter((c) => NAMES.includes(c.name));
        assert.deepEqual(mine.map((c) => c.name).sort(), [...NAMES].sort(), "the main entry does not expose them all");
        schema = JSON.parse(await new ComponentProvider({ components: mine, dirname: COMPONENTS, name: "agent-platform" }).getSchema()) as Schema;
    });

    it("lists each of them as a component", () => {
        assert.deepEqual(Object.keys(schema.resources).sort(), NAMES.map(token).sort());
        for (const r of Object.values(schema.resources)) assert.equal(r.isComponent, true);
    });

    it("documents every input and every field of every args type", () => {
        const undocumented: string[] = [];
        for (const [t, r] of Object.entries(schema.resources)) {
            for (const [k, p] of Object.entries(r.inputProperties)) if (!p.description) undocumented.push(`${t}.${k}`);
        }
        for (const [t, ty] of Object.entries(schema.types)) {
            for (const [k, p] of Object.entries(ty.properties ?? {})) if (!p.description) undocumented.push(`${t}.${k}`);
        }
        assert.deepEqual(undocumented, []);
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

    it("turns the closed value sets into enums with every value", () => {
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
});
