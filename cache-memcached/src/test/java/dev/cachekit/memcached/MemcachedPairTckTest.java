package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.Tck;

/** The whole TCK against two memcached servers, keys spread by Ketama. */
class MemcachedPairTckTest extends Tck {

    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.pair();
    }
}
