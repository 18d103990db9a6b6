/**
 * npm run secrets:check -- --stack NAME [--non-interactive]
 * (help, exit codes and error conventions: tools/lib/cli.ts; `--help` lists every flag)
 */
import * as fs from "fs";
import * as path from "path";
import { Args, CliIo, UserError, defineCli, runMain } from "./lib/cli";
import { REPO_ROOT } from "./lib/render";
import { StackFileError, checkStackSecrets, committedStacks, formatSecretsCheck, parseStackFile } from "./lib/stack-secrets";

export const CLI = defineCli({
    name: "secrets:check",
    usage: "npm run secrets:check -- --stack NAME [--non-interactive]",
    summary: `Checks that Pulumi.NAME.yaml can be previewed and deployed: it was initialised with its
environment's secrets provider (dev: passphrase, prod: AWS KMS), every secure key its enabled
systems require is stored encrypted in it (pulumi config set --secret), and the rest of the
config is valid. Prints every problem at once; CI runs it before pulumi preview/up.`,
    flags: {
        stack: { value: "NAME", required: true, help: "the stack to check (reads Pulumi.NAME.yaml)" },
        nonInteractive: {
            help: "no prompts (CI): also require the passphrase, Pulumi token, AWS credentials and kubeconfig the stack needs in the environment",
        },
    },
    exitCodes: { 1: "the stack is not ready (each problem listed), or its file cannot be read" },
    userErrors: [StackFileError],
});

export function secretsCheck(args: Args<typeof CLI>, io: CliIo, env: Record<string, string | undefined> = process.env): number {
    const file = path.join(REPO_ROOT, `Pulumi.${args.stack}.yaml`);
    if (!fs.existsSync(file)) throw new UserError(`no stack file Pulumi.${args.stack}.yaml (stacks: ${committedStacks().join(", ")})`);
    const result = checkStackSecrets(args.stack, parseStackFile(fs.readFileSync(file, "utf8"), path.basename(file)), {
        nonInteractive: args.nonInteractive,
        env,
    });
    if (result.problems.length) {
        io.stderr(`secrets:check: ${formatSecretsCheck(args.stack, result)}\n`);
        return 1;
    }
    io.stdout(`${formatSecretsCheck(args.stack, result)}\n`);
    return 0;
}

if (require.main === module) void runMain(CLI, (args, io) => secretsCheck(args, io));
