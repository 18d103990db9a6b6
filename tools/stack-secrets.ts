/**
 * npm run secrets:check -- --stack <name> [--non-interactive]
 *   Checks that Pulumi.<name>.yaml can be previewed and deployed: the environment's secrets
 *   provider (dev: passphrase, prod: AWS KMS), every secure key its enabled systems require
 *   stored encrypted, and with --non-interactive (CI) the passphrase in the environment.
 *   Exits 1 listing every problem, 2 on usage or unreadable input.
 * npm run secrets:table [-- --write]
 *   Prints the README's secure-key table (from the config schema and the committed stack
 *   files); --write replaces it in README.md.
 */
import * as fs from "fs";
import * as path from "path";
import { loadPlatformConfig } from "../components/config/schema";
import { REPO_ROOT, readStackConfig } from "./lib/render";
import { StackFileError, checkStackSecrets, formatSecretsCheck, parseStackFile, secretKeysTable, spliceTable } from "./lib/stack-secrets";

const USAGE = `usage: npm run secrets:check -- --stack <name> [--non-interactive]
       npm run secrets:table [-- --write]`;

class UsageError extends Error {}

/** The stacks with a committed settings file, in name order. */
export function committedStacks(root = REPO_ROOT): string[] {
    return fs.readdirSync(root).map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1]).filter((s): s is string => !!s).sort();
}

/** The README table for the committed stacks. */
export function readmeTable(root = REPO_ROOT): string {
    return secretKeysTable(committedStacks(root).map((name) => {
        const c = readStackConfig(path.join(root, `Pulumi.${name}.yaml`));
        return { name, config: loadPlatformConfig(c.values, (k) => c.secretKeys.includes(k)) };
    }));
}

function check(argv: string[]): number {
    let stack: string | undefined;
    let nonInteractive = false;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--stack") stack = argv[++i];
        else if (argv[i] === "--non-interactive") nonInteractive = true;
        else throw new UsageError(`unknown argument ${argv[i]}`);
    }
    if (!stack || stack.startsWith("--")) throw new UsageError("--stack needs a stack name");
    const file = path.join(REPO_ROOT, `Pulumi.${stack}.yaml`);
    if (!fs.existsSync(file)) throw new StackFileError(`no stack file ${path.relative(process.cwd(), file)} (stacks: ${committedStacks().join(", ")})`);
    const result = checkStackSecrets(stack, parseStackFile(fs.readFileSync(file, "utf8"), path.basename(file)), { nonInteractive, env: process.env });
    (result.problems.length ? process.stderr : process.stdout).write(formatSecretsCheck(stack, result) + "\n");
    return result.problems.length ? 1 : 0;
}

function table(argv: string[]): number {
    const write = argv.includes("--write");
    const unknown = argv.filter((a) => a !== "--write");
    if (unknown.length) throw new UsageError(`unknown argument ${unknown[0]}`);
    const t = readmeTable();
    if (!write) {
        process.stdout.write(t + "\n");
        return 0;
    }
    const readme = path.join(REPO_ROOT, "README.md");
    const before = fs.readFileSync(readme, "utf8");
    const after = spliceTable(before, t);
    if (after !== before) fs.writeFileSync(readme, after);
    process.stdout.write(after === before ? "README.md: secret-key table up to date\n" : "README.md: secret-key table rewritten\n");
    return 0;
}

export function main(argv: string[]): number {
    try {
        const [cmd, ...rest] = argv;
        if (cmd === "check") return check(rest);
        if (cmd === "table") return table(rest);
        throw new UsageError(`unknown command ${cmd ?? "(none)"}`);
    } catch (e) {
        if (e instanceof UsageError) {
            process.stderr.write(`secrets: ${e.message}\n${USAGE}\n`);
            return 2;
        }
        if (e instanceof StackFileError) {
            process.stderr.write(`secrets: ${e.message}\n`);
            return 2;
        }
        throw e;
    }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
