package dev.cachekit.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.Lookup;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.LockLease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One of two members dies without a goodbye: the backup copy on the survivor takes over. */
@DisplayName("When one of two Hazelcast members is terminated")
class HazelcastFaultTest {

    private static final int ENTRIES = 500;
    private static final Duration LEASE = Duration.ofSeconds(4);
    private static final Duration GIVE_UP = Duration.ofSeconds(60);

    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start(2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static final String FENCE = "cachekit:fence:nightly";

    @Test
    @DisplayName(
            "every entry is still readable on the survivor, and a lock held through the dead member frees itself when its lease ends")
    void survivorKeepsEntriesAndDeadHoldersLockExpires() throws InterruptedException {
        Backend survivorBackend = HazelcastBackends.of(cluster.member(0));
        Backend doomedBackend = HazelcastBackends.of(cluster.member(1));
        try (Cache survivor = Caches.builder().backend(survivorBackend).build()) {
            for (int i = 0; i < ENTRIES; i++) {
                survivor.put("item:" + i, "value " + i);
            }
            LockLease held = doomedBackend
                    .locker()
                    .tryAcquireFenced("cachekit:lock:nightly", FENCE, LEASE)
                    .orElseThrow();

            cluster.member(1).getLifecycleService().terminate();
            assertThat(cluster.awaitMembers(0, 1)).hasSize(1);

            List<String> lost = new ArrayList<>();
            for (int i = 0; i < ENTRIES; i++) {
                Lookup<String> found = survivor.get("item:" + i, String.class);
                if (!found.isHit() || !found.value().equals("value " + i)) {
                    lost.add("item:" + i);
                }
            }
            assertThat(lost).as("entries lost with the terminated member").isEmpty();

            assertThat(survivorBackend.locker().tryAcquire("cachekit:lock:nightly", LEASE))
                    .as("the lock is still held while its lease lasts")
                    .isEmpty();
            Optional<LockLease> next = acquireWithin(survivorBackend, GIVE_UP);
            assertThat(next)
                    .as("the lock, after the lease of its dead holder ended")
                    .isPresent();
            assertThat(next.orElseThrow().fencingToken()).isGreaterThan(held.fencingToken());
        } finally {
            doomedBackend.close();
        }
    }

    private static Optional<LockLease> acquireWithin(Backend backend, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<LockLease> lease = backend.locker().tryAcquireFenced("cachekit:lock:nightly", FENCE, LEASE);
            if (lease.isPresent()) {
                return lease;
            }
            backend.locker().awaitRelease("cachekit:lock:nightly", Duration.ofSeconds(1));
        }
        return Optional.empty();
    }
}
