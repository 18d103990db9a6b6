/**
 * `agent-platform:logging`: container logs on clusters this program does not provision. On EKS
 * the `amazon-cloudwatch-observability` add-on ships them (`cluster.cloudwatchObservability`);
 * elsewhere `logging.fluentBit` deploys an opt-in Fluent Bit DaemonSet (components/kube/fluent-bit.ts)
 * that ships to CloudWatch Logs, a Fluentd/Fluent Bit `forward` endpoint or an `http` endpoint.
 * Output credentials never sit in the config: they are named Secrets the DaemonSet reads.
 */
import { z } from "zod";
import { serviceNamespace } from "../kube/fluent-bit-spec";
import { cidr } from "./cluster";

const dns1123 = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, "must be a DNS-1123 label (lower-case letters, digits, '-')");
const secretKey = z.string().regex(/^[-._a-zA-Z0-9]+$/, "must be a Secret data key (letters, digits, '-', '_', '.')");
const host = z.string().regex(/^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/, "must be a host name or IPv4 address (no scheme, no port)");
const port = z.number().int().min(1).max(65535);

/** A key of a Secret in the logging namespace (created outside this stack, e.g. by External Secrets). */
const secretRef = z.object({ name: dns1123, key: secretKey }).strict();

/** Where the output host is, for the NetworkPolicy (a policy cannot name a host). */
const destination = {
    /** The address blocks `host` resolves to; required unless `host` is an in-cluster Service name (`<svc>.<namespace>.svc[.cluster.local]`). */
    cidrs: z.array(cidr).min(1).optional(),
};

export const fluentBitOutputSchema = z.discriminatedUnion("type", [
    z
        .object({
            type: z.literal("cloudwatchLogs"),
            /** AWS region of the log group. */
            region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "must be an AWS region such as us-east-1"),
            /** The log group (created outside this stack, with its retention). */
            logGroup: z.string().regex(/^[.\-_/#A-Za-z0-9]{1,512}$/, "must be a CloudWatch log group name"),
            /** Secret with `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (none: the node's or IRSA role). */
            credentialsSecret: dns1123.optional(),
            /** IAM role for the ServiceAccount (IRSA) where the cluster supports it. */
            roleArn: z
                .string()
                .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, "must be an IAM role ARN")
                .optional(),
            /** The CloudWatch Logs endpoints' address blocks (a VPC endpoint's subnets); @default the internet on 443 */
            ...destination,
        })
        .strict(),
    z
        .object({
            type: z.literal("forward"),
            host,
            port: port.default(24224),
            tls: z.boolean().default(true),
            /** The forward protocol's shared key (secure forward). */
            sharedKey: secretRef.optional(),
            ...destination,
        })
        .strict(),
    z
        .object({
            type: z.literal("http"),
            host,
            port: port.default(443),
            /** Request path. @default / */
            uri: z.string().startsWith("/", "must start with /").default("/"),
            tls: z.boolean().default(true),
            /** HTTP basic auth: user and password keys of one Secret. */
            basicAuth: z.object({ secret: dns1123, userKey: secretKey, passwordKey: secretKey }).strict().optional(),
            ...destination,
        })
        .strict(),
]);
export type FluentBitOutput = z.infer<typeof fluentBitOutputSchema>;

export const loggingSchema = z
    .object({
        fluentBit: z
            .object({
                enabled: z.boolean(),
                /** Namespace of the DaemonSet (created by this stack). @default logging */
                namespace: dns1123.default("logging"),
                /** Fluent Bit image, pinned. @default the component's (components/kube/fluent-bit.ts) */
                image: z.string().min(1).optional(),
                output: fluentBitOutputSchema.optional(),
            })
            .strict()
            .optional(),
    })
    .strict();
export type LoggingConfig = z.infer<typeof loggingSchema>;

/** What `logging` needs from itself and the rest of the config (paths from the config root). Pure. */
export function loggingIssues(
    l: LoggingConfig | undefined,
    cluster: { provider: string; cloudwatchObservability?: { enabled: boolean } },
): { path: string[]; message: string }[] {
    const fb = l?.fluentBit;
    if (!fb?.enabled) return [];
    const at = (...p: string[]) => ["logging", "fluentBit", ...p];
    const out = fb.output;
    if (!out) return [{ path: at("output"), message: "is required when logging.fluentBit.enabled is true (type cloudwatchLogs, forward or http)" }];
    const issues: { path: string[]; message: string }[] = [];
    if (cluster.provider === "eks" && cluster.cloudwatchObservability?.enabled)
        issues.push({
            path: at("enabled"),
            message:
                "cannot be true together with cluster.cloudwatchObservability.enabled: the add-on already ships every container log (each line would be shipped twice)",
        });
    if (out.type !== "cloudwatchLogs" && !out.cidrs && !serviceNamespace(out.host))
        issues.push({
            path: at("output", "cidrs"),
            message: `is required for host ${JSON.stringify(out.host)}: a NetworkPolicy cannot name a host, so egress is scoped to the address blocks it resolves to (or use an in-cluster Service name <svc>.<namespace>.svc)`,
        });
    return issues;
}
