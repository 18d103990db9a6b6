/**
 * A small evaluator of GitHub Actions expressions, enough to run the workflows' `if:` conditions
 * and `${{ }}` values against a context in tests: literals, property access, `!`, `==`, `!=`,
 * `&&`, `||` (value-returning, as GitHub's), parentheses, and `format()`. String comparison is
 * case-insensitive, as on GitHub. Anything else throws, so a test never passes on a guess.
 */
export type Value = string | number | boolean | null | Value[] | { [k: string]: Value };
export type Context = Record<string, Value>;

type Token = { t: "str" | "num" | "id" | "op"; v: string };

function tokenize(src: string): Token[] {
    const out: Token[] = [];
    let i = 0;
    while (i < src.length) {
        const c = src[i];
        if (/\s/.test(c)) {
            i++;
            continue;
        }
        if (c === "'") {
            let s = "";
            i++;
            for (;;) {
                if (i >= src.length) throw new Error(`unterminated string in: ${src}`);
                if (src[i] === "'") {
                    if (src[i + 1] === "'") {
                        s += "'";
                        i += 2;
                        continue;
                    }
                    i++;
                    break;
                }
                s += src[i++];
            }
            out.push({ t: "str", v: s });
            continue;
        }
        const two = src.slice(i, i + 2);
        if (["==", "!=", "&&", "||"].includes(two)) {
            out.push({ t: "op", v: two });
            i += 2;
            continue;
        }
        if ("!().,".includes(c)) {
            out.push({ t: "op", v: c });
            i++;
            continue;
        }
        const num = /^[0-9]+(\.[0-9]+)?/.exec(src.slice(i));
        if (num) {
            out.push({ t: "num", v: num[0] });
            i += num[0].length;
            continue;
        }
        const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
        if (id) {
            out.push({ t: "id", v: id[0] });
            i += id[0].length;
            continue;
        }
        throw new Error(`unsupported character ${JSON.stringify(c)} in expression: ${src}`);
    }
    return out;
}

export function truthy(v: Value | undefined): boolean {
    return !(v === undefined || v === null || v === false || v === 0 || v === "" || (typeof v === "number" && Number.isNaN(v)));
}

function equal(a: Value | undefined, b: Value | undefined): boolean {
    const na = a === undefined ? null : a;
    const nb = b === undefined ? null : b;
    if (na === null || nb === null) return na === nb;
    if (typeof na === "string" && typeof nb === "string") return na.toLowerCase() === nb.toLowerCase();
    if (typeof na !== typeof nb) {
        // GitHub coerces mismatched types to numbers; the workflows here never rely on it
        throw new Error(`comparison of ${typeof na} with ${typeof nb} is not supported here`);
    }
    return na === nb;
}

function format(tpl: string, args: (Value | undefined)[]): string {
    return tpl.replace(/\{(\d+)\}/g, (_, n) => String(args[Number(n)] ?? ""));
}

/** Evaluates one expression (the inside of `${{ }}`, or a bare `if:` condition). */
export function evaluate(src: string, ctx: Context): Value | undefined {
    const toks = tokenize(src);
    let p = 0;
    const peek = () => toks[p];
    const eat = (v: string) => {
        if (toks[p]?.v !== v) throw new Error(`expected ${v} at token ${p} in: ${src}`);
        p++;
    };
    const or = (): Value | undefined => {
        let l = and();
        while (peek()?.v === "||") {
            p++;
            const r = and();
            l = truthy(l) ? l : r;
        }
        return l;
    };
    const and = (): Value | undefined => {
        let l = eq();
        while (peek()?.v === "&&") {
            p++;
            const r = eq();
            l = truthy(l) ? r : l;
        }
        return l;
    };
    const eq = (): Value | undefined => {
        let l = unary();
        while (peek()?.v === "==" || peek()?.v === "!=") {
            const op = toks[p++].v;
            const r = unary();
            l = op === "==" ? equal(l, r) : !equal(l, r);
        }
        return l;
    };
    const unary = (): Value | undefined => {
        if (peek()?.v === "!") {
            p++;
            return !truthy(unary());
        }
        return primary();
    };
    const primary = (): Value | undefined => {
        const tok = toks[p++];
        if (!tok) throw new Error(`unexpected end of expression: ${src}`);
        if (tok.t === "str") return tok.v;
        if (tok.t === "num") return Number(tok.v);
        if (tok.v === "(") {
            const v = or();
            eat(")");
            return v;
        }
        if (tok.t !== "id") throw new Error(`unexpected ${tok.v} in: ${src}`);
        if (tok.v === "true") return true;
        if (tok.v === "false") return false;
        if (tok.v === "null") return null;
        if (peek()?.v === "(") {
            p++;
            const args: (Value | undefined)[] = [];
            while (peek()?.v !== ")") {
                args.push(or());
                if (peek()?.v === ",") p++;
            }
            eat(")");
            if (tok.v === "format") return format(String(args[0]), args.slice(1));
            if (tok.v === "startsWith")
                return String(args[0] ?? "")
                    .toLowerCase()
                    .startsWith(String(args[1] ?? "").toLowerCase());
            throw new Error(`function ${tok.v}() is not supported here`);
        }
        if (!(tok.v in ctx)) throw new Error(`unknown context ${tok.v} in: ${src}`);
        let v: Value | undefined = ctx[tok.v];
        while (peek()?.v === ".") {
            p++;
            const name = toks[p++];
            if (name?.t !== "id") throw new Error(`expected a property name in: ${src}`);
            v = v !== null && typeof v === "object" && !Array.isArray(v) ? v[name.v] : undefined;
        }
        return v;
    };
    const v = or();
    if (p !== toks.length) throw new Error(`unexpected ${toks[p].v} in: ${src}`);
    return v;
}

/** An `if:` condition: bare or wrapped in `${{ }}`; GitHub treats a missing one as true. */
export function condition(src: string | undefined, ctx: Context): boolean {
    if (src === undefined) return true;
    const m = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(src);
    return truthy(evaluate(m ? m[1] : src, ctx));
}

/** A value with `${{ }}` parts substituted (a whole-value expression keeps its type). */
export function interpolate(src: unknown, ctx: Context): Value | undefined {
    if (typeof src !== "string") return src as Value;
    const whole = /^\$\{\{([\s\S]*?)\}\}$/.exec(src.trim());
    if (whole) return evaluate(whole[1], ctx);
    return src.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, e) => String(evaluate(e, ctx) ?? ""));
}
