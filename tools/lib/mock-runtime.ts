/**
 * The Pulumi mock runtime shared by `npm run render`, the unit tests and the benchmarks.
 *
 * It runs a Pulumi program (or any function that creates resources) without an engine,
 * records every registered resource with its inputs, and fails loudly on any provider
 * call (invoke) that has no explicit mock: `Mock not implemented: <token>`.
 */
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockState } from "./mock-providers";
import "./mock-aws";
import { skipUnreadPromiseStacks } from "../../stacks/promise-stacks";

/** The marker Pulumi wraps secret values in when they cross the RPC boundary. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG_VALUE = "1b47061264138c4ac30d75fd1eb44270";

export interface RecordedResource {
    /** Pulumi type token, e.g. `kubernetes:apps/v1:Deployment`. */
    type: string;
    /** Pulumi resource name (not the Kubernetes object name). */
    name: string;
    /** Inputs with secret wrappers removed. */
    inputs: Record<string, any>;
    /** JSON-pointer-like paths (`spec.data.KEY`) whose values were secret. */
    secretPaths: string[];
    /** URN of the provider resource used, if any. */
    provider?: string;
    /** Whether this is a custom (provider) resource rather than a component. */
    custom: boolean;
}

export interface MockRunOptions {
    project?: string;
    stack?: string;
    /** Config values keyed `project:key`; objects must already be JSON strings. */
    config?: Record<string, string>;
    /** Config keys (`project:key`) to mark secret. */
    secretKeys?: string[];
    /**
     * Receives the program's `pulumi.log.info` lines (without an engine the SDK would print them
     * to stdout). Default: dropped, unless the environment sets MOCK_LOG=1, which writes them to
     * stderr. Warnings and errors are never swallowed.
     */
    onInfo?: (message: string) => void;
}

/** Where info lines go when the caller does not say: nowhere, unless MOCK_LOG=1 asks for them. */
export function defaultInfoSink(message: string): void {
    if (process.env.MOCK_LOG === "1") process.stderr.write(`info: [mock runtime] ${message}\n`);
}

export interface MockRun<T> {
    resources: RecordedResource[];
    result: T;
}

function isSecretWrapper(v: unknown): v is { value: unknown } {
    return typeof v === "object" && v !== null && (v as any)[SECRET_SIG_KEY] === SECRET_SIG_VALUE;
}

/** Removes Pulumi's secret wrappers, collecting the paths where they were. */
export function unwrapSecrets(value: unknown, path: string[] = [], found: string[] = []): unknown {
    if (isSecretWrapper(value)) {
        found.push(path.join("."));
        return unwrapSecrets(value.value, path, []);
    }
    if (Array.isArray(value)) return value.map((v, i) => unwrapSecrets(v, [...path, String(i)], found));
    if (typeof value === "object" && value !== null) {
        const out: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) out[k] = unwrapSecrets(v, [...path, k], found);
        return out;
    }
    return value;
}

let running = false;

/**
 * Runs `program` under the mock runtime and returns every resource it registered.
 * Runs are serialised: the Pulumi runtime is process-global.
 */
export async function runUnderMocks<T>(program: () => T | Promise<T>, options: MockRunOptions = {}): Promise<MockRun<T>> {
    if (running) throw new Error("runUnderMocks: another mock run is in progress (the Pulumi runtime is global)");
    running = true;
    const resources: RecordedResource[] = [];
    const project = options.project ?? "agent-platform";
    const stack = options.stack ?? "test";
    const log = pulumi.log as { info: typeof pulumi.log.info };
    const sdkInfo = log.info;
    const onInfo = options.onInfo ?? defaultInfoSink;
    log.info = (message: string) => {
        onInfo(message);
        return Promise.resolve();
    };
    // A registration whose inputs reject (e.g. the policy gate refusing a resource) is never sent;
    // the engine's language host reports it as the program's error, and so does this run.
    const rejections: unknown[] = [];
    let failed: (reason: unknown) => void = () => undefined;
    // The engine stops the program at its first unhandled error; so does this run (registrations
    // waiting on a refused resource's outputs would otherwise wait forever).
    const firstRejection = new Promise<never>((_, reject) => {
        failed = reject;
    });
    firstRejection.catch(() => undefined);
    const onRejection = (reason: unknown) => {
        if (!rejections.includes(reason)) rejections.push(reason);
        failed(reason);
    };
    process.on("unhandledRejection", onRejection);
    // as the program does (stacks/index.ts), for components run without it too
    skipUnreadPromiseStacks();
    try {
        pulumi.runtime.setAllConfig(options.config ?? {}, options.secretKeys ?? []);
        await pulumi.runtime.setMocks(
            {
                newResource(args) {
                    const secretPaths: string[] = [];
                    const inputs = unwrapSecrets(args.inputs, [], secretPaths) as Record<string, any>;
                    resources.push({ type: args.type, name: args.name, inputs, secretPaths, provider: args.provider, custom: args.custom !== false });
                    const state = { ...inputs, ...mockState(args.type, args.name, inputs) };
                    return { id: args.id || `${args.name}-id`, state };
                },
                call(args) {
                    return mockCall(args.token, unwrapSecrets(args.inputs) as Record<string, any>);
                },
            },
            project,
            stack,
            false,
        );
        let result: T;
        try {
            result = await Promise.race([Promise.resolve(program()), firstRejection]);
            await Promise.race([pulumi.runtime.disconnect(), firstRejection]);
            // Rejections surface a tick after the registrations that awaited them.
            await new Promise((r) => setImmediate(r));
            if (rejections.length) throw rejections[0];
        } catch (e) {
            // The refused registrations' outputs never settle; the run has failed, so they are not
            // leaks to report at process exit.
            if (rejections.length) (require("@pulumi/pulumi/runtime/debuggable") as { leakedPromises(): unknown }).leakedPromises();
            throw e;
        }
        return { resources, result };
    } finally {
        log.info = sdkInfo;
        process.off("unhandledRejection", onRejection);
        running = false;
    }
}
