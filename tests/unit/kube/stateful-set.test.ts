import * as assert from "assert";
import { claimRetentionPolicy, claimTemplates, createStatefulSet } from "../../../components/kube/stateful-set";
import * as pulumi from "@pulumi/pulumi";
import { one, render, validateAll } from "./data-helpers";

class Holder extends pulumi.ComponentResource {
    constructor() {
        super("test:index:Holder", "h");
    }
}

describe("kube/stateful-set", () => {
    it("GIVEN retain or not THEN both triggers follow it", () => {
        assert.deepStrictEqual(claimRetentionPolicy(true), { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepStrictEqual(claimRetentionPolicy(false), { whenDeleted: "Delete", whenScaled: "Delete" });
    });

    it("GIVEN claims THEN each template is ReadWriteOnce, selector-labelled, with a class only when named", () => {
        assert.deepStrictEqual(
            claimTemplates(
                [
                    { name: "data", size: "1Gi" },
                    { name: "log", size: "2Gi", storageClassName: "fast" },
                ],
                { app: "x" },
            ),
            [
                { metadata: { name: "data", labels: { app: "x" } }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } } },
                {
                    metadata: { name: "log", labels: { app: "x" } },
                    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "2Gi" } }, storageClassName: "fast" },
                },
            ],
        );
    });

    it("GIVEN a set WHEN created THEN the headless Service names it, publishes not-ready pods only when asked, and both objects validate", async () => {
        const r = await render(() => {
            const parent = new Holder();
            const labels = { "app.kubernetes.io/name": "db" };
            createStatefulSet(
                "db",
                {
                    namespace: "ns",
                    name: "db",
                    headlessServiceName: "db-headless",
                    ports: [{ name: "pg", port: 5432 }],
                    labels,
                    selector: labels,
                    replicas: 3,
                    podManagementPolicy: "Parallel",
                    retainVolumes: false,
                    template: { metadata: { labels }, spec: { containers: [{ name: "db", image: "postgres:16" }] } },
                    claims: [{ name: "data", size: "1Gi" }],
                },
                parent,
            );
            createStatefulSet(
                "hpa",
                {
                    namespace: "ns",
                    name: "hpa",
                    headlessServiceName: "hpa-headless",
                    ports: [],
                    publishNotReadyAddresses: true,
                    labels,
                    selector: labels,
                    podManagementPolicy: "OrderedReady",
                    retainVolumes: true,
                    template: { metadata: { labels }, spec: { containers: [{ name: "a", image: "a:1" }] } },
                },
                parent,
            );
        });
        assert.strictEqual(validateAll(r), 4);
        const sts = one(r, "StatefulSet", "db");
        assert.strictEqual(sts.spec.serviceName, "db-headless");
        assert.strictEqual(sts.spec.replicas, 3);
        assert.deepStrictEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Delete", whenScaled: "Delete" });
        assert.strictEqual(one(r, "Service", "db-headless").spec.clusterIP, "None");
        assert.strictEqual(one(r, "Service", "db-headless").spec.publishNotReadyAddresses, undefined);
        assert.strictEqual(one(r, "Service", "hpa-headless").spec.publishNotReadyAddresses, true);
        const hpa = one(r, "StatefulSet", "hpa");
        assert.ok(!("replicas" in hpa.spec), "an HPA-owned set has no static replicas");
        assert.ok(!("volumeClaimTemplates" in hpa.spec));
    });
});
