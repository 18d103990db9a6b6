/** The mock runtime keeps the program's info lines out of the test output unless asked (MOCK_LOG=1). */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { runUnderMocks } from "../../../tools/lib/mock-runtime";

async function captured(fn: () => Promise<unknown>): Promise<{ out: string; err: string }> {
    const r = { out: "", err: "" };
    const [o, e, log] = [process.stdout.write, process.stderr.write, console.log];
    (process.stdout as { write: unknown }).write = (s: string) => {
        r.out += s;
        return true;
    };
    (process.stderr as { write: unknown }).write = (s: string) => {
        r.err += s;
        return true;
    };
    console.log = (...a: unknown[]) => {
        r.out += a.join(" ") + "\n";
    };
    try {
        await fn();
    } finally {
        process.stdout.write = o;
        process.stderr.write = e;
        console.log = log;
    }
    return r;
}

describe("mock runtime info lines", () => {
    const program = () => {
        pulumi.log.info("skipped ServiceMonitor x/y");
        return 1;
    };
    const saved = process.env.MOCK_LOG;
    afterEach(() => {
        if (saved === undefined) delete process.env.MOCK_LOG;
        else process.env.MOCK_LOG = saved;
    });

    it("GIVEN a program that logs info WHEN run without MOCK_LOG THEN nothing reaches stdout or stderr", async () => {
        delete process.env.MOCK_LOG;
        const r = await captured(() => runUnderMocks(program));
        assert.deepEqual(r, { out: "", err: "" });
    });

    it("GIVEN MOCK_LOG=1 THEN the line goes to stderr; GIVEN onInfo THEN it receives the line", async () => {
        process.env.MOCK_LOG = "1";
        const r = await captured(() => runUnderMocks(program));
        assert.deepEqual(r, { out: "", err: "info: [mock runtime] skipped ServiceMonitor x/y\n" });
        const seen: string[] = [];
        await runUnderMocks(program, { onInfo: (m) => seen.push(m) });
        assert.deepEqual(seen, ["skipped ServiceMonitor x/y"]);
    });

    it("GIVEN a run has ended THEN pulumi.log.info is the SDK's own again", async () => {
        const before = pulumi.log.info;
        await runUnderMocks(program, { onInfo: () => undefined });
        assert.equal(pulumi.log.info, before);
    });
});
