package dev.cachekit.tck;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.CacheLoadException;
import dev.cachekit.CorruptEntryException;
import dev.cachekit.LoadTimeoutPolicy;
import dev.cachekit.TaggedCache;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.spi.Store;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The contract of the async calls over a backend: their futures complete with what the blocking
 * calls return, seen by a second client; a cancelled load leaves no load lock at the store, so
 * another client loads at once; and a future fails with the cachekit exception the blocking call
 * throws, never wrapped. The async calls run the blocking ones on the cache's executor, so what
 * depends on the backend is small: that the lock a load ends with is really released, and that
 * the backend's values and failures reach the future unchanged.
 */
public abstract class AsyncContract extends ContractSupport {

    /** Creates the contract; subclasses supply the fixture. */
    protected AsyncContract() {}

    /**
     * The backend under test.
     *
     * @return the fixture
     */
    @Override
    protected abstract BackendFixture fixture();

    private KeyLayout layout() {
        return KeyLayout.of(prefix());
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.get(PATIENCE.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The exception a future completed with, as the cache completed it (not wrapped by a join). */
    private static Throwable failureOf(CompletableFuture<?> future) throws Exception {
        return await(future.handle((value, failure) -> failure));
    }

    @Nested
    class Futures {

        @Test
        @DisplayName("putAsync, getAsync and getOrLoadAsync complete with what the blocking calls see, through a"
                + " second client too; the load runs once, on the cache's own thread, never the common pool")
        void sameValues() throws Exception {
            Cache cache = cache(open());
            Cache other = cache(openSecond());
            await(cache.putAsync("a", "A"));
            await(cache.putAsync("n", null, Duration.ofMinutes(5)));

            assertThat(other.get("a", String.class).value())
                    .as("blocking read of putAsync")
                    .isEqualTo("A");
            assertThat(await(other.getAsync("a", String.class)))
                    .as("getAsync against get")
                    .isEqualTo(other.get("a", String.class));
            assertThat(await(other.getAsync("n", String.class)).isCachedNull())
                    .as("a cached null")
                    .isTrue();
            assertThat(await(other.getAsync("missing", String.class)).isMiss())
                    .as("a miss")
                    .isTrue();

            TaggedCache view = cache.tags("t");
            await(view.putAsync("t1", "T"));
            assertThat(await(other.tags("t").getAsync("t1", String.class)).value())
                    .as("tagged")
                    .isEqualTo("T");
            view.flush();
            assertThat(await(other.tags("t").getAsync("t1", String.class)).isMiss())
                    .as("after a flush")
                    .isTrue();

            AtomicInteger loads = new AtomicInteger();
            List<Thread> loaders = new CopyOnWriteArrayList<>();
            assertThat(await(cache.getOrLoadAsync("k", String.class, () -> {
                        loads.incrementAndGet();
                        loaders.add(Thread.currentThread());
                        return CompletableFuture.completedFuture("L");
                    })))
                    .isEqualTo("L");
            assertThat(await(other.getOrLoadAsync("k", String.class, () -> {
                        loads.incrementAndGet();
                        return CompletableFuture.completedFuture("again");
                    })))
                    .as("the second client reads the loaded value")
                    .isEqualTo("L");
            assertThat(loads).as("loader calls").hasValue(1);
            assertThat(loaders)
                    .singleElement()
                    .satisfies(thread -> assertThat(thread)
                            .as("the loading thread")
                            .isNotInstanceOf(ForkJoinWorkerThread.class)
                            .extracting(Thread::getName)
                            .asString()
                            .startsWith("cachekit-async-"));
        }

        @Test
        @DisplayName("a getOrLoadAsync cancelled while its stage runs: the load ends and releases its lock, so the"
                + " second client takes it at once and reads the value, with no load of its own")
        void cancelLeavesNoLock() throws Exception {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                // A lock left held would last an hour, and a caller waiting for it would fail.
                Cache cache = track(cacheBuilder(open())
                        .executor(pool)
                        .lockLease(Duration.ofHours(1))
                        .build());
                Cache other = track(cacheBuilder(openSecond())
                        .lockLease(Duration.ofHours(1))
                        .loadTimeout(PATIENCE)
                        .loadTimeoutPolicy(LoadTimeoutPolicy.FAIL)
                        .build());
                CountDownLatch loading = new CountDownLatch(1);
                CompletableFuture<String> stage = new CompletableFuture<>();
                CompletableFuture<String> future = cache.getOrLoadAsync("k", String.class, () -> {
                    loading.countDown();
                    return stage;
                });
                assertThat(loading.await(PATIENCE.toNanos(), TimeUnit.NANOSECONDS))
                        .as("the load started")
                        .isTrue();
                assertThat(backendFixture().rawGet(layout().loadLock("k")))
                        .as("the load lock while the stage runs")
                        .isNotNull();
                assertThat(future.cancel(true)).as("cancelled").isTrue();
                stage.complete("first");
                // The pool's one thread runs tasks in order: once this one ran, the load has ended.
                await(pool.submit(() -> null));

                assertThat(backendFixture().rawGet(layout().loadLock("k")))
                        .as("the load lock after the cancelled load ended")
                        .isNull();
                AtomicInteger loads = new AtomicInteger();
                assertThat(other.getOrLoad("k", String.class, () -> "other" + loads.incrementAndGet()))
                        .as("the second client reads what the cancelled load wrote")
                        .isEqualTo("first");
                assertThat(loads).as("the second client's loader calls").hasValue(0);
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @DisplayName("futures fail with the cachekit exceptions of the blocking calls: a damaged entry, a failed"
                + " stage; nothing is loaded over a damaged entry and no lock is left held")
        void cachekitExceptions() throws Exception {
            Backend backend = open();
            Cache cache = cache(backend);
            String damaged = layout().entry("d");
            backend.store().set(damaged, bytes("not an envelope"), Store.NO_EXPIRY);
            AtomicInteger loads = new AtomicInteger();

            assertThat(failureOf(cache.getAsync("d", String.class)))
                    .as("getAsync of a damaged entry")
                    .isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining(damaged);
            assertThat(failureOf(cache.getOrLoadAsync("d", String.class, () -> {
                        loads.incrementAndGet();
                        return CompletableFuture.completedFuture("v");
                    })))
                    .as("getOrLoadAsync of a damaged entry")
                    .isInstanceOf(CorruptEntryException.class)
                    .hasMessageContaining(damaged);
            assertThat(loads).as("loader calls over a damaged entry").hasValue(0);
            assertThat(backendFixture().rawGet(layout().loadLock("d")))
                    .as("the load lock of the damaged entry")
                    .isNull();

            IOException down = new IOException("database down");
            assertThat(failureOf(cache.getOrLoadAsync("f", String.class, () -> CompletableFuture.failedFuture(down))))
                    .as("a failed stage")
                    .isInstanceOf(CacheLoadException.class)
                    .hasCause(down);
            assertThat(cache.get("f", String.class).isMiss())
                    .as("nothing cached after a failed stage")
                    .isTrue();
            assertThat(backendFixture().rawGet(layout().loadLock("f")))
                    .as("the load lock after a failed stage")
                    .isNull();
        }
    }
}
