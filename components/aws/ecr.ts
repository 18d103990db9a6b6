/**
 * ECR repositories for the project's own images: scanned on push, immutable tags, encrypted with
 * the cluster's KMS key, and a lifecycle policy; plus optional pull-through cache rules for
 * public registries that need no credentials. Pure builders + one wiring function.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { PullThroughCachePrefix } from "./types";

/** Public registries ECR can cache without credentials (ECR user guide, "Pull through cache"). */
export const PULL_THROUGH_UPSTREAMS: Readonly<Record<PullThroughCachePrefix, string>> = {
    "ecr-public": "public.ecr.aws",
    k8s: "registry.k8s.io",
    quay: "quay.io",
};

/** ECR lifecycle policy (pure): untagged images expire after `untaggedDays`; at most `keepImages` images are kept. */
export function ecrLifecyclePolicy(untaggedDays: number, keepImages: number): { rules: object[] } {
    return {
        rules: [
            {
                rulePriority: 1,
                description: `expire untagged images after ${untaggedDays} days`,
                selection: { tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: untaggedDays },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `keep the newest ${keepImages} images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepImages },
                action: { type: "expire" },
            },
        ],
    };
}

/** Inputs of one repository (pure): scan on push, IMMUTABLE tags, KMS encryption, never force-deleted. */
export function ecrRepositorySpec(repoName: string, kmsKeyArn: pulumi.Input<string>, tags: Record<string, string>): aws.ecr.RepositoryArgs {
    return {
        name: repoName,
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: kmsKeyArn }],
        forceDelete: false,
        tags,
    };
}

export interface EcrPlan {
    repositories: string[];
    untaggedDays: number;
    keepImages: number;
    pullThroughCache: PullThroughCachePrefix[];
    kmsKeyArn: pulumi.Input<string>;
    tags: Record<string, string>;
}

/** Creates the repositories (with lifecycle policies) and cache rules under `parent`. */
export function createEcr(name: string, a: EcrPlan, parent: pulumi.Resource): Record<string, aws.ecr.Repository> {
    const repos: Record<string, aws.ecr.Repository> = {};
    for (const repoName of a.repositories) {
        const id = repoName.replace(/[^a-z0-9-]/g, "-");
        const repo = new aws.ecr.Repository(`${name}-ecr-${id}`, ecrRepositorySpec(repoName, a.kmsKeyArn, a.tags), { parent });
        new aws.ecr.LifecyclePolicy(
            `${name}-ecr-${id}-lifecycle`,
            { repository: repo.name, policy: JSON.stringify(ecrLifecyclePolicy(a.untaggedDays, a.keepImages)) },
            { parent },
        );
        repos[repoName] = repo;
    }
    for (const prefix of a.pullThroughCache) {
        new aws.ecr.PullThroughCacheRule(
            `${name}-ecr-cache-${prefix}`,
            { ecrRepositoryPrefix: prefix, upstreamRegistryUrl: PULL_THROUGH_UPSTREAMS[prefix] },
            { parent },
        );
    }
    return repos;
}
