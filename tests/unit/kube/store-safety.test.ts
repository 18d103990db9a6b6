import { strict as assert } from "assert";
import { REDIS_MAXMEMORY_SHARE, SAFE_TO_EVICT_ANNOTATION, redisMaxmemory, storePodAnnotations } from "../../../components/kube/store-safety";

describe("kube/store-safety: single-replica stores are not evicted, Redis refuses writes before the OOM killer", () => {
    it("pins only a single replica", () => {
        assert.deepEqual(storePodAnnotations(1), { [SAFE_TO_EVICT_ANNOTATION]: "false" });
        assert.deepEqual(storePodAnnotations(3), {});
    });

    it("maxmemory is the limit's share in Redis mb (MiB), with headroom below the limit", () => {
        assert.equal(REDIS_MAXMEMORY_SHARE, 0.75);
        assert.equal(redisMaxmemory("2Gi"), "1536mb");
        assert.equal(redisMaxmemory("512Mi"), "384mb");
        assert.equal(redisMaxmemory("1G"), `${Math.floor((1e9 / 2 ** 20) * 0.75)}mb`);
        assert.throws(() => redisMaxmemory("1Ki"), /redis memory limit 1Ki leaves no room for data/);
    });
});
