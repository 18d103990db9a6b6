/**
 * npm run bench's options (issue 20): the tests section runs `npm run e2e` only when asked
 * (--e2e), since it starts a local cluster; `--only tests` alone never does.
 */
import { strict as assert } from "assert";
import { e2eSkipped, toOptions } from "../../../bench/run";

const args = (over: Record<string, unknown> = {}) => ({ _: [], ...over }) as unknown as Parameters<typeof toOptions>[0];
const ready = { ok: true, reason: "" };

describe("npm run bench options", () => {
    it("GIVEN --only tests without --e2e THEN the e2e tier is not run, and the row says how to ask for it", () => {
        const o = toOptions(args({ only: "tests" }));
        assert.deepEqual([...o.only], ["tests"]);
        assert.equal(o.e2e, false);
        assert.deepEqual(e2eSkipped(o, true, ready), { value: "not run", how: "pass --e2e to run it (it starts a local cluster)" });
    });

    it("GIVEN --e2e THEN it runs when the script and the toolchain are there, and says why not otherwise", () => {
        const o = toOptions(args({ only: "tests", e2e: true }));
        assert.equal(o.e2e, true);
        assert.equal(e2eSkipped(o, true, ready), undefined);
        assert.equal(e2eSkipped(o, true, { ok: false, reason: "no cached toolchain" })?.how, "no cached toolchain");
        assert.equal(e2eSkipped(o, false, ready)?.value, "unavailable");
    });

    it("GIVEN no --baseline THEN the policy rows' before is main when issue 20 began; --baseline overrides it", () => {
        assert.equal(toOptions(args()).baseline, "9c3fbbd");
        assert.equal(toOptions(args({ baseline: "abc1234" })).baseline, "abc1234");
    });
});
