import { strict as assert } from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { REPO_ROOT, RenderResult, readStackConfig, renderProgram } from "../../../tools/lib/render";
import { ConfigError } from "../../../components/config";
import { overrideImages } from "../../../stacks/images";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";

type Obj = RenderResult["objects"][number];

/** Every container and init container image of every pod template, as `kind/ns/name container image`. */
function podImages(objects: Obj[]): Map<string, string> {
    const out = new Map<string, string>();
    for (const o of objects) {
        const spec = o.kind === "CronJob" ? o.spec?.jobTemplate?.spec?.template?.spec : o.kind === "Pod" ? o.spec : o.spec?.template?.spec;
        if (!spec) continue;
        for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
            out.set(`${o.kind}/${o.metadata.namespace}/${o.metadata.name} ${c.name}`, c.image);
        }
    }
    return out;
}

describe("stack config `images`: image overrides", () => {
    const OVERRIDES: Record<string, string> = {
        "redis:7.4.1-alpine": "mirror.internal/redis:7.4.1-alpine", // a component default
        "postgres:16.4-alpine": "mirror.internal/postgres:16.4-alpine", // StatefulSet and CronJob
        "ghcr.io/yossiashkenazi/automatic-claude-code/worker:2.0.0": "mirror.internal/worker:2.0.0", // from the config
    };
    let plain: RenderResult;
    let overridden: RenderResult;
    before(async function () {
        this.timeout(2 * RENDER_TIMEOUT_MS);
        plain = await renderedStack("dev");
        const config = readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
        config.values["agent-platform:images"] = JSON.stringify(OVERRIDES);
        overridden = await renderProgram(config, "dev");
    });

    it("GIVEN an images map WHEN the dev stack renders THEN exactly the listed images are replaced, wherever they come from, and nothing else changes", () => {
        const before = podImages(plain.objects);
        const after = podImages(overridden.objects);
        assert.deepEqual([...after.keys()].sort(), [...before.keys()].sort());
        let replaced = 0;
        for (const [where, image] of before) {
            const expected = OVERRIDES[image] ?? image;
            assert.equal(after.get(where), expected, where);
            if (expected !== image) replaced++;
        }
        // redis x3 (two Redis components + ushadow's compose redis), postgres + backup CronJob, worker
        assert.ok(replaced >= 6, `only ${replaced} containers replaced`);
        for (const kind of ["StatefulSet", "CronJob", "Deployment"]) {
            assert.ok(
                [...after].some(([w, i]) => w.startsWith(`${kind}/`) && i.startsWith("mirror.internal/")),
                `no ${kind} image replaced`,
            );
        }
        assert.equal(overridden.objects.length, plain.objects.length);
    });

    it("GIVEN a container whose image is an Output WHEN overridden THEN the Output resolves to the replacement", async () => {
        const props = { spec: { template: { spec: { containers: [{ name: "a", image: pulumi.output("redis:7.4.1-alpine") }] } } } };
        const out: any = overrideImages("kubernetes:apps/v1:Deployment", props, OVERRIDES)!;
        const image = await new Promise((resolve) => (out.spec.template.spec.containers[0].image as pulumi.Output<string>).apply(resolve));
        assert.equal(image, "mirror.internal/redis:7.4.1-alpine");
        assert.equal(overrideImages("kubernetes:core/v1:Service", props, OVERRIDES), undefined);
    });

    it("GIVEN an override to an unpinned image WHEN rendered THEN a ConfigError names the key path", async () => {
        const config = readStackConfig(path.join(REPO_ROOT, "Pulumi.dev.yaml"));
        config.values["agent-platform:images"] = JSON.stringify({ "redis:7.4.1-alpine": "mirror.internal/redis:latest" });
        let thrown: unknown;
        try {
            await renderProgram(config, "dev");
        } catch (e) {
            thrown = e;
        }
        assert.ok(thrown instanceof ConfigError, String(thrown));
        assert.match((thrown as Error).message, /agent-platform:images\.redis:7\.4\.1-alpine: must be pinned/);
    });
});
