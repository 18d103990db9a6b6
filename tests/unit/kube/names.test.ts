import { strict as assert } from "assert";
import { formatProblem } from "../../../components/kube/problems";
import * as fc from "fast-check";
import { dns1123Problem, isDns1123Label, isValidPortName, sanitizePortName, uniquePortNames } from "../../../components/kube/names";

describe("names", () => {
    it("GIVEN any strings WHEN named as ports THEN every name is a valid port name (DNS-1123, <= 15 chars)", () => {
        fc.assert(fc.property(fc.array(fc.string(), { maxLength: 20 }), (raw) => {
            for (const n of uniquePortNames(raw)) assert.ok(isValidPortName(n), `invalid port name "${n}"`);
        }), { numRuns: 300 });
    });

    it("GIVEN any strings, many colliding WHEN named as ports THEN names are unique per container", () => {
        const colliding = fc.array(fc.constantFrom("http", "HTTP", "http!", "metrics", "a-very-long-port-name-indeed", "", "9000"), { maxLength: 30 });
        fc.assert(fc.property(colliding, (raw) => {
            const names = uniquePortNames(raw);
            assert.equal(new Set(names).size, names.length, names.join(","));
            assert.equal(names.length, raw.length);
        }), { numRuns: 300 });
    });

    it("GIVEN legal, distinct names WHEN named THEN they are kept as they are", () => {
        assert.deepEqual(uniquePortNames(["http", "raft", "metrics"]), ["http", "raft", "metrics"]);
        assert.deepEqual(uniquePortNames(["http", "http"]), ["http", "http-2"]);
    });

    it("GIVEN names Kubernetes rejects WHEN sanitized THEN they become legal", () => {
        assert.equal(sanitizePortName("Web_UI"), "web-ui");
        assert.equal(sanitizePortName("8080"), "p8080");
        assert.equal(sanitizePortName("an-extremely-long-name"), "an-extremely-lo");
        assert.ok(!isValidPortName("8080"), "all-digit names are not port names");
        assert.ok(!isValidPortName("a--b"), "consecutive hyphens are not allowed");
    });

    it("GIVEN DNS-1123 labels WHEN checked THEN the rule is enforced with the field in the message", () => {
        assert.ok(isDns1123Label("claude-mid-service"));
        assert.ok(!isDns1123Label("Claude"));
        assert.ok(!isDns1123Label("-x"));
        assert.ok(!isDns1123Label("a".repeat(64)));
        assert.deepStrictEqual(dns1123Problem("namespace", "ok-name"), []);
        const [p] = dns1123Problem("namespace", "Bad_Name");
        assert.strictEqual(p.path, "namespace");
        assert.strictEqual(p.value, "Bad_Name");
        assert.match(formatProblem(p), /namespace must be a DNS-1123 label .* got "Bad_Name"/);
    });
});
