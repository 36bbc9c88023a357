package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.Tck;

/** The whole TCK against one memcached server. */
class MemcachedSingleTckTest extends Tck {

    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.single();
    }
}
