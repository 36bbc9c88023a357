package dev.cachekit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.cache.interceptor.SimpleKey;

@DisplayName("CachekitSpringCache over the memory store")
class CachekitSpringCacheTest {

    private final CacheStatistics statistics = new CacheStatistics();
    private Cache cache;
    private CachekitCacheManager manager;
    private CachekitSpringCache users;

    @BeforeEach
    void open() {
        cache = Caches.builder().uri("memory:").listener(statistics).build();
        manager = CachekitCacheManager.builder(cache)
                .cache("users", CacheSettings.defaults().withTtl(Duration.ofMinutes(5)))
                .build();
        users = manager.getCache("users");
    }

    @AfterEach
    void close() {
        cache.close();
    }

    @Test
    @DisplayName("keeps an entry at <name>::<stable key>, tagged with the cache name")
    void layout() {
        users.put(new SimpleKey("alice", 42L), "v");
        assertThat(users.cachekitKey(new SimpleKey("alice", 42L))).isEqualTo("users::#(alice,#42)");
        assertThat(cache.tags("users").get("users::#(alice,#42)", String.class).value())
                .isEqualTo("v");
    }

    @Test
    @DisplayName("tells a miss, a cached null and a value apart")
    void threeOutcomes() {
        assertThat(users.get("k")).isNull();
        users.put("k", null);
        assertThat(users.get("k")).isNotNull();
        assertThat(users.get("k").get()).isNull();
        users.put("k", "v");
        assertThat(users.get("k").get()).isEqualTo("v");
        assertThat(users.get("k", String.class)).isEqualTo("v");
        assertThatThrownBy(() -> users.get("k", Integer.class))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("java.lang.String")
                .hasMessageContaining("java.lang.Integer");
    }

    @Test
    @DisplayName("putIfAbsent writes only to an absent key and returns what it found")
    void putIfAbsent() {
        assertThat(users.putIfAbsent("k", "first")).isNull();
        assertThat(users.putIfAbsent("k", "second").get()).isEqualTo("first");
        assertThat(users.get("k").get()).isEqualTo("first");
    }

    @Test
    @DisplayName("evict and evictIfPresent remove one entry")
    void evict() {
        users.put("a", 1);
        users.put("b", 2);
        assertThat(users.evictIfPresent("a")).isTrue();
        assertThat(users.evictIfPresent("a")).isFalse();
        users.evict("b");
        assertThat(users.get("a")).isNull();
        assertThat(users.get("b")).isNull();
    }

    @Test
    @DisplayName("clear empties its own cache and leaves the others' entries")
    void clearIsOneCacheOnly() {
        CachekitSpringCache orders = manager.getCache("orders");
        users.put("k", "u");
        orders.put("k", "o");
        users.clear();
        assertThat(users.get("k")).isNull();
        assertThat(orders.get("k").get()).isEqualTo("o");
        users.put("k", "u2");
        assertThat(users.invalidate()).isFalse();
        assertThat(users.get("k")).isNull();
    }

    @Test
    @DisplayName("extra tags are on every entry, so flushing one of them empties the cache")
    void extraTags() {
        CachekitCacheManager tagged = CachekitCacheManager.builder(cache)
                .cache("prices", CacheSettings.defaults().withTags("catalog"))
                .build();
        CachekitSpringCache prices = tagged.getCache("prices");
        prices.put(1L, "p");
        assertThat(prices.get(1L).get()).isEqualTo("p");
        cache.tags("catalog").flush();
        assertThat(prices.get(1L)).isNull();
    }

    @Test
    @DisplayName("get(key, Callable) loads once, then reads; a failing loader is a ValueRetrievalException")
    void loading() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(users.get("k", () -> "loaded" + calls.incrementAndGet())).isEqualTo("loaded1");
        assertThat(users.get("k", () -> "loaded" + calls.incrementAndGet())).isEqualTo("loaded1");
        assertThat(calls).hasValue(1);

        IOException failure = new IOException("db down");
        assertThatThrownBy(() -> users.get("bad", () -> {
                    throw failure;
                }))
                .isInstanceOf(org.springframework.cache.Cache.ValueRetrievalException.class)
                .hasCause(failure);
        assertThat(users.get("bad")).isNull();
    }

    @Test
    @DisplayName("without null values, a null put or load is refused and nothing is cached")
    void nullsRefused() {
        CachekitSpringCache strict = CachekitCacheManager.builder(cache)
                .allowNullValues(false)
                .build()
                .getCache("strict");
        assertThatThrownBy(() -> strict.put("k", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("strict");
        assertThatThrownBy(() -> strict.get("k", () -> null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(strict.get("k")).isNull();
    }

    @Test
    @DisplayName("retrieve completes with the wrapped value, null on a miss; retrieve with a loader loads once")
    void retrieve() throws ExecutionException, InterruptedException {
        assertThat(users.retrieve("k").get()).isNull();
        users.put("k", "v");
        Object found = users.retrieve("k").get();
        assertThat(found).isInstanceOf(org.springframework.cache.Cache.ValueWrapper.class);
        assertThat(((org.springframework.cache.Cache.ValueWrapper) found).get()).isEqualTo("v");

        AtomicInteger calls = new AtomicInteger();
        assertThat(users.retrieve("async", () -> CompletableFuture.completedFuture("a" + calls.incrementAndGet()))
                        .get())
                .isEqualTo("a1");
        assertThat(users.retrieve("async", () -> CompletableFuture.completedFuture("a" + calls.incrementAndGet()))
                        .get())
                .isEqualTo("a1");
        IllegalStateException failure = new IllegalStateException("no");
        assertThatThrownBy(() -> users.retrieve("failing", () -> CompletableFuture.<String>failedFuture(failure))
                        .get())
                .isInstanceOf(ExecutionException.class)
                .hasCause(failure);
    }

    @Test
    @DisplayName("a cache name that could share keys with another is refused")
    void badNames() {
        assertThatThrownBy(() -> manager.getCache("a::b")).hasMessageContaining("a::b");
        assertThatThrownBy(() -> manager.getCache("a:")).hasMessageContaining("'a:'");
        assertThatThrownBy(() -> manager.getCache("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @DisplayName("an unsupported key type fails naming the cache and the type")
    void unsupportedKey() {
        assertThatThrownBy(() -> users.get(new Object()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cache 'users'")
                .hasMessageContaining("java.lang.Object");
    }

    @Test
    @DisplayName("statistics count the reads and loads of get(key, Callable) per cache name")
    void statistics() {
        users.get("k", () -> "v");
        users.get("k", () -> "v");
        assertThatThrownBy(() -> users.get("bad", () -> {
            throw new IOException("x");
        }));
        CacheStatistics.Counts counts = statistics.of("users");
        assertThat(counts.hits()).isEqualTo(1);
        // Each load's first read missed; a re-read under the load lock may count as a miss too.
        assertThat(counts.misses()).isGreaterThanOrEqualTo(2);
        assertThat(counts.puts()).isEqualTo(1);
        assertThat(counts.loadSuccesses()).isEqualTo(1);
        assertThat(counts.loadFailures()).isEqualTo(1);
        assertThat(statistics.of("orders").hits()).isZero();
    }
}
