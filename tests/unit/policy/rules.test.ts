/**
 * Every policy against the compliant fixtures (must pass) and against single mutations of them
 * (must fail with a message naming the resource), plus the meta-test that every policy has both.
 */
import * as assert from "assert";
import { fromK8sObject, InputResource } from "../../../policy/lib/harness";
import { clone, Json, LONG_RUNNING_KINDS, parseK8sType, POD_KINDS } from "../../../policy/lib/k8s";
import { describeResource } from "../../../policy/lib/rule";
import { allRules } from "../../../policy/rules/all";
import { c0, CJ, D, HPA, pod, ResourceCase, resourceCases, sc0, SINGLE, SS, stackCases, without } from "../../../policy/examples/cases";
import { compliantStack, compliantTags } from "../../../policy/examples/compliant";
import { checkResource, checkStack, DEV, find, PROD } from "./helpers";

/** The resource a case mutates, rebuilt from the mutated props (type token recomputed). */
function mutated(c: ResourceCase): InputResource {
    if (typeof c.fixture === "function") {
        const o = c.fixture();
        c.mutate(o);
        return fromK8sObject(o);
    }
    const base = find(compliantStack(), c.fixture);
    const props = clone(base.props);
    c.mutate(props);
    return parseK8sType(base.type) ? fromK8sObject(props) : { ...base, props };
}

describe("policy rules", () => {
    describe("GIVEN the compliant stack", () => {
        const stack = compliantStack();
        for (const [label, config] of [
            ["prod", PROD],
            ["dev", DEV],
        ] as const) {
            it(`WHEN every policy runs under ${label}.json THEN none reports a violation`, async () => {
                const found: string[] = [];
                for (const r of allRules) {
                    if (r.scope === "stack") {
                        const o = await checkStack(r.policy.name, stack, config, compliantTags());
                        found.push(...o.messages.map((m) => `${r.policy.name}: ${m.message}`));
                    } else {
                        for (const res of stack.filter((x) => r.appliesTo!(x.type))) {
                            const o = await checkResource(r.policy.name, res, config);
                            found.push(...o.messages.map((m) => `${r.policy.name}: ${m.message}`));
                        }
                    }
                }
                assert.deepStrictEqual(found, []);
            });
        }
    });

    describe("GIVEN one mutation of a compliant fixture", () => {
        for (const c of resourceCases) {
            it(`WHEN ${c.policy} sees ${c.title} THEN it reports a violation naming the resource`, async () => {
                const res = mutated(c);
                const o = await checkResource(c.policy, res, c.config ?? PROD);
                assert.strictEqual(o.notApplicable, undefined, `not applicable: ${o.notApplicable}`);
                assert.ok(
                    o.messages.some((m) => c.expect.test(m.message)),
                    `expected ${c.expect} in ${JSON.stringify(o.messages)}`,
                );
                const subject = describeResource(res.type, res.name, res.props);
                for (const m of o.messages) assert.ok(m.message.startsWith(`${subject}: `), `message does not name ${subject}: ${m.message}`);
            });
        }
        for (const c of stackCases) {
            it(`WHEN ${c.policy} sees ${c.title} THEN it reports a violation naming the resource`, async () => {
                const base = compliantStack();
                const rs = c.mutate(base) ?? base;
                const o = await checkStack(c.policy, rs, PROD, c.tags ?? compliantTags());
                assert.strictEqual(o.notApplicable, undefined, `not applicable: ${o.notApplicable}`);
                assert.ok(
                    o.messages.some((m) => c.expect.test(m.message)),
                    `expected ${c.expect} in ${JSON.stringify(o.messages)}`,
                );
                for (const m of o.messages) assert.match(m.message, /^(stack|[A-Za-z]+ [\w.-]+(\/[\w.-]+)?)( [^:]+)?: /);
            });
        }
    });

    describe("GIVEN the pod-spec rules WHEN the compliant pod spec is wrapped in every pod-carrying kind", () => {
        const spec = () => find(compliantStack(), D).props.spec.template;
        const wrap = (kind: string, privileged: boolean): Json => {
            const t = clone(spec());
            if (privileged) t.spec.containers[0].securityContext.privileged = true;
            const meta = { name: "x", namespace: "agents", labels: t.metadata.labels, ownerReferences: [{ kind: "ReplicaSet", name: "x", controller: true }] };
            const api = ["Job", "CronJob"].includes(kind) ? "batch/v1" : ["Pod", "ReplicationController"].includes(kind) ? "v1" : "apps/v1";
            if (kind === "Pod") return { apiVersion: api, kind, metadata: meta, spec: t.spec };
            if (kind === "CronJob") return { apiVersion: api, kind, metadata: meta, spec: { jobTemplate: { spec: { template: t } } } };
            return { apiVersion: api, kind, metadata: meta, spec: { selector: { matchLabels: t.metadata.labels }, template: t } };
        };
        for (const kind of POD_KINDS) {
            it(`THEN ${kind} is inspected: compliant passes sec-run-as-non-root, privileged fails sec-no-privileged`, async () => {
                const ok = await checkResource("sec-run-as-non-root", fromK8sObject(wrap(kind, false)));
                assert.deepStrictEqual(ok, { messages: [] });
                const bad = await checkResource("sec-no-privileged", fromK8sObject(wrap(kind, true)));
                assert.strictEqual(bad.messages.length, 1);
            });
        }
    });

    describe("GIVEN pod- and container-level securityContext", () => {
        it("WHEN only the pod sets runAsNonRoot and seccomp THEN the container inherits them", async () => {
            const o = clone(find(compliantStack(), D).props);
            delete sc0(o).runAsNonRoot;
            delete sc0(o).seccompProfile;
            assert.deepStrictEqual((await checkResource("sec-run-as-non-root", fromK8sObject(o))).messages, []);
            assert.deepStrictEqual((await checkResource("sec-seccomp", fromK8sObject(o))).messages, []);
        });
        it("WHEN the pod says non-root but the container says runAsNonRoot false THEN the container wins", async () => {
            const o = clone(find(compliantStack(), D).props);
            sc0(o).runAsNonRoot = false;
            assert.strictEqual((await checkResource("sec-run-as-non-root", fromK8sObject(o))).messages.length, 1);
        });
    });

    describe("GIVEN the singleton convention", () => {
        it("WHEN a singleton runs 1 replica THEN avail-min-replicas, avail-spread and avail-rolling-update exempt it", async () => {
            const p = find(compliantStack(), SINGLE);
            for (const name of ["avail-min-replicas", "avail-spread", "avail-rolling-update"]) {
                assert.deepStrictEqual((await checkResource(name, p)).messages, [], name);
            }
        });
        it("WHEN the singleton label is removed THEN the same workload fails avail-min-replicas (one selector decides)", async () => {
            const o = clone(find(compliantStack(), SINGLE).props);
            delete o.metadata.labels["agent-platform.io/singleton"];
            assert.strictEqual((await checkResource("avail-min-replicas", fromK8sObject(o))).messages.length, 1);
        });
        it("WHEN the stack has no HPA THEN avail-hpa-present still exempts the singleton and the Raft group", async () => {
            const o = await checkStack("avail-hpa-present", without(HPA)(compliantStack()));
            assert.deepStrictEqual(
                o.messages.map((m) => m.message),
                ["Deployment agents/api: no HorizontalPodAutoscaler targets this replicated workload"],
            );
        });
    });

    describe("GIVEN the secret heuristics", () => {
        it("WHEN names only point at secrets (_FILE, _ID) or values are placeholders THEN nothing is reported", async () => {
            const o = clone(find(compliantStack(), D).props);
            c0(o).env.push(
                { name: "AWS_ACCESS_KEY_ID", value: "from-irsa" },
                { name: "DB_PASSWORD", value: "${DB_PASSWORD}" },
                { name: "TOKEN_TTL", value: "3600" },
            );
            assert.deepStrictEqual((await checkResource("sec-no-literal-secret-env", fromK8sObject(o))).messages, []);
        });
    });

    describe("meta", () => {
        it("THEN every policy has at least one failing fixture", () => {
            const covered = new Set([...resourceCases, ...stackCases].map((c) => c.policy));
            const missing = allRules.map((r) => r.policy.name).filter((n) => !covered.has(n));
            assert.deepStrictEqual(missing, []);
        });
        it("THEN every failing case names an existing policy of the right scope", () => {
            for (const c of resourceCases) assert.strictEqual(allRules.find((r) => r.policy.name === c.policy)?.scope, "resource", c.policy);
            for (const c of stackCases) assert.strictEqual(allRules.find((r) => r.policy.name === c.policy)?.scope, "stack", c.policy);
        });
        it("THEN every policy has at least one passing fixture it actually inspects", async () => {
            const stack = compliantStack();
            const missing: string[] = [];
            for (const r of allRules) {
                if (r.scope === "stack") {
                    const o = await checkStack(r.policy.name, stack, PROD, compliantTags());
                    if (o.notApplicable !== undefined || o.messages.length) missing.push(r.policy.name);
                } else {
                    let passed = false;
                    for (const res of stack) {
                        const o = await checkResource(r.policy.name, res);
                        if (o.notApplicable === undefined && o.messages.length === 0) passed = true;
                    }
                    if (!passed) missing.push(r.policy.name);
                }
            }
            assert.deepStrictEqual(missing, []);
        });
    });
});

describe("policy exemptions (every rule: config {name, reason, expires?} and the object annotation)", () => {
    const withExempt = (policy: string, names: string[], expires?: string) => ({
        ...PROD,
        [policy]: { ...(PROD[policy] as object), exemptions: names.map((name) => ({ name, reason: "test", ...(expires ? { expires } : {}) })) },
    });

    it("GIVEN every rule WHEN its configSchema is read THEN it offers exemptions of {name, reason, expires?} and a reason", () => {
        for (const r of allRules) {
            const props = (r.policy.configSchema?.properties ?? {}) as Record<string, { type?: string; items?: { required?: string[] } }>;
            assert.strictEqual(props.exemptions?.type, "array", `${r.policy.name} has no exemptions knob`);
            assert.deepStrictEqual(props.exemptions?.items?.required, ["name", "reason"], r.policy.name);
            assert.strictEqual(props.reason?.type, "string", r.policy.name);
        }
    });

    for (const c of resourceCases.filter((x) => typeof x.fixture === "string").slice(0, 12)) {
        it(`GIVEN ${c.policy} on ${c.title} WHEN the resource is exempt THEN nothing is reported, and another name is still judged`, async () => {
            const res = mutated(c);
            const key = res.props?.metadata?.name
                ? res.props.metadata.namespace
                    ? `${res.props.metadata.namespace}/${res.props.metadata.name}`
                    : res.props.metadata.name
                : res.name;
            const exempt = await checkResource(c.policy, res, withExempt(c.policy, [key]));
            assert.deepStrictEqual(exempt.messages, []);
            const other = await checkResource(c.policy, res, withExempt(c.policy, ["elsewhere/other"]));
            assert.ok(other.messages.some((m) => c.expect.test(m.message)));
        });
    }

    it("GIVEN an exemption that expired WHEN the rule runs THEN the resource is judged again and the expiry is itself a violation", async () => {
        const c = resourceCases.find((x) => x.policy === "sec-no-privileged")!;
        const res = mutated(c);
        const o = await checkResource(c.policy, res, withExempt(c.policy, ["agents/api"], "2020-01-31"));
        assert.ok(
            o.messages.some((m) => /exemption from sec-no-privileged expired on 2020-01-31 \("test"\)/.test(m.message)),
            JSON.stringify(o.messages),
        );
        assert.ok(o.messages.some((m) => c.expect.test(m.message)));
        const later = await checkResource(c.policy, res, withExempt(c.policy, ["agents/api"], "2999-12-31"));
        assert.deepStrictEqual(later.messages, []);
    });

    it("GIVEN the annotation agent-platform.io/policy-exempt.<rule> WHEN it gives a reason THEN the object is exempt; WHEN empty THEN it exempts nothing and is reported", async () => {
        const c = resourceCases.find((x) => x.policy === "sec-readonly-rootfs")!;
        const res = mutated(c);
        res.props.metadata.annotations = {
            ...(res.props.metadata.annotations ?? {}),
            "agent-platform.io/policy-exempt.sec-readonly-rootfs": "the vendor image rewrites its config at start",
        };
        assert.deepStrictEqual((await checkResource(c.policy, res)).messages, []);
        assert.ok(
            (await checkResource("sec-no-privileged", fromK8sObject({ ...res.props, spec: { ...res.props.spec } }))).messages.length === 0,
            "other rules unaffected by this annotation (and the fixture is not privileged)",
        );
        res.props.metadata.annotations["agent-platform.io/policy-exempt.sec-readonly-rootfs"] = " ";
        const msgs = (await checkResource(c.policy, res)).messages.map((m) => m.message);
        assert.ok(
            msgs.some((m) => /annotation agent-platform.io\/policy-exempt.sec-readonly-rootfs gives no reason/.test(m)),
            msgs.join("\n"),
        );
        assert.ok(msgs.some((m) => c.expect.test(m)));
    });

    it("GIVEN a stack rule violation WHEN the workload is exempt THEN it is not reported", async () => {
        const c = stackCases.find((x) => x.policy === "avail-pdb-present")!;
        const rs = c.mutate(compliantStack()) ?? compliantStack();
        const flagged = await checkStack(c.policy, rs, PROD, compliantTags());
        assert.ok(flagged.messages.length > 0);
        const exempt = await checkStack(c.policy, rs, withExempt(c.policy, ["agents/api"]), compliantTags());
        assert.deepStrictEqual(exempt.messages, []);
        const expired = await checkStack(c.policy, rs, withExempt(c.policy, ["agents/api"], "2021-06-01"), compliantTags());
        assert.ok(expired.messages.some((m) => /expired on 2021-06-01/.test(m.message)) && expired.messages.length > 1, JSON.stringify(expired.messages));
    });
});

describe("counted rules (blanket checks reported once per stack with a count)", () => {
    const noPriority =
        (...refs: string[]) =>
        (rs: InputResource[]) => {
            for (const ref of refs) delete pod(find(rs, ref).props).priorityClassName;
            return rs;
        };
    const run = (rs: InputResource[], config = PROD) =>
        checkStack("avail-priority-class", rs, config, compliantTags()).then((o) => o.messages.map((m) => m.message));
    const judged = (rs: InputResource[]) => rs.filter((r) => LONG_RUNNING_KINDS.includes(r.props?.kind)).length;

    it("GIVEN two workloads without a PriorityClass THEN one finding counts both and names them, with no URN (it is about the stack)", async () => {
        const rs = noPriority(D, SS)(compliantStack());
        const o = await checkStack("avail-priority-class", rs, PROD, compliantTags());
        assert.deepStrictEqual(
            o.messages.map((m) => m.message),
            [
                `stack: 2 of ${judged(rs)} long-running workloads set no priorityClassName, so the scheduler preempts them in no particular order (agents/api, agents/raft)`,
            ],
        );
        assert.strictEqual(o.messages[0].urn, undefined);
    });
    it("GIVEN more offenders than it names THEN the finding names the first five and says how many more", async () => {
        const rs = compliantStack();
        for (let i = 0; i < 7; i++) {
            const o = clone(find(rs, D).props);
            o.metadata.name = `api-${i}`;
            delete o.spec.template.spec.priorityClassName;
            rs.push(fromK8sObject(o));
        }
        const [m] = await run(rs);
        assert.match(m, /^stack: 7 of \d+ .* \(agents\/api-0, agents\/api-1, agents\/api-2, agents\/api-3, agents\/api-4, and 2 more\)$/);
    });
    it("GIVEN an offender exempt by config or by annotation THEN it is neither counted nor judged", async () => {
        const rs = noPriority(D, SS)(compliantStack());
        const exempt = { ...PROD, "avail-priority-class": { enforcementLevel: "advisory" as const, exemptions: [{ name: "agents/api", reason: "test" }] } };
        assert.deepStrictEqual(await run(rs, exempt), [
            `stack: 1 of ${judged(rs) - 1} long-running workloads set no priorityClassName, so the scheduler preempts them in no particular order (agents/raft)`,
        ]);
        find(rs, SS).props.metadata.annotations = {
            ...find(rs, SS).props.metadata.annotations,
            "agent-platform.io/policy-exempt.avail-priority-class": "preempted last by design",
        };
        assert.deepStrictEqual(await run(rs, exempt), []);
    });
    it("GIVEN an annotation exemption without a reason THEN it exempts nothing and is reported on the object", async () => {
        const rs = noPriority(D)(compliantStack());
        find(rs, D).props.metadata.annotations["agent-platform.io/policy-exempt.avail-priority-class"] = "";
        const msgs = await run(rs);
        assert.ok(
            msgs.some((m) => /^Deployment agents\/api: annotation agent-platform.io\/policy-exempt.avail-priority-class gives no reason/.test(m)),
            msgs.join("\n"),
        );
        assert.ok(
            msgs.some((m) => /^stack: 1 of .*\(agents\/api\)$/.test(m)),
            msgs.join("\n"),
        );
    });
});

describe("stor-class-safe on regional file systems", () => {
    it("GIVEN an EFS class binding Immediate without expansion WHEN checked THEN it passes, while the same settings on EBS fail", async () => {
        const efs = fromK8sObject({
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            metadata: { name: "efs-sc" },
            provisioner: "efs.csi.aws.com",
            reclaimPolicy: "Retain",
            volumeBindingMode: "Immediate",
            parameters: { provisioningMode: "efs-ap", fileSystemId: "fs-123", directoryPerms: "700" },
        } as never);
        assert.deepStrictEqual((await checkResource("stor-class-safe", efs)).messages, []);
        const ebs = fromK8sObject({
            apiVersion: "storage.k8s.io/v1",
            kind: "StorageClass",
            metadata: { name: "ebs" },
            provisioner: "ebs.csi.aws.com",
            reclaimPolicy: "Retain",
            volumeBindingMode: "Immediate",
            parameters: { type: "gp3", encrypted: "true" },
        } as never);
        const msgs = (await checkResource("stor-class-safe", ebs)).messages.map((m) => m.message);
        assert.ok(msgs.some((m) => /volumeBindingMode is Immediate/.test(m)) && msgs.some((m) => /allowVolumeExpansion/.test(m)), msgs.join("\n"));
    });
});

describe("policy rules: what peer linters catch, without their false positives", () => {
    const api = () => clone(find(compliantStack(), D).props);
    it("GIVEN a Role reading one named Secret (resourceNames) WHEN rbac-limit-secrets-pod-create runs THEN it passes (Role inquisitor)", async () => {
        const role = clone(find(compliantStack(), "Role/agents/api").props);
        role.rules.push({ apiGroups: [""], resources: ["secrets"], resourceNames: ["inquisitor-secrets"], verbs: ["get", "list", "watch"] });
        assert.deepStrictEqual((await checkResource("rbac-limit-secrets-pod-create", fromK8sObject(role))).messages, []);
    });
    it("GIVEN anti-affinity that names its own namespace WHEN avail-spread runs THEN it counts", async () => {
        const o = api();
        delete o.spec.template.spec.topologySpreadConstraints;
        o.spec.template.spec.affinity = {
            podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: ["kubernetes.io/hostname", "topology.kubernetes.io/zone"].map((topologyKey) => ({
                    topologyKey,
                    namespaces: ["agents"],
                    labelSelector: { matchLabels: { "app.kubernetes.io/name": "api" } },
                })),
            },
        };
        assert.deepStrictEqual((await checkResource("avail-spread", fromK8sObject(o))).messages, []);
    });
    it("GIVEN a port number declared for both TCP and UDP WHEN a TCP probe uses it THEN health-probe-port passes", async () => {
        const o = api();
        c0(o).ports.push({ name: "dns-udp", containerPort: 5353, protocol: "UDP" }, { name: "dns-tcp", containerPort: 5353, protocol: "TCP" });
        c0(o).livenessProbe = { tcpSocket: { port: 5353 } };
        assert.deepStrictEqual((await checkResource("health-probe-port", fromK8sObject(o))).messages, []);
    });
    it("GIVEN the same exec command for liveness and readiness WHEN health-probes-distinct runs THEN it passes (a command has no second signal)", async () => {
        const o = api();
        c0(o).livenessProbe = { exec: { command: ["pg_isready"] }, periodSeconds: 10 };
        c0(o).readinessProbe = { exec: { command: ["pg_isready"] }, periodSeconds: 5 };
        assert.deepStrictEqual((await checkResource("health-probes-distinct", fromK8sObject(o))).messages, []);
    });
    it("GIVEN an Ingress backend naming the Service port by name WHEN net-dangling-refs runs THEN it passes", async () => {
        const rs = compliantStack();
        find(rs, "Ingress/agents/api").props.spec.rules[0].http.paths[0].backend.service.port = { name: "http" };
        assert.deepStrictEqual((await checkStack("net-dangling-refs", rs)).messages, []);
    });
    it("GIVEN a singleton whose PDB keeps its one pod WHEN avail-pdb-present runs THEN avail-singleton-exempt owns it (no double report)", async () => {
        const rs = [
            ...compliantStack(),
            fromK8sObject({
                apiVersion: "policy/v1",
                kind: "PodDisruptionBudget",
                metadata: { name: "poller", namespace: "agents" },
                spec: { minAvailable: 1, selector: { matchLabels: { "app.kubernetes.io/name": "poller" } } },
            }),
        ];
        assert.deepStrictEqual((await checkStack("avail-pdb-present", rs)).messages, []);
    });
    it("GIVEN a read-only root filesystem and a small /tmp WHEN res-ephemeral-storage runs THEN no ephemeral-storage is required (no blanket finding)", async () => {
        const o = api();
        delete c0(o).resources.requests["ephemeral-storage"];
        delete c0(o).resources.limits["ephemeral-storage"];
        assert.deepStrictEqual((await checkResource("res-ephemeral-storage", fromK8sObject(o))).messages, []);
    });
    it("GIVEN a memory-backed emptyDir without sizeLimit WHEN res-ephemeral-storage runs THEN it is not disk scratch", async () => {
        const o = api();
        o.spec.template.spec.volumes.push({ name: "shm", emptyDir: { medium: "Memory" } });
        assert.deepStrictEqual((await checkResource("res-ephemeral-storage", fromK8sObject(o))).messages, []);
    });
    it("GIVEN an allow-list of publishers WHEN images come from them THEN img-registry-allowlist passes (official Docker Hub images are docker.io/library)", async () => {
        const o = api();
        o.spec.template.spec.containers.push(
            { ...clone(c0(o)), name: "redis", image: "redis:7.4.1-alpine" },
            { ...clone(c0(o)), name: "ca", image: "registry.k8s.io/autoscaling/cluster-autoscaler:v1.33.0" },
        );
        const cfg = { "img-registry-allowlist": { allowedRegistries: ["ghcr.io/agent-platform", "docker.io/library", "registry.k8s.io"] } };
        assert.deepStrictEqual((await checkResource("img-registry-allowlist", fromK8sObject(o), cfg)).messages, []);
    });
    it("GIVEN img-digest scoped to some repositories WHEN another image is tag-pinned only THEN it is not judged", async () => {
        const o = api();
        c0(o).image = "ghcr.io/agent-platform/api:1.4.2";
        assert.deepStrictEqual(
            (await checkResource("img-digest", fromK8sObject(o), { "img-digest": { repositories: ["docker.io/servicenow/mid-server"] } })).messages,
            [],
        );
    });
    it("GIVEN a CronJob whose job template sets no TTL WHEN hyg-jobs runs THEN it passes (history limits clean up)", async () => {
        const cj = find(compliantStack(), CJ);
        assert.deepStrictEqual((await checkResource("hyg-jobs", cj)).messages, []);
    });
});
