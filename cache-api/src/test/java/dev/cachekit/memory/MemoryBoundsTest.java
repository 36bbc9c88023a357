package dev.cachekit.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.HeldLock;
import dev.cachekit.TaggedCache;
import dev.cachekit.core.CacheBuilder;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@DisplayName("The memory store's bounds and expiry")
class MemoryBoundsTest {

    private static final KeyLayout LAYOUT = KeyLayout.of(CacheBuilder.DEFAULT_PREFIX);

    private static Cache cacheOn(MemorySpace space) {
        return Caches.builder()
                .backend(Backend.builder(new MemoryStore(space))
                        .signal(space.signal())
                        .build())
                .build();
    }

    /** Waits, up to a generous deadline, for a condition the store reaches by itself. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Thread.sleep(50);
        }
    }

    @Nested
    @DisplayName("bounds")
    class Bounds {

        @Test
        @DisplayName("10x maxEntries written: at most maxEntries kept, the latest writes readable")
        void entryBound() {
            MemorySpace space = MemorySpace.createPrivate(MemoryBounds.DEFAULT.withMaxEntries(1_000));
            Store store = new MemoryStore(space);
            for (int i = 0; i < 10_000; i++) {
                store.set("k" + i, new byte[16], Store.NO_EXPIRY);
            }
            space.cleanUp();

            assertThat(space.size()).isBetween(1L, 1_000L);
            int kept = 0;
            for (int i = 0; i < 10_000; i++) {
                kept += store.get("k" + i) == null ? 0 : 1;
            }
            assertThat(kept).as("keys still readable").isEqualTo((int) space.size());
        }

        @Test
        @DisplayName("10x maxBytes written: the weighed bytes stay under maxBytes and so does the heap they hold")
        void byteBound() throws InterruptedException {
            long maxBytes = 16L << 20;
            MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
            long before = heapAfterGc(memory);
            MemorySpace space = MemorySpace.createPrivate(new MemoryBounds(1_000_000, maxBytes));
            Store store = new MemoryStore(space);
            int valueBytes = 4096;
            long written = 0;
            for (int i = 0; written < 10 * maxBytes; i++) {
                store.set("key:" + i, new byte[valueBytes], Store.NO_EXPIRY);
                written += valueBytes;
            }
            space.cleanUp();
            long retained = heapAfterGc(memory) - before;

            assertThat(space.weighedBytes()).isLessThanOrEqualTo(maxBytes);
            assertThat(space.size())
                    .isLessThanOrEqualTo(maxBytes / (valueBytes + MemoryBounds.ENTRY_OVERHEAD_BYTES))
                    .isGreaterThan(maxBytes / (valueBytes + MemoryBounds.ENTRY_OVERHEAD_BYTES) / 2);
            // Generous: a leak would hold all 160 MiB written.
            assertThat(retained).as("heap retained by the store").isLessThan(2 * maxBytes);
        }

        @Test
        @DisplayName("both bounds at once: small entries stop at maxEntries, large ones at maxBytes")
        void bothBounds() {
            MemorySpace space = MemorySpace.createPrivate(new MemoryBounds(500, 1L << 20));
            Store store = new MemoryStore(space);
            for (int i = 0; i < 5_000; i++) {
                store.set("small" + i, new byte[8], Store.NO_EXPIRY);
            }
            space.cleanUp();
            assertThat(space.size()).isLessThanOrEqualTo(500);

            for (int i = 0; i < 1_000; i++) {
                store.set("large" + i, new byte[32 << 10], Store.NO_EXPIRY);
            }
            space.cleanUp();
            assertThat(space.weighedBytes()).isLessThanOrEqualTo(1L << 20);
            assertThat(space.size()).isLessThanOrEqualTo(500);
        }

        @Test
        @DisplayName("a space opened without bounds keeps 10,000 entries and 64 MiB")
        void defaults() {
            assertThat(MemorySpace.createPrivate().bounds()).isEqualTo(new MemoryBounds(10_000, 64L << 20));
            try (Backend backend = Caches.backend("memory:")) {
                assertThat(((MemoryStore) backend.store()).space().bounds()).isEqualTo(MemoryBounds.DEFAULT);
            }
        }
    }

    @Nested
    @DisplayName("expiry")
    class Expiry {

        @Test
        @DisplayName("entries whose TTL ran out are removed without any further write or read")
        void expiredEntriesGoWithoutWrites() throws InterruptedException {
            MemorySpace space = MemorySpace.createPrivate();
            Store store = new MemoryStore(space);
            for (int i = 0; i < 1_000; i++) {
                store.set("short" + i, new byte[64], 3_000);
            }
            store.set("kept", new byte[64], Store.NO_EXPIRY);
            assertThat(space.size()).isEqualTo(1_001);

            // size() only counts; it runs no maintenance, so only the scheduler can remove them.
            await("the expired entries removed", () -> space.size() == 1);
            assertThat(space.weighedBytes()).isEqualTo(space.bounds().weigh("kept", new byte[64]));
            assertThat(store.get("kept")).isNotNull();
        }

        @Test
        @DisplayName("a lock's key goes when its lease ends, without a write")
        void expiredLocksGoWithoutWrites() throws InterruptedException {
            MemorySpace space = MemorySpace.createPrivate();
            try (Cache cache = cacheOn(space)) {
                HeldLock held = cache.lock("job")
                        .withLease(Duration.ofSeconds(2))
                        .withWatchdog(false)
                        .tryAcquire()
                        .orElseThrow();
                assertThat(space.size()).as("the lock and its fencing counter").isEqualTo(2);

                await("the lock's key removed", () -> space.size() == 1);
                assertThat(held.renew()).as("renewing a lock whose lease ended").isFalse();
                assertThat(new MemoryStore(space).get(LAYOUT.fence("job"))).isNotNull();
            }
        }
    }

    @Nested
    @DisplayName("what eviction never does")
    class Eviction {

        @Test
        @DisplayName("a held lock is never evicted, however much is written past the bounds")
        void heldLockSurvivesFlood() {
            MemorySpace space = MemorySpace.createPrivate(MemoryBounds.DEFAULT.withMaxEntries(100));
            try (Cache cache = cacheOn(space);
                    Cache other = cacheOn(space)) {
                List<HeldLock> held = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    held.add(cache.lock("job" + i)
                            .withWatchdog(false)
                            .tryAcquire()
                            .orElseThrow());
                }
                for (int i = 0; i < 1_000; i++) {
                    cache.put("filler" + i, "x".repeat(100));
                }
                space.cleanUp();

                assertThat(space.boundedSize()).isLessThanOrEqualTo(100);
                for (HeldLock lock : held) {
                    assertThat(other.lock(lock.name()).tryAcquire())
                            .as("a second holder of %s", lock.name())
                            .isEmpty();
                    assertThat(lock.renew()).as("renewing %s", lock.name()).isTrue();
                    assertThat(lock.release()).isTrue();
                }
            }
        }

        @Test
        @DisplayName("8 threads on 2 caches count exactly under one lock while a writer floods the bounds")
        void lockExcludesUnderEvictionPressure() throws Exception {
            MemorySpace space = MemorySpace.createPrivate(MemoryBounds.DEFAULT.withMaxEntries(200));
            int threads = 8;
            int rounds = 200;
            int[] counter = {0};
            AtomicBoolean flooding = new AtomicBoolean(true);
            ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
            try (Cache one = cacheOn(space);
                    Cache two = cacheOn(space)) {
                Future<Integer> flood = pool.submit(() -> {
                    int written = 0;
                    while (flooding.get()) {
                        one.put("flood" + written++, "x".repeat(64));
                    }
                    return written;
                });
                List<Future<?>> workers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    Cache cache = t % 2 == 0 ? one : two;
                    workers.add(pool.submit(() -> {
                        for (int i = 0; i < rounds; i++) {
                            try (HeldLock lock = cache.lock("counter")
                                    .tryAcquire(Duration.ofSeconds(30))
                                    .orElseThrow()) {
                                int read = counter[0];
                                Thread.yield();
                                counter[0] = read + 1;
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get(120, TimeUnit.SECONDS);
                }
                flooding.set(false);
                assertThat(flood.get(30, TimeUnit.SECONDS))
                        .as("entries written meanwhile")
                        .isGreaterThan(200);
            } finally {
                pool.shutdownNow();
            }
            space.cleanUp();
            assertThat(counter[0]).isEqualTo(threads * rounds);
            assertThat(space.boundedSize()).isLessThanOrEqualTo(200);
        }

        @Test
        @DisplayName("load locks are never evicted while their loader runs")
        void loadLockSurvivesFlood() {
            MemorySpace space = MemorySpace.createPrivate(MemoryBounds.DEFAULT.withMaxEntries(100));
            Store raw = new MemoryStore(space);
            try (Cache cache = cacheOn(space)) {
                String value = cache.getOrLoad("slow", String.class, () -> {
                    for (int i = 0; i < 1_000; i++) {
                        raw.set("filler" + i, new byte[100], Store.NO_EXPIRY);
                    }
                    space.cleanUp();
                    assertThat(raw.get(LAYOUT.loadLock("slow")))
                            .as("the load lock while loading")
                            .isNotNull();
                    return "loaded";
                });
                assertThat(value).isEqualTo("loaded");
                assertThat(raw.get(LAYOUT.loadLock("slow")))
                        .as("the load lock after")
                        .isNull();
            }
        }

        @Test
        @DisplayName("fencing tokens keep growing while entries are evicted around them")
        void fencingTokensNeverGoBack() {
            MemorySpace space = MemorySpace.createPrivate(MemoryBounds.DEFAULT.withMaxEntries(100));
            try (Cache cache = cacheOn(space)) {
                long last = 0;
                for (int round = 0; round < 20; round++) {
                    try (HeldLock lock = cache.lock("fenced")
                            .withWatchdog(false)
                            .tryAcquire()
                            .orElseThrow()) {
                        assertThat(lock.fencingToken()).isGreaterThan(last);
                        last = lock.fencingToken();
                    }
                    for (int i = 0; i < 500; i++) {
                        cache.put("round" + round + ":" + i, "x");
                    }
                    space.cleanUp();
                    assertThat(new MemoryStore(space).get(LAYOUT.fence("fenced")))
                            .as("the fencing counter after round %d", round)
                            .isNotNull();
                }
            }
        }

        @Test
        @DisplayName("an evicted tag version never revives the entries a flush made stale")
        void evictedTagDoesNotReviveStaleEntries() {
            MemorySpace space = MemorySpace.createPrivate();
            Store raw = new MemoryStore(space);
            try (Cache cache = cacheOn(space)) {
                TaggedCache users = cache.tags("users");
                users.put("user:1", "old");
                users.flush();
                assertThat(users.get("user:1", String.class).isMiss()).isTrue();

                for (int round = 0; round < 100; round++) {
                    // An evicted key is a deleted key: the next write creates the tag anew.
                    assertThat(raw.delete(LAYOUT.tag("users"))).isTrue();
                    assertThat(raw.get(LAYOUT.entry("user:1")))
                            .as("the stale entry")
                            .isNotNull();
                    assertThat(users.get("user:1", String.class).isMiss())
                            .as("the stale entry with its tag gone")
                            .isTrue();
                    users.put("other" + round, "new");
                    assertThat(users.get("other" + round, String.class).value()).isEqualTo("new");
                    assertThat(users.get("user:1", String.class).isMiss())
                            .as("the stale entry once the tag has a new version, round %d", round)
                            .isTrue();
                    assertThat(cache.get("user:1", String.class).isMiss()).isTrue();
                }
            }
        }

        @Test
        @DisplayName("tag versions evicted by a flood of writes leave their entries missing, never stale")
        void floodEvictingTagsLeavesNoStaleHit() {
            MemorySpace space = MemorySpace.createPrivate(MemoryBounds.DEFAULT.withMaxEntries(200));
            try (Cache cache = cacheOn(space)) {
                for (int round = 0; round < 20; round++) {
                    TaggedCache view = cache.tags("t" + round);
                    view.put("stale" + round, "old");
                    view.flush();
                    for (int i = 0; i < 2_000; i++) {
                        cache.tags("noise" + (i % 50)).put("n" + round + ":" + i, "x");
                    }
                    space.cleanUp();
                    view.put("fresh" + round, "new");
                    assertThat(view.get("stale" + round, String.class).isMiss())
                            .as("round %d", round)
                            .isTrue();
                    assertThat(space.boundedSize()).isLessThanOrEqualTo(200);
                }
            }
        }
    }

    @Nested
    @DisplayName("options")
    class Options {

        @Test
        @DisplayName("maxEntries and maxBytes in the URI bound the space; sizes take KiB, MiB and GiB")
        void uriOptions() {
            MemorySpace space = spaceOf("memory:?maxEntries=50000&maxBytes=256MiB");
            assertThat(space.bounds()).isEqualTo(new MemoryBounds(50_000, 256L << 20));
            assertThat(spaceOf("memory:?maxBytes=1048576").bounds())
                    .isEqualTo(MemoryBounds.DEFAULT.withMaxBytes(1 << 20));
            assertThat(spaceOf("memory:?maxBytes=2gib").bounds().maxBytes()).isEqualTo(2L << 30);
            assertThat(spaceOf("memory:?maxEntries=7").bounds()).isEqualTo(MemoryBounds.DEFAULT.withMaxEntries(7));
        }

        @Test
        @DisplayName("a bad bound fails naming the option and what to write")
        void badOptions() {
            assertThatThrownBy(() -> spaceOf("memory:?maxEntries=lots"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("maxEntries=lots")
                    .hasMessageContaining("whole number");
            assertThatThrownBy(() -> spaceOf("memory:?maxBytes=64MB"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("maxBytes=64MB")
                    .hasMessageContaining("64MiB");
            assertThatThrownBy(() -> spaceOf("memory:?maxEntries=0"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("maxEntries must be at least 1");
            assertThatThrownBy(() -> spaceOf("memory:?maxBytes=99999999999GiB"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("too large");
        }

        @Test
        @DisplayName("a named space keeps its bounds: reopened without options it is shared, with others it fails")
        void namedSpaceBounds() {
            String name = "bounds-" + UUID.randomUUID();
            MemorySpace first = spaceOf("memory://" + name + "?maxEntries=123");
            assertThat(spaceOf("memory://" + name)).isSameAs(first);
            assertThat(spaceOf("memory://" + name + "?maxEntries=123")).isSameAs(first);
            assertThatThrownBy(() -> spaceOf("memory://" + name + "?maxEntries=124"))
                    .isInstanceOf(CacheConfigurationException.class)
                    .hasMessageContaining("memory://" + name)
                    .hasMessageContaining("maxEntries=123")
                    .hasMessageContaining("maxEntries=124");
        }

        private MemorySpace spaceOf(String uri) {
            try (Backend backend = Caches.backend(uri)) {
                return ((MemoryStore) backend.store()).space();
            }
        }
    }

    private static long heapAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
