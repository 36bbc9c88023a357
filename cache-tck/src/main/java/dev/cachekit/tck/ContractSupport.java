package dev.cachekit.tck;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cachekit.Cache;
import dev.cachekit.core.CacheBuilder;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.StoreCapabilities;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.Timeout;

/**
 * What every contract does around its tests: takes the fixture, resets it, gives the test a unique
 * key prefix, and closes every backend and cache the test opened. Every test has a timeout, so a
 * store that hangs fails the kit instead of stalling it; tests that wait declare a tighter one.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
@DisplayNameGeneration(FixtureNames.class)
abstract class ContractSupport {

    /** Generous bound for a background task that normally takes milliseconds; never a measurement. */
    static final Duration PATIENCE = Duration.ofSeconds(60);

    /**
     * The largest value the kit writes. Stores that declare a larger limit (Redis: 512 MiB) are
     * tested up to this size; writing hundreds of megabytes per test would make the kit too slow
     * and too hungry to run in every build.
     */
    static final int LARGEST_VALUE_WRITTEN = 32 << 20;

    private final List<AutoCloseable> opened = new ArrayList<>();
    private BackendFixture fixture;
    private String prefix;

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    protected abstract BackendFixture fixture();

    @BeforeEach
    final void startFromAnEmptyStore() {
        fixture = Objects.requireNonNull(fixture(), "fixture() returned null");
        fixture.reset();
        prefix = "tck" + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36) + ":";
    }

    @AfterEach
    final void closeWhatTheTestOpened() throws Exception {
        Exception failure = null;
        synchronized (opened) {
            for (int i = opened.size() - 1; i >= 0; i--) {
                try {
                    opened.get(i).close();
                } catch (Exception e) {
                    if (failure == null) {
                        failure = e;
                    } else {
                        failure.addSuppressed(e);
                    }
                }
            }
            opened.clear();
        }
        if (failure != null) {
            throw failure;
        }
    }

    final BackendFixture backendFixture() {
        return fixture;
    }

    /** The test's own key prefix, so tests never see each other's keys even without a reset. */
    final String prefix() {
        return prefix;
    }

    /** A store key under the test's prefix. */
    final String key(String name) {
        return prefix + name;
    }

    /** Opens the first client, closed after the test. */
    final Backend open() {
        return track(fixture.open());
    }

    /** Opens the second, independent client, closed after the test. */
    final Backend openSecond() {
        return track(fixture.openSecond());
    }

    /** Opens a client whose store calls are counted. */
    final Counted openCounted() {
        Backend plain = fixture.open();
        CountingStore counting = new CountingStore(plain.store());
        Backend backend;
        try {
            backend = fixture.overStore(plain, counting);
        } catch (RuntimeException e) {
            plain.close();
            throw e;
        }
        return new Counted(track(backend), counting);
    }

    /** A cache builder over {@code backend} with the test's prefix; the built cache is tracked. */
    final CacheBuilder cacheBuilder(Backend backend) {
        return Caches.builder().backend(backend).keyPrefix(prefix).near(fixture.nearCache());
    }

    /** A cache over {@code backend} with the test's prefix, closed after the test. */
    final Cache cache(Backend backend) {
        return track(cacheBuilder(backend).build());
    }

    final <T extends AutoCloseable> T track(T resource) {
        synchronized (opened) {
            opened.add(resource);
        }
        return resource;
    }

    final StoreCapabilities capabilities() {
        try (Backend probe = fixture.open()) {
            return probe.store().capabilities();
        }
    }

    /**
     * The unit of the TTL tests: the store's TTL granularity, but at least 200 ms so that "still
     * there right after writing" holds on a busy machine.
     */
    static Duration step(StoreCapabilities capabilities) {
        Duration granularity = capabilities.ttlGranularity();
        return granularity.compareTo(Duration.ofMillis(200)) > 0 ? granularity : Duration.ofMillis(200);
    }

    /** Sleeps until an entry written now with {@code ttl} must be gone on a store of this granularity. */
    static void waitPastTtl(Duration ttl, StoreCapabilities capabilities) {
        sleep(ttl.plus(capabilities.ttlGranularity().multipliedBy(2)).plusMillis(250));
    }

    static void assumeCapability(boolean present, String reason) {
        assumeTrue(present, () -> "capability missing: " + reason);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Runs {@code threads} tasks at once (released together by a barrier) and returns their
     * results in task order; fails if one threw or they did not finish within {@link #PATIENCE}.
     */
    static <T> List<T> runConcurrently(int threads, IntFunction<Callable<T>> task) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                Callable<T> work = task.apply(i);
                futures.add(pool.submit(() -> {
                    start.await();
                    return work.call();
                }));
            }
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    /** The operations {@code store} was called for since its last reset, with their counts. */
    static Map<CountingStore.Operation, Long> calls(CountingStore store) {
        Map<CountingStore.Operation, Long> made = new EnumMap<>(CountingStore.Operation.class);
        store.snapshot().forEach((operation, count) -> {
            if (count > 0) {
                made.put(operation, count);
            }
        });
        return made;
    }

    /** A backend whose store calls are counted. */
    record Counted(Backend backend, CountingStore store) {}
}
