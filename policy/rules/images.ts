/**
 * Images (seed checklists: "images are scanned for vulnerabilities", "security scan completed").
 * A policy cannot see scan results; the proxies are pinned tags, digests, an approved registry
 * list and ECR scan-on-push (eks.ts).
 */
import { allContainers } from "../lib/k8s";
import { podRule } from "../lib/pod";
import { PlatformRule } from "../lib/rule";

export interface ImageRef {
    registry: string;
    repository: string;
    tag?: string;
    digest?: string;
}

/** Splits `registry/repo:tag@sha256:...`; Docker Hub images get registry `docker.io`. */
export function parseImage(image: string): ImageRef {
    let rest = image.trim();
    let digest: string | undefined;
    const at = rest.indexOf("@");
    if (at >= 0) { digest = rest.slice(at + 1); rest = rest.slice(0, at); }
    const slash = rest.indexOf("/");
    const first = slash >= 0 ? rest.slice(0, slash) : "";
    const hasRegistry = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
    const registry = hasRegistry ? first : "docker.io";
    const path = hasRegistry ? rest.slice(slash + 1) : rest;
    const colon = path.lastIndexOf(":");
    const tag = colon >= 0 ? path.slice(colon + 1) : undefined;
    const repository = colon >= 0 ? path.slice(0, colon) : path;
    return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
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
        check: (pod, _o, cfg) => allContainers(pod.spec).flatMap((r) => {
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
        description: "Images are pinned by digest (@sha256:...), so what was scanned is what runs.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Reference the image as repo:tag@sha256:<digest> (the digest CI scanned).",
        defaults: { approvedDigests: [] as string[] },
        knobs: { approvedDigests: "when non-empty, only these sha256 digests (the scanned set) are accepted" },
        check: (pod, _o, cfg) => allContainers(pod.spec).flatMap((r) => {
            const image = String(r.container.image ?? "");
            const ref = parseImage(image);
            if (!ref.digest || !DIGEST.test(ref.digest)) return [`${r.label} image ${image} is not pinned by sha256 digest`];
            if (cfg.approvedDigests.length && !cfg.approvedDigests.includes(ref.digest)) return [`${r.label} image digest ${ref.digest} is not in the approved (scanned) list`];
            return [];
        }),
    }),
    podRule({
        name: "img-registry-allowlist",
        area: "images",
        description: "Images come from an allowed registry (e.g. the account's ECR); an empty list allows any registry.",
        severity: "medium",
        enforcementLevel: "advisory",
        remediationSteps: "Mirror the image into an allowed registry, or add the registry to allowedRegistries.",
        defaults: { allowedRegistries: [] as string[] },
        knobs: { allowedRegistries: "registry hosts (docker.io, ghcr.io, <acct>.dkr.ecr.<region>.amazonaws.com); prefix `*.` for a domain suffix" },
        check: (pod, _o, cfg) => {
            if (cfg.allowedRegistries.length === 0) return [];
            return allContainers(pod.spec).flatMap((r) => {
                const ref = parseImage(String(r.container.image ?? ""));
                const ok = cfg.allowedRegistries.some((a) => (a.startsWith("*.") ? ref.registry.endsWith(a.slice(1)) : ref.registry === a));
                return ok ? [] : [`${r.label} image ${r.container.image} comes from registry ${ref.registry}, not in ${cfg.allowedRegistries.join(", ")}`];
            });
        },
    }),
    podRule({
        name: "img-pull-policy",
        area: "images",
        description: "Images pinned only by tag are pulled with imagePullPolicy Always (a digest makes the policy moot).",
        severity: "low",
        enforcementLevel: "advisory",
        remediationSteps: "Pin by digest, or set imagePullPolicy: Always.",
        check: (pod) => allContainers(pod.spec).flatMap((r) => {
            const ref = parseImage(String(r.container.image ?? ""));
            if (ref.digest || r.container.imagePullPolicy === "Always") return [];
            return [`${r.label} image ${r.container.image} is tag-pinned with imagePullPolicy ${r.container.imagePullPolicy ?? "IfNotPresent (default)"}; a re-pushed tag would not be pulled`];
        }),
    }),
];
