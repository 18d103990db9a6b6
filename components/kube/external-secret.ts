/**
 * ExternalSecret (external-secrets.io/v1): keys of a Secret the platform owns, filled from an
 * external store (AWS Secrets Manager through a ClusterSecretStore) by the External Secrets
 * Operator. The Secret keeps its name, labels and generated keys; the operator merges the
 * external keys into it (`creationPolicy: Merge`), so workloads read one Secret either way.
 * CRD-gated on `externalSecrets`. Pure spec builder first, then the thin creator.
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { standardLabels } from "./labels";

export const EXTERNAL_SECRET_API_VERSION = "external-secrets.io/v1";

export interface ExternalSecretSpec {
    /** The Secret the keys are merged into (the ExternalSecret takes its name). */
    secretName: string;
    namespace: string;
    /** ClusterSecretStore name. */
    store: string;
    /** Secret data key -> remote secret name (the whole value of that Secrets Manager secret). */
    keys: Record<string, string>;
    /** Go duration between re-reads. */
    refreshInterval: string;
    partOf?: string;
}

/** The ExternalSecret object (keys sorted, so a second `pulumi up` shows no diff). Pure. */
export function externalSecretObject(s: ExternalSecretSpec): Record<string, unknown> {
    return {
        apiVersion: EXTERNAL_SECRET_API_VERSION,
        kind: "ExternalSecret",
        metadata: {
            name: s.secretName,
            namespace: s.namespace,
            labels: standardLabels(s.secretName, { partOf: s.partOf, component: "config" }),
            // pulumi-kubernetes waits until the operator reports the keys synced before dependents run.
            annotations: { "pulumi.com/waitFor": "condition=Ready" },
        },
        spec: {
            refreshInterval: s.refreshInterval,
            secretStoreRef: { kind: "ClusterSecretStore", name: s.store },
            // Merge: the Secret stays the platform's (labels, generated keys); Retain: deleting the
            // ExternalSecret leaves the values until the Secret itself goes.
            target: { name: s.secretName, creationPolicy: "Merge", deletionPolicy: "Retain" },
            data: Object.keys(s.keys)
                .sort()
                .map((k) => ({ secretKey: k, remoteRef: { key: s.keys[k] } })),
        },
    };
}

/** Creates the ExternalSecret when the cluster serves its CRD (else logs what it skipped and returns undefined). */
export function createExternalSecret(
    name: string,
    s: ExternalSecretSpec,
    caps: ClusterCapabilities | undefined,
    opts: pulumi.CustomResourceOptions,
): k8s.apiextensions.CustomResource | undefined {
    if (!crdAvailable(caps, "externalSecrets", `ExternalSecret ${s.namespace}/${s.secretName}`)) return undefined;
    return new k8s.apiextensions.CustomResource(name, externalSecretObject(s) as unknown as k8s.apiextensions.CustomResourceArgs, opts);
}
