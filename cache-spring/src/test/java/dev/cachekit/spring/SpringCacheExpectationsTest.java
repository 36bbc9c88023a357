package dev.cachekit.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanUtils;
import org.springframework.cache.support.NullValue;

/**
 * What Spring's own cache tests ({@code AbstractCacheTests} in spring-context's test fixtures,
 * which are not published) expect of every {@link org.springframework.cache.Cache}, including the
 * {@link NullValue} that Spring's caches and cache-manager decorators hand to {@code put}.
 */
@DisplayName("CachekitSpringCache meets Spring's own cache expectations")
class SpringCacheExpectationsTest {

    private Cache cache;
    private CachekitSpringCache spring;

    @BeforeEach
    void open() {
        cache = Caches.open("memory:");
        spring = CachekitCacheManager.builder(cache).build().getCache("testCache");
    }

    @AfterEach
    void close() {
        cache.close();
    }

    private static String key() {
        return UUID.randomUUID().toString();
    }

    @Test
    @DisplayName("put of a value, of null and of NullValue reads back as Spring's caches read them")
    void put() {
        String key = key();
        assertThat(spring.get(key)).isNull();
        assertThat(spring.get(key, String.class)).isNull();

        spring.put(key, "george");
        assertThat(spring.get(key).get()).isEqualTo("george");
        assertThat(spring.get(key, String.class)).isEqualTo("george");
        assertThat(spring.get(key, (Class<?>) null)).isEqualTo("george");

        spring.put(key, null);
        assertThat(spring.get(key)).isNotNull();
        assertThat(spring.get(key).get()).isNull();
        assertThat(spring.get(key, String.class)).isNull();

        spring.put(key, "george");
        spring.put(key, NullValue.INSTANCE);
        assertThat(spring.get(key)).isNotNull();
        assertThat(spring.get(key).get()).isNull();
        assertThat(spring.get(key, String.class)).isNull();
        assertThat(cache.tags("testCache")
                        .get(spring.cachekitKey(key), Object.class)
                        .isCachedNull())
                .as("NullValue is stored as a cached null, not as an object")
                .isTrue();

        // Another NullValue instance (deserialised elsewhere) is the same null.
        spring.put(key, "george");
        spring.put(key, BeanUtils.instantiateClass(NullValue.class));
        assertThat(spring.get(key).get()).isNull();
    }

    @Test
    @DisplayName("putIfAbsent of NullValue stores a cached null, which a later putIfAbsent finds")
    void putIfAbsentNullValue() {
        String key = key();
        assertThat(spring.putIfAbsent(key, NullValue.INSTANCE)).isNull();
        assertThat(spring.get(key).get()).isNull();
        assertThat(spring.putIfAbsent(key, "other").get()).isNull();
        assertThat(spring.get(key).get()).isNull();

        String other = key();
        assertThat(spring.putIfAbsent(other, "initial")).isNull();
        assertThat(spring.putIfAbsent(other, NullValue.INSTANCE).get()).isEqualTo("initial");
        assertThat(spring.get(other).get()).isEqualTo("initial");
    }

    @Test
    @DisplayName("evict and evictIfPresent remove a cached null like a value")
    void evictNull() {
        String key = key();
        spring.put(key, NullValue.INSTANCE);
        spring.evict(key);
        assertThat(spring.get(key)).isNull();
        spring.put(key, NullValue.INSTANCE);
        assertThat(spring.evictIfPresent(key)).isTrue();
        assertThat(spring.get(key)).isNull();
    }

    @Test
    @DisplayName("get(key, Callable) caches a null or NullValue result and returns null; a hit skips the loader")
    void getCallable() {
        String key = key();
        Object loaded = spring.get(key, () -> null);
        assertThat(loaded).isNull();
        assertThat(spring.get(key).get()).isNull();

        String other = key();
        Object loadedNullValue = spring.get(other, () -> NullValue.INSTANCE);
        assertThat(loadedNullValue).isNull();
        assertThat(spring.get(other)).isNotNull();
        assertThat(spring.get(other).get()).isNull();
        Object hitNull = spring.get(other, () -> {
            throw new IllegalStateException("must not run on a hit");
        });
        assertThat(hitNull).isNull();

        String third = key();
        spring.put(third, "existing");
        Object hit = spring.get(third, () -> {
            throw new IllegalStateException("must not run on a hit");
        });
        assertThat(hit).isEqualTo("existing");
    }

    @Test
    @DisplayName("a failing loader is a ValueRetrievalException with the loader's exception as cause")
    void getCallableFails() {
        assertThatThrownBy(() -> spring.get(key(), () -> {
                    throw new UnsupportedOperationException("expected");
                }))
                .isInstanceOf(org.springframework.cache.Cache.ValueRetrievalException.class)
                .cause()
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    @DisplayName("clear empties the cache")
    void clear() {
        spring.put("enescu", "george");
        spring.put("vlaicu", NullValue.INSTANCE);
        spring.clear();
        assertThat(spring.get("enescu")).isNull();
        assertThat(spring.get("vlaicu")).isNull();
    }

    @Test
    @DisplayName("10 threads on get(key, Callable) run the loader once and all get its value")
    void getSynchronized() throws InterruptedException {
        String key = key();
        AtomicInteger loads = new AtomicInteger();
        List<Object> results = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(10);
        for (int i = 0; i < 10; i++) {
            new Thread(() -> {
                        try {
                            start.await();
                            results.add(spring.get(key, () -> {
                                Thread.sleep(50);
                                return loads.incrementAndGet();
                            }));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            done.countDown();
                        }
                    })
                    .start();
        }
        start.countDown();
        assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(results).hasSize(10).containsOnly(1);
        assertThat(loads).hasValue(1);
    }

    @Test
    @DisplayName("a cache that refuses nulls refuses NullValue the same way")
    void nullValueRefused() {
        CachekitSpringCache strict = CachekitCacheManager.builder(cache)
                .allowNullValues(false)
                .build()
                .getCache("strict");
        assertThatThrownBy(() -> strict.put("k", NullValue.INSTANCE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not allow null values");
        assertThatThrownBy(() -> strict.putIfAbsent("k", NullValue.INSTANCE))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(strict.get("k")).isNull();
    }
}
