package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.LockerContract;

/** The TCK's locker contract against a real three-master Redis Cluster. */
class RedisClusterLockerTest extends LockerContract {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.cluster();
    }
}
