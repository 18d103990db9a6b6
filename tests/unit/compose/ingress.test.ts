import { strict as assert } from "assert";
import { ingressObject, resolveIngress } from "../../../components/compose/ingress";
import { context, service } from "./fixtures";

const ports = [
    { name: "http", containerPort: 3000, protocol: "TCP" as const },
    { name: "metrics", containerPort: 9090, protocol: "TCP" as const },
];

describe("compose/ingress", () => {
    it("GIVEN kompose expose labels THEN host, path, TLS secret and class come from them", () => {
        const svc = service({
            labels: {
                "kompose.service.expose": "app.example.com/ui",
                "kompose.service.expose.tls-secret": "app-tls",
                "kompose.service.expose.ingress-class-name": "nginx",
            },
        });
        assert.deepEqual(resolveIngress(svc, {}, context()), {
            enabled: true,
            host: "app.example.com",
            path: "/ui",
            tls: true,
            tlsSecretName: "app-tls",
            className: "nginx",
        });
        assert.equal(resolveIngress(service({ labels: { "kompose.service.expose": "false" } }), {}, context()), undefined);
        assert.throws(() => resolveIngress(service({ labels: { "kompose.service.expose": "Not A Host" } }), {}, context()), /must be "true" or host\[\/path\]/);
    });

    it("GIVEN options THEN they win over labels, and enabled: false turns the Ingress off", () => {
        const svc = service({ labels: { "kompose.service.expose": "true" } });
        assert.equal(resolveIngress(svc, { ingress: { enabled: false } }, context()), undefined);
        assert.throws(() => resolveIngress(svc, { ingress: { host: "Bad_Host" } }, context()), /ingress.host: must be a DNS host name/);
    });

    it("GIVEN a resolved ingress THEN the object routes the named port, carries sorted labels and annotations, and TLS for its host", () => {
        const o: any = ingressObject(
            { host: "app.example.com", tls: true, portName: "http", annotations: { z: "1" } },
            {
                service: "web",
                namespace: "apps",
                partOf: "shop",
                ports,
                labels: { team: "a" },
                annotations: { a: "2" },
            },
            context("web"),
        );
        assert.deepEqual(o.metadata, {
            name: "web",
            namespace: "apps",
            labels: { "app.kubernetes.io/managed-by": "pulumi", "app.kubernetes.io/name": "web", "app.kubernetes.io/part-of": "shop", team: "a" },
            annotations: { a: "2", z: "1" },
        });
        assert.deepEqual(o.spec.rules[0].http.paths[0], { path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } });
        assert.deepEqual(o.spec.tls, [{ hosts: ["app.example.com"], secretName: "web-tls" }]);
    });

    it("GIVEN stripPath THEN ingress-nginx matches the prefix and everything under it and passes the rest of the URL to the service", () => {
        const o: any = ingressObject(
            { host: "app.example.com", path: "/mem0", stripPath: true, annotations: { z: "1" } },
            { service: "web", namespace: "apps", ports, labels: {} },
            context("web"),
        );
        assert.deepEqual(o.spec.rules[0].http.paths[0], {
            path: "/mem0(/|$)(.*)",
            pathType: "ImplementationSpecific",
            backend: { service: { name: "web", port: { name: "http" } } },
        });
        assert.deepEqual(o.metadata.annotations, {
            "nginx.ingress.kubernetes.io/rewrite-target": "/$2",
            "nginx.ingress.kubernetes.io/use-regex": "true",
            z: "1",
        });
        for (const path of ["/", "/mem0/", "/a(b)", "/a b"]) {
            assert.throws(
                () => ingressObject({ path, stripPath: true }, { service: "web", namespace: "apps", ports, labels: {} }, context("web")),
                /ingress.path: with stripPath must be a prefix such as \/mem0/,
                path,
            );
        }
    });

    it("GIVEN no ports, an unknown port, a relative path or TLS without a host THEN one error names the field", () => {
        const args = { service: "web", namespace: "apps", ports, labels: {} };
        assert.throws(() => ingressObject({}, { ...args, ports: [] }, context("web")), /ports: an ingress was requested but the service has no ports/);
        assert.throws(
            () => ingressObject({ port: 81 }, args, context("web")),
            /ingress.port: "81" is not one of the service's ports \(http\/3000, metrics\/9090\)/,
        );
        assert.throws(() => ingressObject({ path: "api" }, args, context("web")), /ingress.path: must start with "\/"/);
        assert.throws(() => ingressObject({ tls: true }, args, context("web")), /ingress.tls: TLS needs ingress.host/);
    });
});
