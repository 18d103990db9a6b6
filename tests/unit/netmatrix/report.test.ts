import { strict as assert } from "assert";
import { Flow, KnownViolation } from "../../flows";
import { formatTable, judge, summarize } from "../../../tools/netmatrix/report";

const pod = (namespace: string, name: string) => ({ namespace, name, podLabels: { "app.kubernetes.io/name": name } });

function flow(id: string, expect: Flow["expect"]): Flow {
    return {
        id,
        system: "claude-code",
        from: pod("a", id),
        to: pod("b", "x"),
        port: 80,
        protocol: "TCP",
        expect,
        seed: "002:1",
        why: "test",
        stacks: ["dev", "prod"],
    };
}

const ALLOW = { allowed: true, ingress: true, egress: true };
const EGRESS_DENIED = { allowed: false, ingress: true, egress: false };
const INGRESS_DENIED = { allowed: false, ingress: false, egress: true };

describe("netmatrix: verdicts against expectations and the known-violations list", () => {
    const flows = [
        flow("right-allow", "allow"),
        flow("right-deny", "deny"),
        flow("listed-wrong", "allow"),
        flow("unlisted-wrong", "deny"),
        flow("listed-right", "deny"),
    ];
    const known: KnownViolation[] = [
        { flow: "listed-wrong", stack: "prod", issue: 21, note: "gap" },
        { flow: "listed-right", stack: "prod", issue: 21, note: "fixed since" },
        { flow: "unlisted-wrong", stack: "dev", issue: 21, note: "listed for the other stack only" },
    ];
    const rows = judge("prod", flows, [ALLOW, INGRESS_DENIED, EGRESS_DENIED, ALLOW, { allowed: false, ingress: false, egress: false }], known);

    it("GIVEN verdicts WHEN judged THEN right is ok, listed-and-wrong is known, unlisted-and-wrong is a regression, listed-and-right is stale", () => {
        assert.deepEqual(
            rows.map((r) => [r.flow, r.actual, r.status]),
            [
                ["right-allow", "allow", "ok"],
                ["right-deny", "deny", "ok"],
                ["listed-wrong", "deny", "known"],
                ["unlisted-wrong", "allow", "regression"],
                ["listed-right", "deny", "stale"],
            ],
        );
        assert.equal(rows[2].issue, 21);
        assert.equal(rows[3].issue, undefined, "an entry for another stack does not cover this one");
    });

    it("GIVEN the sides cyclonus reports WHEN judged THEN each row says which side blocks", () => {
        assert.deepEqual(
            rows.map((r) => r.blockedBy),
            [[], ["ingress"], ["egress"], [], ["egress", "ingress"]],
        );
    });

    it("GIVEN judged rows WHEN summarized THEN intended-blocked and forbidden-allowed are counted apart from the list's bookkeeping", () => {
        assert.deepEqual(summarize("prod", rows), {
            stack: "prod",
            flows: 5,
            allowOk: 1,
            denyOk: 2,
            blockedIntended: 1,
            allowedForbidden: 1,
            known: 1,
            regressions: 1,
            stale: 1,
        });
    });

    it("GIVEN judged rows WHEN printed THEN only the rows that are not ok appear unless all are asked for", () => {
        const short = formatTable(rows, false).split("\n");
        assert.equal(short.length, 2 + 3);
        assert.match(short[2], /^prod\s+KNOWN\s+allow\s+deny\s+egress\s+a\/listed-wrong\s+b\/x\s+80\/TCP\s+002:1\s+#21$/);
        assert.equal(formatTable(rows, true).split("\n").length, 2 + 5);
    });

    it("GIVEN as many verdicts as flows WHEN they differ in number THEN judging refuses", () => {
        assert.throws(() => judge("dev", flows, [ALLOW], []), /5 flows but 1 verdicts/);
    });
});
