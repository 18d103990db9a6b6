/**
 * The registry (stacks/systems/registry.ts) lists each system once; the platform schema, the
 * secure keys and the summary's main Service derive from it.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { platformBaseShape } from "../../../components/config/schema";
import { SECRET_KEYS, SYSTEMS, platformConfigSchema } from "../../../stacks/config";
import { REPO_ROOT } from "../../../tools/lib/render";

describe("system registry", () => {
    const keys = Object.keys(SYSTEMS);

    it("GIVEN the registry THEN the platform schema is the platform-wide sections plus one optional section per system", () => {
        assert.deepEqual(Object.keys(platformConfigSchema.shape).sort(), [...Object.keys(platformBaseShape), ...keys].sort());
        for (const key of keys) {
            assert.equal(platformConfigSchema.shape[key as keyof typeof SYSTEMS].safeParse(undefined).success, true, `${key} is optional`);
        }
    });

    it("GIVEN the registry THEN the secure keys are exactly the systems' own, each once", () => {
        assert.deepEqual(SECRET_KEYS, [...new Set(Object.values(SYSTEMS).flatMap((s) => [...s.secrets]))].sort());
    });

    it("GIVEN the folders of stacks/systems THEN each is registered, and each registered system has its folder", () => {
        const dir = path.join(REPO_ROOT, "stacks/systems");
        const folders = fs
            .readdirSync(dir, { withFileTypes: true })
            .filter((e) => e.isDirectory())
            .map((e) => e.name)
            .sort();
        const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
        assert.deepEqual(keys.map(kebab).sort(), folders);
        for (const folder of folders) {
            for (const file of ["config.ts", "deploy.ts", "index.ts"]) assert.ok(fs.existsSync(path.join(dir, folder, file)), `${folder}/${file}`);
        }
    });
});
