package dev.cachekit.hazelcast;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.Tck;
import org.junit.jupiter.api.AfterAll;

/** The whole TCK against two clients of a two-member cluster, one node on each. */
class HazelcastClientsTckTest extends Tck {

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
