/**
 * An earlier revision of this repository, extracted beside the checkout: for "before" figures
 * (bench) and upgrade scenarios (e2e). The tree is `git archive` of the commit, run with this
 * checkout's node_modules (and policy's), so a revision whose lockfile differs is not supported.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

/**
 * Extracts commit `rev` of the repository at `repo` into `dir` (created; must not exist) and links
 * the checkout's dependency trees into it. A shallow clone fetches the one commit from its origin.
 * Throws one line naming the failed git step.
 */
export function extractRevision(repo: string, rev: string, dir: string): void {
    const git = (args: string[]) => {
        try {
            return execFileSync("git", ["-C", repo, ...args], { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30 });
        } catch (e) {
            const stderr = String((e as { stderr?: Buffer }).stderr ?? "").trim();
            const failure = new Error(`git ${args[0]} ${rev}: ${stderr.split("\n").pop() || (e as Error).message}`);
            (failure as { cause?: unknown }).cause = e; // set, not passed: tools also compile under pre-ES2022 libs
            throw failure;
        }
    };
    try {
        git(["cat-file", "-e", `${rev}^{commit}`]);
    } catch {
        git(["fetch", "--depth", "1", "origin", rev]);
    }
    fs.mkdirSync(dir, { recursive: false });
    const tar = `${dir}.tar`;
    fs.writeFileSync(tar, git(["archive", "--format=tar", rev]));
    try {
        execFileSync("tar", ["-xf", tar, "-C", dir], { stdio: ["ignore", "ignore", "pipe"] });
    } finally {
        fs.rmSync(tar, { force: true });
    }
    for (const modules of ["node_modules", path.join("policy", "node_modules")]) {
        const from = path.join(repo, modules);
        if (fs.existsSync(from) && fs.existsSync(path.dirname(path.join(dir, modules)))) fs.symlinkSync(from, path.join(dir, modules));
    }
}
