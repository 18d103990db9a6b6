/**
 * Pod-spec rule plumbing: every pod rule covers Pod, Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, ReplicationController, Job and CronJob (`spec.jobTemplate.spec.template`), and
 * sees containers, initContainers and ephemeralContainers.
 */
import { isKind, Json, K8sObject, POD_KINDS, podTemplate, PodTemplate } from "./k8s";
import { PlatformRule, resourceRule, ResourceRuleSpec } from "./rule";

export interface PodRuleSpec<C> extends Omit<ResourceRuleSpec<C>, "appliesTo" | "check" | "remediate"> {
    /** Restrict to some pod kinds (default: all of POD_KINDS). */
    kinds?: readonly string[];
    check: (pod: PodTemplate, obj: K8sObject, config: C) => string[];
    /** Mutates the pod spec of a copy of the object; return false when nothing changed. */
    remediatePod?: (podSpec: Json, config: C) => boolean;
}

export function podRule<C extends object = Record<string, never>>(spec: PodRuleSpec<C>): PlatformRule {
    const kinds = spec.kinds ?? POD_KINDS;
    const { check, remediatePod, kinds: _kinds, ...meta } = spec;
    return resourceRule<C>({
        ...meta,
        appliesTo: (type) => isKind(type, kinds),
        check: (props, config) => {
            const obj = props as K8sObject;
            const pod = podTemplate(obj);
            return pod ? check(pod, obj, config) : [];
        },
        ...(remediatePod
            ? {
                  remediate: (copy: Json, config: C) => {
                      const pod = podTemplate(copy as K8sObject);
                      if (!pod) return undefined;
                      return remediatePod(pod.spec, config) ? copy : undefined;
                  },
              }
            : {}),
    });
}
