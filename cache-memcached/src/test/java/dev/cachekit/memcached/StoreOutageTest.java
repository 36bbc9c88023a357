package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.CacheListener;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The only server is killed under an open cache: what getOrLoad does under each store-error policy. */
@DisplayName("memcached killed under getOrLoad")
class StoreOutageTest {

    private ServerProcess server;
    private final List<String> storeErrors = new CopyOnWriteArrayList<>();
    private final CountDownLatch joined = new CountDownLatch(7);
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

    @BeforeEach
    void startServer() {
        server = MemcachedServers.start();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    private Cache open(String policy) {
        return Caches.builder()
                .uri(MemcachedServers.uri(List.of(server), "timeout=500ms&maxReconnectDelay=1s&onStoreError=" + policy))
                .listener(listener)
                .build();
    }

    @Test
    @DisplayName("onStoreError=load: 8 threads get the loaded value with the server dead, the loader runs once,"
            + " and after a restart the value is cached again")
    void loadPolicy() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try (Cache cache = open("load")) {
            server.kill();
            AtomicInteger loads = new AtomicInteger();
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> cache.getOrLoad("k", String.class, () -> {
                    loads.incrementAndGet();
                    joined.await(30, TimeUnit.SECONDS);
                    return "from the source";
                })));
            }
            for (Future<String> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isEqualTo("from the source");
            }
            assertThat(loads).hasValue(1);
            assertThat(storeErrors).contains("get k", "store-loaded k");

            server.restart();
            assertThat(awaitLoad(cache, "k", "after the restart")).isEqualTo("after the restart");
            assertThat(cache.getOrLoad("k", String.class, () -> "never")).isEqualTo("after the restart");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("onStoreError=fail: getOrLoad throws naming the server and never calls the loader")
    void failPolicy() {
        try (Cache cache = open("fail")) {
            server.kill();
            AtomicInteger loads = new AtomicInteger();
            assertThatThrownBy(() -> cache.getOrLoad("k", String.class, () -> "v" + loads.incrementAndGet()))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(server.address());
            assertThat(loads).hasValue(0);
            assertThat(storeErrors).containsExactly("get k");
        }
    }

    /** Calls getOrLoad until its value is cached (the client may take a moment to reconnect). */
    private static String awaitLoad(Cache cache, String key, String value) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            String got = cache.getOrLoad(key, String.class, () -> value);
            try {
                if (cache.get(key, String.class).isHit()) {
                    return got;
                }
            } catch (StoreException e) {
                // Still reconnecting.
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the value was not cached within 30 s of the restart");
            }
            Thread.sleep(100);
        }
    }
}
