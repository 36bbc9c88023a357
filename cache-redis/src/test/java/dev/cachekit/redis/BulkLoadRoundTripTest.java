package dev.cachekit.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachekit.Cache;
import dev.cachekit.core.Caches;
import dev.cachekit.tck.ServerProcess;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The lock traffic of {@code getOrLoadAll}, counted by the server itself with {@code INFO commandstats}. */
class BulkLoadRoundTripTest {

    private static ServerProcess server;

    @BeforeAll
    static void startServer() {
        // A server of its own, so no other test's commands get counted.
        server = RedisServers.startStandalone();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    @DisplayName("getOrLoadAll of 50 cold keys takes the 50 load locks with ONE script (one EVALSHA), releases"
            + " them with one more, and loads them with one loader call")
    void fiftyColdKeysLockInOneScript() {
        AtomicInteger loaderCalls = new AtomicInteger();
        try (Cache cache = Caches.open("redis://" + server.address());
                CommandStats stats = CommandStats.snapshot(List.of(server))) {
            // Load the scripts once, so the counted run is the steady state.
            cache.getOrLoadAll(List.of("warm"), String.class, keys -> Map.of("warm", "w"));
            List<String> keys = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                keys.add("user:" + i);
            }
            stats.since();

            Map<String, String> values = cache.getOrLoadAll(keys, String.class, wanted -> {
                loaderCalls.incrementAndGet();
                Map<String, String> loaded = new HashMap<>();
                wanted.forEach(key -> loaded.put(key, "v-" + key));
                return loaded;
            });

            assertThat(values).hasSize(50).containsEntry("user:49", "v-user:49");
            assertThat(loaderCalls).hasValue(1);
            Map<String, Long> run = stats.since();
            // One EVALSHA takes every lock (its 50 SET NX PX run inside it), one more releases them all
            // (a GET, DEL and PUBLISH per lock inside it). The other 50 SETs write the values.
            assertThat(run)
                    .containsEntry("evalsha", 2L)
                    .containsEntry("publish", 50L)
                    .containsEntry("del", 50L)
                    .containsEntry("set", 100L)
                    .doesNotContainKeys("setnx", "eval");
        }
    }
}
