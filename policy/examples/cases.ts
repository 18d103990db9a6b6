/** Failing examples: single mutations of the compliant examples, per policy (`policy:check --explain` prints them; rules.test.ts and checklist.test.ts prove them). */
import { fromK8sObject, InputResource, PackConfig } from "../lib/harness";
import { clone, Json, podTemplate } from "../lib/k8s";
import { describeResource } from "../lib/rule";
import { container, find } from "./compliant";

export const D = "Deployment/agents/api";
export const SS = "StatefulSet/agents/raft";
export const SINGLE = "Deployment/agents/poller";
export const DS = "DaemonSet/agents/fluent-bit";
export const CJ = "CronJob/agents/postgres-backup";
export const JOB = "Job/agents/migrate";
export const POD = "Pod/agents/api-7d9f8c6b5-x2k4q";
export const SVC = "Service/agents/api";
export const ING = "Ingress/agents/api";
export const HPA = "HorizontalPodAutoscaler/agents/api";
export const PDB = "PodDisruptionBudget/agents/api";
export const SC = "StorageClass/retained";
export const CM = "ConfigMap/agents/api-config";
export const SECRET = "Secret/agents/api-secrets";
export const ROLE = "Role/agents/api";
export const RB = "RoleBinding/agents/api";
export const NSO = "Namespace/agents";
export const CLUSTER = "aws:eks/cluster:Cluster/prod-eks";
export const NG = "aws:eks/nodeGroup:NodeGroup/prod-eks-general";
export const LT = "aws:ec2/launchTemplate:LaunchTemplate/prod-eks-general-lt";
export const KMS = "aws:kms/key:Key/prod-eks-secrets-key";
export const ECR = "aws:ecr/repository:Repository/agents";

/** Pod spec and first container of a pod-carrying object. */
export const pod = (o: Json): Json => podTemplate(o)!.spec;
export const c0 = (o: Json): Json => pod(o).containers[0];
export const sc0 = (o: Json): Json => c0(o).securityContext;

export interface ResourceCase {
    policy: string;
    fixture: string | (() => Json);
    title: string;
    mutate: (o: Json) => void;
    expect: RegExp;
    config?: PackConfig;
}
export interface StackCase {
    policy: string;
    title: string;
    mutate: (rs: InputResource[]) => InputResource[] | void;
    expect: RegExp;
    tags?: Map<string, string>;
}

const R = (policy: string, fixture: ResourceCase["fixture"], title: string, mutate: (o: Json) => void, expect: RegExp, config?: PackConfig): ResourceCase => ({
    policy,
    fixture,
    title,
    mutate,
    expect,
    ...(config ? { config } : {}),
});
const S = (policy: string, title: string, mutate: StackCase["mutate"], expect: RegExp, tags?: Map<string, string>): StackCase => ({
    policy,
    title,
    mutate,
    expect,
    ...(tags ? { tags } : {}),
});

/** Removes the resources whose ref is listed. */
export const without =
    (...refs: string[]) =>
    (rs: InputResource[]) =>
        rs.filter((r) => !refs.includes(describeResource(r.type, r.name, r.props).replace(" ", "/")));
/** Mutates one resource of the stack in place. */
export const edit = (ref: string, f: (o: Json) => void) => (rs: InputResource[]) => {
    f(find(rs, ref).props);
};

export const resourceCases: ResourceCase[] = [
    // pod security
    R(
        "sec-no-privileged",
        D,
        "a privileged container",
        (o) => {
            sc0(o).privileged = true;
        },
        /container "api" sets securityContext.privileged: true/,
    ),
    R(
        "sec-no-privileged",
        CJ,
        "a privileged CronJob container (jobTemplate path)",
        (o) => {
            sc0(o).privileged = true;
        },
        /privileged/,
    ),
    R(
        "sec-no-privileged",
        D,
        "a privileged ephemeral container",
        (o) => {
            pod(o).ephemeralContainers = [{ name: "debug", image: "busybox:1.36", securityContext: { privileged: true } }];
        },
        /ephemeralContainer "debug"/,
    ),
    R(
        "sec-no-privilege-escalation",
        D,
        "allowPrivilegeEscalation unset",
        (o) => {
            delete sc0(o).allowPrivilegeEscalation;
        },
        /allowPrivilegeEscalation: false/,
    ),
    R(
        "sec-no-privilege-escalation",
        JOB,
        "an init container that may escalate",
        (o) => {
            pod(o).initContainers = [{ ...container("init"), securityContext: { ...container("init").securityContext, allowPrivilegeEscalation: true } }];
        },
        /initContainer "init"/,
    ),
    R(
        "sec-run-as-non-root",
        D,
        "runAsNonRoot missing at pod and container level",
        (o) => {
            delete pod(o).securityContext.runAsNonRoot;
            delete sc0(o).runAsNonRoot;
        },
        /runAsNonRoot: true/,
    ),
    R(
        "sec-run-as-non-root",
        D,
        "a container overriding runAsNonRoot: false",
        (o) => {
            sc0(o).runAsNonRoot = false;
        },
        /runAsNonRoot/,
    ),
    R(
        "sec-run-as-non-root",
        D,
        "runAsUser 0",
        (o) => {
            sc0(o).runAsUser = 0;
        },
        /uid 0/,
    ),
    R(
        "sec-non-root-group",
        D,
        "fsGroup 0",
        (o) => {
            pod(o).securityContext.fsGroup = 0;
        },
        /fsGroup is 0/,
    ),
    R(
        "sec-non-root-group",
        D,
        "supplementalGroups with 0",
        (o) => {
            pod(o).securityContext.supplementalGroups = [0];
        },
        /supplementalGroups/,
    ),
    R(
        "sec-readonly-rootfs",
        D,
        "a writable root filesystem",
        (o) => {
            sc0(o).readOnlyRootFilesystem = false;
        },
        /readOnlyRootFilesystem/,
    ),
    R(
        "sec-drop-all-caps",
        D,
        "capabilities not dropped",
        (o) => {
            sc0(o).capabilities = {};
        },
        /does not drop ALL/,
    ),
    R(
        "sec-drop-all-caps",
        D,
        "NET_RAW added back",
        (o) => {
            sc0(o).capabilities.add = ["NET_RAW"];
        },
        /adds capabilities NET_RAW/,
    ),
    R(
        "sec-no-dangerous-caps",
        D,
        "SYS_ADMIN added",
        (o) => {
            sc0(o).capabilities.add = ["CAP_SYS_ADMIN"];
        },
        /dangerous capabilities SYS_ADMIN/,
    ),
    R(
        "sec-no-host-namespaces",
        D,
        "hostNetwork",
        (o) => {
            pod(o).hostNetwork = true;
        },
        /hostNetwork: true/,
    ),
    R(
        "sec-no-host-namespaces",
        D,
        "hostPID",
        (o) => {
            pod(o).hostPID = true;
        },
        /hostPID: true/,
    ),
    R(
        "sec-no-host-ports",
        D,
        "a hostPort",
        (o) => {
            c0(o).ports[0].hostPort = 8080;
        },
        /hostPort 8080/,
    ),
    R(
        "sec-no-hostpath",
        DS,
        "the docker socket mounted",
        (o) => {
            pod(o).volumes.push({ name: "sock", hostPath: { path: "/var/run/docker.sock" } });
        },
        /hostPath.*container runtime socket/,
    ),
    R(
        "sec-volume-types",
        D,
        "an nfs volume",
        (o) => {
            pod(o).volumes.push({ name: "share", nfs: { server: "nfs.local", path: "/x" } });
        },
        /volume "share" uses nfs/,
    ),
    R(
        "sec-seccomp",
        D,
        "no seccomp profile anywhere",
        (o) => {
            delete pod(o).securityContext.seccompProfile;
            delete sc0(o).seccompProfile;
        },
        /no seccompProfile/,
    ),
    R(
        "sec-seccomp",
        D,
        "Unconfined on the container",
        (o) => {
            sc0(o).seccompProfile = { type: "Unconfined" };
        },
        /seccompProfile Unconfined/,
    ),
    R(
        "sec-apparmor-selinux",
        D,
        "a custom SELinux type",
        (o) => {
            sc0(o).seLinuxOptions = { type: "spc_t" };
        },
        /seLinuxOptions.type spc_t/,
    ),
    R(
        "sec-apparmor-selinux",
        D,
        "an unconfined AppArmor annotation",
        (o) => {
            o.spec.template.metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/api": "unconfined" };
        },
        /apparmor.*unconfined/,
    ),
    R(
        "sec-proc-mount",
        D,
        "procMount Unmasked",
        (o) => {
            sc0(o).procMount = "Unmasked";
        },
        /procMount Unmasked/,
    ),
    R(
        "sec-safe-sysctls",
        D,
        "an unsafe sysctl",
        (o) => {
            pod(o).securityContext.sysctls = [{ name: "kernel.msgmax", value: "65536" }];
        },
        /unsafe sysctl kernel.msgmax/,
    ),
    R(
        "sec-no-host-process",
        D,
        "a HostProcess container",
        (o) => {
            sc0(o).windowsOptions = { hostProcess: true };
        },
        /hostProcess/,
    ),
    R(
        "sec-no-probe-host",
        D,
        "a probe aimed at another host",
        (o) => {
            c0(o).livenessProbe.httpGet.host = "metadata.internal";
        },
        /targets host metadata.internal/,
    ),
    R(
        "sec-dedicated-sa",
        D,
        "the default ServiceAccount",
        (o) => {
            pod(o).serviceAccountName = "default";
        },
        /default ServiceAccount/,
    ),
    R(
        "sec-dedicated-sa",
        D,
        "no serviceAccountName",
        (o) => {
            delete pod(o).serviceAccountName;
        },
        /no serviceAccountName/,
    ),
    R(
        "sec-no-ssh-privileged-ports",
        D,
        "port 22",
        (o) => {
            c0(o).ports.push({ name: "ssh", containerPort: 22 });
        },
        /SSH port 22/,
    ),
    R(
        "sec-no-ssh-privileged-ports",
        D,
        "port 80 without NET_BIND_SERVICE",
        (o) => {
            c0(o).ports[0].containerPort = 80;
        },
        /privileged port 80/,
    ),
    R(
        "sec-no-automount-sa-token",
        D,
        "a mounted token without declaring API use",
        (o) => {
            delete pod(o).automountServiceAccountToken;
        },
        /mounts a ServiceAccount token/,
    ),
    // secrets
    R(
        "sec-no-literal-secret-env",
        D,
        "a literal password",
        (o) => {
            c0(o).env.push({ name: "DB_PASSWORD", value: "hunter2" });
        },
        /env DB_PASSWORD looks like a hardcoded secret/,
    ),
    R(
        "sec-no-literal-secret-env",
        CJ,
        "an AWS key under an innocent name",
        (o) => {
            c0(o).env.push({ name: "CONFIG", value: "AKIAABCDEFGHIJKLMNOP" });
        },
        /credential format/,
    ),
    R(
        "sec-no-secret-in-configmap",
        CM,
        "an API key",
        (o) => {
            o.data.OPENAI_API_KEY = "abc123def456";
        },
        /key OPENAI_API_KEY looks like a secret/,
    ),
    R(
        "sec-no-secret-in-configmap",
        CM,
        "a URL with a password",
        (o) => {
            o.data.DATABASE_URL = "postgres://app:s3cr3t@db:5432/app";
        },
        /DATABASE_URL/,
    ),
    R(
        "sec-secret-as-file",
        D,
        "a secret read into env",
        (o) => {
            c0(o).env.push({ name: "TOKEN", valueFrom: { secretKeyRef: { name: "api-secrets", key: "token" } } });
        },
        /reads secret api-secrets into env TOKEN/,
    ),
    // resources
    R(
        "res-cpu",
        D,
        "no cpu request",
        (o) => {
            delete c0(o).resources.requests.cpu;
        },
        /no cpu request/,
    ),
    R(
        "res-cpu",
        D,
        "no cpu limit",
        (o) => {
            delete c0(o).resources.limits.cpu;
        },
        /no cpu limit/,
    ),
    R(
        "res-cpu",
        D,
        "request above limit",
        (o) => {
            c0(o).resources.requests.cpu = "2";
        },
        /exceeds its limit/,
    ),
    R(
        "res-memory",
        D,
        "no memory limit",
        (o) => {
            delete c0(o).resources.limits.memory;
        },
        /no memory limit/,
    ),
    R(
        "res-memory",
        D,
        "a malformed quantity",
        (o) => {
            c0(o).resources.requests.memory = "lots";
        },
        /not a quantity/,
    ),
    R(
        "res-ephemeral-storage",
        D,
        "a writable root filesystem without an ephemeral-storage request",
        (o) => {
            sc0(o).readOnlyRootFilesystem = false;
            delete c0(o).resources.requests["ephemeral-storage"];
        },
        /writable root filesystem.*no ephemeral-storage request/,
    ),
    R(
        "res-ephemeral-storage",
        D,
        "a disk-backed emptyDir without sizeLimit",
        (o) => {
            delete pod(o).volumes[0].emptyDir.sizeLimit;
        },
        /emptyDir "tmp" has no sizeLimit/,
    ),
    R(
        "res-ephemeral-storage",
        CJ,
        "a 20Gi scratch volume and no ephemeral-storage limit",
        (o) => {
            pod(o).volumes.push({ name: "backup", emptyDir: { sizeLimit: "20Gi" } });
            c0(o).volumeMounts.push({ name: "backup", mountPath: "/backup" });
            delete c0(o).resources.limits["ephemeral-storage"];
        },
        /20\.25Gi of emptyDir scratch.*no ephemeral-storage limit/,
    ),
    R(
        "res-ephemeral-storage",
        CJ,
        "a 20Gi scratch volume under a 1Gi limit",
        (o) => {
            pod(o).volumes.push({ name: "backup", emptyDir: { sizeLimit: "20Gi" } });
            c0(o).volumeMounts.push({ name: "backup", mountPath: "/backup" });
        },
        /ephemeral-storage limit 1Gi is below the 20\.25Gi.*evicted/,
    ),
    R(
        "res-qos-guaranteed",
        D,
        "memory request below limit",
        (o) => {
            c0(o).resources.requests.memory = "128Mi";
        },
        /differs from its limit/,
    ),
    // health
    R(
        "health-liveness",
        D,
        "no livenessProbe",
        (o) => {
            delete c0(o).livenessProbe;
        },
        /no livenessProbe/,
    ),
    R(
        "health-liveness",
        POD,
        "a probe without action",
        (o) => {
            c0(o).livenessProbe = { periodSeconds: 10 };
        },
        /has no action/,
    ),
    R(
        "health-readiness",
        SS,
        "no readinessProbe on a serving container",
        (o) => {
            delete c0(o).readinessProbe;
        },
        /no readinessProbe/,
    ),
    R(
        "health-startup",
        DS,
        "no startupProbe",
        (o) => {
            delete c0(o).startupProbe;
        },
        /no startupProbe/,
    ),
    R(
        "health-probes-distinct",
        D,
        "identical liveness and readiness",
        (o) => {
            c0(o).readinessProbe = clone(c0(o).livenessProbe);
        },
        /identical/,
    ),
    R(
        "health-probe-port",
        D,
        "a probe on an undeclared port name",
        (o) => {
            c0(o).livenessProbe.httpGet.port = "metrics";
        },
        /port metrics/,
    ),
    R(
        "health-probe-port",
        D,
        "a probe on an undeclared port number",
        (o) => {
            c0(o).readinessProbe.httpGet.port = 9090;
        },
        /port 9090/,
    ),
    R(
        "health-probe-port",
        D,
        "a probe aimed at a port declared UDP",
        (o) => {
            c0(o).ports[0].protocol = "UDP";
        },
        /port http, which is declared UDP/,
    ),
    R(
        "health-probe-port",
        D,
        "a numbered probe aimed at a UDP-only port",
        (o) => {
            c0(o).ports.push({ name: "dns", containerPort: 5353, protocol: "UDP" });
            c0(o).livenessProbe = { tcpSocket: { port: 5353 } };
        },
        /port 5353, which is declared UDP/,
    ),
    R(
        "health-probes-distinct",
        D,
        "the same HTTP handler with different timings",
        (o) => {
            c0(o).readinessProbe = { ...clone(c0(o).livenessProbe), periodSeconds: 5 };
        },
        /same handler/,
    ),
    // availability
    R(
        "avail-min-replicas",
        D,
        "one static replica",
        (o) => {
            o.spec.replicas = 1;
        },
        /runs 1 replica\(s\), fewer than 2/,
    ),
    R(
        "avail-raft-quorum",
        SS,
        "an even member count",
        (o) => {
            o.spec.replicas = 4;
        },
        /raft replicas must be odd and >= 3 \(2f\+1\), got 4/,
    ),
    R(
        "avail-raft-quorum",
        SS,
        "one member",
        (o) => {
            o.spec.replicas = 1;
        },
        /got 1/,
    ),
    R(
        "avail-raft-quorum",
        SS,
        "no volumeClaimTemplates",
        (o) => {
            delete o.spec.volumeClaimTemplates;
        },
        /no volumeClaimTemplates/,
    ),
    R(
        "avail-raft-quorum",
        SS,
        "no spread across nodes",
        (o) => {
            delete pod(o).topologySpreadConstraints;
        },
        /spread members across nodes/,
    ),
    R(
        "avail-raft-quorum",
        D,
        "a Raft-labelled Deployment",
        (o) => {
            o.metadata.labels["agent-platform.io/raft"] = "true";
        },
        /is a Deployment/,
    ),
    R(
        "avail-singleton",
        SINGLE,
        "two replicas",
        (o) => {
            o.spec.replicas = 2;
        },
        /replicas: 1, got 2/,
    ),
    R(
        "avail-singleton",
        SINGLE,
        "RollingUpdate",
        (o) => {
            o.spec.strategy = { type: "RollingUpdate" };
        },
        /strategy Recreate/,
    ),
    R(
        "avail-hpa-sane",
        HPA,
        "minReplicas 1",
        (o) => {
            o.spec.minReplicas = 1;
        },
        /minReplicas 1 is below 2/,
    ),
    R(
        "avail-hpa-sane",
        HPA,
        "maxReplicas not above min",
        (o) => {
            o.spec.maxReplicas = 2;
        },
        /maxReplicas 2 must exceed/,
    ),
    R(
        "avail-hpa-sane",
        HPA,
        "no metrics",
        (o) => {
            o.spec.metrics = [];
        },
        /no metrics/,
    ),
    R(
        "avail-pdb-sane",
        PDB,
        "maxUnavailable 0",
        (o) => {
            o.spec.maxUnavailable = 0;
        },
        /maxUnavailable 0/,
    ),
    R(
        "avail-pdb-sane",
        PDB,
        "minAvailable 100%",
        (o) => {
            delete o.spec.maxUnavailable;
            o.spec.minAvailable = "100%";
        },
        /100%/,
    ),
    R(
        "avail-pdb-sane",
        PDB,
        "no AlwaysAllow when required",
        (o) => {
            delete o.spec.unhealthyPodEvictionPolicy;
        },
        /AlwaysAllow/,
        { "avail-pdb-sane": { requireAlwaysAllow: true } },
    ),
    R(
        "avail-spread",
        D,
        "no spread",
        (o) => {
            delete pod(o).topologySpreadConstraints;
        },
        /not spread across nodes/,
    ),
    R(
        "avail-spread",
        D,
        "no zone spread in prod",
        (o) => {
            pod(o).topologySpreadConstraints.pop();
        },
        /not spread across zones/,
    ),
    R(
        "avail-spread",
        D,
        "anti-affinity whose namespaces leave out its own",
        (o) => {
            delete pod(o).topologySpreadConstraints;
            pod(o).affinity = {
                podAntiAffinity: {
                    requiredDuringSchedulingIgnoredDuringExecution: ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map((topologyKey) => ({
                        topologyKey,
                        namespaces: ["other"],
                        labelSelector: { matchLabels: { "app.kubernetes.io/name": "api" } },
                    })),
                },
            };
        },
        /namespaces \[other\].*never matches its own replicas/,
    ),
    R(
        "avail-spread",
        D,
        "a spread constraint whose selector misses its own pods",
        (o) => {
            pod(o).topologySpreadConstraints[0].labelSelector = { matchLabels: { "app.kubernetes.io/name": "web" } };
        },
        /does not select its own pods/,
    ),
    R(
        "avail-rolling-update",
        D,
        "Recreate on a replicated Deployment",
        (o) => {
            o.spec.strategy = { type: "Recreate" };
        },
        /Recreate/,
    ),
    R(
        "avail-rolling-update",
        SS,
        "OnDelete",
        (o) => {
            o.spec.updateStrategy = { type: "OnDelete" };
        },
        /OnDelete/,
    ),
    R(
        "avail-rolling-update",
        D,
        "a strategy type that does not exist",
        (o) => {
            o.spec.strategy = { type: "BlueGreen" };
        },
        /strategy type BlueGreen does not exist/,
    ),
    R(
        "avail-rolling-update",
        SINGLE,
        "a singleton with a made-up strategy",
        (o) => {
            o.spec.strategy = { type: "Rolling" };
        },
        /strategy type Rolling does not exist/,
    ),
    R(
        "avail-rolling-update",
        SS,
        "an updateStrategy type that does not exist",
        (o) => {
            o.spec.updateStrategy = { type: "Recreate" };
        },
        /updateStrategy type Recreate does not exist/,
    ),
    R(
        "avail-rolling-update",
        D,
        "maxUnavailable 100%",
        (o) => {
            o.spec.strategy.rollingUpdate.maxUnavailable = "100%";
        },
        /every replica down/,
    ),
    R(
        "avail-no-naked-pods",
        POD,
        "a Pod without controller",
        (o) => {
            delete o.metadata.ownerReferences;
        },
        /bare Pod/,
    ),
    // storage
    R(
        "stor-persistent-state",
        SS,
        "a StatefulSet on emptyDir",
        (o) => {
            delete o.spec.volumeClaimTemplates;
            c0(o).volumeMounts = [{ name: "tmp", mountPath: "/tmp" }];
        },
        /without volumeClaimTemplates/,
    ),
    R(
        "stor-persistent-state",
        D,
        "emptyDir at a data path",
        (o) => {
            c0(o).volumeMounts.push({ name: "tmp", mountPath: "/var/lib/postgresql/data" });
        },
        /non-persistent volume "tmp" at data path/,
    ),
    R(
        "stor-class-safe",
        SC,
        "unencrypted EBS",
        (o) => {
            o.parameters.encrypted = "false";
        },
        /not encrypted/,
    ),
    R(
        "stor-class-safe",
        SC,
        "Immediate binding",
        (o) => {
            o.volumeBindingMode = "Immediate";
        },
        /volumeBindingMode is Immediate/,
    ),
    R(
        "stor-class-safe",
        SC,
        "Delete when requireRetain",
        (o) => {
            o.reclaimPolicy = "Delete";
        },
        /reclaimPolicy is Delete/,
        { "stor-class-safe": { requireRetain: true } },
    ),
    // images
    R(
        "img-tag-pinned",
        D,
        "latest",
        (o) => {
            c0(o).image = "nginx:latest";
        },
        /floating tag latest/,
    ),
    R(
        "img-tag-pinned",
        D,
        "no tag",
        (o) => {
            c0(o).image = "registry.local:5000/team/nginx";
        },
        /has no tag/,
    ),
    R(
        "img-digest",
        D,
        "tag only",
        (o) => {
            c0(o).image = "ghcr.io/agent-platform/api:1.4.2";
        },
        /not pinned by sha256 digest/,
        { "img-digest": {} },
    ),
    R(
        "img-digest",
        D,
        "a digest outside the approved list",
        (o) => {
            c0(o).image = `ghcr.io/x/api@sha256:${"0".repeat(64)}`;
        },
        /not in the approved/,
        { "img-digest": { approvedDigests: [`sha256:${"1".repeat(64)}`] } },
    ),
    R(
        "img-registry-allowlist",
        D,
        "a registry outside the list",
        (o) => {
            c0(o).image = "docker.io/library/redis:7.2.4";
        },
        /docker.io\/library\/redis:7.2.4 is not from an approved source/,
        { "img-registry-allowlist": { allowedRegistries: ["ghcr.io", "*.amazonaws.com"] } },
    ),
    R(
        "img-registry-allowlist",
        D,
        "another organisation on an approved registry",
        (o) => {
            c0(o).image = "ghcr.io/someone-else/api:1.0.0";
        },
        /ghcr.io\/someone-else\/api:1.0.0 is not from an approved source \(ghcr.io\/agent-platform, docker.io\/library\)/,
        { "img-registry-allowlist": { allowedRegistries: ["ghcr.io/agent-platform", "docker.io/library"] } },
    ),
    R(
        "img-registry-allowlist",
        D,
        "a Docker Hub user image when only official images are approved",
        (o) => {
            c0(o).image = "mem0/openmemory-mcp:0.3.1";
        },
        /not from an approved source/,
        { "img-registry-allowlist": { allowedRegistries: ["docker.io/library"] } },
    ),
    R(
        "img-digest",
        D,
        "a tag-only image of a repository that must be digest-pinned",
        (o) => {
            c0(o).image = "servicenow/mid-server:yokohama";
        },
        /servicenow\/mid-server:yokohama is not pinned by sha256 digest/,
        { "img-digest": { repositories: ["docker.io/servicenow/mid-server"] } },
    ),
    // network
    R(
        "net-no-public-service",
        SVC,
        "a public LoadBalancer",
        (o) => {
            o.spec.type = "LoadBalancer";
        },
        /public LoadBalancer/,
    ),
    R(
        "net-no-public-service",
        SVC,
        "a NodePort",
        (o) => {
            o.spec.type = "NodePort";
        },
        /NodePort/,
    ),
    R(
        "net-no-public-service",
        SVC,
        "externalIPs",
        (o) => {
            o.spec.externalIPs = ["203.0.113.7"];
        },
        /externalIPs 203.0.113.7/,
    ),
    R(
        "net-ingress-tls",
        ING,
        "no tls",
        (o) => {
            delete o.spec.tls;
        },
        /no tls section/,
    ),
    R(
        "net-ingress-tls",
        ING,
        "a host outside tls",
        (o) => {
            o.spec.rules.push({ host: "other.example.com" });
        },
        /other.example.com is not covered/,
    ),
    R(
        "net-selector-match",
        D,
        "a selector that misses the template",
        (o) => {
            o.spec.selector.matchLabels = { "app.kubernetes.io/name": "other" };
        },
        /does not match/,
    ),
    // rbac
    R(
        "rbac-no-cluster-admin",
        RB,
        "a cluster-admin binding",
        (o) => {
            o.roleRef = { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" };
        },
        /binds ClusterRole cluster-admin to ServiceAccount api/,
    ),
    R(
        "rbac-no-wildcards",
        ROLE,
        "a wildcard verb",
        (o) => {
            o.rules[0].verbs = ["*"];
        },
        /rules\[0\].verbs contains "\*"/,
    ),
    R(
        "rbac-no-exec-attach",
        ROLE,
        "pods/exec",
        (o) => {
            o.rules.push({ apiGroups: [""], resources: ["pods/exec"], verbs: ["create"] });
        },
        /grants pods\/exec/,
    ),
    R(
        "rbac-no-exec-attach",
        ROLE,
        "pods/* via get",
        (o) => {
            o.rules.push({ apiGroups: [""], resources: ["pods/*"], verbs: ["get"] });
        },
        /pods\/attach/,
    ),
    R(
        "rbac-limit-secrets-pod-create",
        ROLE,
        "list secrets",
        (o) => {
            o.rules.push({ apiGroups: [""], resources: ["secrets"], verbs: ["list"] });
        },
        /list\/watch secrets/,
    ),
    R(
        "rbac-limit-secrets-pod-create",
        ROLE,
        "create pods",
        (o) => {
            o.rules.push({ apiGroups: [""], resources: ["pods"], verbs: ["create"] });
        },
        /create pods/,
    ),
    // hygiene
    R(
        "hyg-namespace",
        D,
        "the default namespace",
        (o) => {
            o.metadata.namespace = "default";
        },
        /namespace default/,
    ),
    R(
        "hyg-namespace",
        SVC,
        "no namespace",
        (o) => {
            delete o.metadata.namespace;
        },
        /no metadata.namespace/,
    ),
    R(
        "hyg-labels",
        D,
        "no part-of label",
        (o) => {
            delete o.spec.template.metadata.labels["app.kubernetes.io/part-of"];
        },
        /lacks label app.kubernetes.io\/part-of/,
    ),
    R(
        "hyg-labels",
        D,
        "managed-by helm",
        (o) => {
            o.spec.template.metadata.labels["app.kubernetes.io/managed-by"] = "Helm";
        },
        /managed-by is Helm/,
    ),
    R(
        "hyg-deprecated-api",
        D,
        "extensions/v1beta1",
        (o) => {
            o.apiVersion = "extensions/v1beta1";
        },
        /removed API extensions\/v1beta1/,
    ),
    R(
        "hyg-deprecated-api",
        () => ({ apiVersion: "policy/v1beta1", kind: "PodSecurityPolicy", metadata: { name: "claude-code-psp" }, spec: { privileged: false } }),
        "seed 002's PodSecurityPolicy",
        () => undefined,
        /PodSecurityPolicy was removed/,
    ),
    R(
        "hyg-env-dup",
        D,
        "a duplicated env var",
        (o) => {
            c0(o).env.push({ name: "LOG_LEVEL", value: "debug" });
        },
        /env LOG_LEVEL more than once/,
    ),
    R(
        "hyg-jobs",
        JOB,
        "no ttl",
        (o) => {
            delete o.spec.ttlSecondsAfterFinished;
        },
        /ttlSecondsAfterFinished/,
    ),
    R(
        "hyg-jobs",
        CJ,
        "ttlSecondsAfterFinished in the job template",
        (o) => {
            o.spec.jobTemplate.spec.ttlSecondsAfterFinished = 86400;
        },
        /jobTemplate sets ttlSecondsAfterFinished/,
    ),
    R(
        "hyg-jobs",
        CJ,
        "overlapping runs",
        (o) => {
            delete o.spec.concurrencyPolicy;
        },
        /concurrencyPolicy Allow/,
    ),
    R(
        "hyg-namespace-pss",
        NSO,
        "baseline in prod",
        (o) => {
            o.metadata.labels["pod-security.kubernetes.io/enforce"] = "baseline";
        },
        /baseline, weaker than restricted/,
    ),
    R(
        "hyg-namespace-pss",
        NSO,
        "no enforce label",
        (o) => {
            o.metadata.labels = {};
        },
        /no pod-security.kubernetes.io\/enforce/,
    ),
    // eks
    R(
        "eks-private-endpoint",
        CLUSTER,
        "a public endpoint open to the world",
        (o) => {
            o.vpcConfig.endpointPublicAccess = true;
        },
        /open to the internet/,
    ),
    R(
        "eks-private-endpoint",
        CLUSTER,
        "no private endpoint",
        (o) => {
            o.vpcConfig.endpointPrivateAccess = false;
        },
        /endpointPrivateAccess/,
    ),
    R(
        "eks-secrets-kms",
        CLUSTER,
        "no encryptionConfig",
        (o) => {
            delete o.encryptionConfig;
        },
        /no encryptionConfig/,
    ),
    R(
        "eks-secrets-kms",
        CLUSTER,
        "no key",
        (o) => {
            delete o.encryptionConfig.provider;
        },
        /keyArn/,
    ),
    R(
        "eks-control-plane-logging",
        CLUSTER,
        "only api logs",
        (o) => {
            o.enabledClusterLogTypes = ["api"];
        },
        /audit, authenticator, controllerManager, scheduler/,
    ),
    R(
        "eks-cmk-rotation",
        KMS,
        "rotation off",
        (o) => {
            o.enableKeyRotation = false;
        },
        /enableKeyRotation/,
    ),
    R(
        "eks-supported-version",
        CLUSTER,
        "an old version",
        (o) => {
            o.version = "1.27";
        },
        /1.27 is not in standard support/,
    ),
    R(
        "eks-supported-version",
        CLUSTER,
        "no version",
        (o) => {
            delete o.version;
        },
        /does not pin version/,
    ),
    R(
        "eks-access-api-mode",
        CLUSTER,
        "aws-auth only",
        (o) => {
            o.accessConfig.authenticationMode = "CONFIG_MAP";
        },
        /CONFIG_MAP/,
    ),
    R(
        "eks-nodes-multi-az",
        NG,
        "one subnet",
        (o) => {
            o.subnetIds = ["subnet-a"];
        },
        /spans 1 subnet/,
    ),
    R(
        "eks-nodegroup-capacity",
        NG,
        "minSize 1",
        (o) => {
            o.scalingConfig.minSize = 1;
        },
        /minSize 1 is below 2/,
    ),
    R(
        "eks-nodegroup-capacity",
        NG,
        "SPOT with one type",
        (o) => {
            o.capacityType = "SPOT";
            o.instanceTypes = ["m6i.xlarge"];
        },
        /SPOT node group/,
    ),
    R(
        "eks-nodegroup-no-ssh",
        NG,
        "remoteAccess",
        (o) => {
            o.remoteAccess = { ec2SshKey: "ops" };
        },
        /remoteAccess/,
    ),
    R(
        "eks-nodegroup-no-ssh",
        LT,
        "a key pair",
        (o) => {
            o.keyName = "ops";
        },
        /keyName ops/,
    ),
    R(
        "eks-imdsv2",
        LT,
        "IMDSv1 allowed",
        (o) => {
            o.metadataOptions.httpTokens = "optional";
        },
        /httpTokens is optional/,
    ),
    R(
        "eks-imdsv2",
        NG,
        "no launch template",
        (o) => {
            delete o.launchTemplate;
        },
        /no launch template/,
    ),
    R(
        "eks-node-volume-encrypted",
        LT,
        "an unencrypted root volume",
        (o) => {
            o.blockDeviceMappings[0].ebs.encrypted = "false";
        },
        /\/dev\/xvda is not encrypted/,
    ),
    R(
        "eks-node-volume-encrypted",
        LT,
        "no block devices",
        (o) => {
            delete o.blockDeviceMappings;
        },
        /no blockDeviceMappings/,
    ),
    R(
        "eks-nodes-private",
        LT,
        "a public IP",
        (o) => {
            o.networkInterfaces = [{ deviceIndex: 0, associatePublicIpAddress: "true" }];
        },
        /public IP/,
    ),
    R(
        "ecr-scan-immutable",
        ECR,
        "no scan on push",
        (o) => {
            o.imageScanningConfiguration.scanOnPush = false;
        },
        /scan images on push/,
    ),
    R(
        "ecr-scan-immutable",
        ECR,
        "mutable tags",
        (o) => {
            o.imageTagMutability = "MUTABLE";
        },
        /MUTABLE/,
    ),
];

export const stackCases: StackCase[] = [
    S("res-namespace-quota", "no ResourceQuota", without("ResourceQuota/agents/quota"), /Namespace agents: has workloads but no ResourceQuota/),
    S(
        "avail-raft-pdb",
        "a PDB allowing 2 of 3 members down",
        edit("PodDisruptionBudget/agents/raft", (o) => {
            o.spec.maxUnavailable = 2;
        }),
        /allows 2 disruptions, more than f=1/,
    ),
    S(
        "avail-raft-pdb",
        "no PDB for the Raft group",
        without("PodDisruptionBudget/agents/raft"),
        /StatefulSet agents\/raft: Raft group has no PodDisruptionBudget/,
    ),
    S(
        "avail-singleton-exempt",
        "an HPA on the singleton",
        (rs) => [
            ...rs,
            fromK8sObject({
                apiVersion: "autoscaling/v2",
                kind: "HorizontalPodAutoscaler",
                metadata: { name: "poller", namespace: "agents" },
                spec: { scaleTargetRef: { kind: "Deployment", name: "poller" }, minReplicas: 2, maxReplicas: 4 },
            }),
        ],
        /singleton is targeted by HorizontalPodAutoscaler poller/,
    ),
    S(
        "avail-singleton-exempt",
        "a PDB pinning the singleton",
        (rs) => [
            ...rs,
            fromK8sObject({
                apiVersion: "policy/v1",
                kind: "PodDisruptionBudget",
                metadata: { name: "poller", namespace: "agents" },
                spec: { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "poller" } } },
            }),
        ],
        /allows no disruption of the singleton/,
    ),
    S("avail-hpa-present", "the api HPA removed", without(HPA), /Deployment agents\/api: no HorizontalPodAutoscaler/),
    S(
        "avail-hpa-target",
        "static replicas under an HPA",
        edit(D, (o) => {
            o.spec.replicas = 3;
        }),
        /also sets spec.replicas 3/,
    ),
    S(
        "avail-hpa-target",
        "an HPA on a missing workload",
        edit(HPA, (o) => {
            o.spec.scaleTargetRef.name = "ghost";
        }),
        /targets Deployment ghost, which is not in the stack/,
    ),
    S("avail-pdb-present", "the api PDB removed", without(PDB), /Deployment agents\/api: no PodDisruptionBudget/),
    S(
        "avail-pdb-present",
        "minAvailable equal to a single static replica",
        (rs) => {
            edit(D, (o) => {
                o.spec.replicas = 1;
            })(rs);
            edit(PDB, (o) => {
                delete o.spec.maxUnavailable;
                o.spec.minAvailable = 1;
            })(rs);
        },
        /PodDisruptionBudget api allows no disruption at 1 replica/,
    ),
    S(
        "avail-pdb-present",
        "minAvailable equal to the HPA minimum",
        edit(PDB, (o) => {
            delete o.spec.maxUnavailable;
            o.spec.minAvailable = 2;
        }),
        /allows no disruption at 2 replica/,
    ),
    S(
        "stor-data-retained",
        "a Delete class",
        edit(SC, (o) => {
            o.reclaimPolicy = "Delete";
        }),
        /StorageClass retained has reclaimPolicy Delete/,
    ),
    S(
        "stor-data-retained",
        "an unmanaged class",
        edit("PersistentVolumeClaim/agents/artifacts", (o) => {
            o.spec.storageClassName = "gp2";
        }),
        /StorageClass gp2 is not managed/,
    ),
    S(
        "stor-backup",
        "no backup",
        without("Schedule/velero/agents-daily", CJ),
        /Namespace agents: holds persistent data but no Velero Schedule or backup CronJob/,
    ),
    S("net-default-deny", "no default-deny", without("NetworkPolicy/agents/default-deny"), /Namespace agents: no default-deny ingress NetworkPolicy/),
    S(
        "net-default-deny",
        "ingress-only default-deny and no DNS-only egress policy",
        (rs) => {
            const out = without("NetworkPolicy/agents/allow-dns")(rs);
            edit("NetworkPolicy/agents/default-deny", (o) => {
                o.spec.policyTypes = ["Ingress"];
            })(out);
            return out;
        },
        /no default-deny egress/,
    ),
    S(
        "net-policy-coverage",
        "the api allow-list removed",
        without("NetworkPolicy/agents/api-allow"),
        /Deployment agents\/api: no NetworkPolicy names its pods/,
    ),
    S(
        "net-dangling-refs",
        "a Service selecting nothing",
        edit(SVC, (o) => {
            o.spec.selector = { "app.kubernetes.io/name": "ghost" };
        }),
        /Service agents\/api: selector .* matches no workload/,
    ),
    S(
        "net-dangling-refs",
        "an Ingress to a port the Service does not expose",
        edit(ING, (o) => {
            o.spec.rules[0].http.paths[0].backend.service.port = { number: 8080 };
        }),
        /backend Service api port 8080 is not a port of the Service/,
    ),
    S(
        "net-dangling-refs",
        "an Ingress to a port name the Service does not expose",
        edit(ING, (o) => {
            o.spec.rules[0].http.paths[0].backend.service.port = { name: "grpc" };
        }),
        /backend Service api port grpc is not a port of the Service/,
    ),
    S(
        "net-dangling-refs",
        "an Ingress to a missing Service",
        edit(ING, (o) => {
            o.spec.rules[0].http.paths[0].backend.service.name = "missing";
        }),
        /backend Service missing is not in the stack/,
    ),
    S(
        "rbac-risky-binding",
        "a binding to an all-powerful Role",
        edit(ROLE, (o) => {
            o.rules = [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }];
        }),
        /RoleBinding agents\/api: binds Role api, which grants everything/,
    ),
    S("obs-metrics", "the api ServiceMonitor removed", without("ServiceMonitor/agents/api"), /Deployment agents\/api: serves traffic but no ServiceMonitor/),
    S("obs-logging", "no shipper and no add-on", (rs) => without("aws:eks/addon:Addon/prod-eks-cloudwatch", DS)(rs), /no log shipper/),
    S(
        "eks-network-policy-enforced",
        "vpc-cni without configurationValues",
        edit("aws:eks/addon:Addon/prod-eks-vpc-cni", (o) => {
            delete o.configurationValues;
        }),
        /NetworkPolicies are declared, but the vpc-cni add-on does not set enableNetworkPolicy/,
    ),
    S(
        "eks-network-policy-enforced",
        "enableNetworkPolicy false",
        edit("aws:eks/addon:Addon/prod-eks-vpc-cni", (o) => {
            o.configurationValues = JSON.stringify({ enableNetworkPolicy: "false" });
        }),
        /does not set enableNetworkPolicy/,
    ),
    S(
        "eks-network-policy-enforced",
        "no vpc-cni add-on",
        without("aws:eks/addon:Addon/prod-eks-vpc-cni"),
        /no vpc-cni add-on turns on network policy enforcement/,
    ),
    S(
        "sec-external-secret-source",
        "a Secret with literal data",
        edit(SECRET, (o) => {
            delete o.metadata.annotations;
        }),
        /^stack: 1 of 1 Secrets hold literal data set in the program .*\(agents\/api-secrets\)$/,
    ),
    S(
        "avail-priority-class",
        "a workload without priorityClassName",
        edit(D, (o) => {
            delete pod(o).priorityClassName;
        }),
        /^stack: 1 of \d+ long-running workloads set no priorityClassName.* \(agents\/api\)$/,
    ),
    S(
        "img-pull-policy",
        "a tag-pinned image pulled IfNotPresent",
        edit(D, (o) => {
            c0(o).image = "ghcr.io/agent-platform/api:1.4.2";
        }),
        /^stack: 1 of \d+ workloads run tag-pinned images with imagePullPolicy IfNotPresent.* \(agents\/api\)$/,
    ),
    S(
        "hyg-runbook-annotation",
        "a workload without runbook",
        edit(D, (o) => {
            delete o.metadata.annotations;
        }),
        /^stack: 1 of \d+ workloads link no runbook .*\(agents\/api\)$/,
    ),
    S(
        "hyg-runbook-annotation",
        "a runbook that is not a URL",
        edit(D, (o) => {
            o.metadata.annotations["agent-platform.io/runbook"] = "see wiki";
        }),
        /^stack: 1 of \d+ workloads link no runbook/,
    ),
    S("proc-upgrade-rehearsed", "no rehearsal tag", (rs) => rs, /never been rehearsed/, new Map()),
    S("proc-upgrade-rehearsed", "a stale rehearsal", (rs) => rs, /2020-01-01 is \d+ days old/, new Map([["agent-platform:upgrade-rehearsed", "2020-01-01"]])),
];
