/**
 * `agent-platform/logging`: FluentBit, the opt-in log shipper for clusters the EKS part does not
 * provision. A TypeScript entry point of its own, not the main one: its `output` is a union of
 * inline object types, a shape Pulumi's schema inference (`pulumi package add`, which reads the
 * main entry point) does not accept, so it would fail the package's schema for every language.
 */
export { FluentBit, FluentBitArgs, DEFAULT_FLUENT_BIT_IMAGE } from "./fluent-bit";
export { FluentBitOutputArgs } from "./fluent-bit-spec";
