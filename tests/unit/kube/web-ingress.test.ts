import * as assert from "assert";
import { formatProblem } from "../../../components/kube/problems";
import {
    WebIngress,
    WebIngressArgs,
    acmeSolverPolicySpec,
    ingressControllerPeer,
    webIngressAnnotations,
    webIngressProblems,
    webIngressSpec,
} from "../../../components/kube/web-ingress";
import { one, render, validateAll } from "./data-helpers";

// seed 002 dashboard-ingress.
const seed002: WebIngressArgs = {
    namespace: "claude-code",
    name: "dashboard-ingress",
    hosts: ["dashboard.claude-code.company.com"],
    routes: [
        { path: "/", service: "dashboard-frontend", port: 80 },
        { path: "/api", service: "dashboard-backend", port: 4005, websocket: true },
    ],
    tls: { secretName: "dashboard-tls", clusterIssuer: "letsencrypt-prod" },
    capabilities: { certManager: true },
};

describe("kube/web-ingress", () => {
    describe("pure builders", () => {
        it("GIVEN seed 002 WHEN building the spec THEN class nginx, TLS for the host, and both routes with longest path first", () => {
            const spec: any = webIngressSpec("dashboard-ingress", seed002);
            assert.strictEqual(spec.ingressClassName, "nginx");
            assert.deepStrictEqual(spec.tls, [{ hosts: ["dashboard.claude-code.company.com"], secretName: "dashboard-tls" }]);
            const paths = spec.rules[0].http.paths;
            assert.deepStrictEqual(
                paths.map((p: any) => [p.path, p.pathType, p.backend.service.name, p.backend.service.port.number]),
                [
                    ["/api", "Prefix", "dashboard-backend", 4005],
                    ["/", "Prefix", "dashboard-frontend", 80],
                ],
            );
        });
        it("GIVEN seed 002 with cert-manager WHEN building annotations THEN ssl-redirect, websocket-services and the cluster issuer are set, sorted", () => {
            const a = webIngressAnnotations(seed002, true);
            assert.strictEqual(a["nginx.ingress.kubernetes.io/ssl-redirect"], "true");
            assert.strictEqual(a["nginx.ingress.kubernetes.io/websocket-services"], "dashboard-backend");
            assert.strictEqual(a["nginx.ingress.kubernetes.io/proxy-read-timeout"], "3600");
            assert.strictEqual(a["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
            assert.strictEqual(a["nginx.ingress.kubernetes.io/rewrite-target"], undefined, "rewrite-target is opt-in");
            assert.deepStrictEqual(Object.keys(a), [...Object.keys(a)].sort());
        });
        it("GIVEN another ingress controller namespace THEN the solver policy admits that one", () => {
            assert.deepStrictEqual(acmeSolverPolicySpec("nginx-internal").ingress, [
                {
                    from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "nginx-internal" } } }],
                    ports: [{ port: 8089, protocol: "TCP" }],
                },
            ]);
        });
        it("GIVEN tls.enabled false WHEN building THEN no tls block, no redirect, no issuer", () => {
            const args: WebIngressArgs = { ...seed002, tls: { enabled: false } };
            assert.strictEqual((webIngressSpec("x", args) as any).tls, undefined);
            const a = webIngressAnnotations(args, true);
            assert.strictEqual(a["nginx.ingress.kubernetes.io/ssl-redirect"], "false");
            assert.strictEqual(a["cert-manager.io/cluster-issuer"], undefined);
        });
        it("GIVEN a named port and extra annotations WHEN building THEN port.name is used and extras win", () => {
            const args: WebIngressArgs = {
                ...seed002,
                routes: [{ path: "/", service: "web", portName: "http" }],
                annotations: { "nginx.ingress.kubernetes.io/ssl-redirect": "false" },
            };
            assert.deepStrictEqual((webIngressSpec("x", args) as any).rules[0].http.paths[0].backend.service.port, { name: "http" });
            assert.strictEqual(webIngressAnnotations(args, false)["nginx.ingress.kubernetes.io/ssl-redirect"], "false");
        });
        it("GIVEN the controller namespace THEN ingressControllerPeer selects it", () => {
            assert.deepStrictEqual(ingressControllerPeer(), { namespaceLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } });
        });
    });

    describe("validation", () => {
        const cases: [string, Partial<WebIngressArgs>, RegExp][] = [
            ["no hosts", { hosts: [] }, /hosts must name at least one host, got \[\]/],
            ["bad host", { hosts: ["Dashboard.Example.com"] }, /hosts\[\] must be a lowercase DNS name, got "Dashboard.Example.com"/],
            ["duplicate hosts", { hosts: ["a.example.com", "a.example.com"] }, /hosts must be unique/],
            ["no routes", { routes: [] }, /routes must have at least one path rule, got \[\]/],
            ["relative path", { routes: [{ path: "api", service: "b", port: 80 }] }, /routes\[0\].path must start with '\/', got "api"/],
            [
                "repeated path",
                {
                    routes: [
                        { path: "/", service: "a", port: 80 },
                        { path: "/", service: "b", port: 80 },
                    ],
                },
                /routes\[1\].path must not repeat a path \(Prefix\), got "\/"/,
            ],
            ["bad port", { routes: [{ path: "/", service: "a", port: 70000 }] }, /routes\[0\].port must be 1..65535, got 70000/],
            ["bad service", { routes: [{ path: "/", service: "Front_End", port: 80 }] }, /routes\[0\].service must be a DNS-1123 label/],
            ["redirect without TLS", { tls: { enabled: false }, sslRedirect: true }, /sslRedirect is true but tls is off/],
            ["a Secret while TLS is off", { tls: { enabled: false, secretName: "x-tls" } }, /tls.secretName is not allowed with tls.enabled: false/],
            [
                "both port and portName",
                { routes: [{ path: "/", service: "a", port: 80, portName: "http" }] },
                /routes\[0\] takes exactly one of port and portName/,
            ],
            ["neither port nor portName", { routes: [{ path: "/", service: "a" }] }, /routes\[0\] takes exactly one of port and portName/],
            ["a bad port name", { routes: [{ path: "/", service: "a", portName: "Web_Port" }] }, /routes\[0\].portName must be a valid port name/],
        ];
        for (const [label, patch, re] of cases) {
            it(`GIVEN ${label} WHEN validated THEN it fails naming the rule`, () => {
                const problems = webIngressProblems("web", { ...seed002, ...patch }).map(formatProblem);
                assert.ok(
                    problems.some((p) => re.test(p)),
                    problems.join("\n"),
                );
                assert.throws(() => new WebIngress("web", { ...seed002, ...patch }), re);
            });
        }
        it("GIVEN seed 002 THEN there are no problems", () => assert.deepStrictEqual(webIngressProblems("web", seed002), []));
    });

    describe("component", () => {
        it("GIVEN seed 002 WHEN rendered THEN one schema-valid Ingress dashboard-ingress with the issuer annotation, and a policy admitting the ingress controller to cert-manager's HTTP-01 solver pods", async () => {
            const r = await render(() => new WebIngress("dashboard", seed002));
            assert.strictEqual(validateAll(r), 2);
            const np = one(r, "NetworkPolicy", "dashboard-ingress-acme-http01-solver");
            assert.strictEqual(np.metadata.namespace, "claude-code");
            assert.deepStrictEqual(np.spec, {
                podSelector: { matchLabels: { "acme.cert-manager.io/http01-solver": "true" } },
                policyTypes: ["Ingress"],
                ingress: [
                    {
                        from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }],
                        ports: [{ port: 8089, protocol: "TCP" }],
                    },
                ],
            });
            const ing = one(r, "Ingress", "dashboard-ingress");
            assert.strictEqual(ing.metadata.namespace, "claude-code");
            assert.strictEqual(ing.metadata.annotations["cert-manager.io/cluster-issuer"], "letsencrypt-prod");
            assert.strictEqual(ing.spec.rules[0].http.paths.length, 2);
            assert.deepStrictEqual(r.logs, []);
        });
        it("GIVEN no cert-manager WHEN rendered THEN the TLS block stays, the issuer annotation is skipped and logged", async () => {
            const r = await render(() => new WebIngress("dashboard", { ...seed002, capabilities: {} }));
            const ing = one(r, "Ingress", "dashboard-ingress");
            assert.strictEqual(ing.metadata.annotations["cert-manager.io/cluster-issuer"], undefined);
            assert.strictEqual(ing.spec.tls[0].secretName, "dashboard-tls");
            assert.ok(!r.objects.some((o: any) => o.kind === "NetworkPolicy"), "no solver pods without cert-manager: no policy for them");
            assert.ok(
                r.logs.some(
                    (l) => l.includes("skipped cert-manager issuer annotation on Ingress claude-code/dashboard-ingress") && l.includes("dashboard-tls"),
                ),
                JSON.stringify(r.logs),
            );
        });
    });
});
