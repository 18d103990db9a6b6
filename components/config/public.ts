/**
 * `agent-platform/config`: the stack-config half of the package, for a Pulumi program that reads
 * its stack config the way this repository's program does (stacks/ imports it by this name).
 * Zod field rules and the platform-wide sections, the loader that turns raw config into a typed
 * value or throws one ConfigError naming every bad key path and rule, the mapping from the
 * `cluster` section to EksCluster args, and the confined file and YAML readers that config-named
 * files go through. Needs `zod` (a dependency) and no `@pulumi/aws`. The components themselves
 * never read stack config: they take typed args (`agent-platform`, `agent-platform/aws`).
 */

// The platform-wide sections, their loader and its errors.
export { PROJECT, ConfigError, ConfigIssue, Environment, PlatformBase, SystemFacts, loadStackConfig, platformBaseIssues, platformBaseShape } from "./schema";
export { ImageOverrides } from "./images";
export { Capability, CAPABILITY_REQUIREMENTS } from "./capabilities";
export { NetworkPolicyEnforcement, existingNetworkPolicyEnforcement, apiServerScope, privateNetworkScope } from "./cluster";
export { remoteSecretName } from "./secrets";
export { toEksClusterArgs } from "./eks";

// Zod rules for a system's own config section (one message per broken rule, key path included).
export {
    quantity,
    pinnedImage,
    resources,
    storage,
    hpa,
    replicas,
    raftReplicas,
    dnsLabel,
    cronSchedule,
    goDuration,
    veleroBackup,
    namespaceQuota,
    ipv4Cidr,
} from "./common";

// Files named by config, read confined to a root directory (no symlink or `..` escape), and YAML.
export { InputError, realRoot, readTextInside, readTextFile } from "../input/files";
export { parseYaml } from "../input/yaml";
