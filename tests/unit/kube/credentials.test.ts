import * as assert from "assert";
import { credentialProblems, resolveCredentials, secretsByName } from "../../../components/kube/credentials";
import { formatProblem } from "../../../components/kube/problems";

describe("kube/credentials", () => {
    it("GIVEN no credential args THEN the password Secret is <workload>-password/password, created here, with no URL", () => {
        assert.deepStrictEqual(resolveCredentials("redis", {}), { passwordSecret: { name: "redis-password", key: "password", existing: false } });
    });

    it("GIVEN a URL Secret without a key THEN its key is url", () => {
        assert.deepStrictEqual(resolveCredentials("pg", { urlSecret: { name: "pg-credentials" } }).urlSecret, { name: "pg-credentials", key: "url" });
    });

    it("GIVEN secret entries sharing a name THEN they merge into one Secret", () => {
        const m = secretsByName([
            { name: "a", key: "password", value: "x" },
            { name: "a", key: "url", value: "y" },
            { name: "b", key: "k", value: "z" },
        ]);
        assert.deepStrictEqual([...m.keys()], ["a", "b"]);
        assert.deepStrictEqual(m.get("a"), { password: "x", url: "y" });
    });

    it("GIVEN conflicting credential args THEN each conflict is one problem at its field", () => {
        const existing = { name: "agent-secrets", key: "redis-password", existing: true };
        assert.deepStrictEqual(
            credentialProblems({ password: "x", passwordSecret: existing }).map((p) => p.path),
            ["password"],
        );
        assert.deepStrictEqual(
            credentialProblems({ urlSecret: { name: "u" }, passwordSecret: existing }).map((p) => p.path),
            ["urlSecret"],
        );
        const same = credentialProblems({ urlSecret: { name: "c", key: "k" }, passwordSecret: { name: "c", key: "k" } });
        assert.deepStrictEqual(same.map(formatProblem), ['urlSecret.key must differ from passwordSecret.key when both use Secret "c", got "k"']);
        assert.deepStrictEqual(credentialProblems({ urlSecret: { name: "c" }, passwordSecret: { name: "c" } }), []);
    });
});
