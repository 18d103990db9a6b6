/**
 * Child: one scaling point of the hostile-input benchmark (issue 22 item 4), timed in-process
 * after the input is written. `scale-child.ts <scenario> <n> <scratch dir>`
 *   policy-files    n manifest files that all define ConfigMap bench/dup (policy:check's load: one duplicate-object error)
 *   policy-distinct n manifest files, each its own ConfigMap
 *   policy-value    one ConfigMap whose value is n bytes of a URL with an unterminated password, checked by sec-no-secret-in-configmap
 *   compose-vars    one compose service with n environment variables, through compose:convert
 *   policy-check    the synthetic manifest set of n objects (bench/lib/synthetic.ts), load + every rule with policy/config/prod.json
 */
import * as fs from "fs";
import * as path from "path";
import { performance } from "perf_hooks";
import { evaluate } from "../../policy/lib/harness";
import { loadResources } from "../../policy/lib/load";
import { allRules } from "../../policy/rules/all";
import { main as composeConvert } from "../../tools/compose-convert";
import { readPackConfig } from "../../tools/policy-check";
import { writeSyntheticManifests } from "./synthetic";

async function run(scenario: string, n: number, dir: string): Promise<{ outcome: string; ms: number }> {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    const cm = (name: string, data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: bench\ndata:\n  ${data}\n`;
    switch (scenario) {
        case "policy-files":
        case "policy-distinct": {
            for (let i = 0; i < n; i++) fs.writeFileSync(path.join(dir, `cm-${i}.yaml`), cm(scenario === "policy-files" ? "dup" : `cm-${i}`, `k: v${i}`));
            const t = performance.now();
            let outcome: string;
            try {
                outcome = `${loadResources([dir]).length} resources`;
            } catch (e) {
                outcome = `error: ${(e as Error).message.split("\n")[0].slice(0, 60)}`;
            }
            return { outcome, ms: performance.now() - t };
        }
        case "policy-value": {
            fs.writeFileSync(path.join(dir, "cm.yaml"), cm("big", `url: "http://u:${"p".repeat(n)}"`));
            const rule = allRules.filter((r) => r.policy.name === "sec-no-secret-in-configmap");
            const t = performance.now();
            const rs = loadResources([dir]);
            const vs = await evaluate(rule, rs);
            return { outcome: `${vs.length} violations`, ms: performance.now() - t };
        }
        case "compose-vars": {
            const env = Array.from({ length: n }, (_, i) => `      VAR_${i}: "v${i}"`).join("\n");
            const file = path.join(dir, "compose.yml");
            fs.writeFileSync(file, `services:\n  app:\n    image: ghcr.io/acme/app:1.0.0\n    environment:\n${env}\n`);
            let out = 0,
                err = "";
            const t = performance.now();
            const code = await composeConvert([file, "--namespace", "bench"], { stdout: (s) => (out += s.length), stderr: (s) => (err += s) });
            const ms = performance.now() - t;
            return { outcome: code === 0 ? `exit 0, ${(out / 1024).toFixed(0)} KiB of manifests` : `exit ${code}: ${err.split("\n")[0].slice(0, 60)}`, ms };
        }
        case "policy-check": {
            writeSyntheticManifests(dir, n);
            const config = readPackConfig(path.join(__dirname, "..", "..", "policy", "config", "prod.json"));
            const t = performance.now();
            const vs = await evaluate(allRules, loadResources([dir]), { config });
            return { outcome: `${vs.length} violations`, ms: performance.now() - t };
        }
        default:
            throw new Error(`unknown scenario ${scenario}`);
    }
}

run(process.argv[2], Number(process.argv[3]), process.argv[4])
    .then((r) => process.stdout.write(JSON.stringify({ ...r, peakRssKiB: process.resourceUsage().maxRSS }) + "\n"))
    .catch((e) => {
        process.stderr.write(`${(e as Error).stack ?? e}\n`);
        process.exitCode = 1;
    });
