/** Config-validation helpers: the loader runs before any resource exists, so tests call it directly. */
import { strict as assert } from "assert";
import { ConfigError } from "../../components/config";
import { loadPlatformConfig } from "../../stacks/config";
import { StackConfig } from "../../tools/lib/render";

/** The ConfigError the raw values produce; fails the test when they are accepted. */
export function configErrorOfRaw(raw: Record<string, string>, isSecret: (key: string) => boolean): ConfigError {
    try {
        loadPlatformConfig(raw, isSecret);
    } catch (e) {
        assert.ok(e instanceof ConfigError, `expected ConfigError, got ${e}`);
        return e as ConfigError;
    }
    return assert.fail("config was accepted");
}

/** The ConfigError a stack config (as `readStackConfig` returns it) produces. */
export function configErrorOf(cfg: StackConfig): ConfigError {
    return configErrorOfRaw(cfg.values, (k) => cfg.secretKeys.includes(k));
}
