/**
 * Input placeholders: stand-ins for values only known at deploy time (Pulumi Outputs). The
 * compiler works on plain strings; ComposeApp substitutes the Outputs back inside `apply`.
 */

export const INPUT_PLACEHOLDER = /\{\{pulumi-input:(\d+)\}\}/g;

export function inputPlaceholder(index: number): string {
    return `{{pulumi-input:${index}}}`;
}

export function containsPlaceholder(value: string): boolean {
    return new RegExp(INPUT_PLACEHOLDER.source).test(value);
}
