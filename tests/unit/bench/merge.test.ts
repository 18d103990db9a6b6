import { strict as assert } from "assert";
import { mergeEarlier, Results, toMarkdown } from "../../../bench/lib/report";

const machine = (load: number) => ({ nproc: 2, cpuModel: "x", memoryGiB: 24, node: "v20", platform: "linux", loadAvgStart: [load, load, load] });
const run = (date: string, commit: string, load: number, sections: string[]): Results => ({
    date,
    command: "npm run bench",
    git: { commit, dirtyFiles: 0 },
    machine: machine(load),
    rows: sections.map((section) => ({ section, figure: `${section} figure`, value: 1, unit: "s", how: "measured" })),
    details: Object.fromEntries(sections.map((section) => [`${section}Table`, { section, title: `${section} table`, headers: ["a"], rows: [[date]] }])),
    notes: [],
});

describe("bench --merge: a partial run keeps the other sections of the earlier results", () => {
    it("GIVEN an earlier full run and a run of one section THEN the other sections are kept, labelled with their run, and the measured one is replaced", () => {
        const earlier = run("2026-12-07T18:00Z", "aaa", 12, ["Eval", "Tests"]);
        const now = run("2026-12-07T22:00Z", "bbb", 1, ["Eval"]);
        const m = mergeEarlier(now, earlier);
        assert.deepEqual(
            m.rows.map((r) => [r.section, r.how]),
            [
                ["Eval", "measured"],
                ["Tests", "measured [earlier run of 2026-12-07T18:00Z, commit aaa, load 12 / 12 / 12]"],
            ],
        );
        assert.deepEqual(Object.keys(m.details).sort(), ["EvalTable", "TestsTable"]);
        assert.deepEqual((m.details.EvalTable as { rows: string[][] }).rows, [["2026-12-07T22:00Z"]], "the measured section's table is this run's");
        assert.match(m.notes.join("\n"), /Sections not measured in this run, kept from the run of 2026-12-07T18:00Z, commit aaa, load 12 \/ 12 \/ 12: Tests\./);
        assert.match(toMarkdown(m), /## Tests\n/);
    });

    it("GIVEN a run that measured every earlier section THEN nothing is kept", () => {
        const now = run("2026-12-07T22:00Z", "bbb", 1, ["Eval", "Tests"]);
        assert.deepEqual(mergeEarlier(now, run("2026-12-07T18:00Z", "aaa", 12, ["Eval", "Tests"])), now);
    });
});
