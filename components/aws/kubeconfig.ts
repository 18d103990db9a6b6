/**
 * Pure kubeconfig builder for an EKS cluster. Authentication is an exec credential
 * (`aws eks get-token`), so the kubeconfig holds no token and is identical on every run:
 * the `k8s.Provider` built from it is never replaced by a second `pulumi up`.
 */

export interface KubeconfigArgs {
    clusterName: string;
    /** API server endpoint (`https://...`). */
    endpoint: string;
    /** Base64 PEM of the cluster CA (`certificateAuthority.data`). */
    certificateAuthorityData: string;
    region: string;
    /** Optional named AWS profile the exec plugin uses (`AWS_PROFILE`). @default none */
    awsProfile?: string;
}

/** The `aws eks get-token` arguments for a cluster/region pair. */
export function getTokenArgs(clusterName: string, region: string): string[] {
    return ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"];
}

/** A kubeconfig object (serialise with `JSON.stringify`; JSON is valid YAML). */
export function buildKubeconfig(args: KubeconfigArgs): Record<string, unknown> {
    const exec: Record<string, unknown> = {
        apiVersion: "client.authentication.k8s.io/v1beta1",
        command: "aws",
        args: getTokenArgs(args.clusterName, args.region),
        interactiveMode: "Never",
    };
    if (args.awsProfile) exec.env = [{ name: "AWS_PROFILE", value: args.awsProfile }];
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: args.clusterName, cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthorityData } }],
        contexts: [{ name: args.clusterName, context: { cluster: args.clusterName, user: args.clusterName } }],
        "current-context": args.clusterName,
        users: [{ name: args.clusterName, user: { exec } }],
        preferences: {},
    };
}
