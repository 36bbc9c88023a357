package dev.cachekit.hazelcast;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.TaggerContract;
import org.junit.jupiter.api.AfterAll;

/** The TCK's tagger contract, with its two nodes on two embedded members of one cluster. */
class HazelcastTaggerTest extends TaggerContract {

    private static final HazelcastFixture FIXTURE = HazelcastFixture.members();

    @AfterAll
    static void stopCluster() {
        FIXTURE.close();
    }

    @Override
    protected BackendFixture fixture() {
        return FIXTURE;
    }
}
