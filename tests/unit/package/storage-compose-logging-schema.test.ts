/**
 * EbsStorageClass, ComposeApp and FluentBit in the package schema (issue 14, items 2 and 4): what
 * `pulumi package get-schema` does for a Node.js source package, in process, restricted to these
 * components. Pulumi's analyzer rejects union types (other than string-literal enums named by an
 * `as const` object), inline object types and maps keyed by a union; it stops at the first one.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";

const COMPONENTS = path.resolve(__dirname, "../../../components");
const NAMES = ["EbsStorageClass", "ComposeApp", "FluentBit"];

interface SchemaProperty {
    type?: string;
    $ref?: string;
    description?: string;
    items?: SchemaProperty;
    additionalProperties?: SchemaProperty;
}
interface Schema {
    resources: Record<string, { isComponent: boolean; inputProperties: Record<string, SchemaProperty>; properties: Record<string, SchemaProperty> }>;
    types: Record<string, { type: string; properties?: Record<string, SchemaProperty>; enum?: { name: string; value: string }[] }>;
    dependencies?: unknown[];
}

describe("EbsStorageClass, ComposeApp and FluentBit in the package schema", function () {
    this.timeout(300_000);
    let schema: Schema;
    const token = (name: string) => `agent-platform:index:${name}`;
    const enumValues = (name: string) => schema.types[token(name)]?.enum?.map((e) => e.value);

    before(async function () {
        const entry = require(path.join(COMPONENTS, "index.ts")) as Record<string, unknown>;
        const components = getPulumiComponents(entry).filter((c) => NAMES.includes(c.name));
        assert.deepEqual(components.map((c) => c.name).sort(), [...NAMES].sort(), "the main entry does not export them all");
        schema = JSON.parse(await new ComponentProvider({ components, dirname: COMPONENTS, name: "agent-platform" }).getSchema()) as Schema;
    });

    it("lists each as an agent-platform:index component, with no other package's schema needed", () => {
        assert.deepEqual(Object.keys(schema.resources).sort(), NAMES.map(token).sort());
        for (const r of Object.values(schema.resources)) assert.equal(r.isComponent, true);
        assert.deepEqual(schema.dependencies ?? [], []);
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
        assert.deepEqual(enumValues("InfraKind"), ["mongo", "redis", "postgres", "qdrant", "neo4j"]);
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
