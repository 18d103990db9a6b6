/**
 * Validation as data: every component exposes `xProblems(args): Problem[]`, and its constructor
 * throws one `ValidationError` carrying them. Callers that need the details (the compose compiler,
 * the config loader) read `error.problems`; nobody parses a message back.
 */

/** One rule the args break: where (key path), which rule, and the value found. */
export interface Problem {
    /** Key path inside the args, e.g. `hpa.maxReplicas`, `clients[]`, `volumes[0].claim.size`. */
    path: string;
    /** The rule, phrased to follow the path: `must be odd and >= 3 (2f+1)`. */
    rule: string;
    /** The offending value; omitted when the rule is about a combination of fields. */
    value?: unknown;
}

/** A problem at `path`; `value` is reported as `got <value>` (strings quoted, `[]` for empty lists). */
export function problem(path: string, rule: string, ...value: [] | [unknown]): Problem {
    return value.length ? { path, rule, value: value[0] } : { path, rule };
}

/** `[]` when `ok`, else the one problem (for validators that collect). */
export function check(ok: boolean, path: string, rule: string, ...value: [] | [unknown]): Problem[] {
    return ok ? [] : [problem(path, rule, ...value)];
}

/** The problems of a nested object, their paths under `prefix` (`backup` + `schedule` -> `backup.schedule`). */
export function under(prefix: string, problems: Problem[]): Problem[] {
    return problems.map((p) => ({ ...p, path: p.path ? `${prefix}.${p.path}` : prefix }));
}

function formatValue(v: unknown): string {
    if (typeof v === "string") return `"${v}"`;
    if (typeof v === "number" || typeof v === "boolean" || v === null || v === undefined) return String(v);
    return JSON.stringify(v);
}

/** `replicas must be odd and >= 3 (2f+1), got 4`. */
export function formatProblem(p: Problem): string {
    const head = p.path ? `${p.path} ${p.rule}` : p.rule;
    return "value" in p ? `${head}, got ${formatValue(p.value)}` : head;
}

/** The one error components throw for bad args: names the component and lists every problem. */
export class ValidationError extends Error {
    /** The component type, e.g. `Redis`. */
    readonly component: string;
    /** The Pulumi name of the component instance. */
    readonly resourceName: string;
    readonly problems: Problem[];

    constructor(component: string, resourceName: string, problems: Problem[]) {
        super(`invalid ${component} args for ${resourceName}:\n  - ${problems.map(formatProblem).join("\n  - ")}`);
        this.name = "ValidationError";
        this.component = component;
        this.resourceName = resourceName;
        this.problems = problems;
    }
}

/** Throws a `ValidationError` when there is any problem. */
export function assertNoProblems(component: string, resourceName: string, problems: Problem[]): void {
    if (problems.length) throw new ValidationError(component, resourceName, problems);
}
