/**
 * The README's deviations table stays true for object names: every Kubernetes object a seed names
 * (kind + name from its YAML blocks and kubectl commands) that neither the dev nor the prod render
 * has must be mentioned, in backticks, in a row of "Deviations from the seed documents".
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { RENDER_TIMEOUT_MS, renderedStack } from "../../helpers/stacks";
import { SeedObject, deviationsSection, readSeedObjects, seedObjects, undocumentedMissing } from "./seed-names";

const README = path.resolve(__dirname, "../../../README.md");
const FIXTURE = path.join(__dirname, "seed-objects.json");
const committed = (): SeedObject[] => JSON.parse(fs.readFileSync(FIXTURE, "utf8"));

describe("README deviations table: every seed object the render lacks has a row", function () {
    this.timeout(RENDER_TIMEOUT_MS);
    const rendered: { kind: string; name: string }[] = [];
    before(async () => {
        for (const stack of ["dev", "prod"] as const) {
            for (const o of (await renderedStack(stack)).objects) rendered.push({ kind: o.kind, name: o.metadata.name });
        }
    });

    it("GIVEN the seeds next to the repository THEN the committed seed-objects.json is what they name", function () {
        const fromSeeds = readSeedObjects();
        if (fromSeeds.length === 0) this.skip();
        assert.deepEqual(fromSeeds, committed());
    });

    it("GIVEN the seed objects the dev and prod renders lack THEN each one's name is in a deviations row", () => {
        const seeds = committed();
        assert.ok(seeds.length >= 50, `only ${seeds.length} seed objects`);
        const readme = fs.readFileSync(README, "utf8");
        assert.deepEqual(
            undocumentedMissing(seeds, rendered, deviationsSection(readme)).map((o) => `${o.seed} ${o.kind} ${o.name}`),
            [],
        );
    });

    it("GIVEN a row a missing object needs is removed THEN the check names that object", () => {
        const section = deviationsSection(fs.readFileSync(README, "utf8"));
        const withoutRow = section
            .split("\n")
            .filter((l) => !l.includes("`inquisitor-hpa`"))
            .join("\n");
        assert.notEqual(withoutRow, section, "no row names inquisitor-hpa");
        // That row documents both of seed 001's renamed objects.
        assert.deepEqual(
            undocumentedMissing(committed(), rendered, withoutRow).map((o) => o.name),
            ["inquisitor-hpa", "inquisitor-netpol"],
        );
    });
});

describe("seed object extraction", () => {
    it("reads kind + metadata.name from YAML blocks and kind/name from kubectl commands; a name inside a longer backticked phrase counts, a prefix does not", () => {
        const text = [
            "```yaml",
            "apiVersion: v1",
            "kind: Service",
            "metadata:",
            "  name: api",
            "---",
            "kind: Role",
            "metadata:",
            "  name: api-role",
            "```",
            "```bash",
            "kubectl rollout status deployment/api -n x",
            "kubectl describe pvc data-pvc",
            "kubectl create secret generic not-an-object",
            "```",
            "kubectl get svc outside-a-block",
        ].join("\n");
        const objs = seedObjects("009", text);
        assert.deepEqual(
            objs.map((o) => `${o.kind}/${o.name}`),
            ["Service/api", "Role/api-role", "Deployment/api", "PersistentVolumeClaim/data-pvc"],
        );
        const table = "| 009 | Role `Role api-role` | `api-role-x` |\n";
        assert.deepEqual(
            undocumentedMissing(objs, [{ kind: "Service", name: "api" }], table).map((o) => o.name),
            ["api", "data-pvc"],
        );
    });
});
