package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.LockerContract;

/** The TCK's Locker contract against one memcached server. */
class MemcachedLockerTest extends LockerContract {
    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.single();
    }
}
