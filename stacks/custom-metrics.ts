/**
 * The custom metrics the stack's HPAs declare, recorded as the systems register them, and the
 * prometheus-adapter configuration that serves them (components/kube/custom-metrics.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import { customMetricsOf } from "agent-platform";

const HPA_TYPE = "kubernetes:autoscaling/v2:HorizontalPodAutoscaler";

/** Records every Pods/Object metric of the HPAs registered under it (their specs are plain data). */
export class HpaMetricsRecorder {
    private readonly names = new Set<string>();

    readonly transformation: pulumi.ResourceTransformation = (a) => {
        if (a.type === HPA_TYPE) for (const m of customMetricsOf(a.props as never)) this.names.add(m);
        return undefined;
    };

    metrics(): string[] {
        return [...this.names].sort();
    }
}
