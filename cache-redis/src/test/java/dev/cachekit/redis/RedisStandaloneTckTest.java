package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.Tck;

/** The whole TCK against a real standalone Redis server. */
class RedisStandaloneTckTest extends Tck {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.standalone();
    }
}
