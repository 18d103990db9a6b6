/**
 * `npm run cost`: the pricing rules over a small fixture stack whose total is checked by hand,
 * the committed price table, and the CLI on the prod stack.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { DEFAULT_PRICES, main } from "../../../tools/cost";
import { estimateCost, formatCostMarkdown, formatCostText, parsePriceTable, PriceTable, quantityGiB } from "../../../tools/lib/cost";
import { REPO_ROOT } from "../../../tools/lib/render";

/** Round prices and 100 h/month, so every figure below is mental arithmetic. */
const PRICES: PriceTable = {
    date: "2026-01-01",
    region: "us-east-1",
    currency: "USD",
    hoursPerMonth: 100,
    source: "test",
    notIncluded: ["data transfer"],
    eks: { clusterPerHour: 0.1 },
    ec2: { onDemandPerHour: { "x.large": 1, "y.large": 9 } },
    vpc: { natGatewayPerHour: 0.5, publicIpv4PerHour: 0.1 },
    ebs: { gp3PerGbMonth: 0.1, gp3IopsPerMonth: 0.01, gp3FreeIops: 3000, gp3ThroughputPerMbpsMonth: 0.5, gp3FreeThroughputMbps: 125, gp2PerGbMonth: 0.2 },
    efs: { standardPerGbMonth: 0.3 },
    cloudwatchLogs: { ingestPerGb: 0.5, storagePerGbMonth: 0.03 },
    kms: { keyPerMonth: 1 },
};

const cloud = (type: string, name: string, inputs: Record<string, unknown> = {}) => ({ type, name, inputs });
const obj = (kind: string, name: string, namespace: string | undefined, rest: Record<string, unknown> = {}, annotations?: Record<string, string>) => ({
    apiVersion: "v1",
    kind,
    metadata: { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) },
    ...rest,
});
const claim = (name: string, size: string, storageClassName?: string) => ({
    metadata: { name },
    spec: { ...(storageClassName ? { storageClassName } : {}), resources: { requests: { storage: size } } },
});

const FIXTURE = {
    cloudResources: [
        cloud("aws:eks/cluster:Cluster", "c"), // 0.1 x 100 = 10
        cloud("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ ebs: { volumeSize: 20, volumeType: "gp3" } }] }),
        cloud("aws:eks/nodeGroup:NodeGroup", "ng", {
            instanceTypes: ["x.large", "y.large"],
            scalingConfig: { minSize: 2, maxSize: 5 },
            launchTemplate: { id: "lt-id" },
        }),
        //   nodes: 2..5 x 1 x 100 = 200..500 (the first type); root volumes: 2..5 x 20 GiB x 0.1 = 4..10
        cloud("aws:ec2/natGateway:NatGateway", "nat"), // 0.5 x 100 = 50
        cloud("aws:ec2/eip:Eip", "eip"), // 0.1 x 100 = 10
        cloud("aws:cloudwatch/logGroup:LogGroup", "logs", { name: "/aws/eks/c/cluster", retentionInDays: 30 }), // 10 GB x 0.5 + 10 GB kept x 0.03 = 5.3
        cloud("aws:kms/key:Key", "k"), // 1
        cloud("aws:iam/role:Role", "free"), // not priced
    ],
    objects: [
        obj(
            "StorageClass",
            "gp3",
            undefined,
            { provisioner: "ebs.csi.aws.com", parameters: { type: "gp3" } },
            { "storageclass.kubernetes.io/is-default-class": "true" },
        ),
        obj("StorageClass", "fast", undefined, { provisioner: "ebs.csi.aws.com", parameters: { type: "gp3", iops: "4000", throughput: "225" } }),
        obj("StorageClass", "efs", undefined, { provisioner: "efs.csi.aws.com" }),
        // 100 GiB x 0.1 + (4000 - 3000) x 0.01 + (225 - 125) x 0.5 = 10 + 10 + 50 = 70
        obj("PersistentVolumeClaim", "data", "shop", { spec: claim("data", "100Gi", "fast").spec }),
        // 2 replicas x 50 GiB on the default class x 0.1 = 10
        obj("StatefulSet", "db", "shop", { spec: { replicas: 2, volumeClaimTemplates: [claim("pg", "50Gi")] } }),
        // an HPA scales it 1..3: 1..3 x 10 GiB x 0.1 = 1..3
        obj("StatefulSet", "cache", "shop", { spec: { replicas: 1, volumeClaimTemplates: [claim("d", "10Gi")] } }),
        obj("HorizontalPodAutoscaler", "cache", "shop", { spec: { scaleTargetRef: { kind: "StatefulSet", name: "cache" }, minReplicas: 1, maxReplicas: 3 } }),
        // EFS at the size requested: 20 x 0.3 = 6
        obj("PersistentVolumeClaim", "shared", "shop", { spec: claim("shared", "20Gi", "efs").spec }),
        // a class the stack does not create: a note, no cost
        obj("PersistentVolumeClaim", "x", "elsewhere", { spec: claim("x", "1Gi", "local-path").spec }),
    ],
};

describe("npm run cost", function () {
    this.timeout(180000);

    it("GIVEN the fixture stack WHEN estimated THEN each line and the total match the hand computation", () => {
        const e = estimateCost(FIXTURE as never, PRICES, { logGbPerMonth: 10 }, (ns) => (ns === "shop" ? "shop" : "platform"));
        const line = (re: RegExp) =>
            e.lines.filter((l) => re.test(l.item)).map((l) => [l.system, Math.round(l.min * 100) / 100, Math.round(l.max * 100) / 100]);
        assert.deepEqual(line(/^EKS control plane/), [["platform", 10, 10]]);
        assert.deepEqual(line(/^node group ng: 2\.\.5 x x\.large$/), [["platform", 200, 500]]);
        assert.deepEqual(line(/^node group ng: root volumes 2\.\.5 x 20 GiB gp3$/), [["platform", 4, 10]]);
        assert.deepEqual(line(/^NAT gateways \(1\)$/), [["platform", 50, 50]]);
        assert.deepEqual(line(/^public IPv4/), [["platform", 10, 10]]);
        assert.deepEqual(line(/^CloudWatch logs \/aws\/eks\/c\/cluster: 10 GB\/month assumed, 30 d retention$/), [["platform", 5.3, 5.3]]);
        assert.deepEqual(line(/^KMS keys \(1\)$/), [["platform", 1, 1]]);
        assert.deepEqual(line(/^EBS gp3 \(provisioned/), [["shop", 70, 70]]);
        assert.deepEqual(line(/^EBS gp3: /), [["shop", 11, 13]]);
        assert.deepEqual(line(/^EFS/), [["shop", 6, 6]]);
        const round = (x: { min: number; max: number }) => [Math.round(x.min * 100) / 100, Math.round(x.max * 100) / 100];
        assert.deepEqual(
            e.bySystem.map((s) => [s.system, ...round(s)]),
            [
                ["platform", 280.3, 586.3],
                ["shop", 87, 89],
            ],
        );
        // 280.3 + 87 = 367.3; 586.3 + 89 = 675.3
        assert.deepEqual(round(e.total), [367.3, 675.3]);
        assert.deepEqual(e.notes, [
            "1 volume(s) use storage class local-path, which the stack does not create: not priced (PersistentVolumeClaim elsewhere/x)",
        ]);
        const text = formatCostText("fixture", e, PRICES);
        assert.match(text, /^Monthly cost estimate of stack fixture: USD, us-east-1 list prices of 2026-01-01, 100 h\/month$/m);
        assert.match(text, /^total\s+367\.30 – 675\.30$/m);
        assert.match(formatCostMarkdown("fixture", e, PRICES), /^\| \*\*total\*\* \| \*\*367\.30 – 675\.30\*\* \|$/m);
    });

    it("GIVEN an instance type or volume type the table lacks WHEN estimated THEN one clear error naming it", () => {
        const bad = {
            ...FIXTURE,
            cloudResources: [cloud("aws:eks/nodeGroup:NodeGroup", "ng", { instanceTypes: ["z.huge"], scalingConfig: { minSize: 1, maxSize: 1 } })],
        };
        assert.throws(() => estimateCost(bad as never, PRICES, { logGbPerMonth: 1 }, () => "platform"), /node group ng: no price for instance type z\.huge/);
        assert.throws(() => quantityGiB("lots", "PVC a/b"), /PVC a\/b: storage request "lots" is not a Kubernetes quantity/);
        assert.equal(quantityGiB("512Mi", "x"), 0.5);
        assert.equal(quantityGiB("1Ti", "x"), 1024);
    });

    it("GIVEN the committed price table THEN it is valid, dated, names its region, and prices every instance type the prod stack uses", () => {
        const table = parsePriceTable(JSON.parse(fs.readFileSync(DEFAULT_PRICES, "utf8")), "prices.json");
        assert.match(table.date, /^\d{4}-\d{2}-\d{2}$/);
        assert.equal(table.region, "us-east-1");
        const prod = YAML.parse(fs.readFileSync(path.join(REPO_ROOT, "Pulumi.prod.yaml"), "utf8")).config["agent-platform:cluster"];
        for (const [name, g] of Object.entries<{ instanceTypes: string[] }>(prod.nodeGroups)) {
            for (const t of g.instanceTypes) assert.ok(table.ec2.onDemandPerHour[t] !== undefined, `node group ${name}: ${t} has no price`);
        }
        assert.throws(() => parsePriceTable({ ...table, eks: { clusterPerHour: -1 } }, "p.json"), /p\.json: eks\.clusterPerHour: /);
    });

    it("GIVEN --stack prod WHEN run THEN the table by system and the total range go to stdout", async () => {
        let out = "";
        let err = "";
        const code = await main(["--stack", "prod"], { stdout: (t) => (out += t), stderr: (t) => (err += t) });
        assert.equal(code, 0, err);
        assert.match(out, /^platform\s+EKS control plane \(1 cluster\)\s+73\.00$/m);
        assert.match(out, /^platform\s+node group eks-compute: 2\.\.80 x c7i\.2xlarge\s+[\d,.]+ – [\d,.]+$/m);
        assert.match(out, /^platform\s+NAT gateways \(3\)/m);
        for (const system of ["terminalMid", "inquisitor", "claudeCode", "productionAgents", "ushadow"])
            assert.match(out, new RegExp(`^${system}\\s+[\\d,.]+`, "m"));
        assert.match(out, /^total\s+[\d,.]+ – [\d,.]+$/m);
        assert.match(err, /^cost: rendering stack prod offline$/m);
    });
});
