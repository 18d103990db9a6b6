/**
 * Monthly cost estimate of a rendered stack (tools/lib/render.ts output) from a committed price
 * table (tools/cost/prices.json). Pure functions: `npm run cost` renders and prints, the tests
 * feed fixtures whose totals can be checked by hand.
 *
 * Priced: the EKS control plane, node groups at their minimum and maximum sizes (first instance
 * type: managed node groups launch On-Demand types in the order listed) and their root volumes,
 * NAT gateways and public IPv4 addresses, EBS volumes of PVCs and StatefulSet claim templates
 * (size x the gp3 price, plus IOPS and throughput above the free baseline), EFS by the size the
 * claims request, CloudWatch log groups (an assumed ingest per month, kept for the retention),
 * KMS keys. Everything else is listed in the table's `notIncluded`.
 */
import { z } from "zod";
import { UserError } from "./cli";
import type { CloudResource, K8sObject } from "./render";

const perHour = z.number().nonnegative();
export const priceTableSchema = z
    .object({
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
        region: z.string().min(1),
        currency: z.string().min(1),
        hoursPerMonth: z.number().positive(),
        source: z.string().min(1),
        eks: z.object({ clusterPerHour: perHour }),
        ec2: z.object({ onDemandPerHour: z.record(z.string(), perHour) }),
        vpc: z.object({ natGatewayPerHour: perHour, publicIpv4PerHour: perHour }),
        ebs: z.object({
            gp3PerGbMonth: perHour,
            gp3IopsPerMonth: perHour,
            gp3FreeIops: z.number().nonnegative(),
            gp3ThroughputPerMbpsMonth: perHour,
            gp3FreeThroughputMbps: z.number().nonnegative(),
            gp2PerGbMonth: perHour,
        }),
        efs: z.object({ standardPerGbMonth: perHour }),
        cloudwatchLogs: z.object({ ingestPerGb: perHour, storagePerGbMonth: perHour }),
        kms: z.object({ keyPerMonth: perHour }),
        notIncluded: z.array(z.string()),
    })
    .strict();
export type PriceTable = z.infer<typeof priceTableSchema>;

/** Validates a parsed price table; throws UserError naming each bad key path. */
export function parsePriceTable(v: unknown, source: string): PriceTable {
    const r = priceTableSchema.safeParse(v);
    if (!r.success) throw new UserError(r.error.issues.map((i) => `${source}: ${i.path.join(".") || "(root)"}: ${i.message}`).join("\n"));
    return r.data;
}

export interface CostAssumptions {
    /** GB ingested per month into each CloudWatch log group. */
    logGbPerMonth: number;
}

export interface CostLine {
    /** A system key, or `platform` for what the cluster itself costs. */
    system: string;
    item: string;
    min: number;
    max: number;
}

export interface CostEstimate {
    lines: CostLine[];
    bySystem: { system: string; min: number; max: number }[];
    total: { min: number; max: number };
    /** What could not be priced, and why. */
    notes: string[];
}

export const PLATFORM = "platform";

const QUANTITY = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/;
const FACTOR: Record<string, number> = { "": 1, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };

/** A Kubernetes storage quantity in GiB (`100Gi` -> 100, `500Mi` -> 0.488...). */
export function quantityGiB(q: string, where: string): number {
    const m = QUANTITY.exec(String(q).trim());
    if (!m) throw new UserError(`${where}: storage request ${JSON.stringify(q)} is not a Kubernetes quantity`);
    return (Number(m[1]) * FACTOR[m[2] ?? ""]) / 2 ** 30;
}

interface Volume {
    system: string;
    gib: number;
    className?: string;
    what: string;
    min: number;
    max: number;
}

interface ClassInfo {
    kind: "ebs" | "efs" | "other";
    type: string;
    iops: number;
    throughput: number;
}

function classInfo(sc: K8sObject): ClassInfo {
    const p = (sc.parameters ?? {}) as Record<string, string>;
    if (sc.provisioner === "ebs.csi.aws.com" || sc.provisioner === "kubernetes.io/aws-ebs") {
        return { kind: "ebs", type: p.type ?? "gp3", iops: Number(p.iops ?? 0), throughput: Number(p.throughput ?? 0) };
    }
    if (sc.provisioner === "efs.csi.aws.com") return { kind: "efs", type: "efs", iops: 0, throughput: 0 };
    return { kind: "other", type: String(sc.provisioner), iops: 0, throughput: 0 };
}

const fmtGiB = (n: number) => `${Math.round(n * 100) / 100} GiB`;

/** The estimate. `systemOf` maps a namespace to its system (anything else is `platform`). */
export function estimateCost(
    stack: { objects: readonly K8sObject[]; cloudResources: readonly CloudResource[] },
    prices: PriceTable,
    assumptions: CostAssumptions,
    systemOf: (namespace: string | undefined) => string,
): CostEstimate {
    const h = prices.hoursPerMonth;
    const lines: CostLine[] = [];
    const notes: string[] = [];
    const fixed = (system: string, item: string, v: number) => lines.push({ system, item, min: v, max: v });
    const byType = (t: string) => stack.cloudResources.filter((r) => r.type === t);

    const clusters = byType("aws:eks/cluster:Cluster");
    if (clusters.length)
        fixed(PLATFORM, `EKS control plane (${clusters.length} cluster${clusters.length > 1 ? "s" : ""})`, clusters.length * prices.eks.clusterPerHour * h);

    const launchTemplates = new Map(byType("aws:ec2/launchTemplate:LaunchTemplate").map((lt) => [`${lt.name}-id`, lt]));
    for (const ng of byType("aws:eks/nodeGroup:NodeGroup")) {
        const i = ng.inputs as {
            instanceTypes?: string[];
            capacityType?: string;
            diskSize?: number;
            scalingConfig?: { minSize: number; maxSize: number };
            launchTemplate?: { id?: string };
        };
        const type = i.instanceTypes?.[0];
        if (!type) throw new UserError(`node group ${ng.name}: no instanceTypes to price`);
        const price = prices.ec2.onDemandPerHour[type];
        if (price === undefined) throw new UserError(`node group ${ng.name}: no price for instance type ${type} in the price table (ec2.onDemandPerHour)`);
        const { minSize, maxSize } = i.scalingConfig ?? { minSize: 0, maxSize: 0 };
        const spot = i.capacityType === "SPOT" ? " (Spot, priced On-Demand: an upper bound)" : "";
        lines.push({
            system: PLATFORM,
            item: `node group ${ng.name}: ${minSize}..${maxSize} x ${type}${spot}`,
            min: minSize * price * h,
            max: maxSize * price * h,
        });
        const lt = i.launchTemplate?.id ? launchTemplates.get(i.launchTemplate.id) : undefined;
        const ebs = (
            lt?.inputs as
                | {
                      blockDeviceMappings?: {
                          ebs?: { volumeSize?: number | string; volumeType?: string; iops?: number | string; throughput?: number | string };
                      }[];
                  }
                | undefined
        )?.blockDeviceMappings?.[0]?.ebs;
        const gib = Number(ebs?.volumeSize ?? i.diskSize ?? 20);
        const perNode = ebsMonthly(prices, ebs?.volumeType ?? "gp3", gib, Number(ebs?.iops ?? 0), Number(ebs?.throughput ?? 0));
        lines.push({
            system: PLATFORM,
            item: `node group ${ng.name}: root volumes ${minSize}..${maxSize} x ${gib} GiB ${ebs?.volumeType ?? "gp3"}`,
            min: minSize * perNode,
            max: maxSize * perNode,
        });
    }

    const nats = byType("aws:ec2/natGateway:NatGateway").length;
    if (nats) fixed(PLATFORM, `NAT gateways (${nats})`, nats * prices.vpc.natGatewayPerHour * h);
    const eips = byType("aws:ec2/eip:Eip").length;
    if (eips) fixed(PLATFORM, `public IPv4 addresses (${eips} Elastic IPs)`, eips * prices.vpc.publicIpv4PerHour * h);

    // Volumes: PVCs and StatefulSet claim templates (one claim per replica; an HPA sets the range).
    const classes = new Map(stack.objects.filter((o) => o.kind === "StorageClass").map((o) => [o.metadata.name, o]));
    const defaultClass = [...classes.values()].find((o) => o.metadata.annotations?.["storageclass.kubernetes.io/is-default-class"] === "true")?.metadata.name;
    const hpaRange = new Map(
        stack.objects
            .filter((o) => o.kind === "HorizontalPodAutoscaler")
            .map((o) => [
                `${o.metadata.namespace}/${o.spec?.scaleTargetRef?.kind}/${o.spec?.scaleTargetRef?.name}`,
                { min: Number(o.spec?.minReplicas ?? 1), max: Number(o.spec?.maxReplicas) },
            ]),
    );
    const volumes: Volume[] = [];
    for (const o of stack.objects) {
        const ns = o.metadata.namespace;
        if (o.kind === "PersistentVolumeClaim") {
            const where = `PersistentVolumeClaim ${ns}/${o.metadata.name}`;
            volumes.push({
                system: systemOf(ns),
                gib: quantityGiB(o.spec?.resources?.requests?.storage, where),
                className: o.spec?.storageClassName ?? defaultClass,
                what: where,
                min: 1,
                max: 1,
            });
        } else if (o.kind === "StatefulSet") {
            const replicas = Number(o.spec?.replicas ?? 1);
            const range = hpaRange.get(`${ns}/StatefulSet/${o.metadata.name}`) ?? { min: replicas, max: replicas };
            for (const t of o.spec?.volumeClaimTemplates ?? []) {
                const where = `StatefulSet ${ns}/${o.metadata.name} claim ${t.metadata?.name}`;
                volumes.push({
                    system: systemOf(ns),
                    gib: quantityGiB(t.spec?.resources?.requests?.storage, where),
                    className: t.spec?.storageClassName ?? defaultClass,
                    what: where,
                    min: range.min,
                    max: range.max,
                });
            }
        }
    }
    const groups = new Map<string, { system: string; kind: string; count: [number, number]; gib: [number, number]; cost: [number, number] }>();
    const unknownClass = new Map<string, string[]>();
    for (const v of volumes) {
        const sc = v.className ? classes.get(v.className) : undefined;
        if (!sc) {
            const name = v.className ?? "(the cluster's default)";
            unknownClass.set(name, [...(unknownClass.get(name) ?? []), v.what]);
            continue;
        }
        const info = classInfo(sc);
        if (info.kind === "other") {
            notes.push(`${v.what}: storage class ${sc.metadata.name} (provisioner ${info.type}) is not EBS or EFS; not priced`);
            continue;
        }
        const each = info.kind === "efs" ? v.gib * prices.efs.standardPerGbMonth : ebsMonthly(prices, info.type, v.gib, info.iops, info.throughput);
        const label =
            info.kind === "efs"
                ? "EFS (billed on use; priced at the size requested)"
                : `EBS ${info.type}${info.iops > prices.ebs.gp3FreeIops || info.throughput > prices.ebs.gp3FreeThroughputMbps ? " (provisioned IOPS/throughput included)" : ""}`;
        const key = `${v.system}\u0000${label}`;
        const g = groups.get(key) ?? { system: v.system, kind: label, count: [0, 0], gib: [0, 0], cost: [0, 0] };
        g.count = [g.count[0] + v.min, g.count[1] + v.max];
        g.gib = [g.gib[0] + v.gib * v.min, g.gib[1] + v.gib * v.max];
        g.cost = [g.cost[0] + each * v.min, g.cost[1] + each * v.max];
        groups.set(key, g);
    }
    for (const [name, whats] of unknownClass) {
        notes.push(
            `${whats.length} volume(s) use storage class ${name}, which the stack does not create: not priced (${whats.slice(0, 2).join(", ")}${whats.length > 2 ? ", ..." : ""})`,
        );
    }
    for (const g of groups.values()) {
        const span = (x: [number, number], f: (n: number) => string) => (x[0] === x[1] ? f(x[0]) : `${f(x[0])}..${f(x[1])}`);
        lines.push({ system: g.system, item: `${g.kind}: ${span(g.count, String)} volume(s), ${span(g.gib, fmtGiB)}`, min: g.cost[0], max: g.cost[1] });
    }

    for (const lg of byType("aws:cloudwatch/logGroup:LogGroup")) {
        const i = lg.inputs as { name?: string; retentionInDays?: number };
        const gb = assumptions.logGbPerMonth;
        const days = i.retentionInDays === undefined || i.retentionInDays === 0 ? undefined : Number(i.retentionInDays);
        // Steady state: ingest each month, keep `days` worth of it. Never-expiring groups grow without bound: priced at one year.
        const storedGb = gb * ((days ?? 365) / 30);
        fixed(
            PLATFORM,
            `CloudWatch logs ${i.name ?? lg.name}: ${gb} GB/month assumed, ${days === undefined ? "never expire (priced at one year kept)" : `${days} d retention`}`,
            gb * prices.cloudwatchLogs.ingestPerGb + storedGb * prices.cloudwatchLogs.storagePerGbMonth,
        );
    }

    const keys = byType("aws:kms/key:Key").length;
    if (keys) fixed(PLATFORM, `KMS keys (${keys})`, keys * prices.kms.keyPerMonth);

    const order = (s: string) => (s === PLATFORM ? "" : s);
    lines.sort((a, b) => order(a.system).localeCompare(order(b.system)));
    const sums = new Map<string, { min: number; max: number }>();
    for (const l of lines) {
        const s = sums.get(l.system) ?? { min: 0, max: 0 };
        sums.set(l.system, { min: s.min + l.min, max: s.max + l.max });
    }
    const bySystem = [...sums.entries()].map(([system, v]) => ({ system, ...v }));
    const total = bySystem.reduce((t, s) => ({ min: t.min + s.min, max: t.max + s.max }), { min: 0, max: 0 });
    return { lines, bySystem, total, notes };
}

/** One EBS volume per month: size, plus gp3 IOPS and throughput above the free baseline. */
export function ebsMonthly(prices: PriceTable, type: string, gib: number, iops: number, throughput: number): number {
    const e = prices.ebs;
    if (type === "gp2") return gib * e.gp2PerGbMonth;
    if (type !== "gp3") throw new UserError(`EBS volume type ${type} has no price in the table (gp3, gp2)`);
    return (
        gib * e.gp3PerGbMonth +
        Math.max(0, iops - e.gp3FreeIops) * e.gp3IopsPerMonth +
        Math.max(0, throughput - e.gp3FreeThroughputMbps) * e.gp3ThroughputPerMbpsMonth
    );
}

const money = (n: number) => n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const range = (min: number, max: number) => (Math.abs(min - max) < 0.005 ? money(min) : `${money(min)} – ${money(max)}`);

function header(stack: string, p: PriceTable): string {
    return `Monthly cost estimate of stack ${stack}: ${p.currency}, ${p.region} list prices of ${p.date}, ${p.hoursPerMonth} h/month`;
}

function columns(rows: string[][], rightAligned: number): string[] {
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    return rows.map((r) =>
        r
            .map((c, i) => (i === rightAligned ? c.padStart(widths[i]) : c.padEnd(widths[i])))
            .join("  ")
            .trimEnd(),
    );
}

/** Plain-text tables: every line, then the sum by system and the total as a min–max range. */
export function formatCostText(stack: string, e: CostEstimate, p: PriceTable, regionNote?: string): string {
    const out = [header(stack, p), ...(regionNote ? [regionNote] : []), ""];
    out.push(...columns([["system", "item", "monthly"], ...e.lines.map((l) => [l.system, l.item, range(l.min, l.max)])], 2), "");
    out.push(
        ...columns([["by system", "monthly"], ...e.bySystem.map((s) => [s.system, range(s.min, s.max)]), ["total", range(e.total.min, e.total.max)]], 1),
        "",
    );
    for (const n of e.notes) out.push(`note: ${n}`);
    out.push(`not included: ${p.notIncluded.join("; ")}.`, "");
    return out.join("\n");
}

/** The same as GitHub-flavoured Markdown (for a CI job summary). */
export function formatCostMarkdown(stack: string, e: CostEstimate, p: PriceTable, regionNote?: string): string {
    const out = [`### ${header(stack, p)}`, ...(regionNote ? ["", `> ${regionNote}`] : []), "", "| system | item | monthly |", "|---|---|---:|"];
    out.push(...e.lines.map((l) => `| ${l.system} | ${l.item} | ${range(l.min, l.max)} |`));
    out.push(
        "",
        "| system | monthly |",
        "|---|---:|",
        ...e.bySystem.map((s) => `| ${s.system} | ${range(s.min, s.max)} |`),
        `| **total** | **${range(e.total.min, e.total.max)}** |`,
        "",
    );
    for (const n of e.notes) out.push(`* note: ${n}`);
    out.push(`* not included: ${p.notIncluded.join("; ")}.`, "");
    return out.join("\n");
}
