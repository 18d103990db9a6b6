/**
 * LabelPairIndex lets the stack rules (obs-metrics, net-policy-coverage, net-dangling-refs) look
 * up the objects a selector concerns instead of scanning a namespace per workload. Its
 * candidates must hold every match, in input order: checked against a full scan on random
 * namespaces, labels and selectors (map selectors and LabelSelectors with matchExpressions).
 */
import * as assert from "assert";
import * as fc from "fast-check";
import { LabelPairIndex, LabelSelector, mapSelectorMatches, selectorMatches } from "../../../policy/lib/k8s";

const labelMap = fc.dictionary(fc.constantFrom("a", "b", "c", "app.kubernetes.io/name"), fc.constantFrom("x", "y", "z", "1"), { maxKeys: 3 });
const ns = fc.constantFrom("n1", "n2", "default");
const expressions = fc.array(
    fc.record({
        key: fc.constantFrom("a", "b", "c"),
        operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist"),
        values: fc.array(fc.constantFrom("x", "y")),
    }),
    { maxLength: 2 },
);
const labelSelector = fc.record({ matchLabels: fc.option(labelMap, { nil: undefined }), matchExpressions: fc.option(expressions, { nil: undefined }) });

describe("LabelPairIndex finds every object a selector concerns", () => {
    it("GIVEN objects filed by selector WHEN queried by labels THEN the matches are a full scan's, in input order (fast-check)", () => {
        fc.assert(
            fc.property(fc.array(fc.tuple(ns, labelSelector), { maxLength: 12 }), ns, labelMap, (objs, qNs, labels) => {
                const index = new LabelPairIndex<number>();
                objs.forEach(([n, sel], i) => index.addSelector(n, sel.matchLabels, i));
                const scan = objs.map((_, i) => i).filter((i) => objs[i][0] === qNs && selectorMatches(objs[i][1] as LabelSelector, labels));
                assert.deepStrictEqual(
                    index.selecting(qNs, labels).filter((i) => selectorMatches(objs[i][1] as LabelSelector, labels)),
                    scan,
                );
                const maps = objs.map(([, sel]) => sel.matchLabels ?? {});
                const mapIndex = new LabelPairIndex<number>();
                objs.forEach(([n], i) => mapIndex.addSelector(n, maps[i], i));
                assert.deepStrictEqual(
                    mapIndex.selecting(qNs, labels).filter((i) => mapSelectorMatches(maps[i], labels)),
                    objs.map((_, i) => i).filter((i) => objs[i][0] === qNs && mapSelectorMatches(maps[i], labels)),
                );
            }),
            { numRuns: 2000 },
        );
    });

    it("GIVEN objects filed by their labels WHEN queried by a non-empty map selector THEN the matches are a full scan's (fast-check)", () => {
        fc.assert(
            fc.property(fc.array(fc.tuple(ns, labelMap), { maxLength: 12 }), ns, labelMap, (objs, qNs, sel) => {
                fc.pre(Object.keys(sel).length > 0);
                const index = new LabelPairIndex<number>();
                objs.forEach(([n, labels], i) => index.addLabels(n, labels, i));
                assert.deepStrictEqual(
                    index.withPairs(qNs, sel).filter((i) => mapSelectorMatches(sel, objs[i][1])),
                    objs.map((_, i) => i).filter((i) => objs[i][0] === qNs && mapSelectorMatches(sel, objs[i][1])),
                );
            }),
            { numRuns: 2000 },
        );
    });
});
