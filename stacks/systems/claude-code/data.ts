/**
 * seed 002's data stores: Redis (sessions, task queue) and Postgres (tasks, nightly dump), with
 * their credentials Secrets, exporters and retained claims.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    DEFAULT_EXPORTER_RESOURCES,
    DumpDestination,
    ResourceSpec,
    PostgresArgs,
    formatCpu,
    formatMemory,
    cpuMillis,
    memoryMi,
    RedisArgs,
    TrafficGraph,
} from "agent-platform";
import { SystemContext, environmentDefaults, storageOf } from "../types";
import { ClaudeCodeConfig } from "./config";
import { BACKUP_CRONJOB, DATABASE, NAMESPACE, PART_OF, POSTGRES, POSTGRES_CLAIM, POSTGRES_CREDENTIALS, REDIS, REDIS_CREDENTIALS } from "./seed";
import { agentsPlacement } from "./workloads";

/** The Redis/Postgres exporter sidecars sized to at least the namespace LimitRange's minimum (seed 002: 50m/64Mi). */
export function exporterResources(c: ClaudeCodeConfig): ResourceSpec {
    const atLeastMin = (r: { cpu: string; memory: string }) => ({
        cpu: formatCpu(Math.max(cpuMillis(r.cpu), cpuMillis(c.limits.min.cpu))),
        memory: formatMemory(Math.max(memoryMi(r.memory), memoryMi(c.limits.min.memory))),
    });
    return { requests: atLeastMin(DEFAULT_EXPORTER_RESOURCES.requests), limits: atLeastMin(DEFAULT_EXPORTER_RESOURCES.limits) };
}

/**
 * The backup's IRSA role: the configured ARN, else the one the stack's EKS cluster created for it
 * (the schema's backup-role rule, `claudeCodeIssues`, admits no config without one of them).
 */
export function backupRoleArn(configured: string | undefined, ctx: Pick<SystemContext, "irsaRoleArn">): pulumi.Input<string> {
    return configured ?? (ctx.irsaRoleArn(BACKUP_CRONJOB) as pulumi.Output<string>);
}

/** Redis and Postgres (seed 002): credentials Secrets the agents read, exporters, retained claims, the nightly dump. */
export function dataStoreArgs(config: ClaudeCodeConfig, ctx: SystemContext, flows: TrafficGraph): { redis: RedisArgs; postgres: PostgresArgs } {
    const env = environmentDefaults(ctx.environment);
    const common = {
        namespace: NAMESPACE,
        exporter: true,
        exporterResources: exporterResources(config),
        retainVolumes: env.retainVolumes,
        capabilities: ctx.capabilities,
        placement: agentsPlacement(config, ctx),
        partOf: PART_OF,
    };
    const destination: DumpDestination =
        "s3" in config.backup.destination
            ? { s3: { ...config.backup.destination.s3, roleArn: backupRoleArn(config.backup.destination.s3.roleArn, ctx) } }
            : { pvc: storageOf(config.backup.destination.pvc) };
    return {
        redis: {
            ...common,
            statefulSetName: REDIS,
            serviceName: REDIS,
            clients: flows.clientsOf(REDIS),
            // seed 002: REDIS_URL from Secret `redis-credentials` key `url`; the password sits next to it.
            passwordSecret: { name: REDIS_CREDENTIALS, key: "password" },
            urlSecret: { name: REDIS_CREDENTIALS, key: "url" },
            storage: storageOf(config.redisStorage),
        },
        postgres: {
            ...common,
            statefulSetName: POSTGRES,
            clients: flows.clientsOf(POSTGRES),
            database: DATABASE,
            username: DATABASE,
            // seed 002: the backup reads DATABASE_URL from `postgres-credentials`/`url`.
            passwordSecret: { name: POSTGRES_CREDENTIALS, key: "password" },
            urlSecret: { name: POSTGRES_CREDENTIALS, key: "url" },
            storage: { claimName: POSTGRES_CLAIM, ...storageOf(config.postgresStorage) },
            // seed 002 postgres-backup: daily at 02:00, `claude-code-<date>.sql.gz`, to S3 (prod) through IRSA.
            backup: { cronJobName: BACKUP_CRONJOB, schedule: config.backup.schedule, destination, filePrefix: PART_OF },
        },
    };
}
