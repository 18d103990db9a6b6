import { strict as assert } from "assert";
import { configErrorOfRaw } from "../../helpers/config";
import { ConfigError } from "../../../components/config";
import { SECRET_KEYS, loadPlatformConfig } from "../../../stacks/config";

const P = "agent-platform";

/** A minimal valid dev config in the raw form Pulumi hands to the program. */
function baseRaw(): Record<string, string> {
    return {
        [`${P}:environment`]: "dev",
        [`${P}:cluster`]: JSON.stringify({ provider: "existing" }),
    };
}
const noSecrets = () => false;

function errorOf(raw: Record<string, string>, isSecret: (k: string) => boolean = noSecrets): ConfigError {
    return configErrorOfRaw(raw, isSecret);
}

const inquisitor = (extra: Record<string, unknown> = {}) => JSON.stringify({ image: "ghcr.io/wadelabs/apparatus-system-harness:1.4.2", ...extra });

describe("stack config schema", () => {
    it("GIVEN a minimal dev config WHEN loaded THEN defaults are filled in", () => {
        const cfg = loadPlatformConfig(baseRaw(), noSecrets);
        assert.equal(cfg.environment, "dev");
        assert.deepEqual(cfg.crds, {
            serviceMonitor: false,
            vpa: false,
            velero: false,
            certManager: false,
            istio: false,
            externalSecrets: false,
            customMetrics: false,
        });
        assert.equal(cfg.cluster.provider, "existing");
    });

    it("GIVEN structured values as JSON strings WHEN loaded THEN nested defaults apply", () => {
        const cfg = loadPlatformConfig({ ...baseRaw(), [`${P}:inquisitor`]: inquisitor() }, noSecrets);
        assert.equal(cfg.inquisitor?.replicas, 3);
        assert.equal(cfg.inquisitor?.enabled, true);
    });

    it("GIVEN keys of other projects WHEN loaded THEN they are ignored", () => {
        loadPlatformConfig({ ...baseRaw(), "kubernetes:context": "kind" }, noSecrets);
    });

    // Each row: a distinct bad config and the key path + rule the error must name.
    const badConfigs: [string, Record<string, string>, RegExp][] = [
        ["missing environment", { [`${P}:cluster`]: JSON.stringify({ provider: "existing" }) }, /agent-platform:environment: /],
        ["unknown environment", { ...baseRaw(), [`${P}:environment`]: "staging" }, /agent-platform:environment: .*"dev"/],
        ["unknown cluster provider", { ...baseRaw(), [`${P}:cluster`]: JSON.stringify({ provider: "gke" }) }, /agent-platform:cluster.provider: /],
        ["unknown top-level key", { ...baseRaw(), [`${P}:clsuter`]: "x" }, /agent-platform:clsuter: unknown key/],
        ["unknown nested key", { ...baseRaw(), [`${P}:crds`]: JSON.stringify({ prometheus: true }) }, /agent-platform:crds.prometheus: unknown key/],
        [
            "unknown key with a quote in it (quoted, so the message still names it)",
            { ...baseRaw(), [`${P}:'crds`]: "x" },
            /agent-platform:"'crds": unknown key/,
        ],
        ["empty key (quoted)", { ...baseRaw(), [`${P}:`]: "x" }, /agent-platform:"": unknown key/],
        [
            "even raft replicas",
            { ...baseRaw(), [`${P}:inquisitor`]: inquisitor({ replicas: 4 }) },
            /agent-platform:inquisitor.replicas: raft replicas must be odd and >= 3/,
        ],
        [
            "raft replicas below 3",
            { ...baseRaw(), [`${P}:inquisitor`]: inquisitor({ replicas: 1 }) },
            /agent-platform:inquisitor.replicas: raft replicas must be odd and >= 3/,
        ],
        [
            "image tagged latest",
            { ...baseRaw(), [`${P}:inquisitor`]: JSON.stringify({ image: "ghcr.io/x/y:latest" }) },
            /agent-platform:inquisitor.image: must be pinned/,
        ],
        ["untagged image", { ...baseRaw(), [`${P}:inquisitor`]: JSON.stringify({ image: "ghcr.io/x/y" }) }, /agent-platform:inquisitor.image: must be pinned/],
        [
            "bad storage quantity",
            { ...baseRaw(), [`${P}:inquisitor`]: inquisitor({ artifactsStorage: { size: "ten gigs" } }) },
            /agent-platform:inquisitor.artifactsStorage.size: must be a Kubernetes quantity/,
        ],
        [
            "hpa max below min",
            { ...baseRaw(), [`${P}:inquisitor`]: inquisitor({ api: { hpa: { minReplicas: 5, maxReplicas: 2, cpuUtilization: 70 } } }) },
            /agent-platform:inquisitor.api.hpa.maxReplicas: maxReplicas must be >= minReplicas/,
        ],
        ["wrong type", { ...baseRaw(), [`${P}:crds`]: JSON.stringify({ vpa: "yes" }) }, /agent-platform:crds.vpa: /],
        [
            "service mesh without istio CRDs",
            {
                ...baseRaw(),
                [`${P}:claudeCode`]: JSON.stringify({
                    managerImage: "a/m:1",
                    workerImage: "a/w:1",
                    gatewayImage: "a/g:1",
                    dashboardFrontendImage: "a/f:1",
                    dashboardBackendImage: "a/b:1",
                    dashboardHost: "x.example.com",
                    serviceMesh: true,
                }),
            },
            /agent-platform:claudeCode.serviceMesh: needs crds.istio/,
        ],
    ];
    for (const [what, raw, expected] of badConfigs) {
        it(`GIVEN ${what} WHEN loaded THEN one ConfigError names the key path and rule`, () => {
            const err = errorOf(raw);
            assert.match(err.message, expected);
        });
    }

    it("GIVEN several problems WHEN loaded THEN one error lists every one of them", () => {
        const err = errorOf({
            [`${P}:environment`]: "qa",
            [`${P}:cluster`]: JSON.stringify({ provider: "existing", bogus: 1 }),
            [`${P}:inquisitor`]: inquisitor({ replicas: 2 }),
        });
        assert.equal(err.issues.length, 3, err.message);
        assert.match(err.message, /3 problems/);
        assert.match(err.message, /agent-platform:environment/);
        assert.match(err.message, /agent-platform:cluster.bogus: unknown key/);
        assert.match(err.message, /agent-platform:inquisitor.replicas/);
    });

    it("GIVEN a secret key stored in plaintext WHEN loaded THEN it must be set with --secret", () => {
        const key = SECRET_KEYS[0];
        const err = errorOf({ ...baseRaw(), [`${P}:${key}`]: "sk-live-plaintext" });
        assert.match(err.message, new RegExp(`agent-platform:${key}: must be stored encrypted`));
    });

    it("GIVEN a secret key stored encrypted WHEN loaded THEN it is accepted and kept out of the typed config", () => {
        const key = SECRET_KEYS[0];
        const cfg = loadPlatformConfig({ ...baseRaw(), [`${P}:${key}`]: "s3cr3t" }, (k) => k === `${P}:${key}`);
        assert.ok(!JSON.stringify(cfg).includes("s3cr3t"));
    });

    it("GIVEN an enabled system WHEN a secret it needs is missing THEN the error names the secret and the system", () => {
        const err = errorOf({ ...baseRaw(), [`${P}:productionAgents`]: JSON.stringify({ image: "ghcr.io/acme/agent:1.0.0" }) });
        assert.match(err.message, /agent-platform:anthropicApiKey: required secret for productionAgents/);
    });

    it("GIVEN a disabled system WHEN its secrets are missing THEN the config is valid", () => {
        loadPlatformConfig({ ...baseRaw(), [`${P}:productionAgents`]: JSON.stringify({ enabled: false, image: "ghcr.io/acme/agent:1.0.0" }) }, noSecrets);
    });
});
