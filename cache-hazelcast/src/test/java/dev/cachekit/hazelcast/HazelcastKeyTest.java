package dev.cachekit.hazelcast;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.KeyContract;
import org.junit.jupiter.api.AfterAll;

/** The TCK's key contract, with its two nodes on two embedded members of one cluster. */
class HazelcastKeyTest extends KeyContract {

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
