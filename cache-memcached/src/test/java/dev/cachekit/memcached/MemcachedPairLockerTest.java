package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.LockerContract;

/** The TCK's Locker contract against two memcached servers, keys spread by Ketama. */
class MemcachedPairLockerTest extends LockerContract {
    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.pair();
    }
}
