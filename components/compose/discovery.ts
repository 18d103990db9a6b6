/**
 * Infrastructure discovery (seed 004 "Infrastructure Discovery"): mongo/mongodb, redis,
 * postgres/postgresql, qdrant and neo4j provided by the same compose project or handed in by the
 * stack become `{service}.{namespace}.svc.cluster.local:{port}` endpoints, offered to env vars
 * that reference them (`REDIS_URL`, `QDRANT_URL`, `MONGO_URL`, `NEO4J_URI`, ...).
 */

/** A kind of infrastructure the compiler discovers and offers to env vars. */
export const InfraKind = {
    Mongo: "mongo",
    Redis: "redis",
    Postgres: "postgres",
    Qdrant: "qdrant",
    Neo4j: "neo4j",
} as const;
/** A kind of infrastructure: `mongo`, `redis`, `postgres`, `qdrant` or `neo4j`. */
export type InfraKind = (typeof InfraKind)[keyof typeof InfraKind];

export const INFRA_KINDS: readonly InfraKind[] = ["mongo", "neo4j", "postgres", "qdrant", "redis"];

/** A Service providing one kind of infrastructure. */
export interface DiscoveredService {
    /** What it provides. */
    kind: InfraKind;
    /** Kubernetes Service name. */
    service: string;
    /** The Service's namespace. */
    namespace: string;
    /** The client port (mongo 27017, redis 6379, postgres 5432, qdrant 6333 HTTP, neo4j 7687 bolt). */
    port: number;
}

/** Discovered infrastructure, one field per kind: at most one provider per kind. */
export interface DiscoveredInfrastructure {
    /** The MongoDB Service (`MONGO_URL`, `MONGODB_URI`, ...). @default none */
    mongo?: DiscoveredService;
    /** The Redis Service (`REDIS_URL`, ...). @default none */
    redis?: DiscoveredService;
    /** The PostgreSQL Service (`POSTGRES_HOST`, `PGHOST`, ...). @default none */
    postgres?: DiscoveredService;
    /** The Qdrant Service (`QDRANT_URL`, ...). @default none */
    qdrant?: DiscoveredService;
    /** The Neo4j Service (`NEO4J_URI`, ...). @default none */
    neo4j?: DiscoveredService;
}

/** seed 004: default client ports of the scanned infrastructure. */
export const DEFAULT_INFRA_PORTS: Readonly<Record<InfraKind, number>> = {
    mongo: 27017,
    redis: 6379,
    postgres: 5432,
    qdrant: 6333,
    neo4j: 7687,
};

/** seed 004 scan list: service or image names that identify each kind. */
const KIND_NAMES: Readonly<Record<InfraKind, readonly string[]>> = {
    mongo: ["mongo", "mongodb"],
    redis: ["redis"],
    postgres: ["postgres", "postgresql"],
    qdrant: ["qdrant"],
    neo4j: ["neo4j"],
};

/** The image's repository basename without registry, namespace or tag: `docker.io/qdrant/qdrant:v1.12` -> `qdrant`. */
export function imageBaseName(image: string): string {
    const noDigest = image.split("@")[0];
    const lastSlash = noDigest.lastIndexOf("/");
    const tail = noDigest.slice(lastSlash + 1);
    return tail.split(":")[0].toLowerCase();
}

/** Which kind a compose service provides, judged by its service name first, then its image. */
export function infraKindOf(serviceName: string, image: string | undefined): InfraKind | undefined {
    const byName = (candidate: string) => INFRA_KINDS.find((k) => KIND_NAMES[k].includes(candidate.toLowerCase()));
    return byName(serviceName) ?? (image ? byName(imageBaseName(image)) : undefined);
}

/** `{service}.{namespace}.svc.cluster.local:{port}` (seed 004 ClusterIP connection string). */
export function clusterEndpoint(s: Pick<DiscoveredService, "service" | "namespace" | "port">): string {
    return `${s.service}.${s.namespace}.svc.cluster.local:${s.port}`;
}

export function clusterHost(s: Pick<DiscoveredService, "service" | "namespace">): string {
    return `${s.service}.${s.namespace}.svc.cluster.local`;
}

/**
 * Finds infrastructure among compose services. `services` lists name, image and container ports;
 * the first service of each kind (in name order) wins so the result is deterministic.
 */
export function discoverInfrastructure(
    services: ReadonlyArray<{ name: string; image?: string; ports: readonly number[] }>,
    namespace: string,
): DiscoveredInfrastructure {
    const found: DiscoveredInfrastructure = {};
    for (const s of [...services].sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const kind = infraKindOf(s.name, s.image);
        if (!kind || found[kind]) continue;
        const wanted = DEFAULT_INFRA_PORTS[kind];
        const port = s.ports.includes(wanted) || s.ports.length === 0 ? wanted : s.ports[0];
        found[kind] = { kind, service: s.name, namespace, port };
    }
    return found;
}

/**
 * The env values discovery offers, by variable name. Only connection endpoints, never
 * credentials: URLs are built without userinfo (credentials stay in Secrets).
 */
export function infrastructureVariables(infra: DiscoveredInfrastructure): Record<string, string> {
    const vars: Record<string, string> = {};
    const put = (names: string[], value: string) => names.forEach((n) => (vars[n] = value));
    for (const kind of INFRA_KINDS) {
        const s = infra[kind];
        if (!s) continue;
        const host = clusterHost(s);
        const port = String(s.port);
        const endpoint = clusterEndpoint(s);
        switch (kind) {
            case "mongo":
                put(["MONGO_URL", "MONGO_URI", "MONGODB_URL", "MONGODB_URI"], `mongodb://${endpoint}`);
                put(["MONGO_HOST", "MONGODB_HOST"], host);
                put(["MONGO_PORT", "MONGODB_PORT"], port);
                break;
            case "redis":
                put(["REDIS_URL", "REDIS_URI"], `redis://${endpoint}`);
                put(["REDIS_HOST"], host);
                put(["REDIS_PORT"], port);
                break;
            case "postgres":
                put(["POSTGRES_HOST", "PGHOST"], host);
                put(["POSTGRES_PORT", "PGPORT"], port);
                break;
            case "qdrant":
                put(["QDRANT_URL"], `http://${endpoint}`);
                put(["QDRANT_HOST"], host);
                put(["QDRANT_PORT"], port);
                break;
            case "neo4j":
                put(["NEO4J_URI", "NEO4J_URL"], `bolt://${endpoint}`);
                put(["NEO4J_HOST"], host);
                put(["NEO4J_PORT"], port);
                break;
        }
    }
    return vars;
}
