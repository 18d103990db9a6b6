/**
 * Import for its effect, before anything loads `@pulumi/pulumi`: the SDK's index requires every
 * part of it, including three that a program evaluation never calls: the Automation API, and
 * the TypeScript compiler (9 MB of JavaScript) and npm's Arborist that function serialization
 * (`pulumi.runtime.serializeFunction`, dynamic providers) uses. Loading those was about 40% of
 * requiring the SDK (~240 of ~620 ms CPU). After this import each of the three is required on
 * first use instead: the SDK gets an object that loads the real module when a property of it
 * is first read, so every API still works, only later.
 *
 * The engine's language host loads the SDK before the program, so this helps the processes
 * this repository starts itself (render, the other tools, the unit tests' workers and CLIs).
 */
import * as path from "path";

type Load = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
const Module = require("module") as { _load: Load };

const SDK = `${path.sep}@pulumi${path.sep}pulumi${path.sep}`;

/**
 * (request, the SDK file that requires it, whether the SDK reads `__esModule` of it first). The
 * SDK's `__importStar` returns a module with `__esModule` as it is, so answering `true` without
 * loading keeps the three deferred; all three are only used through named members.
 */
const DEFERRED: readonly { request: string; from: string; esModule: boolean }[] = [
    { request: "./automation", from: `${SDK}index.js`, esModule: true },
    { request: "typescript", from: `${SDK}typescript-shim.js`, esModule: false },
    { request: "@npmcli/arborist", from: `${SDK}runtime${path.sep}closure${path.sep}codePaths.js`, esModule: true },
];

/** An object that stands for the module `load()` returns, loading it on first use. */
export function deferredModule(load: () => object, esModule: boolean): object {
    let real: object | undefined;
    const get = () => (real ??= load());
    return new Proxy(
        {},
        {
            get: (_, key) => (key === "__esModule" && esModule ? true : Reflect.get(get(), key)),
            has: (_, key) => Reflect.has(get(), key),
            ownKeys: () => Reflect.ownKeys(get()),
            getOwnPropertyDescriptor: (_, key) => {
                const d = Reflect.getOwnPropertyDescriptor(get(), key);
                return d && { ...d, configurable: true };
            },
            set: (_, key, value) => Reflect.set(get(), key, value),
            defineProperty: (_, key, d) => Reflect.defineProperty(get(), key, d),
            deleteProperty: (_, key) => Reflect.deleteProperty(get(), key),
        },
    );
}

const loaded = Object.keys(require.cache).some((id) => id.includes(SDK));
if (!loaded) {
    const load = Module._load;
    Module._load = function (request, parent, isMain) {
        const from = parent?.filename ?? "";
        const d = from.includes(SDK) ? DEFERRED.find((x) => x.request === request && from.endsWith(x.from)) : undefined;
        // typescript-shim falls back to the SDK's vendored copy when `typescript` is not installed
        if (!d || (request === "typescript" && !resolvable(request, from))) return load.call(this, request, parent, isMain);
        return deferredModule(() => load.call(this, request, parent, isMain) as object, d.esModule);
    };
}

function resolvable(request: string, from: string): boolean {
    try {
        require.resolve(request, { paths: [path.dirname(from)] });
        return true;
    } catch {
        return false;
    }
}
