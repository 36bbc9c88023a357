package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.BulkLoader;
import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.CacheListener;
import dev.cachekit.CacheView;
import dev.cachekit.HeldLock;
import dev.cachekit.RefreshAhead;
import dev.cachekit.memory.MemorySpace;
import dev.cachekit.memory.MemoryStore;
import dev.cachekit.spi.KeyLayout;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Refresh-ahead")
@Timeout(60)
class RefreshAheadTest {

    /** Long enough that the store never expires an entry on its own: the hand clock decides. */
    private static final Duration TTL = Duration.ofHours(1);

    /** A clock the test moves by hand: it stamps writes and decides envelope expiry. */
    static final class HandClock extends Clock {
        final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        void advance(Duration d) {
            now.updateAndGet(i -> i.plus(d));
        }
    }

    /** Counts the events refresh-ahead cares about, and the ones it must never cause. */
    static final class Counting implements CacheListener {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger refreshed = new AtomicInteger();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger waits = new AtomicInteger();
        volatile CountDownLatch done = new CountDownLatch(1);

        @Override
        public void refreshStarted(String key) {
            started.incrementAndGet();
        }

        @Override
        public void refreshed(String key, Duration took) {
            refreshed.incrementAndGet();
            done.countDown();
        }

        @Override
        public void refreshFailed(String key, Throwable failure) {
            failures.add(failure);
            done.countDown();
        }

        @Override
        public void joinedLoad(String key) {
            waits.incrementAndGet();
        }

        @Override
        public void waitingForHolder(String key) {
            waits.incrementAndGet();
        }

        @Override
        public void waited(String key, Duration waited, boolean gotValue) {
            waits.incrementAndGet();
        }

        void awaitDone() throws InterruptedException {
            assertThat(done.await(30, TimeUnit.SECONDS)).as("the refresh ended").isTrue();
        }
    }

    /** An executor that runs each task on the caller's thread and counts them. */
    static final class Inline implements java.util.concurrent.Executor {
        final AtomicInteger tasks = new AtomicInteger();

        @Override
        public void execute(Runnable task) {
            tasks.incrementAndGet();
            task.run();
        }
    }

    private static CacheBuilder builder(MemorySpace space, Clock clock, RefreshAhead rule) {
        return Caches.builder().store(new MemoryStore(space)).clock(clock).refreshAhead(rule);
    }

    private static Envelope envelope(MemorySpace space, String key) {
        String storeKey = KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).entry(key);
        return Envelope.decode(storeKey, new MemoryStore(space).get(storeKey));
    }

    @Test
    @DisplayName("inside the window a read returns the old value at once and one reload runs in the background")
    void insideWindow() throws Exception {
        HandClock clock = new HandClock();
        MemorySpace space = MemorySpace.createPrivate();
        Counting events = new Counting();
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        try (Cache cache =
                builder(space, clock, RefreshAhead.at(0.5)).listener(events).build()) {
            assertThat(cache.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet()))
                    .isEqualTo("v1");

            clock.advance(Duration.ofMinutes(31));
            // The reload blocks until released: the read returning proves it did not wait for it.
            for (int i = 0; i < 5; i++) {
                assertThat(cache.getOrLoad("k", String.class, TTL, () -> {
                            release.await();
                            return "v" + loads.incrementAndGet();
                        }))
                        .isEqualTo("v1");
            }
            release.countDown();
            events.awaitDone();

            assertThat(loads)
                    .as("one background reload for five reads in the window")
                    .hasValue(2);
            assertThat(events.started).hasValue(1);
            assertThat(events.refreshed).hasValue(1);
            assertThat(events.waits).hasValue(0);
            assertThat(cache.get("k", String.class).value()).isEqualTo("v2");
            Envelope now = envelope(space, "k");
            assertThat(now.writtenAtMillis()).isEqualTo(clock.millis());
            assertThat(now.expiresAtMillis()).isEqualTo(clock.millis() + TTL.toMillis());
        }
    }

    @Test
    @DisplayName("getOrLoadAll: hits inside their window are returned at once and reloaded key by key through the bulk"
            + " loader; a key the loader leaves out fails its refresh and stays as it was")
    void bulkReadsRefresh() {
        HandClock clock = new HandClock();
        Inline executor = new Inline();
        Counting events = new Counting();
        java.util.List<java.util.Set<String>> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicInteger round = new AtomicInteger(1);
        BulkLoader<String> loader = keys -> {
            asked.add(keys);
            java.util.Map<String, String> values = new java.util.HashMap<>();
            for (String key : keys) {
                if (!key.equals("gone") || round.get() == 1) {
                    values.put(key, key + round.get());
                }
            }
            return values;
        };
        try (Cache cache = builder(MemorySpace.createPrivate(), clock, RefreshAhead.at(0.5))
                .executor(executor)
                .listener(events)
                .build()) {
            assertThat(cache.getOrLoadAll(java.util.List.of("a", "b", "gone"), String.class, TTL, loader))
                    .containsExactly(
                            java.util.Map.entry("a", "a1"),
                            java.util.Map.entry("b", "b1"),
                            java.util.Map.entry("gone", "gone1"));
            assertThat(asked).hasSize(1);

            clock.advance(Duration.ofMinutes(10));
            cache.getOrLoadAll(java.util.List.of("a", "b", "gone"), String.class, TTL, loader);
            assertThat(executor.tasks)
                    .as("before the window nothing is submitted")
                    .hasValue(0);

            clock.advance(Duration.ofMinutes(21));
            round.set(2);
            assertThat(cache.getOrLoadAll(java.util.List.of("a", "b", "gone"), String.class, TTL, loader))
                    .as("the read in the window returns the current values")
                    .containsExactly(
                            java.util.Map.entry("a", "a1"),
                            java.util.Map.entry("b", "b1"),
                            java.util.Map.entry("gone", "gone1"));
            assertThat(executor.tasks).hasValue(3);
            assertThat(asked.subList(1, asked.size()))
                    .containsExactlyInAnyOrder(java.util.Set.of("a"), java.util.Set.of("b"), java.util.Set.of("gone"));
            assertThat(events.refreshed).hasValue(2);
            assertThat(events.failures)
                    .singleElement()
                    .satisfies(f -> assertThat(f).hasMessageContaining("'gone'"));
            assertThat(events.waits).hasValue(0);
            assertThat(cache.get("a", String.class).value()).isEqualTo("a2");
            assertThat(cache.get("gone", String.class).value())
                    .as("a failed refresh leaves the entry")
                    .isEqualTo("gone1");
        }
    }

    @Test
    @DisplayName("before the window, and for get(), no refresh is asked for")
    void outsideWindow() {
        HandClock clock = new HandClock();
        Inline executor = new Inline();
        AtomicInteger loads = new AtomicInteger();
        try (Cache cache = builder(MemorySpace.createPrivate(), clock, RefreshAhead.at(0.5))
                .executor(executor)
                .build()) {
            cache.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet());

            clock.advance(Duration.ofMinutes(29));
            assertThat(cache.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet()))
                    .isEqualTo("v1");
            clock.advance(Duration.ofMinutes(2));
            assertThat(cache.get("k", String.class).value()).isEqualTo("v1");

            assertThat(executor.tasks).hasValue(0);
            assertThat(loads).hasValue(1);

            // The same read with a loader, now in the window, does refresh (inline here).
            assertThat(cache.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet()))
                    .isEqualTo("v1");
            assertThat(executor.tasks).hasValue(1);
            assertThat(loads).hasValue(2);
        }
    }

    @Test
    @DisplayName("an entry without expiry (Cache.FOREVER) never refreshes, nor does a view with the rule off")
    void foreverAndOff() {
        HandClock clock = new HandClock();
        Inline executor = new Inline();
        AtomicInteger loads = new AtomicInteger();
        try (Cache on = builder(MemorySpace.createPrivate(), clock, RefreshAhead.at(0.1))
                        .executor(executor)
                        .build();
                Cache off = Caches.builder()
                        .store(new MemoryStore(MemorySpace.createPrivate()))
                        .clock(clock)
                        .executor(executor)
                        .build()) {
            on.getOrLoad("forever", String.class, Cache.FOREVER, () -> "v" + loads.incrementAndGet());
            off.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet());
            clock.advance(Duration.ofDays(3650));
            on.getOrLoad("forever", String.class, Cache.FOREVER, () -> "v" + loads.incrementAndGet());
            clock.now.set(Instant.parse("2026-01-01T00:50:00Z"));
            off.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet());

            assertThat(executor.tasks).hasValue(0);
            assertThat(loads).hasValue(2);
        }
    }

    @Test
    @DisplayName(
            "2 caches x 16 threads reading a key in its window: one refresh cluster-wide per window, no caller waits")
    void oneRefreshPerWindowAcrossCaches() throws Exception {
        HandClock clock = new HandClock();
        MemorySpace space = MemorySpace.createPrivate();
        Counting events = new Counting();
        AtomicInteger loads = new AtomicInteger();
        ExecutorService readers = Executors.newFixedThreadPool(32);
        try (Cache first = builder(space, clock, RefreshAhead.at(0.5))
                        .listener(events)
                        .build();
                Cache second = builder(space, clock, RefreshAhead.at(0.5))
                        .listener(events)
                        .build()) {
            first.getOrLoad("hot", String.class, TTL, () -> "v" + loads.incrementAndGet());
            int windows = 5;
            for (int window = 1; window <= windows; window++) {
                clock.advance(Duration.ofMinutes(31));
                String current = "v" + window;
                CountDownLatch allRead = new CountDownLatch(32);
                events.done = new CountDownLatch(1);
                List<Future<List<String>>> results = new ArrayList<>();
                for (int t = 0; t < 32; t++) {
                    Cache cache = t % 2 == 0 ? first : second;
                    results.add(readers.submit(() -> {
                        List<String> seen = new ArrayList<>();
                        try {
                            for (int i = 0; i < 20; i++) {
                                seen.add(cache.getOrLoad("hot", String.class, TTL, () -> {
                                    // The reload ends only after every reader is done: all reads overlap it.
                                    allRead.await(30, TimeUnit.SECONDS);
                                    return "v" + loads.incrementAndGet();
                                }));
                            }
                        } finally {
                            allRead.countDown();
                        }
                        return seen;
                    }));
                }
                for (Future<List<String>> result : results) {
                    assertThat(result.get())
                            .as("every read returned the current value")
                            .containsOnly(current);
                }
                events.awaitDone();
                awaitIdle((DefaultCache) first);
                awaitIdle((DefaultCache) second);
                assertThat(loads).as("loads after window " + window).hasValue(1 + window);
                assertThat(first.get("hot", String.class).value()).isEqualTo("v" + (window + 1));
            }
            assertThat(events.refreshed).hasValue(windows);
            assertThat(events.started).as("only the lock's winner starts").hasValue(windows);
            assertThat(events.failures).isEmpty();
            assertThat(events.waits)
                    .as("callers that joined or waited for a load")
                    .hasValue(0);
        } finally {
            readers.shutdownNow();
        }
    }

    private static void awaitIdle(DefaultCache cache) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (cache.refreshesInFlight() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(cache.refreshesInFlight()).isZero();
    }

    @Test
    @DisplayName("a failed refresh leaves the value and its expiry as they were and reaches refreshFailed")
    void failureLeavesEntry() throws Exception {
        HandClock clock = new HandClock();
        MemorySpace space = MemorySpace.createPrivate();
        Counting events = new Counting();
        try (Cache cache =
                builder(space, clock, RefreshAhead.at(0.5)).listener(events).build()) {
            cache.getOrLoad("k", String.class, TTL, () -> "v1");
            Envelope before = envelope(space, "k");

            clock.advance(Duration.ofMinutes(40));
            IllegalStateException boom = new IllegalStateException("source down");
            assertThat(cache.getOrLoad("k", String.class, TTL, () -> {
                        throw boom;
                    }))
                    .isEqualTo("v1");
            events.awaitDone();

            assertThat(events.failures).hasSize(1);
            assertThat(events.failures.peek()).isSameAs(boom);
            assertThat(events.refreshed).hasValue(0);
            awaitIdle((DefaultCache) cache);
            Envelope after = envelope(space, "k");
            assertThat(after.writtenAtMillis()).isEqualTo(before.writtenAtMillis());
            assertThat(after.expiresAtMillis()).isEqualTo(before.expiresAtMillis());
            assertThat(cache.get("k", String.class).value()).isEqualTo("v1");

            clock.advance(Duration.ofMinutes(20));
            assertThat(cache.get("k", String.class).isMiss())
                    .as("it still expires at its old time")
                    .isTrue();
            // The load lock was released: the next getOrLoad loads without waiting.
            assertThat(cache.getOrLoad("k", String.class, TTL, () -> "v2")).isEqualTo("v2");
            assertThat(events.waits).hasValue(0);
        }
    }

    @Test
    @DisplayName("a refresh whose entry was rewritten since the read that asked does not load")
    void rewrittenMeanwhile() {
        HandClock clock = new HandClock();
        AtomicInteger loads = new AtomicInteger();
        AtomicReference<Cache> cacheRef = new AtomicReference<>();
        // The task runs after a put rewrote the entry, as if it had queued behind it.
        List<Runnable> queued = new ArrayList<>();
        try (Cache cache = builder(MemorySpace.createPrivate(), clock, RefreshAhead.at(0.5))
                .executor(queued::add)
                .build()) {
            cacheRef.set(cache);
            cache.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet());
            clock.advance(Duration.ofMinutes(31));
            cache.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet());
            assertThat(queued).hasSize(1);
            clock.advance(Duration.ofMillis(1));
            cache.put("k", "put", TTL);

            queued.get(0).run();

            assertThat(loads).hasValue(1);
            assertThat(cache.get("k", String.class).value()).isEqualTo("put");
        }
    }

    @Test
    @DisplayName("a saturated executor skips the refresh silently, and the next read in the window asks again")
    void saturatedExecutor() {
        HandClock clock = new HandClock();
        AtomicInteger offered = new AtomicInteger();
        AtomicInteger loads = new AtomicInteger();
        try (Cache cache = builder(MemorySpace.createPrivate(), clock, RefreshAhead.at(0.5))
                .executor(task -> {
                    if (offered.incrementAndGet() == 1) {
                        throw new java.util.concurrent.RejectedExecutionException("full");
                    }
                    task.run();
                })
                .build()) {
            cache.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet());
            clock.advance(Duration.ofMinutes(31));

            assertThat(cache.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet()))
                    .isEqualTo("v1");
            assertThat(loads).as("refused: no reload").hasValue(1);
            assertThat(((DefaultCache) cache).refreshesInFlight()).isZero();

            assertThat(cache.getOrLoad("k", String.class, TTL, () -> "v" + loads.incrementAndGet()))
                    .isEqualTo("v1");
            assertThat(offered).hasValue(2);
            assertThat(loads).hasValue(2);
            assertThat(cache.get("k", String.class).value()).isEqualTo("v2");
        }
    }

    @Test
    @DisplayName("a view's rule overrides the cache's, both ways, tagged views included")
    void perView() {
        HandClock clock = new HandClock();
        Inline executor = new Inline();
        AtomicInteger loads = new AtomicInteger();
        try (Cache off = Caches.builder()
                        .store(new MemoryStore(MemorySpace.createPrivate()))
                        .clock(clock)
                        .executor(executor)
                        .build();
                Cache on = builder(MemorySpace.createPrivate(), clock, RefreshAhead.at(0.5))
                        .executor(executor)
                        .build()) {
            CacheView offButOn = off.withRefreshAhead(RefreshAhead.at(0.5));
            CacheView taggedOn = off.tags("t").withRefreshAhead(RefreshAhead.at(0.5));
            CacheView onButOff = on.withRefreshAhead(RefreshAhead.off());
            List<CacheView> views = List.of(offButOn, taggedOn, onButOff);
            for (int i = 0; i < views.size(); i++) {
                views.get(i).getOrLoad("k" + i, String.class, TTL, () -> "v" + loads.incrementAndGet());
            }
            clock.advance(Duration.ofMinutes(31));

            onButOff.getOrLoad("k2", String.class, TTL, () -> "v" + loads.incrementAndGet());
            assertThat(executor.tasks).as("the view turned it off").hasValue(0);

            offButOn.getOrLoad("k0", String.class, TTL, () -> "v" + loads.incrementAndGet());
            assertThat(executor.tasks).as("the view turned it on").hasValue(1);

            taggedOn.getOrLoad("k1", String.class, TTL, () -> "v" + loads.incrementAndGet());
            assertThat(executor.tasks).hasValue(2);
            assertThat(off.tags("t").get("k1", String.class).value()).isEqualTo("v" + loads.get());
            assertThat(off.tags("t").withRefreshAhead(RefreshAhead.off()).tags())
                    .containsExactly("t");
        }
    }

    @Test
    @DisplayName("closing the cache while a refresh runs releases its load lock, and the refresh writes nothing")
    void closeReleasesLock() throws Exception {
        HandClock clock = new HandClock();
        MemorySpace space = MemorySpace.createPrivate();
        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try (Cache other = builder(space, clock, RefreshAhead.off()).build()) {
            Cache cache =
                    builder(space, clock, RefreshAhead.at(0.5)).executor(pool).build();
            cache.getOrLoad("k", String.class, TTL, () -> "v1");
            clock.advance(Duration.ofMinutes(31));
            cache.getOrLoad("k", String.class, TTL, () -> {
                loading.countDown();
                release.await(30, TimeUnit.SECONDS);
                return "v2";
            });
            assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
            String lockKey = KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).loadLock("k");
            assertThatThrownBy(() -> ((DefaultCache) other).lockAt(lockKey, Duration.ofSeconds(30)))
                    .as("the refresh holds the load lock")
                    .isInstanceOf(IllegalStateException.class);

            cache.close();

            try (HeldLock lock = ((DefaultCache) other).lockAt(lockKey, Duration.ofSeconds(30))) {
                assertThat(lock).isNotNull();
            }
            release.countDown();
            pool.shutdown();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            assertThat(other.get("k", String.class).value()).isEqualTo("v1");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("getOrLoad records how long its load took in the entry; put records nothing")
    void loadDurationRecorded() {
        HandClock clock = new HandClock();
        MemorySpace space = MemorySpace.createPrivate();
        try (Cache cache = builder(space, clock, RefreshAhead.xfetch(1)).build()) {
            cache.getOrLoad("slow", String.class, TTL, () -> {
                Thread.sleep(30);
                return "v";
            });
            cache.put("put", "v", TTL);

            assertThat(envelope(space, "slow").loadMillis()).isGreaterThanOrEqualTo(30);
            assertThat(envelope(space, "put").loadMillis()).isZero();
            assertThat(new MemoryStore(space)
                            .get(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).entry("put"))[1])
                    .as("a put is written in format 1")
                    .isEqualTo(Envelope.FORMAT);
        }
    }

    @Test
    @DisplayName("xfetch: an entry whose load took 0 ms never refreshes before expiry")
    void xfetchWithoutLoadTime() {
        HandClock clock = new HandClock();
        Inline executor = new Inline();
        try (Cache cache = builder(MemorySpace.createPrivate(), clock, RefreshAhead.xfetch(100))
                .executor(executor)
                .build()) {
            cache.put("k", "v", TTL);
            clock.advance(TTL.minusMillis(1));
            for (int i = 0; i < 1000; i++) {
                cache.getOrLoad("k", String.class, TTL, () -> "new");
            }
            assertThat(executor.tasks).hasValue(0);
        }
    }

    @Nested
    @DisplayName("RefreshAhead.due")
    class Due {
        @Test
        @DisplayName("a fraction: due from exactly that fraction of the TTL until expiry")
        void fraction() {
            RefreshAhead rule = RefreshAhead.at(0.8);
            assertThat(rule.due(1_000, 2_000, 0, 1_799, 1)).isFalse();
            assertThat(rule.due(1_000, 2_000, 0, 1_800, 1)).isTrue();
            assertThat(rule.due(1_000, 2_000, 0, 1_999, 1)).isTrue();
            assertThat(rule.due(1_000, 2_000, 0, 2_000, 1))
                    .as("expired: a miss, not a refresh")
                    .isFalse();
            assertThat(rule.due(1_000, 0, 0, Long.MAX_VALUE - 1, 1))
                    .as("FOREVER")
                    .isFalse();
            assertThat(RefreshAhead.off().due(1_000, 2_000, 0, 1_999, 1)).isFalse();
        }

        @Test
        @DisplayName("xfetch: no load time never refreshes early; a slow load and a small random refresh early")
        void xfetch() {
            RefreshAhead rule = RefreshAhead.xfetch(1);
            assertThat(rule.due(0, 10_000, 0, 9_999, 1e-300)).isFalse();
            // 1000 ms load, random 0.01: -ln(0.01) = 4.6, so up to 4.6 s early.
            assertThat(rule.due(0, 10_000, 1_000, 5_500, 0.01)).isTrue();
            assertThat(rule.due(0, 10_000, 1_000, 5_300, 0.01)).isFalse();
            assertThat(rule.due(0, 10_000, 1_000, 9_999, 1))
                    .as("random 1: only at expiry")
                    .isFalse();
            assertThat(RefreshAhead.xfetch(2).due(0, 10_000, 1_000, 1_000, 0.01))
                    .as("beta 2 doubles the lead")
                    .isTrue();
            assertThat(rule.due(0, 10_000, 1_000, 10_000, 0.01)).isFalse();
            assertThat(rule.due(0, 0, 1_000, 10_000, 0.01)).as("FOREVER").isFalse();
        }
    }

    @Nested
    @DisplayName("the refreshAhead URI option")
    class Uri {
        private RefreshAhead parsed(String value) {
            try (Cache cache =
                    Caches.builder().uri("memory:?refreshAhead=" + value).build()) {
                return ((DefaultCache) cache).settings().refreshAhead();
            }
        }

        @Test
        @DisplayName("takes a fraction, a percentage, xfetch, xfetch:<beta> and off")
        void forms() {
            assertThat(parsed("0.8")).isEqualTo(RefreshAhead.at(0.8));
            assertThat(parsed("80%25")).isEqualTo(RefreshAhead.at(0.8));
            assertThat(parsed("xfetch")).isEqualTo(RefreshAhead.xfetch(1));
            assertThat(parsed("xfetch:2")).isEqualTo(RefreshAhead.xfetch(2));
            assertThat(parsed("off")).isEqualTo(RefreshAhead.off());
            try (Cache cache = Caches.builder().uri("memory:").build()) {
                assertThat(((DefaultCache) cache).settings().refreshAhead()).isEqualTo(RefreshAhead.off());
            }
        }

        @Test
        @DisplayName("refuses bad values with a CacheConfigurationException naming the option")
        void badValues() {
            for (String bad : List.of("1", "0", "1.5", "-0.2", "120%25", "xfetch:0", "xfetch:x", "soon", "")) {
                assertThatThrownBy(() -> parsed(bad))
                        .as(bad)
                        .isInstanceOf(CacheConfigurationException.class)
                        .hasMessageContaining("refreshAhead");
            }
        }
    }
}
