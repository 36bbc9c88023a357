package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.CacheListener;
import dev.cachekit.RefreshAhead;
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
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Refresh-ahead over a backend: a read inside an entry's refresh window returns the current value
 * at once and one reload runs in the background, one cluster-wide (two clients, the key's load lock
 * deciding), and a reload that fails leaves the entry exactly as it was.
 *
 * <p>The caches run on a clock the test moves, which stamps writes and decides the envelope's
 * expiry; the store's own TTL is long, so it never drops an entry during a test.
 */
public abstract class RefreshAheadContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected RefreshAheadContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    private static final Duration TTL = Duration.ofMinutes(10);
    /** Inside the window of {@link RefreshAhead#at(double) at(0.5)} of {@link #TTL}. */
    private static final Duration INTO_WINDOW = Duration.ofMinutes(6);

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));

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

        void advance(Duration by) {
            now.updateAndGet(at -> at.plus(by));
        }
    }

    /** Counts refreshes, their failures, and every way a caller can wait for a load. */
    private static final class Heard implements CacheListener {
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger refreshed = new AtomicInteger();
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        final AtomicInteger waits = new AtomicInteger();
        final CountDownLatch ended = new CountDownLatch(1);

        @Override
        public void refreshStarted(String key) {
            started.incrementAndGet();
        }

        @Override
        public void refreshed(String key, Duration took) {
            refreshed.incrementAndGet();
            ended.countDown();
        }

        @Override
        public void refreshFailed(String key, Throwable failure) {
            failures.add(failure);
            ended.countDown();
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

        void awaitEnd() throws InterruptedException {
            assertThat(ended.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .as("a refresh ended within %s", PATIENCE)
                    .isTrue();
        }
    }

    /** A cache on {@code clock} refreshing at half its TTL, its refreshes on {@code executor}. */
    private Cache refreshing(boolean second, HandClock clock, Heard heard, ExecutorService executor) {
        return track(cacheBuilder(second ? openSecond() : open())
                .clock(clock)
                .refreshAhead(RefreshAhead.at(0.5))
                .listener(heard)
                .executor(executor)
                .build());
    }

    private static ThreadPoolExecutor refreshPool() {
        return new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    }

    /**
     * Waits until every refresh handed to {@code pools} so far has either ended (lost the lock,
     * found the entry rewritten) or is itself inside a loader ({@code inLoader} of them): so a
     * reload cannot finish before a competing one had its chance to start.
     */
    private static void awaitSettled(AtomicInteger inLoader, ThreadPoolExecutor... pools) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (System.nanoTime() < deadline) {
            int busy = 0;
            for (ThreadPoolExecutor pool : pools) {
                busy += pool.getActiveCount() + pool.getQueue().size();
            }
            if (busy <= inLoader.get()) {
                return;
            }
            Thread.sleep(1);
        }
    }

    /** Waits until every refresh handed to {@code pools} has ended, so late ones are counted too. */
    private static void drain(ExecutorService... pools) throws InterruptedException {
        for (ExecutorService pool : pools) {
            pool.shutdown();
            assertThat(pool.awaitTermination(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                    .isTrue();
        }
    }

    @Nested
    class OneRefresher {

        @Test
        @DisplayName("2 clients x 8 threads reading a key in its window: one reload cluster-wide, and no caller waits")
        void oneRefreshAcrossClients() throws Exception {
            HandClock clock = new HandClock();
            Heard heard = new Heard();
            ThreadPoolExecutor firstPool = refreshPool();
            ThreadPoolExecutor secondPool = refreshPool();
            ExecutorService readers = Executors.newFixedThreadPool(16);
            AtomicInteger inLoader = new AtomicInteger();
            try {
                Cache first = refreshing(false, clock, heard, firstPool);
                Cache second = refreshing(true, clock, heard, secondPool);
                AtomicInteger loads = new AtomicInteger();
                first.getOrLoad("hot", String.class, TTL, () -> "v" + loads.incrementAndGet());
                clock.advance(INTO_WINDOW);

                CountDownLatch allRead = new CountDownLatch(16);
                List<Future<List<String>>> results = new ArrayList<>();
                for (int t = 0; t < 16; t++) {
                    Cache cache = t % 2 == 0 ? first : second;
                    results.add(readers.submit(() -> {
                        List<String> seen = new ArrayList<>();
                        try {
                            for (int i = 0; i < 10; i++) {
                                seen.add(cache.getOrLoad("hot", String.class, TTL, () -> {
                                    // The reload ends after every read, and after every other
                                    // refresh asked for has lost, or is loading too.
                                    inLoader.incrementAndGet();
                                    allRead.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                                    awaitSettled(inLoader, firstPool, secondPool);
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
                    assertThat(result.get()).as("reads during the refresh").containsOnly("v1");
                }
                heard.awaitEnd();
                drain(firstPool, secondPool);

                assertThat(loads)
                        .as("the first load, then one reload for both clients")
                        .hasValue(2);
                assertThat(heard.refreshed).hasValue(1);
                assertThat(heard.started).as("only the lock's winner starts").hasValue(1);
                assertThat(heard.failures).isEmpty();
                assertThat(heard.waits)
                        .as("callers that waited for or joined a load")
                        .hasValue(0);
                assertThat(second.get("hot", String.class).value()).isEqualTo("v2");
                assertThat(first.get("hot", String.class).value()).isEqualTo("v2");
            } finally {
                readers.shutdownNow();
                firstPool.shutdownNow();
                secondPool.shutdownNow();
            }
        }
    }

    @Nested
    class ServedDuringRefresh {

        @Test
        @DisplayName("while a refresh loads, both clients read the current value at once; then both read the new one")
        void valueServedWhileLoading() throws Exception {
            HandClock clock = new HandClock();
            Heard heard = new Heard();
            ExecutorService firstPool = refreshPool();
            ExecutorService secondPool = refreshPool();
            try {
                Cache first = refreshing(false, clock, heard, firstPool);
                Cache second = refreshing(true, clock, heard, secondPool);
                first.getOrLoad("k", String.class, TTL, () -> "old");
                clock.advance(INTO_WINDOW);
                CountDownLatch loading = new CountDownLatch(1);
                CountDownLatch release = new CountDownLatch(1);

                assertThat(first.getOrLoad("k", String.class, TTL, () -> {
                            loading.countDown();
                            release.await(PATIENCE.toSeconds(), TimeUnit.SECONDS);
                            return "new";
                        }))
                        .isEqualTo("old");
                assertThat(loading.await(PATIENCE.toSeconds(), TimeUnit.SECONDS))
                        .isTrue();
                for (int i = 0; i < 5; i++) {
                    assertThat(second.getOrLoad("k", String.class, TTL, () -> "from the second client"))
                            .isEqualTo("old");
                    assertThat(first.getOrLoad("k", String.class, TTL, () -> "from the first client"))
                            .isEqualTo("old");
                }
                release.countDown();
                heard.awaitEnd();
                drain(firstPool, secondPool);

                assertThat(first.get("k", String.class).value()).isEqualTo("new");
                assertThat(second.getOrLoad("k", String.class, TTL, () -> "loaded again"))
                        .isEqualTo("new");
                assertThat(heard.waits).hasValue(0);
                assertThat(heard.refreshed).hasValue(1);
            } finally {
                firstPool.shutdownNow();
                secondPool.shutdownNow();
            }
        }
    }

    @Nested
    class FailedRefresh {

        @Test
        @DisplayName("a reload that throws leaves the entry's bytes as they were and reaches refreshFailed")
        void failureLeavesEntry() throws Exception {
            HandClock clock = new HandClock();
            Heard heard = new Heard();
            ExecutorService pool = refreshPool();
            try {
                Cache cache = refreshing(false, clock, heard, pool);
                cache.getOrLoad("k", String.class, TTL, () -> "v1");
                String entryKey = KeyLayout.of(prefix()).entry("k");
                byte[] before = backendFixture().rawGet(entryKey);
                clock.advance(INTO_WINDOW);
                IllegalStateException failure = new IllegalStateException("the source is down");

                assertThat(cache.getOrLoad("k", String.class, TTL, () -> {
                            throw failure;
                        }))
                        .isEqualTo("v1");
                heard.awaitEnd();
                drain(pool);

                assertThat(heard.failures).containsExactly(failure);
                assertThat(heard.refreshed).hasValue(0);
                assertThat(backendFixture().rawGet(entryKey))
                        .as("the entry, expiry included, is unchanged")
                        .isEqualTo(before);
                assertThat(cache.get("k", String.class).value()).isEqualTo("v1");
                clock.advance(TTL.minus(INTO_WINDOW));
                assertThat(cache.get("k", String.class).isMiss())
                        .as("it expires at its old time")
                        .isTrue();
                assertThat(cache.getOrLoad("k", String.class, TTL, () -> "v2"))
                        .as("the load lock was released: the next load does not wait")
                        .isEqualTo("v2");
                assertThat(heard.waits).hasValue(0);
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
