package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.StoreContract;

/** The TCK's Store contract against one memcached server. */
class MemcachedStoreTest extends StoreContract {
    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.single();
    }
}
