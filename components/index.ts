/**
 * The `agent-platform` component package: its public API. Every name is exported explicitly; the
 * modules behind it (validation helpers, spec builders, seed tables) are internal and may change
 * in any release. The EKS part, which needs `@pulumi/aws`, is the separate entry point
 * `agent-platform/aws`.
 */

// Errors every component throws on bad input (one message naming each key path and rule).
export { ValidationError, Problem } from "./kube/problems";

// Shared argument types.
export { Labels } from "./kube/labels";
export { ClusterCapabilities } from "./kube/capabilities";
export {
    PortSpec,
    Protocol,
    ProbeSet,
    HealthCheck,
    ResourceSpec,
    ResourceQuantities,
    CpuMemory,
    SecurityOptions,
    PodPlacement,
    AntiAffinity,
} from "./kube/pod";
export { TrafficRule, TrafficPort, NetworkPeer } from "./kube/network";
export { ServiceAccountSpec } from "./kube/service-account";
export { ServiceMonitorOptions } from "./kube/service-monitor";
export { ReplicaVolumeSpec, DataStoreArgs } from "./kube/stateful-set";
export { ExporterArgs } from "./kube/exporter";
export { WorkloadFootprint } from "./kube/quota";
export { SecretKeyRef, PasswordSecretSpec, UrlSecretSpec, CredentialArgs } from "./kube/credentials";

// Namespaces.
export { PlatformNamespace, PlatformNamespaceArgs, PodSecurityLevel, PodSecuritySpec, QuotaSpec, LimitRangeSpec } from "./kube/platform-namespace";

// Workloads.
export { AgentService } from "./kube/agent-service";
export {
    WorkloadArgs,
    AgentServiceArgs,
    PodsMetric,
    HpaSpec,
    PdbSpec,
    VpaSpec,
    VpaUpdateMode,
    ClaimSpec,
    StorageMedium,
    EmptyDirSpec,
    VolumeSpec,
    ServicePortSpec,
    ServiceType,
    WorkloadKind,
    ServiceSpec,
    DeploymentStrategy,
    NetworkSpec,
    SecretKeySelector,
    OwnedConfigMap,
    OwnedSecret,
    EnvFromSpec,
    ObjectNames,
} from "./kube/agent-service-args";
export { agentServiceFootprint } from "./kube/agent-service-spec";
export { SingletonWorker, SingletonWorkerArgs, singletonWorkerFootprint } from "./kube/singleton-worker";
export { RaftCluster, RaftClusterArgs, RaftClientService, ClientServiceType, raftClusterFootprint } from "./kube/raft-cluster";
export { ConfigBundle, ConfigBundleArgs, BundleConfigMap, BundleSecret } from "./kube/config-bundle";
export { ServiceEndpoint, ServiceEndpointArgs, EndpointPortSpec } from "./kube/service-endpoint";

// Data stores.
export { Redis, RedisArgs, RedisStorage, MaxmemoryPolicy, redisFootprint } from "./kube/redis";
export { Postgres, PostgresArgs, PostgresStorage, PostgresBackup, postgresFootprints } from "./kube/postgres";
export { DumpDestination, S3Destination, PvcDestination } from "./kube/pg-dump";
export { Backups, BackupsArgs, VeleroBackupTemplate } from "./kube/backups";

// Traffic, mesh and ingress.
export { MeshPolicy, MeshPolicyArgs, MtlsMode, PlaintextPorts } from "./kube/service-mesh";
export { WebIngress, WebIngressArgs, IngressRoute, IngressTls, PathType } from "./kube/web-ingress";

// Monitoring and storage classes.
export {
    MonitoringRules,
    MonitoringRulesArgs,
    AlertRule,
    AlertGroup,
    AlertOptions,
    PlatformAlertOptions,
    MetricsService,
    MetricsServiceArgs,
    MetricsServiceMonitor,
} from "./kube/monitoring";
export { CustomMetricsAdapter, CustomMetricsAdapterArgs, AdapterRule } from "./kube/custom-metrics";
export {
    SystemDashboard,
    SystemDashboardArgs,
    DashboardInput,
    DashboardWorkload,
    DashboardHpa,
    ExporterKind,
    AppMetric,
    AppMetricType,
} from "./kube/dashboards";
export { EbsStorageClass, EbsStorageClassArgs, EbsVolumeType, FsType, ReclaimPolicy, VolumeBindingMode } from "./kube/storage";

// Docker Compose files as AgentServices.
export { ComposeApp, ComposeAppArgs } from "./compose/compose-app";

// Container logs on clusters the EKS part does not provision (also `agent-platform/logging`).
export {
    FluentBit,
    FluentBitArgs,
    FluentBitOutputArgs,
    FluentBitCloudWatchOutput,
    FluentBitForwardOutput,
    FluentBitHttpOutput,
    FluentBitBasicAuth,
    DEFAULT_FLUENT_BIT_IMAGE,
} from "./kube/logging";

// Secrets Manager values merged into a Secret the platform owns (External Secrets Operator).
export { ExternalSecretSpec, createExternalSecret } from "./kube/external-secret";

// Helpers for wiring components together: in-cluster addresses, network allow-lists, the ports,
// images and peers the components use, annotations and labels, quantities.
export { serviceHost, serviceUrl } from "./kube/names";
export { TrafficGraph, FlowPeer, WorkloadRef } from "./kube/traffic";
export { INTERNET_HTTPS } from "./kube/network";
export { REDIS_PORT, REDIS_EXPORTER_IMAGE, redisNetworkRules } from "./kube/redis";
export { POSTGRES_PORT, POSTGRES_EXPORTER_IMAGE, postgresIngress } from "./kube/postgres";
export { DEFAULT_EXPORTER_RESOURCES, DEFAULT_METRICS_SCRAPER } from "./kube/exporter";
export { unmeshedIngressPorts } from "./kube/service-mesh";
export { DEFAULT_INGRESS_CLASS, ingressControllerPeer, acmeSolverPolicy } from "./kube/web-ingress";
export { prometheusScrapeAnnotations } from "./kube/service-monitor";
export { meshProxyAnnotations } from "./kube/mesh-proxy";
export { customMetricsOf } from "./kube/custom-metrics";
export { NAME_LABEL, PART_OF_LABEL, SINGLETON_LABEL } from "./kube/labels";
export { cpuMillis, memoryMi, formatCpu, formatMemory } from "./kube/quantity";
export { atLeast } from "./kube/quota";
export { sortedJson } from "./kube/sorted";
export { SkippedObject, collectSkipped } from "./kube/capabilities";

// The EKS components (EksCluster, IrsaRole) need @pulumi/aws, an optional peer dependency: TypeScript
// imports them from "agent-platform/aws". They are also on this entry as getters that load them on
// first read, so Pulumi's component provider puts them in the package schema (aws/lazy.ts, aws/README.md).
import { defineLazyEksComponents } from "./aws/lazy";
defineLazyEksComponents(exports);
