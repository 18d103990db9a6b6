/**
 * The `cluster: { provider: "eks", ... }` variant of the cluster union. The schema lives with
 * the EksCluster component's config (components/config/eks.ts); the environment-dependent rules
 * are applied by the platform schema, which knows the environment.
 */
export { eksClusterConfigSchema as eksClusterSchema, validateEksForEnvironment } from "./eks";
