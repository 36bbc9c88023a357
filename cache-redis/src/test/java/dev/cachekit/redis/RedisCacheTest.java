package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.CacheContract;

/** The TCK's cache contract against a real standalone Redis server. */
class RedisCacheTest extends CacheContract {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.standalone();
    }
}
