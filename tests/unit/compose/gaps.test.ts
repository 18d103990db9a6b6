/**
 * Compose input that used to vanish or change meaning silently: `include`/`extends` (their services
 * and keys would be lost), `deploy.replicas: ${UNSET}` (read as 0), a `kubernetes` service in
 * `default` (the API server's Service), and volumes over `/` or a system directory.
 */
import { strict as assert } from "assert";
import { convertCompose } from "../../../components/compose/compile";
import { ComposeError } from "../../../components/compose/errors";

function composeError(text: string, namespace = "apps", services = {}): ComposeError {
    try {
        convertCompose(text, { file: "c.yml", namespace, services });
    } catch (e) {
        assert.ok(e instanceof ComposeError, `expected ComposeError, got ${(e as Error)?.stack ?? e}`);
        return e as ComposeError;
    }
    return assert.fail("accepted");
}

const web = (extra = "") => `services:\n  web:\n    image: nginx:1.27.2\n${extra}`;

describe("compose: nothing is silently dropped or reinterpreted", () => {
    const cases: Array<[string, string, string | undefined, string, RegExp, string?]> = [
        ["include", `include:\n  - other.yml\n${web()}`, undefined, "include", /not supported: the included files' services would be lost/],
        ["extends", web("    extends:\n      service: base\n"), "web", "extends", /not supported: the keys it would inherit would be lost/],
        ["deploy.replicas: ${UNSET}", web("    deploy:\n      replicas: ${UNSET}\n"), "web", "deploy.replicas", /empty after interpolation/],
        ['deploy.replicas: "two"', web('    deploy:\n      replicas: "two"\n'), "web", "deploy.replicas", /must be a non-negative integer/],
        ["a volume on /", web("    volumes:\n      - data:/\nvolumes:\n  data: {}\n"), "web", "volumes[0]", /"\/" would hide the image's whole filesystem/],
        [
            "a volume on /etc/",
            web("    volumes:\n      - data:/etc/\nvolumes:\n  data: {}\n"),
            "web",
            "volumes[0]",
            /"\/etc" would hide the image's system directory/,
        ],
        ["a tmpfs on /usr/../usr", web("    tmpfs: /usr/../usr\n"), "web", "tmpfs", /"\/usr" would hide/],
        ["an image with a space", 'services:\n  web:\n    image: "nginx :1.27"\n', "web", "image", /must not contain whitespace/],
        ["an image with uppercase", "services:\n  web:\n    image: Org/Nginx:1.27\n", "web", "image", /lowercase path components/],
        [
            "a service named kubernetes in default",
            "services:\n  kubernetes:\n    image: nginx:1.27.2\n",
            "kubernetes",
            "",
            /API server's own Service name in namespace "default"/,
            "default",
        ],
    ];
    for (const [what, text, service, field, rule, ns] of cases) {
        it(`GIVEN ${what} WHEN converted THEN ComposeError names ${[service, field].filter(Boolean).join(" / ")}`, () => {
            const e = composeError(text, ns);
            assert.equal(e.service, service);
            assert.equal(e.field ?? "", field);
            assert.match(e.rule, rule);
        });
    }

    it("GIVEN writablePaths: [/] in the options WHEN converted THEN the option is refused", () => {
        const e = composeError(web(), "apps", { web: { writablePaths: [{ path: "/" }] } });
        assert.equal(e.field, "writablePaths[0]");
    });

    it("GIVEN a service named kubernetes in another namespace, and a mount below /etc WHEN converted THEN both are fine", () => {
        assert.doesNotThrow(() => convertCompose("services:\n  kubernetes:\n    image: nginx:1.27.2\n", { file: "c.yml", namespace: "apps" }));
        assert.doesNotThrow(() =>
            convertCompose(web("    volumes:\n      - data:/etc/nginx/conf.d\nvolumes:\n  data: {}\n"), { file: "c.yml", namespace: "apps" }),
        );
    });
});
