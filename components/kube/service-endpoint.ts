import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Labels, selectorLabels, standardLabels } from "./labels";
import { dns1123Problems, isValidPortName, serviceUrl, targetPortProblems } from "./names";
import { Problem, assertNoProblems, check } from "./problems";
import { serviceAnnotations } from "./service-await";
import { componentType, withOldTypeAlias } from "./type-token";
import { ServiceType } from "./agent-service-args";
import { NamespaceInput, knownNamespace, knownNamespaceNames, namespaceName } from "./namespace-ref";

/** One port of a ServiceEndpoint's Service. */
export interface EndpointPortSpec {
    /** Service port name (IANA_SVC_NAME: <= 15 characters). */
    name: string;
    /** Port the Service listens on. */
    port: number;
    /** Container port number (at most one of `targetPort` and `targetPortName`). @default the port */
    targetPort?: number;
    /** Container port name, e.g. `http` (at most one of `targetPort` and `targetPortName`). @default the port */
    targetPortName?: string;
}

/** The arguments of `ServiceEndpoint`. */
export interface ServiceEndpointArgs {
    /**
     * Namespace of the workload and of the Service: a PlatformNamespace (the Service then waits for
     * it), or a name, plain or an Output (a plain name must exist already, or be ordered with `dependsOn`).
     */
    namespace: NamespaceInput;
    /** Service name other workloads (or scrapers) resolve. @default the component name */
    name?: string;
    /** The workload (its `app.kubernetes.io/name`) whose pods the Service selects. */
    workload: string;
    /** The Service's ports (at least one; the first one is in `url`). */
    ports: EndpointPortSpec[];
    /** How the Service is exposed. @default "ClusterIP" */
    type?: ServiceType;
    /** Service annotations, e.g. `prometheusScrapeAnnotations(8000)` (seed 001 `inquisitor-metrics`). @default none */
    annotations?: Record<string, string>;
    /** System the Service belongs to (`app.kubernetes.io/part-of`). @default none */
    partOf?: string;
    /** `app.kubernetes.io/component` of the Service itself, e.g. `metrics`. @default none */
    component?: string;
}

export function serviceEndpointProblems(name: string, a: ServiceEndpointArgs): Problem[] {
    const p: Problem[] = [...dns1123Problems([["name", a.name ?? name], ...knownNamespaceNames(a.namespace), ["workload", a.workload]])];
    p.push(...check(a.ports.length > 0, "ports", "must name at least one port", a.ports));
    const seen = new Set<string>();
    a.ports.forEach((port, i) => {
        p.push(...check(isValidPortName(port.name), `ports[${i}].name`, "must be a valid port name (DNS-1123, <= 15 characters, a letter)", port.name));
        p.push(...check(!seen.has(port.name), `ports[${i}].name`, "must be unique", port.name));
        seen.add(port.name);
        p.push(...check(Number.isInteger(port.port) && port.port >= 1 && port.port <= 65535, `ports[${i}].port`, "must be in 1..65535", port.port));
        p.push(...targetPortProblems(`ports[${i}]`, port));
    });
    return p;
}

/**
 * An extra Service in front of an existing workload's pods: the object a workload component does
 * not make itself, such as seed 001's annotated `inquisitor-metrics` next to RaftCluster's
 * client and headless Services. It selects pods by the workload's stable selector labels.
 */
export class ServiceEndpoint extends pulumi.ComponentResource {
    public readonly serviceName: string;
    /** `http://<svc>.<ns>.svc.cluster.local:<first port>`, when the namespace is known while the program runs (not an Output). */
    public readonly url?: string;
    public readonly selector: Labels;

    constructor(name: string, args: ServiceEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
        assertNoProblems("ServiceEndpoint", name, serviceEndpointProblems(name, args));
        super(componentType("ServiceEndpoint"), name, {}, withOldTypeAlias("agent-platform:kube:ServiceEndpoint", opts));
        const a = args;
        this.serviceName = a.name ?? name;
        this.selector = selectorLabels(a.workload);
        // The Service carries its own name label; only its selector points at the workload's pods.
        const labels = standardLabels(this.serviceName, { partOf: a.partOf, component: a.component });
        new k8s.core.v1.Service(
            `${name}-svc`,
            {
                metadata: { name: this.serviceName, namespace: namespaceName(a.namespace), labels, annotations: serviceAnnotations(a.type, a.annotations) },
                spec: {
                    type: a.type ?? "ClusterIP",
                    selector: this.selector,
                    ports: a.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPortName ?? p.targetPort ?? p.port, protocol: "TCP" })),
                },
            },
            { parent: this },
        );
        const known = knownNamespace(a.namespace);
        if (known !== undefined) this.url = serviceUrl("http", this.serviceName, known, a.ports[0].port);
        this.registerOutputs({ serviceName: this.serviceName, url: this.url });
    }
}
