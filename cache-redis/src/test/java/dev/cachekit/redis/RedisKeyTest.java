package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.KeyContract;

/** The TCK's key contract against a standalone Redis. */
class RedisKeyTest extends KeyContract {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.standalone();
    }
}
