/** Monitoring and logging (seed checklists: "monitoring is set up", "logging is configured"). */
import { isKind, Json, K8sObject, k8sNamespaceOf, LabelPairIndex, mapSelectorMatches, podTemplate, selectorMatches, SYSTEM_NAMESPACES } from "../lib/k8s";
import { k8sItems, PlatformRule, StackItem, stackRule, StackViolation } from "../lib/rule";

type K8sItem = StackItem & { obj: K8sObject };

// Log shippers the EKS Best Practices Guide and the seeds mention (seed 003: Loki/ELK).
export const LOG_SHIPPERS =
    /fluent-?bit|fluentd|vector|promtail|grafana-agent|alloy|cloudwatch-agent|aws-for-fluent-bit|otel-?collector|opentelemetry-collector|filebeat/i;
export const LOGGING_ADDONS = ["amazon-cloudwatch-observability", "adot"];

function monitorSelects(mon: K8sItem, target: K8sObject, targetLabels: Record<string, string>): boolean {
    const ns = k8sNamespaceOf(target);
    const nsSel = mon.obj.spec?.namespaceSelector;
    const nsOk = nsSel?.any === true || (Array.isArray(nsSel?.matchNames) ? nsSel.matchNames.includes(ns) : k8sNamespaceOf(mon.obj) === ns);
    return nsOk && selectorMatches(mon.obj.spec?.selector ?? {}, targetLabels);
}

export const observabilityRules: PlatformRule[] = [
    stackRule({
        name: "obs-metrics",
        area: "observability",
        description:
            'Every workload behind a Service is scraped: a ServiceMonitor selects one of its Services, a PodMonitor its pods, or (acceptScrapeAnnotations) prometheus.io/scrape: "true".',
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Enable `monitoring` on the AgentService (ServiceMonitor), or add a PodMonitor.",
        defaults: { acceptScrapeAnnotations: true, systemNamespaces: SYSTEM_NAMESPACES },
        knobs: {
            acceptScrapeAnnotations: "accept prometheus.io/scrape pod annotations instead of a ServiceMonitor",
            systemNamespaces: "namespaces of cluster add-ons, not judged",
        },
        check: (items, cfg) => {
            const k = k8sItems(items);
            const services = k.filter((i) => i.obj.kind === "Service" && i.obj.spec?.selector && Object.keys(i.obj.spec.selector).length);
            const serviceMonitors = k.filter((i) => i.obj.kind === "ServiceMonitor");
            const podMonitors = k.filter((i) => i.obj.kind === "PodMonitor");
            // The Services of the workload's namespace whose selector may select its pods (the rest cannot).
            const servicesBySelector = new LabelPairIndex<K8sItem>();
            for (const s of services) servicesBySelector.addSelector(k8sNamespaceOf(s.obj), s.obj.spec.selector, s);
            const nsServices = (w: StackItem & { obj: K8sObject }, labels: Record<string, string>) =>
                servicesBySelector.selecting(k8sNamespaceOf(w.obj), labels);
            const served = k
                .filter((i) => isKind(i.type, ["Deployment", "StatefulSet", "DaemonSet"]) && !cfg.systemNamespaces.includes(k8sNamespaceOf(i.obj)))
                .map((w) => ({ w, tpl: podTemplate(w.obj)! }))
                .filter(({ w, tpl }) => tpl && nsServices(w, tpl.labels).some((s) => mapSelectorMatches(s.obj.spec.selector, tpl.labels)));
            if (served.length === 0) return undefined;
            const out: StackViolation[] = [];
            for (const { w, tpl } of served) {
                const mySvcs = nsServices(w, tpl.labels).filter((s) => mapSelectorMatches(s.obj.spec.selector, tpl.labels));
                const bySm = serviceMonitors.some((m) => mySvcs.some((s) => monitorSelects(m, s.obj, s.obj.metadata?.labels ?? {})));
                const byPm = podMonitors.some((m) => monitorSelects(m, w.obj, tpl.labels));
                const byAnn = cfg.acceptScrapeAnnotations && (tpl.annotations as Json)["prometheus.io/scrape"] === "true";
                if (!bySm && !byPm && !byAnn)
                    out.push({
                        message: `${w.obj.kind} ${k8sNamespaceOf(w.obj)}/${w.obj.metadata?.name}: serves traffic but no ServiceMonitor/PodMonitor scrapes it`,
                        urn: w.urn,
                    });
            }
            return out;
        },
    }),
    stackRule({
        name: "obs-logging",
        area: "observability",
        description:
            "A logging pipeline exists: a log-shipper DaemonSet or the CloudWatch observability add-on in the stack, or externalPipeline declared for clusters whose logging is managed elsewhere.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps:
            "Install aws-for-fluent-bit/Fluent Bit as a DaemonSet or the amazon-cloudwatch-observability EKS add-on; set externalPipeline: true when the cluster already ships logs.",
        defaults: { externalPipeline: false },
        knobs: { externalPipeline: "the cluster's log pipeline is managed outside this stack" },
        check: (items, cfg) => {
            if (cfg.externalPipeline) return [];
            const k = k8sItems(items);
            if (!k.some((i) => isKind(i.type, ["Deployment", "StatefulSet", "DaemonSet", "CronJob", "Job"]))) return undefined;
            const shipper = k.some(
                (i) =>
                    i.obj.kind === "DaemonSet" &&
                    (LOG_SHIPPERS.test(i.obj.metadata?.name ?? "") || Object.values(i.obj.metadata?.labels ?? {}).some((v) => LOG_SHIPPERS.test(String(v)))),
            );
            const addon = items.some((i) => i.type === "aws:eks/addon:Addon" && LOGGING_ADDONS.includes(i.props?.addonName));
            return shipper || addon
                ? []
                : [
                      {
                          message:
                              "stack: no log shipper DaemonSet (fluent-bit, vector, ...) or CloudWatch observability add-on; container logs are lost with their nodes",
                      },
                  ];
        },
    }),
];
