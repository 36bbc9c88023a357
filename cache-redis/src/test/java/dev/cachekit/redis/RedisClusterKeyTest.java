package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.KeyContract;

/** The TCK's key contract against a real three-master Redis Cluster. */
class RedisClusterKeyTest extends KeyContract {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.cluster();
    }
}
