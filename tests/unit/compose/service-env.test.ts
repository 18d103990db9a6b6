import { strict as assert } from "assert";
import { secretNameMatcher } from "../../../components/compose/env";
import { inputPlaceholder } from "../../../components/compose/placeholders";
import { EnvInputs, resolveServiceEnv } from "../../../components/compose/service-env";
import { context, service } from "./fixtures";

const inputs = (patch: Partial<EnvInputs> = {}): EnvInputs => ({ layers: {}, infra: {}, isSecretName: secretNameMatcher(), tainted: new Set(), ...patch });
const entry = (name: string, value?: string) => ({ name, value, variables: [], origin: "environment" });

describe("compose/service-env", () => {
    it("GIVEN every layer THEN option > explicit > settings > compose, with the source of each value", () => {
        const svc = service({ environment: [entry("A", "compose"), entry("B", "compose"), entry("C", "compose"), entry("D", "compose")] });
        const { env, sources } = resolveServiceEnv(
            svc,
            { env: { A: "option" } },
            inputs({ layers: { explicit: { A: "x", B: "explicit" }, settings: { B: "y", C: "settings" } } }),
            context(),
        );
        assert.deepEqual(env.config, { A: "option", B: "explicit", C: "settings", D: "compose" });
        assert.deepEqual(sources, { A: "service-option", B: "explicit", C: "settings", D: "compose" });
    });

    it("GIVEN a discovered endpoint THEN it replaces the compose host but keeps its credentials and path; a service gets none of its own", () => {
        const svc = service({ environment: [entry("MONGO_URL", "mongodb://user:pw@mongo:27017/app")] });
        const layers = { infrastructure: { MONGO_URL: "mongodb://mongo.apps.svc.cluster.local:27017" } };
        const { env, sources } = resolveServiceEnv(svc, {}, inputs({ layers }), context());
        assert.equal(sources.MONGO_URL, "infrastructure");
        assert.equal(env.secrets.MONGO_URL, "mongodb://user:pw@mongo.apps.svc.cluster.local:27017/app");
        const mongo = service({ name: "mongo", environment: [entry("MONGO_URL", "mongodb://localhost:27017")] });
        const own = resolveServiceEnv(
            mongo,
            {},
            inputs({ layers, infra: { mongo: { service: "mongo", namespace: "apps", port: 27017 } } as any }),
            context("mongo"),
        );
        assert.equal(own.sources.MONGO_URL, "compose");
    });

    it("GIVEN a variable nobody sets THEN it is warned about and left out", () => {
        const ctx = context();
        const { env } = resolveServiceEnv(service({ environment: [entry("FROM_SHELL")] }), {}, inputs(), ctx);
        assert.deepEqual([env.config, env.secrets], [{}, {}]);
        assert.match(ctx.warnings.join(), /environment.FROM_SHELL: has no value/);
    });

    it("GIVEN a deploy-time placeholder under a plain name that is not tainted THEN the compiler refuses to put it in the ConfigMap", () => {
        const svc = service({ environment: [entry("HOST", inputPlaceholder(0))] });
        assert.throws(() => resolveServiceEnv(svc, {}, inputs(), context()), /environment.HOST: a deploy-time \(Output\) value cannot go to the ConfigMap/);
        const tainted = resolveServiceEnv(
            service({ environment: [{ ...entry("HOST", inputPlaceholder(0)), variables: ["H"] }] }),
            {},
            inputs({ tainted: new Set(["H"]) }),
            context(),
        );
        assert.deepEqual(Object.keys(tainted.env.secrets), ["HOST"]);
    });
});
