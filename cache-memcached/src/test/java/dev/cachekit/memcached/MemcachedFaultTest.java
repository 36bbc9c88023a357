package dev.cachekit.memcached;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachekit.Cache;
import dev.cachekit.StoreException;
import dev.cachekit.core.Caches;
import dev.cachekit.spi.Backend;
import dev.cachekit.spi.KeyLayout;
import dev.cachekit.tck.ServerProcess;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("One of two servers dies and comes back")
class MemcachedFaultTest {

    private static final Duration RECOVERY_PATIENCE = Duration.ofSeconds(30);

    private static ServerProcess doomed;
    private static ServerProcess survivor;

    @BeforeAll
    static void startServers() {
        doomed = MemcachedServers.start();
        survivor = MemcachedServers.start();
    }

    @AfterAll
    static void stopServers() {
        doomed.close();
        survivor.close();
    }

    @Test
    @DisplayName("calls for keys on the dead server fail naming it, keys on the other still work,"
            + " and after a restart the same cache works again")
    void killAndRestart() {
        String uri = MemcachedServers.uri(List.of(doomed, survivor), "timeout=1s&maxReconnectDelay=1s");
        Backend backend = Caches.backend(uri);
        MemcachedStore store = (MemcachedStore) backend.store();
        String onDoomed = keyOn(store, doomed);
        String onSurvivor = keyOn(store, survivor);
        String tagOnDoomed = nameOn(store, KeyLayout.of("")::tag, doomed);
        try (Cache cache = Caches.builder().backend(backend).keyPrefix("").build()) {
            cache.put(onDoomed, "d1");
            cache.put(onSurvivor, "s1");

            doomed.kill();

            assertThatThrownBy(() -> cache.get(onDoomed, String.class))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(doomed.address());
            assertThatThrownBy(() -> cache.put(onDoomed, "d2"))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(doomed.address());
            assertThatThrownBy(() -> cache.tags(tagOnDoomed).get(onSurvivor, String.class))
                    .as("a tagged read (one multi-get) whose tag lives on the dead server")
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(doomed.address());
            assertThat(cache.get(onSurvivor, String.class).value()).isEqualTo("s1");
            cache.put(onSurvivor, "s2");
            assertThat(cache.get(onSurvivor, String.class).value()).isEqualTo("s2");

            doomed.restart();

            long deadline = System.nanoTime() + RECOVERY_PATIENCE.toNanos();
            int failures = 0;
            while (true) {
                try {
                    cache.put(onDoomed, "d3");
                    break;
                } catch (StoreException e) {
                    failures++;
                    assertThat(e).hasMessageContaining(doomed.address());
                    if (System.nanoTime() - deadline > 0) {
                        throw new AssertionError(
                                "the cache did not reach the restarted " + doomed.address() + " within "
                                        + RECOVERY_PATIENCE + " (" + failures + " failed puts)",
                                e);
                    }
                    sleep(100);
                }
            }
            assertThat(cache.get(onDoomed, String.class).value()).isEqualTo("d3");
            assertThat(cache.get(onSurvivor, String.class).value()).isEqualTo("s2");
        }
    }

    /** A cache key whose entry lives on {@code server}. */
    private static String keyOn(MemcachedStore store, ServerProcess server) {
        return nameOn(store, KeyLayout.of("")::entry, server);
    }

    /** A name whose store key (an entry's or a tag's, with an empty prefix) lives on {@code server}. */
    private static String nameOn(MemcachedStore store, UnaryOperator<String> storeKey, ServerProcess server) {
        for (int i = 0; i < 1000; i++) {
            if (store.serverOf(storeKey.apply("name-" + i)).equals(server.address())) {
                return "name-" + i;
            }
        }
        throw new IllegalStateException("no name of 1000 hashes to " + server);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
