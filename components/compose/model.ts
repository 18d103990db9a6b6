/** The typed result of parsing a compose file (`parseCompose`): what the compiler reads. */
import type { VariableLookup } from "./interpolate";
import type { ComposePort } from "./ports";

export interface EnvEntry {
    name: string;
    /** Interpolated value; `undefined` when compose leaves it to the environment (`- KEY` / `KEY:`). */
    value?: string;
    /** Variables interpolated into the value. */
    variables: string[];
    /** Where it was defined (`environment` or `env_file <path>`), for messages. */
    origin: string;
}

export type VolumeMountType = "volume" | "bind" | "tmpfs" | "anonymous";

export interface ComposeVolumeMount {
    type: VolumeMountType;
    /** Named volume or host path; absent for tmpfs and anonymous volumes. */
    source?: string;
    target: string;
    readOnly: boolean;
    /** `volumes[2]` — for messages. */
    field: string;
}

export interface ComposeHealthcheck {
    /** The exec probe command (argv). `CMD-SHELL`/string forms become `["/bin/sh", "-c", cmd]`. */
    command: string[];
    intervalSeconds?: number;
    timeoutSeconds?: number;
    retries?: number;
    startPeriodSeconds?: number;
}

export interface ResourceQuantities {
    cpu?: string;
    memory?: string;
}

export interface ComposeService {
    name: string;
    image?: string;
    command?: string[];
    entrypoint?: string[];
    environment: EnvEntry[];
    ports: ComposePort[];
    volumes: ComposeVolumeMount[];
    /** `undefined` when absent; `null` when disabled (`disable: true` / `test: ["NONE"]`). */
    healthcheck?: ComposeHealthcheck | null;
    replicas?: number;
    /** deploy.resources converted to Kubernetes quantities (limits -> limits, reservations -> requests). */
    resources?: { limits?: ResourceQuantities; requests?: ResourceQuantities };
    labels: Record<string, string>;
    dependsOn: string[];
    profiles: string[];
    user?: string;
    workingDir?: string;
    stopGracePeriodSeconds?: number;
    tty?: boolean;
    stdinOpen?: boolean;
}

export interface ComposeVolumeDecl {
    name: string;
    /** `external: true` volumes are expected to exist as PVCs already. */
    external: boolean;
    labels: Record<string, string>;
}

export interface ComposeProject {
    file: string;
    name?: string;
    /** Active services (profiles applied), in file order. */
    services: ComposeService[];
    volumes: Record<string, ComposeVolumeDecl>;
    warnings: string[];
}

export interface ParseOptions {
    /** Name used in every message (usually the path as given). */
    file: string;
    /** Variable lookup for interpolation (see `layeredLookup`). Unset variables interpolate as "". */
    lookup?: VariableLookup;
    /** Reads an `env_file` (path as written in the compose file). Without it, `env_file` is an error. */
    readFile?: (path: string) => string;
    /** Active compose profiles; services with profiles are kept only when one is active. */
    profiles?: readonly string[];
}
