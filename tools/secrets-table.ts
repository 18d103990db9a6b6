/**
 * npm run secrets:table [-- --write]
 * (help, exit codes and error conventions: tools/lib/cli.ts; `--help` lists every flag)
 */
import * as fs from "fs";
import * as path from "path";
import { Args, CliIo, defineCli, runMain } from "./lib/cli";
import { REPO_ROOT } from "./lib/render";
import { StackFileError, readmeTable, spliceTable } from "./lib/stack-secrets";

export const CLI = defineCli({
    name: "secrets:table",
    usage: "npm run secrets:table [-- --write]",
    summary: `Prints the README's table of secure config keys: every key the config schema
(stacks/config.ts) knows, the systems that read it, and whether each committed stack
requires it. A unit test compares the README with it.`,
    flags: {
        write: { help: "replace the table between the secret-keys markers in README.md instead of printing it" },
    },
    userErrors: [StackFileError],
});

export function secretsTable(args: Args<typeof CLI>, io: CliIo, readme = path.join(REPO_ROOT, "README.md")): number {
    const table = readmeTable();
    if (!args.write) {
        io.stdout(`${table}\n`);
        return 0;
    }
    const before = fs.readFileSync(readme, "utf8");
    const after = spliceTable(before, table);
    if (after !== before) fs.writeFileSync(readme, after);
    io.stderr(`secrets:table: ${path.basename(readme)}: ${after === before ? "up to date" : "table rewritten"}\n`);
    return 0;
}

if (require.main === module) void runMain(CLI, (args, io) => secretsTable(args, io));
