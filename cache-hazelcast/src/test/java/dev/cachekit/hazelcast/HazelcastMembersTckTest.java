package dev.cachekit.hazelcast;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.Tck;
import org.junit.jupiter.api.AfterAll;

/** The whole TCK against two embedded members of one cluster, one node on each. */
class HazelcastMembersTckTest extends Tck {

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
