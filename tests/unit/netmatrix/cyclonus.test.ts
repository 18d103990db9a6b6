import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parseQueryTraffic } from "../../../tools/netmatrix/cyclonus";

// fixtures/query-traffic.txt: cyclonus v0.5.6 `analyze --mode query-traffic` over the prod render's
// NetworkPolicies for five traffics: worker -> redis, worker -> postgres, manager -> stranger:8080,
// stranger -> redis, stranger -> the internet.
const REPORT = fs.readFileSync(path.join(__dirname, "fixtures", "query-traffic.txt"), "utf8");

describe("netmatrix: reading cyclonus's query-traffic report", () => {
    it("GIVEN cyclonus's report WHEN parsed THEN each traffic gets the verdict and the side that refuses it", () => {
        assert.deepEqual(parseQueryTraffic(REPORT, 5), [
            { allowed: true, ingress: true, egress: true }, // both allow-lists admit it
            { allowed: false, ingress: false, egress: false }, // neither does
            { allowed: false, ingress: true, egress: false }, // the stranger's namespace has no policy; the manager's egress refuses
            { allowed: false, ingress: false, egress: true }, // the stranger may send; Redis refuses
            { allowed: true, ingress: true, egress: true }, // no policy selects either end
        ]);
    });

    it("GIVEN a report with fewer verdicts than traffics WHEN parsed THEN it fails instead of misaligning flows", () => {
        assert.throws(() => parseQueryTraffic(REPORT, 6), /reported 5 traffic verdicts, expected 6/);
    });

    it("GIVEN a footer that contradicts the rows WHEN parsed THEN it fails (the format is not what we read)", () => {
        const tampered = REPORT.replace("| IS ALLOWED? | FALSE  |", "| IS ALLOWED? |  TRUE  |");
        assert.throws(() => parseQueryTraffic(tampered, 5), /verdict 2: footer says true but the rows say ingress false, egress false/);
    });

    it("GIVEN a verdict without its footer WHEN parsed THEN it fails", () => {
        const cut = REPORT.replace(/\| IS ALLOWED\? \| {2}TRUE {2}\|\s+\n(?![\s\S]*IS ALLOWED)/, "\n");
        assert.throws(() => parseQueryTraffic(cut, 5), /verdict 5: no "IS ALLOWED\?" footer/);
    });
});
