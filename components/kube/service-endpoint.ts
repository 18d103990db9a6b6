import * as pulumi from "@pulumi/pulumi";
import * as k8s from "@pulumi/kubernetes";
import { Labels, selectorLabels, standardLabels } from "./labels";
import { dns1123Problems, isValidPortName, serviceUrl } from "./names";
import { Problem, assertNoProblems, check } from "./problems";
import { serviceAnnotations } from "./service-await";
import { componentType, withOldTypeAlias } from "./type-token";

export interface EndpointPortSpec {
    /** Service port name (IANA_SVC_NAME: <= 15 characters). */
    name: string;
    /** Port the Service listens on. */
    port: number;
    /** Container port name or number. @default the port */
    targetPort?: number | string;
}

export interface ServiceEndpointArgs {
    namespace: string;
    /** Service name other workloads (or scrapers) resolve. @default the component name */
    name?: string;
    /** The workload (its `app.kubernetes.io/name`) whose pods the Service selects. */
    workload: string;
    ports: EndpointPortSpec[];
    /** @default "ClusterIP" */
    type?: "ClusterIP" | "LoadBalancer";
    /** e.g. `prometheusScrapeAnnotations(8000)` (seed 001 `inquisitor-metrics`). */
    annotations?: Record<string, string>;
    partOf?: string;
    /** `app.kubernetes.io/component` of the Service itself, e.g. `metrics`. */
    component?: string;
}

export function serviceEndpointProblems(name: string, a: ServiceEndpointArgs): Problem[] {
    const p: Problem[] = [
        ...dns1123Problems([
            ["name", a.name ?? name],
            ["namespace", a.namespace],
            ["workload", a.workload],
        ]),
    ];
    p.push(...check(a.ports.length > 0, "ports", "must name at least one port", a.ports));
    const seen = new Set<string>();
    a.ports.forEach((port, i) => {
        p.push(...check(isValidPortName(port.name), `ports[${i}].name`, "must be a valid port name (DNS-1123, <= 15 characters, a letter)", port.name));
        p.push(...check(!seen.has(port.name), `ports[${i}].name`, "must be unique", port.name));
        seen.add(port.name);
        p.push(...check(Number.isInteger(port.port) && port.port >= 1 && port.port <= 65535, `ports[${i}].port`, "must be in 1..65535", port.port));
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
    /** `http://<svc>.<ns>.svc.cluster.local:<first port>` */
    public readonly url: string;
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
                metadata: { name: this.serviceName, namespace: a.namespace, labels, annotations: serviceAnnotations(a.type, a.annotations) },
                spec: {
                    type: a.type ?? "ClusterIP",
                    selector: this.selector,
                    ports: a.ports.map((p) => ({ name: p.name, port: p.port, targetPort: p.targetPort ?? p.port, protocol: "TCP" })),
                },
            },
            { parent: this },
        );
        this.url = serviceUrl("http", this.serviceName, a.namespace, a.ports[0].port);
        this.registerOutputs({ serviceName: this.serviceName, url: this.url });
    }
}
