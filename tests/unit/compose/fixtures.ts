/** Hand-built compose services and contexts for the compiler modules' unit tests. */
import type { ComposeService } from "../../../components/compose/model";
import type { ServiceContext } from "../../../components/compose/spec";
import type { ComposeErrorLocation } from "../../../components/compose/errors";

export function service(patch: Partial<ComposeService> = {}): ComposeService {
    return { name: "api", image: "ghcr.io/acme/api:1.0.0", environment: [], ports: [], volumes: [], labels: {}, dependsOn: [], profiles: [], ...patch };
}

/** A context that records warnings and names locations like the compiler does. */
export function context(name = "api"): ServiceContext & { warnings: string[] } {
    const warnings: string[] = [];
    return {
        warnings,
        at: (field?: string): ComposeErrorLocation => ({ file: "compose.yml", service: name, field }),
        optAt: (field: string): ComposeErrorLocation => ({ file: "<options>", service: name, field }),
        warn: (svc, field, message) => warnings.push(`${svc ?? ""}:${field ?? ""}: ${message}`),
    };
}
