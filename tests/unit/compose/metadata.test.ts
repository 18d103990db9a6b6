import { strict as assert } from "assert";
import { composeLabelAnnotations, configHash, serviceAnnotations, serviceLabels } from "../../../components/compose/metadata";
import { context, service } from "./fixtures";

describe("compose/metadata", () => {
    it("GIVEN extra labels THEN they are sorted; the compiler's own labels and bad keys or values are refused", () => {
        assert.deepEqual(Object.keys(serviceLabels("api", "shop", { labels: { z: "1", a: "2" } }, context())), ["a", "z"]);
        assert.throws(
            () => serviceLabels("api", "shop", { labels: { "app.kubernetes.io/part-of": "x" } }, context()),
            /is set by the compiler and cannot be overridden/,
        );
        assert.throws(() => serviceLabels("api", undefined, { labels: { "bad key!": "x" } }, context()), /is not a valid label key/);
        assert.throws(() => serviceLabels("api", undefined, { labels: { team: "a b" } }, context()), /"a b" is not a valid label value/);
    });

    it("GIVEN annotations THEN they are sorted and every key is checked", () => {
        assert.deepEqual(serviceAnnotations({ annotations: { b: "1", a: "2" } }, context()), { a: "2", b: "1" });
        assert.equal(serviceAnnotations({}, context()), undefined);
        assert.throws(() => serviceAnnotations({ annotations: { "a/b/c": "1" } }, context()), /annotations.a\/b\/c: is not a valid annotation key/);
    });

    it("GIVEN compose labels THEN kompose.* are consumed, valid ones become annotations, invalid ones are warned about", () => {
        const ctx = context();
        const out = composeLabelAnnotations(service({ labels: { "kompose.service.type": "nodeport", "com.example/team": "a", "bad key": "x" } }), ctx.warn);
        assert.deepEqual(out, { "com.example/team": "a" });
        assert.match(ctx.warnings.join(), /labels.bad key: is not a valid Kubernetes annotation key; skipped/);
    });

    it("GIVEN the same data in any key order THEN the config hash is the same, and it changes with any value", () => {
        assert.equal(configHash({ a: "1", b: "2" }), configHash({ b: "2", a: "1" }));
        assert.notEqual(configHash({ a: "1" }), configHash({ a: "2" }));
        assert.match(configHash({}), /^[0-9a-f]{16}$/);
    });
});
