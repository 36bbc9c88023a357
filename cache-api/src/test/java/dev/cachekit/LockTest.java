package dev.cachekit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.Locker;
import dev.cachekit.spi.StoreLocker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("Locks")
class LockTest {

    private final MemorySpace space = MemorySpace.createPrivate();
    private final Locker locker = new StoreLocker(new MemoryStore(space), space.signal());

    @Nested
    @DisplayName("the default locker over a store")
    class DefaultLocker {

        @Test
        @DisplayName("a second try-acquire fails while the lock is held")
        void exclusive() {
            Optional<LockLease> first = locker.tryAcquire("lock", Duration.ofSeconds(10));
            assertThat(first).isPresent();
            assertThat(locker.tryAcquire("lock", Duration.ofSeconds(10))).isEmpty();
            assertThat(locker.release(first.get())).isTrue();
            assertThat(locker.tryAcquire("lock", Duration.ofSeconds(10))).isPresent();
        }

        @Test
        @DisplayName("release and renew with a wrong owner token are refused and leave the lock held")
        void wrongOwner() {
            LockLease lease = locker.tryAcquire("lock", Duration.ofSeconds(10)).orElseThrow();
            LockLease forged = new LockLease("lock", "not-the-owner", lease.fencingToken());

            assertThat(locker.release(forged)).isFalse();
            assertThat(locker.renew(forged, Duration.ofSeconds(10))).isFalse();
            assertThat(locker.tryAcquire("lock", Duration.ofSeconds(10))).isEmpty();
            assertThat(locker.release(lease)).isTrue();
        }

        @Test
        @DisplayName("the lease expires when its holder neither renews nor releases")
        void leaseExpires() throws Exception {
            LockLease lease = locker.tryAcquire("lock", Duration.ofMillis(100)).orElseThrow();
            Thread.sleep(250);

            LockLease next = locker.tryAcquire("lock", Duration.ofSeconds(10)).orElseThrow();
            assertThat(locker.release(lease))
                    .as("the old holder cannot release the new lease")
                    .isFalse();
            assertThat(locker.release(next)).isTrue();
        }

        @Test
        @DisplayName("renew extends the lease past its first end")
        void renewExtends() throws Exception {
            LockLease lease = locker.tryAcquire("lock", Duration.ofMillis(300)).orElseThrow();
            Thread.sleep(150);
            assertThat(locker.renew(lease, Duration.ofSeconds(10))).isTrue();
            Thread.sleep(300);

            assertThat(locker.tryAcquire("lock", Duration.ofSeconds(10))).isEmpty();
            assertThat(locker.release(lease)).isTrue();
        }

        @Test
        @DisplayName("fencing tokens strictly increase with every acquisition of a name")
        void fencingTokensIncrease() {
            long previous = 0;
            for (int i = 0; i < 20; i++) {
                LockLease lease =
                        locker.tryAcquire("lock", Duration.ofSeconds(10)).orElseThrow();
                assertThat(lease.fencingToken()).isGreaterThan(previous);
                previous = lease.fencingToken();
                locker.release(lease);
            }
        }

        @Test
        @DisplayName("wait-acquire succeeds once the holder releases, woken by the signal")
        void waitAcquire() throws Exception {
            LockLease held = locker.tryAcquire("lock", Duration.ofSeconds(30)).orElseThrow();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Optional<LockLease>> waiter =
                        pool.submit(() -> locker.acquire("lock", Duration.ofSeconds(30), Duration.ofSeconds(20)));
                Thread.sleep(100);
                assertThat(waiter.isDone()).isFalse();
                locker.release(held);

                assertThat(waiter.get()).isPresent();
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("16 threads x 200 acquisitions keep a non-atomic counter exact")
        void fuzz() throws Exception {
            int[] counter = {0};
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < 200; i++) {
                            LockLease lease = locker.acquire("fuzz", Duration.ofSeconds(30), Duration.ofSeconds(60))
                                    .orElseThrow();
                            int read = counter[0];
                            Thread.yield();
                            counter[0] = read + 1;
                            locker.release(lease);
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(counter[0]).isEqualTo(16 * 200);
        }
    }

    @Nested
    @DisplayName("cache.lock(name)")
    class NamedLock {

        private Cache cache;

        @AfterEach
        void close() {
            if (cache != null) {
                cache.close();
            }
        }

        @Test
        @DisplayName("try-with-resources releases, and a second caller gets the lock afterwards")
        void tryWithResources() {
            cache = Cache.open("memory:");
            long first;
            try (HeldLock held = cache.lock("job").tryAcquire().orElseThrow()) {
                first = held.fencingToken();
                assertThat(cache.lock("job").tryAcquire()).isEmpty();
            }
            try (HeldLock again = cache.lock("job").tryAcquire().orElseThrow()) {
                assertThat(again.fencingToken()).isGreaterThan(first);
                assertThat(again.release()).isTrue();
                assertThat(again.release()).as("release is idempotent").isFalse();
            }
        }

        @Test
        @DisplayName("a lock named like another lock's fencing counter is a lock of its own")
        void nameEndingInFenceSuffix() {
            cache = Cache.open("memory:");
            cache.lock("job").tryAcquire().orElseThrow().release();

            try (HeldLock fence = cache.lock("job" + StoreLocker.FENCE_SUFFIX)
                    .tryAcquire()
                    .orElseThrow(() -> new AssertionError("the lock 'job:fence' could not be acquired"))) {
                try (HeldLock job = cache.lock("job").tryAcquire().orElseThrow()) {
                    assertThat(job.fencingToken()).isEqualTo(2);
                }
                assertThat(fence.fencingToken()).isEqualTo(1);
            }
        }

        @Test
        @DisplayName("getOrLoad of a key named like a load lock's fencing counter loads it")
        void keyEndingInFenceSuffix() {
            cache = Cache.builder()
                    .uri("memory:")
                    .loadTimeout(Duration.ofMillis(300))
                    .build();
            assertThat(cache.getOrLoad("user", String.class, () -> "a")).isEqualTo("a");

            assertThat(cache.getOrLoad("user" + StoreLocker.FENCE_SUFFIX, String.class, () -> "b"))
                    .isEqualTo("b");
        }

        @Test
        @DisplayName("the watchdog keeps a short lease alive past several lease lengths")
        void watchdogRenews() throws Exception {
            cache = Cache.open("memory:");
            try (HeldLock held = cache.lock("job")
                    .withLease(Duration.ofMillis(300))
                    .withWatchdog(true)
                    .tryAcquire()
                    .orElseThrow()) {
                Thread.sleep(1000);
                assertThat(cache.lock("job").tryAcquire()).isEmpty();
                assertThat(held.release()).isTrue();
            }
        }

        @Test
        @DisplayName("without a watchdog a short lease runs out and renew then fails")
        void noWatchdogExpires() throws Exception {
            cache = Cache.open("memory:");
            HeldLock held = cache.lock("job")
                    .withLease(Duration.ofMillis(100))
                    .tryAcquire()
                    .orElseThrow();
            Thread.sleep(250);
            assertThat(held.renew()).isFalse();
            assertThat(cache.lock("job").tryAcquire()).isPresent();
        }
    }
}
