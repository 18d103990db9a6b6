/**
 * Pod Security Standards (baseline + restricted, Kubernetes v1.35 text) as CrossGuard policies,
 * plus the service-account and port hygiene the catalog lists under pod security.
 * Container-level settings override pod-level ones (effectiveSecurityContext).
 */
import { knobChecks } from "../lib/config";
import { allContainers, effectiveSecurityContext, Json, LONG_RUNNING_KINDS } from "../lib/k8s";
import { podRule } from "../lib/pod";
import { PlatformRule } from "../lib/rule";

/** Non-root uid the components use (components/kube/pod.ts DEFAULT_UID). */
export const DEFAULT_UID = 10001;

// PSS baseline "Capabilities": adding anything beyond this default set is forbidden.
export const BASELINE_CAPABILITIES = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];
// PSS restricted "Volume Types".
export const RESTRICTED_VOLUME_TYPES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret", "image"];
// PSS baseline "Sysctls" safe set (v1.35).
export const SAFE_SYSCTLS = [
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
// PSS baseline "SELinux": allowed types; user and role must be unset.
export const SELINUX_TYPES = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];
const SECCOMP_OK = ["RuntimeDefault", "Localhost"];

const strip = (c: string) => String(c).toUpperCase().replace(/^CAP_/, "");

function ensureSC(c: Json): Json {
    if (!c.securityContext || typeof c.securityContext !== "object") c.securityContext = {};
    return c.securityContext;
}

export const podSecurityRules: PlatformRule[] = [
    podRule({
        name: "sec-no-privileged",
        area: "pod-security",
        description: "Containers must not run privileged (PSS baseline: Privileged Containers).",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove securityContext.privileged (or set it to false); grant only the specific capability the workload needs.",
        check: (pod) =>
            allContainers(pod.spec)
                .filter((r) => r.container.securityContext?.privileged === true)
                .map((r) => `${r.label} sets securityContext.privileged: true`),
    }),
    podRule({
        name: "sec-no-privilege-escalation",
        area: "pod-security",
        description: "Every container sets allowPrivilegeEscalation: false (PSS restricted: Privilege Escalation).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Set securityContext.allowPrivilegeEscalation: false on every container (the components' containerSecurityContext does).",
        check: (pod) =>
            allContainers(pod.spec)
                .filter((r) => r.container.securityContext?.allowPrivilegeEscalation !== false)
                .map((r) => `${r.label} does not set securityContext.allowPrivilegeEscalation: false`),
        remediatePod: (spec) => {
            let changed = false;
            for (const r of allContainers(spec)) {
                const sc = ensureSC(r.container);
                if (sc.allowPrivilegeEscalation === undefined) {
                    sc.allowPrivilegeEscalation = false;
                    changed = true;
                }
            }
            return changed;
        },
    }),
    podRule({
        name: "sec-run-as-non-root",
        area: "pod-security",
        description: "Containers run as non-root: runAsNonRoot true and runAsUser not 0, at pod or container level (PSS restricted).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: `Set securityContext.runAsNonRoot: true and a non-zero runAsUser (the components use ${DEFAULT_UID}).`,
        check: (pod) => {
            const out: string[] = [];
            for (const r of allContainers(pod.spec)) {
                const sc = effectiveSecurityContext(pod.spec, r.container);
                if (sc.runAsNonRoot !== true) out.push(`${r.label} does not run with runAsNonRoot: true (pod or container securityContext)`);
                if (sc.runAsUser === 0) out.push(`${r.label} runs as uid 0 (runAsUser: 0)`);
            }
            return out;
        },
        remediatePod: (spec) => {
            let changed = false;
            const psc = spec.securityContext && typeof spec.securityContext === "object" ? spec.securityContext : (spec.securityContext = {});
            if (psc.runAsNonRoot === undefined) {
                psc.runAsNonRoot = true;
                changed = true;
            }
            if (psc.runAsUser === undefined) {
                psc.runAsUser = DEFAULT_UID;
                changed = true;
            }
            return changed;
        },
    }),
    podRule({
        name: "sec-non-root-group",
        area: "pod-security",
        description: "runAsGroup, fsGroup and supplementalGroups are never 0 (root group).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Use a non-zero group id for runAsGroup/fsGroup/supplementalGroups (the components use the uid).",
        check: (pod) => {
            const out: string[] = [];
            const psc = pod.spec.securityContext ?? {};
            if (psc.runAsGroup === 0) out.push("pod securityContext.runAsGroup is 0");
            if (psc.fsGroup === 0) out.push("pod securityContext.fsGroup is 0");
            if (Array.isArray(psc.supplementalGroups) && psc.supplementalGroups.includes(0)) out.push("pod securityContext.supplementalGroups contains 0");
            for (const r of allContainers(pod.spec)) {
                if (r.container.securityContext?.runAsGroup === 0) out.push(`${r.label} sets runAsGroup: 0`);
            }
            return out;
        },
    }),
    podRule({
        name: "sec-readonly-rootfs",
        area: "pod-security",
        description: "Containers mount their root filesystem read-only; writable paths are explicit volumes.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Set securityContext.readOnlyRootFilesystem: true and mount an emptyDir at /tmp (and any other path the image writes).",
        check: (pod) =>
            allContainers(pod.spec)
                .filter((r) => r.container.securityContext?.readOnlyRootFilesystem !== true)
                .map((r) => `${r.label} does not set securityContext.readOnlyRootFilesystem: true`),
        remediatePod: (spec) => {
            let changed = false;
            for (const r of allContainers(spec)) {
                const sc = ensureSC(r.container);
                if (sc.readOnlyRootFilesystem === undefined) {
                    sc.readOnlyRootFilesystem = true;
                    changed = true;
                }
            }
            return changed;
        },
    }),
    podRule({
        name: "sec-drop-all-caps",
        area: "pod-security",
        description: "Containers drop ALL capabilities and add back at most NET_BIND_SERVICE (PSS restricted: Capabilities).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Set securityContext.capabilities.drop: [ALL]; add back only NET_BIND_SERVICE if the process binds a port below 1024.",
        defaults: { allowedAdd: ["NET_BIND_SERVICE"] },
        knobs: { allowedAdd: "capabilities a container may add back after dropping ALL" },
        check: (pod, _obj, cfg) => {
            const out: string[] = [];
            const allowed = cfg.allowedAdd.map(strip);
            for (const r of allContainers(pod.spec)) {
                const caps = r.container.securityContext?.capabilities ?? {};
                const drop: string[] = Array.isArray(caps.drop) ? caps.drop.map(strip) : [];
                if (!drop.includes("ALL")) out.push(`${r.label} does not drop ALL capabilities (securityContext.capabilities.drop)`);
                const extra = (Array.isArray(caps.add) ? caps.add : []).map(strip).filter((c: string) => !allowed.includes(c));
                if (extra.length) out.push(`${r.label} adds capabilities ${extra.join(", ")} (allowed: ${allowed.join(", ") || "none"})`);
            }
            return out;
        },
        remediatePod: (spec) => {
            let changed = false;
            for (const r of allContainers(spec)) {
                const sc = ensureSC(r.container);
                if (!sc.capabilities || typeof sc.capabilities !== "object") sc.capabilities = {};
                const drop: string[] = Array.isArray(sc.capabilities.drop) ? sc.capabilities.drop : [];
                if (!drop.map(strip).includes("ALL")) {
                    sc.capabilities.drop = [...drop, "ALL"];
                    changed = true;
                }
            }
            return changed;
        },
    }),
    podRule({
        name: "sec-no-dangerous-caps",
        area: "pod-security",
        description: "No container adds a capability outside the PSS baseline default set (never ALL, SYS_ADMIN, NET_ADMIN, NET_RAW...).",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove the capability from securityContext.capabilities.add; redesign the workload so it does not need host-level privileges.",
        check: (pod) => {
            const out: string[] = [];
            for (const r of allContainers(pod.spec)) {
                const add: string[] = r.container.securityContext?.capabilities?.add ?? [];
                const bad = (Array.isArray(add) ? add : []).map(strip).filter((c) => !BASELINE_CAPABILITIES.includes(c) || c === "ALL");
                if (bad.length) out.push(`${r.label} adds dangerous capabilities ${bad.join(", ")}`);
            }
            return out;
        },
    }),
    podRule({
        name: "sec-no-host-namespaces",
        area: "pod-security",
        description: "Pods do not share the host's network, PID or IPC namespace (PSS baseline: Host Namespaces).",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove hostNetwork/hostPID/hostIPC from the pod spec.",
        check: (pod) => (["hostNetwork", "hostPID", "hostIPC"] as const).filter((f) => pod.spec[f] === true).map((f) => `pod spec sets ${f}: true`),
    }),
    podRule({
        name: "sec-no-host-ports",
        area: "pod-security",
        description: "Containers do not bind host ports (PSS baseline: Host Ports).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Remove ports[].hostPort; expose the port through a Service.",
        check: (pod) => {
            const out: string[] = [];
            for (const r of allContainers(pod.spec)) {
                for (const p of r.container.ports ?? []) if (p?.hostPort) out.push(`${r.label} binds hostPort ${p.hostPort}`);
            }
            return out;
        },
    }),
    podRule({
        name: "sec-no-hostpath",
        area: "pod-security",
        description: "Pods mount no hostPath volumes (PSS baseline: HostPath Volumes; container runtime sockets included).",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Replace the hostPath volume with a PersistentVolumeClaim, emptyDir or projected volume.",
        check: (pod) =>
            (pod.spec.volumes ?? [])
                .filter((v: Json) => v?.hostPath)
                .map(
                    (v: Json) =>
                        `volume "${v.name}" is a hostPath (${v.hostPath.path ?? "?"})${/\.sock$/.test(String(v.hostPath.path ?? "")) ? ", a container runtime socket gives root on the node" : ""}`,
                ),
    }),
    podRule({
        name: "sec-volume-types",
        area: "pod-security",
        description: `Inline volumes are limited to the PSS restricted set (${RESTRICTED_VOLUME_TYPES.join(", ")}).`,
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Use a PersistentVolumeClaim for storage, configMap/secret/projected for configuration.",
        check: (pod) => {
            const out: string[] = [];
            for (const v of pod.spec.volumes ?? []) {
                const types = Object.keys(v ?? {}).filter((k) => k !== "name");
                const bad = types.filter((t) => !RESTRICTED_VOLUME_TYPES.includes(t));
                if (bad.length) out.push(`volume "${v.name}" uses ${bad.join(", ")}, not allowed by the restricted profile`);
            }
            return out;
        },
    }),
    podRule({
        name: "sec-seccomp",
        area: "pod-security",
        description: "Every container runs with seccompProfile RuntimeDefault or Localhost, never Unconfined (PSS restricted: Seccomp).",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Set securityContext.seccompProfile.type: RuntimeDefault on the pod.",
        check: (pod) => {
            const out: string[] = [];
            for (const r of allContainers(pod.spec)) {
                const t = effectiveSecurityContext(pod.spec, r.container).seccompProfile?.type;
                if (t === undefined) out.push(`${r.label} has no seccompProfile (set RuntimeDefault on the pod or container)`);
                else if (!SECCOMP_OK.includes(t)) out.push(`${r.label} uses seccompProfile ${t}`);
            }
            return out;
        },
        remediatePod: (spec) => {
            const psc = spec.securityContext && typeof spec.securityContext === "object" ? spec.securityContext : (spec.securityContext = {});
            if (psc.seccompProfile === undefined) {
                psc.seccompProfile = { type: "RuntimeDefault" };
                return true;
            }
            return false;
        },
    }),
    podRule({
        name: "sec-apparmor-selinux",
        area: "pod-security",
        description: "AppArmor is RuntimeDefault/Localhost and SELinux options stay within the PSS baseline (no custom user/role, container types only).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Remove appArmorProfile Unconfined and custom seLinuxOptions user/role/type.",
        check: (pod) => {
            const out: string[] = [];
            const checkCtx = (where: string, sc: Json) => {
                const aa = sc?.appArmorProfile?.type;
                if (aa !== undefined && !["RuntimeDefault", "Localhost"].includes(aa)) out.push(`${where} uses appArmorProfile ${aa}`);
                const se = sc?.seLinuxOptions;
                if (se) {
                    if (se.user) out.push(`${where} sets seLinuxOptions.user ${se.user}`);
                    if (se.role) out.push(`${where} sets seLinuxOptions.role ${se.role}`);
                    if (se.type !== undefined && !SELINUX_TYPES.includes(se.type)) out.push(`${where} sets seLinuxOptions.type ${se.type}`);
                }
            };
            checkCtx("pod securityContext", pod.spec.securityContext);
            for (const r of allContainers(pod.spec)) checkCtx(r.label, r.container.securityContext);
            for (const [k, v] of Object.entries(pod.annotations)) {
                if (k.startsWith("container.apparmor.security.beta.kubernetes.io/") && !(v === "runtime/default" || String(v).startsWith("localhost/"))) {
                    out.push(`annotation ${k} is ${v}`);
                }
            }
            return out;
        },
    }),
    podRule({
        name: "sec-proc-mount",
        area: "pod-security",
        description: "procMount stays Default (PSS baseline: /proc Mount Type).",
        severity: "high",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove securityContext.procMount or set it to Default.",
        check: (pod) =>
            allContainers(pod.spec)
                .filter((r) => r.container.securityContext?.procMount !== undefined && r.container.securityContext.procMount !== "Default")
                .map((r) => `${r.label} sets procMount ${r.container.securityContext.procMount}`),
    }),
    podRule({
        name: "sec-safe-sysctls",
        area: "pod-security",
        description: "Pods set only sysctls from the PSS safe set.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Remove the unsafe sysctl from securityContext.sysctls; tune it on the node if it is really needed.",
        check: (pod) =>
            (pod.spec.securityContext?.sysctls ?? [])
                .filter((s: Json) => !SAFE_SYSCTLS.includes(s?.name))
                .map((s: Json) => `pod sets unsafe sysctl ${s?.name}`),
    }),
    podRule({
        name: "sec-no-host-process",
        area: "pod-security",
        description: "No Windows HostProcess containers (PSS baseline: HostProcess).",
        severity: "critical",
        enforcementLevel: "mandatory",
        remediationSteps: "Remove windowsOptions.hostProcess.",
        check: (pod) => {
            const out: string[] = [];
            if (pod.spec.securityContext?.windowsOptions?.hostProcess === true) out.push("pod sets windowsOptions.hostProcess: true");
            for (const r of allContainers(pod.spec)) {
                if (r.container.securityContext?.windowsOptions?.hostProcess === true) out.push(`${r.label} sets windowsOptions.hostProcess: true`);
            }
            return out;
        },
    }),
    podRule({
        name: "sec-no-probe-host",
        area: "pod-security",
        description: "Probes and lifecycle hooks do not target another host (PSS baseline: Host Probes / Lifecycle Hooks).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Remove httpGet.host / tcpSocket.host from probes and lifecycle handlers; probe the pod itself.",
        check: (pod) => {
            const out: string[] = [];
            for (const r of allContainers(pod.spec)) {
                const c = r.container;
                const handlers: [string, Json][] = [
                    ["livenessProbe", c.livenessProbe],
                    ["readinessProbe", c.readinessProbe],
                    ["startupProbe", c.startupProbe],
                    ["lifecycle.postStart", c.lifecycle?.postStart],
                    ["lifecycle.preStop", c.lifecycle?.preStop],
                ];
                for (const [where, h] of handlers) {
                    const host = h?.httpGet?.host ?? h?.tcpSocket?.host;
                    if (host) out.push(`${r.label} ${where} targets host ${host}`);
                }
            }
            return out;
        },
    }),
    podRule({
        name: "sec-dedicated-sa",
        area: "pod-security",
        description: "Pods run under a dedicated ServiceAccount: serviceAccountName set, not `default`, no deprecated `serviceAccount` field.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Create a ServiceAccount per workload (AgentService does) and set spec.serviceAccountName.",
        check: (pod) => {
            const out: string[] = [];
            const sa = pod.spec.serviceAccountName;
            if (!sa) out.push("pod spec has no serviceAccountName (runs as the namespace's default ServiceAccount)");
            else if (sa === "default") out.push("pod spec uses the default ServiceAccount");
            if (pod.spec.serviceAccount !== undefined) out.push("pod spec uses the deprecated serviceAccount field (use serviceAccountName)");
            return out;
        },
    }),
    podRule({
        name: "sec-no-ssh-privileged-ports",
        area: "pod-security",
        description: "Containers expose no SSH port and no port below 1024 unless they add NET_BIND_SERVICE (a non-root process cannot bind it otherwise).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Listen on an unprivileged port (e.g. 8080) and map 80/443 in the Service; never run sshd in a pod (use kubectl debug).",
        defaults: { minPort: 1024 },
        knobs: { minPort: "lowest containerPort allowed without NET_BIND_SERVICE" },
        checks: { minPort: knobChecks.atLeast(1) },
        check: (pod, _obj, cfg) => {
            const out: string[] = [];
            for (const r of allContainers(pod.spec)) {
                const canBind = (r.container.securityContext?.capabilities?.add ?? []).map(strip).includes("NET_BIND_SERVICE");
                for (const p of r.container.ports ?? []) {
                    const port = Number(p?.containerPort);
                    if (port === 22) out.push(`${r.label} exposes SSH port 22`);
                    else if (port > 0 && port < cfg.minPort && !canBind) out.push(`${r.label} exposes privileged port ${port} without NET_BIND_SERVICE`);
                }
            }
            return out;
        },
    }),
    podRule({
        name: "sec-no-automount-sa-token",
        area: "pod-security",
        description: 'Pods set automountServiceAccountToken: false unless they talk to the Kubernetes API (annotate agent-platform.io/uses-kube-api: "true").',
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps:
            'Set spec.automountServiceAccountToken: false, or annotate the pod template agent-platform.io/uses-kube-api: "true" when it needs the API.',
        kinds: LONG_RUNNING_KINDS,
        check: (pod) => {
            if (pod.spec.automountServiceAccountToken === false) return [];
            if (pod.annotations["agent-platform.io/uses-kube-api"] === "true") return [];
            return ["pod mounts a ServiceAccount token (automountServiceAccountToken is not false) without declaring agent-platform.io/uses-kube-api"];
        },
    }),
];
