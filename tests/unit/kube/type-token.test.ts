import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import * as api from "../../../components/index";
import { Redis } from "../../../components/kube/redis";
import { SingletonWorker } from "../../../components/kube/singleton-worker";
import { componentType, withOldTypeAlias } from "../../../components/kube/type-token";
import { runUnderMocks } from "../../../tools/lib/mock-runtime";

const COMPONENTS = path.resolve(__dirname, "../../../components");

/** The URNs a component's aliases resolve to (the SDK keeps them on the resource). */
function aliasUrns(r: pulumi.ComponentResource): Promise<string[]> {
    const aliases = (r as unknown as { __aliases: pulumi.Input<string>[] }).__aliases;
    return new Promise((resolve) => pulumi.all(aliases).apply((urns) => resolve(urns)));
}

/** Every class exported by the package entry point that is a Pulumi component. */
function exportedComponents(): string[] {
    return Object.entries(api)
        .filter(([, v]) => typeof v === "function" && v.prototype instanceof pulumi.ComponentResource)
        .map(([k]) => k)
        .sort();
}

/** `class <Name> extends ...` up to its first `super(...)` call, from the components' sources. */
function superCallOf(name: string): string {
    const files = ["kube", "compose", "aws"].flatMap((d) => fs.readdirSync(path.join(COMPONENTS, d)).map((f) => path.join(COMPONENTS, d, f)));
    for (const f of files.filter((f) => f.endsWith(".ts"))) {
        const src = fs.readFileSync(f, "utf8");
        const at = src.indexOf(`export class ${name} extends `);
        if (at < 0) continue;
        const call = /super\(([^;]*)\);/.exec(src.slice(at));
        if (call) return call[1]!;
    }
    throw new Error(`no class ${name} with a super call under components/kube, components/compose or components/aws`);
}

describe("kube/type-token", () => {
    it("GIVEN opts with aliases WHEN the old type alias is added THEN the caller's aliases and options are kept and opts is not mutated", () => {
        const opts: pulumi.ComponentResourceOptions = { aliases: [{ name: "before" }], protect: true };
        const out = withOldTypeAlias("agent-platform:kube:Redis", opts);
        assert.deepEqual(out.aliases, [{ name: "before" }, { type: "agent-platform:kube:Redis" }]);
        assert.equal(out.protect, true);
        assert.deepEqual(opts.aliases, [{ name: "before" }]);
        assert.deepEqual(withOldTypeAlias("agent-platform:kube:X").aliases, [{ type: "agent-platform:kube:X" }]);
    });

    it("GIVEN every component the package exports THEN it registers under agent-platform:index:<ClassName>, with an alias to its old token unless it never had another", () => {
        const alwaysIndex = new Set(["SystemDashboard", "CustomMetricsAdapter", "FluentBit"]);
        const names = exportedComponents();
        assert.ok(names.length >= 17, `only ${names.length} components exported: ${names.join(", ")}`);
        for (const name of names) {
            const call = superCallOf(name);
            assert.ok(call.startsWith(`componentType("${name}")`), `${name}: super(${call})`);
            if (!alwaysIndex.has(name)) assert.match(call, /withOldTypeAlias\("agent-platform:(kube|compose|aws):\w+", opts\)/, `${name}: super(${call})`);
        }
    });

    it("GIVEN a Redis and a SingletonWorker under the mock runtime THEN their type is the index token and their alias URN is the old token's", async () => {
        const run = await runUnderMocks(async () => {
            const redis = new Redis("cache", { namespace: "ns", serviceName: "redis", clients: ["agent"] });
            const worker = new SingletonWorker("poller", { namespace: "ns", image: "a/b:1", service: { enabled: false } });
            return { redis: await aliasUrns(redis), worker: await aliasUrns(worker) };
        });
        assert.ok(run.resources.some((r) => r.type === componentType("Redis") && r.name === "cache"));
        assert.ok(run.resources.some((r) => r.type === componentType("SingletonWorker") && r.name === "poller"));
        assert.deepEqual(run.result.redis, ["urn:pulumi:test::agent-platform::agent-platform:kube:Redis::cache"]);
        assert.deepEqual(run.result.worker, ["urn:pulumi:test::agent-platform::agent-platform:kube:SingletonWorker::poller"]);
    });
});
