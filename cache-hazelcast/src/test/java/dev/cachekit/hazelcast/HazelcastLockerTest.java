package dev.cachekit.hazelcast;

import dev.cachekit.tck.BackendFixture;
import dev.cachekit.tck.LockerContract;
import org.junit.jupiter.api.AfterAll;

/** The TCK's locker contract, with its two nodes on two embedded members of one cluster. */
class HazelcastLockerTest extends LockerContract {

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
