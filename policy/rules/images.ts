/**
 * Images (seed checklists: "images are scanned for vulnerabilities", "security scan completed").
 * A policy cannot see scan results; the proxies are pinned tags, digests, an approved registry
 * list and ECR scan-on-push (eks.ts).
 */
import { countedRule } from "../lib/counted";
import { allContainers, POD_KINDS, podTemplate } from "../lib/k8s";
import { podRule } from "../lib/pod";
import { PlatformRule } from "../lib/rule";

export interface ImageRef {
    registry: string;
    repository: string;
    tag?: string;
    digest?: string;
}

/** Splits `registry/repo:tag@sha256:...`; Docker Hub images get registry `docker.io`, official ones repository `library/<name>`. */
export function parseImage(image: string): ImageRef {
    let rest = image.trim();
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) {
        digest = rest.slice(at + 1);
        rest = rest.slice(0, at);
    }
    const slash = rest.indexOf("/");
    const first = slash >= 0 ? rest.slice(0, slash) : "";
    const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
    const registry = hasRegistry ? first : "docker.io";
    const path = hasRegistry ? rest.slice(slash + 1) : rest;
    const colon = path.lastIndexOf(":");
    const tag = colon >= 0 ? path.slice(colon + 1) : undefined;
    const bare = colon >= 0 ? path.slice(0, colon) : path;
    const repository = registry === "docker.io" && !bare.includes("/") ? `library/${bare}` : bare;
    return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/**
 * Whether an image comes from an approved source: `registry` (any repository on it),
 * `registry/path` (that repository or anything under it, e.g. `ghcr.io/agent-platform`,
 * `docker.io/library` for official images) or `*.suffix` (registries under a domain).
 */
export function sourceApproved(ref: ImageRef, source: string): boolean {
    if (source.startsWith("*.")) return ref.registry.endsWith(source.slice(1));
    const slash = source.indexOf("/");
    const registry = slash < 0 ? source : source.slice(0, slash);
    if (ref.registry !== registry) return false;
    if (slash < 0) return true;
    const prefix = source.slice(slash + 1).replace(/\/+$/, "");
    return ref.repository === prefix || ref.repository.startsWith(prefix + "/");
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

export const imageRules: PlatformRule[] = [
    podRule({
        name: "img-tag-pinned",
        area: "images",
        description: "Every image names a tag (or digest) other than a floating one such as `latest`.",
        severity: "high",
        enforcementLevel: "advisory",
        remediationSteps: "Pin the image to a release tag (e.g. redis:7.2.4) or a digest.",
        defaults: { forbiddenTags: ["latest", "main", "master", "stable", "edge"] },
        knobs: { forbiddenTags: "tags that float and are never accepted" },
        check: (pod, _o, cfg) =>
            allContainers(pod.spec).flatMap((r) => {
                const image = r.container.image;
                if (typeof image !== "string" || image === "") return [`${r.label} has no image`];
                const ref = parseImage(image);
                if (ref.digest) return [];
                if (!ref.tag) return [`${r.label} image ${image} has no tag (means latest)`];
                if (cfg.forbiddenTags.includes(ref.tag.toLowerCase())) return [`${r.label} image ${image} uses floating tag ${ref.tag}`];
                return [];
            }),
    }),
    podRule({
        name: "img-digest",
        area: "images",
        description:
            "Images are pinned by digest (@sha256:...), so what was scanned is what runs; `repositories` narrows the rule to images whose tags float by design (release families such as servicenow/mid-server:yokohama).",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps:
            "Reference the image as repo:tag@sha256:<digest> (the digest CI scanned); for the MID server set terminalMid.midServer.digest to the build you pushed.",
        defaults: { approvedDigests: [] as string[], repositories: [] as string[] },
        knobs: {
            approvedDigests: "when non-empty, only these sha256 digests (the scanned set) are accepted",
            repositories: "when non-empty, only images from these sources (registry/repository prefixes, as in img-registry-allowlist) must be digest-pinned",
        },
        check: (pod, _o, cfg) =>
            allContainers(pod.spec).flatMap((r) => {
                const image = String(r.container.image ?? "");
                const ref = parseImage(image);
                if (cfg.repositories.length && !cfg.repositories.some((s) => sourceApproved(ref, s))) return [];
                if (!ref.digest || !DIGEST.test(ref.digest)) return [`${r.label} image ${image} is not pinned by sha256 digest`];
                if (cfg.approvedDigests.length && !cfg.approvedDigests.includes(ref.digest))
                    return [`${r.label} image digest ${ref.digest} is not in the approved (scanned) list`];
                return [];
            }),
    }),
    podRule({
        name: "img-registry-allowlist",
        area: "images",
        description:
            "Images come only from approved sources: registries, or publishers on a registry (ghcr.io/agent-platform, docker.io/library). Off until a config lists them; an enabled rule with an empty list is a config error.",
        severity: "high",
        enforcementLevel: "disabled",
        remediationSteps:
            "Mirror the image into an approved registry (e.g. the account's ECR), or approve its publisher in allowedRegistries after it has been reviewed and scanned.",
        defaults: { allowedRegistries: [] as string[] },
        knobs: {
            allowedRegistries:
                "approved sources: a registry host (registry.k8s.io), a registry/path prefix (ghcr.io/agent-platform, docker.io/library for official images) or *.domain",
        },
        whenEnabled: (k) =>
            k.allowedRegistries.length === 0
                ? [{ key: "allowedRegistries", message: "is empty while the rule is enabled: list the approved registries, or disable the rule with a reason" }]
                : [],
        check: (pod, _o, cfg) =>
            allContainers(pod.spec).flatMap((r) => {
                const ref = parseImage(String(r.container.image ?? ""));
                return cfg.allowedRegistries.some((a) => sourceApproved(ref, a))
                    ? []
                    : [`${r.label} image ${r.container.image} is not from an approved source (${cfg.allowedRegistries.join(", ") || "none approved"})`];
            }),
    }),
    countedRule({
        name: "img-pull-policy",
        area: "images",
        description:
            "Images pinned only by tag are pulled with imagePullPolicy Always (a digest makes the policy moot). Reported once per stack, with a count.",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Pin images by digest (repo:tag@sha256:...), or set imagePullPolicy: Always so a node never runs a stale copy of a re-pushed tag.",
        kinds: POD_KINDS,
        finding: "workloads run tag-pinned images with imagePullPolicy IfNotPresent, so a re-pushed tag is not pulled by nodes that have the old one",
        check: (o) =>
            allContainers(podTemplate(o)?.spec)
                .filter((r) => {
                    const ref = parseImage(String(r.container.image ?? ""));
                    return !ref.digest && r.container.imagePullPolicy !== "Always";
                })
                .map((r) => r.label),
    }),
];
