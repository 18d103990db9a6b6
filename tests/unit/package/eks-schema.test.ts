/**
 * The EKS part in the package schema (issue 14, item 4): what `pulumi package get-schema` does for
 * a Node.js source package, in process. The component provider requires the package's main entry
 * and takes every component among its exports (there EksCluster and IrsaRole are lazy getters);
 * Pulumi's analyzer then reads their TypeScript from the entry point. Only the EKS components are
 * analysed here; the whole package's schema is the get-schema test's.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { EKS_COMPONENT_NAMES } from "../../../components/aws/lazy";

const COMPONENTS = path.resolve(__dirname, "../../../components");

interface SchemaProperty {
    type?: string;
    $ref?: string;
    description?: string;
    plain?: boolean;
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

describe("the EKS components in the package schema", function () {
    this.timeout(300_000);
    let schema: Schema;

    before(async function () {
        // The entry's source (components/dist, the packed build, may be being rebuilt by the pack test).
        const entry = require(path.join(COMPONENTS, "index.ts")) as Record<string, unknown>;
        const eks = getPulumiComponents(entry).filter((c) => (EKS_COMPONENT_NAMES as readonly string[]).includes(c.name));
        assert.deepEqual(eks.map((c) => c.name).sort(), [...EKS_COMPONENT_NAMES].sort(), "the main entry does not expose the EKS components");
        const provider = new ComponentProvider({ components: eks, dirname: COMPONENTS, name: "agent-platform" });
        schema = JSON.parse(await provider.getSchema()) as Schema;
    });

    it("lists EksCluster and IrsaRole as agent-platform:index components, with no other package's schema needed", () => {
        assert.deepEqual(Object.keys(schema.resources).sort(), ["agent-platform:index:EksCluster", "agent-platform:index:IrsaRole"]);
        for (const r of Object.values(schema.resources)) assert.equal(r.isComponent, true);
        assert.deepEqual(schema.dependencies ?? [], [], "an output refers to another package's resource (e.g. an aws.eks.Cluster)");
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

    it("turns the closed value sets into enums with every value", () => {
        const values = (name: string) => schema.types[`agent-platform:index:${name}`]?.enum?.map((e) => e.value);
        assert.deepEqual(values("NatGatewayStrategy"), ["single", "onePerAz"]);
        assert.deepEqual(values("CapacityType"), ["ON_DEMAND", "SPOT"]);
        assert.deepEqual(values("EksEnvironment"), ["dev", "prod"]);
        assert.deepEqual(values("AddonMode"), ["install", "external"]);
        assert.equal(values("EfsTransitionToIa")?.length, 9);
        const group = schema.types["agent-platform:index:NodeGroupArgs"]?.properties;
        assert.equal(group?.capacityType?.$ref, "#/types/agent-platform:index:CapacityType");
    });

    it("takes Outputs for the existing VPC's ids, the admin principals and the IRSA policy ARNs", () => {
        const existing = schema.types["agent-platform:index:VpcExistingArgs"]?.properties ?? {};
        assert.notEqual(existing.vpcId?.plain, true, "vpcId is plain");
        assert.notEqual(existing.privateSubnetIds?.items?.plain, true, "subnet ids are plain");
        const eks = schema.resources["agent-platform:index:EksCluster"]!.inputProperties;
        assert.notEqual(eks.adminPrincipals?.items?.plain, true, "adminPrincipals items are plain");
        const spec = schema.types["agent-platform:index:IrsaRoleSpec"]?.properties ?? {};
        assert.notEqual(spec.policyArns?.items?.plain, true, "policyArns items are plain");
    });

    it("outputs what another language needs to reach the cluster: kubeconfig, names, ARNs and ids", () => {
        const outputs = Object.keys(schema.resources["agent-platform:index:EksCluster"]!.properties);
        for (const o of ["kubeconfig", "clusterName", "endpoint", "oidcProviderArn", "vpcId", "privateSubnetIds", "nodeGroupNames", "irsaRoleArns"]) {
            assert.ok(outputs.includes(o), `missing output ${o}`);
        }
        for (const tsOnly of ["settings", "cluster", "provider", "addons", "nodeGroups", "buckets", "partition", "baseName"]) {
            assert.ok(!outputs.includes(tsOnly), `${tsOnly} is a schema output`);
        }
        assert.deepEqual(Object.keys(schema.resources["agent-platform:index:IrsaRole"]!.properties).sort(), ["roleArn", "serviceAccountAnnotations"]);
    });
});
