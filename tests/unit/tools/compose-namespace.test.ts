/** compose:convert never targets `default`: --namespace, else the compose project name. */
import { strict as assert } from "assert";
import { UsageError } from "../../../tools/lib/cli";
import { namespaceFromProject } from "../../../tools/compose-convert";

describe("compose:convert namespace", () => {
    it("GIVEN a top-level name: WHEN no --namespace THEN the namespace is that name as a DNS-1123 label", () => {
        assert.equal(namespaceFromProject("x/docker-compose.yml", "name: My_Project\nservices: {}\n"), "my-project");
    });
    it("GIVEN no name (or an interpolated one) WHEN no --namespace THEN the compose file's directory names it, as docker compose does", () => {
        assert.equal(namespaceFromProject("/srv/apps/research.stack/compose.yml", "services: {}\n"), "research-stack");
        assert.equal(namespaceFromProject("/srv/apps/ushadow/compose.yml", "name: ${PROJECT}\nservices: {}\n"), "ushadow");
    });
    it("GIVEN a project named default or nothing usable WHEN no --namespace THEN a usage error asks for --namespace", () => {
        assert.throws(
            () => namespaceFromProject("x/compose.yml", "name: default\n"),
            (e: unknown) => e instanceof UsageError && /pass --namespace/.test(e.message),
        );
        assert.throws(() => namespaceFromProject("/compose.yml", "services: {}\n"), UsageError);
    });
});
