import { strict as assert } from "assert";
import { ComposeError } from "../../../components/compose/errors";
import { podSecurity } from "../../../components/compose/security";
import { DEFAULT_RUN_AS_USER } from "../../../components/compose/spec";
import { context, service } from "./fixtures";

describe("compose/security", () => {
    it("GIVEN no user and no options THEN the hardened defaults apply with every id explicit", () => {
        assert.deepEqual(podSecurity(service(), {}, context()), {
            runAsUser: DEFAULT_RUN_AS_USER,
            runAsGroup: DEFAULT_RUN_AS_USER,
            fsGroup: DEFAULT_RUN_AS_USER,
            readOnlyRootFilesystem: true,
        });
    });

    it("GIVEN a numeric compose user uid:gid THEN both are used and fsGroup follows the gid", () => {
        assert.deepEqual(podSecurity(service({ user: "999:998" }), {}, context()), {
            runAsUser: 999,
            runAsGroup: 998,
            fsGroup: 998,
            readOnlyRootFilesystem: true,
        });
    });

    it("GIVEN compose runs as root under the hardened defaults THEN it is ignored with a warning", () => {
        const ctx = context();
        assert.equal(podSecurity(service({ user: "root" }), {}, ctx).runAsUser, DEFAULT_RUN_AS_USER);
        assert.match(ctx.warnings.join(), /runs as root in compose; ignored/);
    });

    it("GIVEN the root opt-out THEN runAsNonRoot is false and the ids are 0", () => {
        const s = podSecurity(service(), { security: { runAsNonRoot: false, runAsUser: 0 } }, context());
        assert.deepEqual(s, { runAsNonRoot: false, runAsUser: 0, runAsGroup: 0, fsGroup: 0, readOnlyRootFilesystem: true });
    });

    it("GIVEN the image's own user (keepImageUser) THEN every id is kept from the image so AgentService leaves them out", () => {
        const s = podSecurity(service(), { security: { keepImageUser: true, readOnlyRootFilesystem: false } }, context());
        assert.deepEqual(s, { keepImageUser: true, keepImageGroup: true, noFsGroup: true, readOnlyRootFilesystem: false });
    });

    it("GIVEN root without the opt-out or a negative id THEN one error names the option", () => {
        assert.throws(
            () => podSecurity(service(), { security: { runAsUser: 0 } }, context()),
            (e: unknown) => e instanceof ComposeError && e.field === "security.runAsUser",
        );
        assert.throws(() => podSecurity(service(), { security: { fsGroup: -1 } }, context()), /security.fsGroup: must be a non-negative integer, got -1/);
    });
});
