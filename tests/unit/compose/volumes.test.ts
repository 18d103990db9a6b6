import { strict as assert } from "assert";
import { planVolumes, serviceVolumes } from "../../../components/compose/volumes";
import type { ComposeProject } from "../../../components/compose/model";
import { context, service } from "./fixtures";

const mount = (source: string, target: string, i = 0) => ({ type: "volume" as const, source, target, readOnly: false, field: `volumes[${i}]` });

function project(): ComposeProject {
    return {
        file: "compose.yml",
        services: [
            service({ name: "worker", volumes: [mount("mongo_data", "/shared")] }),
            service({ name: "mongo", volumes: [mount("mongo_data", "/data/db")], labels: { "kompose.volume.size": "5Gi" } }),
        ],
        volumes: { mongo_data: { name: "mongo_data", external: false, labels: {} } },
        warnings: [],
    };
}

describe("compose/volumes", () => {
    it("GIVEN a volume two services mount THEN one PVC, owned by the first by name, sized by the kompose label, with a ReadWriteOnce warning", () => {
        const warnings: string[] = [];
        const plans = planVolumes(project(), {}, (_s, f, m) => warnings.push(`${f}: ${m}`));
        assert.deepEqual(plans.get("mongo_data"), {
            claimName: "mongo-data",
            owner: "mongo",
            external: false,
            size: "5Gi",
            accessModes: ["ReadWriteOnce"],
            labels: {},
        });
        assert.match(warnings.join(), /volumes.mongo_data: is mounted by worker, mongo but is ReadWriteOnce/);
    });

    it("GIVEN the owner and a user THEN the owner creates the claim and the user mounts it as existing (and waits for the owner)", () => {
        const p = project();
        const plans = planVolumes(p, {}, () => undefined);
        const owner = serviceVolumes(p.services[1], {}, plans, { bindMounts: "reject", readOnlyRoot: true }, context("mongo"));
        assert.deepEqual(owner.volumes[0].claim, { name: "mongo-data", size: "5Gi", accessModes: ["ReadWriteOnce"] });
        assert.deepEqual([owner.claimOwners, owner.usesRwoClaim], [[], true]);
        const user = serviceVolumes(p.services[0], {}, plans, { bindMounts: "reject", readOnlyRoot: true }, context("worker"));
        assert.deepEqual(user.volumes[0], { name: "vol-mongo-data", mountPath: "/shared", existingClaim: "mongo-data" });
        assert.deepEqual(user.claimOwners, ["mongo"]);
    });

    it("GIVEN bind mounts THEN they are rejected unless explicitly mapped to emptyDirs", () => {
        const svc = service({ volumes: [{ type: "bind", source: "./src", target: "/app", readOnly: true, field: "volumes[0]" }] });
        assert.throws(
            () => serviceVolumes(svc, {}, new Map(), { bindMounts: "reject", readOnlyRoot: true }, context()),
            /volumes\[0\]: bind mount "\.\/src" -> \/app cannot be deployed/,
        );
        const ctx = context();
        const v = serviceVolumes(svc, {}, new Map(), { bindMounts: "emptyDir", readOnlyRoot: true }, ctx);
        assert.deepEqual(v.volumes, [{ name: "bind-0", mountPath: "/app", emptyDir: { sizeLimit: "1Gi" }, readOnly: true }], "every disk emptyDir is bounded");
        assert.match(ctx.warnings.join(), /mapped to an empty directory/);
    });

    it("GIVEN writable paths THEN emptyDirs under a read-only root, none for /tmp or mounted paths, a warning when the root is writable", () => {
        const svc = service({ volumes: [{ type: "tmpfs", target: "/run", readOnly: false, field: "volumes[0]" }] });
        const v = serviceVolumes(
            svc,
            { writablePaths: [{ path: "/tmp" }, { path: "/run" }, { path: "/var/cache" }] },
            new Map(),
            { bindMounts: "reject", readOnlyRoot: true },
            context(),
        );
        assert.deepEqual(v.volumes, [
            { name: "tmpfs-0", mountPath: "/run", emptyDir: { medium: "Memory" } },
            { name: "writable-3", mountPath: "/var/cache", emptyDir: { sizeLimit: "1Gi" } },
        ]);
        const sized = serviceVolumes(
            service({}),
            { writablePaths: [{ path: "/snapshots", sizeLimit: "10Gi" }] },
            new Map(),
            { bindMounts: "reject", readOnlyRoot: true },
            context(),
        );
        assert.deepEqual(sized.volumes, [{ name: "writable-1", mountPath: "/snapshots", emptyDir: { sizeLimit: "10Gi" } }]);
        assert.throws(
            () =>
                serviceVolumes(
                    service({}),
                    { writablePaths: [{ path: "/s", sizeLimit: "lots" }] },
                    new Map(),
                    { bindMounts: "reject", readOnlyRoot: true },
                    context(),
                ),
            /writablePaths\[0\]\.sizeLimit: "lots" is not a Kubernetes quantity/,
        );
        const ctx = context();
        assert.equal(serviceVolumes(svc, { writablePaths: [{ path: "/x" }] }, new Map(), { bindMounts: "reject", readOnlyRoot: false }, ctx).volumes.length, 1);
        assert.match(ctx.warnings.join(), /writablePaths: ignored/);
        assert.throws(
            () => serviceVolumes(svc, { writablePaths: [{ path: "rel" }] }, new Map(), { bindMounts: "reject", readOnlyRoot: true }, context()),
            /writablePaths\[0\]: container path "rel" must be absolute/,
        );
    });

    it("GIVEN two volumes that sanitize to one name, or a bad size THEN one error names the volume", () => {
        const p = project();
        p.services[0].volumes.push(mount("mongo-data", "/other", 1));
        p.volumes["mongo-data"] = { name: "mongo-data", external: false, labels: {} };
        assert.throws(() => planVolumes(p, {}, () => undefined), /volumes.mongo_data: becomes PVC "mongo-data", the same as volume "mongo-data"/);
        assert.throws(() => planVolumes(project(), { volumes: { mongo_data: { size: "big" } } }, () => undefined), /size "big" is not a Kubernetes quantity/);
    });
});
