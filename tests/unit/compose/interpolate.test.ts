import { strict as assert } from "assert";
import { interpolate, layeredLookup, parseDotenv, rebaseUrl, resolveVariable } from "../../../components/compose/interpolate";

const vars: Record<string, string> = { SET: "value", EMPTY: "", HOST: "db", PORT: "5432" };
const lookup = (name: string) => vars[name];

describe("compose interpolation", () => {
    describe("GIVEN SET=value, EMPTY='' and UNSET unset", () => {
        const table: Array<[string, string]> = [
            ["plain text", "plain text"],
            ["$SET", "value"],
            ["${SET}", "value"],
            ["pre-${SET}-post", "pre-value-post"],
            ["$SET.txt", "value.txt"],
            ["$UNSET", ""],
            ["${UNSET}", ""],
            ["${UNSET:-default}", "default"],
            ["${EMPTY:-default}", "default"],
            ["${SET:-default}", "value"],
            ["${UNSET-default}", "default"],
            ["${EMPTY-default}", ""],
            ["${SET-default}", "value"],
            ["${SET:+alt}", "alt"],
            ["${EMPTY:+alt}", ""],
            ["${UNSET:+alt}", ""],
            ["${SET+alt}", "alt"],
            ["${EMPTY+alt}", "alt"],
            ["${UNSET+alt}", ""],
            ["${SET:?must be set}", "value"],
            ["${EMPTY?must exist}", ""],
            ["${UNSET:-}", ""],
            ["${UNSET:-a:b}", "a:b"],
            // nested defaults
            ["${UNSET:-${SET}}", "value"],
            ["${UNSET:-${ALSO_UNSET:-deep}}", "deep"],
            ["${UNSET:-postgres://${HOST}:${PORT:-1}/app}", "postgres://db:5432/app"],
            ["${SET:+https://${HOST}}", "https://db"],
            // escapes
            ["$$", "$"],
            ["$$SET", "$SET"],
            ["$${SET}", "${SET}"],
            ["cost: $$5", "cost: $5"],
            ["${UNSET:-$$HOME}", "$HOME"],
            ["$$$SET", "$value"],
        ];
        for (const [input, expected] of table) {
            it(`WHEN interpolating ${JSON.stringify(input)} THEN it yields ${JSON.stringify(expected)}`, () => {
                assert.equal(interpolate(input, lookup).value, expected);
            });
        }
    });

    it("records every variable looked up (for secret taint tracking), but not unused defaults' variables", () => {
        assert.deepEqual(interpolate("${A:-x}/$B/${SET:-${C}}", lookup).variables, ["A", "B", "SET"]);
        assert.deepEqual(interpolate("${UNSET:-${C}}", lookup).variables, ["C", "UNSET"]);
    });

    describe("errors", () => {
        const cases: Array<[string, RegExp]> = [
            ["${UNSET:?DB_PASSWORD must be set}", /required variable is missing or empty: UNSET \(DB_PASSWORD must be set\)/],
            ["${EMPTY:?}", /missing or empty: EMPTY/],
            ["${UNSET?}", /required variable is missing: UNSET/],
            ["${UNSET:-${INNER:?inner needed}}", /INNER \(inner needed\)/],
            ["${SET", /unterminated/],
            ["${}", /does not start with a variable name/],
            ["${1ABC}", /does not start with a variable name/],
            ["${SET:x}", /unsupported modifier ":x"/],
            ["price $5", /lone "\$"/],
            ["trailing $", /lone "\$"/],
        ];
        for (const [input, re] of cases) {
            it(`WHEN interpolating ${JSON.stringify(input)} THEN it throws ${re}`, () => {
                assert.throws(() => interpolate(input, lookup), re);
            });
        }
    });

    describe("resolution order (seed 004): explicit > settings > infrastructure > compose default", () => {
        const layers = {
            explicit: { A: "explicit" },
            settings: { A: "settings", B: "settings" },
            infrastructure: { A: "infra", B: "infra", C: "infra" },
        };
        it("GIVEN a variable in several layers THEN the highest layer wins and is reported", () => {
            assert.deepEqual(resolveVariable("A", layers), { value: "explicit", source: "explicit" });
            assert.deepEqual(resolveVariable("B", layers), { value: "settings", source: "settings" });
            assert.deepEqual(resolveVariable("C", layers), { value: "infra", source: "infrastructure" });
            assert.equal(resolveVariable("D", layers), undefined);
        });
        it("WHEN no layer has it THEN the compose default applies", () => {
            const l = layeredLookup(layers);
            assert.equal(interpolate("${A:-d}|${B:-d}|${C:-d}|${D:-d}", l).value, "explicit|settings|infra|d");
        });
        it("an explicit empty value counts as set for '-' but not for ':-'", () => {
            const l = layeredLookup({ explicit: { E: "" }, infrastructure: { E: "infra" } });
            assert.equal(interpolate("[${E-d}][${E:-d}]", l).value, "[][d]");
        });
        it("WHEN infrastructure answers a URL default THEN the default's credentials, path and query are kept", () => {
            const l = layeredLookup({ infrastructure: { MONGO_URL: "mongodb://mongo.ns.svc.cluster.local:27017" } });
            assert.equal(
                interpolate("${MONGO_URL:-mongodb://app:pw@mongo:27017/app?authSource=admin}", l).value,
                "mongodb://app:pw@mongo.ns.svc.cluster.local:27017/app?authSource=admin",
            );
            // explicit values are taken verbatim
            const e = layeredLookup({ explicit: { MONGO_URL: "mongodb://elsewhere:1" } });
            assert.equal(interpolate("${MONGO_URL:-mongodb://mongo:27017/app}", e).value, "mongodb://elsewhere:1");
        });
        it("rebaseUrl leaves non-URLs and different schemes alone", () => {
            assert.equal(rebaseUrl("redis.ns.svc.cluster.local", "redis"), "redis.ns.svc.cluster.local");
            assert.equal(rebaseUrl("redis://r.ns:6379", "http://x/y"), "redis://r.ns:6379");
            assert.equal(rebaseUrl("redis://r.ns:6379", "redis://redis:6379/2"), "redis://r.ns:6379/2");
        });
    });

    describe("dotenv files", () => {
        it("parses comments, export, quotes and keeps single-quoted values literal", () => {
            const entries = parseDotenv(`# c\nexport A=1\nB="two words"\nC='$NOT'\nD=x # trailing\n\nE=\n`);
            assert.deepEqual(
                entries.map((e) => [e.key, e.value]),
                [
                    ["A", "1"],
                    ["B", "two words"],
                    ["C", "$$NOT"],
                    ["D", "x"],
                    ["E", ""],
                ],
            );
            assert.equal(interpolate(entries[2].value, lookup).value, "$NOT");
        });
        it("names the line of a malformed entry", () => {
            assert.throws(() => parseDotenv("A=1\nnot a pair\n"), /line 2: expected KEY=VALUE/);
        });
    });
});
