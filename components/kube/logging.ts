/**
 * `agent-platform/logging`: FluentBit, the opt-in log shipper for clusters the EKS part does not
 * provision. Also exported by the main entry (and so in the package schema); this entry point
 * stays for programs that import it from here.
 */
export { FluentBit, FluentBitArgs, DEFAULT_FLUENT_BIT_IMAGE } from "./fluent-bit";
export { FluentBitOutputArgs, FluentBitCloudWatchOutput, FluentBitForwardOutput, FluentBitHttpOutput, FluentBitBasicAuth } from "./fluent-bit-spec";
