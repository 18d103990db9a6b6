/**
 * Provider behaviour under mocks: computed outputs for resources whose outputs other
 * resources consume, and the invokes the program is allowed to make. Anything not listed
 * here throws, so a new provider call fails tests instead of passing on `undefined`.
 */

type State = Record<string, unknown>;
type Inputs = Record<string, any>;

/** Deterministic computed outputs per resource type (inputs are echoed back as well). */
const RESOURCE_STATE: Record<string, (name: string, inputs: Inputs) => State> = {
    // A stable stand-in for generated secrets: long enough for every length check.
    "random:index/randomPassword:RandomPassword": (name, inputs) => ({
        result: `mock-${name}-`.padEnd(inputs.length ?? 32, "x").slice(0, Math.max(inputs.length ?? 32, 16)),
    }),
    "random:index/randomBytes:RandomBytes": (name) => ({
        base64: Buffer.from(`mock-bytes-${name}`.padEnd(32, "x").slice(0, 32)).toString("base64"),
    }),
};

/** Invokes the program may call under mocks, keyed by token. */
const INVOKES: Record<string, (inputs: Inputs) => State> = {};

export function registerMockState(type: string, fn: (name: string, inputs: Inputs) => State): void {
    RESOURCE_STATE[type] = fn;
}

export function registerMockInvoke(token: string, fn: (inputs: Inputs) => State): void {
    INVOKES[token] = fn;
}

export function mockState(type: string, name: string, inputs: Inputs): State {
    const fn = RESOURCE_STATE[type];
    return fn ? fn(name, inputs) : {};
}

export function mockCall(token: string, inputs: Inputs): State {
    const fn = INVOKES[token];
    if (!fn) throw new Error(`Mock not implemented: ${token}`);
    return fn(inputs);
}
