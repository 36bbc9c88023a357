package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.StoreContract;

/** The TCK's store contract against a real standalone Redis server. */
class RedisStoreTest extends StoreContract {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.standalone();
    }
}
