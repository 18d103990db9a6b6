/**
 * The Kubernetes objects the seed documents name, as data: every `kind` + `metadata.name` in their
 * YAML code blocks, and the `<kind>/<name>` or `<kind> <name>` that their kubectl commands address.
 * `seed-objects.json` (next to this file) is the committed copy (the seeds live outside the repository); the
 * deviations test checks it against the seeds whenever they are present.
 */
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";

export interface SeedObject {
    seed: string;
    kind: string;
    name: string;
}

/** Where the seeds are: `shared/seeds` in the nearest directory above the repository that has one. */
export function findSeedsDir(from = path.resolve(__dirname, "../../..")): string | undefined {
    for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
        const candidate = path.join(dir, "shared", "seeds");
        if (fs.existsSync(candidate)) return candidate;
        if (path.dirname(dir) === dir) return undefined;
    }
}

// kubectl's resource names and short names -> kind (only the kinds the seeds address).
const KUBECTL_KINDS: Record<string, string> = {
    deployment: "Deployment",
    deploy: "Deployment",
    statefulset: "StatefulSet",
    sts: "StatefulSet",
    service: "Service",
    svc: "Service",
    pvc: "PersistentVolumeClaim",
    configmap: "ConfigMap",
    cm: "ConfigMap",
    secret: "Secret",
    networkpolicy: "NetworkPolicy",
    hpa: "HorizontalPodAutoscaler",
    cronjob: "CronJob",
    namespace: "Namespace",
    ns: "Namespace",
    ingress: "Ingress",
    serviceaccount: "ServiceAccount",
};
// Verbs whose `<kind> <name>` operand names an existing object (not `create secret generic <name>`).
const VERBS = "get|describe|scale|delete|edit|logs|exec|rollout (?:status|undo|history|restart)|set image|port-forward";
const KIND_WORDS = Object.keys(KUBECTL_KINDS).join("|");
const BY_SLASH = new RegExp(`\\bkubectl\\b[^\\n|;&]*?\\b(${KIND_WORDS})/([a-z0-9][a-z0-9.-]*)`, "g");
const BY_SPACE = new RegExp(`\\bkubectl (?:${VERBS})(?: -n [a-z0-9-]+)? (${KIND_WORDS}) ([a-z0-9][a-z0-9.-]*)`, "g");
const CREATE_NS = /\bkubectl create namespace ([a-z0-9][a-z0-9-]*)/g;

/** The objects one seed document names, in order of first mention, without repeats. */
export function seedObjects(seed: string, text: string): SeedObject[] {
    const out: SeedObject[] = [];
    const add = (kind: string, name: unknown) => {
        if (typeof name !== "string" || !name) return;
        if (!out.some((o) => o.kind === kind && o.name === name)) out.push({ seed, kind, name });
    };
    for (const block of text.matchAll(/```([a-zA-Z]*)\n([\s\S]*?)```/g)) {
        const body = block[2];
        if (/^ya?ml$/i.test(block[1]) && /^kind:/m.test(body)) {
            for (const doc of YAML.parseAllDocuments(body)) {
                const o = doc.toJS() as { kind?: string; metadata?: { name?: string } } | null;
                if (o?.kind) add(o.kind, o.metadata?.name);
            }
        }
        for (const m of body.matchAll(BY_SLASH)) add(KUBECTL_KINDS[m[1]], m[2]);
        for (const m of body.matchAll(BY_SPACE)) add(KUBECTL_KINDS[m[1]], m[2]);
        for (const m of body.matchAll(CREATE_NS)) add("Namespace", m[1]);
    }
    return out;
}

/** Every seed's objects, seeds in file order (`000_*.txt` ...), or [] when the seeds are not here. */
export function readSeedObjects(dir = findSeedsDir()): SeedObject[] {
    if (!dir) return [];
    return fs
        .readdirSync(dir)
        .filter((f) => f.endsWith(".txt"))
        .sort()
        .flatMap((f) => seedObjects(f.slice(0, 3), fs.readFileSync(path.join(dir, f), "utf8")));
}

/** The README's "Deviations from the seed documents" section (up to the next `## ` heading). */
export function deviationsSection(readme: string): string {
    const start = readme.indexOf("## Deviations from the seed documents");
    if (start < 0) throw new Error('README has no "## Deviations from the seed documents" section');
    const next = readme.indexOf("\n## ", start + 1);
    return readme.slice(start, next < 0 ? undefined : next);
}

/**
 * The seed objects the render lacks (same kind and name) whose name no deviations table row
 * mentions: as a whole word of a backticked span (`Backup claude-code-daily-backup` names
 * `claude-code-daily-backup`, but `api-role` does not name `api`).
 */
export function undocumentedMissing(seedObjs: SeedObject[], rendered: { kind: string; name: string }[], deviations: string): SeedObject[] {
    const have = new Set(rendered.map((o) => `${o.kind}/${o.name}`));
    const rows = deviations.split("\n").filter((l) => l.startsWith("|"));
    const documented = new Set(rows.flatMap((r) => [...r.matchAll(/`([^`]*)`/g)].flatMap((m) => m[1].split(/[^A-Za-z0-9._-]+/))));
    return seedObjs.filter((o) => !have.has(`${o.kind}/${o.name}`) && !documented.has(o.name));
}
