package dev.cachekit.hazelcast;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.KeyContract;
import org.junit.jupiter.api.AfterAll;

/** The TCK's key contract, with its two nodes on two clients of a two-member cluster. */
class HazelcastClientKeyTest extends KeyContract {

    private static final HazelcastFixture FIXTURE = HazelcastFixture.clients();

    @AfterAll
    static void stopCluster() {
        FIXTURE.close();
    }

    @Override
    protected BackendFixture fixture() {
        return FIXTURE;
    }
}
