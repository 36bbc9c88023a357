package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheException;
import dev.cachekit.CacheListener;
import dev.cachekit.CacheLoadException;
import dev.cachekit.HeldLock;
import dev.cachekit.LoadTimeoutPolicy;
import dev.cachekit.Lookup;
import dev.cachekit.StoreException;
import dev.cachekit.spi.KeyLayout;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("async calls")
class AsyncCallsTest {

    private static final String LOAD_LOCK =
            KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).loadLock("k");

    private final List<Cache> caches = new ArrayList<>();
    private final List<ExecutorService> pools = new ArrayList<>();

    @AfterEach
    void close() {
        caches.forEach(Cache::close);
        pools.forEach(ExecutorService::shutdownNow);
    }

    private Cache open(CacheBuilder builder) {
        Cache cache = builder.build();
        caches.add(cache);
        return cache;
    }

    private ExecutorService singleThread(String name) {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
        pools.add(pool);
        return pool;
    }

    /** The exception a future completed with, as given to completeExceptionally (not wrapped). */
    private static Throwable failureOf(CompletableFuture<?> future) {
        return future.handle((value, failure) -> failure).join();
    }

    @Test
    @DisplayName("futures complete with what the blocking calls return: a value, a cached null, a miss")
    void sameResults() {
        Cache cache = open(Caches.builder().uri("memory:"));
        cache.putAsync("a", "A").join();
        cache.putAsync("n", null, Duration.ofMinutes(1)).join();

        assertThat(cache.getAsync("a", String.class).join()).isEqualTo(cache.get("a", String.class));
        assertThat(cache.getAsync("a", String.class).join().value()).isEqualTo("A");
        assertThat(cache.getAsync("n", String.class).join().isCachedNull()).isTrue();
        assertThat(cache.getAsync("missing", String.class).join().isMiss()).isTrue();
        assertThat(cache.tags("t").getAsync("a", String.class).join().value()).isEqualTo("A");

        AtomicInteger loads = new AtomicInteger();
        assertThat(cache.getOrLoadAsync("k", String.class, () -> {
                            loads.incrementAndGet();
                            return CompletableFuture.completedFuture("loaded");
                        })
                        .join())
                .isEqualTo("loaded");
        assertThat(cache.getOrLoadAsync("k", String.class, () -> {
                            loads.incrementAndGet();
                            return CompletableFuture.completedFuture("again");
                        })
                        .join())
                .isEqualTo("loaded");
        assertThat(loads).hasValue(1);
        assertThat(cache.get("k", String.class).value()).isEqualTo("loaded");
    }

    @Test
    @DisplayName("getAllAsync completes with what getAll returns: each key once, in order, hit, cached null and miss")
    void getAllAsync() {
        Cache cache = open(Caches.builder().uri("memory:"));
        cache.put("a", "A");
        cache.put("n", null);
        List<String> keys = List.of("a", "n", "missing", "a");
        Map<String, Lookup<String>> async =
                cache.getAllAsync(keys, String.class).join();
        assertThat(async).isEqualTo(cache.getAll(keys, String.class));
        assertThat(new ArrayList<>(async.keySet())).containsExactly("a", "n", "missing");
        assertThat(async.get("a").value()).isEqualTo("A");
        assertThat(async.get("n").isCachedNull()).isTrue();
        assertThat(async.get("missing").isMiss()).isTrue();
    }

    @Test
    @DisplayName("argument errors and a closed cache are thrown on the caller's thread, not through the future")
    void argumentErrorsAtOnce() {
        Cache cache = open(Caches.builder().uri("memory:"));
        assertThatThrownBy(() -> cache.getAsync(null, String.class)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.getAsync("", String.class)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.getAsync("k", null)).isInstanceOf(NullPointerException.class);
        List<String> withNull = new ArrayList<>(List.of("a"));
        withNull.add(null);
        assertThatThrownBy(() -> cache.getAllAsync(withNull, String.class)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> cache.getAllAsync(List.of("a", ""), String.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.putAsync("", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.putAsync("k", "v", Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ttl");
        assertThatThrownBy(() -> cache.getOrLoadAsync("k", String.class, Duration.ofSeconds(-1), () -> null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> cache.getOrLoadAsync("k", String.class, null))
                .isInstanceOf(NullPointerException.class);

        cache.close();
        assertThatThrownBy(() -> cache.getAsync("k", String.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> cache.putAsync("k", "v")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cache.getOrLoadAsync("k", String.class, () -> null))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    @DisplayName("a store that is down fails the future with the StoreException instance the call threw")
    void storeErrorsAreTheSameInstance() {
        FailingStore store = new FailingStore();
        List<StoreException> thrown = new CopyOnWriteArrayList<>();
        Cache cache = open(Caches.builder().store(store).listener(new CacheListener() {
            @Override
            public void storeError(String operation, String key, StoreException error) {
                thrown.add(error);
            }
        }));
        store.down();

        Throwable read = failureOf(cache.getAsync("k", String.class));
        Throwable write = failureOf(cache.putAsync("k", "v"));
        Throwable load =
                failureOf(cache.getOrLoadAsync("k", String.class, () -> CompletableFuture.completedFuture("v")));

        assertThat(List.of(read, write, load))
                .allSatisfy(e ->
                        assertThat(e).isInstanceOf(StoreException.class).hasMessageContaining("memory test-server"));
        assertThat(thrown).hasSize(3);
        assertThat(read).isSameAs(thrown.get(0));
        assertThat(write).isSameAs(thrown.get(1));
        assertThat(load).isSameAs(thrown.get(2));
        // join() wraps once, as for any future completed exceptionally: no second layer.
        assertThatThrownBy(() -> cache.getAsync("k", String.class).join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOf(StoreException.class);
    }

    @Test
    @DisplayName("a failed stage is a CacheLoadException with the stage's own cause; nothing is cached")
    void stageFailures() {
        Cache cache = open(Caches.builder().uri("memory:"));
        IOException down = new IOException("database down");

        Throwable failed =
                failureOf(cache.getOrLoadAsync("k", String.class, () -> CompletableFuture.failedFuture(down)));
        assertThat(failed).isInstanceOf(CacheLoadException.class).hasCause(down);
        assertThat(((CacheLoadException) failed).key()).isEqualTo("k");

        Throwable wrapped = failureOf(cache.getOrLoadAsync(
                "k", String.class, () -> CompletableFuture.failedFuture(new CompletionException(down))));
        assertThat(wrapped).isInstanceOf(CacheLoadException.class).hasCause(down);

        Throwable thrownAtStart = failureOf(cache.getOrLoadAsync("k", String.class, () -> {
            throw down;
        }));
        assertThat(thrownAtStart).isInstanceOf(CacheLoadException.class).hasCause(down);

        Throwable nullStage = failureOf(cache.getOrLoadAsync("k", String.class, () -> null));
        assertThat(nullStage)
                .isInstanceOf(CacheLoadException.class)
                .cause()
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("'k'");

        assertThat(cache.get("k", String.class).isMiss()).isTrue();
        assertThat(cache.getOrLoadAsync("k", String.class, () -> CompletableFuture.completedFuture(null))
                        .join())
                .isNull();
        assertThat(cache.get("k", String.class).isCachedNull()).isTrue();
    }

    @Test
    @DisplayName("a stage that outlives the load timeout fails the call, caches nothing and frees the lock")
    void stageBoundedByLoadTimeout() {
        Cache cache = open(Caches.builder().uri("memory://async-stage-timeout").loadTimeout(Duration.ofMillis(200)));
        Cache other = open(Caches.builder().uri("memory://async-stage-timeout"));
        Throwable failed = failureOf(cache.getOrLoadAsync("k", String.class, CompletableFuture::new));
        assertThat(failed)
                .isInstanceOf(CacheLoadException.class)
                .cause()
                .isInstanceOf(java.util.concurrent.TimeoutException.class)
                .hasMessageContaining("'k'")
                .hasMessageContaining("load timeout");
        assertThat(cache.get("k", String.class).isMiss()).isTrue();
        try (HeldLock lock = ((DefaultCache) other).lockAt(LOAD_LOCK, Duration.ofSeconds(30))) {
            assertThat(lock).isNotNull();
        }
    }

    @Test
    @DisplayName("no work runs on the common pool: loader, stage wait and listener run on the cache's own threads")
    void ownThreads() {
        List<Thread> seen = new CopyOnWriteArrayList<>();
        Cache cache = open(Caches.builder().uri("memory://async-threads").listener(new CacheListener() {
            @Override
            public void read(String key, ReadResult result, Duration took) {
                seen.add(Thread.currentThread());
            }
        }));
        Thread caller = Thread.currentThread();
        cache.getAsync("a", String.class).join();
        cache.getOrLoadAsync("k", String.class, () -> {
                    seen.add(Thread.currentThread());
                    // A stage completed on the common pool: its wait still runs on the cache's thread.
                    return CompletableFuture.supplyAsync(() -> "v");
                })
                .join();
        cache.putAsync("p", "v").join();

        assertThat(seen).hasSizeGreaterThanOrEqualTo(3).allSatisfy(thread -> {
            assertThat(thread).isNotInstanceOf(ForkJoinWorkerThread.class).isNotSameAs(caller);
            assertThat(thread.getName()).isEqualTo("cachekit-async-memory://async-threads");
            assertThat(thread.isDaemon()).isTrue();
        });
    }

    @Test
    @DisplayName("a given executor runs the calls and is never shut down by close")
    void givenExecutor() throws Exception {
        ExecutorService pool = singleThread("app-pool");
        List<String> threads = new CopyOnWriteArrayList<>();
        Cache cache = Caches.builder()
                .uri("memory:")
                .executor(pool)
                .listener(new CacheListener() {
                    @Override
                    public void read(String key, ReadResult result, Duration took) {
                        threads.add(Thread.currentThread().getName());
                    }
                })
                .build();
        cache.getAsync("k", String.class).join();
        cache.close();
        assertThat(threads).containsExactly("app-pool");
        assertThat(pool.isShutdown()).isFalse();
        assertThat(pool.submit(() -> "still running").get()).isEqualTo("still running");
    }

    @Test
    @DisplayName("the own pool, 8 threads busy and 10,000 calls queued: the next call fails as saturated")
    void saturation() throws Exception {
        Cache cache = open(Caches.builder().uri("memory://async-saturated"));
        CountDownLatch started = new CountDownLatch(CacheBuilder.DEFAULT_EXECUTOR_THREADS);
        CountDownLatch release = new CountDownLatch(1);
        List<CompletableFuture<String>> busy = new ArrayList<>();
        for (int i = 0; i < CacheBuilder.DEFAULT_EXECUTOR_THREADS; i++) {
            busy.add(cache.getOrLoadAsync("busy" + i, String.class, () -> {
                started.countDown();
                release.await();
                return CompletableFuture.completedFuture("v");
            }));
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<Lookup<String>>> queued = new ArrayList<>();
        for (int i = 0; i < CacheBuilder.DEFAULT_EXECUTOR_QUEUE; i++) {
            queued.add(cache.getAsync("q", String.class));
        }
        CompletableFuture<Lookup<String>> refused = cache.getAsync("q", String.class);

        assertThat(queued).noneMatch(CompletableFuture::isDone);
        assertThat(failureOf(refused))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("saturated")
                .hasMessageContaining("memory://async-saturated")
                .hasCauseInstanceOf(RejectedExecutionException.class);

        release.countDown();
        assertThat(busy).allSatisfy(f -> assertThat(f.join()).isEqualTo("v"));
        assertThat(queued).allSatisfy(f -> assertThat(f.join().isMiss()).isTrue());
    }

    @Test
    @DisplayName("a given executor that refuses a call fails its future with a CacheException")
    void givenExecutorRefuses() {
        Cache cache = open(Caches.builder().uri("memory:").executor(task -> {
            throw new RejectedExecutionException("full");
        }));
        assertThat(failureOf(cache.getAsync("k", String.class)))
                .isInstanceOf(CacheException.class)
                .hasMessageContaining("refused")
                .hasMessageContaining("memory:");
    }

    @Test
    @DisplayName("close shuts the own pool down: a queued call fails as closed, the threads end")
    void closeShutsTheOwnPoolDown() throws Exception {
        String name = "cachekit-async-memory://async-close";
        Cache cache = open(Caches.builder().uri("memory://async-close"));
        CountDownLatch started = new CountDownLatch(CacheBuilder.DEFAULT_EXECUTOR_THREADS);
        CountDownLatch release = new CountDownLatch(1);
        for (int i = 0; i < CacheBuilder.DEFAULT_EXECUTOR_THREADS; i++) {
            cache.getOrLoadAsync("busy" + i, String.class, () -> {
                started.countDown();
                release.await();
                return CompletableFuture.completedFuture("v");
            });
        }
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Lookup<String>> queued = cache.getAsync("q", String.class);

        Thread closing = new Thread(cache::close);
        closing.start();
        while (!isClosed(cache)) {
            Thread.onSpinWait();
        }
        release.countDown();
        closing.join();

        assertThat(failureOf(queued)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(Thread.getAllStackTraces().keySet())
                .noneMatch(t -> t.getName().equals(name) && t.isAlive());
        assertThatThrownBy(() -> cache.getAsync("q", String.class)).isInstanceOf(IllegalStateException.class);
    }

    private static boolean isClosed(Cache cache) {
        try {
            cache.get("probe", String.class);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    @Test
    @DisplayName("cancelling a load in flight leaves no lock and no single flight: another cache and a new call go"
            + " on at once")
    void cancelLeavesNothingBehind() throws Exception {
        ExecutorService pool = singleThread("app-pool");
        List<String> joined = new CopyOnWriteArrayList<>();
        CacheBuilder shared = Caches.builder()
                .uri("memory://async-cancel")
                // A lock left held would be held for an hour, and a caller waiting for it would fail.
                .lockLease(Duration.ofHours(1))
                .loadTimeout(Duration.ofSeconds(10))
                .loadTimeoutPolicy(LoadTimeoutPolicy.FAIL);
        Cache cache = open(shared.executor(pool).listener(new CacheListener() {
            @Override
            public void joinedLoad(String key) {
                joined.add(key);
            }
        }));
        Cache other = open(Caches.builder()
                .uri("memory://async-cancel")
                .lockLease(Duration.ofHours(1))
                .loadTimeout(Duration.ofSeconds(10))
                .loadTimeoutPolicy(LoadTimeoutPolicy.FAIL));

        CountDownLatch loading = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> future = cache.getOrLoadAsync("k", String.class, () -> {
            loading.countDown();
            return CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return "first";
                    },
                    singleThread("slow-database"));
        });
        assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(future.cancel(true)).isTrue();
        release.countDown();
        // The executor's one thread runs tasks in order: once this one ran, the load has ended.
        pool.submit(() -> null).get(30, TimeUnit.SECONDS);

        // (a) The other cache takes the key's load lock at once, and reads the value the load wrote.
        try (HeldLock lock = ((DefaultCache) other).lockAt(LOAD_LOCK, Duration.ofSeconds(30))) {
            assertThat(lock).isNotNull();
        }
        AtomicInteger otherLoads = new AtomicInteger();
        assertThat(other.getOrLoad("k", String.class, () -> "other" + otherLoads.incrementAndGet()))
                .isEqualTo("first");
        assertThat(otherLoads).hasValue(0);

        // (b) A new load in the same cache leads its own flight instead of joining a dead one.
        cache.remove("k");
        AtomicInteger loads = new AtomicInteger();
        assertThat(cache.getOrLoad("k", String.class, () -> "second" + loads.incrementAndGet()))
                .isEqualTo("second1");
        assertThat(cache.getOrLoadAsync("k2", String.class, () -> {
                            loads.incrementAndGet();
                            return CompletableFuture.completedFuture("v2");
                        })
                        .join())
                .isEqualTo("v2");
        assertThat(loads).hasValue(2);
        assertThat(joined).isEmpty();
        assertThat(future.isCancelled()).isTrue();
    }

    @Test
    @DisplayName("a call cancelled while still queued never runs: its loader is not called")
    void cancelledWhileQueued() throws Exception {
        ExecutorService pool = singleThread("app-pool");
        Cache cache = open(Caches.builder().uri("memory:").executor(pool));
        CountDownLatch release = new CountDownLatch(1);
        pool.execute(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AtomicInteger loads = new AtomicInteger();
        CompletableFuture<String> queued = cache.getOrLoadAsync("k", String.class, () -> {
            loads.incrementAndGet();
            return CompletableFuture.completedFuture("v");
        });
        CompletableFuture<Void> put = cache.putAsync("p", "v");
        queued.cancel(false);
        put.cancel(false);
        release.countDown();
        pool.submit(() -> null).get(30, TimeUnit.SECONDS);

        assertThat(loads).hasValue(0);
        assertThat(cache.get("k", String.class).isMiss()).isTrue();
        assertThat(cache.get("p", String.class).isMiss()).isTrue();
    }

    @Test
    @DisplayName("8 async callers on one cold key: one load, every future gets its value")
    void singleFlight() {
        Cache cache = open(Caches.builder().uri("memory:"));
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Map<Integer, CompletableFuture<String>> futures = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            futures.put(i, cache.getOrLoadAsync("k", String.class, () -> {
                loads.incrementAndGet();
                return CompletableFuture.supplyAsync(() -> {
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return "v";
                });
            }));
        }
        release.countDown();
        assertThat(futures.values()).allSatisfy(f -> assertThat(f.join()).isEqualTo("v"));
        assertThat(loads).hasValue(1);
    }
}
