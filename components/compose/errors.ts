/** The one error type the compose compiler throws: always one line, naming file, service, field and rule. */
import * as pulumi from "@pulumi/pulumi";

export interface ComposeErrorLocation {
    /** The compose file (or `<options>` for component/CLI options). */
    file: string;
    /** The compose service the problem is in, when there is one. */
    service?: string;
    /** The field path inside the service or file, e.g. `ports[1]`, `environment.DB_PASSWORD`. */
    field?: string;
}

/** A RunError, so a Pulumi program using ComposeApp prints the line without a stack trace. */
export class ComposeError extends pulumi.RunError {
    readonly file: string;
    readonly service?: string;
    readonly field?: string;
    readonly rule: string;

    constructor(location: ComposeErrorLocation, rule: string) {
        super(formatLocation(location) + oneLine(rule));
        this.name = "ComposeError";
        this.file = location.file;
        this.service = location.service;
        this.field = location.field;
        this.rule = oneLine(rule);
    }
}

/** `file: service "x": field: ` — the prefix shared by errors and warnings. */
export function formatLocation(location: ComposeErrorLocation): string {
    let out = `${location.file}: `;
    if (location.service !== undefined) out += `service "${location.service}": `;
    if (location.field !== undefined && location.field !== "") out += `${location.field}: `;
    return out;
}

function oneLine(text: string): string {
    return text.replace(/\s*\n\s*/g, " ").trim();
}

/** Longest user value echoed in a message: enough to recognise it, never a whole file or secret blob. */
export const MAX_ECHO = 60;

/** A user value for a message: JSON-quoted, on one line, cut to MAX_ECHO characters. */
export function excerpt(value: string): string {
    const quoted = JSON.stringify(value);
    return quoted.length <= MAX_ECHO ? quoted : `${quoted.slice(0, MAX_ECHO - 4)}…" (${value.length} characters)`;
}
