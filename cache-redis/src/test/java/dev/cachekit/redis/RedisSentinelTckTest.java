package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.Tck;

/** The whole TCK against a master found through three sentinels ({@code redis-sentinel://}). */
class RedisSentinelTckTest extends Tck {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.sentinel();
    }
}
