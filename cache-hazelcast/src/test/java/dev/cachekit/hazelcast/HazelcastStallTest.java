package dev.cachekit.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.EntryProcessor;
import dev.cachekit.Cache;
import dev.cachekit.HeldLock;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.KeyLayout;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hazelcast members run in the test JVM, so they cannot be stopped with {@code SIGSTOP}: a lock
 * key's partition is stalled instead, by an entry processor that holds the partition's thread
 * until the test lets it go. Unlike a stalled Redis or memcached, a stalled Hazelcast partition
 * gives no unknown outcome: the member keeps the calls queued and tells the client they are still
 * running, so the client waits past its 10 s invocation timeout and gets the real answer once the
 * partition runs again. What can go wrong is the holder's renewals not getting through in time,
 * and that the holder's own clock handles.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HazelcastStallTest {

    private static final TestCluster CLUSTER = TestCluster.start(2);
    private static final KeyLayout LAYOUT = KeyLayout.of("stall:");
    private static final Duration LONG_LEASE = Duration.ofMinutes(10);

    /** Holds a partition thread; static, since the members run in this JVM. */
    private static volatile CountDownLatch stall = new CountDownLatch(0);

    @AfterAll
    static void stopCluster() {
        CLUSTER.close();
    }

    @AfterEach
    void resume() {
        stall.countDown();
        CLUSTER.map().clear();
    }

    private static Cache cache() {
        return Caches.builder()
                .backend(HazelcastBackends.of(CLUSTER.connectClient()))
                .keyPrefix("stall:")
                .build();
    }

    /** Stalls the partition of {@code key} until {@link #resume()}; returns once its thread is held. */
    private static void stallPartitionOf(String key) throws InterruptedException {
        stall = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        Holding.started = held;
        CLUSTER.map().submitToKey(key, new Holding());
        assertThat(held.await(1, TimeUnit.MINUTES))
                .as("the partition thread is held")
                .isTrue();
    }

    @Test
    @DisplayName("an acquisition on a partition stalled longer than the client's 10 s invocation timeout does"
            + " not time out: it waits, and returns a definite answer once the partition runs, so no lock is"
            + " left that its owner does not know of")
    void aStalledAcquisitionWaitsForADefiniteAnswer() throws Exception {
        try (Cache waiter = cache();
                Cache fresh = cache()) {
            stallPartitionOf(LAYOUT.lock("job"));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Optional<HeldLock>> attempt = pool.submit(
                        () -> waiter.lock("job").withLease(LONG_LEASE).tryAcquire());
                Thread.sleep(15_000); // past the invocation timeout
                assertThat(attempt.isDone())
                        .as("the acquisition answered while stalled")
                        .isFalse();
                stall.countDown();
                Optional<HeldLock> held = attempt.get(1, TimeUnit.MINUTES);
                assertThat(held).as("the waiter's lock once the partition ran").isPresent();
                assertThat(fresh.lock("job").tryAcquire())
                        .as("another caller while the waiter holds it")
                        .isEmpty();
                held.get().release();
                assertThat(fresh.lock("job").withLease(LONG_LEASE).tryAcquire(Duration.ofSeconds(20)))
                        .as("another caller once the waiter released it")
                        .isPresent();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    @DisplayName("a lock whose watchdog cannot renew on a stalled partition is lost by the holder's clock: the"
            + " lost callback runs once and isHeld() reads false")
    void watchdogOnAStalledPartitionLosesTheLockByTheHoldersClock() throws Exception {
        try (Cache cache = cache()) {
            AtomicInteger lost = new AtomicInteger();
            HeldLock held = cache.lock("job")
                    .withLease(Duration.ofSeconds(3))
                    .withWatchdog(true)
                    .onLost(lost::incrementAndGet)
                    .tryAcquire()
                    .orElseThrow();
            stallPartitionOf(LAYOUT.lock("job"));
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
            while (lost.get() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(lost).as("lost callback runs").hasValue(1);
            assertThat(held.isHeld()).as("isHeld() once the lease elapsed").isFalse();
            Thread.sleep(3_000);
            assertThat(lost).as("lost callback runs, a lease later").hasValue(1);
        }
    }

    /** Holds the partition thread it runs on until the test's latch opens. */
    static final class Holding implements EntryProcessor<String, byte[], Object> {
        private static final long serialVersionUID = 1L;
        static volatile CountDownLatch started;

        @Override
        public Object process(Map.Entry<String, byte[]> entry) {
            started.countDown();
            try {
                stall.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public EntryProcessor<String, byte[], Object> getBackupProcessor() {
            return null;
        }
    }
}
