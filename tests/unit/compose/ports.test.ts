import { strict as assert } from "assert";
import fc from "fast-check";
import { namePorts, parseLongPort, parseShortPort } from "../../../components/compose/ports";
import { isValidPortName, uniquePortNames, MAX_PORT_NAME_LENGTH } from "../../../components/kube/names";

describe("compose ports", () => {
    describe("short syntax", () => {
        const table: Array<[string, Array<{ containerPort: number; protocol: string; published?: number }>]> = [
            ["8080", [{ containerPort: 8080, protocol: "TCP" }]],
            ["3002:3000", [{ containerPort: 3000, protocol: "TCP", published: 3002 }]],
            ["127.0.0.1:9102:9102", [{ containerPort: 9102, protocol: "TCP", published: 9102 }]],
            ["[::1]:53:53/udp", [{ containerPort: 53, protocol: "UDP", published: 53 }]],
            ["5060/sctp", [{ containerPort: 5060, protocol: "SCTP" }]],
            [
                "9000-9001:8000-8001",
                [
                    { containerPort: 8000, protocol: "TCP", published: 9000 },
                    { containerPort: 8001, protocol: "TCP", published: 9001 },
                ],
            ],
            ["7000-7002", [7000, 7001, 7002].map((p) => ({ containerPort: p, protocol: "TCP" }))],
            ["8000-8010:80", [{ containerPort: 80, protocol: "TCP", published: 8000 }]],
        ];
        for (const [spec, expected] of table) {
            it(`parses "${spec}"`, () => assert.deepEqual(parseShortPort(spec), expected));
        }
        const bad: Array<[string, RegExp]> = [
            ["abc:80", /host port "abc" must be a port or a range/],
            ["70000", /out of range/],
            ["0", /out of range/],
            ["80/icmp", /protocol "icmp"/],
            ["1:2:3:4", /must look like/],
            ["9000-9002:8000-8001", /host range has 3 ports but container range has 2/],
            ["1-500", /at most 100/],
            ["90-80", /ends before it starts/],
        ];
        for (const [spec, re] of bad) it(`rejects "${spec}"`, () => assert.throws(() => parseShortPort(spec), re));
    });

    it("long syntax keeps name, target, published and protocol", () => {
        assert.deepEqual(parseLongPort({ target: 8080, published: "80", protocol: "udp", name: "web" }), [
            { containerPort: 8080, protocol: "UDP", published: 80, name: "web" },
        ]);
        assert.throws(() => parseLongPort({ published: 80 }), /needs "target"/);
        assert.throws(() => parseLongPort({ target: 80, bogus: 1 }), /unknown key "bogus"/);
    });

    it("GIVEN seed 004's ['3002:3000', '8080:8080'] THEN the ports are named http and http-2", () => {
        const { ports } = namePorts([...parseShortPort("3002:3000"), ...parseShortPort("8080:8080")]);
        assert.deepEqual(
            ports.map((p) => [p.name, p.containerPort]),
            [
                ["http", 3000],
                ["http-2", 8080],
            ],
        );
    });

    it("WHEN one container port is published twice THEN it appears once (Kubernetes rejects duplicates)", () => {
        const { ports, duplicates } = namePorts([...parseShortPort("80:80"), ...parseShortPort("8080:80"), ...parseShortPort("80/udp")]);
        assert.deepEqual(
            ports.map((p) => `${p.containerPort}/${p.protocol}`),
            ["80/TCP", "80/UDP"],
        );
        assert.equal(duplicates.length, 1);
    });

    describe("properties (fast-check)", () => {
        const wantedName = fc.oneof(
            fc.constantFrom("http", "http", "grpc", "metrics", "web", "HTTP", "--", "", "1234", "a-very-long-port-name-indeed", "http-2", "http-2-2", "p"),
            fc.string({ maxLength: 30 }),
            fc.stringMatching(/^[a-z0-9-]{0,20}$/),
        );
        it("every generated port name is a legal IANA_SVC_NAME (DNS-1123, <= 15 chars, has a letter) and names are unique", () => {
            fc.assert(
                fc.property(fc.array(wantedName, { maxLength: 40 }), (wanted) => {
                    const names = uniquePortNames(wanted);
                    assert.equal(names.length, wanted.length);
                    for (const n of names) {
                        assert.ok(isValidPortName(n), `invalid port name "${n}"`);
                        assert.ok(n.length <= MAX_PORT_NAME_LENGTH);
                    }
                    assert.equal(new Set(names).size, names.length, `duplicate in ${JSON.stringify(names)}`);
                }),
                { numRuns: 200 },
            );
        });
        it("a wanted name that is already legal and free is kept", () => {
            fc.assert(
                fc.property(fc.uniqueArray(fc.stringMatching(/^[a-z]([a-z0-9]{0,6}[a-z0-9])?$/), { maxLength: 10 }), (wanted) => {
                    assert.deepEqual(uniquePortNames(wanted), wanted);
                }),
                { numRuns: 200 },
            );
        });
        it("compiled container ports from any port list have unique, valid names and unique (port, protocol)", () => {
            const port = fc.record({
                containerPort: fc.integer({ min: 1, max: 65535 }),
                protocol: fc.constantFrom("TCP" as const, "UDP" as const),
                name: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
            });
            fc.assert(
                fc.property(fc.array(port, { maxLength: 30 }), (list) => {
                    const { ports } = namePorts(list);
                    assert.equal(new Set(ports.map((p) => p.name)).size, ports.length);
                    assert.equal(new Set(ports.map((p) => `${p.containerPort}/${p.protocol}`)).size, ports.length);
                    ports.forEach((p) => assert.ok(isValidPortName(p.name), p.name));
                }),
                { numRuns: 200 },
            );
        });
    });
});
