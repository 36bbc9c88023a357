package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.CacheContract;

/** The TCK's Cache contract against one memcached server. */
class MemcachedCacheTest extends CacheContract {
    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.single();
    }
}
