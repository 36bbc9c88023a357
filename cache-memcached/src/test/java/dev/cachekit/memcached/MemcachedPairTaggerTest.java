package dev.cachekit.memcached;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.TaggerContract;

/** The TCK's Tagger contract against two memcached servers, keys spread by Ketama. */
class MemcachedPairTaggerTest extends TaggerContract {
    @Override
    protected BackendFixture fixture() {
        return MemcachedFixture.pair();
    }
}
