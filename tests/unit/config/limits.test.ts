/**
 * Values Kubernetes, AWS or cron would reject, and dangerous ones, are ConfigErrors naming the key:
 * int32 overflow, replica maxima (agent-platform:limits), zero or absurd volume sizes, requests
 * above limits, cron field ranges, CIDR syntax, a public endpoint covering much of the internet,
 * OCI image grammar, one IRSA role per ServiceAccount and admin managed policies.
 */
import { strict as assert } from "assert";
import { loadPlatformConfig } from "../../../stacks/config";
import { imageReferenceProblem } from "../../../components/config/common";
import { ipv4Share } from "../../../components/config/limits";
import { isCronSchedule } from "../../../components/kube/backups";
import { configErrorOfRaw } from "../../helpers/config";

const P = "agent-platform";
const SECRETS = ["anthropicApiKey"];
const isSecret = (k: string) => SECRETS.some((s) => k === `${P}:${s}`);

/** A dev config with productionAgents (seed 003) over `extra`, as Pulumi hands it over. */
function raw(agents: Record<string, unknown> = {}, top: Record<string, unknown> = {}): Record<string, string> {
    const base = {
        image: "ghcr.io/agent-platform/production-agent:2.0.0",
        resources: { requests: { cpu: "250m", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } },
        ...agents,
    };
    const values: Record<string, unknown> = { environment: "dev", cluster: { provider: "existing" }, productionAgents: base, ...top };
    return {
        ...Object.fromEntries(Object.entries(values).map(([k, v]) => [`${P}:${k}`, typeof v === "string" ? v : JSON.stringify(v)])),
        [`${P}:anthropicApiKey`]: "s3cr3t",
    };
}

const eks = (extra: Record<string, unknown>) => ({
    provider: "eks",
    region: "us-east-1",
    vpc: { create: { cidr: "10.0.0.0/16", azCount: 3 } },
    nodeGroups: { general: { instanceTypes: ["m6i.large"], minSize: 2, maxSize: 4, desiredSize: 2 } },
    endpoint: { privateAccess: true, publicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
    ...extra,
});

describe("config: what Kubernetes, AWS or cron would reject", () => {
    it("GIVEN the sample config WHEN loaded THEN it is accepted (the rules below are what breaks it)", () => {
        assert.ok(loadPlatformConfig(raw(), isSecret).productionAgents);
    });

    const cases: Array<[string, Record<string, string>, RegExp]> = [
        [
            "HPA maxReplicas 10001",
            raw({ hpa: { minReplicas: 3, maxReplicas: 10001 } }),
            /agent-platform:productionAgents\.hpa\.maxReplicas: 10001 is above the maximum of 1000 replicas/,
        ],
        ["HPA maxReplicas 1e9", raw({ hpa: { minReplicas: 3, maxReplicas: 1e9 } }), /productionAgents\.hpa\.maxReplicas: 1000000000 is above the maximum/],
        [
            "HPA maxReplicas 2^31",
            raw({ hpa: { minReplicas: 3, maxReplicas: 2 ** 31 } }),
            /productionAgents\.hpa\.maxReplicas: 2147483648 does not fit a 32-bit integer/,
        ],
        [
            "a raised limits.maxReplicas still below the ask",
            raw({ hpa: { minReplicas: 3, maxReplicas: 3000 } }, { limits: { maxReplicas: 2000 } }),
            /above the maximum of 2000 replicas/,
        ],
        [
            'storage size "0"',
            raw({ dataStorage: { size: "0", accessMode: "ReadWriteOnce" } }),
            /productionAgents\.dataStorage\.size: must be a positive size, got "0"/,
        ],
        [
            "storage size 99999999999999999999Ei",
            raw({ dataStorage: { size: "99999999999999999999Ei", accessMode: "ReadWriteOnce" } }),
            /productionAgents\.dataStorage\.size: "99999999999999999999Ei" is above the maximum volume size 64Ti/,
        ],
        [
            "a cpu request above its limit",
            raw({ resources: { requests: { cpu: "2", memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" } } }),
            /productionAgents\.resources\.requests\.cpu: request 2 exceeds limit 1/,
        ],
        [
            "a memory request above its limit",
            raw({ resources: { requests: { cpu: "250m", memory: "2Gi" }, limits: { cpu: "1", memory: "1Gi" } } }),
            /productionAgents\.resources\.requests\.memory: request 2Gi exceeds limit 1Gi/,
        ],
        [
            "a zero cpu limit",
            raw({ resources: { requests: { cpu: "0", memory: "512Mi" }, limits: { cpu: "0", memory: "1Gi" } } }),
            /productionAgents\.resources\.limits\.cpu: must be positive/,
        ],
        ["cron 61 25 * * *", raw({ backup: { schedule: "61 25 * * *" } }), /productionAgents\.backup\.schedule: must be a five-field cron expression/],
        [
            "cron foo bar baz qux quux",
            raw({ backup: { schedule: "foo bar baz qux quux" } }),
            /productionAgents\.backup\.schedule: must be a five-field cron expression/,
        ],
        ["an image with a space", raw({ image: "ghcr.io/agent-platform/production agent:2.0.0" }), /productionAgents\.image: must not contain whitespace/],
        ["an image with uppercase", raw({ image: "ghcr.io/Agent-Platform/Agent:2.0.0" }), /productionAgents\.image: must have lowercase path components/],
        [
            "kubeApiCidrs 999.999.999.999/8",
            raw({}, { inquisitor: { image: "ghcr.io/wadelabs/apparatus-system-harness:v0.1.0", kubeApiCidrs: ["999.999.999.999/8"] } }),
            /agent-platform:inquisitor\.kubeApiCidrs\.0: "999\.999\.999\.999\/8" is not a valid IPv4 or IPv6 CIDR/,
        ],
    ];
    for (const [what, r, rule] of cases) {
        it(`GIVEN ${what} WHEN loaded THEN ConfigError: ${rule.source.slice(0, 80)}`, () => {
            const e = configErrorOfRaw(r, isSecret);
            assert.ok(
                e.issues.some((i) => rule.test(i)),
                e.message,
            );
        });
    }

    describe("EKS (prod)", () => {
        const prod = (cluster: Record<string, unknown>, top: Record<string, unknown> = {}) => raw({}, { environment: "prod", cluster, ...top });
        const eksCases: Array<[string, Record<string, string>, RegExp]> = [
            [
                "publicAccessCidrs 0.0.0.0/1 + 128.0.0.0/1 (the internet in two halves)",
                prod(eks({ endpoint: { publicAccess: true, publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } })),
                /cluster\.endpoint\.publicAccessCidrs: together cover 100\.0% of the IPv4 internet.*as open as 0\.0\.0\.0\/0/,
            ],
            [
                "a malformed public CIDR",
                prod(eks({ endpoint: { publicAccess: true, publicAccessCidrs: ["300.1.2.3/24"] } })),
                /cluster\.endpoint\.publicAccessCidrs\.0: .*not a valid/,
            ],
            ["a malformed VPC CIDR", prod(eks({ vpc: { create: { cidr: "10.0.0.0/99", azCount: 3 } } })), /cluster\.vpc\.create\.cidr: .*not a valid/],
            [
                "two IRSA roles for one ServiceAccount",
                prod(
                    eks({
                        irsaRoles: {
                            a: { namespace: "x", serviceAccount: "sa", s3Access: { bucket: "b" } },
                            b: { namespace: "x", serviceAccount: "sa", s3Access: { bucket: "c" } },
                        },
                    }),
                ),
                /cluster\.irsaRoles\.b\.serviceAccount: ServiceAccount x\/sa already has IRSA role "a"/,
            ],
            [
                "AdministratorAccess on an IRSA role",
                prod(eks({ irsaRoles: { a: { namespace: "x", serviceAccount: "sa", policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } } })),
                /cluster\.irsaRoles\.a\.policyArns\.0: .*AdministratorAccess grants administrator rights.*allowAdminPolicies/,
            ],
        ];
        for (const [what, r, rule] of eksCases) {
            it(`GIVEN ${what} WHEN loaded THEN ConfigError names the key`, () => {
                const e = configErrorOfRaw(r, isSecret);
                assert.ok(
                    e.issues.some((i) => rule.test(i)),
                    e.message,
                );
            });
        }

        it("GIVEN AdministratorAccess with limits.allowAdminPolicies WHEN loaded THEN that rule is satisfied", () => {
            const r = prod(eks({ irsaRoles: { a: { namespace: "x", serviceAccount: "sa", policyArns: ["arn:aws:iam::aws:policy/AdministratorAccess"] } } }), {
                limits: { allowAdminPolicies: true },
            });
            try {
                loadPlatformConfig(r, isSecret);
            } catch (e) {
                assert.ok(!/AdministratorAccess/.test((e as Error).message), (e as Error).message);
            }
        });
    });

    describe("pure helpers", () => {
        it("GIVEN cron expressions WHEN checked THEN field ranges and names are CronJob's", () => {
            for (const ok of ["0 3 * * *", "@daily", "*/15 * * * *", "0 2 * * 1-5", "0 0 1 jan *", "0 0 ? * MON-FRI", "1,2,3 0-23/2 * * *"])
                assert.ok(isCronSchedule(ok), ok);
            for (const bad of ["61 25 * * *", "foo bar baz qux quux", "0 0 32 * *", "0 0 * 13 *", "*/0 * * * *", "5-1 * * * *", "0 0 * * 7", "* * * *"])
                assert.ok(!isCronSchedule(bad), bad);
        });

        it("GIVEN CIDR sets WHEN measured THEN overlapping ranges count once", () => {
            assert.equal(ipv4Share(["0.0.0.0/1", "128.0.0.0/1"]), 1);
            assert.equal(ipv4Share(["10.0.0.0/8", "10.0.0.0/16"]), 1 / 256);
            assert.equal(ipv4Share([]), 0);
        });

        it("GIVEN image references WHEN checked THEN the OCI grammar decides", () => {
            for (const ok of ["nginx:1.27.2", "ghcr.io/org/app:v1", "localhost:5000/a/b_c__d-e:1", `r.io/a@sha256:${"a".repeat(64)}`])
                assert.equal(imageReferenceProblem(ok), undefined, ok);
            for (const bad of ["Nginx:1", "a b:1", "r.io/a:", "r.io:99999999/a:1", `r.io/a@sha256:${"z".repeat(64)}`, "-a:1", `${"a".repeat(300)}:1`])
                assert.ok(imageReferenceProblem(bad), bad);
        });
    });
});
