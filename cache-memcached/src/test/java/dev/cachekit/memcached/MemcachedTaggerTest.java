package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.TaggerContract;

/** The TCK's Tagger contract against one memcached server. */
class MemcachedTaggerTest extends TaggerContract {
    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.single();
    }
}
