package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.TaggerContract;

/** The TCK's tagger contract against a real three-master Redis Cluster. */
class RedisClusterTaggerTest extends TaggerContract {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.cluster();
    }
}
