import { strict as assert } from "assert";
import { failureText } from "../../e2e/lib/harness";

describe("e2e harness: failureText", () => {
    it("GIVEN a failed pulumi up whose errors precede a long outputs section THEN the error and violation lines come first, then the tail", () => {
        const out = [
            "Updating (e2e-prod)",
            "    error: policy gate (../policy/config/prod.json) refuses to deploy:",
            "      [mandatory] avail-hpa-sane: HorizontalPodAutoscaler a/b: minReplicas 1 is below 2",
            "Outputs:",
            ...Array.from({ length: 400 }, (_, i) => `    key${i}: "value"`),
        ].join("\n");
        const text = failureText(out, 200);
        assert.match(text.split("\n")[0], /error: policy gate/);
        assert.match(text.split("\n")[1], /\[mandatory\] avail-hpa-sane/);
        assert.ok(text.endsWith('key399: "value"'));
        assert.ok(!text.includes("key0:"), "the middle of a long output is left out");
    });

    it("GIVEN output without error lines THEN only its tail", () => {
        assert.equal(failureText("a\nb\nc", 3), "b\nc");
    });
});
