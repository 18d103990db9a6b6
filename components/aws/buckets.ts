/**
 * S3 buckets the stack owns (Velero's backup location, the Postgres dump target): versioned,
 * encrypted at rest, public access blocked, ACLs disabled, TLS-only, with a lifecycle rule.
 * Pure builders for the documents, one function wiring the resources.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ABORT_INCOMPLETE_UPLOAD_DAYS } from "./defaults";
import { PolicyDocument } from "./iam-policies";
import { ResolvedBucket } from "./resolved";

/**
 * The lifecycle rules of a bucket (pure): old versions expire after `noncurrentVersionDays`,
 * unfinished multipart uploads are aborted, and with `expirationDays` current objects expire too
 * (versioning keeps them as noncurrent versions for `noncurrentVersionDays` more).
 */
export function bucketLifecycleRules(b: ResolvedBucket): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
    return [
        {
            id: "expire-old-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: b.noncurrentVersionDays },
            abortIncompleteMultipartUpload: { daysAfterInitiation: ABORT_INCOMPLETE_UPLOAD_DAYS },
            ...(b.expirationDays !== undefined ? { expiration: { days: b.expirationDays } } : {}),
        },
    ];
}

/** Bucket policy denying every request that does not use TLS (AWS FSBP S3.5). Pure. */
export function tlsOnlyBucketPolicy(bucketArn: string): PolicyDocument {
    return {
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: { AWS: "*" },
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ],
    };
}

export interface Bucket {
    bucket: aws.s3.Bucket;
    /** Every resource that must exist before the bucket is used. */
    ready: pulumi.Resource[];
}

/**
 * Creates bucket `b.name` and its settings under `parent` (resource names `<name>-bucket-<bucket>-*`).
 * With `retainOnDelete` (prod) `pulumi destroy` leaves the bucket and its backups in the account.
 * SSE-S3 (AES256) keeps the IRSA roles that write to it free of KMS grants; the bucket key is on
 * for the day a KMS key is chosen.
 */
export function createBucket(name: string, b: ResolvedBucket, o: { tags: Record<string, string>; retainOnDelete: boolean }, parent: pulumi.Resource): Bucket {
    const opts = { parent };
    const base = `${name}-bucket-${b.name}`;
    // forceDestroy off: a bucket holding backups is never emptied by `pulumi destroy`; in prod the
    // bucket is also left in place (retainOnDelete), like the retained volumes.
    const bucket = new aws.s3.Bucket(
        base,
        { bucket: b.name, forceDestroy: false, tags: { ...o.tags, Name: b.name } },
        { parent, retainOnDelete: o.retainOnDelete },
    );
    const ownership = new aws.s3.BucketOwnershipControls(`${base}-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, opts);
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
        `${base}-public-access`,
        { bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
        opts,
    );
    const versioning = new aws.s3.BucketVersioning(`${base}-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, opts);
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
        `${base}-encryption`,
        { bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }] },
        opts,
    );
    const lifecycle = new aws.s3.BucketLifecycleConfiguration(
        `${base}-lifecycle`,
        { bucket: bucket.id, rules: bucketLifecycleRules(b) },
        { parent, dependsOn: [versioning] },
    );
    const policy = new aws.s3.BucketPolicy(
        `${base}-tls-only`,
        { bucket: bucket.id, policy: bucket.arn.apply((arn) => JSON.stringify(tlsOnlyBucketPolicy(arn))) },
        { parent, dependsOn: [publicAccess] },
    );
    return { bucket, ready: [bucket, ownership, publicAccess, versioning, encryption, lifecycle, policy] };
}
