import { strict as assert } from "assert";
import * as fc from "fast-check";
import { sortKeys, sortKeysDeep, sortedJson } from "../../../components/kube/sorted";

describe("kube/sorted", () => {
    it("GIVEN an object THEN sortKeys orders its own keys only", () => {
        assert.deepEqual(Object.keys(sortKeys({ b: 1, a: { d: 1, c: 2 } })), ["a", "b"]);
        assert.deepEqual(Object.keys(sortKeys({ b: 1, a: { d: 1, c: 2 } }).a as object), ["d", "c"]);
    });

    it("GIVEN nested objects and arrays THEN every object's keys are sorted and arrays keep their order", () => {
        assert.equal(sortedJson({ z: [{ b: 1, a: 2 }, 3], a: { y: true, x: null } }), '{"a":{"x":null,"y":true},"z":[{"a":2,"b":1},3]}');
    });

    it("GIVEN any JSON value THEN key order does not change the output, and the content survives", () => {
        fc.assert(
            fc.property(fc.jsonValue(), (v) => {
                const reversed = JSON.parse(JSON.stringify(v), function (this: unknown, _k, x) {
                    return x && typeof x === "object" && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).reverse()) : x;
                });
                assert.equal(sortedJson(reversed), sortedJson(v));
                assert.deepEqual(JSON.parse(sortedJson(v)), sortKeysDeep(JSON.parse(JSON.stringify(v))));
            }),
            { numRuns: 100 },
        );
    });
});
