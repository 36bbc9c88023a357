package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.Tck;

/** The whole TCK against a real three-master Redis Cluster. */
class RedisClusterTckTest extends Tck {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.cluster();
    }
}
