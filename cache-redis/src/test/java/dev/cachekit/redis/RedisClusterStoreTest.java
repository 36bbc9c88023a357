package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.StoreContract;

/** The TCK's store contract against a real three-master Redis Cluster. */
class RedisClusterStoreTest extends StoreContract {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.cluster();
    }
}
