import { strict as assert } from "assert";
import { formatProblem } from "../../../components/kube/problems";
import * as pulumi from "@pulumi/pulumi";
import { ConfigBundle, configBundleProblems } from "../../../components/kube/config-bundle";
import { find, recordOf, render } from "../../helpers/mocks";
import { validateObjects } from "../../helpers/k8s-schema";

describe("ConfigBundle", () => {
    it("GIVEN a ConfigMap and a Secret WHEN created THEN both exist with sorted keys and the Secret data is a secret Output", async () => {
        const { objects, resources } = await render(
            () =>
                new ConfigBundle("cfg", {
                    namespace: "inquisitor-system",
                    partOf: "inquisitor",
                    configMap: { name: "inquisitor-config", data: { MANIFEST_DIR: "/app/manifests", LOG_LEVEL: "INFO" } },
                    secret: { name: "inquisitor-secrets", data: { "api-key": pulumi.secret("k"), "b-key": "plain" } },
                }),
        );
        validateObjects(objects);
        const cm = find(objects, "ConfigMap", "inquisitor-config", "inquisitor-system");
        assert.deepEqual(Object.keys(cm.data), ["LOG_LEVEL", "MANIFEST_DIR"]);
        assert.equal(cm.metadata.labels["app.kubernetes.io/part-of"], "inquisitor");
        const s = find(objects, "Secret", "inquisitor-secrets", "inquisitor-system");
        assert.equal(s.type, "Opaque");
        assert.deepEqual(s.stringData, { "api-key": "k", "b-key": "plain" });
        assert.ok(recordOf(resources, "Secret", "inquisitor-secrets").secretPaths.includes("stringData"), "plain values become secret too");
    });

    it("GIVEN only a Secret WHEN created THEN no ConfigMap is registered", async () => {
        const { objects } = await render(() => new ConfigBundle("s", { namespace: "ns", secret: { name: "only-secret", data: { A: "1" } } }));
        assert.deepEqual(
            objects.map((o) => o.kind),
            ["Secret"],
        );
    });

    const bad: [string, Parameters<typeof configBundleProblems>[1], RegExp][] = [
        ["neither object", { namespace: "ns" }, /configMap or secret \(or both\) must be set/],
        [
            "a password in the ConfigMap",
            { namespace: "ns", configMap: { name: "c", data: { DB_PASSWORD: "x" } } },
            /configMap.data.DB_PASSWORD looks sensitive/,
        ],
        ["an API key in the ConfigMap", { namespace: "ns", configMap: { name: "c", data: { API_KEY: "x" } } }, /configMap.data.API_KEY looks sensitive/],
        [
            "equal names",
            { namespace: "ns", configMap: { name: "x", data: {} }, secret: { name: "x", data: {} } },
            /secret.name must differ from configMap.name, got "x"/,
        ],
        ["an invalid key", { namespace: "ns", secret: { name: "s", data: { "a b": "1" } } }, /secret.data keys must consist of .* got "a b"/],
        ["a bad name", { namespace: "ns", configMap: { name: "Bad_Name", data: {} } }, /configMap.name must be a DNS-1123 label/],
    ];
    for (const [what, args, message] of bad) {
        it(`GIVEN ${what} WHEN validated THEN the problem is named`, () => {
            assert.match(configBundleProblems("b", args).map(formatProblem).join("\n"), message);
            assert.throws(() => new ConfigBundle("b", args), message);
        });
    }
});
