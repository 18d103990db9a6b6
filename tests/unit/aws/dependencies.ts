/**
 * A render of a stack that also records what the engine would receive as each resource's
 * dependencies (the URNs in RegisterResourceRequest.dependencies): the ordering `pulumi up`
 * follows. Wraps the mock monitor of the run; the program itself is unchanged.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { RecordedResource, runUnderMocks } from "../../../tools/lib/mock-runtime";
import { readStackConfig, REPO_ROOT } from "../../../tools/lib/render";
import { PROJECT } from "../../../components/config/schema";

export interface Registered extends RecordedResource {
    urn: string;
    /** URNs this resource waits for (explicit `dependsOn`, expanded, plus input dependencies). */
    dependencies: string[];
    /** `customTimeouts` of the resource options (create/update/delete durations), when set. */
    customTimeouts?: { create: string; update: string; pb_delete: string };
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getDependenciesList(): string[];
    getCustomtimeouts(): { toObject(): { create: string; update: string; pb_delete: string } } | undefined;
}
type Callback = (err: unknown, resp?: { getUrn(): string }) => void;
interface Monitor {
    registerResource(req: RegisterRequest, cb: Callback): void;
}

/** Renders `Pulumi.<stack>.yaml` recording every registration with its URN and dependencies. */
export async function renderWithDependencies(stack: string): Promise<Registered[]> {
    const cfg = readStackConfig(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`));
    const program = path.join(REPO_ROOT, "stacks", "index.ts");
    const stacksDir = path.join(REPO_ROOT, "stacks") + path.sep;
    const seen: { type: string; name: string; urn: string; dependencies: string[]; customTimeouts?: Registered["customTimeouts"] }[] = [];
    const run = await runUnderMocks(
        () => {
            const monitor = (pulumi.runtime as unknown as { getMonitor(): Monitor }).getMonitor();
            const register = monitor.registerResource.bind(monitor);
            monitor.registerResource = (req, cb) => {
                const rec = {
                    type: req.getType(),
                    name: req.getName(),
                    urn: "",
                    dependencies: req.getDependenciesList(),
                    customTimeouts: req.getCustomtimeouts()?.toObject(),
                };
                seen.push(rec);
                register(req, (err, resp) => {
                    if (resp) rec.urn = resp.getUrn();
                    cb(err, resp);
                });
            };
            for (const id of Object.keys(require.cache)) if (id.startsWith(stacksDir)) delete require.cache[id];
            return require(program) as Record<string, unknown>;
        },
        { project: PROJECT, stack, config: cfg.values, secretKeys: cfg.secretKeys },
    );
    if (seen.length !== run.resources.length) throw new Error(`recorded ${seen.length} registrations but ${run.resources.length} resources`);
    return run.resources.map((r, i) => {
        const s = seen[i];
        if (s.type !== r.type || s.name !== r.name) throw new Error(`registration ${i} is ${s.type}::${s.name}, resource is ${r.type}::${r.name}`);
        return { ...r, urn: s.urn, dependencies: s.dependencies, ...(s.customTimeouts ? { customTimeouts: s.customTimeouts } : {}) };
    });
}
