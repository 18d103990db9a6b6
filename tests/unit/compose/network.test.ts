/**
 * `networkPolicies` (opt-in): one allow-list NetworkPolicy per compose service from depends_on /
 * allowFrom, expressed as AgentService `network` TrafficRules (rendered here with AgentService's
 * own pure `allowListPolicySpec`).
 */
import { strict as assert } from "assert";
import { CompiledApp, ComposeError, convertCompose } from "../../../components/compose";
import { selectorLabels } from "../../../components/kube/labels";
import { allowListPolicySpec } from "../../../components/kube/network";

const COMPOSE = `
services:
  web:
    image: nginx:1.27.2
    ports: ["8080:80"]
    depends_on: [api]
  api:
    image: ghcr.io/acme/api:1.0.0
    ports: ["8000"]
    depends_on: [db]
  db:
    image: postgres:16.4
    ports: ["5432"]
  worker:
    image: ghcr.io/acme/worker:1.0.0
`;

const policies = (app: CompiledApp) =>
    Object.fromEntries(
        app.workloads
            .filter((w) => w.args.network)
            .map((w) => [
                w.service,
                allowListPolicySpec(selectorLabels(w.service), w.args.network?.ingress ?? [], w.args.network?.egress ?? [], {
                    isolateIngress: w.args.network?.isolateIngress,
                }) as any,
            ]),
    );
const peers = (rules: any[], dir: "from" | "to") =>
    rules
        .flatMap((r) =>
            r[dir].map(
                (p: any) =>
                    p.podSelector?.matchLabels["app.kubernetes.io/name"] ??
                    p.ipBlock?.cidr ??
                    `ns:${p.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]}`,
            ),
        )
        .sort();

describe("compose networkPolicies", () => {
    it("GIVEN the default WHEN compiled THEN no NetworkPolicy is emitted", () => {
        const app = convertCompose(COMPOSE, { file: "c.yml", namespace: "ns" });
        assert.deepEqual(policies(app), {});
    });

    it("GIVEN networkPolicies WHEN compiled THEN each service admits its depends_on callers on its ports and may call its dependencies, DNS and declared egress", () => {
        const app = convertCompose(COMPOSE, {
            file: "c.yml",
            namespace: "ns",
            networkPolicies: true,
            services: {
                db: { network: { allowFrom: ["worker"] } },
                web: { network: { allowFromNamespaces: ["ingress-nginx"] } },
                worker: { network: { egress: [{ cidr: "0.0.0.0/0", except: ["10.0.0.0/8"], ports: [443] }] } },
            },
        });
        const np = policies(app);
        assert.deepEqual(Object.keys(np).sort(), ["api", "db", "web", "worker"]);
        assert.deepEqual(np.db.podSelector, { matchLabels: { "app.kubernetes.io/name": "db" } });
        assert.deepEqual(np.db.policyTypes, ["Ingress", "Egress"]);
        assert.deepEqual(peers(np.db.ingress, "from"), ["api", "worker"]);
        assert.deepEqual(np.db.ingress[0].ports, [{ port: 5432, protocol: "TCP" }]);
        assert.deepEqual(peers(np.api.ingress, "from"), ["web"]);
        assert.deepEqual(peers(np.web.ingress, "from"), ["ns:ingress-nginx"]);
        // No ports, nobody to admit: the policy still isolates ingress (it holds without a namespace default-deny).
        assert.deepEqual(np.worker.ingress, []);
        assert.deepEqual(np.worker.policyTypes, ["Ingress", "Egress"]);
        assert.ok(
            app.workloads.every((w) => w.args.network?.isolateIngress),
            "every policy isolates ingress",
        );
        assert.deepEqual(peers(np.web.egress, "to"), ["api", "ns:kube-system"]);
        assert.deepEqual(peers(np.worker.egress, "to"), ["0.0.0.0/0", "db", "ns:kube-system"]);
        assert.deepEqual(np.worker.egress.find((e: any) => e.to[0].ipBlock).ports, [{ port: 443, protocol: "TCP" }]);
    });

    it("GIVEN metrics and an Ingress WHEN compiled THEN Prometheus is admitted to the metrics port only and the ingress controller to the routed port only", () => {
        const services = {
            api: { metrics: { port: 9090 }, ingress: { host: "api.example.com", port: 8000 } },
        };
        const text = COMPOSE.replace('ports: ["8000"]', 'ports: ["8000", "9090"]');
        const nsRules = (np: any, ns: string) =>
            np.ingress
                .filter((r: any) => r.from.length === 1 && r.from[0].namespaceSelector?.matchLabels["kubernetes.io/metadata.name"] === ns)
                .map((r: any) => r.ports);
        const byDefault = policies(convertCompose(text, { file: "c.yml", namespace: "ns", networkPolicies: true, services }));
        assert.deepEqual(nsRules(byDefault.api, "monitoring"), [[{ port: 9090, protocol: "TCP" }]]);
        assert.deepEqual(nsRules(byDefault.api, "ingress-nginx"), [[{ port: 8000, protocol: "TCP" }]]);
        // The callers keep every port; services without metrics or an Ingress admit no namespace.
        assert.deepEqual(peers(byDefault.api.ingress, "from"), ["ns:ingress-nginx", "ns:monitoring", "web"]);
        assert.deepEqual(peers(byDefault.db.ingress, "from"), ["api"]);
        const named = policies(
            convertCompose(text, {
                file: "c.yml",
                namespace: "ns",
                networkPolicies: true,
                services,
                monitoringNamespace: "obs",
                ingressControllerNamespace: "edge",
            }),
        );
        assert.deepEqual(nsRules(named.api, "obs"), [[{ port: 9090, protocol: "TCP" }]]);
        assert.deepEqual(nsRules(named.api, "edge"), [[{ port: 8000, protocol: "TCP" }]]);
        assert.throws(
            () => convertCompose(text, { file: "c.yml", namespace: "ns", networkPolicies: true, monitoringNamespace: "Obs!" }),
            (e: Error) => e instanceof ComposeError && /monitoringNamespace/.test(e.message) && /"Obs!"/.test(e.message),
        );
    });

    it("GIVEN allowFrom naming no service WHEN compiled THEN ComposeError names the option path", () => {
        assert.throws(
            () => convertCompose(COMPOSE, { file: "c.yml", namespace: "ns", networkPolicies: true, services: { db: { network: { allowFrom: ["nope"] } } } }),
            (e: Error) => e instanceof ComposeError && /network\.allowFrom\[0\]/.test(e.message) && /no active service "nope"/.test(e.message),
        );
    });
});
