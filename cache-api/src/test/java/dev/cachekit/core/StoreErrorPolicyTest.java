package dev.cachekit.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheConfigurationException;
import dev.cachekit.CacheListener;
import dev.cachekit.StoreErrorPolicy;
import dev.cachekit.StoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The store-error policy")
class StoreErrorPolicyTest {

    private final FailingStore store = new FailingStore();
    private final List<String> storeErrors = new CopyOnWriteArrayList<>();
    private final CountDownLatch joined = new CountDownLatch(15);
    private final CacheListener listener = new CacheListener() {
        @Override
        public void storeError(String operation, String key, StoreException error) {
            storeErrors.add(operation + " " + key);
        }

        @Override
        public void joinedLoad(String key) {
            joined.countDown();
        }
    };

    private Cache cache(StoreErrorPolicy policy) {
        return Caches.builder()
                .store(store)
                .storeErrorPolicy(policy)
                .listener(listener)
                .build();
    }

    @Test
    @DisplayName(
            "by default a store that is down fails getOrLoad without calling the loader, and the listener hears it")
    void failByDefault() {
        try (Cache cache = Caches.builder().store(store).listener(listener).build()) {
            store.down();
            AtomicInteger loads = new AtomicInteger();
            assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("test-server");
            assertThat(loads).hasValue(0);
            assertThat(storeErrors).containsExactly("get k");
        }
    }

    @Test
    @DisplayName("under LOAD, 16 threads on a key while the store is down: the loader runs once and all get its value")
    void loadRunsOncePerKeyPerJvm() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (Cache cache = cache(StoreErrorPolicy.LOAD)) {
            store.down();
            AtomicInteger loads = new AtomicInteger();
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> cache.getOrLoad("k", String.class, () -> {
                    loads.incrementAndGet();
                    // Hold the load until the 15 other callers joined it.
                    joined.await(30, TimeUnit.SECONDS);
                    return "loaded";
                })));
            }
            for (Future<String> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo("loaded");
            }
            assertThat(loads).hasValue(1);
            assertThat(storeErrors).contains("get k", "store-loaded k");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("under LOAD, a write that fails after a successful load returns the loaded value")
    void failedWriteKeepsTheValue() {
        try (Cache cache = cache(StoreErrorPolicy.LOAD)) {
            store.writesFail.set(true);
            assertThat(cache.getOrLoad("k", String.class, () -> "loaded")).isEqualTo("loaded");
            assertThat(storeErrors).containsExactly("store-loaded k");
            store.writesFail.set(false);
            assertThat(cache.getOrLoad("k", String.class, () -> "again")).isEqualTo("again");
            assertThat(cache.get("k", String.class).value()).isEqualTo("again");
        }
    }

    @Test
    @DisplayName("under FAIL, a write that fails after a load throws the store's error")
    void failedWriteUnderFail() {
        try (Cache cache = cache(StoreErrorPolicy.FAIL)) {
            store.writesFail.set(true);
            assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> "loaded"))
                    .isInstanceOf(StoreException.class);
            assertThat(storeErrors).containsExactly("store-loaded k");
        }
    }

    @Test
    @DisplayName("the URI option onStoreError takes fail or load, and names itself when given anything else")
    void uriOption() {
        try (Cache cache = Caches.open("memory://store-error-option?onStoreError=load")) {
            assertThat(cache.getOrLoad("k", String.class, () -> "v")).isEqualTo("v");
        }
        assertThatThrownBy(() -> Caches.open("memory://store-error-option?onStoreError=maybe"))
                .isInstanceOf(CacheConfigurationException.class)
                .hasMessageContaining("onStoreError=maybe")
                .hasMessageContaining("'fail' or 'load'");
    }
}
