package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.CacheLock;
import dev.cachekit.HeldLock;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.LockLease;
import dev.cachekit.spi.LockWaiters;
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
        void renewExtends() {
            MemoryStore store = new MemoryStore(space);
            LockLease lease = locker.tryAcquire("lock", Duration.ofSeconds(5)).orElseThrow();
            assertThat(store.timeToLive("lock"))
                    .hasValueSatisfying(ttl -> assertThat(ttl).isLessThanOrEqualTo(Duration.ofSeconds(5)));

            assertThat(locker.renew(lease, Duration.ofMinutes(10))).isTrue();

            // Read from the store, not waited for: the lock's key now lives for the renewed lease.
            assertThat(store.timeToLive("lock"))
                    .hasValueSatisfying(ttl -> assertThat(ttl).isGreaterThan(Duration.ofMinutes(9)));
            assertThat(locker.tryAcquire("lock", Duration.ofSeconds(10))).isEmpty();
            assertThat(locker.release(lease)).isTrue();
        }

        @Test
        @DisplayName("fencing tokens strictly increase with every acquisition of a name")
        void fencingTokensIncrease() {
            long previous = 0;
            for (int i = 0; i < 20; i++) {
                LockLease lease = locker.tryAcquireFenced("lock", "fence", Duration.ofSeconds(10))
                        .orElseThrow();
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
            cache = Caches.open("memory:");
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
        @DisplayName("the watchdog keeps a short lease alive past several lease lengths")
        void watchdogRenews() throws Exception {
            cache = Caches.open("memory:");
            try (HeldLock held = cache.lock("job")
                    .withLease(Duration.ofSeconds(1))
                    .withWatchdog(true)
                    .tryAcquire()
                    .orElseThrow()) {
                // Renewed every third of the lease: only a stall of two thirds of it could lose it.
                Thread.sleep(2500);
                assertThat(cache.lock("job").tryAcquire()).isEmpty();
                assertThat(held.release()).isTrue();
            }
        }

        @Test
        @DisplayName("without a watchdog a short lease runs out and renew then fails")
        void noWatchdogExpires() throws Exception {
            cache = Caches.open("memory:");
            HeldLock held = cache.lock("job")
                    .withLease(Duration.ofMillis(100))
                    .tryAcquire()
                    .orElseThrow();
            Thread.sleep(250);
            assertThat(held.renew()).isFalse();
            assertThat(cache.lock("job").tryAcquire()).isPresent();
        }

        @Test
        @DisplayName("fencing tokens keep growing after the counter is deleted between acquisitions")
        void tokensSurviveALostCounter() {
            MemorySpace shared = MemorySpace.createPrivate();
            cache = Caches.builder()
                    .backend(dev.cachekit.spi.Backend.of(new MemoryStore(shared)))
                    .build();
            long first = acquireAndRelease("job");
            long second = acquireAndRelease("job");
            new MemoryStore(shared)
                    .delete(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).fence("job"));
            long third = acquireAndRelease("job");
            assertThat(List.of(first, second, third)).isSorted().doesNotHaveDuplicates();
        }

        private long acquireAndRelease(String name) {
            try (HeldLock held = cache.lock(name).tryAcquire().orElseThrow()) {
                return held.fencingToken();
            }
        }

        @Test
        @DisplayName("a watchdog that finds the lock key deleted marks the lock lost, runs the callback once,"
                + " and close() does not throw")
        void watchdogNoticesALostLock() throws Exception {
            MemorySpace shared = MemorySpace.createPrivate();
            cache = Caches.builder()
                    .backend(dev.cachekit.spi.Backend.of(new MemoryStore(shared)))
                    .build();
            java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.CountDownLatch told = new java.util.concurrent.CountDownLatch(1);
            HeldLock held = cache.lock("job")
                    .withLease(Duration.ofMillis(300))
                    .withWatchdog(true)
                    .onLost(() -> {
                        lost.incrementAndGet();
                        told.countDown();
                    })
                    .tryAcquire()
                    .orElseThrow();
            assertThat(held.isHeld()).isTrue();
            new MemoryStore(shared)
                    .delete(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).lock("job"));
            assertThat(told.await(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(held.isHeld()).isFalse();
            assertThat(held.renew()).isFalse();
            held.close();
            assertThat(held.release()).isFalse();
            Thread.sleep(300);
            assertThat(lost.get()).isEqualTo(1);
        }

        @Test
        @DisplayName("an explicit renew that finds the lock held by another owner marks the lock lost")
        void renewNoticesAnotherOwner() throws Exception {
            cache = Caches.open("memory:");
            java.util.concurrent.atomic.AtomicInteger lost = new java.util.concurrent.atomic.AtomicInteger();
            HeldLock held = cache.lock("job")
                    .withLease(Duration.ofMillis(100))
                    .onLost(lost::incrementAndGet)
                    .tryAcquire()
                    .orElseThrow();
            Thread.sleep(250);
            HeldLock next = cache.lock("job").tryAcquire().orElseThrow();
            assertThat(held.renew()).isFalse();
            assertThat(held.renew()).isFalse();
            assertThat(held.isHeld()).isFalse();
            assertThat(lost.get()).isEqualTo(1);
            held.close();
            assertThat(next.isHeld()).isTrue();
            assertThat(next.release()).isTrue();
        }

        @Test
        @DisplayName("close() stops the watchdogs and releases the locks still held, and their threads end")
        void closeReleasesHeldLocks() throws Exception {
            java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
            MemorySpace shared = MemorySpace.createPrivate();
            cache = Caches.builder()
                    .backend(dev.cachekit.spi.Backend.of(new MemoryStore(shared)))
                    .build();
            HeldLock held = cache.lock("job")
                    .withLease(Duration.ofMinutes(5))
                    .withWatchdog(true)
                    .tryAcquire()
                    .orElseThrow();
            cache.close();
            assertThat(held.isHeld()).isFalse();
            assertThat(new MemoryStore(shared)
                            .get(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).lock("job")))
                    .as("the lock key after close")
                    .isNull();
            assertThat(Thread.getAllStackTraces().keySet())
                    .as("renewal threads this cache started, alive after close")
                    .noneMatch(t -> t.getName().startsWith("cachekit-renewals-") && t.isAlive() && !before.contains(t));
            held.close();
        }

        @Test
        @DisplayName("renewals run on a thread of their own, not the touch thread")
        void renewalsHaveTheirOwnThread() throws Exception {
            MemorySpace shared = MemorySpace.createPrivate();
            cache = Caches.builder()
                    .backend(dev.cachekit.spi.Backend.of(new MemoryStore(shared)))
                    .build();
            java.util.concurrent.CompletableFuture<String> renewalThread =
                    new java.util.concurrent.CompletableFuture<>();
            cache.lock("job")
                    .withLease(Duration.ofMillis(300))
                    .withWatchdog(true)
                    .onLost(() -> renewalThread.complete(Thread.currentThread().getName()))
                    .tryAcquire()
                    .orElseThrow();
            new MemoryStore(shared)
                    .delete(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).lock("job"));
            // The touch thread is "cachekit-<store>"; renewals have "cachekit-renewals-<store>".
            assertThat(renewalThread.get(30, java.util.concurrent.TimeUnit.SECONDS))
                    .startsWith("cachekit-renewals-");
        }

        @Test
        @DisplayName("lease and timeout are range-checked where they enter; Cache.FOREVER waits without bound")
        void durationsAreRangeChecked() throws Exception {
            cache = Caches.open("memory:");
            CacheLock lock = cache.lock("job");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> lock.withLease(Cache.FOREVER))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lease")
                    .hasMessageContaining("365 days");
            org.assertj.core.api.Assertions.assertThatThrownBy(
                            () -> lock.withLease(LockWaiters.MAX_LEASE.plusMillis(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("lease");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> lock.tryAcquire(Duration.ofDays(366)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("timeout")
                    .hasMessageContaining("365 days");
            try (HeldLock held = lock.withLease(LockWaiters.MAX_LEASE)
                    .tryAcquire(Cache.FOREVER)
                    .orElseThrow()) {
                assertThat(held.renew()).isTrue();
            }
            HeldLock holder = lock.tryAcquire().orElseThrow();
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<Optional<HeldLock>> waiter = pool.submit(() -> lock.tryAcquire(Cache.FOREVER));
                Thread.sleep(100);
                assertThat(waiter.isDone()).isFalse();
                holder.release();
                assertThat(waiter.get(30, java.util.concurrent.TimeUnit.SECONDS))
                        .isPresent();
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
