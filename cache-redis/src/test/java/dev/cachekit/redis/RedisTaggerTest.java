package dev.cachekit.redis;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.TaggerContract;

/** The TCK's tagger contract against a real standalone Redis server. */
class RedisTaggerTest extends TaggerContract {

    @Override
    protected BackendFixture fixture() {
        return RedisFixture.standalone();
    }
}
