/**
 * Pod security of a compose service: the platform's hardened defaults, the compose `user`
 * (numeric uid[:gid]; root is ignored unless the options opt out), and the options' visible
 * opt-outs (root, the image's own ids: `keepImageUser`, `keepImageGroup`, `noFsGroup`).
 */
import type { SecurityOptions } from "../kube/pod";
import { ComposeError } from "./errors";
import type { ComposeService } from "./model";
import { DEFAULT_RUN_AS_USER, ServiceContext, ServiceDeploymentSpec } from "./spec";

/** AgentService security options: hardened defaults, the compose `user`, and the spec's visible opt-outs (root, the image's own ids). */
export function podSecurity(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: ServiceContext): SecurityOptions {
    const s = spec.security ?? {};
    // Each id is a number, its flag (the image's own / none), or unset (the default).
    const ids = [
        ["runAsUser", "keepImageUser"],
        ["runAsGroup", "keepImageGroup"],
        ["fsGroup", "noFsGroup"],
    ] as const;
    for (const [k, flag] of ids) {
        if (s[k] !== undefined && s[flag]) throw new ComposeError(ctx.optAt(`security.${k}`), `is set but ${flag} is true; give one of them`);
    }
    const chosen = (k: "runAsUser" | "runAsGroup" | "fsGroup", flag: "keepImageUser" | "keepImageGroup" | "noFsGroup"): number | null | undefined =>
        s[flag] ? null : s[k];
    const runAsNonRoot = s.runAsNonRoot ?? true;
    let composeUid: number | undefined;
    let composeGid: number | undefined;
    if (svc.user !== undefined) {
        const m = /^(\d+)(?::(\d+))?$/.exec(svc.user);
        if (m) {
            composeUid = Number(m[1]);
            composeGid = m[2] === undefined ? undefined : Number(m[2]);
        } else if (chosen("runAsUser", "keepImageUser") === undefined) {
            ctx.warn(svc.name, "user", `"${svc.user}" is not numeric; Kubernetes needs a uid, using ${DEFAULT_RUN_AS_USER} (set security.runAsUser to choose)`);
        }
        if ((composeUid === 0 || svc.user.split(":")[0] === "root") && runAsNonRoot) {
            ctx.warn(
                svc.name,
                "user",
                `runs as root in compose; ignored under the hardened defaults (set security.runAsNonRoot: false and security.runAsUser: 0 to opt out)`,
            );
            composeUid = undefined;
            composeGid = undefined;
        }
    }
    const user = chosen("runAsUser", "keepImageUser");
    const runAsUser = user !== undefined ? user : (composeUid ?? DEFAULT_RUN_AS_USER);
    if (runAsNonRoot && runAsUser === 0)
        throw new ComposeError(ctx.optAt("security.runAsUser"), "0 (root) contradicts runAsNonRoot: true; set security.runAsNonRoot: false to run as root");
    for (const [k] of ids) {
        const v = s[k];
        if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new ComposeError(ctx.optAt(`security.${k}`), `must be a non-negative integer, got ${v}`);
    }
    const group = chosen("runAsGroup", "keepImageGroup");
    const runAsGroup = group !== undefined ? group : (composeGid ?? runAsUser);
    const fs = chosen("fsGroup", "noFsGroup");
    const fsGroup = fs !== undefined ? fs : runAsGroup;
    // Every id is explicit: a number, or null for the image's own (no field in the security contexts).
    return {
        ...(runAsNonRoot ? {} : { runAsNonRoot: false }),
        ...(typeof runAsUser === "number" ? { runAsUser } : { keepImageUser: true }),
        ...(typeof runAsGroup === "number" ? { runAsGroup } : { keepImageGroup: true }),
        ...(typeof fsGroup === "number" ? { fsGroup } : { noFsGroup: true }),
        readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? true,
    };
}
