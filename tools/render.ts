/**
 * `npm run render -- --stack <name> [--out DIR]`: writes every Kubernetes object the stack
 * would create, one YAML file each, plus cloud-resources.json. No cloud, no cluster, no CLI.
 */
import "./lib/sdk-load"; // first: before anything loads @pulumi/pulumi
import * as path from "path";
import { ConfigError, InputError } from "agent-platform/config";
import { ComposeError } from "agent-platform/compose";
import { PackConfigError } from "../policy/lib/config";
import { PolicyGateError } from "../policy/lib/gate";
import { Args, CliIo, defineCli, processIo, runCli, runMain } from "./lib/cli";
import { assertWritable, MANIFEST } from "./lib/output";
import { placeholdersRead, REPO_ROOT, readStackConfig, renderProgram, renderStack, writeRender } from "./lib/render";

export const CLI = defineCli({
    name: "render",
    usage: "npm run render -- --stack NAME [--out DIR] [--config FILE] [--force]",
    summary: `Runs the Pulumi program offline (mock runtime: no cloud, no cluster, no pulumi CLI) with the
stack's config and writes every Kubernetes object it would create, one YAML file each as
<namespace or _cluster>/<kind>-<name>.yaml, plus cloud-resources.json (the AWS resources).
Secure config values cannot be decrypted offline: they become placeholders and Secret values
are written as <redacted>.`,
    flags: {
        stack: { value: "NAME", required: true, help: "the stack to render (reads Pulumi.NAME.yaml)" },
        out: { value: "DIR", help: "output directory (default rendered/NAME)" },
        config: { value: "FILE", help: "read the stack config from FILE instead of Pulumi.NAME.yaml" },
        force: { help: `write into a non-empty DIR that has no ${MANIFEST} (removes nothing there)` },
    },
    epilog: `Output safety: the files written are listed in DIR/${MANIFEST}; the next run removes only
those. A non-empty DIR without that list (e.g. a git checkout) is refused with exit 2 unless
--force. A .git directory is never touched. The summary line goes to stderr.`,
    userErrors: [ConfigError, ComposeError, InputError, PackConfigError, PolicyGateError],
});

export async function render(args: Args<typeof CLI>, io: CliIo): Promise<number> {
    const dir = path.resolve(args.out ?? path.join(REPO_ROOT, "rendered", args.stack));
    assertWritable(dir, { force: args.force }); // refuse before the (slow) render
    const onInfo = (m: string) => io.stderr(`render: ${m}\n`); // e.g. what a missing CRD skipped
    const result = args.config
        ? await renderProgram(readStackConfig(path.resolve(args.config)), args.stack, { onInfo })
        : await renderStack(args.stack, { onInfo });
    const files = writeRender(result, dir, { force: args.force });
    const rel = path.relative(process.cwd(), dir) || ".";
    io.stderr(
        `render: ${result.objects.length} Kubernetes objects and ${result.cloudResources.length} cloud resources of stack ${args.stack} -> ${rel} (${files.length} files)\n`,
    );
    const placeholders = await placeholdersRead(result);
    if (placeholders.length) io.stderr(`render: secure values the program read, replaced by placeholders: ${placeholders.join(", ")}\n`);
    return 0;
}

/** Runs the CLI; resolves to the exit code. */
export function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
    return runCli(CLI, argv, render, io);
}

if (require.main === module) void runMain(CLI, render);
