package dev.cachekit.hazelcast;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.StoreContract;
import org.junit.jupiter.api.AfterAll;

/** The TCK's store contract, with its two nodes on two clients of a two-member cluster. */
class HazelcastClientStoreTest extends StoreContract {

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
