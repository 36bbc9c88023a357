package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheListener;
import dev.cachekit.CacheLoadException;
import dev.cachekit.CacheLoadTimeoutException;
import dev.cachekit.HeldLock;
import dev.cachekit.StoreException;
import dev.cachekit.spi.KeyLayout;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.SortedSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CacheListener")
class CacheListenerTest {

    private final List<String> events = new CopyOnWriteArrayList<>();
    private final List<Duration> durations = new CopyOnWriteArrayList<>();
    private final CountDownLatch waitingStarted = new CountDownLatch(1);
    private final CountDownLatch joined = new CountDownLatch(1);

    private final CacheListener recorder = new CacheListener() {
        @Override
        public void read(String key, ReadResult result, Duration took) {
            record(result.name().toLowerCase(Locale.ROOT) + " " + key, took);
        }

        @Override
        public void put(String key, Duration took) {
            record("put " + key, took);
        }

        @Override
        public void removed(String key, Duration took) {
            record("removed " + key, took);
        }

        @Override
        public void flushed(SortedSet<String> tags, Duration took) {
            record("flushed " + tags, took);
        }

        @Override
        public void joinedLoad(String key) {
            events.add("joined " + key);
            joined.countDown();
        }

        @Override
        public void lockAcquired(String key) {
            events.add("lock " + key);
        }

        @Override
        public void waitingForHolder(String key) {
            events.add("waiting " + key);
            waitingStarted.countDown();
        }

        @Override
        public void waited(String key, Duration waited, boolean gotValue) {
            record("waited " + key + " " + (gotValue ? "got value" : "no value"), waited);
        }

        @Override
        public void loaded(String key, Duration took) {
            record("loaded " + key, took);
        }

        @Override
        public void stored(String key) {
            events.add("stored " + key);
        }

        @Override
        public void loadFailed(String key, Throwable failure) {
            events.add("failed " + key + ": " + failure.getMessage());
        }

        @Override
        public void storeError(String operation, String key, StoreException error) {
            events.add("store error " + operation + " " + key);
        }
    };

    private void record(String event, Duration took) {
        events.add(event);
        durations.add(took);
    }

    private Cache open(String uri) {
        return Caches.builder().uri(uri).listener(recorder).build();
    }

    @Test
    @DisplayName("hears a cold load step by step, then a hit")
    void coldLoadThenHit() {
        try (Cache cache = open("memory:")) {
            cache.getOrLoad("k", String.class, () -> "v");
            cache.getOrLoad("k", String.class, () -> "never");
        }

        assertThat(events).containsExactly("miss k", "lock k", "loaded k", "stored k", "hit k");
        assertThat(durations).allSatisfy(took -> assertThat(took.isNegative()).isFalse());
    }

    @Test
    @DisplayName("hears get as a hit, a miss or a cached null, with how long the read took")
    void getOutcomes() {
        try (Cache cache = open("memory:")) {
            cache.put("v", "V");
            cache.put("none", null);
            events.clear();
            durations.clear();
            cache.get("v", String.class);
            cache.get("none", String.class);
            cache.get("absent", String.class);
            cache.tags("t").get("v", String.class);
        }

        assertThat(events).containsExactly("hit v", "cached_null none", "miss absent", "hit v");
        assertThat(durations)
                .hasSize(4)
                .allSatisfy(took -> assertThat(took.isNegative()).isFalse());
    }

    @Test
    @DisplayName("hears put, remove and flush, with durations")
    void putRemoveFlush() {
        try (Cache cache = open("memory:")) {
            cache.put("a", "A");
            cache.tags("users", "admins").put("b", "B", Duration.ofMinutes(1));
            cache.remove("a");
            cache.tags("users", "admins").flush();
        }

        assertThat(events).containsExactly("put a", "put b", "removed a", "flushed [admins, users]");
        assertThat(durations)
                .hasSize(4)
                .allSatisfy(took -> assertThat(took.isNegative()).isFalse());
    }

    @Test
    @DisplayName("hears a caller join another thread's load and how long it waited for the value")
    void joinedLoadAndWaited() throws Exception {
        CountDownLatch loading = new CountDownLatch(1);
        try (Cache cache = open("memory:")) {
            CompletableFuture<String> leader =
                    CompletableFuture.supplyAsync(() -> cache.getOrLoad("k", String.class, () -> {
                        loading.countDown();
                        joined.await(30, TimeUnit.SECONDS);
                        return "v";
                    }));
            assertThat(loading.await(30, TimeUnit.SECONDS)).isTrue();
            assertThat(cache.getOrLoad("k", String.class, () -> "never"))
                    .as("events %s", events)
                    .isEqualTo("v");
            assertThat(leader.get(30, TimeUnit.SECONDS)).isEqualTo("v");
        }

        assertThat(events).contains("joined k", "waited k got value");
    }

    @Test
    @DisplayName("hears a caller wait for another node's load lock, and the wait end with that node's value")
    void waitingForHolder() throws Exception {
        try (Cache holder = Caches.open("memory://listener-holder");
                Cache waiter = open("memory://listener-holder")) {
            HeldLock lock = ((DefaultCache) holder)
                    .lockAt(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).loadLock("k"), Duration.ofSeconds(30));
            CompletableFuture<String> waiting =
                    CompletableFuture.supplyAsync(() -> waiter.getOrLoad("k", String.class, () -> "never"));
            assertThat(waitingStarted.await(30, TimeUnit.SECONDS)).isTrue();
            holder.put("k", "from the holder");
            lock.release();
            assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo("from the holder");
        }

        assertThat(events).containsSubsequence("miss k", "waiting k", "hit k", "waited k got value");
        assertThat(events).doesNotContain("lock k");
    }

    @Test
    @DisplayName("hears a wait for another node's load end without a value when the load timeout passes")
    void waitedWithoutValue() {
        try (Cache holder = Caches.open("memory://listener-timeout");
                Cache waiter = open("memory://listener-timeout?loadTimeout=200ms")) {
            HeldLock lock = ((DefaultCache) holder)
                    .lockAt(KeyLayout.of(CacheBuilder.DEFAULT_PREFIX).loadLock("k"), Duration.ofSeconds(30));
            assertThatThrownBy(() -> waiter.getOrLoad("k", String.class, () -> "never"))
                    .isInstanceOf(CacheLoadTimeoutException.class);
            lock.release();
        }

        // The waiter re-reads after every poll, so the misses between are as many as the polls.
        assertThat(events).startsWith("miss k", "waiting k").endsWith("waited k no value");
        assertThat(events).doesNotContain("lock k", "waited k got value");
    }

    @Test
    @DisplayName("hears store errors of get, put, remove, flush and getOrLoad, which are thrown on")
    void storeErrors() {
        FailingStore store = new FailingStore();
        try (Cache cache = Caches.builder().store(store).listener(recorder).build()) {
            store.down();
            assertThatThrownBy(() -> cache.get("k", String.class)).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> cache.put("k", "v")).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> cache.remove("k")).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> cache.tags("t").flush()).isInstanceOf(StoreException.class);
            assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> "v"))
                    .isInstanceOf(StoreException.class);
        }

        assertThat(events)
                .containsExactly(
                        "store error get k",
                        "store error put k",
                        "store error remove k",
                        "store error flush null",
                        "store error get k");
    }

    @Test
    @DisplayName("hears a failed load, and a throwing listener does not break the cache")
    void failedLoad() {
        CacheListener throwing = new CacheListener() {
            @Override
            public void read(String key, ReadResult result, Duration took) {
                throw new IllegalStateException("listener bug");
            }

            @Override
            public void loadFailed(String key, Throwable failure) {
                recorder.loadFailed(key, failure);
            }
        };
        try (Cache cache = Caches.builder().uri("memory:").listener(throwing).build()) {
            assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> {
                        throw new IllegalArgumentException("boom");
                    }))
                    .isInstanceOf(CacheLoadException.class);
        }

        assertThat(events).containsExactly("failed k: boom");
    }
}
