/**
 * `npm run render -- --stack <name> [--out DIR]`: writes every Kubernetes object the stack
 * would create, one YAML file each, plus cloud-resources.json. No cloud, no cluster, no CLI.
 */
import * as path from "path";
import { ConfigError } from "../components/config/schema";
import { REPO_ROOT, readStackConfig, renderProgram, renderStack, writeRender } from "./lib/render";

function usage(msg: string): never {
    console.error(`${msg}\nusage: npm run render -- --stack <name> [--out DIR] [--config FILE]
  --config FILE  read the stack config from FILE instead of Pulumi.<name>.yaml`);
    process.exit(2);
}

function parseArgs(argv: string[]): { stack: string; out?: string; config?: string } {
    let stack: string | undefined;
    let out: string | undefined;
    let config: string | undefined;
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a === "--stack") stack = argv[++i];
        else if (a === "--out") out = argv[++i];
        else if (a === "--config") config = argv[++i];
        else usage(`unknown argument ${a}`);
    }
    if (!stack) usage("--stack is required");
    return { stack, out, config };
}

async function main(): Promise<void> {
    const { stack, out, config } = parseArgs(process.argv.slice(2));
    const dir = path.resolve(out ?? path.join(REPO_ROOT, "rendered", stack));
    const result = config ? await renderProgram(readStackConfig(path.resolve(config)), stack) : await renderStack(stack);
    const files = writeRender(result, dir);
    const rel = path.relative(process.cwd(), dir) || ".";
    console.log(`rendered ${result.objects.length} Kubernetes objects and ${result.cloudResources.length} cloud resources of stack ${stack} to ${rel} (${files.length} files)`);
    if (result.placeholders.length) console.log(`secure values replaced by placeholders: ${result.placeholders.join(", ")}`);
}

main().catch((err: unknown) => {
    // Config errors carry the full list of key paths; anything else is a program error.
    console.error(err instanceof ConfigError ? err.message : `render failed: ${(err as Error).stack ?? err}`);
    process.exit(1);
});
