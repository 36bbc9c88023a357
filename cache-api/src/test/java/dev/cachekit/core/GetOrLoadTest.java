package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheException;
import dev.cachekit.CacheListener;
import dev.cachekit.CacheLoadException;
import dev.cachekit.CacheLoadTimeoutException;
import dev.cachekit.HeldLock;
import dev.cachekit.spi.KeyLayout;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("getOrLoad under contention")
class GetOrLoadTest {

    private final List<Cache> caches = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(64);

    @AfterEach
    void close() {
        pool.shutdownNow();
        caches.forEach(Cache::close);
    }

    private Cache open(String uri) {
        Cache cache = Caches.open(uri);
        caches.add(cache);
        return cache;
    }

    private <T> List<Future<T>> runAll(int threads, Callable<T> task) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return task.call();
            }));
        }
        start.countDown();
        return futures;
    }

    @Test
    @DisplayName("64 threads on one cold key: the loader runs once and all 64 get its value")
    void loadsOnce() throws Exception {
        Cache cache = open("memory:");
        AtomicInteger loads = new AtomicInteger();
        List<Future<String>> results = runAll(
                64,
                () -> cache.tags("users", "user:1").getOrLoad("user:1", String.class, () -> {
                    loads.incrementAndGet();
                    Thread.sleep(100);
                    return "Ada";
                }));

        for (Future<String> result : results) {
            assertThat(result.get()).isEqualTo("Ada");
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    @DisplayName("64 threads over two caches on one store: one load across both")
    void loadsOnceAcrossClients() throws Exception {
        Cache first = open("memory://get-or-load-two-clients");
        Cache second = open("memory://get-or-load-two-clients");
        AtomicInteger loads = new AtomicInteger();
        AtomicInteger turn = new AtomicInteger();
        List<Future<String>> results = runAll(
                64,
                () -> (turn.getAndIncrement() % 2 == 0 ? first : second).getOrLoad("k", String.class, () -> {
                    loads.incrementAndGet();
                    Thread.sleep(100);
                    return "v";
                }));

        for (Future<String> result : results) {
            assertThat(result.get()).isEqualTo("v");
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    @DisplayName("an interrupted loading thread fails alone: the caller that joined it loads instead")
    void interruptedLeaderFailsAlone() throws Exception {
        CountDownLatch leaderWaits = new CountDownLatch(1);
        CountDownLatch followerJoined = new CountDownLatch(1);
        Cache cache = Caches.builder()
                .uri("memory:")
                .listener(new CacheListener() {
                    @Override
                    public void waitingForHolder(String key) {
                        leaderWaits.countDown();
                    }

                    @Override
                    public void joinedLoad(String key) {
                        followerJoined.countDown();
                    }
                })
                .build();
        caches.add(cache);
        HeldLock otherNode = ((DefaultCache) cache)
                .lockAt(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).loadLock("k"), Duration.ofSeconds(30));
        AtomicInteger loads = new AtomicInteger();
        Callable<String> load = () -> cache.getOrLoad("k", String.class, () -> {
            loads.incrementAndGet();
            return "v";
        });
        java.util.concurrent.CompletableFuture<String> leader = new java.util.concurrent.CompletableFuture<>();
        Thread leaderThread = new Thread(() -> {
            try {
                leader.complete(load.call());
            } catch (Throwable t) {
                leader.completeExceptionally(t);
            }
        });
        leaderThread.start();
        leaderWaits.await();
        Future<String> follower = pool.submit(load);
        followerJoined.await();

        leaderThread.interrupt();
        leaderThread.join();
        otherNode.release();

        assertThatThrownBy(leader::join).hasCauseInstanceOf(CacheException.class);
        assertThat(follower.get()).isEqualTo("v");
        assertThat(loads).hasValue(1);
    }

    @Test
    @DisplayName("a throwing loader: all 64 callers see its exception and nothing is cached")
    void failureReachesEveryWaiter() throws Exception {
        Cache cache = open("memory:");
        AtomicInteger loads = new AtomicInteger();
        IOException boom = new IOException("database down");
        List<Future<String>> results = runAll(
                64,
                () -> cache.getOrLoad("user:2", String.class, () -> {
                    loads.incrementAndGet();
                    Thread.sleep(100);
                    throw boom;
                }));

        int failures = 0;
        for (Future<String> result : results) {
            try {
                result.get();
            } catch (ExecutionException e) {
                assertThat(e.getCause())
                        .isInstanceOf(CacheLoadException.class)
                        .hasMessage("loading key 'user:2' failed: java.io.IOException: database down")
                        .hasCause(boom);
                failures++;
            }
        }
        assertThat(failures).isEqualTo(64);
        // Waiters in this JVM share the one failure; only callers arriving after it may try again.
        assertThat(loads.get()).isBetween(1, 64);
        assertThat(cache.get("user:2", String.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("waiters that joined a failing load all get that load's exception without loading")
    void joinedWaitersShareTheFailure() throws Exception {
        Cache cache = open("memory:");
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Future<String> leader = pool.submit(() -> cache.getOrLoad("k", String.class, () -> {
            loads.incrementAndGet();
            release.await();
            throw new IllegalStateException("no");
        }));
        while (loads.get() == 0) {
            Thread.onSpinWait();
        }
        List<Future<String>> followers = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            followers.add(pool.submit(() -> cache.getOrLoad("k", String.class, () -> {
                loads.incrementAndGet();
                return "never";
            })));
        }
        Thread.sleep(200); // let the followers reach the wait
        release.countDown();

        assertThatThrownBy(leader::get).hasCauseInstanceOf(CacheLoadException.class);
        for (Future<String> follower : followers) {
            assertThatThrownBy(follower::get)
                    .cause()
                    .isInstanceOf(CacheLoadException.class)
                    .hasRootCauseMessage("no");
        }
        assertThat(loads).hasValue(1);
    }

    @Test
    @DisplayName("a cached null is returned without calling the loader")
    void cachedNullIsAHit() {
        Cache cache = open("memory:");
        cache.put("nobody", null);
        AtomicInteger loads = new AtomicInteger();

        String value = cache.getOrLoad("nobody", String.class, () -> {
            loads.incrementAndGet();
            return "somebody";
        });

        assertThat(value).isNull();
        assertThat(loads).hasValue(0);
        assertThat(cache.get("nobody", String.class).isCachedNull()).isTrue();
    }

    @Test
    @DisplayName("a loader returning null caches a null")
    void nullResultIsCached() {
        Cache cache = open("memory:");
        assertThat(cache.getOrLoad("ghost", String.class, () -> null)).isNull();
        assertThat(cache.get("ghost", String.class).isCachedNull()).isTrue();
    }

    @Test
    @DisplayName("under FAIL, a caller that cannot get the lock in time gets CacheLoadTimeoutException")
    void timeoutFails() throws Exception {
        Cache holder = open("memory://timeout-fail");
        Cache waiter =
                Caches.builder().uri("memory://timeout-fail?loadTimeout=200ms").build();
        caches.add(waiter);
        try (HeldLock ignored = holderLoadLock(holder, "slow")) {
            assertThatThrownBy(() -> waiter.getOrLoad("slow", String.class, () -> "mine"))
                    .isInstanceOf(CacheLoadTimeoutException.class)
                    .hasMessageStartingWith("key 'slow' was not loaded within PT0.2S");
        }
    }

    @Test
    @DisplayName("under LOAD_ANYWAY, a caller that cannot get the lock in time loads itself")
    void timeoutLoadsAnyway() throws Exception {
        Cache holder = open("memory://timeout-load");
        Cache waiter = open("memory://timeout-load?loadTimeout=200ms&onLoadTimeout=load");
        try (HeldLock ignored = holderLoadLock(holder, "slow")) {
            assertThat(waiter.getOrLoad("slow", String.class, () -> "mine")).isEqualTo("mine");
        }
        assertThat(waiter.get("slow", String.class).value()).isEqualTo("mine");
    }

    @Test
    @DisplayName("a loader that calls getOrLoad for its own key fails at once saying so, and caches nothing")
    void selfCallFailsAtOnce() {
        Cache cache = Caches.builder()
                .uri("memory:")
                .loadTimeout(Duration.ofMinutes(10))
                .build();
        caches.add(cache);
        AtomicInteger inner = new AtomicInteger();
        assertThatThrownBy(() -> cache.getOrLoad(
                        "self",
                        String.class,
                        () -> cache.tags("t").getOrLoad("self", String.class, () -> {
                            inner.incrementAndGet();
                            return "inner";
                        })))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("'self'")
                .hasMessageContaining("the thread that is loading that key");
        assertThat(inner).hasValue(0);
        assertThat(cache.get("self", String.class).isMiss()).isTrue();
        assertThat(cache.getOrLoad("self", String.class, () -> "fine")).isEqualTo("fine");
    }

    /** Takes the load lock of {@code key} the way another node's getOrLoad would hold it. */
    private static HeldLock holderLoadLock(Cache cache, String key) {
        // Load locks live where KeyLayout.loadLock says; named locks where KeyLayout.lock says.
        // Reach the load lock through the SPI with the documented key layout.
        DefaultCache impl = (DefaultCache) cache;
        return impl.lockAt(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).loadLock(key), Duration.ofSeconds(30));
    }
}
