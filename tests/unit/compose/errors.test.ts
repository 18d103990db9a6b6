import { strict as assert } from "assert";
import { convertCompose, ConvertOptions } from "../../../components/compose/compile";
import { ComposeError } from "../../../components/compose/errors";

const FILE = "bad/docker-compose.yml";
const convert = (yaml: string, extra: Partial<ConvertOptions> = {}) => convertCompose(yaml, { file: FILE, namespace: "apps", ...extra });

/** Asserts a one-line ComposeError naming the file and, when given, the service and field. */
function assertComposeError(fn: () => unknown, expected: { service?: string; field?: string; rule: RegExp }) {
    let caught: unknown;
    try {
        fn();
    } catch (e) {
        caught = e;
    }
    assert.ok(caught instanceof ComposeError, `expected a ComposeError, got ${caught}`);
    const e = caught as ComposeError;
    assert.ok(!e.message.includes("\n"), `message must be one line: ${e.message}`);
    assert.ok(e.message.startsWith(e.file === "<options>" ? "<options>: " : `${FILE}: `), e.message);
    if (expected.service) {
        assert.equal(e.service, expected.service);
        assert.ok(e.message.includes(`service "${expected.service}"`), e.message);
    }
    if (expected.field) {
        assert.equal(e.field, expected.field);
        assert.ok(e.message.includes(expected.field), e.message);
    }
    assert.match(e.rule, expected.rule);
}

describe("compose: malformed input is rejected with a one-line error naming file, service and field", () => {
    const cases: Array<{ title: string; yaml: string; options?: Partial<ConvertOptions>; service?: string; field?: string; rule: RegExp }> = [
        { title: "YAML syntax error", yaml: "services:\n  web: [image: x\n", rule: /invalid YAML at line \d+, column \d+/ },
        { title: "duplicate keys", yaml: "services:\n  web:\n    image: a\n    image: b\n", rule: /invalid YAML.*unique/ },
        { title: "empty file", yaml: "", rule: /the file is empty/ },
        { title: "top level is a list", yaml: "- a\n- b\n", rule: /top level must be a mapping.*got a list/ },
        { title: "no services", yaml: "volumes: {}\n", field: "services", rule: /is required/ },
        { title: "services is a list", yaml: "services: [web]\n", field: "services", rule: /must be a mapping of service names/ },
        { title: "service name not DNS-1035", yaml: "services:\n  My_Web:\n    image: nginx:1.27\n", service: "My_Web", rule: /DNS-1035 label/ },
        { title: "service without image", yaml: "services:\n  web:\n    ports: ['80']\n", service: "web", field: "image", rule: /is required/ },
        { title: "build without image", yaml: "services:\n  web:\n    build: .\n", service: "web", field: "build", rule: /no `image`/ },
        {
            title: "port not a number",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    ports: ['abc:80']\n",
            service: "web",
            field: "ports[0]",
            rule: /host port "abc"/,
        },
        {
            title: "port out of range",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    ports: ['8080', 70000]\n",
            service: "web",
            field: "ports[1]",
            rule: /out of range 1-65535/,
        },
        {
            title: "environment is a number",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    environment: 42\n",
            service: "web",
            field: "environment",
            rule: /must be a mapping or a list/,
        },
        {
            title: "environment value is a mapping",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    environment:\n      A: {b: c}\n",
            service: "web",
            field: "environment.A",
            rule: /must be a string/,
        },
        {
            title: "missing required variable",
            yaml: "services:\n  db:\n    image: postgres:16.4\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it}\n",
            service: "db",
            field: "environment.POSTGRES_PASSWORD",
            rule: /required variable is missing or empty: POSTGRES_PASSWORD \(set it\)/,
        },
        { title: "unterminated interpolation", yaml: "services:\n  web:\n    image: nginx:${TAG\n", service: "web", field: "image", rule: /unterminated/ },
        {
            title: "bind mount",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    volumes: ['./html:/usr/share/nginx/html:ro']\n",
            service: "web",
            field: "volumes[0]",
            rule: /bind mount "\.\/html".*named volume.*bindMounts: "emptyDir"/,
        },
        {
            title: "undeclared named volume",
            yaml: "services:\n  db:\n    image: mongo:7.0.14\n    volumes: ['data:/data/db']\n",
            service: "db",
            field: "volumes[0]",
            rule: /undefined volume "data"/,
        },
        {
            title: "depends_on unknown service",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    depends_on: [db]\n",
            service: "web",
            field: "depends_on",
            rule: /undefined service "db"/,
        },
        {
            title: "negative replicas",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    deploy: { replicas: -1 }\n",
            service: "web",
            field: "deploy.replicas",
            rule: /non-negative integer/,
        },
        {
            title: "bad memory",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    deploy: { resources: { limits: { memory: lots } } }\n",
            service: "web",
            field: "deploy.resources.limits.memory",
            rule: /memory size/,
        },
        {
            title: "bad healthcheck duration",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    healthcheck: { test: ['CMD', 'true'], interval: soon }\n",
            service: "web",
            field: "healthcheck.interval",
            rule: /not a duration/,
        },
        {
            title: "bad healthcheck test",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    healthcheck: { test: ['RUN', 'true'] }\n",
            service: "web",
            field: "healthcheck.test",
            rule: /CMD/,
        },
        {
            title: "bad kompose.service.type",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    ports: ['80']\n    labels: { kompose.service.type: external }\n",
            service: "web",
            field: "labels.kompose.service.type",
            rule: /clusterip, nodeport, loadbalancer or headless/,
        },
        {
            title: "options name an unknown service",
            yaml: "services:\n  web:\n    image: nginx:1.27\n",
            options: { services: { api: {} } },
            field: "services.api",
            rule: /no active service "api"/,
        },
        {
            title: "options: invalid namespace",
            yaml: "services:\n  web:\n    image: nginx:1.27\n",
            options: { namespace: "Bad_NS" },
            field: "namespace",
            rule: /DNS-1123/,
        },
        {
            title: "options: request above limit",
            yaml: "services:\n  web:\n    image: nginx:1.27\n",
            options: { services: { web: { resources: { requests: { cpu: "2" }, limits: { cpu: "1" } } } } },
            service: "web",
            field: "resources.requests.cpu",
            rule: /request 2 exceeds limit 1/,
        },
        {
            title: "options: root with runAsNonRoot",
            yaml: "services:\n  web:\n    image: nginx:1.27\n",
            options: { services: { web: { security: { runAsUser: 0 } } } },
            service: "web",
            field: "security.runAsUser",
            rule: /contradicts runAsNonRoot/,
        },
        {
            title: "options: TLS ingress without host",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    ports: ['80']\n",
            options: { services: { web: { ingress: { tls: true } } } },
            service: "web",
            field: "ingress.tls",
            rule: /needs ingress.host/,
        },
        {
            title: "env_file unreadable",
            yaml: "services:\n  web:\n    image: nginx:1.27\n    env_file: missing.env\n",
            options: {
                readFile: () => {
                    throw new Error("ENOENT: no such file");
                },
            },
            service: "web",
            field: "env_file",
            rule: /env_file "missing.env" cannot be read: ENOENT/,
        },
    ];
    for (const c of cases) {
        it(`GIVEN ${c.title} WHEN converted THEN it fails naming ${[c.service, c.field].filter(Boolean).join(" / ") || "the file"}`, () => {
            assertComposeError(() => convert(c.yaml, c.options), c);
        });
    }

    it("unknown and unsupported keys are warnings naming the service and key, not errors", () => {
        const app = convert("version: '3.9'\nfoo: 1\nservices:\n  web:\n    image: nginx:1.27\n    privileged: true\n    frobnicate: yes\n    x-custom: ok\n");
        assert.ok(
            app.warnings.some((w) => w.includes(`service "web": privileged: ignored: not supported`)),
            app.warnings.join("\n"),
        );
        assert.ok(app.warnings.some((w) => w.includes(`service "web": frobnicate: unknown key ignored`)));
        assert.ok(app.warnings.some((w) => w.includes(`${FILE}: foo: unknown top-level key ignored`)));
        assert.ok(!app.warnings.some((w) => w.includes("x-custom")));
    });
});
