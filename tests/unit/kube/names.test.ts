import { strict as assert } from "assert";
import { formatProblem } from "../../../components/kube/problems";
import * as fc from "fast-check";
import {
    dns1123Problem,
    isDns1123Label,
    isDnsName,
    isLabelValue,
    isQualifiedName,
    isValidPortName,
    podHost,
    sanitizeDnsLabel,
    sanitizePortName,
    serviceHost,
    serviceUrl,
    truncateLabel,
    uniquePortNames,
} from "../../../components/kube/names";

describe("names", () => {
    it("GIVEN any strings WHEN named as ports THEN every name is a valid port name (DNS-1123, <= 15 chars)", () => {
        fc.assert(
            fc.property(fc.array(fc.string(), { maxLength: 20 }), (raw) => {
                for (const n of uniquePortNames(raw)) assert.ok(isValidPortName(n), `invalid port name "${n}"`);
            }),
            { numRuns: 300 },
        );
    });

    it("GIVEN any strings, many colliding WHEN named as ports THEN names are unique per container", () => {
        const colliding = fc.array(fc.constantFrom("http", "HTTP", "http!", "metrics", "a-very-long-port-name-indeed", "", "9000"), { maxLength: 30 });
        fc.assert(
            fc.property(colliding, (raw) => {
                const names = uniquePortNames(raw);
                assert.equal(new Set(names).size, names.length, names.join(","));
                assert.equal(names.length, raw.length);
            }),
            { numRuns: 300 },
        );
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

describe("kube/names: DNS names, label values, qualified keys, service addresses", () => {
    it("GIVEN host names THEN lowercase dotted labels pass; a leading *. only when wildcards are allowed", () => {
        for (const h of ["a.example.com", "x", "a-b.c0"]) assert.ok(isDnsName(h), h);
        for (const h of ["A.example.com", "-a.b", "a..b", "a_b.c", "*.example.com", "a".repeat(254)]) assert.ok(!isDnsName(h), h);
        assert.ok(isDnsName("*.example.com", { wildcard: true }));
    });

    it("GIVEN label values and keys THEN Kubernetes' rules hold", () => {
        for (const v of ["", "a", "A.b_c-1"]) assert.ok(isLabelValue(v), v);
        for (const v of ["-a", "a b", "a".repeat(64)]) assert.ok(!isLabelValue(v), v);
        for (const k of ["team", "example.com/team", "app.kubernetes.io/name"]) assert.ok(isQualifiedName(k), k);
        for (const k of ["a/b/c", "Bad_Prefix/x", "/x", "x/", "a b"]) assert.ok(!isQualifiedName(k), k);
    });

    it("GIVEN any string THEN sanitizeDnsLabel yields a DNS-1123 label or nothing", () => {
        fc.assert(
            fc.property(fc.string({ maxLength: 100 }), (s) => {
                const out = sanitizeDnsLabel(s);
                assert.ok(out === "" || isDns1123Label(out), JSON.stringify([s, out]));
            }),
        );
        assert.equal(sanitizeDnsLabel("mongo_data"), "mongo-data");
        assert.equal(truncateLabel(`${"a".repeat(62)}-b`), "a".repeat(62));
    });

    it("GIVEN a service, a StatefulSet pod and a port THEN the cluster addresses are built in one place", () => {
        assert.equal(serviceHost("redis", "ns"), "redis.ns.svc.cluster.local");
        assert.equal(serviceUrl("http", "api", "ns", 8080), "http://api.ns.svc.cluster.local:8080");
        assert.equal(podHost("redis", 0, "redis-headless", "ns"), "redis-0.redis-headless.ns.svc.cluster.local");
    });
});
