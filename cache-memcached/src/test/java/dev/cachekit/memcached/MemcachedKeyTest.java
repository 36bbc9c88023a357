package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.KeyContract;

/** The TCK's key contract against one memcached server. */
class MemcachedKeyTest extends KeyContract {

    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.single();
    }
}
