package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.LockerContract;

/** The TCK's locker contract against a real standalone Redis server. */
class RedisLockerTest extends LockerContract {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.standalone();
    }
}
