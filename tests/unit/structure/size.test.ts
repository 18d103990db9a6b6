/**
 * Size limits of the component package and the program: no file in components/ or stacks/ over
 * 450 lines and no function (declaration, method, constructor, accessor, arrow or function
 * expression) over 80 lines, counted from its first token to its closing brace with its nested
 * functions. A file that grows past them is split by concept (CONTRIBUTING.md).
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";

export const MAX_FILE_LINES = 450;
export const MAX_FUNCTION_LINES = 80;
const REPO_ROOT = path.resolve(__dirname, "../../..");
const ROOTS = ["components", "stacks"];

/**
 * Functions still over the limit, by `file name`: each must shrink and leave this list (a listed
 * function that fits fails the test too, so the list only gets shorter). Nothing may join it.
 */
const KNOWN_LONG_FUNCTIONS: readonly string[] = [];

export interface Oversize {
    /** `file:line name` */
    where: string;
    lines: number;
}

/** `file name`, the key of KNOWN_LONG_FUNCTIONS. */
function key(o: Oversize): string {
    return o.where.replace(/:\d+ /, " ");
}

function sourceFiles(dir: string): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .sort((a, b) => a.name.localeCompare(b.name))
        .flatMap((e) => {
            const p = path.join(dir, e.name);
            if (e.isDirectory()) return e.name === "node_modules" ? [] : sourceFiles(p);
            return /\.ts$/.test(e.name) && !/\.d\.ts$/.test(e.name) ? [p] : [];
        });
}

function functionName(node: ts.Node): string {
    const named = node as ts.Node & { name?: ts.Node };
    if (named.name && ts.isIdentifier(named.name)) return named.name.text;
    if (ts.isConstructorDeclaration(node)) return "constructor";
    const parent = node.parent;
    if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) {
        return parent.name.text;
    }
    return "<anonymous>";
}

/** The functions of one source text longer than `max` lines, as `file:line name`. */
export function longFunctions(file: string, text: string, max = MAX_FUNCTION_LINES): Oversize[] {
    const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
    const out: Oversize[] = [];
    const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
            const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
            const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
            const lines = end - start + 1;
            if (lines > max) out.push({ where: `${file}:${start + 1} ${functionName(node)}`, lines });
        }
        ts.forEachChild(node, visit);
    };
    visit(sf);
    return out;
}

/** The line count of a source text (a final newline does not start a line). */
export function lineCount(text: string): number {
    return text.length === 0 ? 0 : text.replace(/\n$/, "").split("\n").length;
}

describe("structure: file and function size", () => {
    const files = ROOTS.flatMap((r) => sourceFiles(path.join(REPO_ROOT, r)));

    it("finds the sources it checks", () => {
        assert.ok(files.length > 50, `only ${files.length} files under ${ROOTS.join(", ")}`);
    });

    it(`no file in ${ROOTS.join("/ or ")}/ is over ${MAX_FILE_LINES} lines`, () => {
        const over = files
            .map((f) => ({ where: path.relative(REPO_ROOT, f), lines: lineCount(fs.readFileSync(f, "utf8")) }))
            .filter((o) => o.lines > MAX_FILE_LINES);
        assert.deepEqual(over, [], over.map((o) => `${o.where}: ${o.lines} lines`).join("\n"));
    });

    it(`no function in ${ROOTS.join("/ or ")}/ is over ${MAX_FUNCTION_LINES} lines (but the known ones, which only shrink)`, () => {
        const over = files.flatMap((f) => longFunctions(path.relative(REPO_ROOT, f), fs.readFileSync(f, "utf8")));
        const fresh = over.filter((o) => !KNOWN_LONG_FUNCTIONS.includes(key(o)));
        assert.deepEqual(fresh, [], fresh.map((o) => `${o.where}: ${o.lines} lines`).join("\n"));
        const fixed = KNOWN_LONG_FUNCTIONS.filter((k) => !over.some((o) => key(o) === k));
        assert.deepEqual(fixed, [], `now within ${MAX_FUNCTION_LINES} lines: remove from KNOWN_LONG_FUNCTIONS`);
    });

    describe("the counters", () => {
        const body = (n: number) => Array.from({ length: n - 2 }, (_, i) => `    const v${i} = ${i};`).join("\n");

        it("flags a function one line over the limit and passes one at the limit", () => {
            const text = `export function big() {\n${body(81)}\n}\nconst ok = () => {\n${body(80)}\n};\n`;
            assert.deepEqual(longFunctions("x.ts", text), [{ where: "x.ts:1 big", lines: 81 }]);
        });

        it("sees methods, constructors and arrow functions in properties", () => {
            const text = `class C {\n    constructor() {\n${body(82)}\n    }\n    m = () => {\n${body(90)}\n    };\n}\n`;
            assert.deepEqual(
                longFunctions("c.ts", text).map((o) => o.where),
                ["c.ts:2 constructor", `c.ts:${2 + 82} m`],
            );
        });

        it("counts lines without a phantom final line", () => {
            assert.equal(lineCount("a\nb\n"), 2);
            assert.equal(lineCount("a\nb"), 2);
            assert.equal(lineCount(""), 0);
        });
    });
});
