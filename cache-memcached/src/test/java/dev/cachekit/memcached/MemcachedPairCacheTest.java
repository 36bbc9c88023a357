package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.CacheContract;

/** The TCK's Cache contract against two memcached servers, keys spread by Ketama. */
class MemcachedPairCacheTest extends CacheContract {
    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.pair();
    }
}
