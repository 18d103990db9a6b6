/**
 * Pod security of a compose service: the platform's hardened defaults, the compose `user`
 * (numeric uid[:gid]; root is ignored unless the options opt out), and the options' visible
 * opt-outs (root, the image's own ids as `null`).
 */
import type { SecurityOptions } from "../kube/pod";
import { ComposeError } from "./errors";
import type { ComposeService } from "./model";
import { DEFAULT_RUN_AS_USER, ServiceContext, ServiceDeploymentSpec } from "./spec";

/** AgentService security options: hardened defaults, the compose `user`, and the spec's visible opt-outs (root, the image's own ids). */
export function podSecurity(svc: ComposeService, spec: ServiceDeploymentSpec, ctx: ServiceContext): SecurityOptions {
    const s = spec.security ?? {};
    const runAsNonRoot = s.runAsNonRoot ?? true;
    let composeUid: number | undefined;
    let composeGid: number | undefined;
    if (svc.user !== undefined) {
        const m = /^(\d+)(?::(\d+))?$/.exec(svc.user);
        if (m) {
            composeUid = Number(m[1]);
            composeGid = m[2] === undefined ? undefined : Number(m[2]);
        } else if (!("runAsUser" in s)) {
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
    const runAsUser = "runAsUser" in s ? s.runAsUser : (composeUid ?? DEFAULT_RUN_AS_USER);
    if (runAsNonRoot && runAsUser === 0)
        throw new ComposeError(ctx.optAt("security.runAsUser"), "0 (root) contradicts runAsNonRoot: true; set security.runAsNonRoot: false to run as root");
    for (const k of ["runAsUser", "runAsGroup", "fsGroup"] as const) {
        const v = s[k];
        if (v !== undefined && v !== null && (!Number.isInteger(v) || v < 0))
            throw new ComposeError(ctx.optAt(`security.${k}`), `must be a non-negative integer or null, got ${v}`);
    }
    const runAsGroup = "runAsGroup" in s ? s.runAsGroup : (composeGid ?? runAsUser);
    const fsGroup = "fsGroup" in s ? s.fsGroup : runAsGroup;
    // Every id is explicit: a number, or null for the image's own (no field in the security contexts).
    return {
        ...(runAsNonRoot ? {} : { runAsNonRoot: false }),
        ...(typeof runAsUser === "number" ? { runAsUser } : { keepImageUser: true }),
        ...(typeof runAsGroup === "number" ? { runAsGroup } : { keepImageGroup: true }),
        ...(typeof fsGroup === "number" ? { fsGroup } : { noFsGroup: true }),
        readOnlyRootFilesystem: s.readOnlyRootFilesystem ?? true,
    };
}
