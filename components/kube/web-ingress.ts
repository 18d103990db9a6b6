/**
 * WebIngress: one Ingress with TLS (cert-manager issuer annotation when cert-manager exists),
 * ssl-redirect, websocket-aware routes, and several path rules to different backends
 * (seed 002: `/` -> dashboard-frontend:80, `/api` -> dashboard-backend:4005).
 */
import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { ClusterCapabilities, crdAvailable } from "./capabilities";
import { Labels, standardLabels } from "./labels";
import { dns1123Problem, dns1123Problems, isDnsName, isValidPortName } from "./names";
import { Problem, assertNoProblems, check } from "./problems";
import { NetworkPeer, allowListPolicySpec } from "./network";
import { componentType, withOldTypeAlias } from "./type-token";
import { NamespaceInput, knownNamespace, knownNamespaceNames, namespaceName } from "./namespace-ref";

// seed 002: `ingressClassName: nginx`.
export const DEFAULT_INGRESS_CLASS = "nginx";
// seed 002: `cert-manager.io/cluster-issuer: "letsencrypt-prod"`.
export const DEFAULT_CLUSTER_ISSUER = "letsencrypt-prod";
/** Namespace of the ingress-nginx controller: backends admit it with `ingressControllerPeer`. */
export const INGRESS_NGINX_NAMESPACE = "ingress-nginx";
/** The peer backends behind a WebIngress must admit (pass it in their NetworkPolicy ingress rules). */
export function ingressControllerPeer(namespace = INGRESS_NGINX_NAMESPACE): NetworkPeer {
    return { namespaceLabels: { "kubernetes.io/metadata.name": namespace } };
}

const NGINX = "nginx.ingress.kubernetes.io";

/** The label cert-manager puts on the HTTP-01 solver pods it runs in an Ingress's namespace while a challenge is open. */
export const ACME_SOLVER_LABELS: Labels = { "acme.cert-manager.io/http01-solver": "true" };
/** The port cert-manager's HTTP-01 solver serves the challenge on. */
export const ACME_SOLVER_PORT = 8089;

/**
 * The policy a namespace with cert-manager-issued Ingress certificates needs under its
 * default-deny: the ingress controller (which the ACME server's challenge request comes through)
 * may reach the HTTP-01 solver pods on their port, and nothing else may.
 */
export function acmeSolverPolicySpec(ingressControllerNamespace = INGRESS_NGINX_NAMESPACE): k8s.types.input.networking.v1.NetworkPolicySpec {
    return allowListPolicySpec(ACME_SOLVER_LABELS, [{ peers: [ingressControllerPeer(ingressControllerNamespace)], ports: [ACME_SOLVER_PORT] }], []);
}

/** How an Ingress path matches. */
export const PathType = { Prefix: "Prefix", Exact: "Exact", ImplementationSpecific: "ImplementationSpecific" } as const;
/** How an Ingress path matches: `Prefix`, `Exact` or `ImplementationSpecific`. */
export type PathType = (typeof PathType)[keyof typeof PathType];

/** The NetworkPolicy `<name>` admitting the ingress controller to cert-manager's HTTP-01 solver pods in `namespace`. */
export function acmeSolverPolicy(
    name: string,
    a: { namespace: pulumi.Input<string>; ingressControllerNamespace?: string; partOf?: string },
    opts: pulumi.CustomResourceOptions,
): k8s.networking.v1.NetworkPolicy {
    return new k8s.networking.v1.NetworkPolicy(
        name,
        {
            metadata: { name, namespace: a.namespace, labels: standardLabels(name, { partOf: a.partOf, component: "network-policy" }) },
            spec: acmeSolverPolicySpec(a.ingressControllerNamespace),
        },
        opts,
    );
}

/** One path rule: requests under `path` go to a Service port. */
export interface IngressRoute {
    /** URL path, starting with `/`. */
    path: string;
    /** How the path matches. @default "Prefix" */
    pathType?: PathType;
    /** Backend Service name. */
    service: string;
    /** Backend Service port number (exactly one of `port` and `portName`). */
    port?: number;
    /** Backend Service port name (exactly one of `port` and `portName`). */
    portName?: string;
    /** The backend speaks websockets (long proxy timeouts; listed in `websocket-services`). @default false */
    websocket?: boolean;
}

/**
 * TLS for a WebIngress: the certificate Secret and the cert-manager ClusterIssuer that fills it (the
 * issuer annotation is set only when `capabilities.certManager`).
 */
export interface IngressTls {
    /** `false` serves plain HTTP (dev only). @default true */
    enabled?: boolean;
    /** The certificate Secret. @default `<ingress name>-tls` */
    secretName?: string;
    /** The cert-manager ClusterIssuer. @default "letsencrypt-prod" */
    clusterIssuer?: string;
}

/** The arguments of `WebIngress`. */
export interface WebIngressArgs {
    /**
     * Namespace of the Ingress and its backend Services: a PlatformNamespace (the Ingress then waits
     * for it), or a name, plain or an Output (a plain name must exist already, or be ordered with `dependsOn`).
     */
    namespace: NamespaceInput;
    /** Ingress name (seed 002: `dashboard-ingress`). @default the component name */
    name?: string;
    /** Hosts served; all share the routes and the TLS certificate (seed 002: `dashboard.claude-code.company.com`). */
    hosts: string[];
    /** The path rules (at least one), the same for every host. */
    routes: IngressRoute[];
    /** The IngressClass. @default "nginx" */
    ingressClassName?: string;
    /** TLS for every host. @default on, Secret `<name>-tls` filled by ClusterIssuer "letsencrypt-prod" */
    tls?: IngressTls;
    /** Redirect HTTP to HTTPS. @default true when TLS is on */
    sslRedirect?: boolean;
    /** nginx `rewrite-target` (seed 002 sets `/`, which strips `/api/...` paths: opt-in only). @default none */
    rewriteTarget?: string;
    /** Proxy read/send timeout for websocket routes, seconds. @default 3600 */
    websocketTimeoutSeconds?: number;
    /** Extra annotations (win over the computed ones). @default none */
    annotations?: Record<string, string>;
    /** The ingress controller's namespace, admitted to cert-manager's HTTP-01 solver pods when the issuer annotation is set. @default "ingress-nginx" */
    ingressControllerNamespace?: string;
    /** What the cluster runs (the issuer annotation needs `certManager`). @default none installed */
    capabilities?: ClusterCapabilities;
    /** System the Ingress belongs to (`app.kubernetes.io/part-of`). @default none */
    partOf?: string;
    /** Extra labels on the Ingress. @default none */
    labels?: Labels;
}

/** The TLS settings in force, or undefined for plain HTTP. */
function tlsOf(a: WebIngressArgs): IngressTls | undefined {
    return a.tls?.enabled === false ? undefined : (a.tls ?? {});
}

export function webIngressProblems(name: string, a: WebIngressArgs): Problem[] {
    const p: Problem[] = [...dns1123Problems([...knownNamespaceNames(a.namespace), ["name", a.name ?? name]])];
    p.push(...check(a.hosts.length > 0, "hosts", "must name at least one host", a.hosts));
    for (const h of a.hosts) p.push(...check(isDnsName(h, { wildcard: true }), "hosts[]", "must be a lowercase DNS name", h));
    p.push(...check(new Set(a.hosts).size === a.hosts.length, "hosts", "must be unique", a.hosts));
    p.push(...check(a.routes.length > 0, "routes", "must have at least one path rule", a.routes));
    const seen = new Set<string>();
    a.routes.forEach((r, i) => {
        p.push(...check(r.path.startsWith("/"), `routes[${i}].path`, "must start with '/'", r.path));
        const key = `${r.pathType ?? "Prefix"} ${r.path}`;
        p.push(...check(!seen.has(key), `routes[${i}].path`, `must not repeat a path (${r.pathType ?? "Prefix"})`, r.path));
        seen.add(key);
        p.push(...dns1123Problem(`routes[${i}].service`, r.service));
        p.push(...check((r.port === undefined) !== (r.portName === undefined), `routes[${i}]`, "takes exactly one of port and portName"));
        if (r.port !== undefined) p.push(...check(Number.isInteger(r.port) && r.port >= 1 && r.port <= 65535, `routes[${i}].port`, "must be 1..65535", r.port));
        if (r.portName !== undefined)
            p.push(
                ...check(isValidPortName(r.portName), `routes[${i}].portName`, "must be a valid port name (DNS-1123, <= 15 characters, a letter)", r.portName),
            );
    });
    const tls = tlsOf(a);
    p.push(...check(!(!tls && a.sslRedirect === true), "sslRedirect", "is true but tls is off: there is no HTTPS to redirect to"));
    if (tls?.secretName !== undefined) p.push(...dns1123Problem("tls.secretName", tls.secretName));
    for (const k of ["secretName", "clusterIssuer"] as const)
        p.push(...check(!(a.tls?.enabled === false && a.tls[k] !== undefined), `tls.${k}`, "is not allowed with tls.enabled: false"));
    return p;
}

/** Annotations: ssl-redirect, websocket services + timeouts, cert-manager issuer (when available), rewrite, extras. Sorted. */
export function webIngressAnnotations(a: WebIngressArgs, certManager: boolean): Record<string, string> {
    const tls = tlsOf(a);
    const ws = [...new Set(a.routes.filter((r) => r.websocket).map((r) => r.service))].sort();
    const timeout = String(a.websocketTimeoutSeconds ?? 3600);
    const out: Record<string, string> = {
        [`${NGINX}/ssl-redirect`]: String(a.sslRedirect ?? tls !== undefined),
        ...(tls ? { [`${NGINX}/force-ssl-redirect`]: String(a.sslRedirect ?? true) } : {}),
        ...(ws.length
            ? {
                  [`${NGINX}/websocket-services`]: ws.join(","),
                  [`${NGINX}/proxy-read-timeout`]: timeout,
                  [`${NGINX}/proxy-send-timeout`]: timeout,
              }
            : {}),
        ...(tls && certManager ? { "cert-manager.io/cluster-issuer": tls.clusterIssuer ?? DEFAULT_CLUSTER_ISSUER } : {}),
        ...(a.rewriteTarget ? { [`${NGINX}/rewrite-target`]: a.rewriteTarget } : {}),
        ...(a.annotations ?? {}),
    };
    return Object.fromEntries(
        Object.keys(out)
            .sort()
            .map((k) => [k, out[k]]),
    );
}

/** The Ingress spec: class, TLS for every host, the same path rules per host (longest paths first). */
export function webIngressSpec(ingressName: string, a: WebIngressArgs): k8s.types.input.networking.v1.IngressSpec {
    const tls = tlsOf(a);
    const paths = [...a.routes]
        .sort((x, y) => y.path.length - x.path.length || x.path.localeCompare(y.path))
        .map((r) => ({
            path: r.path,
            pathType: r.pathType ?? "Prefix",
            backend: { service: { name: r.service, port: r.portName !== undefined ? { name: r.portName } : { number: r.port } } },
        }));
    return {
        ingressClassName: a.ingressClassName ?? DEFAULT_INGRESS_CLASS,
        ...(tls ? { tls: [{ hosts: [...a.hosts], secretName: tls.secretName ?? `${ingressName}-tls` }] } : {}),
        rules: a.hosts.map((host) => ({ host, http: { paths } })),
    };
}

export class WebIngress extends pulumi.ComponentResource {
    public readonly ingressName: string;
    /** `https://<first host>` (or http when TLS is off). */
    public readonly url: string;
    public readonly tlsSecretName?: string;

    constructor(name: string, args: WebIngressArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("WebIngress", name, webIngressProblems(name, args));
        super(componentType("WebIngress"), name, {}, withOldTypeAlias("agent-platform:kube:WebIngress", opts));
        const a = args;
        const ingressName = a.name ?? name;
        this.ingressName = ingressName;
        const tls = tlsOf(a);
        this.tlsSecretName = tls ? (tls.secretName ?? `${ingressName}-tls`) : undefined;
        this.url = `${tls ? "https" : "http"}://${a.hosts[0]}`;
        // Without cert-manager the TLS Secret must be provided some other way; say so rather than fail.
        const certManager = tls
            ? crdAvailable(
                  a.capabilities,
                  "certManager",
                  `cert-manager issuer annotation on Ingress ${knownNamespace(a.namespace) ?? "(namespace)"}/${ingressName} (provide Secret ${this.tlsSecretName} yourself)`,
                  this,
              )
            : false;
        new k8s.networking.v1.Ingress(
            `${name}-ingress`,
            {
                metadata: {
                    name: ingressName,
                    namespace: namespaceName(a.namespace),
                    labels: standardLabels(ingressName, { partOf: a.partOf, component: "ingress", extra: a.labels }),
                    annotations: webIngressAnnotations(a, certManager),
                },
                spec: webIngressSpec(ingressName, a),
            },
            { parent: this },
        );
        // cert-manager answers the HTTP-01 challenge from a solver pod in this namespace, behind its default-deny.
        if (certManager)
            acmeSolverPolicy(
                `${ingressName}-acme-http01-solver`,
                { namespace: namespaceName(a.namespace), ingressControllerNamespace: a.ingressControllerNamespace, partOf: a.partOf },
                { parent: this },
            );
        this.registerOutputs({ ingressName, url: this.url, tlsSecretName: this.tlsSecretName });
    }
}
