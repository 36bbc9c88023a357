package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.StoreContract;

/** The TCK's Store contract against two memcached servers, keys spread by Ketama. */
class MemcachedPairStoreTest extends StoreContract {
    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.pair();
    }
}
